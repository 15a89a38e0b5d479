package afis

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"sync"
	"time"
)

// BenchOptions configures [Bench].
type BenchOptions struct {
	Templates int    // gallery size
	Probes    int    // probe fingers, each with one real mate enrolled
	Shortlist int    // the index's shortlist (DefaultShortlist if 0)
	Seed      uint64 // seed of the perturbations
}

// BenchReport is the outcome of [Bench]; times exclude template loading.
type BenchReport struct {
	Templates        int     `json:"templates"`
	Probes           int     `json:"probes"`
	Shortlist        int     `json:"shortlist"`
	Cores            int     `json:"cores"`
	BuildSeconds     float64 `json:"build_seconds"`
	BytesPerTemplate float64 `json:"bytes_per_template"`
	SearchSeconds    float64 `json:"search_seconds"`
	SearchSecondsMax float64 `json:"search_seconds_max"`
	// SearchCPUSeconds is the process CPU time per search, all cores
	// together: on an otherwise idle machine a search takes about this
	// divided by the cores.
	SearchCPUSeconds float64 `json:"search_cpu_seconds"`
	// Rank1 is the share of probes whose mate came first.
	Rank1 float64 `json:"rank1"`
	// MateFound is the share of probes whose mate was in the top 10.
	MateFound float64 `json:"mate_in_top10"`
}

// Bench measures one-to-many search at scale. The fingers of sets are
// numbered in order; every third one (up to Probes) is a probe finger, whose
// impression 2 is enrolled as its mate and impression 1 searched. The rest
// of the gallery is made of [Perturb]ed copies ([GalleryPerturbation]) of the
// other fingers' templates, so no background template comes from a probe
// finger. One line per probe is written to log.
func Bench(ctx context.Context, sets []FVCSet, opts BenchOptions, log io.Writer) (BenchReport, error) {
	rep := BenchReport{Templates: opts.Templates, Probes: opts.Probes, Shortlist: opts.Shortlist, Cores: runtime.GOMAXPROCS(0)}
	if rep.Shortlist <= 0 {
		rep.Shortlist = DefaultShortlist
	}
	type finger struct {
		set, id int
		tpls    []FVCTemplate
	}
	var fingers []finger
	for si, s := range sets {
		for _, t := range s.Templates {
			if len(fingers) == 0 || fingers[len(fingers)-1].set != si || fingers[len(fingers)-1].id != t.Finger {
				fingers = append(fingers, finger{set: si, id: t.Finger})
			}
			fingers[len(fingers)-1].tpls = append(fingers[len(fingers)-1].tpls, t)
		}
	}
	var probes, background []finger
	for i, f := range fingers {
		if i%3 == 0 && len(probes) < opts.Probes && len(f.tpls) >= 2 {
			probes = append(probes, f)
		} else {
			background = append(background, f)
		}
	}
	if len(probes) < opts.Probes || len(background) == 0 || opts.Templates < opts.Probes {
		return rep, fmt.Errorf("%d fingers and %d templates are too few for %d probes", len(fingers), opts.Templates, opts.Probes)
	}
	var sources []*Template
	for _, f := range background {
		for _, t := range f.tpls {
			sources = append(sources, t.Template)
		}
	}

	// The build makes garbage (perturbed templates) beside a large live
	// index; a low GC target keeps the peak near the live size.
	defer debug.SetGCPercent(debug.SetGCPercent(25))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	ix := NewIndex()
	ix.Shortlist = rep.Shortlist
	minutiae := 0
	for _, t := range sources {
		minutiae += len(t.Minutiae)
	}
	// Perturbation keeps about as many minutiae as it drops and adds; 5 %
	// headroom.
	ix.Reserve(opts.Templates, int(float64(minutiae)/float64(len(sources))*float64(opts.Templates)*1.05))
	for i, f := range probes {
		ix.Add(uint64(i+1), 0, f.tpls[1].Prepared)
	}
	const batch = 16384
	prepared := make([]*Prepared, batch)
	for lo := len(probes); lo < opts.Templates; lo += batch {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		hi := min(lo+batch, opts.Templates)
		var wg sync.WaitGroup
		for w := range rep.Cores {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := lo + w; i < hi; i += rep.Cores {
					rng := rand.New(rand.NewPCG(opts.Seed, uint64(i)))
					t := Perturb(sources[rng.IntN(len(sources))], rng, GalleryPerturbation)
					prepared[i-lo] = PrepareGallery(&t)
				}
			}()
		}
		wg.Wait()
		for i := lo; i < hi; i++ {
			ix.Add(uint64(i+1), 0, prepared[i-lo])
		}
	}
	rep.BuildSeconds = time.Since(start).Seconds()
	clear(prepared)
	runtime.GC()
	runtime.ReadMemStats(&after)
	rep.BytesPerTemplate = (float64(after.HeapAlloc) - float64(before.HeapAlloc)) / float64(opts.Templates)

	m := NewMatcher()
	var total, worst, cpu time.Duration
	hits, found := 0, 0
	for i, f := range probes {
		t0, c0 := time.Now(), cpuTime()
		res, err := ix.Search(ctx, f.tpls[0].Prepared, 10)
		d := time.Since(t0)
		cpu += cpuTime() - c0
		if err != nil {
			return rep, err
		}
		total += d
		worst = max(worst, d)
		rank := "not in the top 10"
		for r, c := range res {
			if c.ID == uint64(i+1) {
				rank = fmt.Sprintf("rank %d", r+1)
				found++
				if r == 0 {
					hits++
				}
				break
			}
		}
		top := 0.0
		if len(res) > 0 {
			top = res[0].Score
		}
		fmt.Fprintf(log, "probe %s finger %d: %v, mate %s (one-to-one score %.1f), top score %.1f\n",
			sets[f.set].Name, f.id, d.Round(time.Millisecond), rank, m.Score(f.tpls[0].Prepared, f.tpls[1].Prepared), top)
	}
	rep.SearchSeconds = total.Seconds() / float64(len(probes))
	rep.SearchSecondsMax = worst.Seconds()
	rep.SearchCPUSeconds = cpu.Seconds() / float64(len(probes))
	rep.Rank1 = float64(hits) / float64(len(probes))
	rep.MateFound = float64(found) / float64(len(probes))
	fmt.Fprintf(log, "%d templates built in %.1fs (%.0f bytes each); search mean %.3fs, worst %.3fs on %d cores, %.3fs of CPU; mate first for %d of %d probes\n",
		opts.Templates, rep.BuildSeconds, rep.BytesPerTemplate, rep.SearchSeconds, rep.SearchSecondsMax, rep.Cores, rep.SearchCPUSeconds, hits, len(probes))
	return rep, nil
}
