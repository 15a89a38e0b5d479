package afis

// The coarse scan of the index quantises each edge (length, a1, a2) into a
// 15-bit key: 5 bits of length in 6 px steps, 5 bits per angle in 8 units
// (11.25°). The probe marks in a bitmap every key within a small tolerance
// of its own edges; a gallery minutia whose edges land in the bitmap more
// often than chance has a neighbourhood like one of the probe's.
const (
	keyLenStep   = 6
	keyLenBins   = 32
	keyAngleBins = 32
	keyAngleStep = angleUnits / keyAngleBins
	// bitmapLenTol (px) and bitmapAngleTol (units) widen the probe's keys.
	bitmapLenTol   = 2
	bitmapAngleTol = 2
	// coarseNeighbours is how many of each gallery minutia's edges the
	// coarse scan reads. Reading 8 instead of 12 ranks the FVC mates as
	// well but lost mates with strong scores in a million-template gallery.
	coarseNeighbours = 12
)

// bitmap is a set of keys.
type bitmap [1 << 15 / 64]uint64

func keyOf(e edge) uint16 {
	l := min(int(e.length)/keyLenStep, keyLenBins-1)
	return uint16(l<<10 | int(e.a1/keyAngleStep)<<5 | int(e.a2/keyAngleStep))
}

func (b *bitmap) has(k uint16) uint64 { return b[k>>6] >> (k & 63) & 1 }

// probeBitmap marks every key within tolerance of the probe's edges and
// returns the share of keys marked.
func probeBitmap(p *Prepared, bm *bitmap) float64 {
	for _, e := range p.edges {
		l0 := max(int(e.length)-bitmapLenTol, 0) / keyLenStep
		l1 := min((int(e.length)+bitmapLenTol)/keyLenStep, keyLenBins-1)
		a0, a1 := (int(e.a1)-bitmapAngleTol)/keyAngleStep, (int(e.a1)+bitmapAngleTol)/keyAngleStep
		b0, b1 := (int(e.a2)-bitmapAngleTol)/keyAngleStep, (int(e.a2)+bitmapAngleTol)/keyAngleStep
		if int(e.a1) < bitmapAngleTol {
			a0 = -1
		}
		if int(e.a2) < bitmapAngleTol {
			b0 = -1
		}
		for l := l0; l <= l1; l++ {
			for x := a0; x <= a1; x++ {
				for y := b0; y <= b1; y++ {
					k := l<<10 | (x&(keyAngleBins-1))<<5 | y&(keyAngleBins-1)
					bm[k>>6] |= 1 << (k & 63)
				}
			}
		}
	}
	set := 0
	for _, w := range bm {
		for ; w != 0; w &= w - 1 {
			set++
		}
	}
	return float64(set) / float64(len(bm)*64)
}

// coarseScore rates a gallery template against the probe bitmap: for each
// minutia, the hits of its edges above chance, squared so that a minutia
// whose whole neighbourhood matches counts for more than scattered hits,
// then divided by the number of edges read, so that large templates (or
// ones padded with spurious minutiae) do not win by size. On the shared
// FVC templates this ranks the best mate first for 90 % of probes and in
// the top 5 of 479 for 95 % (dividing by the square root: top 10).
func coarseScore(g *Prepared, bm *bitmap, density float64) float32 {
	var sum float64
	n := 0
	for i := range len(g.x) {
		es := g.coarseEdges(i)
		h := 0
		for _, e := range es {
			h += int(bm.has(keyOf(e)))
		}
		n += len(es)
		if d := float64(h) - density*float64(len(es)); d > 0 {
			sum += d * d
		}
	}
	return float32(sum / float64(n+1))
}

// coarseEdges returns the edges of minutia i that the coarse scan reads.
func (p *Prepared) coarseEdges(i int) []edge {
	e := p.edges[p.first[i]:p.first[i+1]]
	return e[:min(len(e), coarseNeighbours)]
}
