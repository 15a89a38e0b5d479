package dna

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"strings"
)

// Sample is one real genotype of the NIST 1036 set.
type Sample struct {
	ID         string
	Population string
	Profile    Profile
}

// ReadGenotypes reads the NIST 1036 genotype CSV
// (sample,population,<LOCUS>_1,<LOCUS>_2,...). Two empty cells are no call.
// Profiles get the given category.
func ReadGenotypes(r io.Reader, cat Category) ([]Sample, error) {
	cr := csv.NewReader(r)
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	if len(head) < 4 || head[0] != "sample" || head[1] != "population" || len(head)%2 != 0 {
		return nil, fmt.Errorf("header does not start with sample,population and pairs of allele columns")
	}
	var names []string
	for i := 2; i < len(head); i += 2 {
		base, ok := strings.CutSuffix(head[i], "_1")
		if !ok || head[i+1] != base+"_2" {
			return nil, fmt.Errorf("columns %q and %q are not a locus pair", head[i], head[i+1])
		}
		canon, err := CanonicalLocus(base)
		if err != nil {
			return nil, err
		}
		names = append(names, canon)
	}
	var out []Sample
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		p := Profile{Category: cat}
		for i, n := range names {
			a, b := strings.TrimSpace(rec[2+2*i]), strings.TrimSpace(rec[3+2*i])
			if a == "" && b == "" {
				continue
			}
			l := Locus{Name: n}
			for _, x := range []string{a, b} {
				if x == "" {
					continue
				}
				if err := l.add(x, false); err != nil {
					return nil, fmt.Errorf("line %d sample %q: %w", line, rec[0], err)
				}
			}
			p.Loci = append(p.Loci, l)
		}
		sortLoci(p.Loci)
		out = append(out, Sample{ID: rec[0], Population: rec[1], Profile: p})
	}
	return out, nil
}

// Sampler draws synthetic genotypes from a population's allele
// frequencies under Hardy-Weinberg: the unrelated background that hides the
// real profiles in the evaluation and fills the benchmark index.
type Sampler struct {
	Loci    []string
	alleles [][]string
	cum     [][]float64
}

// NewSampler prepares draws at the given canonical loci; every locus must
// be in the population table.
func NewSampler(pop *Population, loci []string) (*Sampler, error) {
	s := &Sampler{Loci: loci}
	for _, n := range loci {
		lf := pop.loci[n]
		if lf == nil {
			return nil, fmt.Errorf("population %s has no frequencies for locus %q", pop.Name, n)
		}
		var as []string
		for a := range lf.freq {
			as = append(as, a)
		}
		sort.Strings(as)
		cum := make([]float64, len(as))
		t := 0.0
		for i, a := range as {
			t += lf.freq[a]
			cum[i] = t
		}
		for i := range cum {
			cum[i] /= t
		}
		s.alleles = append(s.alleles, as)
		s.cum = append(s.cum, cum)
	}
	return s, nil
}

// Allele draws one allele at the i-th locus of the sampler.
func (s *Sampler) Allele(rng *rand.Rand, i int) string {
	u := rng.Float64()
	cum := s.cum[i]
	j := sort.SearchFloat64s(cum, u)
	if j >= len(cum) {
		j = len(cum) - 1
	}
	return s.alleles[i][j]
}

// Profile draws a whole single-source profile.
func (s *Sampler) Profile(rng *rand.Rand, cat Category) Profile {
	p := Profile{Category: cat, Loci: make([]Locus, 0, len(s.Loci))}
	for i, n := range s.Loci {
		a, b := s.Allele(rng, i), s.Allele(rng, i)
		p.Loci = append(p.Loci, pairLocus(n, a, b))
	}
	sortLoci(p.Loci)
	return p
}

func pairLocus(name, a, b string) Locus {
	if a == b {
		return Locus{Name: name, Alleles: []Allele{{Text: a}}}
	}
	return Locus{Name: name, Alleles: []Allele{{Text: a}, {Text: b}}}
}

