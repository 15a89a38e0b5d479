package names

import (
	"cmp"
	"container/heap"
	"math"
	"slices"
	"sync"
)

// Index holds persons in memory and finds the ones whose names resemble a
// query. It first pre-selects candidate names through an inverted index of
// keys (romanised parts, phonetic keys, consonant skeletons, one-deletion
// neighbourhoods for typos, adjacent parts written together), weighted by
// rarity, then scores the best of them with [Compare]. It is safe for
// concurrent use: searches run in parallel, changes are serialised.
type Index struct {
	mu       sync.RWMutex
	persons  []person         // by slot; removed persons stay as tombstones
	byID     map[uint64]int32 // live persons
	docs     []int32          // name document → person slot, -1 once removed
	docDates []uint32         // name document → the person's packed date of birth, for the shortlist
	postings map[uint64][]uint32
	dead     int // removed persons not yet compacted away
	scratch  sync.Pool
}

type person struct {
	id       uint64
	entry    Entry
	names    []name
	firstDoc uint32 // its name documents are firstDoc, firstDoc+1, ...
	removed  bool
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{byID: map[uint64]int32{}, postings: map[uint64][]uint32{}}
}

// Candidate is one person found by [Index.Search].
type Candidate struct {
	ID uint64 `json:"id"`
	Result
}

// Len is the number of persons in the index.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.byID)
}

// Add puts a person in the index under id, replacing any person already
// there. Names that have no letter or digit are ignored.
func (ix *Index) Add(id uint64, e Entry) {
	p := person{id: id, entry: e, names: make([]name, 0, len(e.Names))}
	for _, s := range e.Names {
		if n := analyse(s); len(n.toks) > 0 {
			p.names = append(p.names, n)
		}
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.removeLocked(id) {
		ix.maybeCompact()
	}
	slot := int32(len(ix.persons))
	ix.persons = append(ix.persons, p)
	ix.byID[id] = slot
	ix.indexPerson(slot)
}

// Remove takes the person out of the index; it reports whether it was there.
func (ix *Index) Remove(id uint64) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ok := ix.removeLocked(id)
	if ok {
		ix.maybeCompact()
	}
	return ok
}

// maybeCompact rebuilds the postings once tombstones (removed and replaced
// persons) outnumber live persons: they cost search time and memory.
func (ix *Index) maybeCompact() {
	if ix.dead > 1024 && ix.dead > len(ix.byID) {
		ix.compact()
	}
}

func (ix *Index) removeLocked(id uint64) bool {
	slot, ok := ix.byID[id]
	if !ok {
		return false
	}
	delete(ix.byID, id)
	p := &ix.persons[slot]
	for d := p.firstDoc; d < p.firstDoc+uint32(len(p.names)); d++ {
		ix.docs[d] = -1
	}
	p.removed = true
	ix.persons[slot].names = nil
	ix.persons[slot].entry = Entry{}
	ix.dead++
	return true
}

// compact rebuilds the postings from the live persons only.
func (ix *Index) compact() {
	old := ix.persons
	ix.persons = make([]person, 0, len(ix.byID))
	ix.docs = ix.docs[:0]
	ix.docDates = ix.docDates[:0]
	ix.postings = make(map[uint64][]uint32, len(ix.postings))
	for _, p := range old {
		if p.removed {
			continue
		}
		slot := int32(len(ix.persons))
		ix.persons = append(ix.persons, p)
		ix.byID[p.id] = slot
		ix.indexPerson(slot)
	}
	ix.dead = 0
}

func (ix *Index) indexPerson(slot int32) {
	var keys []key
	ix.persons[slot].firstDoc = uint32(len(ix.docs))
	for i := range ix.persons[slot].names {
		doc := uint32(len(ix.docs))
		ix.docs = append(ix.docs, slot)
		ix.docDates = append(ix.docDates, packDate(ix.persons[slot].entry.DateOfBirth))
		keys = nameKeys(keys[:0], ix.persons[slot].names[i].toks)
		slices.SortFunc(keys, func(a, b key) int {
			switch {
			case a.hash < b.hash:
				return -1
			case a.hash > b.hash:
				return 1
			}
			return 0
		})
		for k := range keys {
			if k == 0 || keys[k].hash != keys[k-1].hash {
				ix.postings[keys[k].hash] = append(ix.postings[keys[k].hash], doc)
			}
		}
	}
}

