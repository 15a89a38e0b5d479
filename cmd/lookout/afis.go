package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/lookout-network/lookout/afis"
)

func init() {
	register(command{
		name:    "afis",
		summary: "fingerprint matcher tools: eval DIR (FVC protocol), bench --templates N (one-to-many)",
		run:     runAFIS,
	})
}

func runAFIS(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, "usage: lookout afis eval [-only NAME,...] DIR | lookout afis bench [--templates N] [--probes P] DIR")
		return 2
	}
	switch args[0] {
	case "eval":
		return afisEval(ctx, env, args[1:])
	case "bench":
		return afisBench(ctx, env, args[1:])
	}
	fmt.Fprintf(env.Stderr, "lookout afis: unknown subcommand %q (want eval or bench)\n", args[0])
	return 2
}

var fvcName = regexp.MustCompile(`^\d+_\d+\.iso$`)

// findFVCSets returns every folder under root that holds FINGER_IMPRESSION.iso
// files, named by its path relative to root.
func findFVCSets(root string, only []string) ([]afis.FVCSet, error) {
	var dirs []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && fvcName.MatchString(d.Name()) {
			dir := filepath.Dir(p)
			if len(dirs) == 0 || dirs[len(dirs)-1] != dir {
				dirs = append(dirs, dir)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(dirs)
	dirs = slices.Compact(dirs)
	var sets []afis.FVCSet
	for _, dir := range dirs {
		name, _ := filepath.Rel(root, dir)
		name = filepath.ToSlash(name)
		if len(only) > 0 && !slices.ContainsFunc(only, func(o string) bool { return strings.Contains(name, o) }) {
			continue
		}
		set, err := afis.LoadFVCSet(name, dir)
		if err != nil {
			return nil, err
		}
		sets = append(sets, set)
	}
	if len(sets) == 0 {
		return nil, fmt.Errorf("no FINGER_IMPRESSION.iso templates under %q", root)
	}
	return sets, nil
}

func afisEval(ctx context.Context, env *Env, args []string) int {
	fl := flag.NewFlagSet("afis eval", flag.ContinueOnError)
	fl.SetOutput(env.Stderr)
	only := fl.String("only", "", "comma-separated substrings: evaluate only the sets whose path contains one")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() != 1 {
		fmt.Fprintln(env.Stderr, "usage: lookout afis eval [-only NAME,...] DIR")
		return 2
	}
	var filter []string
	if *only != "" {
		filter = strings.Split(*only, ",")
	}
	sets, err := findFVCSets(fl.Arg(0), filter)
	if err != nil {
		fmt.Fprintln(env.Stderr, "lookout afis eval:", err)
		return 1
	}
	m := afis.NewMatcher()
	rep := afis.Evaluate(sets, m.Score)
	pct := func(v float64) string { return fmt.Sprintf("%6.2f%%", 100*v) }
	fmt.Fprintf(env.Stdout, "%-16s %8s %8s %8s %8s %8s %8s\n", "set", "EER", "EER-all", "FMR100", "FMR1000", "ZeroFMR", "rank-1")
	for _, r := range append(rep.Sets, rep.Mean) {
		fmt.Fprintf(env.Stdout, "%-16s %8s %8s %8s %8s %8s %8s\n", r.Name, pct(r.EER), pct(r.EERAll), pct(r.FMR100), pct(r.FMR1000), pct(r.ZeroFMR), pct(r.Rank1))
	}
	fmt.Fprintf(env.Stdout, "%d matches, %.0f matches/s on one core\n", rep.Matches, rep.MatchesPerSecond)
	out := struct {
		EER              float64          `json:"eer"`
		EERAll           float64          `json:"eer_all"`
		FMR100           float64          `json:"fmr100"`
		FMR1000          float64          `json:"fmr1000"`
		ZeroFMR          float64          `json:"zero_fmr"`
		Rank1            float64          `json:"rank1"`
		MatchesPerSecond float64          `json:"matches_per_second"`
		Sets             []afis.SetResult `json:"sets"`
	}{rep.Mean.EER, rep.Mean.EERAll, rep.Mean.FMR100, rep.Mean.FMR1000, rep.Mean.ZeroFMR, rep.Mean.Rank1, rep.MatchesPerSecond, rep.Sets}
	return writeJSONLine(env.Stdout, env.Stderr, out)
}

func writeJSONLine(w, errw io.Writer, v any) int {
	b, err := json.Marshal(v)
	if err != nil {
		fmt.Fprintln(errw, "lookout afis:", err)
		return 1
	}
	fmt.Fprintln(w, string(b))
	return 0
}

// afisBench builds a gallery of N templates, a real mate for each probe
// finger and the rest perturbed copies of the other fingers' templates, then
// times one search per probe (impression 1 of each probe finger).
func afisBench(ctx context.Context, env *Env, args []string) int {
	fl := flag.NewFlagSet("afis bench", flag.ContinueOnError)
	fl.SetOutput(env.Stderr)
	n := fl.Int("templates", 100000, "number of enrolled templates")
	probes := fl.Int("probes", 20, "number of probe fingers (each has one real mate enrolled)")
	short := fl.Int("shortlist", afis.DefaultShortlist, "templates fully matched per search")
	seed := fl.Uint64("seed", 1, "seed of the perturbations")
	data := fl.String("data", "../shared/data/fingerprints", "folder of FVC template sets")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() != 0 || *n < *probes || *probes < 1 {
		fmt.Fprintln(env.Stderr, "usage: lookout afis bench [--templates N] [--probes P] [--shortlist K] [--data DIR]")
		return 2
	}
	sets, err := findFVCSets(*data, nil)
	if err != nil {
		fmt.Fprintln(env.Stderr, "lookout afis bench:", err)
		return 1
	}
	// Fingers are numbered across sets; every third one is a probe finger
	// until there are enough.
	type finger struct {
		set, id int
		tpls    []afis.FVCTemplate
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
	var probeF, background []finger
	for i, f := range fingers {
		if i%3 == 0 && len(probeF) < *probes {
			probeF = append(probeF, f)
		} else {
			background = append(background, f)
		}
	}
	if len(probeF) < *probes || len(background) == 0 {
		fmt.Fprintf(env.Stderr, "lookout afis bench: %d fingers are too few for %d probes\n", len(fingers), *probes)
		return 1
	}
	var sources []*afis.Template
	for _, f := range background {
		for _, t := range f.tpls {
			sources = append(sources, t.Template)
		}
	}

	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	ix := afis.NewIndex()
	ix.Shortlist = *short
	for i, f := range probeF {
		// The mate is the second impression: a real other capture.
		ix.Add(uint64(i+1), 0, f.tpls[1].Prepared)
	}
	const batch = 16384
	workers := runtime.GOMAXPROCS(0)
	prepared := make([]*afis.Prepared, batch)
	for lo := len(probeF); lo < *n; lo += batch {
		if ctx.Err() != nil {
			return 1
		}
		hi := min(lo+batch, *n)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := lo + w; i < hi; i += workers {
					rng := rand.New(rand.NewPCG(*seed, uint64(i)))
					src := sources[rng.IntN(len(sources))]
					t := afis.Perturb(src, rng, afis.GalleryPerturbation)
					prepared[i-lo] = afis.Prepare(&t)
				}
			}()
		}
		wg.Wait()
		for i := lo; i < hi; i++ {
			ix.Add(uint64(i+1), 0, prepared[i-lo])
		}
	}
	build := time.Since(start)
	clear(prepared)
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)

	var total, worst time.Duration
	hits := 0
	for i, f := range probeF {
		t0 := time.Now()
		res, err := ix.Search(ctx, f.tpls[0].Prepared, 10)
		d := time.Since(t0)
		if err != nil {
			fmt.Fprintln(env.Stderr, "lookout afis bench:", err)
			return 1
		}
		total += d
		worst = max(worst, d)
		rank := "not in the list"
		for r, c := range res {
			if c.ID == uint64(i+1) {
				rank = fmt.Sprintf("rank %d", r+1)
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
		fmt.Fprintf(env.Stdout, "probe %s finger %d: %v, mate %s, top score %.1f\n", sets[f.set].Name, f.id, d.Round(time.Millisecond), rank, top)
	}
	mean := total / time.Duration(len(probeF))
	fmt.Fprintf(env.Stdout, "%d templates built in %v (%.0f bytes each); search mean %v, worst %v on %d cores; mate first in %d of %d\n",
		*n, build.Round(time.Millisecond), float64(after.HeapAlloc-before.HeapAlloc)/float64(*n), mean.Round(time.Millisecond), worst.Round(time.Millisecond), workers, hits, len(probeF))
	out := map[string]any{
		"templates":          *n,
		"probes":             len(probeF),
		"shortlist":          *short,
		"cores":              workers,
		"build_seconds":      build.Seconds(),
		"bytes_per_template": float64(after.HeapAlloc-before.HeapAlloc) / float64(*n),
		"search_seconds":     mean.Seconds(),
		"search_seconds_max": worst.Seconds(),
		"rank1":              float64(hits) / float64(len(probeF)),
	}
	return writeJSONLine(env.Stdout, env.Stderr, out)
}
