// Package docindex is the in-memory index of stolen and lost travel
// documents: exact checks by issuing country and number (or by number alone),
// blank-document batches held as number ranges, and a "similar document"
// search for numbers one OCR confusion or one keying error away.
//
// The index stores no text and no document data: each record is a row id, a
// packed issuing-country code and the number packed into 64 bits, about 24
// bytes a record in all. A hit is a candidate id that the caller confirms
// against its store. Numbers and country codes must already be canonical
// (upper case A–Z and 0–9; see the mrz package for the canonical form).
//
// One writer and any number of readers may use an Index at once. Readers
// never take a lock: they read immutable arrays and atomically published
// words, so a check costs the same while the writer works.
package docindex

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
)

// Index is a concurrent index of travel-document numbers. The zero value is
// not usable; create one with [New], [Builder.Build] or [Index.ReadFrom].
type Index struct {
	st atomic.Pointer[state]

	wmu   sync.Mutex // serialises writers
	dByID map[uint64]int
	rByID map[uint64]rangeLoc

	longMu sync.RWMutex
	longs  map[uint64]string // text of numbers too long to pack, by packed hash

	// compactMin is the delta size below which writes never trigger a
	// rebuild; tests lower it to exercise rebuilds.
	compactMin int
}

// state is what readers see, published as one pointer.
type state struct {
	seg    *segment
	delta  *delta
	ranges *rangeSet
}

type rangeLoc struct {
	key      rangeKey
	rec      rangeRec
	from, to string
}

// Hits are the ids an exact check found. Exact holds records with the very
// number (and country, unless checked by number alone); Range holds blank
// batches whose range contains the number. Both are nil on a no-hit. An id
// may, very rarely, be a false positive (numbers longer than 12 characters
// are compared by a 64-bit hash), so the caller confirms each against its
// store; a record present in the index is never missed.
type Hits struct {
	Exact []uint64
	Range []uint64
}

// Empty reports whether the check found nothing.
func (h Hits) Empty() bool { return len(h.Exact) == 0 && len(h.Range) == 0 }

// Stats describes the size of an index.
type Stats struct {
	Records int // live single-number records
	Ranges  int // live blank batches
	Pending int // records written since the last rebuild
	Dead    int // deleted or moved records not yet dropped by a rebuild
	// OffHeapBytes is memory the index holds outside the Go heap (its main
	// table, when large, is mapped directly so it can use huge pages); it
	// is not in runtime.MemStats.
	OffHeapBytes int64
}

// New returns an empty index.
func New() *Index {
	x := newIndex()
	seg, _ := buildSegment(nil, nil, nil)
	x.st.Store(&state{seg: seg, delta: newDelta(0), ranges: newRangeSet()})
	return x
}

func newIndex() *Index {
	return &Index{
		dByID:      map[uint64]int{},
		rByID:      map[uint64]rangeLoc{},
		longs:      map[uint64]string{},
		compactMin: 1 << 16,
	}
}

// Check returns the records of country with this exact number and the
// batches of country containing it. It fails only on a malformed country or
// number. A no-hit allocates nothing.
func (x *Index) Check(country, number string) (Hits, error) {
	cc, err := countryCode(country)
	if err != nil {
		return Hits{}, err
	}
	k, err := numberKeys(number)
	if err != nil {
		return Hits{}, err
	}
	return x.check(cc, false, number, k), nil
}

// CheckAny is [Index.Check] over every issuing country, for a number read
// without its country.
func (x *Index) CheckAny(number string) (Hits, error) {
	k, err := numberKeys(number)
	if err != nil {
		return Hits{}, err
	}
	return x.check(0, true, number, k), nil
}

func (x *Index) check(cc uint16, any bool, number string, k keys) Hits {
	st := x.st.Load()
	var h Hits
	seg := st.seg
	b := seg.home(uint32(k.skel >> 32))
probe:
	for {
		bk := &seg.table[b]
		for j := range slotsPerBucket {
			v := bk.num[j]
			if v == 0 {
				break probe
			}
			if v == k.num {
				m := atomic.LoadUint64(&bk.meta[j])
				if m&deadBit == 0 && (any || metaCC(m) == cc) {
					h.Exact = append(h.Exact, metaID(m))
				}
			}
		}
		if b++; b == seg.nb {
			b = 0
		}
	}
	d := st.delta
	for i := k.skel & d.mask; ; i = (i + 1) & d.mask {
		s := &d.slots[i]
		sk := s.skel.Load()
		if sk == 0 {
			break
		}
		if sk == k.skel && s.num.Load() == k.num {
			if m := s.meta.Load(); m&deadFlag == 0 && (any || uint16(m) == cc) {
				h.Exact = append(h.Exact, s.id.Load())
			}
		}
	}
	h.Range = st.ranges.lookup(number, cc, any, nil)
	return h
}

