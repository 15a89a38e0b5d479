package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lookout-network/lookout/docindex"
	"github.com/lookout-network/lookout/synth"
)

func init() {
	register(command{
		name:    "bench",
		summary: "measure an engine on synthetic data (bench documents --records N)",
		run:     runBench,
	})
}

func runBench(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || args[0] != "documents" {
		fmt.Fprintln(env.Stderr, "usage: lookout bench documents --records N [--checks M] [--seed S] [--similar K] [--puts P] [--snapshot FILE]")
		return 2
	}
	fs := flag.NewFlagSet("bench documents", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	records := fs.Int("records", 1_000_000, "synthetic documents to index")
	checks := fs.Int("checks", 10_000_000, "exact checks to time (half of them present)")
	seed := fs.Int64("seed", 1, "generator seed")
	similar := fs.Int("similar", 2000, "similar searches to time")
	puts := fs.Int("puts", 200_000, "live writes to time after the load")
	snapshot := fs.String("snapshot", "", "if set, write and read an index snapshot at this path and time both")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if *records < 1 || *checks < 0 || *similar < 0 || *puts < 0 || fs.NArg() > 0 {
		fmt.Fprintln(env.Stderr, "bench documents: --records must be positive, --checks, --similar and --puts not negative, and no arguments")
		return 2
	}
	// Collect garbage more often than by default: the load's temporary
	// arrays are as large as the index, and the machine is shared.
	defer debug.SetGCPercent(debug.SetGCPercent(50))
	b := &docBench{out: env.Stdout, records: *records, checks: *checks, seed: *seed, similar: *similar, puts: *puts, snapshot: *snapshot}
	res, err := b.run(ctx)
	if err != nil {
		fmt.Fprintf(env.Stderr, "bench documents: %v\n", err)
		return 1
	}
	line, _ := json.Marshal(res)
	fmt.Fprintln(env.Stdout, string(line))
	return 0
}

// docBenchResult is the JSON summary, the last line of the output.
type docBenchResult struct {
	Records                int     `json:"records"`
	Ranges                 int     `json:"ranges"`
	Cores                  int     `json:"cores"`
	GenerateSeconds        float64 `json:"generate_seconds"`
	LoadSeconds            float64 `json:"load_seconds"`
	LoadRecordsPerSecond   float64 `json:"load_records_per_second"`
	LoadCPUSeconds         float64 `json:"load_cpu_seconds"`
	BytesPerRecord         float64 `json:"bytes_per_record"`
	Checks                 int     `json:"checks"`
	ChecksPerSecond        float64 `json:"checks_per_second"`
	ChecksPerCoreSecond    float64 `json:"checks_per_core_second"`
	CheckAnyPerSecond      float64 `json:"check_any_per_second"`
	BatchChecksPerSecond   float64 `json:"batch_checks_per_second"`
	BatchPerCoreSecond     float64 `json:"batch_checks_per_core_second"`
	CheckNsP50             float64 `json:"check_ns_p50"`
	CheckNsP99             float64 `json:"check_ns_p99"`
	SimilarPerSecond       float64 `json:"similar_per_second"`
	SimilarPerCoreSecond   float64 `json:"similar_per_core_second"`
	SimilarMsP50           float64 `json:"similar_ms_p50"`
	SimilarMsP99           float64 `json:"similar_ms_p99"`
	SimilarRecall          float64 `json:"similar_recall"`
	PutsPerSecond          float64 `json:"puts_per_second,omitempty"`
	CompactSeconds         float64 `json:"compact_seconds,omitempty"`
	CompactCPUSeconds      float64 `json:"compact_cpu_seconds,omitempty"`
	SnapshotBytes          int64   `json:"snapshot_bytes,omitempty"`
	SnapshotWriteSeconds   float64 `json:"snapshot_write_seconds,omitempty"`
	SnapshotReadSeconds    float64 `json:"snapshot_read_seconds,omitempty"`
	SnapshotReadCPUSeconds float64 `json:"snapshot_read_cpu_seconds,omitempty"`
}

type docBench struct {
	out                                io.Writer
	records, checks, similar, puts     int
	seed                               int64
	snapshot                           string
	res                                docBenchResult
	presentIDs                         []uint64
	queries                            []query // half present, half absent, shuffled
	rng                                *rand.Rand
	heapBefore                         uint64
	x                                  *docindex.Index
	presentCountry, presentNumber      []string
	absentCountries, absentNumbers     []string
	similarCountry, similarQ, similarW []string
}

type query struct {
	country, number string
	present         bool
}

// sampleSize is the number of distinct present (and absent) numbers the
// checks cycle through: enough to defeat caches, small beside the index.
const sampleSize = 500_000

func (b *docBench) printf(format string, args ...any) { fmt.Fprintf(b.out, format, args...) }

func (b *docBench) run(ctx context.Context) (*docBenchResult, error) {
	b.rng = rand.New(rand.NewPCG(uint64(b.seed), 99))
	b.res.Records = b.records
	b.res.Cores = runtime.GOMAXPROCS(0)
	if err := b.load(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := b.prepareQueries(); err != nil {
		return nil, err
	}
	if err := b.timeChecks(ctx); err != nil {
		return nil, err
	}
	b.timeLatency()
	if err := b.timeSimilar(ctx); err != nil {
		return nil, err
	}
	if b.snapshot != "" {
		if err := b.timeSnapshot(); err != nil {
			return nil, err
		}
	}
	if err := b.timePuts(ctx); err != nil {
		return nil, err
	}
	return &b.res, nil
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// load builds the index, timing only the index's own work: documents are
// generated in chunks and the Builder's time is summed per chunk.
func (b *docBench) load() error {
	// The sample of ids is allocated before the baseline so that it does
	// not count as index memory.
	b.presentIDs = make([]uint64, 0, sampleSize)
	b.heapBefore = heapInUse()
	start := time.Now()
	var loadTime, loadCPU time.Duration
	bld := docindex.NewBuilder(b.records)
	every := max(1, b.records/sampleSize)
	chunk := make([]synth.Document, 0, 4096)
	var id uint64
	var err error
	flush := func() {
		t, c := time.Now(), cpuTime()
		for _, d := range chunk {
			id++
			if d.IsRange() {
				err = errors.Join(err, bld.AddRange(id, d.IssuingCountry, d.Number, d.NumberTo))
				b.res.Ranges++
				continue
			}
			err = errors.Join(err, bld.Add(id, d.IssuingCountry, d.Number))
			if id%uint64(every) == 0 && len(b.presentIDs) < sampleSize {
				b.presentIDs = append(b.presentIDs, id)
			}
		}
		loadTime += time.Since(t)
		loadCPU += cpuTime() - c
		chunk = chunk[:0]
	}
	synth.Documents(b.seed, b.records, func(d synth.Document) {
		chunk = append(chunk, d)
		if len(chunk) == cap(chunk) {
			flush()
		}
	})
	flush()
	if err != nil {
		return err
	}
	t, c := time.Now(), cpuTime()
	x, err := bld.Build()
	if err != nil {
		return err
	}
	loadTime += time.Since(t)
	loadCPU += cpuTime() - c
	bld = nil
	b.x = x
	total := time.Since(start)
	b.res.LoadSeconds = loadTime.Seconds()
	b.res.GenerateSeconds = (total - loadTime).Seconds()
	b.res.LoadRecordsPerSecond = float64(b.records) / b.res.LoadSeconds
	b.res.LoadCPUSeconds = loadCPU.Seconds()
	// The index's main table may be mapped outside the Go heap; count it.
	grown := int64(heapInUse()) - int64(b.heapBefore)
	off := x.Stats().OffHeapBytes
	b.res.BytesPerRecord = float64(grown+off) / float64(b.records)
	b.printf("loaded %d records (%d batches) in %.2f s of index time, %.2f CPU-seconds (%.0f records/s; generating them took %.2f s)\n",
		b.records, b.res.Ranges, b.res.LoadSeconds, b.res.LoadCPUSeconds, b.res.LoadRecordsPerSecond, b.res.GenerateSeconds)
	b.printf("index memory: %.1f bytes a record (%.2f GiB live heap growth + %.2f GiB mapped table)\n",
		b.res.BytesPerRecord, float64(grown)/(1<<30), float64(off)/(1<<30))
	return nil
}

func (b *docBench) prepareQueries() error {
	for _, id := range b.presentIDs {
		c, n, ok := b.x.Lookup(id)
		if !ok {
			return fmt.Errorf("record %d missing from the index", id)
		}
		b.queries = append(b.queries, query{c, n, true})
	}
	synth.Absent(b.seed, len(b.presentIDs), func(c, n string) {
		b.queries = append(b.queries, query{c, n, false})
	})
	b.rng.Shuffle(len(b.queries), func(i, j int) { b.queries[i], b.queries[j] = b.queries[j], b.queries[i] })
	// Lay the query texts out in query order, as a request's text would be
	// at hand in a server, so that reading them is not itself a cache miss.
	var text []byte
	for _, q := range b.queries {
		text = append(append(text, q.country...), q.number...)
	}
	all := string(text)
	for i := range b.queries {
		q := &b.queries[i]
		nc, nn := len(q.country), len(q.number)
		q.country, q.number = all[:nc], all[nc:nc+nn]
		all = all[nc+nn:]
	}
	return nil
}

// parallel runs work on every core, each worker taking its share of n. It
// returns the wall time, and in cpu the processor time the process used: on
// a machine shared with other work, n/cpu is what one core would sustain.
func parallel(n int, work func(worker, from, to int) error) (wall, cpu time.Duration, err error) {
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	errs := make([]error, workers)
	cpu0 := cpuTime()
	start := time.Now()
	for w := range workers {
		wg.Go(func() { errs[w] = work(w, n*w/workers, n*(w+1)/workers) })
	}
	wg.Wait()
	return time.Since(start), cpuTime() - cpu0, errors.Join(errs...)
}

func (b *docBench) timeChecks(ctx context.Context) error {
	if b.checks == 0 {
		return nil
	}
	qs := b.queries
	var hits atomic.Int64
	verify := func(q query, h docindex.Hits) error {
		if q.present && len(h.Exact) == 0 {
			return fmt.Errorf("present number %s %s not found", q.country, q.number)
		}
		if !q.present && !h.Empty() {
			return fmt.Errorf("absent number %s %s found: %+v", q.country, q.number, h)
		}
		return nil
	}
	d, cpu, err := parallel(b.checks, func(w, from, to int) error {
		n := int64(0)
		for i := from; i < to; i++ {
			q := qs[i%len(qs)]
			h, err := b.x.Check(q.country, q.number)
			if err != nil {
				return err
			}
			if q.present != !h.Empty() {
				return verify(q, h)
			}
			if !h.Empty() {
				n++
			}
		}
		hits.Add(n)
		return ctx.Err()
	})
	if err != nil {
		return err
	}
	b.res.Checks = b.checks
	b.res.ChecksPerSecond = float64(b.checks) / d.Seconds()
	b.res.ChecksPerCoreSecond = float64(b.checks) / cpu.Seconds()
	b.printf("exact checks: %.2f million a second on %d cores, %.2f million per CPU-second (%d checks, %.1f%% hits, all verified)\n",
		b.res.ChecksPerSecond/1e6, b.res.Cores, b.res.ChecksPerCoreSecond/1e6, b.checks, 100*float64(hits.Load())/float64(b.checks))
	d, _, err = parallel(b.checks, func(w, from, to int) error {
		for i := from; i < to; i++ {
			q := qs[i%len(qs)]
			if _, err := b.x.CheckAny(q.number); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	b.res.CheckAnyPerSecond = float64(b.checks) / d.Seconds()
	b.printf("checks by number alone: %.2f million a second\n", b.res.CheckAnyPerSecond/1e6)
	return b.timeBatches(ctx)
}

// timeBatches times CheckBatch on the same queries, 256 a batch.
func (b *docBench) timeBatches(ctx context.Context) error {
	const per = 256
	qs := make([]docindex.Query, len(b.queries))
	for i, q := range b.queries {
		qs[i] = docindex.Query{Country: q.country, Number: q.number}
	}
	batches := (b.checks + per - 1) / per
	d, cpu, err := parallel(batches, func(w, from, to int) error {
		out := make([]docindex.Result, 0, per)
		for i := from; i < to; i++ {
			j := i * per % (len(qs) - per + 1)
			out = b.x.CheckBatch(qs[j:j+per], out[:0])
			for k, r := range out {
				if r.Err != nil || r.Empty() == b.queries[j+k].present {
					return fmt.Errorf("batch check of %s %s: %+v", qs[j+k].Country, qs[j+k].Number, r)
				}
			}
		}
		return ctx.Err()
	})
	if err != nil {
		return err
	}
	n := float64(batches * per)
	b.res.BatchChecksPerSecond = n / d.Seconds()
	b.res.BatchPerCoreSecond = n / cpu.Seconds()
	b.printf("batch checks (%d a batch): %.2f million a second on %d cores, %.2f million per CPU-second (all verified)\n",
		per, b.res.BatchChecksPerSecond/1e6, b.res.Cores, b.res.BatchPerCoreSecond/1e6)
	return nil
}

// timeLatency times single checks one by one on one core; the clock reads
// add about 20-40 ns to each.
func (b *docBench) timeLatency() {
	n := min(len(b.queries), 200_000)
	lat := make([]time.Duration, n)
	for i := range n {
		q := b.queries[i]
		t := time.Now()
		_, _ = b.x.Check(q.country, q.number)
		lat[i] = time.Since(t)
	}
	slices.Sort(lat)
	b.res.CheckNsP50 = float64(lat[n/2].Nanoseconds())
	b.res.CheckNsP99 = float64(lat[n*99/100].Nanoseconds())
	b.printf("single check latency: p50 %.0f ns, p99 %.0f ns (one core, clock reads included)\n", b.res.CheckNsP50, b.res.CheckNsP99)
}

// perturb returns number changed by one OCR confusion or one edit.
func perturb(r *rand.Rand, number string) string {
	const alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	confuse := map[byte]byte{'0': 'O', 'O': '0', '1': 'I', 'I': '1', '2': 'Z', 'Z': '2', '5': 'S', 'S': '5', '6': 'G', 'G': '6', '8': 'B', 'B': '8'}
	s := []byte(number)
	i := r.IntN(len(s))
	switch r.IntN(5) {
	case 0:
		for j := range s {
			if c, ok := confuse[s[(i+j)%len(s)]]; ok {
				s[(i+j)%len(s)] = c
				return string(s)
			}
		}
		fallthrough
	case 1:
		c := alnum[r.IntN(len(alnum))]
		for c == s[i] {
			c = alnum[r.IntN(len(alnum))]
		}
		s[i] = c
	case 2:
		if i+1 < len(s) && s[i] != s[i+1] {
			s[i], s[i+1] = s[i+1], s[i]
		} else {
			s = slices.Delete(s, i, i+1)
		}
	case 3:
		s = slices.Insert(s, i, alnum[r.IntN(len(alnum))])
	default:
		s = slices.Delete(s, i, i+1)
	}
	return string(s)
}

func (b *docBench) timeSimilar(ctx context.Context) error {
	if b.similar == 0 {
		return nil
	}
	type sq struct{ country, query, want string }
	var qs []sq
	for _, q := range b.queries {
		if len(qs) == b.similar {
			break
		}
		if q.present {
			qs = append(qs, sq{q.country, perturb(b.rng, q.number), q.number})
		}
	}
	lat := make([]time.Duration, len(qs))
	var found atomic.Int64
	d, cpu, err := parallel(len(qs), func(w, from, to int) error {
		for i := from; i < to; i++ {
			t := time.Now()
			cands, err := b.x.Similar(qs[i].country, qs[i].query, 20)
			lat[i] = time.Since(t)
			if err != nil {
				return err
			}
			h, _ := b.x.Check(qs[i].country, qs[i].query)
			// The original is found unless the edit produced another
			// record's number (then it is an exact hit, not a candidate).
			if !h.Empty() || slices.ContainsFunc(cands, func(c docindex.Candidate) bool { return c.Number == qs[i].want }) {
				found.Add(1)
			}
		}
		return ctx.Err()
	})
	if err != nil {
		return err
	}
	slices.Sort(lat)
	n := len(qs)
	b.res.SimilarPerSecond = float64(n) / d.Seconds()
	b.res.SimilarPerCoreSecond = float64(n) / cpu.Seconds()
	b.res.SimilarMsP50 = float64(lat[n/2].Microseconds()) / 1000
	b.res.SimilarMsP99 = float64(lat[n*99/100].Microseconds()) / 1000
	b.res.SimilarRecall = float64(found.Load()) / float64(n)
	b.printf("similar searches: %.0f a second on %d cores (%.0f per CPU-second), p50 %.2f ms, p99 %.2f ms; the perturbed original found in %.1f%%\n",
		b.res.SimilarPerSecond, b.res.Cores, b.res.SimilarPerCoreSecond, b.res.SimilarMsP50, b.res.SimilarMsP99, 100*b.res.SimilarRecall)
	return nil
}

func (b *docBench) timeSnapshot() error {
	f, err := os.Create(b.snapshot)
	if err != nil {
		return err
	}
	t := time.Now()
	n, err := b.x.WriteTo(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	b.res.SnapshotBytes = n
	b.res.SnapshotWriteSeconds = time.Since(t).Seconds()
	c := cpuTime()
	f, err = os.Open(b.snapshot)
	if err != nil {
		return err
	}
	defer f.Close()
	t = time.Now()
	y := new(docindex.Index)
	if _, err := y.ReadFrom(f); err != nil {
		return err
	}
	b.res.SnapshotReadSeconds = time.Since(t).Seconds()
	b.res.SnapshotReadCPUSeconds = (cpuTime() - c).Seconds()
	if y.Len() != b.x.Len() {
		return fmt.Errorf("snapshot holds %d records, index %d", y.Len(), b.x.Len())
	}
	b.printf("snapshot: %.2f GiB written in %.2f s, read back in %.2f s\n",
		float64(n)/(1<<30), b.res.SnapshotWriteSeconds, b.res.SnapshotReadSeconds)
	y = nil
	runtime.GC() // release the copy before the next phase
	return nil
}

func (b *docBench) timePuts(ctx context.Context) error {
	if b.puts == 0 {
		return nil
	}
	docs := make([]synth.Document, 0, b.puts)
	synth.Documents(b.seed+1, b.puts, func(d synth.Document) {
		if !d.IsRange() {
			docs = append(docs, d)
		}
	})
	base := uint64(b.records) + 1
	t := time.Now()
	for i, d := range docs {
		if err := b.x.Put(base+uint64(i), d.IssuingCountry, d.Number); err != nil {
			return err
		}
	}
	el := time.Since(t)
	b.res.PutsPerSecond = float64(len(docs)) / el.Seconds()
	b.printf("live writes: %.0f puts a second (one writer, %d new records)\n", b.res.PutsPerSecond, len(docs))
	t, c := time.Now(), cpuTime()
	b.x.Compact()
	b.res.CompactSeconds = time.Since(t).Seconds()
	b.res.CompactCPUSeconds = (cpuTime() - c).Seconds()
	b.printf("rebuild folding them in: %.2f s, %.2f CPU-seconds (writes wait, checks do not)\n", b.res.CompactSeconds, b.res.CompactCPUSeconds)
	return ctx.Err()
}
