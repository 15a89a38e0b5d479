package afis

import "math"

// The one-to-one matcher, in three steps:
//
//  1. Edge votes. Every pair of compatible neighbour edges (one from each
//     template: lengths and both relative angles within tolerance) votes for
//     the two minutia pairs it implies. Pairs with many votes have similar
//     neighbourhoods and serve as roots.
//  2. Crawl. From each of the best roots, pairs spread along compatible
//     edges, breadth first, each minutia paired at most once. Because every
//     step only compares neighbouring minutiae, elastic distortion bends the
//     pairing instead of breaking it, and partial overlap only limits how far
//     it spreads. Edges that close on an existing pair are counted as support.
//  3. Score. The best crawl's pairs and supporting edges, normalised by the
//     template sizes eased towards the minutiae in the common area, give the
//     raw score, which is then calibrated to false match rates.
//
// The two templates of a comparison are always put in one canonical order
// (by a hash of their content) before the roots are picked and crawled, so
// the score is symmetric by construction, whichever was the probe.

const (
	lengthTol = 12 // px: largest edge length tolerance
	// lengthTolBase + (sum of both lengths)/lengthTolDiv is the length
	// tolerance of a pair of edges.
	lengthTolBase = 3
	lengthTolDiv  = 14
	// rotationTol bounds how far a pair's rotation (in 256ths of a turn,
	// ≈35°) may drift from its root's.
	rotationTol = 25
	angleTol    = 13 // 256ths of a turn (≈18°): relative-angle tolerance
	maxRoots    = 5  // roots crawled per comparison
	// voteNeighbours is how many of each minutia's edges vote; the crawl
	// uses all of them.
	voteNeighbours = 6
	minVotes       = 2 // votes a root needs
	minPairs       = 3 // pairs a score needs
	// supportDiv weighs supporting edges against pairs.
	supportDiv = 2
	// overlapRadius (px) is how near a minutia of the other template must
	// be, after alignment, for a minutia to count as in the common area.
	overlapRadius = 30
	noMate        = 0xff  // marks an unpaired minutia
	scoreUnit     = 100.0 // scale of the raw score
)

// Matcher holds the scratch memory of one-to-one matching so that a
// comparison does not allocate. A Matcher is not safe for concurrent use;
// give each goroutine its own.
type Matcher struct {
	votes      []uint16
	amate      [MaxMinutiae]uint8
	bmate      [MaxMinutiae]uint8
	queue      []uint16
	cands      []uint16
	roots      []uint32
	bestAmate  [MaxMinutiae]uint8
	bestSupp   int
	bestPaired int
}

// NewMatcher returns a Matcher with its scratch memory allocated.
func NewMatcher() *Matcher {
	return &Matcher{
		votes: make([]uint16, MaxMinutiae*MaxMinutiae),
		queue: make([]uint16, 0, MaxMinutiae),
		roots: make([]uint32, 0, 64),
		cands: make([]uint16, 0, 1024),
	}
}

// Score compares two prepared templates. It is symmetric
// (Score(a, b) == Score(b, a)), deterministic, and 0 when nothing matches;
// higher means more likely the same finger. The score is calibrated (see
// [Calibrate]): 20, 30 and 40 are the thresholds of a 1 %, 0.1 % and 0.01 %
// false match rate. Only one of the two needs the lookup grid that [Prepare]
// builds, so the other may come from [PrepareGallery]; Score panics when
// neither has it, a programming error.
func (m *Matcher) Score(a, b *Prepared) float64 {
	// Both orders run the same computation on the same canonical orientation,
	// which is what makes the score symmetric; the votes are filed in that
	// orientation whichever template's grid is searched.
	first, second := a, b
	swapped := less(b, a)
	if swapped {
		first, second = b, a
	}
	na, nb := len(first.x), len(second.x)
	if na < 3 || nb < 3 {
		return 0
	}
	votes := m.votes[:na*nb]
	clear(votes)
	m.cands = m.cands[:0]
	switch {
	case a.grid != nil:
		m.vote(a, b, votes, swapped, nb)
	case b.grid != nil:
		m.vote(b, a, votes, !swapped, nb)
	default:
		panic("afis: Matcher.Score needs one template prepared with a lookup grid (Prepare, not PrepareGallery)")
	}
	m.pickRoots(votes, nb)
	bestScore := 0.0
	m.bestPaired = 0
	for _, r := range m.roots {
		i, k := uint8(r>>8), uint8(r)
		if m.bestPaired > 0 && m.bestAmate[i] == k {
			// The root already belongs to the best pairing found; crawling
			// from it again would find the same pairing.
			continue
		}
		paired, support := m.crawl(first, second, i, k)
		s := scoreOf(paired, support, na, nb)
		if s > bestScore {
			bestScore = s
			m.bestPaired = paired
			m.bestSupp = support
			m.bestAmate = m.amate
		}
	}
	if bestScore == 0 {
		return 0
	}
	// Partial overlap: the pairing can only cover the minutiae in the common
	// area, so the normalisation by template size is eased halfway towards
	// the minutiae found there.
	oa, ob := m.overlap(first, second)
	oa, ob = max(oa, m.bestPaired), max(ob, m.bestPaired)
	return Calibrate(bestScore * math.Sqrt(math.Sqrt(float64(na*nb)/float64(oa*ob))))
}

