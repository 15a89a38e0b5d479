package dna_test

import (
	"encoding/csv"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/lookout-network/lookout/dna"
)

// MustIndex builds an index over the shared populations.
func MustIndex(tb testing.TB, theta float64, profiles map[uint64]dna.Profile) *dna.Index {
	tb.Helper()
	ix := dna.NewIndex(dna.Options{Populations: MustPopulations(tb), Theta: theta})
	for id, p := range profiles {
		if err := ix.Add(id, p); err != nil {
			tb.Fatalf("add %d: %v", id, err)
		}
	}
	return ix
}

func ids(res dna.Result) map[uint64]dna.Candidate {
	m := map[uint64]dna.Candidate{}
	for _, c := range res.Candidates {
		m[c.ID] = c
	}
	return m
}

// The SWGDAM 2009 worked examples of the domain note, plus a low-only and a
// no-match locus, each searched in both directions.
func TestCODISStringencies(t *testing.T) {
	cases := []struct {
		name, locus string
		a, b        []string
		level       string // high, moderate, low or none
	}{
		{"SWGDAM_D8S1179", "D8S1179", []string{"13"}, []string{"13", "14"}, "moderate"},
		{"SWGDAM_D21S11", "D21S11", []string{"28", "31.2"}, []string{"28", "31.2"}, "high"},
		{"SWGDAM_D7S820", "D7S820", []string{"10", "12"}, []string{"10"}, "moderate"},
		{"SharedOneAllele", "FGA", []string{"20", "21"}, []string{"21", "22"}, "low"},
		{"NothingShared", "FGA", []string{"20", "21"}, []string{"22", "23"}, "none"},
		{"Microvariant", "TH01", []string{"9.3"}, []string{"9"}, "none"},
	}
	rank := map[string]int{"high": 0, "moderate": 1, "low": 2, "none": 3}
	for _, c := range cases {
		for _, dir := range []string{"", "Reversed"} {
			q, d := c.a, c.b
			if dir != "" {
				q, d = d, q
			}
			ix := MustIndex(t, 0, map[uint64]dna.Profile{7: MustProfile(t, dna.Offender, map[string][]string{c.locus: d})})
			for _, rule := range []string{"high", "moderate", "low"} {
				t.Run(c.name+dir+"/"+rule, func(t *testing.T) {
					res, err := ix.Search(dna.Request{Query: MustProfile(t, dna.CrimeScene, map[string][]string{c.locus: q}), Rule: rule, MinSharedLoci: 1})
					if err != nil {
						t.Fatal(err)
					}
					want := rank[c.level] <= rank[rule]
					if got := len(res.Candidates) == 1; got != want {
						t.Fatalf("%s %v vs %v under %s: found %v; want %v", c.locus, q, d, rule, got, want)
					}
					if want {
						m := res.Candidates[0].Match
						if (c.level == "high") != (m == dna.FullMatch) {
							t.Errorf("match kind %q for level %s", m, c.level)
						}
					}
				})
			}
		}
	}
}

func issol(vals ...string) map[string][]string {
	m := map[string][]string{}
	for i, n := range dna.ISSOL7 {
		if i < len(vals)/2 && vals[2*i] != "" {
			m[n] = []string{vals[2*i], vals[2*i+1]}
		}
	}
	return m
}

