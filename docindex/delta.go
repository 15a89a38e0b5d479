package docindex

import "sync/atomic"

// delta holds records written since the last build: an open-addressing
// table keyed by skeleton key (linear probing), so that exact and skeleton
// lookups read one probe chain, as in a segment bucket.
//
// Readers never lock: every slot word is read and written atomically, and the
// single writer fills a slot's fields before publishing its key, so a reader
// that sees a key sees the whole record. Slots are never reused; a deletion
// sets the dead flag and the next build drops the slot. When the table is
// half full the writer copies the live records into a table twice the size
// and publishes it; readers still holding the old table see a consistent,
// slightly older state.
type delta struct {
	slots []dslot
	mask  uint64
	used  int // slots taken, dead or alive (writer only)
	live  int // writer only
}

type dslot struct {
	skel atomic.Uint64 // 0: empty
	num  atomic.Uint64
	id   atomic.Uint64
	meta atomic.Uint32 // country in the low 16 bits, deadFlag
}

const deadFlag = 1 << 31

func newDelta(capacity int) *delta {
	size := 64
	for size < 2*capacity {
		size *= 2
	}
	return &delta{slots: make([]dslot, size), mask: uint64(size - 1)}
}

// insert adds a record and returns its slot. The caller grows the table
// first when full.
func (d *delta) insert(e entry) int {
	i := e.skel & d.mask
	for d.slots[i].skel.Load() != 0 {
		i = (i + 1) & d.mask
	}
	s := &d.slots[i]
	s.num.Store(e.num)
	s.id.Store(e.id)
	s.meta.Store(uint32(e.cc))
	s.skel.Store(e.skel)
	d.used++
	d.live++
	return int(i)
}

func (d *delta) kill(slot int) {
	s := &d.slots[slot]
	s.meta.Store(s.meta.Load() | deadFlag)
	d.live--
}

func (d *delta) full() bool { return 2*(d.used+1) > len(d.slots) }

// grown returns a larger table with the live records and a map from old slot
// to new slot for the writer's id map.
func (d *delta) grown() (*delta, map[int]int) {
	nd := newDelta(2 * (d.live + 1))
	moved := make(map[int]int, d.live)
	for i := range d.slots {
		s := &d.slots[i]
		k := s.skel.Load()
		if k == 0 || s.meta.Load()&deadFlag != 0 {
			continue
		}
		moved[i] = nd.insert(entry{num: s.num.Load(), skel: k, id: s.id.Load(), cc: uint16(s.meta.Load())})
	}
	return nd, moved
}

// each calls fn for every live record in the probe chain of skel.
func (d *delta) each(skel uint64, fn func(num, id uint64, cc uint16)) {
	i := skel & d.mask
	for {
		s := &d.slots[i]
		k := s.skel.Load()
		if k == 0 {
			return
		}
		if k == skel {
			if m := s.meta.Load(); m&deadFlag == 0 {
				fn(s.num.Load(), s.id.Load(), uint16(m))
			}
		}
		i = (i + 1) & d.mask
	}
}

// entries returns every live record (for a rebuild or a snapshot).
func (d *delta) entries() []entry {
	out := make([]entry, 0, d.live)
	for i := range d.slots {
		s := &d.slots[i]
		k := s.skel.Load()
		if k == 0 || s.meta.Load()&deadFlag != 0 {
			continue
		}
		out = append(out, entry{num: s.num.Load(), skel: k, id: s.id.Load(), cc: uint16(s.meta.Load())})
	}
	return out
}

// entry is one record on its way into the delta or a segment.
type entry struct {
	num, skel, id uint64
	cc            uint16
}
