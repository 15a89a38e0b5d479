package afis

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
)

// Candidate is one entry of a search's ranked list.
type Candidate struct {
	// ID is the store's id of the enrolled template and Position its finger
	// position code.
	ID       uint64
	Position int
	// Score is the one-to-one [Matcher.Score] of the probe and this template.
	Score float64
}

// Index holds enrolled templates for one-to-many search. A search first
// ranks every template by a coarse score (for each of its minutiae, how many
// of its quantised neighbour edges the probe also has, read from a 4 KiB
// bitmap, so the scan streams memory and does no matching), then runs the
// full matcher on the best Shortlist of them only. Templates live in flat arrays, so a million of them are a few
// allocations for the garbage collector.
//
// An Index is safe for concurrent use: searches share a read lock, Add and
// Remove take the write lock.
type Index struct {
	// Shortlist is how many coarse-ranked templates get the full match.
	Shortlist int
	// Workers is the number of goroutines a search uses (GOMAXPROCS if 0).
	Workers int

	mu      sync.RWMutex
	ids     []uint64
	pos     []uint8
	removed []bool
	// Per template i: minutiae from minOff[i] to minOff[i+1], edges from
	// edgeOff[i].
	minOff, edgeOff []uint32
	x, y            []float32
	dir, kind       []uint8
	first           []uint16 // n+1 entries per template, at minOff[i]+i
	edges           []edge
	// keys[keyOff[i]:keyOff[i+1]] are template i's coarse-scan keys: those
	// of each minutia's first coarseNeighbours edges, minutia by minutia.
	keys   []uint16
	keyOff []uint32
	hash   []uint64
}

// DefaultShortlist is the shortlist of a new Index.
const DefaultShortlist = 2000

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{Shortlist: DefaultShortlist, minOff: []uint32{0}, keyOff: []uint32{0}}
}

// Reserve makes room for templates more templates holding minutiae
// minutiae in all, so that enrolling a large gallery does not grow (and
// copy) the flat arrays step by step.
func (ix *Index) Reserve(templates, minutiae int) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	edges := minutiae * neighbours
	ix.ids = slices.Grow(ix.ids, templates)
	ix.pos = slices.Grow(ix.pos, templates)
	ix.removed = slices.Grow(ix.removed, templates)
	ix.hash = slices.Grow(ix.hash, templates)
	ix.edgeOff = slices.Grow(ix.edgeOff, templates)
	ix.minOff = slices.Grow(ix.minOff, templates)
	ix.x = slices.Grow(ix.x, minutiae)
	ix.y = slices.Grow(ix.y, minutiae)
	ix.dir = slices.Grow(ix.dir, minutiae)
	ix.kind = slices.Grow(ix.kind, minutiae)
	ix.first = slices.Grow(ix.first, minutiae+templates)
	ix.edges = slices.Grow(ix.edges, edges)
	ix.keys = slices.Grow(ix.keys, minutiae*coarseNeighbours)
	ix.keyOff = slices.Grow(ix.keyOff, templates)
}

// Len returns the number of enrolled templates, removed ones included.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.ids)
}

// Add enrols p under the store's id and the finger position; p is copied,
// so it may be discarded afterwards. Adding the same (id, position) twice
// keeps both.
func (ix *Index) Add(id uint64, position int, p *Prepared) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.ids = append(ix.ids, id)
	ix.pos = append(ix.pos, uint8(position))
	ix.removed = append(ix.removed, false)
	ix.hash = append(ix.hash, p.hash)
	ix.edgeOff = append(ix.edgeOff, uint32(len(ix.edges)))
	ix.x = append(ix.x, p.x...)
	ix.y = append(ix.y, p.y...)
	ix.dir = append(ix.dir, p.dir...)
	ix.kind = append(ix.kind, p.kind...)
	ix.first = append(ix.first, p.first...)
	ix.edges = append(ix.edges, p.edges...)
	for i := range len(p.x) {
		for _, e := range p.coarseEdges(i) {
			ix.keys = append(ix.keys, keyOf(e))
		}
	}
	ix.keyOff = append(ix.keyOff, uint32(len(ix.keys)))
	ix.minOff = append(ix.minOff, uint32(len(ix.x)))
}

// Remove marks every template enrolled under (id, position) as removed and
// reports whether there was one. Its memory is kept until the index is
// rebuilt.
func (ix *Index) Remove(id uint64, position int) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	found := false
	for i, v := range ix.ids {
		if v == id && int(ix.pos[i]) == position && !ix.removed[i] {
			ix.removed[i] = true
			found = true
		}
	}
	return found
}

