package docindex_test

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/lookout-network/lookout/docindex"
)

// mrzCheckDigit is the ICAO 9303 7-3-1 check digit, written out here so the
// test does not trust the package's own.
func mrzCheckDigit(s string) int {
	sum := 0
	for i, c := range s {
		v := 0
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		}
		sum += v * []int{7, 3, 1}[i%3]
	}
	return sum % 10
}

func TestSimilar(t *testing.T) {
	recs := []string{
		"CHN G62292599", // 1
		"UTO L898902C3", // 2
		"DEU C01X00T47", // 3
		"DEU C01X00T48", // 4: substitution of 3
		"FRA 12AB34567", // 5
		"GBR 123456789", // 6
		"USA 123456789", // 7
		"GBR 12345678",  // 8: one character less than 6
		"GBR 1234567890",
		"ITA YA1234567",  // 10
		"ITA YA1234567",  // 11: duplicate number, other id
		"NLD NX1234567",  // 12
		"POL OO1234567",  // 13: two OCR confusions from 001234567
		"POL 0012345678", // 14
	}
	x := MustBuild(t, recs...)
	tests := []struct {
		name, country, query string
		wantID               uint64
		wantKind             docindex.Kind
		wantOCR              int
	}{
		{"OCRGTo6", "CHN", "662292599", 1, docindex.KindOCR, 1},
		{"TranspositionICAO", "UTO", "L89890C23", 2, docindex.KindTransposition, 0},
		{"OCRZeroForO", "DEU", "CO1X0OT47", 3, docindex.KindOCR, 2},
		{"OCRIForOne", "DEU", "CI1X00T47", 0, 0, 0}, // C01 vs CI1: I is a confusion of 1, not of 0
		{"Substitution", "FRA", "12AB34568", 5, docindex.KindSubstitution, 0},
		{"SubstitutionWithOCR", "FRA", "I2AB34568", 5, docindex.KindSubstitution, 1},
		{"InsertionRecordLonger", "GBR", "12345679", 6, docindex.KindInsertion, 0},
		{"DeletionRecordShorter", "GBR", "123A45678", 8, docindex.KindDeletion, 0},
		{"TranspositionDigits", "ITA", "YA1234576", 10, docindex.KindTransposition, 0},
		{"OCRTwoPositions", "POL", "001234567", 13, docindex.KindOCR, 2},
		{"OCRBForEight", "NLD", "NX1234S67", 12, docindex.KindOCR, 1},
		{"OCRBothWays", "DEU", "C01X00T4B", 4, docindex.KindOCR, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cands, err := x.Similar(tt.country, tt.query, 50)
			if err != nil {
				t.Fatal(err)
			}
			var found *docindex.Candidate
			for i, c := range cands {
				if c.Number == tt.query {
					t.Errorf("candidate %+v is the checked number itself", c)
				}
				if c.Country != tt.country {
					t.Errorf("candidate %+v is from another country", c)
				}
				if c.ID == tt.wantID {
					found = &cands[i]
				}
				if i > 0 && c.Cost < cands[i-1].Cost {
					t.Errorf("candidates not ranked by cost: %+v", cands)
				}
			}
			if tt.wantID == 0 {
				if len(cands) > 0 && tt.name == "OCRIForOne" && cands[0].ID == 3 && cands[0].Kind == docindex.KindOCR {
					t.Errorf("I read for 0 reported as an OCR confusion: %+v", cands[0])
				}
				return
			}
			if found == nil {
				t.Fatalf("Similar(%s, %s) = %+v, missing id %d", tt.country, tt.query, cands, tt.wantID)
			}
			if found.Kind != tt.wantKind || found.OCRPositions != tt.wantOCR {
				t.Errorf("candidate %+v, want kind %v with %d OCR positions", found, tt.wantKind, tt.wantOCR)
			}
			if want := mrzCheckDigit(tt.query) == mrzCheckDigit(found.Number); found.CheckDigitBlind != want {
				t.Errorf("candidate %+v: CheckDigitBlind = %v, want %v", found, found.CheckDigitBlind, want)
			}
		})
	}
	t.Run("OKRankOCRBeforeEdit", func(t *testing.T) {
		cands, err := x.Similar("DEU", "C01X00T4B", 10)
		if err != nil {
			t.Fatal(err)
		}
		// 4 (C01X00T48) is a B/8 confusion; 3 (C01X00T47) a plain substitution.
		if len(cands) != 2 || cands[0].ID != 4 || cands[1].ID != 3 || cands[0].Cost >= cands[1].Cost {
			t.Errorf("Similar = %+v, want id 4 then id 3", cands)
		}
	})
	t.Run("OKExactLeftOut", func(t *testing.T) {
		cands, err := x.Similar("ITA", "YA1234567", 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cands {
			if c.ID == 10 || c.ID == 11 {
				t.Errorf("exact record %+v returned as similar", c)
			}
		}
	})
	t.Run("OKAnyCountry", func(t *testing.T) {
		cands, err := x.Similar("", "123456780", 10)
		if err != nil {
			t.Fatal(err)
		}
		var ids []uint64
		for _, c := range cands {
			ids = append(ids, c.ID)
		}
		slices.Sort(ids)
		if !slices.Contains(ids, 6) || !slices.Contains(ids, 7) {
			t.Errorf("Similar any country = %+v, want ids 6 and 7", cands)
		}
	})
	t.Run("OKLimit", func(t *testing.T) {
		cands, err := x.Similar("", "123456780", 1)
		if err != nil || len(cands) != 1 {
			t.Errorf("Similar with limit 1 = %+v, %v", cands, err)
		}
	})
	t.Run("OKLiveRecords", func(t *testing.T) {
		if err := x.Put(100, "ESP", "PAA123456"); err != nil {
			t.Fatal(err)
		}
		cands, err := x.Similar("ESP", "PAA12345G", 10)
		if err != nil || len(cands) != 1 || cands[0].ID != 100 || cands[0].Kind != docindex.KindOCR {
			t.Errorf("Similar on a live record = %+v, %v", cands, err)
		}
		x.Delete(100)
		if cands, _ := x.Similar("ESP", "PAA12345G", 10); len(cands) != 0 {
			t.Errorf("Similar found a deleted record: %+v", cands)
		}
	})
}