// overlap aligns first onto second with the rigid move that best fits the
// best pairing, and counts the minutiae of each that lie near some minutia
// of the other: an estimate of how many could have been paired.
func (m *Matcher) overlap(a, b *Prepared) (oa, ob int) {
	var cax, cay, cbx, cby float64
	n := 0
	for i := range len(a.x) {
		if k := m.bestAmate[i]; k != noMate {
			cax += float64(a.x[i])
			cay += float64(a.y[i])
			cbx += float64(b.x[k])
			cby += float64(b.y[k])
			n++
		}
	}
	if n == 0 {
		return len(a.x), len(b.x)
	}
	fn := float64(n)
	cax, cay, cbx, cby = cax/fn, cay/fn, cbx/fn, cby/fn
	var sxx, sxy float64
	for i := range len(a.x) {
		if k := m.bestAmate[i]; k != noMate {
			ax, ay := float64(a.x[i])-cax, float64(a.y[i])-cay
			bx, by := float64(b.x[k])-cbx, float64(b.y[k])-cby
			sxx += ax*bx + ay*by
			sxy += ax*by - ay*bx
		}
	}
	h := math.Hypot(sxx, sxy)
	cos, sin := 1.0, 0.0
	if h > 0 {
		cos, sin = sxx/h, sxy/h
	}
	r2 := float32(overlapRadius * overlapRadius)
	var nearB [MaxMinutiae]bool
	for i := range len(a.x) {
		ax, ay := float64(a.x[i])-cax, float64(a.y[i])-cay
		tx, ty := float32(cbx+cos*ax-sin*ay), float32(cby+sin*ax+cos*ay)
		near := false
		for k := range len(b.x) {
			dx, dy := b.x[k]-tx, b.y[k]-ty
			if dx*dx+dy*dy <= r2 {
				near = true
				nearB[k] = true
			}
		}
		if near {
			oa++
		}
	}
	for k := range len(b.x) {
		if nearB[k] {
			ob++
		}
	}
	return oa, ob
}

// less orders templates by content, for the canonical orientation.
func less(a, b *Prepared) bool {
	if a.hash != b.hash {
		return a.hash < b.hash
	}
	return len(a.x) < len(b.x)
}