// Child draws a child of parent p whose other parent is random, by
// Mendelian inheritance at the sampler's loci; with probability mu per locus
// the transmitted allele moves one repeat.
func (s *Sampler) Child(rng *rand.Rand, p Profile, cat Category, mu float64) Profile {
	c := Profile{Category: cat}
	for i, n := range s.Loci {
		l, ok := p.Locus(n)
		if !ok {
			continue
		}
		from := pick(rng, l)
		if rng.Float64() < mu {
			from = stepAllele(from, rng)
		}
		c.Loci = append(c.Loci, pairLocus(n, from, s.Allele(rng, i)))
	}
	sortLoci(c.Loci)
	return c
}

// Sibling draws a full sibling of p: per locus both alleles identical by
// descent with probability 1/4, one with 1/2, none with 1/4.
func (s *Sampler) Sibling(rng *rand.Rand, p Profile, cat Category) Profile {
	c := Profile{Category: cat}
	for i, n := range s.Loci {
		l, ok := p.Locus(n)
		if !ok {
			continue
		}
		u := rng.Float64()
		switch {
		case u < 0.25:
			c.Loci = append(c.Loci, cloneLocus(l))
		case u < 0.75:
			c.Loci = append(c.Loci, pairLocus(n, pick(rng, l), s.Allele(rng, i)))
		default:
			c.Loci = append(c.Loci, pairLocus(n, s.Allele(rng, i), s.Allele(rng, i)))
		}
	}
	sortLoci(c.Loci)
	return c
}

func pick(rng *rand.Rand, l Locus) string {
	if len(l.Alleles) == 1 {
		return l.Alleles[0].Text
	}
	return l.Alleles[rng.IntN(2)].Text
}

func stepAllele(a string, rng *rand.Rand) string {
	v, _, err := parseAllele("", a)
	if err != nil || v.kind != Repeat || v.tenths < 20 {
		return a
	}
	if rng.IntN(2) == 0 {
		v.tenths -= 10
	} else {
		v.tenths += 10
	}
	return formatTenths(v.tenths)
}

func formatTenths(t int32) string {
	if t%10 == 0 {
		return fmt.Sprint(t / 10)
	}
	return fmt.Sprintf("%d.%d", t/10, t%10)
}

func cloneLocus(l Locus) Locus {
	return Locus{Name: l.Name, Alleles: append([]Allele(nil), l.Alleles...)}
}

// Clone returns a deep copy of the profile.
func (p Profile) Clone() Profile {
	q := p
	q.Loci = make([]Locus, len(p.Loci))
	for i, l := range p.Loci {
		q.Loci[i] = cloneLocus(l)
	}
	return q
}

// Restrict returns a copy typed only at the listed loci.
func (p Profile) Restrict(loci []string) Profile {
	keep := map[string]bool{}
	for _, n := range loci {
		keep[n] = true
	}
	q := p
	q.Loci = nil
	for _, l := range p.Loci {
		if keep[l.Name] {
			q.Loci = append(q.Loci, cloneLocus(l))
		}
	}
	return q
}

// Fill draws a profile into p, reusing its storage, so that loading tens of
// millions of synthetic profiles does not allocate per profile. The
// sampler's loci must be sorted.
func (s *Sampler) Fill(rng *rand.Rand, p *Profile, cat Category) {
	p.Category, p.Relationship = cat, NoRelationship
	if len(p.Loci) != len(s.Loci) {
		p.Loci = make([]Locus, len(s.Loci))
		for i, n := range s.Loci {
			p.Loci[i] = Locus{Name: n, Alleles: make([]Allele, 0, 2)}
		}
	}
	for i := range s.Loci {
		a, b := s.Allele(rng, i), s.Allele(rng, i)
		l := &p.Loci[i]
		l.Alleles = append(l.Alleles[:0], Allele{Text: a})
		if b != a {
			l.Alleles = append(l.Alleles, Allele{Text: b})
		}
	}
}
