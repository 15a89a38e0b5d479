package docindex_test

import (
	"bytes"
	"fmt"
	"runtime"
	"slices"
	"testing"

	"github.com/lookout-network/lookout/docindex"
)

// TestOffHeapTable runs the main paths with tables mapped outside the Go
// heap (as large indexes are on Linux), including their release.
func TestOffHeapTable(t *testing.T) {
	defer docindex.SetMmapMin(docindex.SetMmapMin(1))
	b := docindex.NewBuilder(0)
	for i := uint64(1); i <= 5000; i++ {
		if err := b.Add(i, "TUR", fmt.Sprintf("U%08d", i)); err != nil {
			t.Fatal(err)
		}
	}
	x, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS == "linux" && x.Stats().OffHeapBytes <= 0 {
		t.Errorf("Stats().OffHeapBytes = %d, want the mapped table", x.Stats().OffHeapBytes)
	}
	for round := 0; round < 3; round++ {
		for i := uint64(1); i <= 5000; i += 2 {
			if err := x.Put(i, "TUR", fmt.Sprintf("U%08d", i+10000*uint64(round+1))); err != nil {
				t.Fatal(err)
			}
		}
		x.Compact()
		var buf bytes.Buffer
		if _, err := x.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		y := docindex.New()
		if _, err := y.ReadFrom(&buf); err != nil {
			t.Fatal(err)
		}
		x = y
		runtime.GC() // release the tables of the old indexes
	}
	for i := uint64(1); i <= 5000; i++ {
		want := fmt.Sprintf("U%08d", i)
		if i%2 == 1 {
			want = fmt.Sprintf("U%08d", i+30000)
		}
		if h := MustCheck(t, x, "TUR", want); !slices.Equal(h.Exact, []uint64{i}) {
			t.Fatalf("check %s = %+v, want id %d", want, h, i)
		}
	}
}
