package names

import (
	"math"
	"strings"
)

// Threshold is the score at or above which a candidate is a match (an alert
// for a human to confirm), as in OpenSanctions' yente.
const Threshold = 0.70

// MinScore is the default cut-off under which [Index.Search] returns nothing.
const MinScore = 0.50

// Scoring parameters. A pair of parts whose similarity is under
// conflictBelow weighs more the worse it is (conflictWeight per unit under
// it), so that one clearly different part outweighs several shared common
// ones (Hassan … al-Tikriti against Hassan … al-Mosuli), while a typo
// (Merkur for Merkel) costs little. Parts on one side only cost a fraction
// of their weight: more when they are in the query (the query asked for
// them) than when they are on the candidate (lists carry extra middle names).
const (
	pairMin        = 0.55 // weakest similarity that still pairs two parts as the same part
	conflictBelow  = 0.80
	conflictWeight = 4.0
	queryOnlyCost  = 0.40
	candOnlyCost   = 0.20
	weakCap        = 0.50 // score cap when no real name part matched well
	maxJoin        = 3    // parts that may be written as one (Plat Ono Vich)
)

// Qualifier penalties for sex and nationality (date penalties are in date.go).
const (
	penaltySex         = 0.25 // with a nationality mismatch, enough to keep an exact name under the bar
	penaltyNationality = 0.10
)

// Entry is a person as the index holds it.
type Entry struct {
	// Names holds the name as written by the source first, then aliases and
	// other spellings, in any script and any order of parts.
	Names []string
	// DateOfBirth may be partial or unknown.
	DateOfBirth Date
	// Sex is "M", "F", "X" or "U"; only M against F counts as a mismatch.
	Sex string
	// Nationalities are country codes in one coding (alpha-2 or alpha-3).
	Nationalities []string
}

// Query is what a search asks for. Only Name is required.
type Query struct {
	Name        string
	DateOfBirth Date
	Sex         string
	Nationality string
	// MinScore drops candidates under it; zero means the package MinScore.
	MinScore float64
}

// Result is the score of one person against a query.
type Result struct {
	// Score is in [0,1]: the name score less the qualifier penalties.
	Score float64 `json:"score"`
	// Match is Score ≥ Threshold.
	Match       bool        `json:"match"`
	Explanation Explanation `json:"explanation"`
}

// Explanation says why a candidate scored what it did.
type Explanation struct {
	// Name is the candidate's name (or alias) that matched best, as written.
	Name string `json:"name"`
	// NameScore is the score of the names alone, before qualifiers.
	NameScore float64 `json:"name_score"`
	// Parts pairs the query's name parts with the candidate's.
	Parts []Part `json:"parts"`
	// DateOfBirth is the agreement of the dates (see the Date* constants).
	DateOfBirth string `json:"date_of_birth"`
	// Sex and Nationality are "same", "different" or "not_compared".
	Sex         string `json:"sex"`
	Nationality string `json:"nationality"`
	// Penalties lists what was subtracted from NameScore.
	Penalties []Penalty `json:"penalties,omitempty"`
}

// Part is one aligned pair of name parts (or a part with no counterpart).
type Part struct {
	Query      string  `json:"query,omitempty"`
	Candidate  string  `json:"candidate,omitempty"`
	How        string  `json:"how"`
	Similarity float64 `json:"similarity"`
}

// Penalty is one deduction from the name score.
type Penalty struct {
	Reason string  `json:"reason"`
	Detail string  `json:"detail,omitempty"`
	Amount float64 `json:"amount"`
}

// Qualifier agreements.
const (
	Same        = "same"
	Different   = "different"
	NotCompared = "not_compared"
)

// name is a name analysed once, for repeated comparisons.
type name struct {
	raw  string
	toks []token
}

func analyse(s string) name { return name{raw: s, toks: tokenise(s)} }

// Compare scores a person against a query: the best of its names, then
// date of birth, sex and nationality. It is pure and safe for concurrent use.
func Compare(q Query, e Entry) Result {
	qn := analyse(q.Name)
	cands := make([]name, len(e.Names))
	for i, n := range e.Names {
		cands[i] = analyse(n)
	}
	r, _ := compareAnalysed(&q, &qn, cands, &e, true, 0)
	return r
}

