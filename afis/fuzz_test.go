package afis_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/lookout-network/lookout/afis"
)

// fuzzSeeds adds a few shared templates, the damaged ones, and their
// conversions by convert.
func fuzzSeeds(f *testing.F, convert func(*afis.Record) ([]byte, error)) {
	for _, p := range []string{"fvc2002/DB1_B/101_1.iso", "fvc2002/DB3_B/105_3.iso", "fvc2004/DB2_B/110_8.iso"} {
		data, err := os.ReadFile(filepath.Join(dataDir, p))
		if err != nil {
			f.Fatal(err)
		}
		rec, err := afis.Parse(data)
		if err != nil {
			f.Fatal(err)
		}
		b, err := convert(rec)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	bad, _ := filepath.Glob(filepath.Join(dataDir, "invalid/fvc2004/DB_1B/*.iso"))
	for _, p := range bad {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// checkReencode re-encodes an accepted record and requires it to parse to
// the same number of minutiae.
func checkReencode(t *testing.T, rec *afis.Record, encode func(*afis.Record) ([]byte, error)) {
	b, err := encode(rec)
	if err != nil {
		return // some accepted values do not fit the target format
	}
	again, err := afis.Parse(b)
	if err != nil {
		t.Fatalf("re-encoded record refused: %v", err)
	}
	if len(again.Templates) != len(rec.Templates) {
		t.Fatalf("re-encoded record has %d views, want %d", len(again.Templates), len(rec.Templates))
	}
	for i := range rec.Templates {
		if len(again.Templates[i].Minutiae) != len(rec.Templates[i].Minutiae) {
			t.Fatalf("view %d: %d minutiae after re-encoding, want %d", i, len(again.Templates[i].Minutiae), len(rec.Templates[i].Minutiae))
		}
	}
}

// fuzzParse parses data; an accepted record must prepare and match without
// panicking and survive re-encoding with encode.
func fuzzParse(t *testing.T, data []byte, encode func(*afis.Record) ([]byte, error)) {
	rec, err := afis.Parse(data)
	if err != nil {
		return
	}
	m := afis.NewMatcher()
	for i := range rec.Templates {
		p := afis.Prepare(&rec.Templates[i])
		m.Score(p, p)
	}
	checkReencode(t, rec, encode)
}

func FuzzParseISO(f *testing.F) {
	fuzzSeeds(f, (*afis.Record).MarshalISO)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, data, (*afis.Record).MarshalISO) })
}

func FuzzParseANSI(f *testing.F) {
	fuzzSeeds(f, (*afis.Record).MarshalANSI)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, data, (*afis.Record).MarshalANSI) })
}

func FuzzParseType9(f *testing.F) {
	for _, block := range []afis.Type9Block{afis.BlockINCITS, afis.BlockEFS, afis.BlockFBI, afis.BlockLegacy} {
		fuzzSeeds(f, func(r *afis.Record) ([]byte, error) { return r.MarshalType9(block) })
	}
	f.Add(legacyTransaction())
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzParse(t, data, func(r *afis.Record) ([]byte, error) { return r.MarshalType9(afis.BlockINCITS) })
	})
}
