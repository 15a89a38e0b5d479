package docindex

import (
	"fmt"
	"slices"
)

// A blank-document batch is a range of numbers FROM..TO that differ only in
// a numeric tail. The rule: the prefix of a number is everything up to and
// including its last non-digit character, the tail is the digits after it
// (an all-digit number has an empty prefix). FROM and TO must have the same
// length, the same prefix and a tail of 1 to 18 digits, with FROM <= TO. A
// number is in the batch when it has the same length and prefix and its tail
// lies between the two (inclusive). So X1000000..X1004999 holds X1000123 but
// not X100012 or Y1000123; a batch that would roll over a letter
// (AA9999..AB0000) must be recorded as two batches.

const maxTailDigits = 18

// rangeKey groups batches that can contain the same numbers.
type rangeKey struct {
	prefix uint64 // packed prefix (0 when empty)
	n      uint8  // total length of the numbers
}

type rangeRec struct {
	id     uint64
	lo, hi uint64
	cc     uint16
}

type rangeGroup struct {
	plen  int        // prefix length of the group's numbers
	recs  []rangeRec // sorted by lo
	maxHi []uint64   // maxHi[i] = max(recs[0..i].hi), to stop scanning early
}

// rangeSet is immutable: the writer publishes a new one on every change,
// copying only the group that changed.
type rangeSet struct {
	groups map[rangeKey]*rangeGroup
	filter *[1024]uint64 // one bit per hashed rangeKey: cheap no-hit path
	// shapes[n] has bit p set when some batch has numbers of length n with
	// a prefix of length p: most numbers are ruled out before any hashing.
	shapes *[MaxNumberLen + 1]uint64
	count  int
}

// Range describes a stored batch, as returned by [Index.Range].
type Range struct {
	ID       uint64
	Country  string
	From, To string
}

// tailStart returns the length of number's prefix.
func tailStart(number string) int {
	i := len(number)
	for i > 0 && number[i-1] >= '0' && number[i-1] <= '9' {
		i--
	}
	return i
}

// splitTail splits a canonical number into the key of its batch group and
// its numeric tail; ok is false when the number cannot be in any batch.
func splitTail(number string) (k rangeKey, tail uint64, ok bool) {
	i := len(number)
	for i > 0 && number[i-1] >= '0' && number[i-1] <= '9' {
		i--
	}
	if i == len(number) || len(number)-i > maxTailDigits {
		return rangeKey{}, 0, false
	}
	for j := i; j < len(number); j++ {
		tail = tail*10 + uint64(number[j]-'0')
	}
	k.n = uint8(len(number))
	if i > 0 {
		pk, err := numberKeys(number[:i])
		if err != nil {
			return rangeKey{}, 0, false
		}
		k.prefix = pk.num
	}
	return k, tail, true
}

// parseRange validates a batch and returns its group and bounds.
func parseRange(from, to string) (rangeKey, uint64, uint64, error) {
	if _, err := numberKeys(from); err != nil {
		return rangeKey{}, 0, 0, fmt.Errorf("range start: %w", err)
	}
	if _, err := numberKeys(to); err != nil {
		return rangeKey{}, 0, 0, fmt.Errorf("range end: %w", err)
	}
	if len(from) != len(to) {
		return rangeKey{}, 0, 0, fmt.Errorf("range %q..%q: start and end differ in length", from, to)
	}
	kf, lo, ok := splitTail(from)
	if !ok {
		return rangeKey{}, 0, 0, fmt.Errorf("range start %q does not end in 1 to %d digits", from, maxTailDigits)
	}
	kt, hi, ok := splitTail(to)
	if !ok || kt != kf || from[:len(from)-tailLen(from)] != to[:len(to)-tailLen(to)] {
		return rangeKey{}, 0, 0, fmt.Errorf("range %q..%q: start and end differ before the numeric tail", from, to)
	}
	if lo > hi {
		return rangeKey{}, 0, 0, fmt.Errorf("range %q..%q: start is after end", from, to)
	}
	return kf, lo, hi, nil
}