// Put records that id has this number, inserting it or moving it from
// whatever number or batch it had. Putting an unchanged record is cheap.
func (x *Index) Put(id uint64, country, number string) error {
	if err := checkID(id); err != nil {
		return err
	}
	cc, err := countryCode(country)
	if err != nil {
		return err
	}
	k, err := numberKeys(number)
	if err != nil {
		return err
	}
	if k.long {
		x.setLong(k.num, number)
	}
	x.wmu.Lock()
	defer x.wmu.Unlock()
	x.putLocked(entry{num: k.num, skel: k.skel, id: id, cc: cc})
	return nil
}

func (x *Index) putLocked(e entry) {
	st := x.st.Load()
	if st.delta.full() {
		st = x.growDelta(st)
	}
	oldSlot, inDelta := x.dByID[e.id]
	if inDelta {
		s := &st.delta.slots[oldSlot]
		if s.num.Load() == e.num && uint16(s.meta.Load()) == e.cc {
			return
		}
	}
	oldPos, inSeg := uint32(0), false
	if !inDelta {
		oldPos, inSeg = st.seg.findID(e.id)
		if inSeg && st.seg.slotNum(oldPos) == e.num && metaCC(*st.seg.slotMeta(oldPos)) == e.cc {
			return
		}
	}
	// Insert before removing the old entry, so that a concurrent check sees
	// the record at its old or new number, never at neither.
	x.dByID[e.id] = st.delta.insert(e)
	switch {
	case inDelta:
		st.delta.kill(oldSlot)
	case inSeg:
		st.seg.kill(oldPos)
	default:
		if loc, ok := x.rByID[e.id]; ok {
			x.st.Store(&state{seg: st.seg, delta: st.delta, ranges: st.ranges.with(rangeKey{}, 0, nil, loc.key, e.id, true)})
			delete(x.rByID, e.id)
		}
	}
	x.maybeCompact()
}

// PutRange records that id is the blank batch from..to of country (see the
// package comment on ranges for the rule), replacing whatever id was.
func (x *Index) PutRange(id uint64, country, from, to string) error {
	if err := checkID(id); err != nil {
		return err
	}
	cc, err := countryCode(country)
	if err != nil {
		return err
	}
	k, lo, hi, err := parseRange(from, to)
	if err != nil {
		return err
	}
	x.wmu.Lock()
	defer x.wmu.Unlock()
	x.putRangeLocked(rangeLoc{key: k, rec: rangeRec{id: id, lo: lo, hi: hi, cc: cc}, from: from, to: to})
	return nil
}

func (x *Index) putRangeLocked(loc rangeLoc) {
	st := x.st.Load()
	old, had := x.rByID[loc.rec.id]
	x.st.Store(&state{seg: st.seg, delta: st.delta, ranges: st.ranges.with(loc.key, tailStart(loc.from), &loc.rec, old.key, loc.rec.id, had)})
	x.rByID[loc.rec.id] = loc
	if !had {
		x.removeSingleLocked(loc.rec.id)
	}
}

// Delete removes id, a single record or a batch. It reports whether the id
// was present.
func (x *Index) Delete(id uint64) bool {
	x.wmu.Lock()
	defer x.wmu.Unlock()
	if loc, ok := x.rByID[id]; ok {
		st := x.st.Load()
		x.st.Store(&state{seg: st.seg, delta: st.delta, ranges: st.ranges.with(rangeKey{}, 0, nil, loc.key, id, true)})
		delete(x.rByID, id)
		return true
	}
	if x.removeSingleLocked(id) {
		x.maybeCompact()
		return true
	}
	return false
}

func (x *Index) removeSingleLocked(id uint64) bool {
	st := x.st.Load()
	if slot, ok := x.dByID[id]; ok {
		st.delta.kill(slot)
		delete(x.dByID, id)
		return true
	}
	if p, ok := st.seg.findID(id); ok {
		st.seg.kill(p)
		return true
	}
	return false
}

func (x *Index) growDelta(st *state) *state {
	nd, moved := st.delta.grown()
	for id, slot := range x.dByID {
		x.dByID[id] = moved[slot]
	}
	ns := &state{seg: st.seg, delta: nd, ranges: st.ranges}
	x.st.Store(ns)
	return ns
}

// maybeCompact rebuilds the segment once pending and dead records reach an
// eighth of it, so lookups stay two memory reads and the delta stays small.
func (x *Index) maybeCompact() {
	st := x.st.Load()
	waste := st.delta.used + st.seg.ndead
	if waste < x.compactMin || waste < st.seg.len()/8 {
		return
	}
	x.compactLocked()
}

