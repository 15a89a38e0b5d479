package mrz_test

import (
	"errors"
	"strconv"
	"testing"

	"github.com/lookout-network/lookout/mrz"
)

type checkDigitVector struct {
	Input      string `json:"input"`
	CheckDigit string `json:"check_digit"`
	Note       string `json:"note"`
}

func TestCheckDigitVectors(t *testing.T) {
	for _, v := range MustReadJSONL[checkDigitVector](t, "check_digits.jsonl") {
		t.Run("OK/"+v.Input, func(t *testing.T) {
			got, err := mrz.CheckDigit(v.Input)
			if err != nil {
				t.Fatalf("CheckDigit(%q): %v", v.Input, err)
			}
			if strconv.Itoa(got) != v.CheckDigit {
				t.Errorf("CheckDigit(%q) = %d, want %s (%s)", v.Input, got, v.CheckDigit, v.Note)
			}
		})
	}
}

func TestCheckDigitErrors(t *testing.T) {
	for _, in := range []string{"l898902c3", "AB-12", "ÄB", "12 3"} {
		t.Run("ErrCheckDigitChar/"+in, func(t *testing.T) {
			if _, err := mrz.CheckDigit(in); !errors.Is(err, mrz.ErrCheckDigitChar) {
				t.Errorf("CheckDigit(%q) error = %v, want ErrCheckDigitChar", in, err)
			}
		})
	}
}

func TestCanonicalNumber(t *testing.T) {
	tests := []struct{ in, want string }{
		{"L898902C3", "L898902C3"},
		{"l898902c3", "L898902C3"},
		{"L898902C<", "L898902C"},
		{"AB-123 456", "AB123456"},
		{" ab\t12<<", "AB12"},
		{"D23145890<734", "D23145890734"},
		{"<<<", ""},
		{"AB#1", "AB#1"},
	}
	for _, tt := range tests {
		t.Run("OK/"+tt.in, func(t *testing.T) {
			if got := mrz.CanonicalNumber(tt.in); got != tt.want {
				t.Errorf("CanonicalNumber(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestValidateNumber(t *testing.T) {
	tests := []struct {
		name string
		in   string
		err  error
	}{
		{"OK", "L898902C3", nil},
		{"OK/LowerWithHyphen", "ab-1234", nil},
		{"OK/Max", "A234567890123456789012345678901234Z", nil},
		{"ErrNumberEmpty", " <-< ", mrz.ErrNumberEmpty},
		{"ErrNumberTooLong", "A234567890123456789012345678901234567", mrz.ErrNumberTooLong},
		{"ErrNumberCharset", "AB#12", mrz.ErrNumberCharset},
		{"ErrNumberCharset/Accent", "ÉB12", mrz.ErrNumberCharset},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := mrz.ValidateNumber(tt.in)
			if !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
				t.Errorf("ValidateNumber(%q) = %v, want %v", tt.in, err, tt.err)
			}
		})
	}
}
