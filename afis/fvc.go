package afis

import (
	"cmp"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FVCTemplate is one template of an FVC database: finger and impression come
// from its file name FINGER_IMPRESSION.iso.
type FVCTemplate struct {
	Finger, Impression int
	Template           *Template
	Prepared           *Prepared
}

// FVCSet is one FVC database (a folder of templates).
type FVCSet struct {
	Name      string
	Templates []FVCTemplate
}

// LoadFVCSet reads every FINGER_IMPRESSION.iso (any supported format) in dir.
func LoadFVCSet(name, dir string) (FVCSet, error) {
	set := FVCSet{Name: name}
	paths, err := filepath.Glob(filepath.Join(dir, "*_*.iso"))
	if err != nil {
		return set, err
	}
	slices.Sort(paths)
	for _, p := range paths {
		base := strings.TrimSuffix(filepath.Base(p), ".iso")
		fs, is, _ := strings.Cut(base, "_")
		finger, err1 := strconv.Atoi(fs)
		imp, err2 := strconv.Atoi(is)
		if err1 != nil || err2 != nil {
			return set, fmt.Errorf("template file %q is not named FINGER_IMPRESSION.iso", p)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return set, err
		}
		rec, err := Parse(data)
		if err != nil {
			return set, fmt.Errorf("template file %q: %w", p, err)
		}
		if len(rec.Templates) == 0 {
			return set, fmt.Errorf("template file %q holds no finger view", p)
		}
		t := &rec.Templates[0]
		set.Templates = append(set.Templates, FVCTemplate{Finger: finger, Impression: imp, Template: t, Prepared: Prepare(t)})
	}
	slices.SortFunc(set.Templates, func(a, b FVCTemplate) int {
		return cmp.Or(cmp.Compare(a.Finger, b.Finger), cmp.Compare(a.Impression, b.Impression))
	})
	return set, nil
}

// SetResult holds the FVC indicators of one database, as fractions.
type SetResult struct {
	Name string `json:"name"`
	// EER uses the FVC impostor pairs (first impressions only);
	// EERAll uses every cross-finger pair. FMR100, FMR1000 and ZeroFMR use
	// every cross-finger pair, where the FVC pairs are too few to resolve them.
	EER      float64 `json:"eer"`
	EERAll   float64 `json:"eer_all"`
	FMR100   float64 `json:"fmr100"`
	FMR1000  float64 `json:"fmr1000"`
	ZeroFMR  float64 `json:"zero_fmr"`
	Rank1    float64 `json:"rank1"`
	Genuine  int     `json:"genuine_pairs"`
	Impostor int     `json:"impostor_pairs"`
	AllImp   int     `json:"all_impostor_pairs"`
}

// Report is the outcome of [Evaluate]: one result per set, their plain
// means, and the one-core speed of the all-pairs scoring.
type Report struct {
	Sets    []SetResult `json:"sets"`
	Mean    SetResult   `json:"mean"`
	Matches int         `json:"matches"`
	// MatchesPerSecond is measured on the process's CPU time (one goroutine
	// scores), which other work on the machine does not inflate;
	// WallMatchesPerSecond is measured on the clock.
	MatchesPerSecond     float64 `json:"matches_per_second"`
	WallMatchesPerSecond float64 `json:"wall_matches_per_second"`
}

// Evaluate runs the FVC protocol on sets with score, on one goroutine: every
// pair of templates in the pooled sets is scored once (the score is
// symmetric), then genuine pairs (each impression against every later one of
// the same finger), FVC impostor pairs (first impressions of different
// fingers), all cross-finger pairs, and rank-1 identification (each template
// against all others of every set) are read from the scores.
func Evaluate(sets []FVCSet, score func(a, b *Prepared) float64) Report {
	type ref struct{ set, t int }
	var all []ref
	for si, s := range sets {
		for ti := range s.Templates {
			all = append(all, ref{si, ti})
		}
	}
	n := len(all)
	scores := make([]float64, n*n)
	start, cpuStart := time.Now(), cpuTime()
	for i := range n {
		a := sets[all[i].set].Templates[all[i].t].Prepared
		for j := i + 1; j < n; j++ {
			s := score(a, sets[all[j].set].Templates[all[j].t].Prepared)
			scores[i*n+j], scores[j*n+i] = s, s
		}
	}
	elapsed, cpu := time.Since(start), cpuTime()-cpuStart
	rep := Report{Matches: n * (n - 1) / 2}
	if elapsed > 0 {
		rep.WallMatchesPerSecond = float64(rep.Matches) / elapsed.Seconds()
		rep.MatchesPerSecond = rep.WallMatchesPerSecond
	}
	if cpu > 0 {
		rep.MatchesPerSecond = float64(rep.Matches) / cpu.Seconds()
	}
	mate := func(i, j int) bool {
		a, b := all[i], all[j]
		return a.set == b.set && sets[a.set].Templates[a.t].Finger == sets[b.set].Templates[b.t].Finger
	}
	off := 0
	for si, s := range sets {
		res := SetResult{Name: s.Name}
		var gen, imp, allImp []float64
		ts := s.Templates
		for i := range ts {
			for j := i + 1; j < len(ts); j++ {
				sc := scores[(off+i)*n+off+j]
				switch {
				case ts[i].Finger == ts[j].Finger:
					gen = append(gen, sc)
				default:
					allImp = append(allImp, sc)
					if ts[i].Impression == 1 && ts[j].Impression == 1 {
						imp = append(imp, sc)
					}
				}
			}
		}
		res.Genuine, res.Impostor, res.AllImp = len(gen), len(imp), len(allImp)
		res.EER = EER(gen, imp)
		res.EERAll = EER(gen, allImp)
		res.FMR100 = FNMRAtFMR(gen, allImp, 0.01)
		res.FMR1000 = FNMRAtFMR(gen, allImp, 0.001)
		res.ZeroFMR = FNMRAtFMR(gen, allImp, 0)
		hits := 0
		for i := range ts {
			p := off + i
			best, hit := 0.0, false
			for j := range n {
				if j == p {
					continue
				}
				sc := scores[p*n+j]
				switch {
				case sc > best:
					best, hit = sc, mate(p, j)
				case sc == best && sc > 0:
					hit = hit && mate(p, j)
				}
			}
			if hit {
				hits++
			}
		}
		if len(ts) > 0 {
			res.Rank1 = float64(hits) / float64(len(ts))
		}
		rep.Sets = append(rep.Sets, res)
		off += len(sets[si].Templates)
	}
	if k := float64(len(rep.Sets)); k > 0 {
		m := &rep.Mean
		m.Name = "mean"
		for _, r := range rep.Sets {
			m.EER += r.EER / k
			m.EERAll += r.EERAll / k
			m.FMR100 += r.FMR100 / k
			m.FMR1000 += r.FMR1000 / k
			m.ZeroFMR += r.ZeroFMR / k
			m.Rank1 += r.Rank1 / k
			m.Genuine += r.Genuine
			m.Impostor += r.Impostor
			m.AllImp += r.AllImp
		}
	}
	return rep
}

// rates returns FMR(t) (impostor scores ≥ t) and FNMR(t) (genuine < t).
func rates(gen, imp []float64, t float64) (fmr, fnmr float64) {
	var fa, fr int
	for _, s := range imp {
		if s >= t {
			fa++
		}
	}
	for _, s := range gen {
		if s < t {
			fr++
		}
	}
	return float64(fa) / float64(max(len(imp), 1)), float64(fr) / float64(max(len(gen), 1))
}

// thresholds returns every distinct score and one above them all.
func thresholds(gen, imp []float64) []float64 {
	ts := slices.Concat(gen, imp)
	slices.Sort(ts)
	ts = slices.Compact(ts)
	top := 1.0
	if len(ts) > 0 {
		top = ts[len(ts)-1] + 1
	}
	return append(ts, top)
}

// EER is the equal error rate by the FVC2000 definition: the midpoint of the
// interval between the thresholds where FNMR and FMR cross.
func EER(gen, imp []float64) float64 {
	ts := thresholds(gen, imp)
	t1, t2 := math.Inf(-1), math.Inf(1)
	for _, t := range ts {
		fmr, fnmr := rates(gen, imp, t)
		if fnmr <= fmr {
			t1 = max(t1, t)
		}
		if fnmr >= fmr {
			t2 = min(t2, t)
		}
	}
	fmr1, fnmr1 := rates(gen, imp, t1)
	fmr2, fnmr2 := rates(gen, imp, t2)
	if math.IsInf(t1, -1) {
		return (fmr2 + fnmr2) / 2
	}
	if math.IsInf(t2, 1) {
		return (fmr1 + fnmr1) / 2
	}
	if fnmr1+fmr1 <= fmr2+fnmr2 {
		return (fnmr1 + fmr1) / 2
	}
	return (fmr2 + fnmr2) / 2
}

// FNMRAtFMR returns the lowest FNMR over the thresholds whose FMR is at most
// limit (FMR100 for 0.01, FMR1000 for 0.001, ZeroFMR for 0).
func FNMRAtFMR(gen, imp []float64, limit float64) float64 {
	best := 1.0
	for _, t := range thresholds(gen, imp) {
		if fmr, fnmr := rates(gen, imp, t); fmr <= limit && fnmr < best {
			best = fnmr
		}
	}
	return best
}
