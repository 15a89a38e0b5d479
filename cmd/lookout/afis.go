package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

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
	fmt.Fprintf(env.Stdout, "%d matches on one goroutine: %.0f matches/s of CPU time, %.0f matches/s of wall-clock time\n", rep.Matches, rep.MatchesPerSecond, rep.WallMatchesPerSecond)
	out := struct {
		EER              float64          `json:"eer"`
		EERAll           float64          `json:"eer_all"`
		FMR100           float64          `json:"fmr100"`
		FMR1000          float64          `json:"fmr1000"`
		ZeroFMR          float64          `json:"zero_fmr"`
		Rank1            float64          `json:"rank1"`
		MatchesPerSecond float64          `json:"matches_per_second"`
		WallPerSecond    float64          `json:"wall_matches_per_second"`
		Matches          int              `json:"matches"`
		Sets             []afis.SetResult `json:"sets"`
	}{rep.Mean.EER, rep.Mean.EERAll, rep.Mean.FMR100, rep.Mean.FMR1000, rep.Mean.ZeroFMR, rep.Mean.Rank1, rep.MatchesPerSecond, rep.WallMatchesPerSecond, rep.Matches, rep.Sets}
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

// afisBench runs [afis.Bench]: a gallery of N templates (a real mate for
// each probe finger, the rest perturbed copies of the other fingers'
// templates) and one timed search per probe.
func afisBench(ctx context.Context, env *Env, args []string) int {
	fl := flag.NewFlagSet("afis bench", flag.ContinueOnError)
	fl.SetOutput(env.Stderr)
	opts := afis.BenchOptions{}
	fl.IntVar(&opts.Templates, "templates", 100000, "number of enrolled templates")
	fl.IntVar(&opts.Probes, "probes", 20, "number of probe fingers (each has one real mate enrolled)")
	fl.IntVar(&opts.Shortlist, "shortlist", afis.DefaultShortlist, "templates fully matched per search")
	fl.Uint64Var(&opts.Seed, "seed", 1, "seed of the perturbations")
	data := fl.String("data", "../shared/data/fingerprints", "folder of FVC template sets")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() != 0 || opts.Templates < opts.Probes || opts.Probes < 1 {
		fmt.Fprintln(env.Stderr, "usage: lookout afis bench [--templates N] [--probes P] [--shortlist K] [--data DIR]")
		return 2
	}
	sets, err := findFVCSets(*data, nil)
	if err != nil {
		fmt.Fprintln(env.Stderr, "lookout afis bench:", err)
		return 1
	}
	rep, err := afis.Bench(ctx, sets, opts, env.Stdout)
	if err != nil {
		fmt.Fprintln(env.Stderr, "lookout afis bench:", err)
		return 1
	}
	return writeJSONLine(env.Stdout, env.Stderr, rep)
}