// CompareNames scores two names alone, a against b as query against list
// entry.
func CompareNames(a, b string) Result {
	return Compare(Query{Name: a}, Entry{Names: []string{b}})
}

// compareAnalysed scores analysed names; without explain it leaves out the
// parts and penalty details, which cost allocations a shortlist does not
// need. The qualifiers are weighed first: when they alone keep the score
// under floor, the names are not compared and ok is false.
func compareAnalysed(q *Query, qn *name, cands []name, e *Entry, explain bool, floor float64) (r Result, ok bool) {
	ex := &r.Explanation
	total := 0.0
	agree, pen := compareDates(q.DateOfBirth, e.DateOfBirth)
	ex.DateOfBirth = agree
	if pen > 0 {
		p := Penalty{Reason: "date_of_birth", Amount: pen}
		if explain {
			p.Detail = agree + ": " + q.DateOfBirth.String() + " vs " + e.DateOfBirth.String()
		}
		ex.Penalties = append(ex.Penalties, p)
		total += pen
	}
	ex.Sex = NotCompared
	qs, es := sexCode(q.Sex), sexCode(e.Sex)
	if qs != "" && es != "" {
		ex.Sex = Same
		if qs != es {
			ex.Sex = Different
			ex.Penalties = append(ex.Penalties, Penalty{Reason: "sex", Detail: qs + " vs " + es, Amount: penaltySex})
			total += penaltySex
		}
	}
	ex.Nationality = NotCompared
	if q.Nationality != "" && len(e.Nationalities) > 0 {
		ex.Nationality = Different
		for _, n := range e.Nationalities {
			if strings.EqualFold(n, q.Nationality) {
				ex.Nationality = Same
			}
		}
		if ex.Nationality == Different {
			p := Penalty{Reason: "nationality", Amount: penaltyNationality}
			if explain {
				p.Detail = q.Nationality + " not in " + strings.Join(e.Nationalities, ",")
			}
			ex.Penalties = append(ex.Penalties, p)
			total += penaltyNationality
		}
	}
	if 1-total < floor {
		return r, false
	}
	best := -1.0
	for i := range cands {
		s, parts := scoreNames(qn.toks, cands[i].toks, explain)
		if s > best {
			best = s
			ex.Name = cands[i].raw
			ex.Parts = parts
		}
	}
	best = max(best, 0)
	ex.NameScore = round4(best)
	r.Score = round4(math.Max(0, math.Min(1, best-total)))
	r.Match = r.Score >= Threshold
	return r, true
}

func sexCode(s string) string {
	switch strings.ToUpper(s) {
	case "M", "MALE":
		return "M"
	case "F", "FEMALE":
		return "F"
	}
	return ""
}

func round4(f float64) float64 { return math.Round(f*10000) / 10000 }

// pair is a candidate alignment of query parts [qi, qi+qn) with candidate
// parts [ci, ci+cn).
type pair struct {
	qi, qn, ci, cn int
	sim            float64
	how            string
}