// agree reports whether two edges agree within tolerance: both relative
// angles, and the length within a tolerance that grows with it, because
// distortion and extraction noise do.
func agree(e, f edge) bool {
	if uint8(int8(e.a1-f.a1)+angleTol) > 2*angleTol || uint8(int8(e.a2-f.a2)+angleTol) > 2*angleTol {
		return false
	}
	dl := int(e.length) - int(f.length)
	lt := min(lengthTolBase+(int(e.length)+int(f.length))/lengthTolDiv, lengthTol)
	return dl <= lt && dl >= -lt
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// vote adds one vote to both minutia pairs implied by each pair of
// compatible edges, looking b's edges up in a's grid. Votes are filed as
// votes[i*nb+k] for a's minutia i and b's minutia k, or transposed (b first)
// when swapped.
func (m *Matcher) vote(a, b *Prepared, votes []uint16, swapped bool, rowLen int) {
	// Votes for (a's i, b's k) go to votes[i*sa+k*sb].
	sa, sb := rowLen, 1
	if swapped {
		sa, sb = 1, len(a.x)
	}
	for k := range len(b.x) {
		for _, f := range b.voteEdges(k) {
			c := cellOf(f)
			for _, e := range a.grid[a.cellStart[c]:a.cellStart[c+1]] {
				if agree(e.edge, f) {
					// Pairs reaching minVotes become root candidates, so that
					// picking roots need not scan the whole matrix.
					x := int(e.from)*sa + k*sb
					if votes[x]++; votes[x] == minVotes {
						m.cands = append(m.cands, uint16(x))
					}
					x = int(e.to)*sa + int(f.to)*sb
					if votes[x]++; votes[x] == minVotes {
						m.cands = append(m.cands, uint16(x))
					}
				}
			}
		}
	}
}

// pickRoots keeps the pairs with the most votes, ties to the lower indices.
func (m *Matcher) pickRoots(votes []uint16, nb int) {
	m.roots = m.roots[:0]
	for _, c := range m.cands {
		idx, v := int(c), votes[c]
		// Pack (votes, index) so that sorting by value orders by votes then
		// by lower index.
		key := uint32(v)<<16 | uint32(0xffff-idx)
		if len(m.roots) < maxRoots {
			m.roots = append(m.roots, key)
		} else if key > m.roots[len(m.roots)-1] {
			m.roots[len(m.roots)-1] = key
		} else {
			continue
		}
		for j := len(m.roots) - 1; j > 0 && m.roots[j] > m.roots[j-1]; j-- {
			m.roots[j], m.roots[j-1] = m.roots[j-1], m.roots[j]
		}
	}
	for j, key := range m.roots {
		idx := 0xffff - int(key&0xffff)
		m.roots[j] = uint32(idx/nb)<<8 | uint32(idx%nb)
	}
}

// crawl spreads a pairing from the root (i, k) and returns the number of
// pairs and of supporting edges.
func (m *Matcher) crawl(a, b *Prepared, i0, k0 uint8) (paired, support int) {
	na, nb := len(a.x), len(b.x)
	for j := range na {
		m.amate[j] = noMate
	}
	for j := range nb {
		m.bmate[j] = noMate
	}
	m.amate[i0], m.bmate[k0] = k0, i0
	rot := b.dir[k0] - a.dir[i0]
	q := append(m.queue[:0], uint16(i0))
	paired = 1
	for h := 0; h < len(q); h++ {
		i := q[h]
		k := m.amate[i]
		ea := a.edges[a.first[i]:a.first[i+1]]
		eb := b.edges[b.first[k]:b.first[k+1]]
		lo := 0
		for _, e := range ea {
			bestErr := 1 << 30
			bestTo := -1
			// Both edge lists are sorted by length, so the window of
			// candidate lengths only moves forward.
			for lo < len(eb) && int(eb[lo].length)+lengthTol < int(e.length) {
				lo++
			}
			for _, f := range eb[lo:] {
				if int(f.length) > int(e.length)+lengthTol {
					break
				}
				if !agree(e, f) {
					continue
				}
				// How far apart the edges are, a pixel counting as two angle
				// units.
				err := 2*abs(int(e.length)-int(f.length)) + abs(int(int8(e.a1-f.a1))) + abs(int(int8(e.a2-f.a2)))
				if err < bestErr {
					bestErr, bestTo = err, int(f.to)
				}
			}
			if bestTo < 0 {
				continue
			}
			j, l := e.to, uint8(bestTo)
			if d := int8(b.dir[l] - a.dir[j] - rot); d > rotationTol || d < -rotationTol {
				continue
			}
			switch {
			case m.amate[j] == noMate && m.bmate[l] == noMate:
				m.amate[j], m.bmate[l] = l, j
				q = append(q, uint16(j))
				paired++
			case m.amate[j] == l:
				support++
			}
		}
	}
	m.queue = q
	return paired, support
}

// scoreOf turns a pairing's size into a score: the pairs, boosted by the
// edges that confirm them, and weighed by how much of both templates they
// cover so that a few chance pairs between large templates stay low.
func scoreOf(paired, support, na, nb int) float64 {
	if paired < minPairs {
		return 0
	}
	p := float64(paired)
	sp := float64(support)
	fa, fb := float64(na), float64(nb)
	return scoreUnit * (p + sp/float64(supportDiv)) * p / math.Sqrt(fa*fb) / 10
}

// calibration maps raw scores to calibrated ones piecewise linearly: the raw
// scores at which the false match rate of the 113,280 impostor pairs of the
// pooled shared FVC templates (all pairs of different fingers, across
// databases too) is 10 %, 1 %, 0.1 % and 0.01 % become 10, 20, 30 and 40.
var calibration = [...]struct{ raw, cal float64 }{
	{0, 0}, {46.19, 10}, {94.16, 20}, {156.82, 30}, {227.70, 40},
}

// calibrationSlope extends the last segment: the raw distance between the
// last two decades per 10 points.
const calibrationSlope = 10 / (227.70 - 156.82)

// Calibrate turns a raw matcher score into the calibrated scale of
// [Matcher.Score], on which every 10 points are one decade of false match
// rate: 10 ≈ 10 %, 20 ≈ 1 %, 30 ≈ 0.1 %, 40 ≈ 0.01 %. Above 40 the scale is
// extrapolated (the shared data has too few impostor pairs to measure
// lower rates). The mapping is strictly increasing, so it changes no
// ranking and no error rate at a matching threshold.
func Calibrate(raw float64) float64 {
	if raw <= 0 {
		return 0
	}
	for i := 1; i < len(calibration); i++ {
		lo, hi := calibration[i-1], calibration[i]
		if raw <= hi.raw {
			return lo.cal + (raw-lo.raw)*(hi.cal-lo.cal)/(hi.raw-lo.raw)
		}
	}
	last := calibration[len(calibration)-1]
	return last.cal + (raw-last.raw)*calibrationSlope
}