func TestPrum(t *testing.T) {
	// ISSOL order: vWA, TH01, D21S11, FGA, D8S1179, D3S1358, D18S51.
	ref := issol("16", "17", "6", "9.3", "28", "30", "21", "22", "13", "14", "15", "16", "12", "17")
	ix := MustIndex(t, 0, map[uint64]dna.Profile{1: MustProfile(t, dna.Offender, ref)})
	cases := []struct {
		name  string
		query map[string][]string
		want  dna.MatchKind // "" = not found
		mism  int
	}{
		{"FullMatch", ref, dna.FullMatch, 0},
		{"NearMatchOneAllele", issol("16", "17", "6", "9.3", "28", "30", "21", "23", "13", "14", "15", "16", "12", "17"), dna.NearMatch, 1},
		{"NearMatchDropOut", issol("16", "16", "6", "9.3", "28", "30", "21", "22", "13", "14", "15", "16", "12", "17"), dna.NearMatch, 1},
		{"NoMatchTwoAlleles", issol("16", "17", "6", "9.3", "28", "30", "21", "23", "13", "15", "15", "16", "12", "17"), "", 0},
		{"WildcardNonNumeric", issol("16", "OL", "6", "9.3", "28", "30", "21", "22", "13", "14", "15", "16", "12", "17"), dna.FullMatch, 0},
		{"WildcardPlaceholder99", issol("16", "17", "6", "9.3", "28", "30", "21", "22", "13", "14", "15", "99", "12", "17"), dna.FullMatch, 0},
		{"MicrovariantWindowBelow", issol("16", "17", "6", "9.2", "28", "30", "21", "22", "13", "14", "15", "16", "12", "17"), dna.FullMatch, 0},
		{"MicrovariantWindowAbove", issol("16", "17", "6", "10", "28", "30", "21", "22", "13", "14", "15", "16", "12", "17"), dna.FullMatch, 0},
		{"MicrovariantOutsideWindow", issol("16", "17", "6", "9", "28", "30", "21", "22", "13", "14", "15", "16", "12", "17"), dna.NearMatch, 1},
		{"SixLociEnough", issol("16", "17", "6", "9.3", "28", "30", "21", "22", "13", "14", "15", "16"), dna.FullMatch, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := ix.Search(dna.Request{Query: MustProfile(t, dna.CrimeScene, c.query), Rule: "prum"})
			if err != nil {
				t.Fatal(err)
			}
			got := ids(res)[1]
			if got.Match != c.want || (c.want != "" && got.Mismatches != c.mism) {
				t.Fatalf("match %q with %d mismatches; want %q with %d", got.Match, got.Mismatches, c.want, c.mism)
			}
		})
	}
	t.Run("ThirdAlleleBecomesWildcard", func(t *testing.T) {
		q := MustProfile(t, dna.CrimeScene, ref)
		// a third allele at vWA: the first is kept, the rest become "*"
		q.Loci = nil
		m := map[string][]string{}
		for k, v := range ref {
			m[k] = v
		}
		m["vWA"] = []string{"17", "19", "20"}
		q = MustProfile(t, dna.CrimeScene, m)
		res, err := ix.Search(dna.Request{Query: q, Rule: "prum"})
		if err != nil {
			t.Fatal(err)
		}
		got := ids(res)[1]
		if got.Match != dna.FullMatch || got.SharedLoci != 6 {
			t.Fatalf("got %q with %d shared loci; want full over 6 (the wildcard locus is not full)", got.Match, got.SharedLoci)
		}
	})
	t.Run("ErrTooFewLoci", func(t *testing.T) {
		_, err := ix.Search(dna.Request{Query: MustProfile(t, dna.CrimeScene, issol("16", "17", "6", "9.3", "28", "30", "21", "22", "13", "14")), Rule: "prum"})
		if !errors.Is(err, dna.ErrTooFewLoci) {
			t.Fatalf("error = %v; want ErrTooFewLoci", err)
		}
	})
	t.Run("FiveSharedNotFound", func(t *testing.T) {
		q := issol("16", "17", "6", "9.3", "28", "30", "21", "22", "13", "14")
		q["SE33"] = []string{"20", "21"}
		res, err := ix.Search(dna.Request{Query: MustProfile(t, dna.CrimeScene, q), Rule: "prum"})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Candidates) != 0 {
			t.Fatalf("found %+v with only 5 shared loci", res.Candidates)
		}
	})
}

