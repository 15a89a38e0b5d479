package dna_test

import (
	"fmt"

	"github.com/lookout-network/lookout/dna"
)

// The server's path: load the frequency tables once, validate an upload,
// index it under the store's id, then search.
func ExampleIndex_Search() {
	pops, err := dna.LoadPopulations("../../shared/data/dna")
	if err != nil {
		fmt.Println(err)
		return
	}
	ix := dna.NewIndex(dna.Options{Populations: pops})
	loci := map[string][]string{
		"D3": {"15", "16"}, "vWA": {"17"}, "FGA": {"21", "22"}, "TH01": {"6", "9.3"}, "D8S1179": {"13", "14"},
		"D21S11": {"28", "30"}, "D18S51": {"14", "17"}, "D5S818": {"11", "12"}, "D13S317": {"11"},
		"D7S820": {"10", "11"}, "AMEL": {"X", "Y"},
	}
	offender, err := dna.NewProfile(dna.Offender, dna.NoRelationship, "GlobalFiler", loci)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := ix.Add(42, offender); err != nil {
		fmt.Println(err)
		return
	}
	// a degraded crime-scene stain: D3 lost an allele, two loci missing
	delete(loci, "D7S820")
	delete(loci, "D13S317")
	loci["D3"] = []string{"15"}
	stain, err := dna.NewProfile(dna.CrimeScene, dna.NoRelationship, "", loci)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, rule := range []string{"high", "moderate", "prum"} {
		res, err := ix.Search(dna.Request{Query: stain, Rule: rule, Population: "NIST_Cauc"})
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, c := range res.Candidates {
			fmt.Printf("%s: profile %d, %s match, %d loci, %d mismatches, LR above a million %v, hit %v\n",
				rule, c.ID, c.Match, c.SharedLoci, c.Mismatches, c.LikelihoodRatio > 1e6, c.Hit)
		}
		if len(res.Candidates) == 0 {
			fmt.Printf("%s: no candidate\n", rule)
		}
	}
	// Output:
	// high: no candidate
	// moderate: profile 42, partial match, 8 loci, 1 mismatches, LR above a million true, hit true
	// prum: profile 42, near match, 8 loci, 1 mismatches, LR above a million true, hit false
}
