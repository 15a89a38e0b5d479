package names_test

import (
	"strings"
	"testing"

	"github.com/lookout-network/lookout/names"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		name, in string
		want     names.Date
		err      string
	}{
		{"OK/Full", "1971-03-08", names.Date{Year: 1971, Month: 3, Day: 8}, ""},
		{"OK/Slashes", "1971/03/08", names.Date{Year: 1971, Month: 3, Day: 8}, ""},
		{"OK/YearMonth", "1971-03", names.Date{Year: 1971, Month: 3}, ""},
		{"OK/Year", "1971", names.Date{Year: 1971}, ""},
		{"OK/Unknown", "", names.Date{}, ""},
		{"OK/LeapDay", "2000-02-29", names.Date{Year: 2000, Month: 2, Day: 29}, ""},
		{"ErrNotLeap", "1900-02-29", names.Date{}, "no valid day"},
		{"ErrMonth", "1971-13", names.Date{}, "no valid month"},
		{"ErrDay", "1971-04-31", names.Date{}, "no valid day"},
		{"ErrYear", "19x1", names.Date{}, "no valid year"},
		{"ErrSign", "1971-+3", names.Date{}, "no valid month"},
		{"ErrShape", "8.3.1971", names.Date{}, "is not YYYY"},
		{"ErrMixedSeparators", "1971-03/08", names.Date{}, "mixes separators"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := names.ParseDate(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), tt.in) {
					t.Fatalf("ParseDate(%q) error %v, want one naming the value and %q", tt.in, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseDate(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
			if got.String() != strings.ReplaceAll(tt.in, "/", "-") {
				t.Errorf("String() = %q, want %q", got.String(), tt.in)
			}
		})
	}
}

func TestDateAgreement(t *testing.T) {
	tests := []struct{ q, c, want string }{
		{"1971-03-08", "1971-03-08", names.DateSame},
		{"1971", "1971-03-08", names.DateSame},
		{"1971-03", "1971-03-08", names.DateSame},
		{"1971-03-08", "1971-08-03", names.DateSwapped},
		{"1971-03-08", "1970-03-08", names.DateYearOffOne},
		{"1971", "1972-12-31", names.DateYearOffOne},
		{"1971-03-08", "1972-08-03", names.DateYearOffOne},
		{"1971-03-08", "1971-03-09", names.DateDayDiffers},
		{"1971-03-08", "1971-04-08", names.DateMonthDiff},
		{"1971-03-08", "1975-03-08", names.DateDifferent},
		{"1971-03-08", "1970-05-01", names.DateDifferent},
		{"", "1971-03-08", names.DateUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.q+"_"+tt.c, func(t *testing.T) {
			r := names.Compare(names.Query{Name: "Ann Lee", DateOfBirth: names.MustParseDate(tt.q)},
				names.Entry{Names: []string{"Ann Lee"}, DateOfBirth: names.MustParseDate(tt.c)})
			if r.Explanation.DateOfBirth != tt.want {
				t.Fatalf("dates %s and %s: %q, want %q", tt.q, tt.c, r.Explanation.DateOfBirth, tt.want)
			}
		})
	}
}