// Compact folds records written since the last build into the bulk arrays
// and drops deleted ones. Writes do this by themselves when enough has
// changed; a server may call it when idle. Readers are not blocked.
func (x *Index) Compact() {
	x.wmu.Lock()
	defer x.wmu.Unlock()
	x.compactLocked()
}

func (x *Index) compactLocked() {
	st := x.st.Load()
	seg, pend := st.seg, st.delta.entries()
	slices.SortFunc(pend, func(a, b entry) int { return cmp.Compare(a.id, b.id) })
	n := seg.len() - seg.ndead + len(pend)
	num := make([]uint64, 0, n)
	meta := make([]uint64, 0, n)
	// Merge the two id orders so the build needs no sort.
	for _, slot := range seg.byID {
		m := atomic.LoadUint64(seg.slotMeta(slot))
		if m&deadBit != 0 {
			continue
		}
		for len(pend) > 0 && pend[0].id < metaID(m) {
			num = append(num, pend[0].num)
			meta = append(meta, metaWord(pend[0].id, pend[0].cc))
			pend = pend[1:]
		}
		num = append(num, seg.slotNum(slot))
		meta = append(meta, m)
	}
	for _, e := range pend {
		num = append(num, e.num)
		meta = append(meta, metaWord(e.id, e.cc))
	}
	top := make([]uint32, len(num))
	parallelFor(len(num), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			top[i] = uint32(x.skelOf(num[i]) >> 32)
		}
	})
	ns, err := buildSegment(num, meta, top)
	if err != nil {
		// The records came from a valid index: ids are unique and the size
		// was accepted before, so this cannot happen.
		panic("docindex: rebuild: " + err.Error())
	}
	x.st.Store(&state{seg: ns, delta: newDelta(0), ranges: st.ranges})
	clear(x.dByID)
}

// skelOf recomputes the skeleton key of a stored number.
func (x *Index) skelOf(num uint64) uint64 {
	if num >= packLimit {
		k, _ := numberKeys(x.long(num))
		return k.skel
	}
	var digits [packedLen]uint8
	i := len(digits)
	for v := num; v > 0; v /= 37 {
		i--
		digits[i] = uint8(v % 37)
	}
	var skel uint64
	for _, v := range digits[i:] {
		skel = skel*37 + uint64(charVal[skelChar[valChar[v]]])
	}
	return mix(skel)
}

func (x *Index) setLong(num uint64, number string) {
	x.longMu.Lock()
	x.longs[num] = number
	x.longMu.Unlock()
}

// long returns the text of a stored number.
func (x *Index) long(num uint64) string {
	if num < packLimit {
		return unpack(num)
	}
	x.longMu.RLock()
	defer x.longMu.RUnlock()
	return x.longs[num]
}

// Stats returns the current size of the index.
func (x *Index) Stats() Stats {
	x.wmu.Lock()
	defer x.wmu.Unlock()
	st := x.st.Load()
	return Stats{
		Records: st.seg.len() - st.seg.ndead + st.delta.live,
		Ranges:  st.ranges.count,
		Pending: st.delta.live,
		Dead:    st.seg.ndead + st.delta.used - st.delta.live,

		OffHeapBytes: st.seg.offHeap,
	}
}

// Len returns the number of live records, batches included.
func (x *Index) Len() int {
	s := x.Stats()
	return s.Records + s.Ranges
}

// Range returns the batch stored under id.
func (x *Index) Range(id uint64) (Range, bool) {
	x.wmu.Lock()
	defer x.wmu.Unlock()
	loc, ok := x.rByID[id]
	if !ok {
		return Range{}, false
	}
	return Range{ID: id, Country: countryName(loc.rec.cc), From: loc.from, To: loc.to}, true
}

// Lookup returns the issuing country and number stored under a single-record
// id (not a batch).
func (x *Index) Lookup(id uint64) (country, number string, ok bool) {
	x.wmu.Lock()
	defer x.wmu.Unlock()
	st := x.st.Load()
	if slot, found := x.dByID[id]; found {
		s := &st.delta.slots[slot]
		return countryName(uint16(s.meta.Load())), x.long(s.num.Load()), true
	}
	if p, found := st.seg.findID(id); found {
		return countryName(metaCC(*st.seg.slotMeta(p))), x.long(st.seg.slotNum(p)), true
	}
	return "", "", false
}

func errDuplicateID(id uint64) error {
	return fmt.Errorf("record id %d appears more than once", id)
}