// scoreNames aligns two token lists regardless of order and scores them.
func scoreNames(q, c []token, explain bool) (float64, []Part) {
	if len(q) == 0 || len(c) == 0 {
		return 0, nil
	}
	if len(q) > 64 || len(c) > 64 {
		q, c = q[:min(len(q), 64)], c[:min(len(c), 64)]
	}
	var pairBuf [64]pair
	pairs := pairBuf[:0]
	for i := range q {
		for j := range c {
			s, how := tokenSim(&q[i], &c[j])
			pairs = append(pairs, pair{i, 1, j, 1, s, how})
		}
	}
	sortPairs(pairs)
	var qUsed, cUsed [64]bool
	var chosenBuf [32]pair
	chosen := greedy(pairs, q, c, &qUsed, &cUsed, chosenBuf[:0])
	// Parts written together on one side and apart on the other: only worth
	// looking for when the part-by-part alignment left something imperfect.
	var qWeak, cWeak [64]bool
	if weakParts(chosen, q, c, &qUsed, &cUsed, &qWeak, &cWeak) {
		pairs = appendJoins(pairs, q, c, &qWeak, &cWeak)
		sortPairs(pairs)
		qUsed, cUsed = [64]bool{}, [64]bool{}
		chosen = greedy(pairs, q, c, &qUsed, &cUsed, chosen[:0])
	}
	free := func(p *pair) bool { return isFree(p, &qUsed, &cUsed) }
	take := func(p *pair) { markUsed(p, &qUsed, &cUsed) }
	// Leftover real parts on both sides stand in each other's place: conflicts.
	for k := range pairs {
		p := &pairs[k]
		if p.qn != 1 || p.cn != 1 || q[p.qi].kind == kindParticle || c[p.ci].kind == kindParticle {
			continue
		}
		if free(p) {
			take(p)
			if p.sim < pairMin {
				p.how = HowConflict
			}
			chosen = append(chosen, *p)
		}
	}
	var num, den float64
	strong := false
	var parts []Part
	if explain {
		parts = make([]Part, 0, len(chosen)+4)
	}
	for _, p := range chosen {
		wq, wc := 0.0, 0.0
		name := false
		for k := p.qi; k < p.qi+p.qn; k++ {
			wq += q[k].weight()
			name = name || q[k].kind == kindName
		}
		for k := p.ci; k < p.ci+p.cn; k++ {
			wc += c[k].weight()
		}
		w := math.Min(wq, wc)
		num += w * p.sim
		den += w * (1 + conflictWeight*math.Max(0, conflictBelow-p.sim))
		if p.sim >= 0.8 && name && w >= 0.9 {
			strong = true
		}
		if explain {
			parts = append(parts, Part{Query: joinRaw(q[p.qi : p.qi+p.qn]), Candidate: joinRaw(c[p.ci : p.ci+p.cn]), How: p.how, Similarity: round4(p.sim)})
		}
	}
	for i := range q {
		if !qUsed[i] {
			den += queryOnlyCost * q[i].weight()
			if explain {
				parts = append(parts, Part{Query: q[i].raw, How: HowQueryOnly})
			}
		}
	}
	for j := range c {
		if !cUsed[j] {
			den += candOnlyCost * c[j].weight()
			if explain {
				parts = append(parts, Part{Candidate: c[j].raw, How: HowCandidateOnly})
			}
		}
	}
	if den == 0 {
		return 0, parts
	}
	score := num / den
	if !strong {
		score = math.Min(score, weakCap)
	}
	return score, parts
}

// sortPairs orders pairs best first, longer joins first among equals. An
// insertion sort: there are a few dozen pairs at most, and it is stable.
func sortPairs(pairs []pair) {
	for i := 1; i < len(pairs); i++ {
		p := pairs[i]
		j := i
		for j > 0 && pairBefore(&p, &pairs[j-1]) {
			pairs[j] = pairs[j-1]
			j--
		}
		pairs[j] = p
	}
}

func pairBefore(a, b *pair) bool {
	if a.sim != b.sim {
		return a.sim > b.sim
	}
	return a.qn+a.cn > b.qn+b.cn
}

func isFree(p *pair, qUsed, cUsed *[64]bool) bool {
	for k := p.qi; k < p.qi+p.qn; k++ {
		if qUsed[k] {
			return false
		}
	}
	for k := p.ci; k < p.ci+p.cn; k++ {
		if cUsed[k] {
			return false
		}
	}
	return true
}

func markUsed(p *pair, qUsed, cUsed *[64]bool) {
	for k := p.qi; k < p.qi+p.qn; k++ {
		qUsed[k] = true
	}
	for k := p.ci; k < p.ci+p.cn; k++ {
		cUsed[k] = true
	}
}

// greedy takes the best pairs first, each part used once; pairs under
// pairMin are left for the conflict pass.
func greedy(pairs []pair, q, c []token, qUsed, cUsed *[64]bool, chosen []pair) []pair {
	for k := range pairs {
		p := &pairs[k]
		if p.sim < pairMin {
			break
		}
		// A particle pairs only with a particle.
		if p.qn == 1 && p.cn == 1 && (q[p.qi].kind == kindParticle) != (c[p.ci].kind == kindParticle) {
			continue
		}
		if isFree(p, qUsed, cUsed) {
			markUsed(p, qUsed, cUsed)
			chosen = append(chosen, *p)
		}
	}
	return chosen
}

