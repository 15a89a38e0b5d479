package names_test

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/lookout-network/lookout/names"
)

func MustIndex(tb testing.TB, entries map[uint64]names.Entry) *names.Index {
	tb.Helper()
	ix := names.NewIndex()
	for id, e := range entries {
		ix.Add(id, e)
	}
	return ix
}

func ids(cs []names.Candidate) []uint64 {
	out := make([]uint64, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func TestIndex(t *testing.T) {
	people := map[uint64]names.Entry{
		1: {Names: []string{"Vladimir Vladimirovich Putin", "Владимир Путин"}, DateOfBirth: names.MustParseDate("1952-10-07"), Sex: "M", Nationalities: []string{"RU"}},
		2: {Names: []string{"Bashar al-Assad"}, DateOfBirth: names.MustParseDate("1965-09-11"), Sex: "M", Nationalities: []string{"SY"}},
		3: {Names: []string{"Hafez al-Assad"}, DateOfBirth: names.MustParseDate("1930"), Sex: "M", Nationalities: []string{"SY"}},
		4: {Names: []string{"محمد بن سلمان آل سعود", "Mohammed bin Salman"}, Sex: "M"},
		5: {Names: []string{"Angela Merkel"}, Sex: "F", DateOfBirth: names.MustParseDate("1954-07")},
	}
	ix := MustIndex(t, people)
	tests := []struct {
		name  string
		query names.Query
		want  uint64 // best candidate; 0 for none
	}{
		{"OK/Exact", names.Query{Name: "Angela Merkel"}, 5},
		{"OK/Cyrillic", names.Query{Name: "Путин Владимир"}, 1},
		{"OK/TypoAndReorder", names.Query{Name: "Putn, Vladimir"}, 1},
		{"OK/JoinedParts", names.Query{Name: "VladimirPutin"}, 1},
		{"OK/ArabicScriptToLatinAlias", names.Query{Name: "محمد بن سلمان"}, 4},
		{"OK/ParticleVariant", names.Query{Name: "Muhammad ibn Salman"}, 4},
		{"OK/DateSelectsNamesake", names.Query{Name: "Assad", DateOfBirth: names.MustParseDate("1965-11-09")}, 2},
		{"OK/NoCandidate", names.Query{Name: "Xavier Quintana"}, 0},
		{"OK/EmptyName", names.Query{Name: " - "}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ix.Search(tt.query, 3)
			if tt.want == 0 {
				if len(got) != 0 {
					t.Fatalf("Search(%q) = %v, want nothing", tt.query.Name, ids(got))
				}
				return
			}
			if len(got) == 0 || got[0].ID != tt.want {
				t.Fatalf("Search(%q) = %v, want %d first", tt.query.Name, ids(got), tt.want)
			}
			for i, c := range got {
				if c.Score < names.MinScore || c.Score > 1 || (i > 0 && c.Score > got[i-1].Score) {
					t.Errorf("candidate %d score %v out of order or range", c.ID, c.Score)
				}
				if c.Match != (c.Score >= names.Threshold) {
					t.Errorf("candidate %d match %v at score %v", c.ID, c.Match, c.Score)
				}
			}
		})
	}
	t.Run("OK/Remove", func(t *testing.T) {
		if !ix.Remove(5) {
			t.Fatal("Remove(5) = false, want true")
		}
		if ix.Remove(5) {
			t.Fatal("second Remove(5) = true, want false")
		}
		if got := ix.Search(names.Query{Name: "Angela Merkel"}, 3); len(got) != 0 {
			t.Fatalf("after Remove, Search = %v, want nothing", ids(got))
		}
		if ix.Len() != 4 {
			t.Fatalf("Len = %d, want 4", ix.Len())
		}
	})
	t.Run("OK/Replace", func(t *testing.T) {
		ix.Add(2, names.Entry{Names: []string{"Asma al-Assad"}, Sex: "F"})
		got := ix.Search(names.Query{Name: "Bashar al-Assad"}, 3)
		for _, c := range got {
			if c.ID == 2 && c.Match {
				t.Fatalf("replaced person 2 still matches the old name: %+v", c)
			}
		}
		if got := ix.Search(names.Query{Name: "Asma Assad"}, 1); len(got) != 1 || got[0].ID != 2 {
			t.Fatalf("Search(Asma Assad) = %v, want [2]", ids(got))
		}
	})
	t.Run("OK/Limit", func(t *testing.T) {
		if got := ix.Search(names.Query{Name: "Assad"}, 1); len(got) > 1 {
			t.Fatalf("limit 1 returned %d candidates", len(got))
		}
		if got := ix.Search(names.Query{Name: "Assad"}, 0); got != nil {
			t.Fatalf("limit 0 returned %v", ids(got))
		}
	})
}

// TestIndexCompaction removes most persons so that the index rebuilds its
// postings, then checks that the survivors are still found.
func TestIndexCompaction(t *testing.T) {
	entries := names.Synthetic(7, 3000)
	ix := names.NewIndex()
	for i, e := range entries {
		ix.Add(uint64(i+1), e)
	}
	for i := range 2500 {
		ix.Remove(uint64(i + 1))
	}
	if ix.Len() != 500 {
		t.Fatalf("Len = %d, want 500", ix.Len())
	}
	for i := 2500; i < 3000; i += 50 {
		got := ix.Search(names.Query{Name: entries[i].Names[0], DateOfBirth: entries[i].DateOfBirth}, 5)
		found := false
		for _, c := range got {
			if c.ID <= 2500 {
				t.Fatalf("removed person %d returned", c.ID)
			}
			found = found || c.ID == uint64(i+1)
		}
		if !found {
			t.Errorf("person %d (%q) not found after compaction: %v", i+1, entries[i].Names[0], ids(got))
		}
	}
}

// TestIndexRecall searches mutated names of indexed synthetic persons and
// requires the person among the results nearly always.
func TestIndexRecall(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 2000
	}
	entries := names.Synthetic(11, n)
	ix := names.NewIndex()
	for i, e := range entries {
		ix.Add(uint64(i), e)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	misses, tries := 0, 300
	for range tries {
		i := rng.IntN(n)
		q := names.Query{Name: names.Mutate(rng, entries[i].Names[0]), DateOfBirth: entries[i].DateOfBirth}
		found := false
		for _, c := range ix.Search(q, 10) {
			found = found || c.ID == uint64(i)
		}
		if !found {
			misses++
			if misses < 5 {
				t.Logf("missed %q for %q", q.Name, entries[i].Names[0])
			}
		}
	}
	if misses > tries/50 {
		t.Fatalf("missed %d of %d mutated names (more than 2%%)", misses, tries)
	}
}

func TestIndexConcurrent(t *testing.T) {
	entries := names.Synthetic(5, 2000)
	ix := names.NewIndex()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i, e := range entries {
			ix.Add(uint64(i), e)
			if i%3 == 0 {
				ix.Remove(uint64(i / 2))
			}
		}
	}()
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < len(entries); i += 7 {
				for _, c := range ix.Search(names.Query{Name: entries[i].Names[0]}, 5) {
					if c.Score < 0 || c.Score > 1 {
						panic(fmt.Sprintf("score %v", c.Score))
					}
				}
			}
		}()
	}
	wg.Wait()
}

// TestIndexReplaceCompaction replaces every person several times, so that
// replaced entries pile up as tombstones and trigger a rebuild.
func TestIndexReplaceCompaction(t *testing.T) {
	entries := names.Synthetic(9, 1500)
	ix := names.NewIndex()
	for round := range 3 {
		for i, e := range entries {
			if round == 2 {
				e.Names = append([]string{"Zebulon Quaxworth"}, e.Names...)
			}
			ix.Add(uint64(i), e)
		}
	}
	if ix.Len() != len(entries) {
		t.Fatalf("Len = %d, want %d", ix.Len(), len(entries))
	}
	got := ix.Search(names.Query{Name: "Zebulon Quaxworth"}, 2000)
	if len(got) != len(entries) {
		t.Fatalf("Search found %d persons with the last round's alias, want %d", len(got), len(entries))
	}
}
