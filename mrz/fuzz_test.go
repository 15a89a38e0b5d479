package mrz_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/lookout-network/lookout/mrz"
)

// FuzzParse feeds arbitrary text, split at newlines, to Parse and checks
// the invariants of a Result besides the absence of panics.
func FuzzParse(f *testing.F) {
	for _, c := range MustCases(f) {
		f.Add(strings.Join(c.Lines, "\n"))
	}
	f.Add("")
	f.Add("\n\n\n")
	f.Add("I<UTOD23145890<<<<<<<<<<<<<<<<\n3407127M9507122UTO<<<<<<<<<<<2\nSTEVENSON<<PETER<JOHN<<<<<<<<<")
	f.Fuzz(func(t *testing.T, s string) {
		r := mrz.ParseString(s)
		fixed, fixes := mrz.CorrectOCR(strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }))
		if again, more := mrz.CorrectOCR(fixed); len(more) != 0 || !reflect.DeepEqual(again, fixed) {
			t.Fatalf("CorrectOCR not idempotent on %q: %+v", s, more)
		}
		if len(fixes) == 0 && !reflect.DeepEqual(mrz.Parse(fixed), r) {
			t.Fatalf("CorrectOCR changed %q without reporting it", s)
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		var back mrz.Result
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("unmarshal %s: %v", b, err)
		}
		if !r.StructureValid {
			if r.Valid || r.Fields != nil || r.CheckDigits != nil || r.CheckDigitsValid != nil || r.FormatIssues != nil || r.Error == "" {
				t.Fatalf("structure-invalid result carries fields: %s", b)
			}
			return
		}
		if r.Fields == nil || r.CheckDigits == nil || r.CheckDigitsValid == nil || r.CodeStatus == nil || r.FormatIssues == nil {
			t.Fatalf("structure-valid result lacks members: %s", b)
		}
		if r.Valid != (r.Error == "" && *r.CheckDigitsValid && len(r.FormatIssues) == 0) {
			t.Fatalf("valid inconsistent: %s", b)
		}
		if (r.CheckDigitsValidLenient != nil) != r.Fields.DocumentNumberOverflow {
			t.Fatalf("lenient verdict without overflow or the reverse: %s", b)
		}
		if *r.CheckDigitsValid && r.CheckDigitsValidLenient != nil && !*r.CheckDigitsValidLenient {
			t.Fatalf("strict valid but lenient invalid: %s", b)
		}
		for _, d := range []*mrz.Digit{r.CheckDigits.DocumentNumber, r.CheckDigits.BirthDate, r.CheckDigits.ExpiryDate} {
			if d == nil || len(d.Printed) != 1 || len(d.Computed) != 1 || d.Computed[0] < '0' || d.Computed[0] > '9' {
				t.Fatalf("bad digit in %s", b)
			}
		}
		// A valid MRZ's number must survive canonicalisation.
		if r.Valid {
			if err := mrz.ValidateNumber(r.Fields.DocumentNumber); err != nil && mrz.CanonicalNumber(r.Fields.DocumentNumber) != "" {
				t.Fatalf("valid MRZ number %q: %v", r.Fields.DocumentNumber, err)
			}
		}
	})
}

// FuzzEncodeName checks that any name encodes to a field of the asked
// length in the MRZ alphabet and that folding never panics.
func FuzzEncodeName(f *testing.F) {
	for _, c := range MustReadJSONL[translitCase](f, "transliteration.jsonl") {
		f.Add(c.Primary, c.Secondary, c.FieldLen)
	}
	f.Fuzz(func(t *testing.T, p, s string, n int) {
		n = n % 64
		if n < 0 {
			n = -n
		}
		got := mrz.EncodeName(p, s, n)
		if len(got) != n {
			t.Fatalf("EncodeName(%q, %q, %d) = %q: length %d", p, s, n, got, len(got))
		}
		for i := 0; i < len(got); i++ {
			if c := got[i]; !(c >= 'A' && c <= 'Z' || c == '<') {
				t.Fatalf("EncodeName(%q, %q, %d) = %q: character %q", p, s, n, got, c)
			}
		}
		_ = mrz.FoldName(p + " " + s)
	})
}
