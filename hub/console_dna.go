package hub

import (
	"context"
	"slices"

	"github.com/lookout-network/lookout"
)

// DNAPopulations lists the names of the allele frequency tables a DNA
// search may name, sorted, so that a form can offer them (dna:search).
// Empty when the DNA database is not loaded.
func (h *Hub) DNAPopulations(ctx context.Context) ([]string, error) {
	if _, err := require(ctx, lookout.GrantDNASearch); err != nil {
		return nil, err
	}
	return h.dnaPops.Names(), nil
}

// DNALoci lists the canonical names of the loci the frequency tables
// cover, sorted (dna:search): a search form tells a locus outside them,
// most likely a typing slip, from a real one.
func (h *Hub) DNALoci(ctx context.Context) ([]string, error) {
	if _, err := require(ctx, lookout.GrantDNASearch); err != nil {
		return nil, err
	}
	var out []string
	for _, p := range h.dnaPops {
		for _, l := range p.Loci() {
			if !slices.Contains(out, l) {
				out = append(out, l)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}