func tailLen(number string) int {
	i := len(number)
	for i > 0 && number[i-1] >= '0' && number[i-1] <= '9' {
		i--
	}
	return len(number) - i
}

// formatTail writes tail as a zero-padded digit string of width w.
func formatTail(tail uint64, w int) string {
	b := make([]byte, w)
	for i := w - 1; i >= 0; i-- {
		b[i] = byte('0' + tail%10)
		tail /= 10
	}
	return string(b)
}

func filterBit(k rangeKey) (word int, bit uint64) {
	h := mix(k.prefix ^ uint64(k.n)<<56)
	return int(h>>54) & 1023, 1 << (h & 63)
}

func newRangeSet() *rangeSet {
	return &rangeSet{groups: map[rangeKey]*rangeGroup{}, filter: new([1024]uint64), shapes: new([MaxNumberLen + 1]uint64)}
}

// mark records group k in the filters; plen is its prefix length.
func (rs *rangeSet) mark(k rangeKey, plen int) {
	w, bit := filterBit(k)
	rs.filter[w] |= bit
	rs.shapes[k.n] |= 1 << plen
}

// lookup appends the ids of batches holding number (of country cc, or of
// any country when any is set).
func (rs *rangeSet) lookup(number string, cc uint16, any bool, dst []uint64) []uint64 {
	if rs.count == 0 || len(number) > MaxNumberLen || rs.shapes[len(number)]&(1<<tailStart(number)) == 0 {
		return dst
	}
	k, tail, ok := splitTail(number)
	if !ok {
		return dst
	}
	w, bit := filterBit(k)
	if rs.filter[w]&bit == 0 {
		return dst
	}
	g := rs.groups[k]
	if g == nil {
		return dst
	}
	// Last batch starting at or before tail, then back while one may reach it.
	i, _ := slices.BinarySearchFunc(g.recs, tail, func(r rangeRec, t uint64) int {
		if r.lo <= t {
			return -1
		}
		return 1
	})
	for i--; i >= 0 && g.maxHi[i] >= tail; i-- {
		r := &g.recs[i]
		if r.hi >= tail && (any || r.cc == cc) {
			dst = append(dst, r.id)
		}
	}
	return dst
}

func newGroup(recs []rangeRec, plen int) *rangeGroup {
	slices.SortFunc(recs, func(a, b rangeRec) int {
		switch {
		case a.lo < b.lo:
			return -1
		case a.lo > b.lo:
			return 1
		}
		return 0
	})
	g := &rangeGroup{plen: plen, recs: recs, maxHi: make([]uint64, len(recs))}
	var m uint64
	for i, r := range recs {
		m = max(m, r.hi)
		g.maxHi[i] = m
	}
	return g
}

// with returns a copy of rs with rec added to group k (of prefix length
// plen) and the batch with id
// drop (if any, in group dk) removed.
func (rs *rangeSet) with(k rangeKey, plen int, rec *rangeRec, dk rangeKey, drop uint64, dropping bool) *rangeSet {
	out := newRangeSet()
	out.count = rs.count
	for gk, g := range rs.groups {
		out.groups[gk] = g
	}
	if dropping {
		if g := out.groups[dk]; g != nil {
			recs := make([]rangeRec, 0, len(g.recs))
			for _, r := range g.recs {
				if r.id != drop {
					recs = append(recs, r)
				}
			}
			out.count -= len(g.recs) - len(recs)
			if len(recs) == 0 {
				delete(out.groups, dk)
			} else {
				out.groups[dk] = newGroup(recs, g.plen)
			}
		}
	}
	if rec != nil {
		var recs []rangeRec
		if g := out.groups[k]; g != nil {
			recs = append(recs, g.recs...)
		}
		out.groups[k] = newGroup(append(recs, *rec), plen)
		out.count++
	}
	for gk, g := range out.groups {
		out.mark(gk, g.plen)
	}
	return out
}
