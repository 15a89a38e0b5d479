package dna

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// MatchKind says how a candidate matched.
type MatchKind string

// The match kinds of the API.
const (
	FullMatch    MatchKind = "full"    // every compared allele equal
	NearMatch    MatchKind = "near"    // Prüm: exactly one allele differs
	PartialMatch MatchKind = "partial" // CODIS moderate/low: sets differ at some loci
	KinshipMatch MatchKind = "kinship" // ranked by a kinship index
)

// DefaultLimit is the number of candidates returned when a request sets none.
const DefaultLimit = 100

// MaxLimit caps the candidates one search returns.
const MaxLimit = 10000

// ErrTooFewLoci is returned when the query has fewer usable loci than the
// rule requires in common: no candidate could ever qualify.
var ErrTooFewLoci = errors.New("query has too few loci for the rule")

// ErrNotAllowed is returned when the category matrix forbids the search.
var ErrNotAllowed = errors.New("search not allowed by the category matrix")

// Request is one search.
type Request struct {
	// Query is the profile searched for; its category selects the matrix row.
	Query Profile
	// Rule is a name from [Rules]: high, moderate, low, prum, parent_child,
	// sibling.
	Rule string
	// Targets narrows the categories searched; zero means every category the
	// matrix allows. Asking for a category outside the matrix is refused.
	Targets CategorySet
	// Population names the frequency table; "" is [DefaultPopulation].
	Population string
	// Limit is the most candidates returned, best first.
	Limit int
	// MinSharedLoci overrides the rule's minimum when positive.
	MinSharedLoci int
}

// Candidate is one profile found by a search.
type Candidate struct {
	ID           uint64       `json:"id"`
	Category     Category     `json:"-"`
	Relationship Relationship `json:"-"`
	Match        MatchKind    `json:"match"`
	// SharedLoci counts the autosomal loci typed in both profiles (Prüm:
	// without wildcards).
	SharedLoci int `json:"shared_loci"`
	// Mismatches counts differing alleles (CODIS, Prüm) or loci where the
	// two profiles share no allele (kinship).
	Mismatches int `json:"mismatches"`
	// MatchingLoci are the loci whose allele sets are equal (kinship: loci
	// sharing at least one allele).
	MatchingLoci []string `json:"matching_loci"`
	// RandomMatchProbability is the probability that an unrelated person
	// matches the query as this candidate does: the genotype probability at
	// equal loci and the probability of passing the rule at the others,
	// with the theta correction. Zero for kinship.
	RandomMatchProbability float64 `json:"random_match_probability"`
	// LikelihoodRatio is 1/RandomMatchProbability for identity rules and the
	// combined kinship index for kinship rules.
	LikelihoodRatio float64 `json:"likelihood_ratio"`
	Log10LR         float64 `json:"log10_lr"`
	// Hit is true when the candidate passes the rule's hit threshold.
	Hit bool `json:"hit"`
}

// Result is the answer to a search, candidates best first.
type Result struct {
	Rule       string      `json:"rule"`
	Population string      `json:"population"`
	Targets    []Category  `json:"-"`
	Candidates []Candidate `json:"candidates"`
	// Total is the number of candidates that qualified before the limit.
	Total int `json:"total"`
	// Scanned is the number of profiles compared after bucket selection.
	Scanned int `json:"scanned"`
}

// Table flags per candidate allele code at one query locus.
const (
	fIn   = 1 << iota // code is in the query's allele set
	fReq              // code is an obligate allele of the query
	fEq1              // Prüm: equivalent to the query's first allele
	fEq2              // Prüm: equivalent to the query's second allele
	fWild             // Prüm: code is a wildcard or non-numeric value
)

type qloc struct {
	lid      int
	slot     int // byte offset in a row, -1 when outside the slots
	nq, nreq int
	tab      *[256]uint8
	wild     bool // Prüm: the query pair holds a wildcard
	// log10 probabilities that a random person matches at this locus
	// exactly, by inclusion (one set inside the other) and by sharing an
	// allele: a candidate is weighed by the closest level it reaches.
	logLevel [3]float64
	kin      []float32
	kinN     int
}

// kinLoc is the compact per-locus view the kinship scan reads.
type kinLoc struct {
	slot, n int
	kin     []float32
}

type plan struct {
	kl      []kinLoc
	nRow    int // loc[:nRow] are row loci, the rest live only in the general store
	rule    Rule
	minLoci int
	loc     []qloc
	byLid   []int16
	by1     int // index in loc of the partition loci, -1 if untyped
	by2     int
	by3     int
	rels    uint16
	dicts   []*locusDict
}

