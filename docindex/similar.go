package docindex

import (
	"cmp"
	"slices"
)

// Kind says how a similar record's number differs from the checked number,
// read as the edit that turns the checked number into the record's.
type Kind uint8

// The kinds of difference, from the cheapest to explain.
const (
	// KindOCR: same length, every differing position is an OCR confusion
	// (O/Q/D/U/0, I/L/1, Z/2, S/5, G/6, B/8), at one or more positions.
	KindOCR Kind = iota + 1
	// KindTransposition: two adjacent characters swapped.
	KindTransposition
	// KindSubstitution: one character replaced by one that is not an OCR
	// confusion of it.
	KindSubstitution
	// KindInsertion: the record has one character more (the read lost one).
	KindInsertion
	// KindDeletion: the record has one character less (the read gained one).
	KindDeletion
)

// Costs of each difference; OCR confusions are the cheapest because they are
// the commonest cause of a misread number. A candidate's cost is the cost of
// its kind plus CostOCR for every other position differing by a confusion.
const (
	CostOCR           = 0.25
	CostTransposition = 0.5
	CostSubstitution  = 1.0
	CostInsertion     = 1.0
	CostDeletion      = 1.0
)

var kindNames = [...]string{"", "ocr", "transposition", "substitution", "insertion", "deletion"}

// String returns the kind's lower-case name, as used in API answers.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Candidate is a record whose number is close to the checked one. It is a
// "possible" match for an officer to have confirmed, never a hit.
type Candidate struct {
	ID      uint64
	Country string
	Number  string
	Kind    Kind
	Cost    float64
	// OCRPositions counts positions that differ only by an OCR confusion.
	OCRPositions int
	// CheckDigitBlind is set when both numbers have the same ICAO 7-3-1 check
	// digit, so an MRZ carrying either passes its check: the check digit
	// cannot tell which one the document bears (G/6, S/8, some transpositions).
	CheckDigitBlind bool
}

// DefaultSimilarLimit is the number of candidates returned when the limit
// given is not positive.
const DefaultSimilarLimit = 20

// skelAlphabet is every character a skeleton can hold; set by init in
// key.go once the character tables exist.
var skelAlphabet []byte

