package docindex

// Builder loads many records at once, for start-up: it packs each record
// as it comes (20 bytes, no strings kept) and builds the index in two
// linear passes, far faster than one [Index.Put] per record. Records may
// come in any order; in id order the build skips a sort.
type Builder struct {
	num, meta []uint64
	top       []uint32
	ranges    []rangeLoc
	longs     map[uint64]string
}

// NewBuilder returns a Builder with room for sizeHint records.
func NewBuilder(sizeHint int) *Builder {
	sizeHint = max(sizeHint, 0)
	return &Builder{
		num:   make([]uint64, 0, sizeHint),
		meta:  make([]uint64, 0, sizeHint),
		top:   make([]uint32, 0, sizeHint),
		longs: map[uint64]string{},
	}
}

// Add adds a single-number record. Ids must be unique across Add and
// AddRange; [Builder.Build] reports a duplicate.
func (b *Builder) Add(id uint64, country, number string) error {
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
		b.longs[k.num] = number
	}
	b.num = append(b.num, k.num)
	b.meta = append(b.meta, metaWord(id, cc))
	b.top = append(b.top, uint32(k.skel>>32))
	return nil
}

// AddRange adds a blank batch from..to (see [Index.PutRange]).
func (b *Builder) AddRange(id uint64, country, from, to string) error {
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
	b.ranges = append(b.ranges, rangeLoc{key: k, rec: rangeRec{id: id, lo: lo, hi: hi, cc: cc}, from: from, to: to})
	return nil
}

// Len returns the number of records and batches added so far.
func (b *Builder) Len() int { return len(b.num) + len(b.ranges) }

// Build returns the index of everything added and empties the Builder. It
// fails when an id was added twice.
func (b *Builder) Build() (*Index, error) {
	// Hand the arrays over so that each can be freed as soon as the build
	// is done with it: at 100 million records they are 2 GiB.
	num, meta, top := b.num, b.meta, b.top
	b.num, b.meta, b.top = nil, nil, nil
	seg, err := buildSegment(num, meta, top)
	if err != nil {
		return nil, err
	}
	x := newIndex()
	x.longs = b.longs
	rs, err := x.loadRanges(b.ranges, seg)
	if err != nil {
		return nil, err
	}
	b.ranges, b.longs = nil, map[uint64]string{}
	x.st.Store(&state{seg: seg, ranges: rs})
	return x, nil
}

// loadRanges builds a range set in one go and fills the id map.
func (x *Index) loadRanges(locs []rangeLoc, seg *segment) (*rangeSet, error) {
	rs := newRangeSet()
	byKey := map[rangeKey][]rangeRec{}
	plen := map[rangeKey]int{}
	for _, loc := range locs {
		id := loc.rec.id
		if _, dup := x.rByID[id]; dup {
			return nil, errDuplicateID(id)
		}
		if _, dup := seg.findID(id); dup {
			return nil, errDuplicateID(id)
		}
		x.rByID[id] = loc
		byKey[loc.key] = append(byKey[loc.key], loc.rec)
		plen[loc.key] = tailStart(loc.from)
	}
	for k, recs := range byKey {
		rs.groups[k] = newGroup(recs, plen[k])
		rs.mark(k, plen[k])
		rs.count += len(recs)
	}
	return rs, nil
}