func TestSearchMatrix(t *testing.T) {
	p := MustProfile(t, dna.Offender, fullLoci())
	rel := p
	rel.Category, rel.Relationship = dna.Relative, dna.Mother
	ur := p
	ur.Category = dna.UnidentifiedRemains
	ix := MustIndex(t, 0, map[uint64]dna.Profile{1: p, 2: rel, 3: ur})
	t.Run("OKCrimeSceneNeverSeesRelatives", func(t *testing.T) {
		q := p
		q.Category = dna.CrimeScene
		res, err := ix.Search(dna.Request{Query: q, Rule: "moderate"})
		if err != nil {
			t.Fatal(err)
		}
		got := ids(res)
		if _, ok := got[2]; ok || len(got) != 2 {
			t.Fatalf("candidates %v; want offender and remains, never the relative", got)
		}
	})
	t.Run("ErrRelativeUnderIdentityRule", func(t *testing.T) {
		_, err := ix.Search(dna.Request{Query: rel, Rule: "moderate"})
		if !errors.Is(err, dna.ErrNotAllowed) {
			t.Fatalf("error = %v; want ErrNotAllowed", err)
		}
	})
	t.Run("ErrTargetOutsideMatrix", func(t *testing.T) {
		q := p
		q.Category = dna.CrimeScene
		_, err := ix.Search(dna.Request{Query: q, Rule: "moderate", Targets: dna.Of(dna.Offender, dna.Relative)})
		if !errors.Is(err, dna.ErrNotAllowed) {
			t.Fatalf("error = %v; want ErrNotAllowed", err)
		}
	})
	t.Run("OKNarrowedTargets", func(t *testing.T) {
		q := p
		q.Category = dna.CrimeScene
		res, err := ix.Search(dna.Request{Query: q, Rule: "high", Targets: dna.Of(dna.UnidentifiedRemains)})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(res); len(got) != 1 || got[3].ID != 3 {
			t.Fatalf("candidates %v; want only the remains", got)
		}
	})
	t.Run("ErrUnknownRule", func(t *testing.T) {
		if _, err := ix.Search(dna.Request{Query: p, Rule: "medium"}); err == nil {
			t.Fatal("rule medium accepted")
		}
	})
	t.Run("ErrUnknownPopulation", func(t *testing.T) {
		if _, err := ix.Search(dna.Request{Query: p, Rule: "high", Population: "Atlantis"}); err == nil {
			t.Fatal("population Atlantis accepted")
		}
	})
	t.Run("ErrRelationshipDoesNotFitRule", func(t *testing.T) {
		if _, err := ix.Search(dna.Request{Query: rel, Rule: "sibling"}); err == nil {
			t.Fatal("a mother searched under the sibling rule")
		}
	})
}

