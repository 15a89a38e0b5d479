package dna

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
)

// EvalKit is the set of loci of the evaluation and benchmark profiles: the
// 20 CODIS core loci and the extra loci of GlobalFiler/PowerPlex Fusion kits
// that the NIST 1036 set types.
var EvalKit = append(append([]string{}, CODIS20...), "SE33", "Penta_D", "Penta_E")

// EvalConfig configures [Evaluate].
type EvalConfig struct {
	// DataDir is the shared data folder (../shared/data/dna from the root).
	DataDir string
	// Seed makes the run reproducible.
	Seed uint64
	// Background is the number of synthetic unrelated profiles (offenders
	// and arrestees) that hide the real ones; a tenth as many synthetic
	// unidentified remains hide the kinship donors.
	Background int
	// Queries is the number of searches per scenario.
	Queries int
	// Population is the frequency table for drawing and weighting.
	Population string
}

// ScenarioReport is the outcome of one scenario under one rule.
type ScenarioReport struct {
	Scenario string `json:"scenario"`
	Rule     string `json:"rule"`
	Searches int    `json:"searches"`
	// Expected counts searches where the rule must find the true donor by
	// construction (enough shared loci, alleles the rule tolerates).
	Expected int `json:"expected"`
	// Found counts searches that returned the true donor; First those that
	// ranked it first.
	Found int `json:"found"`
	First int `json:"first"`
	// Missed counts expected donors not found: each one is a bug. Kinship
	// rules have no expectation (they rank, they do not exclude).
	Missed int `json:"missed"`
	// UnrelatedPerSearch is the mean number of qualifying candidates other
	// than the true contributors; UnrelatedHits counts those passing the
	// hit threshold.
	UnrelatedPerSearch float64 `json:"unrelated_per_search"`
	UnrelatedHits      int     `json:"unrelated_hits"`
	// Log10 LR of the true donor (min, median) and of the best unrelated
	// candidate (median, max over searches).
	TrueLog10LRMin     float64 `json:"true_log10_lr_min"`
	TrueLog10LRMedian  float64 `json:"true_log10_lr_median"`
	FalseLog10LRMedian float64 `json:"false_log10_lr_median"`
	FalseLog10LRMax    float64 `json:"false_log10_lr_max"`
	// SecondFound counts mixtures whose second contributor was also found.
	// For mixtures First counts searches ranking either contributor first.
	SecondFound int `json:"second_found,omitempty"`
}

// EvalReport is the accuracy report of [Evaluate].
type EvalReport struct {
	Population string           `json:"population"`
	Seed       uint64           `json:"seed"`
	Real       int              `json:"real_profiles"`
	Background int              `json:"background_profiles"`
	Scenarios  []ScenarioReport `json:"scenarios"`
	Missed     int              `json:"missed"`
}

// query is one generated search with its ground truth.
type evalQuery struct {
	profile Profile
	donor   uint64
	// alias is the same person stored again under another category (the
	// real donors are both offenders and unidentified remains).
	alias    uint64
	second   uint64
	expected map[string]bool
}

