package dna_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lookout-network/lookout/dna"
)

// The fixed-width rows and the general store must give the same answers: the
// same profiles are indexed once as they are (rows) and once with an extra
// locus outside the rows (general store), and every rule is run on both.
func TestRowsAndGeneralStoreAgree(t *testing.T) {
	samples := MustSamples(t, dna.Offender)
	kit := sortedCopy(dna.EvalKit)
	rows := MustIndex(t, 0, nil)
	gen := MustIndex(t, 0, nil)
	extra := dna.Locus{Name: "CD4", Alleles: []dna.Allele{{Text: "7"}}}
	for i, s := range samples[:400] {
		p := s.Profile.Restrict(kit)
		cat := []dna.Category{dna.Offender, dna.UnidentifiedRemains, dna.Relative}[i%3]
		p.Category = cat
		if cat == dna.Relative {
			p.Relationship = []dna.Relationship{dna.Child, dna.Sibling}[i%2]
		}
		if err := rows.Add(uint64(i+1), p); err != nil {
			t.Fatal(err)
		}
		if i == 299 {
			// sorted runs for the first 300, an unsorted tail after
			rows.Compact()
		}
		g := p.Clone()
		g.Loci = append([]dna.Locus{extra}, g.Loci...)
		if err := gen.Add(uint64(i+1), g); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []uint64{5, 390} {
		if !rows.Remove(id) || !gen.Remove(id) {
			t.Fatalf("Remove(%d) failed", id)
		}
	}
	if st := gen.Stats(); st.General != 398 {
		t.Fatalf("general store holds %d profiles; want 398", st.General)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	// Kinship tables hold float32 logs, hence the 1e-4 tolerance on log10 LR.
	for n := 0; n < 40; n++ {
		src := samples[rng.IntN(400)].Profile.Restrict(kit)
		if n == 20 {
			rows.Compact()
			gen.Compact() // re-packs the general store after the removals
		}
		// drop loci and alleles so that partial and near matches appear
		q := src.Clone()
		q.Loci = q.Loci[:8+rng.IntN(len(q.Loci)-8)]
		if len(q.Loci[0].Alleles) == 2 {
			q.Loci[0].Alleles = q.Loci[0].Alleles[:1]
		}
		for _, rule := range []string{"high", "moderate", "low", "prum", "parent_child", "sibling"} {
			q.Category = dna.UnidentifiedRemains
			r1, err1 := rows.Search(dna.Request{Query: q, Rule: rule, Limit: 1000, MinSharedLoci: 6})
			r2, err2 := gen.Search(dna.Request{Query: q, Rule: rule, Limit: 1000, MinSharedLoci: 6})
			if (err1 == nil) != (err2 == nil) {
				t.Fatalf("%s: errors differ: %v / %v", rule, err1, err2)
			}
			if r1.Total != r2.Total || len(r1.Candidates) != len(r2.Candidates) {
				t.Fatalf("%s: rows found %d, general store %d", rule, r1.Total, r2.Total)
			}
			for i := range r1.Candidates {
				a, b := r1.Candidates[i], r2.Candidates[i]
				if a.ID != b.ID || a.SharedLoci != b.SharedLoci || a.Mismatches != b.Mismatches || math.Abs(a.Log10LR-b.Log10LR) > 1e-4 || a.Match != b.Match {
					t.Fatalf("%s candidate %d: rows %+v, general %+v", rule, i, a, b)
				}
			}
		}
	}
}

// A query typed at a locus outside the rows is compared there only with the
// general store; row profiles are compared at their own loci.
func TestQueryWithLocusOutsideRows(t *testing.T) {
	samples := MustSamples(t, dna.Offender)
	kit := sortedCopy(dna.EvalKit)
	ix := MustIndex(t, 0, nil)
	for i, s := range samples[:100] {
		p := s.Profile.Restrict(kit)
		p.Category = []dna.Category{dna.Offender, dna.Relative}[i%2]
		if p.Category == dna.Relative {
			p.Relationship = dna.Child
		}
		if err := ix.Add(uint64(i+1), p); err != nil {
			t.Fatal(err)
		}
	}
	// one profile with all 29 NIST loci (FES, F13A1, LPL, ... outside the rows)
	if err := ix.Add(1000, samples[0].Profile); err != nil {
		t.Fatal(err)
	}
	q := samples[0].Profile // donor of 1 (rows) and 1000 (general store)
	for _, rule := range []string{"high", "moderate", "low", "prum", "parent_child", "sibling"} {
		t.Run(rule, func(t *testing.T) {
			q.Category = dna.UnidentifiedRemains
			res, err := ix.Search(dna.Request{Query: q, Rule: rule})
			if err != nil {
				t.Fatal(err)
			}
			got := ids(res)
			if rule == "high" || rule == "prum" {
				if got[1].SharedLoci != len(kit) || got[1000].SharedLoci != q.AutosomalLoci() {
					t.Fatalf("shared loci %d and %d; want %d and %d", got[1].SharedLoci, got[1000].SharedLoci, len(kit), q.AutosomalLoci())
				}
			}
		})
	}
}

// FuzzSearch feeds arbitrary loci to every rule: whatever the API accepts
// must search without panicking.
func FuzzSearch(f *testing.F) {
	samples := MustSamples(f, dna.Offender)
	kit := sortedCopy(dna.EvalKit)
	ix := MustIndex(f, 0, nil)
	for i, s := range samples[:60] {
		p := s.Profile
		if i%2 == 0 {
			p = p.Restrict(kit)
		}
		p.Category = []dna.Category{dna.Offender, dna.Relative, dna.UnidentifiedRemains}[i%3]
		if p.Category == dna.Relative {
			p.Relationship = dna.Sibling
		}
		if err := ix.Add(uint64(i+1), p); err != nil {
			f.Fatal(err)
		}
	}
	f.Add("FGA", "21", "22", "TH01", "9.3", "OL", uint8(0))
	f.Add("D18S51", "<8", "*", "FES", "10", "11", uint8(3))
	f.Add("D21", "28", "99", "CD4", "7", "8.4", uint8(4))
	rules := []string{"high", "moderate", "low", "prum", "parent_child", "sibling"}
	f.Fuzz(func(t *testing.T, l1, a1, b1, l2, a2, b2 string, r uint8) {
		loci, err := dna.ParseLoci(map[string][]string{l1: {a1, b1}, l2: {a2, b2}, "vWA": {"16", "17"}, "D8S1179": {"13"}})
		if err != nil {
			return
		}
		q := dna.Profile{Category: dna.UnidentifiedRemains, Loci: loci}
		res, err := ix.Search(dna.Request{Query: q, Rule: rules[int(r)%len(rules)], MinSharedLoci: 1, Limit: 5})
		if err != nil {
			return
		}
		for _, c := range res.Candidates {
			if c.SharedLoci < 1 || c.SharedLoci > 32 || c.Mismatches < 0 {
				t.Fatalf("candidate %+v", c)
			}
		}
	})
}

// Searches share the index with writers: run under -race to check the locking.
func TestConcurrentAddSearch(t *testing.T) {
	samples := MustSamples(t, dna.Offender)
	kit := sortedCopy(dna.EvalKit)
	ix := MustIndex(t, 0, nil)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i, s := range samples[:300] {
			if err := ix.Add(uint64(i+1), s.Profile.Restrict(kit)); err != nil {
				t.Error(err)
				return
			}
			if i%50 == 49 {
				ix.Compact()
				ix.Remove(uint64(i))
			}
		}
	}()
	q := samples[299].Profile.Restrict(kit)
	q.Category = dna.CrimeScene
	for {
		select {
		case <-done:
			res, err := ix.Search(dna.Request{Query: q, Rule: "high"})
			if err != nil || len(res.Candidates) != 1 || res.Candidates[0].ID != 300 {
				t.Fatalf("after the writer: %v %+v", err, res.Candidates)
			}
			return
		default:
			if _, err := ix.Search(dna.Request{Query: q, Rule: "moderate"}); err != nil {
				t.Fatal(err)
			}
		}
	}
}
