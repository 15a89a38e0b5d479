package mrz_test

import (
	"errors"
	"testing"
	"time"

	"github.com/lookout-network/lookout/mrz"
)

func TestResolveDates(t *testing.T) {
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		fn     func(string, time.Time) (string, error)
		raw    string
		want   string
		errors bool
	}{
		{"OK/BirthLastCentury", mrz.BirthDate, "740812", "1974-08-12", false},
		{"OK/BirthThisCentury", mrz.BirthDate, "130101", "2013-01-01", false},
		{"OK/BirthEarlierThisYear", mrz.BirthDate, "261126", "2026-11-26", false},
		{"OK/BirthLaterThisYear", mrz.BirthDate, "261128", "1926-11-28", false},
		{"OK/BirthUnknownDay", mrz.BirthDate, "6808<<", "1968-08", false},
		{"OK/BirthUnknownMonth", mrz.BirthDate, "68<<<<", "1968", false},
		{"OK/Expiry", mrz.ExpiryDate, "340528", "2034-05-28", false},
		{"OK/ExpiryNineties", mrz.ExpiryDate, "950712", "1995-07-12", false},
		{"OK/ExpiryLeap", mrz.ExpiryDate, "280229", "2028-02-29", false},
		{"ErrDate/Letters", mrz.BirthDate, "74O812", "", true},
		{"ErrDate/Month13", mrz.ExpiryDate, "741312", "", true},
		{"ErrDate/NoYear", mrz.BirthDate, "<<0812", "", true},
		{"ErrDate/Short", mrz.BirthDate, "7408", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.fn(tt.raw, now)
			if got != tt.want || (err != nil) != tt.errors || err != nil && !errors.Is(err, mrz.ErrDate) {
				t.Errorf("(%q) = %q, %v, want %q, error %v", tt.raw, got, err, tt.want, tt.errors)
			}
		})
	}
}
