package afis_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/lookout-network/lookout/afis"
)

// buildGallery enrols the second impression of every finger of set as its
// mate (id finger*10+2) and size perturbed copies of the other fingers'
// templates around them.
func buildGallery(tb testing.TB, set afis.FVCSet, size int) *afis.Index {
	tb.Helper()
	ix := afis.NewIndex()
	for _, t := range set.Templates {
		if t.Impression == 2 {
			ix.Add(uint64(t.Finger*10+2), 7, t.Prepared)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range size {
		src := set.Templates[rng.IntN(len(set.Templates))]
		if src.Impression <= 2 {
			continue // keep impressions 1 and 2 unique to their mates
		}
		p := afis.Perturb(src.Template, rng, afis.GalleryPerturbation)
		ix.Add(uint64(100000+i), 0, afis.Prepare(&p))
	}
	return ix
}

func TestIndexFindsMate(t *testing.T) {
	set := MustLoadSet(t, "fvc2002/DB2_B")
	ix := buildGallery(t, set, 3000)
	ix.Shortlist = 100
	found := 0
	for _, probe := range set.Templates {
		if probe.Impression != 1 {
			continue
		}
		res, err := ix.Search(context.Background(), probe.Prepared, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(res) == 0 {
			t.Fatalf("finger %d: empty candidate list", probe.Finger)
		}
		for i := 1; i < len(res); i++ {
			if res[i].Score > res[i-1].Score {
				t.Fatalf("finger %d: candidates not ranked by score: %+v", probe.Finger, res)
			}
		}
		if res[0].ID == uint64(probe.Finger*10+2) {
			found++
			if res[0].Position != 7 {
				t.Fatalf("finger %d: mate returned with position %d, want 7", probe.Finger, res[0].Position)
			}
		}
	}
	if found < 9 {
		t.Fatalf("mate ranked first for %d of 10 fingers", found)
	}
}

func TestIndexRemove(t *testing.T) {
	set := MustLoadSet(t, "fvc2002/DB1_B")
	ix := buildGallery(t, set, 200)
	probe := set.Templates[0] // finger 101 impression 1
	if !ix.Remove(uint64(probe.Finger*10+2), 7) {
		t.Fatal("Remove found nothing to remove")
	}
	res, err := ix.Search(context.Background(), probe.Prepared, 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res {
		if c.ID == uint64(probe.Finger*10+2) {
			t.Fatalf("removed template %d still returned", c.ID)
		}
	}
}

func TestIndexCancelled(t *testing.T) {
	set := MustLoadSet(t, "fvc2002/DB1_B")
	ix := buildGallery(t, set, 100)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Search(ctx, set.Templates[0].Prepared, 5); err == nil {
		t.Fatal("search of a cancelled context succeeded")
	}
}

func BenchmarkSearch(b *testing.B) {
	set := MustLoadSet(b, "fvc2004/DB3_B")
	ix := buildGallery(b, set, 50000)
	probe := set.Templates[0].Prepared
	for b.Loop() {
		if _, err := ix.Search(context.Background(), probe, 10); err != nil {
			b.Fatal(err)
		}
	}
}
