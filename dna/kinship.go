package dna

import (
	"fmt"
	"math"
)

// transmit is the probability that a parent with alleles a passes on an
// allele of value x (tenths), with a single-step mutation model: the allele
// is copied with probability 1-mu and moves one repeat up or down with
// probability mu/2 each.
func transmit(a []alleleValue, x alleleValue, mu float64) float64 {
	var t float64
	for _, v := range a {
		switch x.tenths {
		case v.tenths:
			t += 1 - mu
		case v.tenths - 10, v.tenths + 10:
			t += mu / 2
		}
	}
	return t / float64(len(a))
}

// kinshipIndex is the per-locus kinship index of genotype b given the
// reference genotype a, both one or two repeat alleles, with frequencies fb
// of b's alleles: KI = k0 + k1*P1/P(b) + k2*[b=a]/P(b), where P1 is the
// probability of b when one allele descends from a (with mutation) and the
// other is drawn from the population.
func kinshipIndex(a, b []alleleValue, fb []float64, r Rule) float64 {
	if len(a) == 1 {
		a = []alleleValue{a[0], a[0]}
	}
	var pb, p1 float64
	if len(b) == 1 || b[0].tenths == b[1].tenths {
		pb = fb[0] * fb[0]
		p1 = transmit(a, b[0], r.Mutation) * fb[0]
	} else {
		pb = 2 * fb[0] * fb[1]
		p1 = transmit(a, b[0], r.Mutation)*fb[1] + transmit(a, b[1], r.Mutation)*fb[0]
	}
	ki := r.K0 + r.K1*p1/pb
	if r.K2 > 0 && sameGenotype(a, b) {
		ki += r.K2 / pb
	}
	return ki
}

func sameGenotype(a, b []alleleValue) bool {
	x1, x2 := a[0].tenths, a[len(a)-1].tenths
	y1, y2 := b[0].tenths, b[len(b)-1].tenths
	if x1 > x2 {
		x1, x2 = x2, x1
	}
	if y1 > y2 {
		y1, y2 = y2, y1
	}
	return x1 == y1 && x2 == y2
}

// kinshipTable precomputes log10 KI for every code pair of a locus given the
// query genotype; nil when the query carries a non-repeat allele.
func kinshipTable(d *locusDict, locus string, q []alleleValue, pop *Population, r Rule) []float32 {
	for _, v := range q {
		if v.kind != Repeat {
			return nil
		}
	}
	n := len(d.vals)
	tab := make([]float32, n*n)
	freq := make([]float64, n)
	for c := 1; c < n; c++ {
		freq[c], _ = pop.Frequency(locus, d.texts[c])
	}
	for x := 1; x < n; x++ {
		for y := x; y < n; y++ {
			if d.vals[x].kind != Repeat || d.vals[y].kind != Repeat {
				continue // an off-ladder call weighs nothing either way
			}
			ki := kinshipIndex(q, []alleleValue{d.vals[x], d.vals[y]}, []float64{freq[x], freq[y]}, r)
			lg := float32(math.Log10(math.Max(ki, 1e-12)))
			tab[x*n+y], tab[y*n+x] = lg, lg
		}
	}
	return tab
}

// KinshipIndex computes the combined kinship index of two single-source
// profiles under a kinship rule ("parent_child" or "sibling") and a
// population: the product over autosomal loci typed in both and covered by
// the table. It is the figure a kinship search assigns to a candidate.
func KinshipIndex(a, b Profile, rule string, pop *Population) (float64, int, error) {
	r, err := LookupRule(rule)
	if err != nil {
		return 0, 0, err
	}
	if r.Method != Kinship {
		return 0, 0, fmt.Errorf("rule %q is not a kinship rule", rule)
	}
	lg, shared := 0.0, 0
	for _, la := range a.Loci {
		lb, ok := b.Locus(la.Name)
		if !ok || ClassOf(la.Name) != Autosomal {
			continue
		}
		av, err := repeatValues(la)
		if err != nil {
			return 0, 0, err
		}
		bv, err := repeatValues(lb)
		if err != nil {
			return 0, 0, err
		}
		if av == nil || bv == nil {
			continue
		}
		fb := make([]float64, len(bv))
		known := true
		for i, al := range lb.Alleles {
			fb[i], ok = pop.Frequency(la.Name, al.Text)
			known = known && ok
		}
		if !known {
			continue
		}
		shared++
		lg += math.Log10(math.Max(kinshipIndex(av, bv, fb, r), 1e-12))
	}
	return math.Pow(10, lg), shared, nil
}

// repeatValues parses a single-source locus; nil when it holds an
// off-ladder or wildcard call.
func repeatValues(l Locus) ([]alleleValue, error) {
	if len(l.Alleles) > 2 {
		return nil, fmt.Errorf("locus %q has %d alleles: kinship needs a single-source profile", l.Name, len(l.Alleles))
	}
	out := make([]alleleValue, len(l.Alleles))
	for i, a := range l.Alleles {
		v, _, err := parseAllele(l.Name, a.Text)
		if err != nil {
			return nil, err
		}
		if v.kind != Repeat {
			return nil, nil
		}
		out[i] = v
	}
	return out, nil
}

// RandomMatchProbability is the probability that an unrelated person from
// the population has exactly this single-source profile, over its autosomal
// loci covered by the table, with the NRC II 4.10 theta correction (theta
// 0 is plain Hardy-Weinberg). Loci with more than two alleles or a wildcard
// are skipped. Upload rarity rules compare it with their floor.
func RandomMatchProbability(p Profile, pop *Population, theta float64) float64 {
	lg := 0.0
	for _, l := range p.Loci {
		if ClassOf(l.Name) != Autosomal || len(l.Alleles) > 2 || len(l.Alleles) == 0 {
			continue
		}
		f := make([]float64, len(l.Alleles))
		known := true
		for i, a := range l.Alleles {
			if a.Text == "*" {
				known = false
			}
			var ok bool
			f[i], ok = pop.Frequency(l.Name, a.Text)
			known = known && ok
		}
		if !known {
			continue
		}
		lg += codisLogs(f, theta)[High]
	}
	return math.Pow(10, lg)
}
