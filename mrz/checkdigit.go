package mrz

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// MaxNumberLen is the longest canonical document number [ValidateNumber]
// accepts. Doc 9303 sets no upper bound for the overflow form, so the limit
// is the one the SLTD record format uses for its document identification
// number.
const MaxNumberLen = 35

// Errors returned (wrapped, with the offending value) by [ValidateNumber].
var (
	ErrNumberEmpty    = errors.New("document number is empty")
	ErrNumberTooLong  = errors.New("document number is too long")
	ErrNumberCharset  = errors.New("document number has a character outside A-Z 0-9")
	ErrCheckDigitChar = errors.New("character outside the MRZ set A-Z 0-9 <")
)

// charValues holds the 7-3-1 value of each MRZ character and -1 for every
// other byte; a table keeps the per-character cost of parsing to one load.
var charValues = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = int8(c - '0')
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = int8(c-'A') + 10
	}
	t['<'] = 0
	return t
}()

// charValue is the 7-3-1 value of an MRZ character, or -1 outside the set.
func charValue(c byte) int { return int(charValues[c]) }

// CheckDigit returns the ICAO Doc 9303 check digit (0-9) of s: character
// values 0-9, A-Z = 10-35 and '<' = 0, weighted 7, 3, 1 repeating from the
// left, summed modulo 10. A character outside A-Z 0-9 '<' (lower case
// included) is an error naming it and its position.
func CheckDigit(s string) (int, error) {
	sum := 0
	for i := 0; i < len(s); i++ {
		v := charValue(s[i])
		if v < 0 {
			r := []rune(s[i:])[0]
			return 0, fmt.Errorf("check digit of %q: %w: %q at position %d", s, ErrCheckDigitChar, r, i+1)
		}
		sum += v * weights[i%3]
	}
	return sum % 10, nil
}

var weights = [3]int{7, 3, 1}

// checkDigit is CheckDigit for input already known to be in the MRZ set; the
// parser calls it on every field, so it must not allocate. The digit is
// returned as its ASCII character.
func checkDigit(s string) byte {
	sum := 0
	for i := 0; i < len(s); i++ {
		v := charValue(s[i])
		if v < 0 {
			v = 0
		}
		sum += v * weights[i%3]
	}
	return byte('0' + sum%10)
}

// CanonicalNumber returns the canonical form of a document number, the one
// key shared by the MRZ parser and the document index: upper case, with MRZ
// fillers '<', white space and hyphens removed. It does not validate: see
// [ValidateNumber].
func CanonicalNumber(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r == '<' || r == '-' || unicode.IsSpace(r) {
			continue
		}
		b.WriteString(strings.ToUpper(string(r)))
	}
	return b.String()
}

// ValidateNumber canonicalises s with [CanonicalNumber] and reports whether
// the result is a usable document number: 1 to [MaxNumberLen] characters of
// A-Z 0-9. The error wraps [ErrNumberEmpty], [ErrNumberTooLong] or
// [ErrNumberCharset] and names the value as given.
func ValidateNumber(s string) error {
	n := CanonicalNumber(s)
	if n == "" {
		return fmt.Errorf("%w: %q has no character besides fillers, spaces and hyphens", ErrNumberEmpty, s)
	}
	for _, r := range n {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return fmt.Errorf("%w: %q has %q", ErrNumberCharset, s, r)
		}
	}
	if len(n) > MaxNumberLen {
		return fmt.Errorf("%w: %q is %d characters long, more than %d", ErrNumberTooLong, s, len(n), MaxNumberLen)
	}
	return nil
}