// freq reads an allele frequency from the shared CSV, independently of the
// package, for hand computations.
func freq(t *testing.T, pop, locus, allele string) float64 {
	t.Helper()
	f, err := os.Open(filepath.Join(dataDir, dna.NISTFrequencyFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r[0] == pop && r[1] == locus && r[2] == allele {
			p, _ := strconv.ParseFloat(r[5], 64)
			return p
		}
	}
	t.Fatalf("no frequency for %s %s %s", pop, locus, allele)
	return 0
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(math.Abs(a), math.Abs(b)) }

func TestLikelihoodRatio(t *testing.T) {
	p13, p14 := freq(t, "Cauc", "D8S1179", "13"), freq(t, "Cauc", "D8S1179", "14")
	p17 := freq(t, "Cauc", "vWA", "17")
	db := MustProfile(t, dna.Offender, map[string][]string{"D8S1179": {"13", "14"}, "vWA": {"17"}})
	het := func(p, q, th float64) float64 {
		return 2 * (th + (1-th)*p) * (th + (1-th)*q) / ((1 + th) * (1 + 2*th))
	}
	hom := func(p, th float64) float64 {
		return (2*th + (1-th)*p) * (3*th + (1-th)*p) / ((1 + th) * (1 + 2*th))
	}
	cases := []struct {
		name  string
		theta float64 // index option: -1 none
		th    float64
	}{{"HardyWeinberg", -1, 0}, {"Theta001", 0.01, 0.01}, {"Theta003", 0.03, 0.03}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ix := MustIndex(t, c.theta, map[uint64]dna.Profile{1: db})
			res, err := ix.Search(dna.Request{Query: MustProfile(t, dna.CrimeScene, map[string][]string{"D8S1179": {"14", "13"}, "vWA": {"17"}}),
				Rule: "high", Population: "NIST_Cauc", MinSharedLoci: 2})
			if err != nil || len(res.Candidates) != 1 {
				t.Fatalf("search: %v %+v", err, res)
			}
			rmp := het(p13, p14, c.th) * hom(p17, c.th)
			got := res.Candidates[0]
			if !near(got.RandomMatchProbability, rmp) || !near(got.LikelihoodRatio, 1/rmp) {
				t.Fatalf("RMP %g LR %g; want %g and %g", got.RandomMatchProbability, got.LikelihoodRatio, rmp, 1/rmp)
			}
			if c.th == 0 && !near(rmp, 2*p13*p14*p17*p17) {
				t.Fatalf("theta 0 formula is not Hardy-Weinberg")
			}
		})
	}
	t.Run("ModeratePartialLocus", func(t *testing.T) {
		ix := MustIndex(t, -1, map[uint64]dna.Profile{1: db})
		res, err := ix.Search(dna.Request{Query: MustProfile(t, dna.CrimeScene, map[string][]string{"D8S1179": {"13"}, "vWA": {"17"}}),
			Rule: "moderate", Population: "NIST_Cauc", MinSharedLoci: 2})
		if err != nil || len(res.Candidates) != 1 {
			t.Fatalf("search: %v %+v", err, res)
		}
		// a single 13 may hide a second allele: the chance a random person
		// carries a 13 is 1-(1-p)^2
		rmp := (1 - (1-p13)*(1-p13)) * p17 * p17
		got := res.Candidates[0]
		if got.Match != dna.PartialMatch || got.Mismatches != 1 || !near(got.RandomMatchProbability, rmp) {
			t.Fatalf("got %+v; want partial, 1 mismatch, RMP %g", got, rmp)
		}
	})
	t.Run("RareAlleleFloor", func(t *testing.T) {
		rare := MustProfile(t, dna.Offender, map[string][]string{"D8S1179": {"13", "25"}})
		ix := MustIndex(t, -1, map[uint64]dna.Profile{1: rare})
		res, err := ix.Search(dna.Request{Query: MustProfile(t, dna.CrimeScene, map[string][]string{"D8S1179": {"13", "25"}}),
			Rule: "high", Population: "NIST_Cauc", MinSharedLoci: 1})
		if err != nil || len(res.Candidates) != 1 {
			t.Fatalf("search: %v %+v", err, res)
		}
		floor := 5.0 / 722 // 5/2N, 361 Caucasians
		if want := 2 * p13 * floor; !near(res.Candidates[0].RandomMatchProbability, want) {
			t.Fatalf("RMP %g; want %g with the 5/2N floor", res.Candidates[0].RandomMatchProbability, want)
		}
	})
	t.Run("RandomMatchProbabilityFunction", func(t *testing.T) {
		pop, _ := MustPopulations(t).Lookup("NIST_Cauc")
		got := dna.RandomMatchProbability(db, pop, 0.01)
		if want := het(p13, p14, 0.01) * hom(p17, 0.01); !near(got, want) {
			t.Fatalf("RandomMatchProbability = %g; want %g", got, want)
		}
	})
}

