package dna_test

import (
	"math/rand/v2"
	"testing"

	"github.com/lookout-network/lookout/dna"
)

// benchIndex fills an index with n synthetic profiles of one category.
func benchIndex(b *testing.B, n int, cat dna.Category, rel dna.Relationship) (*dna.Index, []dna.Profile) {
	b.Helper()
	pops := MustPopulations(b)
	pop, _ := pops.Lookup("NIST_All")
	sm, err := dna.NewSampler(pop, sortedCopy(dna.EvalKit))
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	ix := dna.NewIndex(dna.Options{Populations: pops})
	var p dna.Profile
	var qs []dna.Profile
	for i := 0; i < n; i++ {
		sm.Fill(rng, &p, cat)
		p.Relationship = rel
		if err := ix.Add(uint64(i+1), p); err != nil {
			b.Fatal(err)
		}
		if i%(n/16) == 0 {
			qs = append(qs, p.Clone())
		}
	}
	return ix, qs
}

func benchSearch(b *testing.B, ix *dna.Index, qs []dna.Profile, cat dna.Category, rule string, restrict []string) {
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := qs[i%len(qs)]
		if restrict != nil {
			q = q.Restrict(restrict)
		}
		q.Category, q.Relationship = cat, dna.NoRelationship
		if _, err := ix.Search(dna.Request{Query: q, Rule: rule}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSearch(b *testing.B) {
	if testing.Short() {
		b.Skip("builds 200,000-profile indexes; skipped with -short")
	}
	ix, qs := benchIndex(b, 200000, dna.Offender, dna.NoRelationship)
	b.Run("Moderate", func(b *testing.B) { benchSearch(b, ix, qs, dna.CrimeScene, "moderate", nil) })
	b.Run("High", func(b *testing.B) { benchSearch(b, ix, qs, dna.CrimeScene, "high", nil) })
	b.Run("PrumESS", func(b *testing.B) { benchSearch(b, ix, qs, dna.CrimeScene, "prum", dna.ESS12) })
	rx, rq := benchIndex(b, 200000, dna.Relative, dna.Child)
	b.Run("ParentChild", func(b *testing.B) { benchSearch(b, rx, rq, dna.UnidentifiedRemains, "parent_child", nil) })
}

func BenchmarkAdd(b *testing.B) {
	pops := MustPopulations(b)
	pop, _ := pops.Lookup("NIST_All")
	sm, err := dna.NewSampler(pop, sortedCopy(dna.EvalKit))
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	ix := dna.NewIndex(dna.Options{Populations: pops})
	var p dna.Profile
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sm.Fill(rng, &p, dna.Offender)
		if err := ix.Add(uint64(i+1), p); err != nil {
			b.Fatal(err)
		}
	}
}
