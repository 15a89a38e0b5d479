package dna_test

import (
	"bytes"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lookout-network/lookout/dna"
)

func mustTransaction(tb testing.TB, recs []dna.Type18) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := dna.WriteANSINIST(&buf, "XX0000000", "TCN-1", recs, time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestANSINISTRoundTrip(t *testing.T) {
	samples := MustSamples(t, dna.Offender)
	var recs []dna.Type18
	for i, s := range samples[:5] {
		p := s.Profile
		if i == 2 {
			p.Category, p.Relationship = dna.Relative, dna.Father
		}
		if i == 4 {
			p.Category, p.Partial = dna.CrimeScene, true
			p.Loci = p.Loci[:10]
		}
		recs = append(recs, dna.Type18{SourceAgency: "XX0000000", ProfileType: "STR", ProfileID: s.ID, Comment: "lab " + strconv.Itoa(i), Profile: p})
	}
	data := mustTransaction(t, recs)
	got, err := dna.ParseANSINIST(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(recs) {
		t.Fatalf("%d records; want %d", len(got), len(recs))
	}
	for i, r := range got {
		if r.IDC != i+1 || !r.Mapped || r.ProfileID != recs[i].ProfileID || r.Comment != recs[i].Comment {
			t.Fatalf("record %d header %+v", i, r)
		}
		if !reflect.DeepEqual(r.Profile, recs[i].Profile) {
			t.Fatalf("record %d profile %+v; want %+v", i, r.Profile, recs[i].Profile)
		}
	}
}

func TestParseANSINISTDamaged(t *testing.T) {
	samples := MustSamples(t, dna.Offender)
	good := mustTransaction(t, []dna.Type18{{ProfileID: "P1", Profile: samples[0].Profile}})
	i18 := bytes.Index(good, []byte("18.001:"))
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"ErrEmpty", nil, "no type-18"},
		{"ErrNoTag", []byte("hello"), "field tag"},
		{"ErrTruncated", good[:len(good)-5], "LEN"},
		{"ErrOnlyType1", good[:i18], "no type-18"},
		{"ErrBadLEN", bytes.Replace(good, []byte("18.001:"), []byte("18.001:x"), 1), "not a number"},
		{"ErrBadAllele", bytes.Replace(good, []byte("CSF1PO\x1f1\x1f1\x1f11"), []byte("CSF1PO\x1f1\x1f1\x1f1x"), 1), `allele "1x"`},
		{"ErrBadPartial", bytes.Replace(good, []byte("P1\x1f0\x1f"), []byte("P1\x1f7\x1f"), 1), "partial indicator"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.data != nil && bytes.Equal(c.data, good) {
				t.Fatal("test input unchanged")
			}
			_, err := dna.ParseANSINIST(c.data)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error = %v; want it to mention %q", err, c.want)
			}
		})
	}
	t.Run("ErrSeparatorInText", func(t *testing.T) {
		var buf bytes.Buffer
		err := dna.WriteANSINIST(&buf, "XX", "T", []dna.Type18{{Comment: "a\x1db", Profile: samples[0].Profile}}, time.Now())
		if err == nil {
			t.Fatal("separator in comment accepted")
		}
	})
}

func FuzzParseANSINIST(f *testing.F) {
	samples := MustSamples(f, dna.Offender)
	f.Add(mustTransaction(f, []dna.Type18{{ProfileID: "P1", Profile: samples[0].Profile}}))
	f.Add(mustTransaction(f, []dna.Type18{{ProfileID: "P2", DonorCategory: "Biological Child", Profile: samples[1].Profile.Restrict(dna.ISSOL7)}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, err := dna.ParseANSINIST(b)
		if err != nil {
			return
		}
		for _, r := range recs {
			for _, l := range r.Profile.Loci {
				if len(l.Alleles) == 0 || len(l.Alleles) > 3 {
					t.Fatalf("locus %q with %d alleles", l.Name, len(l.Alleles))
				}
			}
		}
	})
}