func TestKinshipIndex(t *testing.T) {
	pop, _ := MustPopulations(t).Lookup("NIST_All")
	p13, p15 := freq(t, "All", "D8S1179", "13"), freq(t, "All", "D8S1179", "15")
	mu := dna.Rules["parent_child"].Mutation
	cases := []struct {
		name, rule string
		a, b       []string
		want       float64
	}{
		{"ParentChildHomozygote", "parent_child", []string{"13"}, []string{"13", "15"}, (1 - mu) / (2 * p13)},
		{"ParentChildShareOne", "parent_child", []string{"13", "11"}, []string{"13", "15"}, (1 - mu) / (4 * p13)},
		{"ParentChildMutation", "parent_child", []string{"14"}, []string{"13", "15"}, (mu/2*p15 + mu/2*p13) / (2 * p13 * p15)},
		{"SiblingShareOne", "sibling", []string{"13"}, []string{"13", "15"}, 0.25 + 0.5/(2*p13)},
		{"SiblingIdentical", "sibling", []string{"13", "15"}, []string{"13", "15"}, 0.25 + 0.5*(p15/2+p13/2)/(2*p13*p15) + 0.25/(2*p13*p15)},
		{"SiblingNothingShared", "sibling", []string{"11"}, []string{"13", "15"}, 0.25},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := MustProfile(t, dna.UnidentifiedRemains, map[string][]string{"D8S1179": c.a})
			b := MustProfile(t, dna.Relative, map[string][]string{"D8S1179": c.b})
			got, shared, err := dna.KinshipIndex(a, b, c.rule, pop)
			if err != nil || shared != 1 || !near(got, c.want) {
				t.Fatalf("KinshipIndex = %g (%d loci, %v); want %g", got, shared, err, c.want)
			}
		})
	}
	t.Run("ErrNotKinshipRule", func(t *testing.T) {
		a := MustProfile(t, dna.UnidentifiedRemains, map[string][]string{"D8S1179": {"13"}})
		if _, _, err := dna.KinshipIndex(a, a, "moderate", pop); err == nil {
			t.Fatal("moderate accepted as a kinship rule")
		}
	})
}

