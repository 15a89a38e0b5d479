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

// Compact rebuilds the table without its deleted and moved records and with
// room for growth, and folds records written since the last build into the
// id order. Writes do this by themselves when the table is full; a server
// may call it when idle. Readers are not blocked; writers wait.
func (x *Index) Compact() {
	x.wmu.Lock()
	defer x.wmu.Unlock()
	x.compactLocked()
}

// compactLocked builds a new table from the live records of the old one.
// The old table is read in place (records are referred to by their old
// slot), so the rebuild needs only the new table, one 8-byte key a record
// and one 4-byte map an old slot on top of the old table.
func (x *Index) compactLocked() {
	st := x.st.Load()
	old := st.seg
	live := old.n - old.ndead
	// Room for an eighth more records before the next rebuild.
	ns := &segment{nb: bucketsFor(live + live/16 + 64), n: live}
	if err := ns.checkSize(); err != nil {
		panic("docindex: rebuild: " + err.Error())
	}
	oldSlots := len(old.table) * slotsPerBucket
	// Scan the old table in halves, one a core.
	parts := make([][]uint64, 2)
	parallelFor2(oldSlots, func(part, lo, hi int) {
		keys := make([]uint64, 0, live/2+64)
		for slot := lo; slot < hi; slot++ {
			num := old.slotNum(uint32(slot))
			if num == 0 || old.isDead(uint32(slot)) {
				continue
			}
			keys = append(keys, ns.home(uint32(x.skelOf(num)>>32))<<32|uint64(slot))
		}
		parts[part] = keys
	})
	keys := append(parts[0], parts[1]...)
	parts = nil
	newSlotOf := make([]uint32, oldSlots)
	err := ns.place(keys,
		func(ref uint32) (uint64, uint64) { return old.slotNum(ref), atomic.LoadUint64(old.slotMeta(ref)) },
		func(ref, slot uint32) { newSlotOf[ref] = slot })
	if err != nil {
		panic("docindex: rebuild: " + err.Error())
	}
	keys = nil
	byID := x.liveByID(old)
	for i, slot := range byID {
		byID[i] = newSlotOf[slot]
	}
	ns.byID = byID
	if len(byID) > 0 {
		ns.maxID = metaID(*ns.slotMeta(byID[len(byID)-1]))
	}
	x.st.Store(&state{seg: ns, ranges: st.ranges})
	x.tailIDs, x.tailSlots = nil, nil
	clear(x.side)
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

// liveByID returns the slots of the live records of seg ordered by id: the
// id order of the last build, less the dead, merged with the records
// written since (writer only).
func (x *Index) liveByID(seg *segment) []uint32 {
	type ref struct {
		id   uint64
		slot uint32
	}
	extra := make([]ref, 0, len(x.tailIDs)+len(x.side))
	for i, id := range x.tailIDs {
		if !seg.isDead(x.tailSlots[i]) {
			extra = append(extra, ref{id, x.tailSlots[i]})
		}
	}
	for id, slot := range x.side {
		extra = append(extra, ref{id, slot})
	}
	slices.SortFunc(extra, func(a, b ref) int { return cmp.Compare(a.id, b.id) })
	out := make([]uint32, 0, seg.n-seg.ndead)
	for _, slot := range seg.byID {
		m := atomic.LoadUint64(seg.slotMeta(slot))
		if m&deadBit != 0 {
			continue
		}
		for len(extra) > 0 && extra[0].id < metaID(m) {
			out = append(out, extra[0].slot)
			extra = extra[1:]
		}
		out = append(out, slot)
	}
	for _, e := range extra {
		out = append(out, e.slot)
	}
	return out
}
