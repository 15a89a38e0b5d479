package docindex

import (
	"cmp"
	"slices"
	"sync/atomic"
)

// entry is one record on its way into the table.
type entry struct {
	num, skel, id uint64
	cc            uint16
}

// A rebuild makes a new table from the live records of the current one,
// with room to grow, and folds the records written since the last build into
// the id order. It runs in the background once the table is 85 % full (live
// and dead slots): readers keep using the current table, and the writer keeps
// writing into it and logs each write. When the new table is ready the
// rebuild takes the writer's lock, replays the log onto it and publishes it.
// Only if the current table reaches 97 % before that does a write wait.
const (
	rebuildLoad = 0.85
	hardLoad    = 0.97
)

// backgroundMin is the table size (records) from which rebuilds run in the
// background; smaller ones are quicker to rebuild than to start a goroutine
// for. Tests lower it.
var backgroundMin = 1 << 16

type rebuildJob struct {
	log  []logOp // writes made since the job started (under wmu)
	done chan struct{}
}

type logOp struct {
	e   entry
	del bool
}

// Compact rebuilds the table now (after any rebuild in progress), dropping
// deleted and moved records. Writes rebuild by themselves when the table
// fills; a server may call Compact when idle. Checks are not blocked; writes
// wait.
func (x *Index) Compact() {
	x.wmu.Lock()
	defer x.wmu.Unlock()
	x.waitJobLocked()
	x.compactLocked()
}

// waitJobLocked lets a background rebuild finish (releasing the lock).
func (x *Index) waitJobLocked() {
	for x.job != nil {
		j := x.job
		x.wmu.Unlock()
		<-j.done
		x.wmu.Lock()
	}
}

// roomLocked makes sure the table can take one more record: it starts a
// background rebuild past rebuildLoad and waits past hardLoad.
func (x *Index) roomLocked() {
	for {
		seg := x.st.Load().seg
		used := float64(seg.n+1) / float64(seg.nb*slotsPerBucket)
		if used > rebuildLoad && x.job == nil {
			if used > hardLoad || seg.n < backgroundMin {
				x.compactLocked() // small tables: not worth a goroutine
				continue
			}
			x.startJobLocked()
		}
		if used <= hardLoad {
			return
		}
		x.waitJobLocked()
	}
}

// compactLocked rebuilds in the foreground.
func (x *Index) compactLocked() {
	seg := x.st.Load().seg
	ns := buildFrom(x, seg, x.pendingRefs(), seg.n-seg.ndead)
	x.installLocked(ns, nil)
}

func (x *Index) startJobLocked() {
	j := &rebuildJob{done: make(chan struct{})}
	x.job = j
	seg, extra := x.st.Load().seg, x.pendingRefs()
	hint := seg.n - seg.ndead // read here: the writer changes them
	go func() {
		defer close(j.done)
		ns := buildFrom(x, seg, extra, hint)
		x.wmu.Lock()
		defer x.wmu.Unlock()
		if x.job != j {
			return // the index was replaced (ReadFrom) meanwhile
		}
		x.job = nil
		x.installLocked(ns, j.log)
	}()
}

// logLocked records a write for the rebuild in progress, if any.
func (x *Index) logLocked(op logOp) {
	if x.job != nil {
		x.job.log = append(x.job.log, op)
	}
}

// installLocked publishes a rebuilt table and replays the writes made
// while it was built.
func (x *Index) installLocked(ns *segment, log []logOp) {
	st := x.st.Load()
	x.st.Store(&state{seg: ns, ranges: st.ranges})
	x.tailIDs, x.tailSlots = nil, nil
	clear(x.side)
	for _, op := range log {
		if op.del {
			x.removeSingleLocked(op.e.id)
		} else {
			x.putLocked(op.e)
		}
	}
}

type ref struct {
	id   uint64
	slot uint32
}

// pendingRefs returns the records written since the last build, by id.
func (x *Index) pendingRefs() []ref {
	extra := make([]ref, 0, len(x.tailIDs)+len(x.side))
	for i, id := range x.tailIDs {
		extra = append(extra, ref{id, x.tailSlots[i]})
	}
	for id, slot := range x.side {
		extra = append(extra, ref{id, slot})
	}
	slices.SortFunc(extra, func(a, b ref) int { return cmp.Compare(a.id, b.id) })
	return extra
}