func TestKinshipSearch(t *testing.T) {
	pops := MustPopulations(t)
	pop, _ := pops.Lookup("NIST_All")
	samples := MustSamples(t, dna.UnidentifiedRemains)
	kit := dna.EvalKit
	sm, err := dna.NewSampler(pop, sortedCopy(kit))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	ix := dna.NewIndex(dna.Options{Populations: pops})
	// 50 families: a child and a sibling of each real person, filed as relatives.
	for i := 0; i < 50; i++ {
		p := samples[i].Profile.Restrict(kit)
		c := sm.Child(rng, p, dna.Relative, 0)
		c.Relationship = dna.Child
		s := sm.Sibling(rng, p, dna.Relative)
		s.Relationship = dna.Sibling
		if err := ix.Add(uint64(1000+i), c); err != nil {
			t.Fatal(err)
		}
		if err := ix.Add(uint64(2000+i), s); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 50; i++ {
		q := samples[i].Profile.Restrict(kit)
		res, err := ix.Search(dna.Request{Query: q, Rule: "parent_child", Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Candidates) == 0 || res.Candidates[0].ID != uint64(1000+i) || res.Candidates[0].Match != dna.KinshipMatch {
			t.Errorf("remains %d: parent-child candidates %+v; want child %d first", i, res.Candidates, 1000+i)
		}
		for _, c := range res.Candidates {
			if c.Relationship != dna.Child {
				t.Errorf("parent-child search returned a %s", c.Relationship)
			}
		}
		res, err = ix.Search(dna.Request{Query: q, Rule: "sibling", Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Candidates) > 0 && res.Candidates[0].ID != uint64(2000+i) {
			t.Logf("remains %d: sibling ranked %d first (siblings may share little)", i, res.Candidates[0].ID)
		}
		for _, c := range res.Candidates {
			if c.Relationship != dna.Sibling {
				t.Errorf("sibling search returned a %s", c.Relationship)
			}
		}
	}
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func TestAddRemove(t *testing.T) {
	samples := MustSamples(t, dna.Offender)
	ix := MustIndex(t, 0, nil)
	for i := 0; i < 300; i++ {
		if err := ix.Add(uint64(i+1), samples[i].Profile); err != nil {
			t.Fatal(err)
		}
	}
	q := samples[42].Profile
	q.Category = dna.CrimeScene
	search := func() map[uint64]dna.Candidate {
		res, err := ix.Search(dna.Request{Query: q, Rule: "high"})
		if err != nil {
			t.Fatal(err)
		}
		return ids(res)
	}
	if _, ok := search()[43]; !ok || ix.Len() != 300 {
		t.Fatalf("profile 43 not found before removal (len %d)", ix.Len())
	}
	if !ix.Remove(43) {
		t.Fatal("Remove(43) = false")
	}
	if ix.Remove(43) {
		t.Fatal("second Remove(43) = true")
	}
	if _, ok := search()[43]; ok || ix.Len() != 299 {
		t.Fatalf("profile 43 found after removal (len %d)", ix.Len())
	}
	if err := ix.Replace(43, samples[42].Profile); err != nil {
		t.Fatal(err)
	}
	if _, ok := search()[43]; !ok {
		t.Fatal("profile 43 not found after Replace")
	}
	t.Run("ErrBadAllele", func(t *testing.T) {
		bad := dna.Profile{Category: dna.Offender, Loci: []dna.Locus{{Name: "FGA", Alleles: []dna.Allele{{Text: "2x"}}}}}
		if err := ix.Add(9999, bad); err == nil {
			t.Fatal("allele 2x accepted")
		}
	})
}

// Mixtures, obligate alleles and loci outside the fixed rows live in the
// general store and must be searched by the same rules.
func TestGeneralStore(t *testing.T) {
	samples := MustSamples(t, dna.Offender)
	a, b := samples[0].Profile, samples[1].Profile
	mixLoci := map[string][]string{}
	for _, l := range a.Loci {
		o, _ := b.Locus(l.Name)
		var calls []string
		for _, x := range append(append([]dna.Allele{}, l.Alleles...), o.Alleles...) {
			calls = append(calls, x.Text)
		}
		mixLoci[l.Name] = calls
	}
	mixture := MustProfile(t, dna.CrimeSceneMixture, mixLoci)
	// obligate allele that b does not carry at FGA
	ob := map[string][]string{}
	for k, v := range mixLoci {
		ob[k] = v
	}
	fa, _ := a.Locus("FGA")
	fb, _ := b.Locus("FGA")
	onlyA := ""
	for _, x := range fa.Alleles {
		inB := false
		for _, y := range fb.Alleles {
			inB = inB || x.Text == y.Text
		}
		if !inB {
			onlyA = x.Text
		}
	}
	if onlyA == "" {
		t.Skip("samples 0 and 1 share FGA alleles")
	}
	var calls []string
	for _, x := range ob["FGA"] {
		if x == onlyA {
			x += "!"
		}
		calls = append(calls, x)
	}
	ob["FGA"] = calls
	obligate := MustProfile(t, dna.CrimeSceneMixture, ob)
	ix := MustIndex(t, 0, map[uint64]dna.Profile{1: mixture, 2: obligate})
	for _, tc := range []struct {
		name   string
		q      dna.Profile
		want   map[uint64]bool
		method string
	}{
		{"ContributorAFindsBoth", a, map[uint64]bool{1: true, 2: true}, "moderate"},
		{"ContributorBMissesObligate", b, map[uint64]bool{1: true}, "moderate"},
		{"HighFindsNeither", a, map[uint64]bool{}, "high"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ix.Search(dna.Request{Query: tc.q, Rule: tc.method})
			if err != nil {
				t.Fatal(err)
			}
			got := ids(res)
			if len(got) != len(tc.want) {
				t.Fatalf("candidates %v; want %v", got, tc.want)
			}
			for id := range tc.want {
				if _, ok := got[id]; !ok {
					t.Fatalf("candidates %v; want %v", got, tc.want)
				}
			}
		})
	}
	t.Run("MixtureQueryFindsContributors", func(t *testing.T) {
		ix := MustIndex(t, 0, map[uint64]dna.Profile{1: a, 2: b, 3: samples[2].Profile})
		res, err := ix.Search(dna.Request{Query: mixture, Rule: "moderate"})
		if err != nil {
			t.Fatal(err)
		}
		got := ids(res)
		if _, ok := got[3]; ok || got[1].ID != 1 || got[2].ID != 2 {
			t.Fatalf("candidates %v; want the two contributors", got)
		}
	})
	t.Run("ExtraLocusOutsideRows", func(t *testing.T) {
		extra := MustProfile(t, dna.Offender, map[string][]string{"CD4": {"10", "11"}})
		extra.Loci = append(extra.Loci, a.Loci...)
		ix := MustIndex(t, 0, map[uint64]dna.Profile{1: sorted(extra)})
		q := sorted(extra)
		q.Category = dna.CrimeScene
		res, err := ix.Search(dna.Request{Query: q, Rule: "high"})
		if err != nil || len(res.Candidates) != 1 || res.Candidates[0].SharedLoci != a.AutosomalLoci()+1 {
			t.Fatalf("search: %v %+v; want one candidate sharing %d loci", err, res.Candidates, a.AutosomalLoci()+1)
		}
	})
}

func sorted(p dna.Profile) dna.Profile {
	ls := p.Loci
	for i := 1; i < len(ls); i++ {
		for j := i; j > 0 && ls[j].Name < ls[j-1].Name; j-- {
			ls[j], ls[j-1] = ls[j-1], ls[j]
		}
	}
	return p
}

func TestSearchRanking(t *testing.T) {
	samples := MustSamples(t, dna.Offender)
	ix := MustIndex(t, 0, nil)
	for i, s := range samples {
		if err := ix.Add(uint64(i+1), s.Profile); err != nil {
			t.Fatal(err)
		}
	}
	q := samples[10].Profile.Restrict(dna.ISSOL7[:6])
	q.Category = dna.CrimeScene
	res, err := ix.Search(dna.Request{Query: q, Rule: "low", MinSharedLoci: 6, Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Candidates) == 0 || res.Candidates[0].ID != 11 {
		t.Fatalf("first candidate %+v; want the donor 11", res.Candidates)
	}
	if res.Total < len(res.Candidates) || len(res.Candidates) > 20 {
		t.Fatalf("total %d, returned %d, limit 20", res.Total, len(res.Candidates))
	}
	for i := 1; i < len(res.Candidates); i++ {
		if res.Candidates[i].Log10LR > res.Candidates[i-1].Log10LR {
			t.Fatalf("candidates not ranked by LR: %v then %v", res.Candidates[i-1].Log10LR, res.Candidates[i].Log10LR)
		}
	}
}

func TestCheckRarity(t *testing.T) {
	pop, _ := MustPopulations(t).Lookup("NIST_All")
	samples := MustSamples(t, dna.CrimeScene)
	t.Run("OKFullProfile", func(t *testing.T) {
		if err := dna.CheckRarity(samples[0].Profile, pop, 0.01); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrThreeLoci", func(t *testing.T) {
		p := samples[0].Profile.Restrict([]string{"TPOX", "TH01", "D5S818"})
		if err := dna.CheckRarity(p, pop, 0.01); err == nil {
			t.Fatal("a 3-locus crime-scene profile passed the 1 in 10 million floor")
		}
	})
	t.Run("ErrBroadMixture", func(t *testing.T) {
		m := map[string][]string{}
		for _, n := range dna.ISSOL7 {
			m[n] = []string{"10", "11", "12", "13", "14", "15", "16", "17"}
		}
		if err := dna.CheckRarity(MustProfile(t, dna.CrimeSceneMixture, m), pop, 0.01); err == nil {
			t.Fatal("an 8-allele mixture at 7 loci passed the rarity floor")
		}
	})
	t.Run("OKNoFloorForOffenders", func(t *testing.T) {
		p := samples[0].Profile.Restrict([]string{"TPOX"})
		p.Category = dna.Offender
		if err := dna.CheckRarity(p, pop, 0.01); err != nil {
			t.Fatal(err)
		}
	})
}
