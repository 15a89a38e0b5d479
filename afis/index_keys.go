package afis

import "slices"

// Edge keys quantise an edge (length, a1, a2) into 16 bits for the index's
// coarse scan: 5 bits of length in 6 px steps, 5 bits per angle in 11.25°.
const (
	keyLenStep   = 6
	keyLenBins   = 32
	keyAngleBins = 32
)

func keyOf(e edge) (l, b1, b2 int) {
	l = min(int(e.length)/keyLenStep, keyLenBins-1)
	return l, int(e.a1) * keyAngleBins / angleUnits, int(e.a2) * keyAngleBins / angleUnits
}

func packKey(l, b1, b2 int) uint16 { return uint16(l<<10 | b1<<5 | b2) }

// edgeKeys returns the distinct keys of p's edges, sorted.
func edgeKeys(p *Prepared) []uint16 {
	keys := make([]uint16, 0, len(p.edges))
	for _, e := range p.edges {
		keys = append(keys, packKey(keyOf(e)))
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}