// Evaluate hides the 1,036 real NIST genotypes among synthetic profiles
// drawn from the frequencies, makes crime-scene profiles from them the way
// casework degrades them (lost loci, allele drop-out, a second contributor)
// and relatives by Mendelian inheritance, and reports per rule how often the
// true donor is found and ranked first, the unrelated candidates per search
// and the LRs of true and unrelated candidates.
func Evaluate(ctx context.Context, cfg EvalConfig) (*EvalReport, error) {
	if cfg.Background <= 0 {
		cfg.Background = 100000
	}
	if cfg.Queries <= 0 {
		cfg.Queries = 200
	}
	if cfg.Population == "" {
		cfg.Population = DefaultPopulation
	}
	pops, err := LoadPopulations(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	pop, err := pops.Lookup(cfg.Population)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(cfg.DataDir, NISTGenotypeFile))
	if err != nil {
		return nil, err
	}
	samples, err := ReadGenotypes(f, Offender)
	f.Close()
	if err != nil {
		return nil, err
	}
	kit := sortedStrings(append([]string{}, EvalKit...))
	sm, err := NewSampler(pop, kit)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	ix := NewIndex(Options{Populations: pops})
	// Real donors: offenders 1..n and, for kinship, unidentified remains
	// 1_000_001..; background from 10_000_001 on.
	const urBase, bgBase = 1_000_000, 10_000_000
	for i, s := range samples {
		p := s.Profile.Restrict(kit)
		p.Category = Offender
		if err := ix.Add(uint64(i+1), p); err != nil {
			return nil, err
		}
		p.Category = UnidentifiedRemains
		if err := ix.Add(urBase+uint64(i+1), p); err != nil {
			return nil, err
		}
	}
	var buf Profile
	for i := 0; i < cfg.Background; i++ {
		if i%65536 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		cat := Offender
		if i%4 == 3 {
			cat = Arrestee
		}
		sm.Fill(rng, &buf, cat)
		if err := ix.Add(bgBase+uint64(i), buf); err != nil {
			return nil, err
		}
	}
	for i := 0; i < cfg.Background/10; i++ {
		sm.Fill(rng, &buf, UnidentifiedRemains)
		if err := ix.Add(bgBase+uint64(cfg.Background+i), buf); err != nil {
			return nil, err
		}
	}
	ix.Compact()
	rep := &EvalReport{Population: pop.Name, Seed: cfg.Seed, Real: len(samples), Background: cfg.Background + cfg.Background/10}
	type scenario struct {
		name  string
		rules []string
		make  func(i int) evalQuery
	}
	donor := func() (int, Profile) {
		i := rng.IntN(len(samples))
		return i, samples[i].Profile.Restrict(kit)
	}
	identity := []string{"high", "moderate", "low", "prum"}
	scenarios := []scenario{
		{"full_profile", identity, func(int) evalQuery {
			i, p := donor()
			p.Category = CrimeScene
			return evalQuery{profile: p, donor: uint64(i + 1), alias: urBase + uint64(i+1), expected: all(identity...)}
		}},
		{"ess12_profile", identity, func(int) evalQuery {
			i, p := donor()
			p = p.Restrict(ESS12)
			p.Category = CrimeScene
			return evalQuery{profile: p, donor: uint64(i + 1), alias: urBase + uint64(i+1), expected: all(identity...)}
		}},
		{"issol6_profile", identity, func(int) evalQuery {
			i, p := donor()
			keep := append([]string{}, ISSOL7...)
			rng.Shuffle(len(keep), func(a, b int) { keep[a], keep[b] = keep[b], keep[a] })
			p = p.Restrict(keep[:6])
			p.Category = CrimeScene
			return evalQuery{profile: p, donor: uint64(i + 1), alias: urBase + uint64(i+1), expected: all("prum")}
		}},
		{"degraded", identity, func(int) evalQuery {
			i, p := donor()
			q, drops := degrade(rng, p, 6+rng.IntN(12), 0.08)
			q.Category = CrimeScene
			n := q.AutosomalLoci()
			exp := map[string]bool{}
			exp["moderate"] = n >= Rules["moderate"].MinSharedLoci
			exp["low"] = n >= Rules["low"].MinSharedLoci
			exp["high"] = drops == 0 && n >= Rules["high"].MinSharedLoci
			exp["prum"] = drops <= 1 && n-0 >= Rules["prum"].MinSharedLoci
			return evalQuery{profile: q, donor: uint64(i + 1), alias: urBase + uint64(i+1), expected: exp}
		}},
		{"mixture", []string{"moderate", "low"}, func(int) evalQuery {
			i, p := donor()
			j := rng.IntN(len(samples))
			for j == i {
				j = rng.IntN(len(samples))
			}
			q := mix(p, samples[j].Profile.Restrict(kit))
			q, _ = degrade(rng, q, 8+rng.IntN(len(kit)-7), 0)
			q.Category = CrimeSceneMixture
			n := q.AutosomalLoci()
			return evalQuery{profile: q, donor: uint64(i + 1), alias: urBase + uint64(i+1), second: uint64(j + 1),
				expected: map[string]bool{"moderate": n >= 8, "low": n >= 8}}
		}},
		{"child_of_remains", []string{"parent_child"}, func(int) evalQuery {
			i, p := donor()
			c := sm.Child(rng, p, Relative, 0.002)
			c.Relationship = Child
			return evalQuery{profile: c, donor: urBase + uint64(i+1)}
		}},
		{"sibling_of_remains", []string{"sibling"}, func(int) evalQuery {
			i, p := donor()
			c := sm.Sibling(rng, p, Relative)
			c.Relationship = Sibling
			return evalQuery{profile: c, donor: urBase + uint64(i+1)}
		}},
	}
	for _, sc := range scenarios {
		qs := make([]evalQuery, cfg.Queries)
		for i := range qs {
			qs[i] = sc.make(i)
		}
		for _, rule := range sc.rules {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			sr, err := runScenario(ix, sc.name, rule, pop.Name, qs)
			if err != nil {
				return nil, err
			}
			rep.Scenarios = append(rep.Scenarios, sr)
			rep.Missed += sr.Missed
		}
	}
	return rep, nil
}

