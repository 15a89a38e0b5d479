package docindex_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/lookout-network/lookout/docindex"
)

// sharedNumbers returns the document numbers and issuing states of the
// shared MRZ cases, to seed the fuzz targets with real shapes.
func sharedNumbers(f *testing.F) [][2]string {
	file, err := os.Open("../../shared/data/mrz/mrz_cases.jsonl")
	if err != nil {
		f.Logf("shared MRZ cases not available: %v", err)
		return [][2]string{{"UTO", "L898902C3"}}
	}
	defer file.Close()
	var out [][2]string
	sc := bufio.NewScanner(file)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var c struct {
			Expected struct {
				Fields struct {
					DocumentNumber string `json:"document_number"`
					IssuingState   string `json:"issuing_state"`
				} `json:"fields"`
			} `json:"expected"`
		}
		if json.Unmarshal(sc.Bytes(), &c) == nil && c.Expected.Fields.DocumentNumber != "" {
			out = append(out, [2]string{c.Expected.Fields.IssuingState, c.Expected.Fields.DocumentNumber})
		}
	}
	return out
}

// FuzzCheck feeds arbitrary numbers to every read and write path: no input
// may panic, and a number accepted by Put must then be found by Check and
// never be its own similar candidate.
func FuzzCheck(f *testing.F) {
	for _, s := range sharedNumbers(f) {
		f.Add(s[0], s[1], s[1]+"0")
	}
	f.Add("D", "X1000000", "X1004999")
	f.Add("GBD", "", "<")
	f.Fuzz(func(t *testing.T, country, number, other string) {
		x := snapshotFixture(t)
		_, errCheck := x.Check(country, number)
		_, _ = x.CheckAny(number)
		_, _ = x.Similar(country, number, 5)
		_ = x.PutRange(500, country, number, other)
		if err := x.Put(501, country, number); err != nil {
			return
		}
		if errCheck != nil {
			t.Fatalf("Put accepted %q %q that Check refused: %v", country, number, errCheck)
		}
		h, err := x.Check(country, number)
		if err != nil || !contains(h.Exact, 501) {
			t.Fatalf("Put %q %q then Check = %+v, %v", country, number, h, err)
		}
		cands, err := x.Similar(country, number, 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cands {
			if c.ID == 501 || c.Number == number {
				t.Fatalf("Similar returned the exact record: %+v", c)
			}
		}
	})
}

func contains(ids []uint64, id uint64) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

// FuzzReadFrom feeds arbitrary bytes to ReadFrom: it must refuse them (or
// accept a valid snapshot) without panicking or allocating beyond reason.
func FuzzReadFrom(f *testing.F) {
	var buf bytes.Buffer
	x := snapshotFixture(f)
	if _, err := x.WriteTo(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	var empty bytes.Buffer
	if _, err := docindex.New().WriteTo(&empty); err != nil {
		f.Fatal(err)
	}
	f.Add(empty.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		var y docindex.Index
		_, err := y.ReadFrom(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, docindex.ErrCorruptSnapshot) {
				t.Fatalf("error %v does not wrap ErrCorruptSnapshot", err)
			}
			return
		}
		_, _ = y.CheckAny("C01X00001")
		_, _ = y.Similar("", "C01X00001", 5)
		_ = y.Put(1, "DEU", "C01X00001")
	})
}