// TestSimilarBlindSpots takes the check-digit blind spots of the shared MRZ
// cases (a genuine MRZ and a misread that passes every check digit) and
// checks that the genuine number is found from the misread one and flagged.
func TestSimilarBlindSpots(t *testing.T) {
	f, err := os.Open("../../shared/data/mrz/mrz_cases.jsonl")
	if err != nil {
		t.Skipf("shared MRZ cases not available: %v", err)
	}
	defer f.Close()
	type fields struct {
		DocumentNumber string `json:"document_number"`
		IssuingState   string `json:"issuing_state"`
	}
	type mrzCase struct {
		ID       string            `json:"id"`
		Tags     []string          `json:"tags"`
		Related  map[string]string `json:"related"`
		Expected struct {
			Fields fields `json:"fields"`
		} `json:"expected"`
	}
	cases := map[string]mrzCase{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var c mrzCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		cases[c.ID] = c
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range cases {
		g, ok := cases[c.Related["genuine"]]
		if !slices.Contains(c.Tags, "checkdigit-blindspot") || !ok {
			continue
		}
		n++
		t.Run(c.ID, func(t *testing.T) {
			gf, rf := g.Expected.Fields, c.Expected.Fields
			x := MustBuild(t, gf.IssuingState+" "+gf.DocumentNumber)
			cands, err := x.Similar(rf.IssuingState, rf.DocumentNumber, 5)
			if err != nil {
				t.Fatal(err)
			}
			if len(cands) != 1 || cands[0].Number != gf.DocumentNumber || !cands[0].CheckDigitBlind {
				t.Errorf("Similar(%s, %s) = %+v, want %s flagged check-digit blind", rf.IssuingState, rf.DocumentNumber, cands, gf.DocumentNumber)
			}
		})
	}
	if n == 0 {
		t.Error("no check-digit blind spot cases in the shared data")
	}
}
