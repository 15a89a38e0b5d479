package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/lookout-network/lookout/dna"
)

func init() {
	register(command{
		name:    "dna",
		summary: "DNA engine tools: eval (accuracy report), bench (memory and search latency)",
		run:     runDNA,
	})
}

func runDNA(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, "usage: lookout dna eval|bench [flags]")
		return 2
	}
	switch args[0] {
	case "eval":
		return runDNAEval(ctx, env, args[1:])
	case "bench":
		return runDNABench(ctx, env, args[1:])
	case "import":
		return runDNAImport(ctx, env, args[1:])
	case "export":
		return runDNAExport(ctx, env, args[1:])
	}
	fmt.Fprintf(env.Stderr, "lookout dna: unknown subcommand %q (want eval or bench)\n", args[0])
	return 2
}

func runDNAEval(ctx context.Context, env *Env, args []string) int {
	fs := flag.NewFlagSet("dna eval", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	data := fs.String("data", "../shared/data/dna", "shared DNA data folder")
	seed := fs.Uint64("seed", 1, "random seed")
	background := fs.Int("background", 100000, "synthetic unrelated profiles hiding the real ones")
	queries := fs.Int("queries", 200, "searches per scenario")
	pop := fs.String("population", dna.DefaultPopulation, "frequency table for drawing and weighting")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "lookout dna eval: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	rep, err := dna.Evaluate(ctx, dna.EvalConfig{DataDir: *data, Seed: *seed, Background: *background, Queries: *queries, Population: *pop})
	if err != nil {
		fmt.Fprintf(env.Stderr, "lookout dna eval: %v\n", err)
		return 1
	}
	fmt.Fprintf(env.Stdout, "%d real NIST 1036 profiles hidden among %d synthetic ones (%s, seed %d)\n",
		rep.Real, rep.Background, rep.Population, rep.Seed)
	tw := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\trule\tsearches\texpected\tfound\tfirst\tmissed\tunrelated/search\tunrelated hits\ttrue lg LR min\ttrue lg LR med\tfalse lg LR med\tfalse lg LR max\t")
	for _, s := range rep.Scenarios {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%.2f\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t\n", s.Scenario, s.Rule, s.Searches, s.Expected,
			s.Found, s.First, s.Missed, s.UnrelatedPerSearch, s.UnrelatedHits, s.TrueLog10LRMin, s.TrueLog10LRMedian,
			s.FalseLog10LRMedian, s.FalseLog10LRMax)
	}
	tw.Flush()
	if err := dnaJSONLine(env.Stdout, rep); err != nil {
		return 1
	}
	if rep.Missed > 0 {
		fmt.Fprintf(env.Stderr, "lookout dna eval: %d expected true donors were missed\n", rep.Missed)
		return 1
	}
	return 0
}

func runDNABench(ctx context.Context, env *Env, args []string) int {
	fs := flag.NewFlagSet("dna bench", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	data := fs.String("data", "../shared/data/dna", "shared DNA data folder")
	profiles := fs.Int("profiles", 1_000_000, "identity profiles in the index")
	relatives := fs.Int("relatives", 0, "relative profiles for the kinship search (default: min(profiles, 1,000,000))")
	queries := fs.Int("queries", 20, "searches per rule")
	seed := fs.Uint64("seed", 1, "random seed")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 || *profiles <= 0 || *relatives < 0 || *queries <= 0 {
		fmt.Fprintln(env.Stderr, "lookout dna bench: --profiles and --queries must be positive, --relatives not negative, no arguments")
		return 2
	}
	rel := *relatives
	if rel == 0 {
		rel = min(*profiles, 1_000_000)
	}
	rep, err := dna.Bench(ctx, dna.BenchConfig{DataDir: *data, Profiles: *profiles, Relatives: rel, Queries: *queries, Seed: *seed,
		Progress: func(n int) { fmt.Fprintf(env.Stderr, "loaded %d profiles\n", n) }})
	if err != nil {
		fmt.Fprintf(env.Stderr, "lookout dna bench: %v\n", err)
		return 1
	}
	fmt.Fprintf(env.Stdout, "%d profiles + %d relatives loaded in %.1f s; heap %.1f bytes/profile (arrays %.1f; target 100, ratio %.2f); %d in the general store, %d buckets; GOMAXPROCS %d\n",
		rep.Profiles, rep.Relatives, rep.LoadSeconds, rep.BytesPerProfile, rep.DataBytesPerProfile, rep.RatioBytes, rep.GeneralProfiles, rep.Buckets, rep.GOMAXPROCS)
	tw := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "rule\tquery\tsearches\tmean ms\tp50 ms\tp95 ms\tmax ms\tCPU ms\tscanned\tcandidates\ttarget ms\tp95/target\t")
	for _, s := range rep.Searches {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.0f\t%.1f\t%.0f\t%.2f\t\n", s.Rule, s.Query, s.Searches, s.MeanMs, s.P50Ms, s.P95Ms, s.MaxMs, s.MeanCPUMs, s.MeanScanned, s.MeanCandidates, s.TargetMs, s.RatioToTarget)
	}
	tw.Flush()
	fmt.Fprintf(env.Stdout, "remove: %.2f ms per profile\n", rep.RemoveMs)
	if err := dnaJSONLine(env.Stdout, rep); err != nil {
		return 1
	}
	return 0
}

func dnaJSONLine(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}