func all(rules ...string) map[string]bool {
	m := map[string]bool{}
	for _, r := range rules {
		m[r] = true
	}
	return m
}

func runScenario(ix *Index, name, rule, pop string, qs []evalQuery) (ScenarioReport, error) {
	sr := ScenarioReport{Scenario: name, Rule: rule}
	var trueLR, falseLR []float64
	unrelated := 0
	kin := Rules[rule].Method == Kinship
	for _, q := range qs {
		sr.Searches++
		expected := q.expected[rule]
		if expected {
			sr.Expected++
		}
		res, err := ix.Search(Request{Query: q.profile, Rule: rule, Population: pop, Limit: MaxLimit})
		if errors.Is(err, ErrTooFewLoci) {
			if expected {
				sr.Missed++
			}
			continue
		}
		if err != nil {
			return sr, fmt.Errorf("scenario %s rule %s: %w", name, rule, err)
		}
		found := false
		bestFalse := math.Inf(-1)
		truths := 0
		for rank, c := range res.Candidates {
			switch {
			case c.ID == q.donor || q.alias != 0 && c.ID == q.alias:
				if !found {
					trueLR = append(trueLR, c.Log10LR)
				}
				found = true
				truths++
				if rank == 0 {
					sr.First++
				}
			case q.second != 0 && c.ID == q.second:
				sr.SecondFound++
				truths++
				if rank == 0 {
					sr.First++
				}
			default:
				bestFalse = math.Max(bestFalse, c.Log10LR)
				if c.Hit {
					sr.UnrelatedHits++
				}
			}
		}
		unrelated += res.Total - truths
		if !math.IsInf(bestFalse, -1) {
			falseLR = append(falseLR, bestFalse)
		}
		if found {
			sr.Found++
		} else if expected && !kin {
			sr.Missed++
		}
	}
	if sr.Searches > 0 {
		sr.UnrelatedPerSearch = float64(unrelated) / float64(sr.Searches)
	}
	sr.TrueLog10LRMin, sr.TrueLog10LRMedian = minMedian(trueLR)
	_, sr.FalseLog10LRMedian = minMedian(falseLR)
	for _, x := range falseLR {
		sr.FalseLog10LRMax = math.Max(sr.FalseLog10LRMax, round2(x))
	}
	return sr, nil
}

func minMedian(x []float64) (float64, float64) {
	if len(x) == 0 {
		return 0, 0
	}
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	return round2(s[0]), round2(s[len(s)/2])
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// degrade keeps `keep` random loci and drops one allele of each remaining
// heterozygous locus with probability dropout; it returns the number of
// dropped alleles.
func degrade(rng *rand.Rand, p Profile, keep int, dropout float64) (Profile, int) {
	q := p.Clone()
	rng.Shuffle(len(q.Loci), func(a, b int) { q.Loci[a], q.Loci[b] = q.Loci[b], q.Loci[a] })
	if keep < len(q.Loci) {
		q.Loci = q.Loci[:keep]
	}
	drops := 0
	for i := range q.Loci {
		l := &q.Loci[i]
		if len(l.Alleles) == 2 && rng.Float64() < dropout {
			k := rng.IntN(2)
			l.Alleles = []Allele{l.Alleles[k]}
			drops++
		}
	}
	sortLoci(q.Loci)
	return q, drops
}

// mix is the two-person mixture of p and q at their common loci.
func mix(p, q Profile) Profile {
	m := Profile{}
	for _, l := range p.Loci {
		o, ok := q.Locus(l.Name)
		if !ok {
			continue
		}
		x := cloneLocus(l)
		for _, a := range o.Alleles {
			_ = x.add(a.Text, false)
		}
		m.Loci = append(m.Loci, x)
	}
	return m
}