// weakParts marks the parts left unmatched or matched under 0.9 by the
// part-by-part alignment, and reports whether there are any on both sides:
// only those are worth trying as parts written together or apart.
func weakParts(chosen []pair, q, c []token, qUsed, cUsed, qWeak, cWeak *[64]bool) bool {
	for i := range q {
		qWeak[i] = !qUsed[i]
	}
	for j := range c {
		cWeak[j] = !cUsed[j]
	}
	for _, p := range chosen {
		if p.sim < 0.9 {
			qWeak[p.qi] = true
			cWeak[p.ci] = true
		}
	}
	anyQ, anyC := false, false
	for i := range q {
		anyQ = anyQ || qWeak[i]
	}
	for j := range c {
		anyC = anyC || cWeak[j]
	}
	return anyQ && anyC
}

func allWeak(w *[64]bool, from, n int) bool {
	for k := from; k < from+n; k++ {
		if !w[k] {
			return false
		}
	}
	return true
}

// appendJoins adds pairs of a run of weak parts on one side, written
// together, with a weak part on the other.
func appendJoins(pairs []pair, q, c []token, qWeak, cWeak *[64]bool) []pair {
	for span := 2; span <= maxJoin; span++ {
		for i := 0; i+span <= len(q); i++ {
			if !allWeak(qWeak, i, span) {
				continue
			}
			var jt token
			var initials string
			joined := false
			for j := range c {
				if !cWeak[j] {
					continue
				}
				if !joined {
					jt, initials = joinTokens(q[i : i+span])
					joined = true
				}
				if s, how := joinedSim(&jt, initials, &c[j]); s >= 0.8 {
					pairs = append(pairs, pair{i, span, j, 1, s, how})
				}
			}
		}
		for j := 0; j+span <= len(c); j++ {
			if !allWeak(cWeak, j, span) {
				continue
			}
			var jt token
			var initials string
			joined := false
			for i := range q {
				if !qWeak[i] {
					continue
				}
				if !joined {
					jt, initials = joinTokens(c[j : j+span])
					joined = true
				}
				if s, how := joinedSim(&jt, initials, &q[i]); s >= 0.8 {
					pairs = append(pairs, pair{i, 1, j, span, s, how})
				}
			}
		}
	}
	return pairs
}

// joinTokens glues adjacent tokens into one (for "Patr ushev" against
// "Patrushev") and returns their initials (for "JC" against "Jean Claude").
func joinTokens(ts []token) (token, string) {
	var latin, native, raw strings.Builder
	var initials []byte
	sc := ts[0].script
	for i := range ts {
		latin.WriteString(ts[i].latin)
		native.WriteString(ts[i].native)
		raw.WriteString(ts[i].raw)
		if ts[i].latin != "" && ts[i].kind == kindName {
			initials = append(initials, ts[i].latin[0])
		} else {
			initials = nil
		}
		if ts[i].script != sc {
			sc = scriptOther
		}
	}
	t := token{raw: raw.String(), native: native.String(), latin: latin.String(), script: sc}
	if sc == scriptOther {
		t.script = scriptLatin
	}
	t.skel = phoneticKey(t.latin)
	t.ckey = consonantKey(t.latin)
	if len(initials) != len(ts) {
		initials = nil
	}
	return t, string(initials)
}

func joinedSim(j *token, initials string, o *token) (float64, string) {
	if o.kind == kindParticle {
		return 0, HowConflict
	}
	if initials != "" && len(o.latin) == len(initials) && o.latin == initials {
		return 0.9, HowInitial
	}
	// Joined pairs count only at 0.8 and above, which a length difference
	// over a fifth of the longer rules out.
	lj, lo := len(j.latin), len(o.latin)
	if 5*(max(lj, lo)-min(lj, lo)) > max(lj, lo) && j.script == scriptLatin && o.script == scriptLatin {
		return 0, HowConflict
	}
	s, how := tokenSim(j, o)
	if how != HowInitial {
		how = HowJoined
	}
	return s, how
}

func joinRaw(ts []token) string {
	if len(ts) == 1 {
		return ts[0].raw
	}
	parts := make([]string, len(ts))
	for i := range ts {
		parts[i] = ts[i].raw
	}
	return strings.Join(parts, " ")
}
