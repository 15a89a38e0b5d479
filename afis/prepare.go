package afis

import (
	"cmp"
	"math"
	"slices"
)

// Matching works on the directed edges of each minutia's nearest-neighbour
// graph. An edge is described by its length and by the angles between it and
// the directions of its two end minutiae, values that rotation and
// translation leave unchanged.

const (
	// MaxMinutiae is the number of minutiae a prepared template keeps; the
	// best-quality ones are kept (the first ones on equal quality).
	MaxMinutiae = 128
	// neighbours is the number of nearest neighbours each minutia links to.
	neighbours = 12
	// minEdge drops neighbours so close that their edge angles are noise.
	minEdge = 6
	// maxEdge drops neighbours so far that distortion breaks the edge.
	maxEdge = 180
)

// Angles are stored in 256ths of a turn so that a difference is one uint8
// subtraction read as int8, and lengths in whole pixels.
const angleUnits = 256

// edge is a directed edge from one minutia to its neighbour.
type edge struct {
	to     uint8
	length uint8
	// a1 and a2 are the angle of the edge minus the direction of its first
	// and of its second minutia.
	a1, a2 uint8
}

// cellEdge is an edge filed in the lookup grid, which also needs its origin.
type cellEdge struct {
	from uint8
	edge
}

// The lookup grid files each edge under every cell (cellLen px by
// cellAngle units by cellAngle units) that an edge compatible with it can
// fall in, so that a lookup reads one cell.
const (
	cellLen    = 16
	cellLenN   = maxEdge/cellLen + 1
	cellAngle  = 16
	cellAngleN = angleUnits / cellAngle
	cellCount  = cellLenN * cellAngleN * cellAngleN
)

// Prepared is a template ready for matching: minutiae in matching form and
// their neighbour edges, computed once at enrolment. It is read-only and safe
// to share between goroutines.
type Prepared struct {
	x, y []float32
	dir  []uint8
	kind []uint8
	// edges[first[i]:first[i+1]] are minutia i's edges, shortest first.
	edges []edge
	first []uint16
	// grid[cellStart[c]:cellStart[c+1]] are the edges in lookup cell c.
	cellStart []uint16
	grid      []cellEdge
	// hash identifies the content, to orient a comparison canonically.
	hash uint64
}

// Len returns the number of minutiae the prepared template kept.
func (p *Prepared) Len() int { return len(p.x) }

func toUnits(a float64) uint8 {
	return uint8(int(math.Round(normAngle(a)*angleUnits/(2*math.Pi))) % angleUnits)
}

// Prepare builds the matching form of t, with the lookup grid a probe
// needs: use it for one-to-one matching and for search probes.
func Prepare(t *Template) *Prepared {
	p := PrepareGallery(t)
	p.buildGrid()
	return p
}

