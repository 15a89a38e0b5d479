package mrz

import (
	"errors"
	"fmt"
	"time"
)

// ErrDate is wrapped by the errors of [BirthDate] and [ExpiryDate].
var ErrDate = errors.New("not a usable MRZ date")

// BirthDate resolves a raw MRZ birth date YYMMDD to the API's partial date
// form "YYYY-MM-DD", "YYYY-MM" or "YYYY" (unknown day or month printed as
// "<<"). The century is the one that puts the date not after now: an MRZ
// has no century, and nobody is born in the future.
func BirthDate(raw string, now time.Time) (string, error) {
	y, m, d, err := splitDate(raw)
	if err != nil {
		return "", err
	}
	year := 2000 + y
	if year > now.Year() || year == now.Year() && m > 0 && (time.Month(m) > now.Month() || time.Month(m) == now.Month() && d > now.Day()) {
		year -= 100
	}
	return formatDate(year, m, d), nil
}

// ExpiryDate resolves a raw MRZ expiry date YYMMDD like [BirthDate]. The
// century is 20YY unless that lies more than 50 years after now: documents
// are issued for at most a few decades, while expired documents from the
// 1990s are still checked against stolen-document lists.
func ExpiryDate(raw string, now time.Time) (string, error) {
	y, m, d, err := splitDate(raw)
	if err != nil {
		return "", err
	}
	year := 2000 + y
	if year > now.Year()+50 {
		year -= 100
	}
	return formatDate(year, m, d), nil
}

// splitDate returns year (0-99), month and day (0 when unknown) of a raw
// date that passes the parser's format check; the year must be known.
func splitDate(raw string) (y, m, d int, err error) {
	if len(raw) != 6 || !validDate(raw) {
		return 0, 0, 0, fmt.Errorf("%w: %q is not YYMMDD", ErrDate, raw)
	}
	if raw[0] == '<' {
		return 0, 0, 0, fmt.Errorf("%w: %q has no year", ErrDate, raw)
	}
	pair := func(i int) int {
		if raw[i] == '<' {
			return 0
		}
		return int(raw[i]-'0')*10 + int(raw[i+1]-'0')
	}
	y, m, d = pair(0), pair(2), pair(4)
	if m == 0 {
		d = 0 // a day without its month says nothing
	}
	return y, m, d, nil
}

func formatDate(y, m, d int) string {
	switch {
	case m == 0:
		return fmt.Sprintf("%04d", y)
	case d == 0:
		return fmt.Sprintf("%04d-%02d", y, m)
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}
