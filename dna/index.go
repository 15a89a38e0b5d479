package dna

import (
	"fmt"
	"sort"
	"sync"
)

// slotLoci are the loci stored in the fixed-width rows of the index: the 20
// CODIS core loci plus the other loci of GlobalFiler/PowerPlex Fusion-class
// kits. A profile typed only at these loci, with at most two alleles per
// locus and no obligate alleles, takes 2 bytes per slot; any other profile
// goes to a slower general store.
var slotLoci = [...]string{
	"CSF1PO", "FGA", "TH01", "TPOX", "vWA", "D3S1358", "D5S818", "D7S820", "D8S1179", "D13S317",
	"D16S539", "D18S51", "D21S11", "D1S1656", "D2S441", "D2S1338", "D10S1248", "D12S391",
	"D19S433", "D22S1045", "SE33", "Penta_D", "Penta_E", "D6S1043",
}

const (
	nSlots   = len(slotLoci)
	rowBytes = 2 * nSlots
	// The two partition loci split each category into buckets by genotype,
	// so that a search skips buckets whose genotype at these loci cannot
	// pass. Both are among the most polymorphic loci of CODIS, ESS and ISSOL.
	part1 = 1  // FGA
	part2 = 11 // D18S51
	// Within a bucket, Compact sorts the rows by genotype at a third locus
	// and records the runs, so that a search also skips runs.
	part3 = 12 // D21S11
)

// locusDict numbers the allele texts met at one locus with small codes (1 to
// 255; 0 means "not typed").
type locusDict struct {
	name  string
	penta bool
	class LocusClass
	codes map[string]uint8
	vals  []alleleValue
	texts []string
}

func newLocusDict(name string) *locusDict {
	return &locusDict{name: name, penta: IsPenta(name), class: ClassOf(name), codes: map[string]uint8{},
		vals: []alleleValue{{}}, texts: []string{""}}
}

// code returns the code of an allele text, adding it when new.
func (d *locusDict) code(text string) (uint8, error) {
	if c, ok := d.codes[text]; ok {
		return c, nil
	}
	v, canon, err := parseAllele(d.name, text)
	if err != nil {
		return 0, err
	}
	if c, ok := d.codes[canon]; ok {
		return c, nil
	}
	if len(d.vals) == 256 {
		return 0, fmt.Errorf("locus %q has more than 255 distinct alleles; allele %q refused", d.name, text)
	}
	c := uint8(len(d.vals))
	d.codes[canon] = c
	d.vals = append(d.vals, v)
	d.texts = append(d.texts, canon)
	return c, nil
}

// Index is the in-memory search index of DNA profiles, keyed by the uint64
// ids the store assigns. Profiles are split by category, then into buckets
// by genotype at two partition loci; within a bucket they are stored as
// flat arrays (ids, relationship byte, 48-byte allele-code rows), about 57
// bytes per profile. Searches run in parallel over the buckets that can
// hold a candidate. An Index is safe for concurrent use: searches share a
// read lock, Add and Remove take the write lock.
type Index struct {
	mu      sync.RWMutex
	pops    Populations
	theta   float64
	workers int
	dicts   []*locusDict
	locusID map[string]int
	parts   [numCategories]*part
	n       int
}

// part holds the profiles of one category.
type part struct {
	l1      map[uint16]*level2
	l1list  []*level2
	general []genProfile
	// arena holds the packed loci of general-store profiles back to back,
	// so that a scan reads them sequentially.
	arena []byte
	n     int
}

const arenaChunk = 64 << 10

// store copies packed loci into the arena and returns the copy.
func (pt *part) store(enc []byte) []byte {
	if len(pt.arena)+len(enc) > cap(pt.arena) {
		pt.arena = make([]byte, 0, max(arenaChunk, len(enc)))
	}
	start := len(pt.arena)
	pt.arena = append(pt.arena, enc...)
	return pt.arena[start:len(pt.arena):len(pt.arena)]
}

type level2 struct {
	a, b uint8
	m    map[uint16]*bucket
	// pairs holds the part2 genotype of each bucket in list (a<<8 | b), so
	// that bucket selection reads one flat array instead of every bucket.
	pairs []uint16
	list  []*bucket
}

