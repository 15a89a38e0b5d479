package mrz_test

import (
	"testing"

	"github.com/lookout-network/lookout/mrz"
)

func TestCountryStatus(t *testing.T) {
	tests := []struct{ code, want string }{
		{"FRA", mrz.StatusISO3166},
		{"DEU", mrz.StatusISO3166},
		{"PRI", mrz.StatusISO3166},
		{"D", mrz.StatusICAOSpecial},
		{"D<<", mrz.StatusICAOSpecial},
		{"GBD", mrz.StatusICAOSpecial},
		{"XXA", mrz.StatusICAOSpecial},
		{"XXX", mrz.StatusICAOSpecial},
		{"EUE", mrz.StatusICAOSpecial},
		{"UNO", mrz.StatusICAOSpecial},
		{"RKS", mrz.StatusICAOSpecial},
		{"XPO", mrz.StatusICAOSpecial},
		{"UTO", mrz.StatusSpecimen},
		{"BOS", mrz.StatusUnknown},
		{"ASU", mrz.StatusUnknown},
		{"INP", mrz.StatusUnknown},
		{"UT0", mrz.StatusUnknown},
		{"", mrz.StatusUnknown},
		{"fra", mrz.StatusUnknown},
		{"FRAN", mrz.StatusUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.want+"/"+tt.code, func(t *testing.T) {
			if got := mrz.CountryStatus(tt.code); got != tt.want {
				t.Errorf("CountryStatus(%q) = %q, want %q", tt.code, got, tt.want)
			}
		})
	}
}

func TestNormalizeCountry(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"D", "DEU", true},
		{"D<<", "DEU", true},
		{"d", "DEU", true},
		{"DEU", "DEU", true},
		{" fra ", "FRA", true},
		{"GBD", "GBD", true},
		{"XXA", "XXA", true},
		{"UNK", "UNK", true},
		{"UTO", "UTO", true},
		{"BOS", "", false},
		{"FR", "", false},
		{"", "", false},
		{"DE", "", false},
		{"D<X", "", false},
	}
	for _, tt := range tests {
		name := "OK/" + tt.in
		if !tt.ok {
			name = "ErrUnknown/" + tt.in
		}
		t.Run(name, func(t *testing.T) {
			got, ok := mrz.NormalizeCountry(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("NormalizeCountry(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}
