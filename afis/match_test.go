package afis_test

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/lookout-network/lookout/afis"
)

const dataDir = "../../shared/data/fingerprints"

// MustLoadSet reads one shared FVC database.
func MustLoadSet(tb testing.TB, name string) afis.FVCSet {
	tb.Helper()
	set, err := afis.LoadFVCSet(name, filepath.Join(dataDir, name))
	if err != nil {
		tb.Fatal(err)
	}
	if len(set.Templates) != 80 {
		tb.Fatalf("set %s has %d templates, want 80", name, len(set.Templates))
	}
	return set
}

// MustParseFile parses one shared template file.
func MustParseFile(tb testing.TB, path string) *afis.Record {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(dataDir, path))
	if err != nil {
		tb.Fatal(err)
	}
	rec, err := afis.Parse(data)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return rec
}

func TestScoreSymmetricDeterministic(t *testing.T) {
	a := MustLoadSet(t, "fvc2002/DB3_B").Templates
	b := MustLoadSet(t, "fvc2004/DB2_B").Templates
	all := append(slices.Clone(a), b...)
	m1, m2 := afis.NewMatcher(), afis.NewMatcher()
	for i := 0; i < len(all); i += 3 {
		for j := 1; j < len(all); j += 7 {
			x, y := all[i].Prepared, all[j].Prepared
			s1, s2, s3 := m1.Score(x, y), m2.Score(y, x), m1.Score(x, y)
			if s1 != s2 || s1 != s3 {
				t.Fatalf("templates %d and %d: scores %v, %v (reversed), %v (again)", i, j, s1, s2, s3)
			}
		}
	}
}

func TestScoreGenuineAboveImpostor(t *testing.T) {
	for _, name := range []string{"fvc2002/DB1_B", "fvc2004/DB3_B"} {
		t.Run(name, func(t *testing.T) {
			ts := MustLoadSet(t, name).Templates
			m := afis.NewMatcher()
			var gen, imp []float64
			for i := range ts {
				for j := i + 1; j < len(ts); j++ {
					s := m.Score(ts[i].Prepared, ts[j].Prepared)
					if ts[i].Finger == ts[j].Finger {
						gen = append(gen, s)
					} else {
						imp = append(imp, s)
					}
				}
			}
			slices.Sort(gen)
			slices.Sort(imp)
			// Most genuine pairs must beat the 99th-percentile impostor.
			p99 := imp[len(imp)*99/100]
			above := len(gen) - countBelow(gen, p99)
			if frac := float64(above) / float64(len(gen)); frac < 0.85 {
				t.Fatalf("%.1f%% of genuine pairs score above the impostor 99th percentile %.2f", 100*frac, p99)
			}
			if eer := afis.EER(gen, imp); eer > 0.08 {
				t.Fatalf("EER %.2f%%", 100*eer)
			}
		})
	}
}

func countBelow(sorted []float64, t float64) int {
	n, _ := slices.BinarySearch(sorted, t)
	for n < len(sorted) && sorted[n] <= t {
		n++
	}
	return n
}

// transform rotates t by angle about the image centre, shifts it, and mirrors
// it in y when mirror is set.
func transform(t afis.Template, angle, dx, dy float64, mirror bool) afis.Template {
	out := t
	out.Minutiae = nil
	cx, cy := t.Width/2, t.Height/2
	s, c := math.Sincos(angle)
	for _, m := range t.Minutiae {
		x, y := m.X-cx, m.Y-cy
		a := m.Angle
		if mirror {
			y, a = -y, -a
		}
		// A counter-clockwise rotation as displayed, with y pointing down.
		m.X = cx + c*x + s*y + dx
		m.Y = cy - s*x + c*y + dy
		m.Angle = math.Mod(a+angle+4*math.Pi, 2*math.Pi)
		out.Minutiae = append(out.Minutiae, m)
	}
	return out
}

func TestScoreInvariance(t *testing.T) {
	rec := MustParseFile(t, "fvc2002/DB2_B/104_2.iso")
	orig := rec.Templates[0]
	self := afis.NewMatcher().Score(afis.Prepare(&orig), afis.Prepare(&orig))
	for _, c := range []struct {
		name      string
		angle     float64
		dx, dy    float64
		mirror    bool
		low, high float64 // share of the self score
	}{
		{"Rotated90", math.Pi / 2, 0, 0, false, 0.9, 1.01},
		{"Rotated33Shifted", 33 * math.Pi / 180, 40, -25, false, 0.7, 1.01},
		{"Mirrored", 0, 0, 0, true, 0, 0.25},
	} {
		t.Run(c.name, func(t *testing.T) {
			moved := transform(orig, c.angle, c.dx, c.dy, c.mirror)
			s := afis.NewMatcher().Score(afis.Prepare(&orig), afis.Prepare(&moved))
			if s < c.low*self || s > c.high*self {
				t.Fatalf("score %.2f, self score %.2f: want %.0f%%–%.0f%% of it", s, self, 100*c.low, 100*c.high)
			}
		})
	}
}

func TestScoreAllocations(t *testing.T) {
	ts := MustLoadSet(t, "fvc2002/DB1_B").Templates
	m := afis.NewMatcher()
	allocs := testing.AllocsPerRun(50, func() { m.Score(ts[0].Prepared, ts[9].Prepared) })
	if allocs != 0 {
		t.Fatalf("Score allocates %.0f times per call", allocs)
	}
}

func BenchmarkScore(b *testing.B) {
	set := MustLoadSet(b, "fvc2002/DB1_B")
	m := afis.NewMatcher()
	ts := set.Templates
	for i := 0; b.Loop(); i++ {
		m.Score(ts[i%80].Prepared, ts[(i*7+3)%80].Prepared)
	}
}

func TestCalibrate(t *testing.T) {
	for _, c := range []struct {
		name     string
		raw, cal float64
	}{
		{"Zero", 0, 0},
		{"Negative", -3, 0},
		{"OnePercent", 94.16, 20},
		{"PointOnePercent", 156.82, 30},
		{"Extrapolated", 227.70 + (227.70 - 156.82), 50},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := afis.Calibrate(c.raw); math.Abs(got-c.cal) > 1e-9 {
				t.Fatalf("Calibrate(%v) = %v, want %v", c.raw, got, c.cal)
			}
		})
	}
	t.Run("StrictlyIncreasing", func(t *testing.T) {
		prev := afis.Calibrate(0.001)
		for raw := 0.5; raw < 1000; raw += 0.5 {
			if c := afis.Calibrate(raw); c <= prev {
				t.Fatalf("Calibrate(%v) = %v, not above %v", raw, c, prev)
			} else {
				prev = c
			}
		}
	})
}

func TestScoreGalleryEitherSide(t *testing.T) {
	ts := MustLoadSet(t, "fvc2002/DB2_B").Templates
	m := afis.NewMatcher()
	for _, j := range []int{1, 2, 9, 40} {
		g := afis.PrepareGallery(ts[j].Template)
		want := m.Score(ts[0].Prepared, ts[j].Prepared)
		if got1, got2 := m.Score(ts[0].Prepared, g), m.Score(g, ts[0].Prepared); got1 != want || got2 != want {
			t.Fatalf("template %d: scores %v and %v with a gallery form, %v with full forms", j, got1, got2, want)
		}
	}
}