type bucket struct {
	a, b uint8
	ids  []uint64
	meta []uint8
	rows []uint8
	// runs describe rows [0, sorted) sorted by genotype at part3; rows
	// added later form an unsorted tail until the next Compact.
	runs   []run
	sorted int
}

// run is a stretch of rows sharing the genotype (a, b) at part3, ending
// before row end.
type run struct {
	a, b uint8
	end  uint32
}

// genProfile is a profile that does not fit a row: a mixture, a profile with
// obligate alleles or one typed at loci outside the slots. Its loci are
// packed in one byte slice, each as locus id (2 bytes, little endian), the
// obligate bit mask, the allele count and the allele codes, so that a scan
// touches one allocation per profile.
type genProfile struct {
	id   uint64
	meta uint8
	data []byte
}

// Options configure an index.
type Options struct {
	// Populations are the frequency tables a search may name.
	Populations Populations
	// Theta is the NRC II 4.10 correction; 0 means DefaultTheta, a negative
	// value means none.
	Theta float64
	// Workers is the number of goroutines a search uses; 0 means 2.
	Workers int
}

// NewIndex returns an empty index.
func NewIndex(o Options) *Index {
	ix := &Index{pops: o.Populations, theta: o.Theta, workers: o.Workers, locusID: map[string]int{}}
	if ix.theta == 0 {
		ix.theta = DefaultTheta
	} else if ix.theta < 0 {
		ix.theta = 0
	}
	if ix.workers <= 0 {
		ix.workers = 2
	}
	for _, n := range slotLoci {
		ix.locusID[n] = len(ix.dicts)
		ix.dicts = append(ix.dicts, newLocusDict(n))
	}
	for c := range ix.parts {
		ix.parts[c] = &part{l1: map[uint16]*level2{}}
	}
	return ix
}

// Len returns the number of profiles in the index.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.n
}

// genotype numbers an ordered code pair (a <= b); 0 is "not typed".
func genotype(a, b uint8) uint16 {
	if a == 0 {
		return 0
	}
	return uint16(b)*(uint16(b)-1)/2 + uint16(a)
}

// dict returns the dictionary of a canonical locus, adding it when new.
func (ix *Index) dict(name string) (int, error) {
	if id, ok := ix.locusID[name]; ok {
		return id, nil
	}
	canon, err := CanonicalLocus(name)
	if err != nil {
		return 0, err
	}
	if id, ok := ix.locusID[canon]; ok {
		ix.locusID[name] = id
		return id, nil
	}
	if len(ix.dicts) >= 1<<16 {
		return 0, fmt.Errorf("locus %q: too many distinct loci", name)
	}
	id := len(ix.dicts)
	ix.dicts = append(ix.dicts, newLocusDict(canon))
	ix.locusID[canon] = id
	ix.locusID[name] = id
	return id, nil
}

// Add stores a profile under the store's id. The id must not be in the
// index already (use [Index.Replace] to change a profile). Only autosomal
// loci are indexed; amelogenin and Y-STRs take no part in searches. Add
// does not apply the upload rules: the store checks [Profile.Validate] and
// [CheckRarity] before it keeps a profile.
func (ix *Index) Add(id uint64, p Profile) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.add(id, p)
}

// Replace removes any profile stored under id and adds p.
func (ix *Index) Replace(id uint64, p Profile) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.remove(id)
	return ix.add(id, p)
}

