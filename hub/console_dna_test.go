package hub_test

import (
	"context"
	"slices"
	"testing"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/dna"
)

func TestDNAPopulations(t *testing.T) {
	h, ctx := MustHub(t)
	pops, err := dna.LoadPopulations("../../shared/data/dna")
	if err != nil {
		t.Fatal(err)
	}
	h.SetDNAIndex(dna.NewIndex(dna.Options{Populations: pops}), pops)

	t.Run("OK", func(t *testing.T) {
		names, err := h.DNAPopulations(ctx)
		if err != nil || !slices.Contains(names, dna.DefaultPopulation) || !slices.Contains(names, "Norway") || !slices.IsSorted(names) {
			t.Fatalf("%v %v", names, err)
		}
	})
	t.Run("Loci", func(t *testing.T) {
		loci, err := h.DNALoci(ctx)
		if err != nil || !slices.Contains(loci, "D3S1358") || !slices.Contains(loci, "D6S1043") || !slices.Contains(loci, "vWA") || slices.Contains(loci, "D3S135") || !slices.IsSorted(loci) {
			t.Fatalf("%v %v", loci, err)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		c := lookout.CallerFrom(ctx)
		a := *c.Agency
		a.Grants = []lookout.Grant{lookout.GrantDocumentsCheck}
		names, err := h.DNAPopulations(lookout.NewContext(context.Background(), &lookout.Caller{Agency: &a}))
		if lookout.ErrorCode(err) != lookout.EFORBIDDEN || names != nil {
			t.Fatalf("without dna:search: %v %v", names, err)
		}
		loci, err := h.DNALoci(lookout.NewContext(context.Background(), &lookout.Caller{Agency: &a}))
		if lookout.ErrorCode(err) != lookout.EFORBIDDEN || loci != nil {
			t.Fatalf("loci without dna:search: %v %v", loci, err)
		}
	})
}
