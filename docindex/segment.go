package docindex

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// segment is the bulk part of the index: every record present at the last
// build, in an open-addressing table of 64-byte buckets (one cache line, four
// slots) filled by linear probing. A record's home bucket comes from its
// skeleton key, so the exact number and every OCR-confusable spelling of it
// share one probe chain. A slot holds the packed number and, in one more
// word, the id, the country and a dead flag: an exact check, hit or no-hit,
// usually reads one cache line and nothing else.
//
// With four slots a bucket and 80 % of slots used, a record costs 20 bytes
// of table plus 4 bytes of id order (for Delete and moves, writer only).
//
// A segment never changes after it is built except for the dead flags,
// which the single writer sets atomically.
type segment struct {
	nb    uint64 // buckets
	table []bucket
	byID  []uint32 // occupied slots ordered by id
	n     int      // occupied slots
	ndead int      // writer only
	maxID uint64   // largest id, so that inserting a fresh id skips findID
	// offHeap is the size of the table's mapping outside the Go heap.
	offHeap int64
}

type bucket struct {
	num  [slotsPerBucket]uint64 // packed number; 0: empty
	meta [slotsPerBucket]uint64 // id | country<<idBits | deadBit; atomic
}

const (
	slotsPerBucket = 4
	loadFactor     = 0.8
	idBits         = 48
	// MaxID is the largest record id the index accepts: ids share a word
	// with the country code and a flag.
	MaxID   = 1<<idBits - 1
	deadBit = 1 << 63
	ccShift = idBits
)

func metaWord(id uint64, cc uint16) uint64 { return id | uint64(cc)<<ccShift }
func metaID(m uint64) uint64               { return m & MaxID }
func metaCC(m uint64) uint16               { return uint16(m>>ccShift) & 0x7fff }

func checkID(id uint64) error {
	if id > MaxID {
		return fmt.Errorf("record id %d is above the index's limit %d", id, uint64(MaxID))
	}
	return nil
}

func bucketsFor(n int) uint64 {
	return max(1, uint64(float64(n)/(slotsPerBucket*loadFactor))+1)
}

// home maps the top 32 bits of a skeleton key to a bucket (multiply-shift,
// so the bucket count need not be a power of two).
func (s *segment) home(top uint32) uint64 { return uint64(top) * s.nb >> 32 }

func (s *segment) len() int { return s.n }

func (s *segment) slotMeta(slot uint32) *uint64 {
	return &s.table[slot/slotsPerBucket].meta[slot%slotsPerBucket]
}

func (s *segment) slotNum(slot uint32) uint64 {
	return atomic.LoadUint64(&s.table[slot/slotsPerBucket].num[slot%slotsPerBucket])
}

func (s *segment) kill(slot uint32) {
	m := s.slotMeta(slot)
	atomic.StoreUint64(m, atomic.LoadUint64(m)|deadBit)
	s.ndead++
}

// findID returns the slot of a live record with this id.
func (s *segment) findID(id uint64) (uint32, bool) {
	if id > s.maxID || len(s.byID) == 0 {
		return 0, false
	}
	lo, hi := 0, len(s.byID)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if metaID(atomic.LoadUint64(s.slotMeta(s.byID[m]))) < id {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(s.byID) {
		slot := s.byID[lo]
		if m := atomic.LoadUint64(s.slotMeta(slot)); metaID(m) == id && m&deadBit == 0 {
			return slot, true
		}
	}
	return 0, false
}

// buildSegment places the records in a new table: num holds the packed
// numbers, meta the id and country words (see metaWord), skelTop the top 32
// bits of each record's skeleton key. It fails on a repeated id.
//
// The work is a radix sort of (home bucket, record) pairs, a sequential pass
// assigning slots, and a parallel pass copying the records into place: no
// comparison sort and no hashing of numbers.
func buildSegment(num, meta []uint64, skelTop []uint32) (*segment, error) {
	n := len(num)
	s := &segment{nb: bucketsFor(n), n: n}
	if err := s.checkSize(); err != nil {
		return nil, err
	}
	byID, maxID, err := buildByID(meta)
	if err != nil {
		return nil, err
	}
	s.maxID = maxID
	keys := make([]uint64, n)
	parallelFor(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			keys[i] = s.home(skelTop[i])<<32 | uint64(i)
		}
	})
	skelTop = nil
	slotOf := make([]uint32, n)
	err = s.place(keys,
		func(i uint32) (uint64, uint64) { return num[i], meta[i] },
		func(i, slot uint32) { slotOf[i] = slot })
	if err != nil {
		return nil, err
	}
	// byID holds record indexes in id order; turn them into slots.
	parallelFor(n, func(lo, hi int) {
		for j := lo; j < hi; j++ {
			byID[j] = slotOf[byID[j]]
		}
	})
	s.byID = byID
	return s, nil
}

func (s *segment) checkSize() error {
	if nslots := s.nb * slotsPerBucket; uint64(s.n) >= nslots || nslots >= 1<<32 {
		return fmt.Errorf("index of %d records is too large", s.n)
	}
	return nil
}

