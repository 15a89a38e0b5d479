package docindex_test

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/lookout-network/lookout/docindex"
)

// snapshotFixture is an index with bulk records, live records, dead
// records, a long number and batches: every part a snapshot holds.
func snapshotFixture(tb testing.TB) *docindex.Index {
	tb.Helper()
	b := docindex.NewBuilder(0)
	for i := uint64(1); i <= 50; i++ {
		if err := b.Add(i, "DEU", fmt.Sprintf("C01X%05d", i)); err != nil {
			tb.Fatal(err)
		}
	}
	if err := b.AddRange(51, "FRA", "12AB30000", "12AB39999"); err != nil {
		tb.Fatal(err)
	}
	x, err := b.Build()
	if err != nil {
		tb.Fatal(err)
	}
	for _, err := range []error{
		x.Put(60, "PRT", "007777779ZZ9"),
		x.Put(61, "BEL", "0123456789ABCDEF"),
		x.Put(2, "DEU", "C01X99999"),
		x.PutRange(62, "GBR", "500000000", "500000999"),
	} {
		if err != nil {
			tb.Fatal(err)
		}
	}
	x.Delete(3)
	return x
}

func TestSnapshot(t *testing.T) {
	x := snapshotFixture(t)
	x.SetCheckpoint(4242)
	var buf bytes.Buffer
	n, err := x.WriteTo(&buf)
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("WriteTo = %d, %v (wrote %d)", n, err, buf.Len())
	}
	snap := bytes.Clone(buf.Bytes())

	t.Run("OK", func(t *testing.T) {
		var y docindex.Index
		if _, err := y.ReadFrom(bytes.NewReader(snap)); err != nil {
			t.Fatal(err)
		}
		if y.Checkpoint() != x.Checkpoint() {
			t.Errorf("checkpoint after round trip %d, want %d", y.Checkpoint(), x.Checkpoint())
		}
		if xs, ys := x.Stats(), y.Stats(); xs.Records != ys.Records || xs.Ranges != ys.Ranges || xs.Pending != ys.Pending {
			t.Errorf("stats after round trip %+v, before %+v", ys, xs)
		}
		for _, c := range []struct {
			country, number string
			exact, rng      []uint64
		}{
			{"DEU", "C01X00001", []uint64{1}, nil},
			{"DEU", "C01X00002", nil, nil},
			{"DEU", "C01X99999", []uint64{2}, nil},
			{"DEU", "C01X00003", nil, nil},
			{"PRT", "007777779ZZ9", []uint64{60}, nil},
			{"BEL", "0123456789ABCDEF", []uint64{61}, nil},
			{"FRA", "12AB31234", nil, []uint64{51}},
			{"GBR", "500000999", nil, []uint64{62}},
		} {
			h := MustCheck(t, &y, c.country, c.number)
			if !slices.Equal(h.Exact, c.exact) || !slices.Equal(h.Range, c.rng) {
				t.Errorf("after round trip, check %s %s = %+v, want %v %v", c.country, c.number, h, c.exact, c.rng)
			}
		}
		cands, err := y.Similar("BEL", "0123456789ABCDEE", 5)
		if err != nil || len(cands) != 1 || cands[0].Number != "0123456789ABCDEF" {
			t.Errorf("Similar on a long number after round trip = %+v, %v", cands, err)
		}
		// The restored index takes writes.
		if err := y.Put(1, "DEU", "C01X77777"); err != nil {
			t.Fatal(err)
		}
		if h := MustCheck(t, &y, "DEU", "C01X00001"); !h.Empty() {
			t.Errorf("move after round trip left the old number: %+v", h)
		}
		// And writes the same snapshot again once compacted.
		var again bytes.Buffer
		if _, err := y.WriteTo(&again); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrCorruptEveryByte", func(t *testing.T) {
		step := max(1, len(snap)/300)
		for i := 0; i < len(snap); i += step {
			bad := bytes.Clone(snap)
			bad[i] ^= 0x20
			y := MustBuild(t, "DEU A1")
			if _, err := y.ReadFrom(bytes.NewReader(bad)); !errors.Is(err, docindex.ErrCorruptSnapshot) {
				t.Fatalf("byte %d flipped: ReadFrom error = %v, want ErrCorruptSnapshot", i, err)
			}
			// A refused snapshot leaves the index as it was.
			if h := MustCheck(t, y, "DEU", "A1"); !slices.Equal(h.Exact, []uint64{1}) {
				t.Fatalf("refused snapshot changed the index: %+v", h)
			}
		}
	})
	t.Run("ErrTruncated", func(t *testing.T) {
		for _, n := range []int{0, 5, 20, len(snap) / 2, len(snap) - 1} {
			var y docindex.Index
			if _, err := y.ReadFrom(bytes.NewReader(snap[:n])); !errors.Is(err, docindex.ErrCorruptSnapshot) {
				t.Errorf("snapshot cut to %d bytes: error = %v", n, err)
			}
		}
	})
	t.Run("ErrVersion", func(t *testing.T) {
		bad := bytes.Clone(snap)
		bad[8] = 99 // the version follows the 8-byte magic
		var y docindex.Index
		if _, err := y.ReadFrom(bytes.NewReader(bad)); !errors.Is(err, docindex.ErrCorruptSnapshot) {
			t.Errorf("other version: error = %v", err)
		}
	})
}

// TestConcurrent runs checks and similar searches while one writer moves
// records about; run with -race. A record never moved must always be found.
func TestConcurrent(t *testing.T) {
	defer docindex.SetBackgroundMin(docindex.SetBackgroundMin(0))
	x := snapshotFixture(t)
	var wg sync.WaitGroup
	done := make(chan struct{})
	for r := 0; r < 3; r++ {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				h, err := x.Check("DEU", "C01X00001")
				if err != nil || !slices.Equal(h.Exact, []uint64{1}) {
					t.Errorf("stable record: %+v, %v", h, err)
					return
				}
				if _, err := x.CheckAny(fmt.Sprintf("Q%d", i%300)); err != nil {
					t.Error(err)
					return
				}
				if i%50 == 0 {
					if _, err := x.Similar("", "C01X0000I", 5); err != nil {
						t.Error(err)
						return
					}
				}
			}
		})
	}
	for i := 0; i < 2000; i++ {
		id := uint64(100 + i%200)
		if err := x.Put(id, "ITA", fmt.Sprintf("Q%d", i%300)); err != nil {
			t.Fatal(err)
		}
		if i%7 == 0 {
			x.Delete(id)
		}
		if i%500 == 0 {
			if err := x.PutRange(uint64(1000+i), "ITA", "YA0000", "YA9999"); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if _, err := x.WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
		}
	}
	close(done)
	wg.Wait()
}