// Key kinds and their weights in the pre-selection: an exact part counts
// most, a typo neighbour least.
const (
	keyLatin  = 'L'
	keyNative = 'N'
	keySkel   = 'S'
	keyCons   = 'C'
	keyDelete = 'D'
	keyJoined = 'J'
	minDelete = 4 // shortest part whose one-deletion neighbours are keys
)

var keyWeight = map[byte]float64{keyLatin: 1, keyNative: 1, keySkel: 0.8, keyCons: 0.6, keyDelete: 0.6, keyJoined: 1}

type key struct {
	hash  uint64
	group int // the query part it stands for
	kind  byte
}

func hashKey(kind byte, s string) uint64 {
	h := uint64(14695981039346656037)
	h ^= uint64(kind)
	h *= 1099511628211
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// nameKeys appends the keys of one name, grouped by the part they stand
// for (a joined pair of parts is a group of its own), so that a search
// counts each part once, at its best key. Particles and initials carry too
// little to select anyone and are left out.
func nameKeys(out []key, toks []token) []key {
	for i := range toks {
		t := &toks[i]
		if t.kind != kindName {
			continue
		}
		if t.latin != "" {
			out = append(out, key{hashKey(keyLatin, t.latin), i, keyLatin})
		}
		if t.script != scriptLatin && t.native != "" {
			out = append(out, key{hashKey(keyNative, t.native), i, keyNative})
		}
		if len(t.skel) >= 2 {
			out = append(out, key{hashKey(keySkel, t.skel), i, keySkel})
		}
		if len(t.ckey) >= 2 {
			out = append(out, key{hashKey(keyCons, t.ckey), i, keyCons})
		}
		if len(t.latin) >= minDelete && !t.script.abjad() {
			out = append(out, key{hashKey(keyDelete, t.latin), i, keyDelete})
			var buf [64]byte
			for d := 0; d < len(t.latin) && d < 32; d++ {
				b := append(append(buf[:0], t.latin[:d]...), t.latin[d+1:]...)
				out = append(out, key{hashKey(keyDelete, string(b)), i, keyDelete})
			}
		}
	}
	// Adjacent parts written together (VladimirPutin, Patr ushev).
	g := len(toks)
	for i := 0; i+1 < len(toks); i++ {
		a, b := &toks[i], &toks[i+1]
		if a.kind == kindInitial || b.kind == kindInitial || a.latin == "" || b.latin == "" {
			continue
		}
		out = append(out, key{hashKey(keyJoined, a.latin+b.latin), g, keyJoined})
		out = append(out, key{hashKey(keyLatin, a.latin+b.latin), g, keyLatin})
		g++
	}
	return out
}

// scratch is per-search working memory, indexed by name document; the
// stamps make clearing unnecessary between searches.
type scratch struct {
	qgen, tgen     uint32
	qStamp, tStamp []uint32
	total, best    []float32
	touched        []uint32
	keys           []key
	groups         []group
}

func (ix *Index) getScratch() *scratch {
	s, _ := ix.scratch.Get().(*scratch)
	if s == nil {
		s = &scratch{}
	}
	if n := len(ix.docs); len(s.qStamp) < n {
		n += n / 4
		s.qStamp = make([]uint32, n)
		s.tStamp = make([]uint32, n)
		s.total = make([]float32, n)
		s.best = make([]float32, n)
		s.qgen, s.tgen = 0, 0
	}
	return s
}

// Pre-selection sizes: how many name documents are scored in full, and
// from how many documents on a fuzzy key only raises candidates.
const (
	minCommonDF  = 2000
	commonShare  = 0.002
	minShortlist = 20
	perLimit     = 3
)

// Search returns up to limit persons scoring at least q.MinScore (or
// [MinScore]), best first. Ties are broken by id so results are stable.
func (ix *Index) Search(q Query, limit int) []Candidate {
	if limit <= 0 {
		return nil
	}
	qn := analyse(q.Name)
	if len(qn.toks) == 0 {
		return nil
	}
	minScore := q.MinScore
	if minScore == 0 {
		minScore = MinScore
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s := ix.getScratch()
	defer ix.scratch.Put(s)
	s.qgen++
	if s.qgen == 0 { // wrapped: stale stamps could look current
		clear(s.qStamp)
		s.qgen = 1
	}
	s.touched = s.touched[:0]
	s.keys = nameKeys(s.keys[:0], qn.toks)
	ix.collect(s)
	// A date of birth close to the query's lifts a name into the shortlist,
	// so that many namesakes cannot crowd out the one born that day.
	if !q.DateOfBirth.IsZero() {
		qd := packDate(q.DateOfBirth)
		for _, d := range s.touched {
			switch dateBoost(qd, ix.docDates[d]) {
			case 2:
				s.total[d] *= 1.5
			case 1:
				s.total[d] *= 1.25
			}
		}
	}
	short := shortlist(s, max(minShortlist, perLimit*limit))
	type scored struct {
		slot  int32
		score float64
	}
	var scoredBuf [64]scored
	top := scoredBuf[:0]
	for _, d := range short {
		slot := ix.docs[d]
		if slices.ContainsFunc(top, func(x scored) bool { return x.slot == slot }) {
			continue
		}
		p := &ix.persons[slot]
		if r, ok := compareAnalysed(&q, &qn, p.names, &p.entry, false, minScore); ok && r.Score >= minScore {
			top = append(top, scored{slot, r.Score})
		}
	}
	// Explanations only for what is returned.
	slices.SortFunc(top, func(a, b scored) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return cmp.Compare(ix.persons[a.slot].id, ix.persons[b.slot].id)
	})
	out := make([]Candidate, 0, min(limit, len(top)))
	for _, x := range top[:min(limit, len(top))] {
		p := &ix.persons[x.slot]
		r, _ := compareAnalysed(&q, &qn, p.names, &p.entry, true, 0)
		out = append(out, Candidate{ID: p.id, Result: r})
	}
	slices.SortFunc(out, func(a, b Candidate) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// group is the run of keys of one query part.
type group struct {
	from, to int
	df       int // postings of its exact key (least of its keys if none)
}

// collect gathers candidate documents and their key weights into s. Parts
// whose exact key is rare are collected in full, first; parts as common as
// Mohammed only raise the candidates found so far (the rarest of them is
// collected in full when nothing else found any), so that a query never
// walks through every namesake of a common name. Inside a part, a fuzzy key
// that is common only raises too.
func (ix *Index) collect(s *scratch) {
	nDocs := float64(len(ix.docs))
	commonDF := max(minCommonDF, int(nDocs*commonShare))
	s.groups = s.groups[:0]
	for i := 0; i < len(s.keys); {
		g := group{from: i, df: -1}
		least := math.MaxInt
		for i < len(s.keys) && s.keys[i].group == s.keys[g.from].group {
			n := len(ix.postings[s.keys[i].hash])
			if k := s.keys[i].kind; (k == keyLatin || k == keyNative) && (g.df < 0 || n < g.df) {
				g.df = n
			}
			least = min(least, n)
			i++
		}
		g.to = i
		if g.df < 0 {
			g.df = least
		}
		s.groups = append(s.groups, g)
	}
	slices.SortStableFunc(s.groups, func(a, b group) int {
		ra, rb := a.df <= commonDF, b.df <= commonDF
		switch {
		case ra && !rb:
			return -1
		case rb && !ra:
			return 1
		case ra && rb:
			return 0
		}
		return cmp.Compare(a.df, b.df)
	})
	for _, g := range s.groups {
		s.tgen++
		if s.tgen == 0 {
			clear(s.tStamp)
			s.tgen = 1
		}
		full := g.df <= commonDF || len(s.touched) == 0
		for _, k := range s.keys[g.from:g.to] {
			post := ix.postings[k.hash]
			if len(post) == 0 {
				continue
			}
			w := float32(keyWeight[k.kind] * math.Log(1+nDocs/float64(len(post))))
			if g.df > commonDF && k.kind == keyDelete {
				// The phonetic and consonant keys already raise the spelling
				// variants of a common part; typo neighbours add nothing.
				continue
			}
			if !full || (len(post) > commonDF && k.kind != keyLatin && k.kind != keyNative) {
				ix.raise(s, post, w)
				continue
			}
			for _, d := range post {
				if s.qStamp[d] != s.qgen {
					if ix.docs[d] < 0 {
						continue
					}
					s.qStamp[d] = s.qgen
					s.total[d] = 0
					s.touched = append(s.touched, d)
				}
				s.add(d, w)
			}
		}
	}
}

// add counts weight w for document d in the current query part, keeping
// only the part's best key.
func (s *scratch) add(d uint32, w float32) {
	if s.tStamp[d] != s.tgen {
		s.tStamp[d] = s.tgen
		s.best[d] = w
		s.total[d] += w
	} else if w > s.best[d] {
		s.total[d] += w - s.best[d]
		s.best[d] = w
	}
}

// raise adds w to the touched documents that are in post, by binary search
// when there are few touched documents, else by a pass over post.
func (ix *Index) raise(s *scratch, post []uint32, w float32) {
	if len(s.touched)*16 < len(post) {
		for _, d := range s.touched {
			if _, ok := slices.BinarySearch(post, d); ok {
				s.add(d, w)
			}
		}
		return
	}
	for _, d := range post {
		if s.qStamp[d] == s.qgen {
			s.add(d, w)
		}
	}
}

// shortlist returns the n touched documents with the highest totals.
func shortlist(s *scratch, n int) []uint32 {
	if len(s.touched) <= n {
		return s.touched
	}
	h := &docHeap{s: s}
	for _, d := range s.touched {
		if len(h.d) < n {
			heap.Push(h, d)
		} else if s.total[d] > s.total[h.d[0]] {
			h.d[0] = d
			heap.Fix(h, 0)
		}
	}
	return h.d
}

// docHeap is a min-heap of documents by total.
type docHeap struct {
	s *scratch
	d []uint32
}

func (h *docHeap) Len() int           { return len(h.d) }
func (h *docHeap) Less(i, j int) bool { return h.s.total[h.d[i]] < h.s.total[h.d[j]] }
func (h *docHeap) Swap(i, j int)      { h.d[i], h.d[j] = h.d[j], h.d[i] }
func (h *docHeap) Push(x any)         { h.d = append(h.d, x.(uint32)) }
func (h *docHeap) Pop() any {
	x := h.d[len(h.d)-1]
	h.d = h.d[:len(h.d)-1]
	return x
}

// packDate packs a date into 32 bits (year, month, day; zero when unknown),
// so that the shortlist reads four bytes per candidate.
func packDate(d Date) uint32 {
	if d.Year <= 0 || d.Year > 1<<20 {
		return 0
	}
	return uint32(d.Year)<<9 | uint32(d.Month)<<5 | uint32(d.Day)
}

// dateBoost is 2 when packed dates agree at their common precision, 1 when
// the year is one off or day and month are swapped, else 0.
func dateBoost(a, b uint32) int {
	if a == 0 || b == 0 {
		return 0
	}
	ya, yb := int(a>>9), int(b>>9)
	ma, mb := int(a>>5&15), int(b>>5&15)
	da, db := int(a&31), int(b&31)
	restSame := (ma == 0 || mb == 0 || ma == mb) && (da == 0 || db == 0 || da == db)
	switch {
	case ya == yb && restSame:
		return 2
	case (ya == yb+1 || yb == ya+1) && restSame:
		return 1
	case ya == yb && da != 0 && db != 0 && ma == db && da == mb:
		return 1
	}
	return 0
}
