package mrz_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/lookout-network/lookout/mrz"
)

type relatedCase struct {
	mrzCase
	Related map[string]string `json:"related"`
}

// TestCorrectOCRCorpus checks that correcting each OCR-corrupted read of
// the corpus gives back the genuine MRZ it names.
func TestCorrectOCRCorpus(t *testing.T) {
	all := MustReadJSONL[relatedCase](t, "mrz_cases.jsonl")
	byID := map[string]relatedCase{}
	for _, c := range all {
		byID[c.ID] = c
	}
	n := 0
	for _, c := range all {
		target := c.Related["ocr_corrected_equals"]
		if target == "" {
			target = c.Related["uppercased_equals"]
		}
		if target == "" {
			continue
		}
		n++
		t.Run("OK/"+c.ID, func(t *testing.T) {
			want := byID[target].Lines
			got, fixes := mrz.CorrectOCR(c.Lines)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("CorrectOCR(%q)\n = %q\nwant %q", c.Lines, got, want)
			}
			if len(fixes) == 0 {
				t.Errorf("no correction reported")
			}
			r, _ := mrz.ParseCorrected(c.Lines)
			if !r.Valid || mrz.Parse(c.Lines).Valid {
				t.Errorf("valid raw %v, after correction %v; want false, true", mrz.Parse(c.Lines).Valid, r.Valid)
			}
		})
	}
	if n < 4 {
		t.Fatalf("only %d corrected cases in the corpus", n)
	}
}

// TestCorrectOCRLeavesValidAlone: a valid read has nothing to correct.
func TestCorrectOCRLeavesValidAlone(t *testing.T) {
	for _, c := range MustCases(t) {
		var exp struct{ Valid bool }
		if err := json.Unmarshal(c.Expected, &exp); err != nil {
			t.Fatal(err)
		}
		if !exp.Valid {
			continue
		}
		t.Run("OK/"+c.ID, func(t *testing.T) {
			got, fixes := mrz.CorrectOCR(c.Lines)
			if len(fixes) != 0 || !reflect.DeepEqual(got, c.Lines) {
				t.Errorf("CorrectOCR changed a valid MRZ: %+v", fixes)
			}
		})
	}
}

func TestCorrectOCRDetails(t *testing.T) {
	lines := []string{
		"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
		"L8989O2C36UTO74O8122P1204159ZE184226B<<<<<10",
	}
	got, fixes := mrz.CorrectOCR(lines)
	// The O inside the document number stays: it is alphanumeric there.
	if !strings.HasPrefix(got[1], "L8989O2C36UTO7408122F") {
		t.Errorf("CorrectOCR line 2 = %q", got[1])
	}
	want := []mrz.Correction{
		{Line: 2, Pos: 16, Field: "birth_date", From: "O", To: "0", Reason: mrz.ReasonOCRConfusion},
		{Line: 2, Pos: 21, Field: "sex", From: "P", To: "F", Reason: mrz.ReasonOCRConfusion},
	}
	if !reflect.DeepEqual(fixes, want) {
		t.Errorf("corrections %+v, want %+v", fixes, want)
	}
	t.Run("OK/NoLayout", func(t *testing.T) {
		got, fixes := mrz.CorrectOCR([]string{"ABC", " "})
		if len(fixes) != 0 || !reflect.DeepEqual(got, []string{"ABC"}) {
			t.Errorf("CorrectOCR = %q, %v", got, fixes)
		}
	})
}
