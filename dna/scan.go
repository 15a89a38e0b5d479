package dna

import (
	"sort"
	"sync"
)

// topK keeps the best k hits in a min-heap (worst at the root).
type topK struct {
	k     int
	h     []hit
	total int
}

func (t *topK) push(x hit) {
	t.total++
	if len(t.h) < t.k {
		t.h = append(t.h, x)
		for i := len(t.h) - 1; i > 0; {
			p := (i - 1) / 2
			if !better(&t.h[p], &t.h[i]) {
				break
			}
			t.h[p], t.h[i] = t.h[i], t.h[p]
			i = p
		}
		return
	}
	if !better(&x, &t.h[0]) {
		return
	}
	t.h[0] = x
	for i := 0; ; {
		l, r, w := 2*i+1, 2*i+2, i
		if l < len(t.h) && better(&t.h[w], &t.h[l]) {
			w = l
		}
		if r < len(t.h) && better(&t.h[w], &t.h[r]) {
			w = r
		}
		if w == i {
			break
		}
		t.h[i], t.h[w] = t.h[w], t.h[i]
		i = w
	}
}

// unit is a slice of one bucket or of a general store to compare.
type unit struct {
	bk     *bucket
	gen    []genProfile
	cat    Category
	lo, hi int
}

func (u unit) size() int { return u.hi - u.lo }

// scan selects the buckets that can hold a candidate and compares their
// profiles on the index's workers.
func (ix *Index) scan(pl *plan, targets CategorySet, limit int) ([]hit, int, int) {
	var units []unit
	total := 0
	for _, c := range targets.Categories() {
		pt := ix.parts[c]
		if len(pt.general) > 0 {
			units = append(units, unit{gen: pt.general, cat: c, hi: len(pt.general)})
			total += len(pt.general)
		}
		for _, l2 := range pt.l1list {
			c1, ok := pl.levelCost(pl.by1, l2.a, l2.b)
			if !ok {
				continue
			}
			for k, pair := range l2.pairs {
				c2, ok := pl.levelCost(pl.by2, uint8(pair>>8), uint8(pair))
				if !ok || c1+c2 > pl.rule.MaxMismatches {
					continue
				}
				bk := l2.list[k]
				if len(bk.ids) == 0 {
					continue
				}
				start := 0
				for _, r := range bk.runs {
					if c3, ok := pl.levelCost(pl.by3, r.a, r.b); ok && c1+c2+c3 <= pl.rule.MaxMismatches {
						units = appendUnit(units, unit{bk: bk, cat: c, lo: start, hi: int(r.end)})
						total += int(r.end) - start
					}
					start = int(r.end)
				}
				if bk.sorted < len(bk.ids) {
					units = appendUnit(units, unit{bk: bk, cat: c, lo: bk.sorted, hi: len(bk.ids)})
					total += len(bk.ids) - bk.sorted
				}
			}
		}
	}
	workers := ix.workers
	if total < 20000 {
		workers = 1
	}
	shares := splitUnits(units, total, workers)
	tops := make([]topK, len(shares))
	var wg sync.WaitGroup
	for w := range shares {
		tops[w].k = limit
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for _, u := range shares[w] {
				pl.run(u, &tops[w])
			}
		}(w)
	}
	wg.Wait()
	var all []hit
	count := 0
	for _, t := range tops {
		all = append(all, t.h...)
		count += t.total
	}
	sort.Slice(all, func(i, j int) bool { return better(&all[i], &all[j]) })
	if len(all) > limit {
		all = all[:limit]
	}
	return all, count, total
}

// appendUnit adds a unit, merging it with the previous one when they are
// adjacent rows of the same bucket.
func appendUnit(units []unit, u unit) []unit {
	if n := len(units); n > 0 && units[n-1].bk == u.bk && units[n-1].bk != nil && units[n-1].hi == u.lo {
		units[n-1].hi = u.hi
		return units
	}
	return append(units, u)
}

// splitUnits cuts the units into shares of about equal profile counts.
func splitUnits(units []unit, total, workers int) [][]unit {
	shares := make([][]unit, workers)
	per := (total + workers - 1) / workers
	w, filled := 0, 0
	for _, u := range units {
		for u.size() > 0 {
			room := per - filled
			if w == workers-1 || u.size() <= room {
				shares[w] = append(shares[w], u)
				filled += u.size()
				break
			}
			if room > 0 {
				part := u
				part.hi = u.lo + room
				shares[w] = append(shares[w], part)
				u.lo = part.hi
			}
			w++
			filled = 0
		}
	}
	return shares
}