// buildFrom builds a new table holding the live records of old that are
// in its id snapshot: old's id order plus extra (records written since old
// was built, by id). It runs without the lock while the writer may be
// killing and adding records in old, so it reads old's table only
// atomically and none of its counters, and it takes no record outside the
// snapshot: the log replayed at install time adds those and applies the
// deletions that came after its scan.
func buildFrom(x *Index, old *segment, extra []ref, sizeHint int) *segment {
	nslots := len(old.table) * slotsPerBucket
	// The snapshot's slots as a bitmap (an eighth of a byte a slot), so
	// that the old table can be scanned in order rather than read at random.
	in := make([]uint64, (nslots+63)/64)
	for _, slot := range old.byID {
		in[slot>>6] |= 1 << (slot & 63)
	}
	for _, e := range extra {
		in[e.slot>>6] |= 1 << (e.slot & 63)
	}
	grow := sizeHint / 8
	if sizeHint < 1<<24 {
		// Half as many again while the index is small: loading it one Put at
		// a time then costs few rebuilds.
		grow = sizeHint / 2
	}
	ns := &segment{nb: bucketsFor(sizeHint + grow + 64)}
	parts := make([][]uint64, 2)
	parallelFor2(nslots, func(part, lo, hi int) {
		keys := make([]uint64, 0, sizeHint/2+64)
		for slot := lo; slot < hi; slot++ {
			if in[slot>>6]&(1<<(slot&63)) == 0 {
				continue
			}
			num := old.slotNum(uint32(slot))
			if num == 0 || old.isDead(uint32(slot)) {
				continue
			}
			keys = append(keys, ns.home(uint32(x.skelOf(num)>>32))<<32|uint64(slot))
		}
		parts[part] = keys
	})
	in = nil
	keys := append(parts[0], parts[1]...)
	parts = nil
	ns.n = len(keys)
	if err := ns.checkSize(); err != nil {
		panic("docindex: rebuild: " + err.Error())
	}
	// newSlotOf holds new slot + 1 by old slot, 0 for records not taken.
	newSlotOf := make([]uint32, nslots)
	err := ns.place(keys,
		func(ref uint32) (uint64, uint64) {
			return old.slotNum(ref), atomic.LoadUint64(old.slotMeta(ref)) &^ deadBit
		},
		func(ref, slot uint32) { newSlotOf[ref] = slot + 1 })
	if err != nil {
		panic("docindex: rebuild: " + err.Error())
	}
	keys = nil
	// Id order: old's, less what was not taken; fresh ids (above old's
	// largest) follow in order; other records written since are merged in.
	byID := make([]uint32, 0, ns.n)
	for _, slot := range old.byID {
		if v := newSlotOf[slot]; v != 0 {
			byID = append(byID, v-1)
		}
	}
	var side []ref
	for _, e := range extra {
		v := newSlotOf[e.slot]
		if v == 0 {
			continue
		}
		if e.id > old.maxID {
			byID = append(byID, v-1) // extra is sorted: tail ids stay in order
		} else {
			side = append(side, ref{e.id, v - 1})
		}
	}
	if len(side) > 0 {
		byID = mergeSide(ns, byID, side)
	}
	ns.byID = byID
	if len(byID) > 0 {
		ns.maxID = metaID(*ns.slotMeta(byID[len(byID)-1]))
	}
	return ns
}

// mergeSide inserts side (sorted by id, all below the ids appended after
// old's order) into byID, finding each place by binary search: side holds
// only records moved since the last build, few beside the rest.
func mergeSide(ns *segment, byID []uint32, side []ref) []uint32 {
	out := make([]uint32, 0, len(byID)+len(side))
	idAt := func(i int) uint64 { return metaID(*ns.slotMeta(byID[i])) }
	from := 0
	for _, e := range side {
		lo, hi := from, len(byID)
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if idAt(m) < e.id {
				lo = m + 1
			} else {
				hi = m
			}
		}
		out = append(append(out, byID[from:lo]...), e.slot)
		from = lo
	}
	return append(out, byID[from:]...)
}

// parallelFor2 splits [0, n) in two halves run at once.
func parallelFor2(n int, fn func(part, lo, hi int)) {
	done := make(chan struct{})
	go func() {
		fn(1, n/2, n)
		close(done)
	}()
	fn(0, 0, n/2)
	<-done
}