func (ix *Index) add(id uint64, p Profile) error {
	if p.Category >= numCategories {
		return fmt.Errorf("profile %d: category %d is unknown", id, p.Category)
	}
	if p.Relationship >= numRelationships {
		return fmt.Errorf("profile %d: relationship %d is unknown", id, p.Relationship)
	}
	var row [rowBytes]uint8
	type tmpLocus struct {
		lid      int
		n        int
		required uint8
		codes    [MaxAllelesPerLocus]uint8
	}
	var tmp [MaxLoci]tmpLocus
	nt := 0
	fits := true
	for _, l := range p.Loci {
		if len(l.Alleles) == 0 {
			continue
		}
		lid, err := ix.dict(l.Name)
		if err != nil {
			return fmt.Errorf("profile %d: %w", id, err)
		}
		d := ix.dicts[lid]
		if d.class != Autosomal {
			continue
		}
		if len(l.Alleles) > MaxAllelesPerLocus {
			return fmt.Errorf("profile %d: locus %q has %d alleles, more than %d", id, l.Name, len(l.Alleles), MaxAllelesPerLocus)
		}
		if nt == MaxLoci {
			return fmt.Errorf("profile %d has more than %d loci", id, MaxLoci)
		}
		g := &tmp[nt]
		nt++
		g.lid = lid
		for _, a := range l.Alleles {
			c, err := d.code(a.Text)
			if err != nil {
				return fmt.Errorf("profile %d: %w", id, err)
			}
			dup := false
			for _, x := range g.codes[:g.n] {
				dup = dup || x == c
			}
			if dup {
				continue
			}
			if a.Required {
				g.required |= 1 << g.n
			}
			g.codes[g.n] = c
			g.n++
		}
		if lid >= nSlots || g.n > 2 || g.required != 0 {
			fits = false
			continue
		}
		a, b := g.codes[0], g.codes[g.n-1]
		if a > b {
			a, b = b, a
		}
		row[2*lid], row[2*lid+1] = a, b
	}
	pt := ix.parts[p.Category]
	var gen []byte
	if !fits {
		var buf [MaxLoci * (4 + MaxAllelesPerLocus)]byte
		enc := buf[:0]
		for i := 0; i < nt; i++ {
			t := &tmp[i]
			enc = append(enc, uint8(t.lid), uint8(t.lid>>8), t.required, uint8(t.n))
			enc = append(enc, t.codes[:t.n]...)
		}
		gen = pt.store(enc)
	}
	meta := uint8(p.Relationship)
	if !fits {
		pt.general = append(pt.general, genProfile{id: id, meta: meta, data: gen})
	} else {
		bk := pt.bucket(row[2*part1], row[2*part1+1], row[2*part2], row[2*part2+1])
		bk.ids = appendGrow(bk.ids, id)
		bk.meta = appendGrow(bk.meta, meta)
		bk.rows = appendGrow(bk.rows, row[:]...)
	}
	pt.n++
	ix.n++
	return nil
}

func (pt *part) bucket(a1, b1, a2, b2 uint8) *bucket {
	g1 := genotype(a1, b1)
	l2 := pt.l1[g1]
	if l2 == nil {
		l2 = &level2{a: a1, b: b1, m: map[uint16]*bucket{}}
		pt.l1[g1] = l2
		pt.l1list = append(pt.l1list, l2)
	}
	g2 := genotype(a2, b2)
	bk := l2.m[g2]
	if bk == nil {
		bk = &bucket{a: a2, b: b2}
		l2.m[g2] = bk
		l2.list = append(l2.list, bk)
		l2.pairs = append(l2.pairs, uint16(a2)<<8|uint16(b2))
	}
	return bk
}

// appendGrow appends like append but grows capacity by a quarter rather
// than doubling, trading a few more copies for less slack memory at scale.
func appendGrow[T any](s []T, v ...T) []T {
	if len(s)+len(v) > cap(s) {
		n := cap(s) + cap(s)/4 + 4*len(v)
		if n < len(s)+len(v) {
			n = len(s) + len(v)
		}
		t := make([]T, len(s), n)
		copy(t, s)
		s = t
	}
	return append(s, v...)
}

// Remove deletes the profile stored under id and reports whether there was
// one. It scans the ids (about 30 ms for 26 million profiles): removals
// (expungements) are rare next to searches.
func (ix *Index) Remove(id uint64) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.remove(id)
}