// Search runs one search. It returns ErrNotAllowed (wrapped) when the matrix
// forbids the rule or a target for the query's category, ErrTooFewLoci when
// the query cannot reach the minimum of shared loci, and an error naming
// the value for an unknown rule or population.
func (ix *Index) Search(req Request) (Result, error) {
	rule, err := LookupRule(req.Rule)
	if err != nil {
		return Result{}, err
	}
	allowed := Targets(req.Query.Category, rule.Name)
	if allowed == 0 {
		return Result{}, fmt.Errorf("%w: %s profiles are not searched under rule %s", ErrNotAllowed, req.Query.Category, rule.Name)
	}
	targets := allowed
	if req.Targets != 0 {
		if req.Targets&^allowed != 0 {
			return Result{}, fmt.Errorf("%w: %s profiles are not searched against %v under rule %s", ErrNotAllowed, req.Query.Category, (req.Targets &^ allowed).Categories(), rule.Name)
		}
		targets = req.Targets
	}
	if rule.Method == Kinship && req.Query.Category == Relative && !hasRel(rule.Relationships, req.Query.Relationship) {
		return Result{}, fmt.Errorf("relationship %q does not fit rule %s", req.Query.Relationship, rule.Name)
	}
	pop, err := ix.pops.Lookup(req.Population)
	if err != nil {
		return Result{}, err
	}
	limit := req.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	if limit > MaxLimit {
		limit = MaxLimit
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	pl, err := ix.newPlan(req.Query, rule, pop)
	if err != nil {
		return Result{}, err
	}
	if req.MinSharedLoci > 0 {
		pl.minLoci = req.MinSharedLoci
	}
	if usable := pl.usableLoci(); usable < pl.minLoci {
		return Result{}, fmt.Errorf("%w: %d usable loci, rule %s needs %d in common", ErrTooFewLoci, usable, rule.Name, pl.minLoci)
	}
	hits, total, scanned := ix.scan(pl, targets, limit)
	res := Result{Rule: rule.Name, Population: pop.Name, Targets: targets.Categories(), Total: total, Scanned: scanned}
	for _, h := range hits {
		res.Candidates = append(res.Candidates, pl.candidate(h))
	}
	return res, nil
}

func hasRel(rs []Relationship, r Relationship) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

func (pl *plan) usableLoci() int {
	n := 0
	for _, q := range pl.loc {
		if pl.rule.Method != Prum || !q.wild {
			n++
		}
	}
	return n
}

// newPlan turns the query into per-locus lookup tables over the index's
// allele codes, with the probabilities each locus contributes.
func (ix *Index) newPlan(q Profile, rule Rule, pop *Population) (*plan, error) {
	pl := &plan{rule: rule, minLoci: rule.MinSharedLoci, byLid: make([]int16, len(ix.dicts)), by1: -1, by2: -1, by3: -1, dicts: ix.dicts}
	for i := range pl.byLid {
		pl.byLid[i] = -1
	}
	for _, r := range rule.Relationships {
		pl.rels |= 1 << r
	}
	theta := ix.theta
	for _, l := range q.Loci {
		if ClassOf(l.Name) != Autosomal || len(l.Alleles) == 0 {
			continue
		}
		canon, err := CanonicalLocus(l.Name)
		if err != nil {
			return nil, err
		}
		lid, ok := ix.locusID[canon]
		if !ok {
			continue // no profile in the index is typed at this locus
		}
		d := ix.dicts[lid]
		vals := make([]alleleValue, 0, len(l.Alleles))
		texts := make([]string, 0, len(l.Alleles))
		var req []bool
		for _, a := range l.Alleles {
			v, canonA, err := parseAllele(canon, a.Text)
			if err != nil {
				return nil, err
			}
			dup := false
			for _, t := range texts {
				dup = dup || t == canonA
			}
			if !dup {
				vals, texts, req = append(vals, v), append(texts, canonA), append(req, a.Required)
			}
		}
		ql := qloc{lid: lid, slot: -1, nq: len(vals), tab: new([256]uint8)}
		if lid < nSlots {
			ql.slot = 2 * lid
		}
		for i, t := range texts {
			if c, ok := d.codes[t]; ok {
				ql.tab[c] |= fIn
				if req[i] {
					ql.tab[c] |= fReq
				}
			}
			if req[i] {
				ql.nreq++
			}
		}
		freqs := make([]float64, len(texts))
		known := true
		for i, t := range texts {
			f, ok := pop.Frequency(canon, t)
			known = known && ok
			freqs[i] = f
		}
		switch rule.Method {
		case CODIS:
			if known {
				ql.logLevel = codisLogs(freqs, theta)
			}
		case Prum:
			// Prüm pairs: a third allele and any non-numeric value become "*".
			q1, q2 := vals[0], vals[0]
			if len(vals) > 1 {
				q2 = vals[1]
			}
			if len(vals) > 2 {
				q2 = alleleValue{kind: Wildcard, tenths: -1}
			}
			ql.wild = q1.prumWild() || q2.prumWild()
			for c := 1; c < len(d.vals); c++ {
				cv := d.vals[c]
				if cv.prumWild() {
					ql.tab[c] |= fWild | fEq1 | fEq2
					continue
				}
				if q1.prumWild() || prumWindow(q1, cv, d.penta) {
					ql.tab[c] |= fEq1
				}
				if q2.prumWild() || prumWindow(q2, cv, d.penta) {
					ql.tab[c] |= fEq2
				}
			}
			if known && !ql.wild && len(vals) <= 2 {
				ql.logLevel = codisLogs(freqs, theta)
			}
		case Kinship:
			if len(vals) > 2 {
				return nil, fmt.Errorf("locus %q has %d alleles: kinship needs a single-source profile", canon, len(vals))
			}
			if !known {
				continue
			}
			ql.kinN = len(d.vals)
			ql.kin = kinshipTable(d, canon, vals, pop, rule)
			if ql.kin == nil {
				continue
			}
		}
		pl.loc = append(pl.loc, ql)
	}
	if len(pl.loc) > 32 {
		return nil, fmt.Errorf("query has %d loci, more than 32", len(pl.loc))
	}
	// Compare the rarest loci first: most profiles fail there and the scan
	// moves on after one or two loci.
	lvl := rule.Stringency
	if rule.Method == Prum {
		lvl = High
	}
	// Loci outside the rows go last: the row scans stop at nRow.
	sort.SliceStable(pl.loc, func(i, j int) bool {
		a, b := pl.loc[i], pl.loc[j]
		if (a.slot < 0) != (b.slot < 0) {
			return b.slot < 0
		}
		return a.logLevel[lvl] < b.logLevel[lvl]
	})
	for _, q := range pl.loc {
		if q.slot >= 0 {
			pl.nRow++
		}
	}
	for i, q := range pl.loc {
		if q.slot >= 0 {
			pl.kl = append(pl.kl, kinLoc{slot: q.slot, n: q.kinN, kin: q.kin})
		}
		pl.byLid[q.lid] = int16(i)
		switch q.lid {
		case part1:
			pl.by1 = i
		case part2:
			pl.by2 = i
		case part3:
			pl.by3 = i
		}
	}
	return pl, nil
}

// codisLogs returns log10 of the probabilities that a random person from
// the subpopulation matches the query alleles f at one locus exactly (High),
// by inclusion (Moderate) and by sharing an allele (Low). A mixture never
// equals a single genotype, so its exact level is its inclusion level.
func codisLogs(f []float64, theta float64) [3]float64 {
	var pq float64
	for _, x := range f {
		pq += x
	}
	k := len(f)
	var pe, pm float64
	switch len(f) {
	case 1:
		k = 2
		pe = genotypeProb(f[0], f[0], 2, 2, 2, false, theta)
		pm = 1 - noneIn(pq, k, theta)
	case 2:
		pe = genotypeProb(f[0], f[1], 1, 1, 2, true, theta)
		pm = bothIn(pq, k, theta)
	default:
		pm = bothIn(pq, k, theta)
		pe = pm
	}
	pl := 1 - noneIn(pq, k, theta)
	return [3]float64{log10p(pe), log10p(math.Max(pm, pe)), log10p(math.Max(pl, pm))}
}

func log10p(p float64) float64 {
	if math.IsNaN(p) {
		return 0
	}
	if p >= 1 {
		return 0
	}
	if p <= 1e-300 {
		return -300
	}
	return math.Log10(p)
}

// hit is a qualifying candidate before it is dressed for the API.
type hit struct {
	id     uint64
	cat    Category
	meta   uint8
	shared int
	mism   int
	log10  float64 // log10 LR
	mask   uint32  // query loci that matched exactly (kinship: shared an allele)
}

// better orders hits best first: higher LR, more shared loci, fewer
// mismatches, lower id.
func better(a, b *hit) bool {
	if a.log10 != b.log10 {
		return a.log10 > b.log10
	}
	if a.shared != b.shared {
		return a.shared > b.shared
	}
	if a.mism != b.mism {
		return a.mism < b.mism
	}
	return a.id < b.id
}

func (pl *plan) candidate(h hit) Candidate {
	c := Candidate{ID: h.id, Category: h.cat, SharedLoci: h.shared, Mismatches: h.mism, Log10LR: h.log10}
	if h.cat == Relative {
		c.Relationship = Relationship(h.meta)
	}
	c.LikelihoodRatio = math.Pow(10, h.log10)
	for i := range pl.loc {
		if h.mask&(1<<i) != 0 {
			c.MatchingLoci = append(c.MatchingLoci, pl.dicts[pl.loc[i].lid].name)
		}
	}
	sort.Strings(c.MatchingLoci)
	switch pl.rule.Method {
	case Kinship:
		c.Match = KinshipMatch
	case Prum:
		c.Match = FullMatch
		if h.mism > 0 {
			c.Match = NearMatch
		}
	default:
		c.Match = FullMatch
		if h.mism > 0 {
			c.Match = PartialMatch
		}
	}
	if pl.rule.Method != Kinship {
		c.RandomMatchProbability = math.Pow(10, -h.log10)
	}
	c.Hit = h.log10 >= pl.rule.HitLog10LR && (!pl.rule.FullMatchOnly || c.Match == FullMatch)
	return c
}
