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
// never take a lock: they read atomically published words, so a check costs
// the same while the writer works.
package docindex

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
)

// Index is a concurrent index of travel-document numbers. The zero value is
// not usable; create one with [New], [Builder.Build] or [Index.ReadFrom].
type Index struct {
	st atomic.Pointer[state]

	wmu   sync.Mutex // serialises writers; guards what follows
	rByID map[uint64]rangeLoc
	// Records written since the last build are in the table but not in its
	// id order: fresh ids in increasing order in tailIDs/tailSlots (row
	// ids usually are), any other in side.
	tailIDs   []uint64
	tailSlots []uint32
	side      map[uint64]uint32

	checkpoint uint64
	job        *rebuildJob // background rebuild in progress

	longMu sync.RWMutex
	longs  map[uint64]string // text of numbers too long to pack, by packed hash
}

// SetCheckpoint records how far into its change feed the caller has
// applied writes (a sequence number of the caller's choosing). It is saved
// in snapshots, so that after [Index.ReadFrom] the caller replays only the
// changes after [Index.Checkpoint].
func (x *Index) SetCheckpoint(seq uint64) {
	x.wmu.Lock()
	x.checkpoint = seq
	x.wmu.Unlock()
}

// Checkpoint returns the value last given to [Index.SetCheckpoint] or read
// from a snapshot.
func (x *Index) Checkpoint() uint64 {
	x.wmu.Lock()
	defer x.wmu.Unlock()
	return x.checkpoint
}

// state is what readers see, published as one pointer.
type state struct {
	seg    *segment
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
	Dead    int // deleted or moved records still taking a slot
	// OffHeapBytes is memory the index holds outside the Go heap (its main
	// table, when large, is mapped directly so it can use huge pages); it
	// is not in runtime.MemStats.
	OffHeapBytes int64
}

// New returns an empty index.
func New() *Index {
	x := newIndex()
	seg, _ := buildSegment(nil, nil, nil)
	x.st.Store(&state{seg: seg, ranges: newRangeSet()})
	return x
}

func newIndex() *Index {
	return &Index{
		rByID: map[uint64]rangeLoc{},
		side:  map[uint64]uint32{},
		longs: map[uint64]string{},
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
	return x.checkIn(x.st.Load(), cc, any, number, k)
}

func (x *Index) checkIn(st *state, cc uint16, any bool, number string, k keys) Hits {
	var h Hits
	seg := st.seg
	b := seg.home(uint32(k.skel >> 32))
probe:
	for {
		bk := &seg.table[b]
		for j := range slotsPerBucket {
			v := atomic.LoadUint64(&bk.num[j])
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
	h.Range = st.ranges.lookup(number, cc, any, nil)
	return h
}

// Put records that id has this number, inserting it or moving it from
// whatever number or batch it had. Putting an unchanged record is cheap.
// The record goes straight into the table; when the table is full, Put
// rebuilds it larger, in the background (see [Index.Compact]).
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
	x.roomLocked()
	st := x.st.Load()
	old, had := x.findLocked(st.seg, e.id)
	if had && st.seg.slotNum(old) == e.num && metaCC(*st.seg.slotMeta(old)) == e.cc {
		return
	}
	x.logLocked(logOp{e: e})
	// Insert before removing the old entry, so that a concurrent check sees
	// the record at its old or new number, never at neither.
	slot := st.seg.insert(e.skel, e.num, metaWord(e.id, e.cc))
	if !had && e.id > st.seg.maxID && (len(x.tailIDs) == 0 || e.id > x.tailIDs[len(x.tailIDs)-1]) {
		x.tailIDs = append(x.tailIDs, e.id)
		x.tailSlots = append(x.tailSlots, slot)
	} else {
		x.side[e.id] = slot
	}
	if had {
		st.seg.kill(old)
		return
	}
	if loc, ok := x.rByID[e.id]; ok {
		x.st.Store(&state{seg: st.seg, ranges: st.ranges.with(rangeKey{}, 0, nil, loc.key, e.id, true)})
		delete(x.rByID, e.id)
	}
}

// findLocked returns the slot of the live single record with this id.
func (x *Index) findLocked(seg *segment, id uint64) (uint32, bool) {
	if slot, ok := x.side[id]; ok {
		return slot, true
	}
	if id > seg.maxID {
		if i, ok := slices.BinarySearch(x.tailIDs, id); ok && !seg.isDead(x.tailSlots[i]) {
			return x.tailSlots[i], true
		}
		return 0, false
	}
	return seg.findID(id)
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
	x.st.Store(&state{seg: st.seg, ranges: st.ranges.with(loc.key, tailStart(loc.from), &loc.rec, old.key, loc.rec.id, had)})
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
		x.st.Store(&state{seg: st.seg, ranges: st.ranges.with(rangeKey{}, 0, nil, loc.key, id, true)})
		delete(x.rByID, id)
		return true
	}
	return x.removeSingleLocked(id)
}

func (x *Index) removeSingleLocked(id uint64) bool {
	seg := x.st.Load().seg
	slot, ok := x.findLocked(seg, id)
	if !ok {
		return false
	}
	seg.kill(slot)
	delete(x.side, id)
	x.logLocked(logOp{e: entry{id: id}, del: true})
	return true
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
		Records:      st.seg.n - st.seg.ndead,
		Ranges:       st.ranges.count,
		Pending:      len(x.tailIDs) + len(x.side),
		Dead:         st.seg.ndead,
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
	seg := x.st.Load().seg
	if slot, found := x.findLocked(seg, id); found {
		return countryName(metaCC(*seg.slotMeta(slot))), x.long(seg.slotNum(slot)), true
	}
	return "", "", false
}

func errDuplicateID(id uint64) error {
	return fmt.Errorf("record id %d appears more than once", id)
}