func (ix *Index) remove(id uint64) bool {
	for _, pt := range ix.parts {
		for i := range pt.general {
			if pt.general[i].id == id {
				last := len(pt.general) - 1
				pt.general[i] = pt.general[last]
				pt.general[last] = genProfile{}
				pt.general = pt.general[:last]
				pt.n--
				ix.n--
				return true
			}
		}
		for _, l2 := range pt.l1list {
			for _, bk := range l2.list {
				for i, x := range bk.ids {
					if x != id {
						continue
					}
					if i < bk.sorted {
						// the swap would break the order: scan the bucket
						// whole until the next Compact
						bk.runs, bk.sorted = nil, 0
					}
					last := len(bk.ids) - 1
					bk.ids[i] = bk.ids[last]
					bk.meta[i] = bk.meta[last]
					copy(bk.rows[i*rowBytes:(i+1)*rowBytes], bk.rows[last*rowBytes:])
					bk.ids = bk.ids[:last]
					bk.meta = bk.meta[:last]
					bk.rows = bk.rows[:last*rowBytes]
					pt.n--
					ix.n--
					return true
				}
			}
		}
	}
	return false
}

// Compact trims spare capacity and sorts every bucket by genotype at a
// third locus so that searches skip more rows. Call it after a bulk load and
// from time to time after many additions or removals; until then new rows
// are scanned whole.
func (ix *Index) Compact() {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, pt := range ix.parts {
		pt.general = trim(pt.general)
		// re-pack the general store: removed profiles leave holes
		pt.arena = nil
		for i := range pt.general {
			pt.general[i].data = pt.store(pt.general[i].data)
		}
		for _, l2 := range pt.l1list {
			for _, bk := range l2.list {
				bk.sortRuns()
				bk.ids, bk.meta, bk.rows, bk.runs = trim(bk.ids), trim(bk.meta), trim(bk.rows), trim(bk.runs)
			}
		}
	}
}

// sortRuns orders the rows by genotype at part3 and records the runs.
func (bk *bucket) sortRuns() {
	n := len(bk.ids)
	key := func(i int) uint16 {
		return uint16(bk.rows[i*rowBytes+2*part3])<<8 | uint16(bk.rows[i*rowBytes+2*part3+1])
	}
	perm := make([]int32, n)
	for i := range perm {
		perm[i] = int32(i)
	}
	sort.SliceStable(perm, func(x, y int) bool { return key(int(perm[x])) < key(int(perm[y])) })
	ids := make([]uint64, n)
	meta := make([]uint8, n)
	rows := make([]uint8, n*rowBytes)
	for to, from := range perm {
		ids[to], meta[to] = bk.ids[from], bk.meta[from]
		copy(rows[to*rowBytes:(to+1)*rowBytes], bk.rows[int(from)*rowBytes:])
	}
	bk.ids, bk.meta, bk.rows = ids, meta, rows
	bk.runs = bk.runs[:0]
	for i := 0; i < n; i++ {
		a, b := rows[i*rowBytes+2*part3], rows[i*rowBytes+2*part3+1]
		if len(bk.runs) > 0 && bk.runs[len(bk.runs)-1].a == a && bk.runs[len(bk.runs)-1].b == b {
			bk.runs[len(bk.runs)-1].end = uint32(i + 1)
			continue
		}
		bk.runs = append(bk.runs, run{a: a, b: b, end: uint32(i + 1)})
	}
	bk.sorted = n
}

func trim[T any](s []T) []T {
	if cap(s) == len(s) {
		return s
	}
	t := make([]T, len(s))
	copy(t, s)
	return t
}

// Stats describe the index contents.
type Stats struct {
	Profiles   int            `json:"profiles"`
	General    int            `json:"general"`
	Buckets    int            `json:"buckets"`
	ByCategory map[string]int `json:"by_category"`
	// DataBytes is the capacity of the profile arrays (ids, relationship
	// bytes, rows), without map and bucket headers.
	DataBytes int64 `json:"data_bytes"`
}

// Stats returns counts and the size of the profile arrays.
func (ix *Index) Stats() Stats {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s := Stats{Profiles: ix.n, ByCategory: map[string]int{}}
	for c, pt := range ix.parts {
		s.ByCategory[Category(c).String()] = pt.n
		s.General += len(pt.general)
		for _, l2 := range pt.l1list {
			s.Buckets += len(l2.list)
			for _, bk := range l2.list {
				s.DataBytes += int64(cap(bk.ids)*8 + cap(bk.meta) + cap(bk.rows) + cap(bk.runs)*8)
			}
		}
	}
	return s
}
