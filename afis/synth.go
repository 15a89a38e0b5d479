package afis

import (
	"math"
	"math/rand/v2"
)

// Perturbation says how far [Perturb] moves a template away from its
// source, to build large synthetic galleries from a few real templates.
type Perturbation struct {
	// MaxRotation in radians and MaxShift in pixels bound the rigid move.
	MaxRotation, MaxShift float64
	// Drop and Spurious are the largest shares of minutiae removed and
	// added.
	Drop, Spurious float64
	// Distortion is the amplitude in pixels of a smooth elastic warp.
	Distortion float64
	// Jitter is the noise added to each position (pixels) and, times 0.1,
	// to each direction (radians).
	Jitter float64
	// Mirror, when set, mirrors half of the outputs, which turns them into
	// plausible prints of other fingers.
	Mirror bool
}

// GalleryPerturbation is the perturbation the one-to-many benchmark uses.
var GalleryPerturbation = Perturbation{
	MaxRotation: math.Pi, MaxShift: 60, Drop: 0.3, Spurious: 0.2,
	Distortion: 6, Jitter: 2, Mirror: true,
}

// Perturb returns a copy of t moved, warped, thinned and padded as p says,
// drawing from rng.
func Perturb(t *Template, rng *rand.Rand, p Perturbation) Template {
	out := *t
	out.Minutiae = make([]Minutia, 0, len(t.Minutiae)+int(p.Spurious*float64(len(t.Minutiae)))+1)
	w, h := t.Width, t.Height
	if w == 0 || h == 0 {
		for _, m := range t.Minutiae {
			w, h = max(w, m.X+1), max(h, m.Y+1)
		}
	}
	cx, cy := w/2, h/2
	rot := (2*rng.Float64() - 1) * p.MaxRotation
	sin, cos := math.Sincos(rot)
	dx, dy := (2*rng.Float64()-1)*p.MaxShift, (2*rng.Float64()-1)*p.MaxShift
	mirror := p.Mirror && rng.IntN(2) == 1
	// The warp is a sum of two long-wave sines, smooth over a ridge or two.
	ax, ay := p.Distortion*rng.Float64(), p.Distortion*rng.Float64()
	px, py := 2*math.Pi*rng.Float64(), 2*math.Pi*rng.Float64()
	lx, ly := 150+150*rng.Float64(), 150+150*rng.Float64()
	drop := p.Drop * rng.Float64()
	move := func(x, y, a float64) (float64, float64, float64) {
		x += ax * math.Sin(2*math.Pi*y/ly+px)
		y += ay * math.Sin(2*math.Pi*x/lx+py)
		x, y = x-cx, y-cy
		if mirror {
			y, a = -y, -a
		}
		// Counter-clockwise as displayed, with y pointing down.
		nx := cx + cos*x + sin*y + dx + p.Jitter*rng.NormFloat64()
		ny := cy - sin*x + cos*y + dy + p.Jitter*rng.NormFloat64()
		return nx, ny, normAngle(a + rot + 0.1*p.Jitter*rng.NormFloat64())
	}
	for _, m := range t.Minutiae {
		if rng.Float64() < drop {
			continue
		}
		m.X, m.Y, m.Angle = move(m.X, m.Y, m.Angle)
		out.Minutiae = append(out.Minutiae, m)
	}
	extra := int(p.Spurious * rng.Float64() * float64(len(t.Minutiae)))
	for range extra {
		x, y, a := move(rng.Float64()*w, rng.Float64()*h, 2*math.Pi*rng.Float64())
		out.Minutiae = append(out.Minutiae, Minutia{X: x, Y: y, Angle: a, Type: MinutiaType(1 + rng.IntN(2)), Quality: t.Quality})
	}
	// Keep the template inside a non-negative frame, as an image would.
	minX, minY := 0.0, 0.0
	for _, m := range out.Minutiae {
		minX, minY = min(minX, m.X), min(minY, m.Y)
	}
	for i := range out.Minutiae {
		out.Minutiae[i].X -= minX
		out.Minutiae[i].Y -= minY
		out.Width = max(out.Width, out.Minutiae[i].X+1)
		out.Height = max(out.Height, out.Minutiae[i].Y+1)
	}
	return out
}
