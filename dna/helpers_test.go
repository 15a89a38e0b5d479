package dna_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/lookout-network/lookout/dna"
)

const dataDir = "../../shared/data/dna"

var (
	popsOnce sync.Once
	pops     dna.Populations
	popsErr  error
)

// MustPopulations loads the shared frequency tables once.
func MustPopulations(tb testing.TB) dna.Populations {
	tb.Helper()
	popsOnce.Do(func() { pops, popsErr = dna.LoadPopulations(dataDir) })
	if popsErr != nil {
		tb.Fatalf("load populations: %v", popsErr)
	}
	return pops
}

// MustSamples loads the NIST 1036 genotypes.
func MustSamples(tb testing.TB, cat dna.Category) []dna.Sample {
	tb.Helper()
	f, err := os.Open(filepath.Join(dataDir, dna.NISTGenotypeFile))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	s, err := dna.ReadGenotypes(f, cat)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// MustProfile builds a profile from API-style loci without the upload rule,
// so that tests can use short hand-worked profiles.
func MustProfile(tb testing.TB, cat dna.Category, loci map[string][]string) dna.Profile {
	tb.Helper()
	ls, err := dna.ParseLoci(loci)
	if err != nil {
		tb.Fatalf("parse loci: %v", err)
	}
	return dna.Profile{Category: cat, Loci: ls}
}