// levelCost tests a partition genotype against the query locus qi: ok is
// false when no profile of that genotype can pass; cost counts Prüm
// mismatching alleles.
func (pl *plan) levelCost(qi int, a, b uint8) (int, bool) {
	if qi < 0 || a == 0 || pl.rule.Method == Kinship {
		return 0, true
	}
	q := &pl.loc[qi]
	if pl.rule.Method == Prum {
		return prumMism(q.tab, a, b), true
	}
	lvl, ok, _ := codisLevel(q, a, b)
	return 0, ok && lvl <= pl.rule.Stringency
}

// codisLevel returns the closest stringency at which candidate alleles
// (a, b) match the query locus (High: same set, Moderate: one set inside the
// other, Low: a shared allele), ok false when they share nothing or the
// candidate lacks an obligate allele, and the number of differing alleles.
func codisLevel(q *qloc, a, b uint8) (lvl Stringency, ok bool, mism int) {
	ta, tb := q.tab[a], q.tab[b]
	nc, inter, req := 1, int(ta&fIn), int(ta&fReq)>>1
	if a != b {
		nc = 2
		inter += int(tb & fIn)
		req += int(tb&fReq) >> 1
	}
	return levelOf(nc, inter, req, q)
}

func levelOf(nc, inter, req int, q *qloc) (Stringency, bool, int) {
	mism := q.nq + nc - 2*inter
	switch {
	case req != q.nreq || inter == 0:
		return Low, false, mism
	case inter == nc && nc == q.nq:
		return High, true, 0
	case inter == nc || inter == q.nq:
		return Moderate, true, mism
	}
	return Low, true, mism
}

func prumMism(tab *[256]uint8, a, b uint8) int {
	ta, tb := tab[a], tab[b]
	m1 := 2 - int(ta&fEq1)>>2 - int(tb&fEq2)>>3
	m2 := 2 - int(tb&fEq1)>>2 - int(ta&fEq2)>>3
	if m2 < m1 {
		return m2
	}
	return m1
}

func (pl *plan) run(u unit, t *topK) {
	if u.gen != nil {
		for i := u.lo; i < u.hi; i++ {
			if h, ok := pl.compareGeneral(&u.gen[i], u.cat); ok {
				h.cat = u.cat
				t.push(h)
			}
		}
		return
	}
	bk := u.bk
	switch pl.rule.Method {
	case CODIS:
		pl.scanCODIS(bk, u, t)
	case Prum:
		pl.scanPrum(bk, u, t)
	default:
		pl.scanKinship(bk, u, t)
	}
}

func (pl *plan) scanCODIS(bk *bucket, u unit, t *topK) {
	s := pl.rule.Stringency
	rows := bk.rows
rows:
	for i := u.lo; i < u.hi; i++ {
		row := rows[i*rowBytes : (i+1)*rowBytes : (i+1)*rowBytes]
		shared, mism := 0, 0
		var lg float64
		var mask uint32
		for j := range pl.loc[:pl.nRow] {
			q := &pl.loc[j]
			a := row[q.slot]
			if a == 0 {
				continue
			}
			lvl, ok, m := codisLevel(q, a, row[q.slot+1])
			if !ok || lvl > s {
				continue rows
			}
			shared++
			mism += m
			lg += q.logLevel[lvl]
			if lvl == High {
				mask |= 1 << j
			}
		}
		if shared >= pl.minLoci && -lg >= pl.rule.MinLog10LR {
			t.push(hit{id: bk.ids[i], meta: bk.meta[i], cat: u.cat, shared: shared, mism: mism, log10: -lg, mask: mask})
		}
	}
}

func (pl *plan) scanPrum(bk *bucket, u unit, t *topK) {
	rows := bk.rows
	maxM := pl.rule.MaxMismatches
rows:
	for i := u.lo; i < u.hi; i++ {
		row := rows[i*rowBytes : (i+1)*rowBytes : (i+1)*rowBytes]
		shared, mism := 0, 0
		var lg float64
		var mask uint32
		for j := range pl.loc[:pl.nRow] {
			q := &pl.loc[j]
			a := row[q.slot]
			if a == 0 {
				continue
			}
			b := row[q.slot+1]
			m := prumMism(q.tab, a, b)
			if m > 0 {
				mism += m
				if mism > maxM {
					continue rows
				}
			}
			if !q.wild && q.tab[a]&fWild == 0 && q.tab[b]&fWild == 0 {
				shared++
			}
			if m == 0 {
				lg += q.logLevel[High]
				mask |= 1 << j
			}
		}
		if shared >= pl.minLoci && -lg >= pl.rule.MinLog10LR {
			t.push(hit{id: bk.ids[i], meta: bk.meta[i], cat: u.cat, shared: shared, mism: mism, log10: -lg, mask: mask})
		}
	}
}