// PrepareGallery builds the matching form of t without the lookup grid, for
// templates that are only ever added to an [Index] or passed as the second
// argument of [Matcher.Score].
func PrepareGallery(t *Template) *Prepared {
	ms := t.Minutiae
	if len(ms) > MaxMinutiae {
		idx := make([]int, len(ms))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(ms[b].Quality, ms[a].Quality) })
		idx = idx[:MaxMinutiae]
		slices.Sort(idx)
		kept := make([]Minutia, len(idx))
		for i, j := range idx {
			kept[i] = ms[j]
		}
		ms = kept
	}
	n := len(ms)
	p := &Prepared{
		x: make([]float32, n), y: make([]float32, n), dir: make([]uint8, n),
		kind: make([]uint8, n), first: make([]uint16, n+1),
		edges: make([]edge, 0, n*neighbours),
	}
	dirs := make([]float64, n)
	for i, m := range ms {
		p.x[i], p.y[i] = float32(m.X), float32(m.Y)
		// In the y-down frame a counter-clockwise display angle is negative.
		dirs[i] = normAngle(-m.Angle)
		p.dir[i] = toUnits(dirs[i])
		p.kind[i] = uint8(m.Type)
	}
	// The nearest neighbours by insertion into a short sorted list, ties to
	// the lower index.
	var near [neighbours]struct {
		j  int
		d2 float64
	}
	for i := range n {
		k := 0
		for j := range n {
			dx, dy := ms[j].X-ms[i].X, ms[j].Y-ms[i].Y
			d2 := dx*dx + dy*dy
			if j == i || d2 < minEdge*minEdge || d2 > maxEdge*maxEdge {
				continue
			}
			if k == neighbours && d2 >= near[k-1].d2 {
				continue
			}
			if k < neighbours {
				k++
			}
			at := k - 1
			for at > 0 && near[at-1].d2 > d2 {
				near[at] = near[at-1]
				at--
			}
			near[at].j, near[at].d2 = j, d2
		}
		for _, c := range near[:k] {
			phi := math.Atan2(ms[c.j].Y-ms[i].Y, ms[c.j].X-ms[i].X)
			p.edges = append(p.edges, edge{
				to:     uint8(c.j),
				length: uint8(math.Round(math.Sqrt(c.d2))),
				a1:     toUnits(phi - dirs[i]),
				a2:     toUnits(phi - dirs[c.j]),
			})
		}
		p.first[i+1] = uint16(len(p.edges))
	}
	// FNV-1a over the matching form: the canonical order of a comparison.
	h := uint64(14695981039346656037)
	mix := func(b byte) { h = (h ^ uint64(b)) * 1099511628211 }
	for i := range n {
		xb, yb := math.Float32bits(p.x[i]), math.Float32bits(p.y[i])
		mix(byte(xb >> 8))
		mix(byte(xb >> 16))
		mix(byte(yb >> 8))
		mix(byte(yb >> 16))
		mix(p.dir[i])
		mix(p.kind[i])
	}
	for _, e := range p.edges {
		mix(e.to)
		mix(e.length)
		mix(e.a1)
		mix(e.a2)
	}
	p.hash = h
	return p
}

func cellOf(e edge) int {
	return (int(e.length)/cellLen*cellAngleN+int(e.a1)/cellAngle)*cellAngleN + int(e.a2)/cellAngle
}

// cellsAround calls f with every cell that holds an edge compatible with e.
func cellsAround(e edge, f func(c int)) {
	// The length tolerance of a pair grows with both lengths (see agree);
	// bound it from this edge's length alone, which keeps short edges, the
	// most common, in fewer cells.
	lt := min(lengthTol, (lengthTolBase*lengthTolDiv+2*int(e.length))/(lengthTolDiv-1)+1)
	l0, l1 := max(int(e.length)-lt, 0)/cellLen, min(int(e.length)+lt, maxEdge)/cellLen
	a0, a1 := (int(e.a1)-angleTol)>>4, (int(e.a1)+angleTol)>>4
	b0, b1 := (int(e.a2)-angleTol)>>4, (int(e.a2)+angleTol)>>4
	for l := l0; l <= l1; l++ {
		for a := a0; a <= a1; a++ {
			for b := b0; b <= b1; b++ {
				f((l*cellAngleN+a&(cellAngleN-1))*cellAngleN + b&(cellAngleN-1))
			}
		}
	}
}

// buildGrid files the voting edges by cell with a counting sort.
func (p *Prepared) buildGrid() {
	p.cellStart = make([]uint16, cellCount+1)
	for i := range len(p.x) {
		for _, e := range p.voteEdges(i) {
			cellsAround(e, func(c int) { p.cellStart[c+1]++ })
		}
	}
	for c := range cellCount {
		p.cellStart[c+1] += p.cellStart[c]
	}
	p.grid = make([]cellEdge, p.cellStart[cellCount])
	fill := slices.Clone(p.cellStart[:cellCount])
	for i := range len(p.x) {
		for _, e := range p.voteEdges(i) {
			cellsAround(e, func(c int) {
				p.grid[fill[c]] = cellEdge{from: uint8(i), edge: e}
				fill[c]++
			})
		}
	}
}

// voteEdges returns the edges of minutia i that take part in voting: the
// shortest ones, which distortion disturbs least.
func (p *Prepared) voteEdges(i int) []edge {
	e := p.edges[p.first[i]:p.first[i+1]]
	return e[:min(len(e), voteNeighbours)]
}
