package docindex

import (
	"math/bits"
	"sync"
	"sync/atomic"
)

// segment is the bulk part of the index: every record present at the last
// build, in three parallel arrays grouped by directory bucket. The bucket of
// a record is the top dirBits bits of its skeleton key, so an exact lookup
// and a skeleton (OCR-confusion) lookup both read one bucket of about two to
// four records: one directory read and one short scan, with no pointers to
// chase. Order inside a bucket does not matter, which is why a build is a
// counting sort (two linear passes) rather than a full sort.
//
// A segment never changes after it is built except for its dead bits, which
// the single writer sets atomically when a record is deleted or moved.
type segment struct {
	dirBits uint
	dir     []uint32 // len 1<<dirBits + 1; bucket b is [dir[b], dir[b+1])
	num     []uint64 // packed number
	id      []uint64
	cc      []uint16 // packed issuing country
	byID    []uint32 // positions ordered by id, for Delete and moves (writer only)
	dead    []atomic.Uint64
	ndead   int    // writer only
	maxID   uint64 // largest id, so that inserting a fresh id skips findID
}

// entry is one record on its way into a segment.
type entry struct {
	num, skel, id uint64
	cc            uint16
}

// dirBitsFor picks a directory size giving two to four records a bucket:
// about one byte of directory a record, and a bucket fits a cache line.
func dirBitsFor(n int) uint {
	if n < 8 {
		return 1
	}
	return uint(bits.Len64(uint64(n-1))) - 2
}

func (s *segment) len() int { return len(s.num) }

func (s *segment) bucket(skel uint64) (lo, hi uint32) {
	b := skel >> (64 - s.dirBits)
	return s.dir[b], s.dir[b+1]
}

func (s *segment) isDead(p uint32) bool {
	return s.dead[p>>6].Load()&(1<<(p&63)) != 0
}

func (s *segment) kill(p uint32) {
	w := &s.dead[p>>6]
	w.Store(w.Load() | 1<<(p&63))
	s.ndead++
}

// findID returns the position of a live record with this id.
func (s *segment) findID(id uint64) (uint32, bool) {
	if id > s.maxID || len(s.byID) == 0 {
		return 0, false
	}
	lo, hi := 0, len(s.byID)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s.id[s.byID[m]] < id {
			lo = m + 1
		} else {
			hi = m
		}
	}
	for ; lo < len(s.byID); lo++ {
		p := s.byID[lo]
		if s.id[p] != id {
			break
		}
		if !s.isDead(p) {
			return p, true
		}
	}
	return 0, false
}

// buildSegment groups records by bucket. skelTop holds the top 32 bits of
// each record's skeleton key; the input slices are consumed.
func buildSegment(num, id []uint64, cc []uint16, skelTop []uint32) *segment {
	n := len(num)
	s := &segment{dirBits: dirBitsFor(n)}
	shift := 32 - s.dirBits
	nb := 1 << s.dirBits
	s.dir = make([]uint32, nb+1)
	// Count per bucket, shifted by one so the prefix sum lands in place.
	for _, t := range skelTop {
		s.dir[(t>>shift)+1]++
	}
	for b := 1; b <= nb; b++ {
		s.dir[b] += s.dir[b-1]
	}
	s.num = make([]uint64, n)
	s.id = make([]uint64, n)
	s.cc = make([]uint16, n)
	pos := make([]uint32, n) // new position of input record i
	next := make([]uint32, nb)
	copy(next, s.dir[:nb])
	for i, t := range skelTop {
		b := t >> shift
		p := next[b]
		next[b] = p + 1
		pos[i] = p
	}
	next = nil
	// Scatter one array at a time, in parallel: each pass touches one
	// output array, which keeps the random writes within fewer pages.
	var wg sync.WaitGroup
	wg.Go(func() {
		for i, p := range pos {
			s.num[p] = num[i]
		}
	})
	wg.Go(func() {
		for i, p := range pos {
			s.id[p] = id[i]
		}
		for i, p := range pos {
			s.cc[p] = cc[i]
		}
	})
	wg.Wait()
	s.byID = buildByID(id, pos)
	if n > 0 {
		s.maxID = s.id[s.byID[n-1]]
	}
	s.dead = make([]atomic.Uint64, (n+63)/64)
	return s
}

// buildByID returns the new positions ordered by id. Ids from a store
// usually arrive in row order; then pos already is the answer.
func buildByID(id []uint64, pos []uint32) []uint32 {
	sorted := true
	for i := 1; i < len(id); i++ {
		if id[i] < id[i-1] {
			sorted = false
			break
		}
	}
	if sorted {
		return pos
	}
	return radixSortByID(id, pos)
}

// radixSortByID sorts pos by id with an LSD radix sort on the bytes of the
// id that vary (row ids rarely use more than four).
func radixSortByID(id []uint64, pos []uint32) []uint32 {
	n := len(id)
	var or, and uint64 = 0, ^uint64(0)
	for _, v := range id {
		or |= v
		and &= v
	}
	varying := or ^ and
	keys := make([]uint64, n)
	copy(keys, id)
	keys2 := make([]uint64, n)
	pos2 := make([]uint32, n)
	for shift := uint(0); shift < 64; shift += 8 {
		if (varying>>shift)&0xff == 0 {
			continue
		}
		var count [257]int
		for _, k := range keys {
			count[(k>>shift)&0xff+1]++
		}
		for i := 1; i < 257; i++ {
			count[i] += count[i-1]
		}
		for i, k := range keys {
			d := (k >> shift) & 0xff
			j := count[d]
			count[d]++
			keys2[j] = k
			pos2[j] = pos[i]
		}
		keys, keys2 = keys2, keys
		pos, pos2 = pos2, pos
	}
	return pos
}
