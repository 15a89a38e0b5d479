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

// buildFrom builds a new table holding the live records of old, reading
// the old table in place: the records are old's id order merged with extra
// (records written since old was built), minus the dead. It runs without
// the lock while the writer may be killing and adding records in old, so it
// reads old's table only atomically and none of its counters; the log
// replayed at install time corrects for what changed.
func buildFrom(x *Index, old *segment, extra []ref, sizeHint int) *segment {
	// Old slots of the live records, in id order.
	order := make([]uint32, 0, sizeHint)
	for _, slot := range old.byID {
		m := atomic.LoadUint64(old.slotMeta(slot))
		for len(extra) > 0 && extra[0].id < metaID(m) {
			if !old.isDead(extra[0].slot) {
				order = append(order, extra[0].slot)
			}
			extra = extra[1:]
		}
		if m&deadBit == 0 {
			order = append(order, slot)
		}
	}
	for _, e := range extra {
		if !old.isDead(e.slot) {
			order = append(order, e.slot)
		}
	}
	live := len(order)
	// Room to grow before the next rebuild: half as many again while the
	// index is small (loading one Put at a time then costs few rebuilds),
	// an eighth once it is large (memory counts more than rebuilds then).
	grow := live / 8
	if live < 1<<24 {
		grow = live / 2
	}
	ns := &segment{nb: bucketsFor(live + grow + 64), n: live}
	if err := ns.checkSize(); err != nil {
		panic("docindex: rebuild: " + err.Error())
	}
	keys := make([]uint64, live)
	parallelFor(live, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			keys[i] = ns.home(uint32(x.skelOf(old.slotNum(order[i]))>>32))<<32 | uint64(i)
		}
	})
	byID := make([]uint32, live)
	err := ns.place(keys,
		func(i uint32) (uint64, uint64) {
			return old.slotNum(order[i]), atomic.LoadUint64(old.slotMeta(order[i])) &^ deadBit
		},
		func(i, slot uint32) { byID[i] = slot })
	if err != nil {
		panic("docindex: rebuild: " + err.Error())
	}
	ns.byID = byID
	if live > 0 {
		ns.maxID = metaID(*ns.slotMeta(byID[live-1]))
	}
	return ns
}