// Similar returns the records of country (any country when country is "")
// whose number is one OCR-confusion class or one edit away from number: any
// number of OCR confusions, plus at most one substitution, adjacent
// transposition, insertion or deletion. Records with exactly this number are
// left out (they are exact hits). Candidates come cheapest first, then those
// the check digit cannot tell apart; at most limit of them.
//
// The search probes the skeleton of every one-edit neighbour of the number's
// skeleton (about 500 probes for 9 characters), each a lookup like a check,
// so it needs no index of its own. Blank batches are not searched.
func (x *Index) Similar(country, number string, limit int) ([]Candidate, error) {
	var cc uint16
	any := country == ""
	if !any {
		var err error
		if cc, err = countryCode(country); err != nil {
			return nil, err
		}
	}
	k, err := numberKeys(number)
	if err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = DefaultSimilarLimit
	}
	s := similarSearch{x: x, st: x.st.Load(), cc: cc, any: any, q: number, qnum: k.num, seen: make(map[uint64]bool, 1024)}
	sk := []byte(skeleton(number))
	s.probe(sk)
	buf := make([]byte, 0, len(sk)+1)
	for i := range sk {
		if len(sk) > 1 { // deletion
			buf = append(append(buf[:0], sk[:i]...), sk[i+1:]...)
			s.probe(buf)
		}
		if i+1 < len(sk) && sk[i] != sk[i+1] { // transposition
			buf = append(buf[:0], sk...)
			buf[i], buf[i+1] = buf[i+1], buf[i]
			s.probe(buf)
		}
		buf = append(buf[:0], sk...) // substitution
		for _, c := range skelAlphabet {
			if c != sk[i] {
				buf[i] = c
				s.probe(buf)
			}
		}
	}
	if len(sk) < MaxNumberLen {
		for i := 0; i <= len(sk); i++ { // insertion
			buf = append(append(append(buf[:0], sk[:i]...), 0), sk[i:]...)
			for _, c := range skelAlphabet {
				buf[i] = c
				s.probe(buf)
			}
		}
	}
	slices.SortFunc(s.out, func(a, b Candidate) int {
		if c := cmp.Compare(a.Cost, b.Cost); c != 0 {
			return c
		}
		if a.CheckDigitBlind != b.CheckDigitBlind {
			if a.CheckDigitBlind {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(a.Number, b.Number); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	if len(s.out) > limit {
		s.out = s.out[:limit]
	}
	return s.out, nil
}

type similarSearch struct {
	x    *Index
	st   *state
	cc   uint16
	any  bool
	q    string
	qnum uint64
	seen map[uint64]bool // probed skeleton keys
	ids  map[uint64]bool
	out  []Candidate
}

// probe looks up every record whose skeleton is the skeleton t.
func (s *similarSearch) probe(t []byte) {
	k, err := numberKeys(t)
	if err != nil || s.seen[k.skel] {
		return
	}
	s.seen[k.skel] = true
	// Most slots of the probed buckets hold other skeletons. Packed numbers
	// give their length (by magnitude) and their last character (mod 37)
	// for free: reject on those before computing a skeleton.
	short := len(t) <= packedLen
	var lo, hi uint64
	if short {
		lo, hi = pow37[len(t)-1], pow37[len(t)]
	}
	last := charVal[skelChar[t[len(t)-1]]]
	s.st.seg.each(k.skel, func(_ uint32, num, m uint64) {
		if num == s.qnum || !(s.any || metaCC(m) == s.cc) {
			return
		}
		if num < packLimit && (!short || num < lo || num >= hi || charVal[skelChar[valChar[num%37]]] != last) {
			return
		}
		if s.x.skelOf(num) == k.skel {
			s.consider(metaID(m), metaCC(m), num)
		}
	})
}

// pow37[n] is 37^n: packed numbers of n characters lie in [37^(n-1), 37^n).
var pow37 = func() (p [packedLen + 1]uint64) {
	p[0] = 1
	for i := 1; i <= packedLen; i++ {
		p[i] = p[i-1] * 37
	}
	return p
}()

func (s *similarSearch) consider(id uint64, cc uint16, num uint64) {
	if s.ids[id] {
		return
	}
	r := s.x.long(num)
	kind, ocr, ok := classify(s.q, r)
	if !ok {
		return
	}
	if s.ids == nil {
		s.ids = map[uint64]bool{}
	}
	s.ids[id] = true
	s.out = append(s.out, Candidate{
		ID:              id,
		Country:         countryName(cc),
		Number:          r,
		Kind:            kind,
		Cost:            kindCost[kind] + CostOCR*float64(ocr),
		OCRPositions:    ocr,
		CheckDigitBlind: mrzCheckDigit(s.q) == mrzCheckDigit(r),
	})
}

var kindCost = [...]float64{KindOCR: 0, KindTransposition: CostTransposition, KindSubstitution: CostSubstitution, KindInsertion: CostInsertion, KindDeletion: CostDeletion}

// classify explains how r differs from q: the kind of the one edit (or
// KindOCR when there is none) and the number of other positions that differ
// by an OCR confusion. ok is false when r is not one edit away from q modulo
// confusions, or equals q.
func classify(q, r string) (kind Kind, ocr int, ok bool) {
	switch len(r) - len(q) {
	case 0:
		var diff [2]int
		nd := 0
		for i := 0; i < len(q); i++ {
			if q[i] == r[i] {
				continue
			}
			if skelChar[q[i]] == skelChar[r[i]] {
				ocr++
				continue
			}
			if nd == 2 {
				return 0, 0, false
			}
			diff[nd] = i
			nd++
		}
		switch nd {
		case 0:
			return KindOCR, ocr, ocr > 0
		case 1:
			return KindSubstitution, ocr, true
		}
		i, j := diff[0], diff[1]
		if j != i+1 || skelChar[q[i]] != skelChar[r[j]] || skelChar[q[j]] != skelChar[r[i]] {
			return 0, 0, false
		}
		if q[i] != r[j] {
			ocr++
		}
		if q[j] != r[i] {
			ocr++
		}
		return KindTransposition, ocr, true
	case 1:
		if o, found := alignGap(r, q); found {
			return KindInsertion, o, true
		}
	case -1:
		if o, found := alignGap(q, r); found {
			return KindDeletion, o, true
		}
	}
	return 0, 0, false
}

// alignGap finds the character of long whose removal makes it equal to short
// modulo OCR confusions, choosing the one leaving the fewest confusions.
func alignGap(long, short string) (ocr int, found bool) {
	best := -1
	for j := 0; j < len(long); j++ {
		n := 0
		for i := 0; i < len(short) && n >= 0; i++ {
			c := long[i]
			if i >= j {
				c = long[i+1]
			}
			switch {
			case c == short[i]:
			case skelChar[c] == skelChar[short[i]]:
				n++
			default:
				n = -1
			}
		}
		if n >= 0 && (best < 0 || n < best) {
			best = n
		}
	}
	return best, best >= 0
}