// view points p at template i's data without copying.
func (ix *Index) view(i int, p *Prepared) {
	lo, hi := ix.minOff[i], ix.minOff[i+1]
	p.x, p.y = ix.x[lo:hi], ix.y[lo:hi]
	p.dir, p.kind = ix.dir[lo:hi], ix.kind[lo:hi]
	f := int(lo) + i
	p.first = ix.first[f : f+int(hi-lo)+1]
	e := ix.edgeOff[i]
	p.edges = ix.edges[e : e+uint32(p.first[len(p.first)-1])]
	p.hash = ix.hash[i]
}

// coarse is a template's coarse score and number.
type coarse struct {
	score float32
	i     uint32
}

// worse orders coarse scores, ties to the higher template number, so that
// the shortlist does not depend on how the scan is split.
func worse(a, b coarse) bool {
	return a.score < b.score || (a.score == b.score && a.i > b.i)
}

// Search returns up to limit candidates for probe, best first, ties broken
// by id then position. The probe must come from [Prepare] (with its lookup
// grid). It returns ctx's error if ctx ends first.
func (ix *Index) Search(ctx context.Context, probe *Prepared, limit int) ([]Candidate, error) {
	if probe.grid == nil {
		return nil, fmt.Errorf("%w: probe prepared without a lookup grid", ErrInvalidField)
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	n := len(ix.ids)
	if n == 0 || limit <= 0 {
		return nil, nil
	}
	workers := ix.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	short := max(ix.Shortlist, limit)
	var bm bitmap
	density := probeBitmap(probe, &bm)

	// Coarse scan, one shard per worker, each keeping its own top list.
	lists := make([][]coarse, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lo, hi := n*w/workers, n*(w+1)/workers
			lists[w], errs[w] = ix.scan(ctx, lo, hi, &bm, density, short)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	var pool []coarse
	for _, l := range lists {
		pool = append(pool, l...)
	}
	slices.SortFunc(pool, func(a, b coarse) int {
		if worse(a, b) {
			return 1
		}
		if worse(b, a) {
			return -1
		}
		return 0
	})
	pool = pool[:min(len(pool), short)]

	// Full matching of the shortlist.
	cands := make([]Candidate, len(pool))
	next := make(chan int, len(pool))
	for k := range pool {
		next <- k
	}
	close(next)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := NewMatcher()
			var g Prepared
			for k := range next {
				i := int(pool[k].i)
				ix.view(i, &g)
				cands[k] = Candidate{ID: ix.ids[i], Position: int(ix.pos[i]), Score: m.Score(probe, &g)}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(cands, func(a, b Candidate) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.ID, b.ID), cmp.Compare(a.Position, b.Position))
	})
	return cands[:min(limit, len(cands))], nil
}

// scan coarse-scores templates lo..hi-1 and keeps the best k in a min-heap.
func (ix *Index) scan(ctx context.Context, lo, hi int, bm *bitmap, density float64, k int) ([]coarse, error) {
	heap := make([]coarse, 0, k)
	// expected[n] is the chance number of hits among n edges.
	var expected [coarseNeighbours + 1]float64
	for n := range expected {
		expected[n] = density * float64(n)
	}
	for i := lo; i < hi; i++ {
		if i%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if ix.removed[i] {
			continue
		}
		// coarseScore on the flat arrays, without building a view.
		lo, hi := int(ix.minOff[i]), int(ix.minOff[i+1])
		first := ix.first[lo+i : hi+i+1]
		keys := ix.keys[ix.keyOff[i]:ix.keyOff[i+1]]
		var sum float64
		at := 0
		for j := range hi - lo {
			n := min(int(first[j+1]-first[j]), coarseNeighbours)
			h := 0
			for _, k := range keys[at : at+n] {
				h += int(bm.has(k))
			}
			at += n
			if d := float64(h) - expected[n]; d > 0 {
				sum += d * d
			}
		}
		c := coarse{score: float32(sum / float64(len(keys)+1)), i: uint32(i)}
		if len(heap) < k {
			heap = append(heap, c)
			for j := len(heap) - 1; j > 0; {
				p := (j - 1) / 2
				if !worse(heap[j], heap[p]) {
					break
				}
				heap[j], heap[p] = heap[p], heap[j]
				j = p
			}
			continue
		}
		if !worse(heap[0], c) {
			continue
		}
		heap[0] = c
		for j := 0; ; {
			l, r, m := 2*j+1, 2*j+2, j
			if l < len(heap) && worse(heap[l], heap[m]) {
				m = l
			}
			if r < len(heap) && worse(heap[r], heap[m]) {
				m = r
			}
			if m == j {
				break
			}
			heap[j], heap[m] = heap[m], heap[j]
			j = m
		}
	}
	return heap, nil
}