// place allocates the table and puts the records in it. keys hold
// home<<32 | ref, one per record; rec returns a record's number and meta
// word by ref, placed is told where it went. keys is overwritten.
func (s *segment) place(keys []uint64, rec func(ref uint32) (num, meta uint64), placed func(ref, slot uint32)) error {
	keys = radixSortHigh(keys, s.nb)
	// Each record goes to the first free slot at or after its home, so the
	// slots it passes over are all taken: linear probing's invariant. Keys
	// become slot<<32 | ref; records pushed past the end are marked and
	// placed afterwards from the start of the table.
	const wrapMark = uint64(1<<32-1) << 32
	nslots := s.nb * slotsPerBucket
	var next uint64
	wrapped := 0
	for j, k := range keys {
		slot := max((k>>32)*slotsPerBucket, next)
		if slot >= nslots {
			keys[j] = wrapMark | k&(1<<32-1)
			wrapped++
			continue
		}
		keys[j] = slot<<32 | k&(1<<32-1)
		next = slot + 1
	}
	if s.table, s.offHeap = allocTable(s.nb, s); s.offHeap < 0 {
		return fmt.Errorf("cannot map memory for an index of %d records", s.n)
	}
	parallelFor(len(keys), func(lo, hi int) {
		for _, k := range keys[lo:hi] {
			if k&wrapMark == wrapMark {
				continue
			}
			ref, slot := uint32(k), k>>32
			b := &s.table[slot/slotsPerBucket]
			b.num[slot%slotsPerBucket], b.meta[slot%slotsPerBucket] = rec(ref)
			placed(ref, uint32(slot))
		}
	})
	if wrapped > 0 {
		next = 0
		for _, k := range keys {
			if k&wrapMark != wrapMark {
				continue
			}
			ref := uint32(k)
			for s.table[next/slotsPerBucket].num[next%slotsPerBucket] != 0 {
				next++
			}
			b := &s.table[next/slotsPerBucket]
			b.num[next%slotsPerBucket], b.meta[next%slotsPerBucket] = rec(ref)
			placed(ref, uint32(next))
		}
	}
	return nil
}

// insert puts a record in the first free slot of its probe chain (writer
// only). The meta word is stored before the number: a reader that sees the
// number sees the record.
func (s *segment) insert(skel, num, meta uint64) uint32 {
	b := s.home(uint32(skel >> 32))
	for {
		bk := &s.table[b]
		for j := range slotsPerBucket {
			if bk.num[j] == 0 {
				atomic.StoreUint64(&bk.meta[j], meta)
				atomic.StoreUint64(&bk.num[j], num)
				s.n++
				return uint32(b*slotsPerBucket) + uint32(j)
			}
		}
		if b++; b == s.nb {
			b = 0
		}
	}
}

func (s *segment) isDead(slot uint32) bool {
	return atomic.LoadUint64(s.slotMeta(slot))&deadBit != 0
}

// parallelFor splits [0, n) over the cores.
func parallelFor(n int, fn func(lo, hi int)) {
	w := runtime.GOMAXPROCS(0)
	if n < 1<<16 || w == 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for i := range w {
		wg.Go(func() { fn(n*i/w, n*(i+1)/w) })
	}
	wg.Wait()
}

// radixSortHigh sorts keys by their high 32 bits, which are below limit,
// with an LSD radix sort of 11-bit digits.
func radixSortHigh(keys []uint64, limit uint64) []uint64 {
	buf := make([]uint64, len(keys))
	const digit = 11
	for shift := uint(32); shift < 64 && limit>>(shift-32) > 0; shift += digit {
		var count [1<<digit + 1]int
		for _, k := range keys {
			count[(k>>shift)&(1<<digit-1)+1]++
		}
		for i := 1; i < len(count); i++ {
			count[i] += count[i-1]
		}
		for _, k := range keys {
			d := (k >> shift) & (1<<digit - 1)
			buf[count[d]] = k
			count[d]++
		}
		keys, buf = buf, keys
	}
	return keys
}

// buildByID returns the record indexes in id order and the largest id,
// and fails on a repeated id. Ids from a store usually arrive in row order;
// then the answer is the identity and needs no sort.
func buildByID(meta []uint64) ([]uint32, uint64, error) {
	n := len(meta)
	order := make([]uint32, n)
	sorted := true
	for i := range meta {
		order[i] = uint32(i)
		if i > 0 && metaID(meta[i]) <= metaID(meta[i-1]) {
			sorted = false
		}
	}
	if n == 0 {
		return order, 0, nil
	}
	if sorted {
		return order, metaID(meta[n-1]), nil
	}
	ids := make([]uint64, n)
	for i, m := range meta {
		ids[i] = metaID(m)
	}
	ids, order = radixSortByID(ids, order)
	for i := 1; i < n; i++ {
		if ids[i] == ids[i-1] {
			return nil, 0, errDuplicateID(ids[i])
		}
	}
	return order, ids[n-1], nil
}

// radixSortByID sorts ids, carrying pos along, with an LSD radix sort on
// the bytes that vary (row ids rarely use more than four).
func radixSortByID(keys []uint64, pos []uint32) ([]uint64, []uint32) {
	n := len(keys)
	var or, and uint64 = 0, ^uint64(0)
	for _, v := range keys {
		or |= v
		and &= v
	}
	varying := or ^ and
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
	return keys, pos
}

// each calls fn for every live record in the probe chain of skel; fn
// returns false to stop.
func (s *segment) each(skel uint64, fn func(slot uint32, num, meta uint64)) {
	b := s.home(uint32(skel >> 32))
	for {
		bk := &s.table[b]
		for j := range slotsPerBucket {
			v := atomic.LoadUint64(&bk.num[j])
			if v == 0 {
				return
			}
			if m := atomic.LoadUint64(&bk.meta[j]); m&deadBit == 0 {
				fn(uint32(b*slotsPerBucket)+uint32(j), v, m)
			}
		}
		if b++; b == s.nb {
			b = 0
		}
	}
}
