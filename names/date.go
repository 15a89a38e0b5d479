package names

import (
	"fmt"
	"strconv"
)

// Date is a possibly partial date of birth: Year alone, Year and Month, or
// all three. The zero Date means unknown.
type Date struct {
	Year, Month, Day int
}

// ParseDate reads "YYYY", "YYYY-MM" or "YYYY-MM-DD" ("/" is accepted for
// "-", as in INTERPOL extracts). The empty string is the unknown date.
func ParseDate(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	bad := func(why string) (Date, error) {
		return Date{}, fmt.Errorf("date of birth %q %s", s, why)
	}
	if len(s) != 4 && len(s) != 7 && len(s) != 10 {
		return bad("is not YYYY, YYYY-MM or YYYY-MM-DD")
	}
	num := func(p string) (int, bool) {
		n, err := strconv.Atoi(p)
		return n, err == nil && p[0] != '+' && p[0] != '-'
	}
	var d Date
	var ok bool
	if d.Year, ok = num(s[:4]); !ok || d.Year < 1 {
		return bad("has no valid year")
	}
	if len(s) >= 7 {
		if s[4] != '-' && s[4] != '/' {
			return bad("is not YYYY, YYYY-MM or YYYY-MM-DD")
		}
		if d.Month, ok = num(s[5:7]); !ok || d.Month < 1 || d.Month > 12 {
			return bad("has no valid month")
		}
	}
	if len(s) == 10 {
		if s[7] != s[4] {
			return bad("mixes separators")
		}
		if d.Day, ok = num(s[8:10]); !ok || d.Day < 1 || d.Day > daysIn(d.Year, d.Month) {
			return bad("has no valid day")
		}
	}
	return d, nil
}

// MustParseDate is ParseDate for literals known to be valid; it panics on
// an error.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// IsZero reports whether the date is unknown.
func (d Date) IsZero() bool { return d.Year == 0 }

// String formats the date at its precision.
func (d Date) String() string {
	switch {
	case d.Year == 0:
		return ""
	case d.Month == 0:
		return fmt.Sprintf("%04d", d.Year)
	case d.Day == 0:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// MarshalText writes the date at its precision.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads a date as ParseDate does.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Date agreement levels, as shown in an explanation.
const (
	DateUnknown    = "not_compared"    // one side has no date
	DateSame       = "same"            // equal at the precision both sides have
	DateSwapped    = "day_month_swap"  // day and month exchanged (a data entry slip)
	DateYearOffOne = "year_off_by_one" // the year differs by one, the rest agrees
	DateDayDiffers = "day_differs"     // same year and month, another day
	DateMonthDiff  = "month_differs"   // same year, another month
	DateDifferent  = "different"       // years more than one apart
)

// Penalties subtracted from the name score for a date disagreement. A year
// off by one and a swapped day and month are typical clerical slips and cost
// little; a different year or month makes an exact name fall below the
// alert bar while still listing it for review (0.35 below 1.0 is 0.65 ≥ 0.5).
const (
	penaltySwapped    = 0.05
	penaltyYearOffOne = 0.05
	penaltyDay        = 0.10
	penaltyMonth      = 0.35 // a different month weighs like a different year
	penaltyYear       = 0.35
)

// compareDates compares at the precision both dates have and returns the
// agreement and the penalty.
func compareDates(q, c Date) (string, float64) {
	if q.IsZero() || c.IsZero() {
		return DateUnknown, 0
	}
	dy := q.Year - c.Year
	if dy < 0 {
		dy = -dy
	}
	monthsKnown := q.Month != 0 && c.Month != 0
	daysKnown := q.Day != 0 && c.Day != 0
	restSame := (!monthsKnown || q.Month == c.Month) && (!daysKnown || q.Day == c.Day)
	swapped := daysKnown && q.Month != c.Month && q.Month == c.Day && q.Day == c.Month
	switch {
	case dy > 1:
		return DateDifferent, penaltyYear
	case dy == 1 && (restSame || swapped):
		return DateYearOffOne, penaltyYearOffOne
	case dy == 1:
		return DateDifferent, penaltyYear
	case restSame:
		return DateSame, 0
	case swapped:
		return DateSwapped, penaltySwapped
	case monthsKnown && q.Month != c.Month:
		return DateMonthDiff, penaltyMonth
	}
	return DateDayDiffers, penaltyDay
}