func (pl *plan) scanKinship(bk *bucket, u unit, t *topK) {
	// The hot loop only sums the precomputed log kinship indices; the
	// matching loci of the few candidates that qualify are found after.
	kl := pl.kl
	rows := bk.rows
	for i := u.lo; i < u.hi; i++ {
		if u.cat == Relative && pl.rels&(1<<bk.meta[i]) == 0 {
			continue
		}
		row := rows[i*rowBytes : (i+1)*rowBytes : (i+1)*rowBytes]
		shared := 0
		var lg float32
		for j := range kl {
			k := &kl[j]
			a := row[k.slot]
			if a == 0 {
				continue
			}
			shared++
			lg += k.kin[int(a)*k.n+int(row[k.slot+1])]
		}
		if shared < pl.minLoci || float64(lg) < pl.rule.MinLog10LR {
			continue
		}
		h := hit{id: bk.ids[i], meta: bk.meta[i], cat: u.cat, shared: shared, log10: float64(lg)}
		for j := range pl.loc[:pl.nRow] {
			q := &pl.loc[j]
			a, b := row[q.slot], row[q.slot+1]
			if a == 0 {
				continue
			}
			if (q.tab[a]|q.tab[b])&fIn != 0 {
				h.mask |= 1 << j
			} else {
				h.mism++
			}
		}
		t.push(h)
	}
}

// genLocus is one unpacked locus of a general-store profile.
type genLocus struct {
	required uint8 // bit i: codes[i] is obligate
	codes    []uint8
}

// compareGeneral compares a profile of the general store (mixtures, obligate
// alleles, loci outside the slots) with the same rules as the row scans.
func (pl *plan) compareGeneral(g *genProfile, cat Category) (hit, bool) {
	h := hit{id: g.id, meta: g.meta}
	if pl.rule.Method == Kinship && cat == Relative && pl.rels&(1<<g.meta) == 0 {
		return h, false
	}
	var lg float64
	for d := g.data; len(d) >= 4; {
		lid, required, n := int(d[0])|int(d[1])<<8, d[2], int(d[3])
		if len(d) < 4+n || n == 0 {
			break
		}
		codes := d[4 : 4+n]
		d = d[4+n:]
		if lid >= len(pl.byLid) {
			continue
		}
		j := pl.byLid[lid]
		if j < 0 {
			continue
		}
		gl := genLocus{required: required, codes: codes}
		q := &pl.loc[j]
		switch pl.rule.Method {
		case CODIS:
			nc, inter, req := len(gl.codes), 0, 0
			for k, c := range gl.codes {
				inter += int(q.tab[c] & fIn)
				req += int(q.tab[c]&fReq) >> 1
				if gl.required&(1<<k) != 0 && q.tab[c]&fIn == 0 {
					return h, false // the query lacks an obligate allele of the candidate
				}
			}
			lvl, ok, m := levelOf(nc, inter, req, q)
			if !ok || lvl > pl.rule.Stringency {
				return h, false
			}
			h.shared++
			h.mism += m
			lg += q.logLevel[lvl]
			if lvl == High {
				h.mask |= 1 << j
			}
		case Prum:
			a, b := gl.codes[0], gl.codes[0]
			var m int
			if len(gl.codes) > 2 {
				// The third allele and beyond become "*", so only the first
				// allele can differ, and the pair is not a full locus.
				if q.tab[a]&(fEq1|fEq2) == 0 {
					m = 1
				}
			} else {
				if len(gl.codes) == 2 {
					b = gl.codes[1]
				}
				m = prumMism(q.tab, a, b)
				if !q.wild && q.tab[a]&fWild == 0 && q.tab[b]&fWild == 0 {
					h.shared++
				}
			}
			h.mism += m
			if h.mism > pl.rule.MaxMismatches {
				return h, false
			}
			if m == 0 {
				lg += q.logLevel[High]
				h.mask |= 1 << j
			}
		case Kinship:
			if len(gl.codes) > 2 {
				continue
			}
			a, b := gl.codes[0], gl.codes[len(gl.codes)-1]
			if a > b {
				a, b = b, a
			}
			h.shared++
			lg -= float64(q.kin[int(a)*q.kinN+int(b)])
			if (q.tab[a]|q.tab[b])&fIn != 0 {
				h.mask |= 1 << j
			} else {
				h.mism++
			}
		}
	}
	h.log10 = -lg
	if h.shared < pl.minLoci || h.log10 < pl.rule.MinLog10LR {
		return h, false
	}
	return h, true
}
