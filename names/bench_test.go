package names_test

import (
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/lookout-network/lookout/names"
)

func BenchmarkCompareNames(b *testing.B) {
	for b.Loop() {
		names.CompareNames("MOHAMMED BIN HASSAN AL-RAWI", "Mohamed Hasan al Rawi")
	}
}

// benchPersons is the index size for BenchmarkSearch: NAMES_BENCH_PERSONS,
// 100,000 by default (a million takes about a minute to load).
func benchPersons(b *testing.B) int {
	if s := os.Getenv("NAMES_BENCH_PERSONS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("NAMES_BENCH_PERSONS=%q is not a positive number", s)
		}
		return n
	}
	return 100_000
}

func BenchmarkIndexAdd(b *testing.B) {
	entries := names.Synthetic(1, 10000)
	ix := names.NewIndex()
	i := 0
	for b.Loop() {
		ix.Add(uint64(i), entries[i%len(entries)])
		i++
	}
}

func BenchmarkSearch(b *testing.B) {
	n := benchPersons(b)
	entries := names.Synthetic(1, n)
	ix := names.NewIndex()
	for i, e := range entries {
		ix.Add(uint64(i), e)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	qs := make([]names.Query, 1000)
	for i := range qs {
		e := entries[rng.IntN(n)]
		qs[i] = names.Query{Name: names.Mutate(rng, e.Names[0]), DateOfBirth: e.DateOfBirth}
	}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		ix.Search(qs[i%len(qs)], 10)
		i++
	}
}
