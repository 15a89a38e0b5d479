//go:build linux

package hub

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/docindex"
	"github.com/lookout-network/lookout/names"
	"github.com/lookout-network/lookout/sqlite"
	"golang.org/x/sys/unix"
)

// alpha3 maps the synthetic generator's alpha-2 nationalities.
var alpha3 = map[string]string{"FR": "FRA", "DE": "DEU", "IT": "ITA", "ES": "ESP", "GB": "GBR", "US": "USA", "RU": "RUS", "UA": "UKR", "CN": "CHN",
	"TR": "TUR", "EG": "EGY", "SA": "SAU", "IQ": "IRQ", "SY": "SYR", "JO": "JOR", "MA": "MAR", "DZ": "DZA", "TN": "TUN", "PK": "PAK", "AF": "AFG",
	"IN": "IND", "BR": "BRA", "MX": "MEX", "AR": "ARG", "NG": "NGA", "KE": "KEN", "ZA": "ZAF", "PL": "POL", "NL": "NLD", "BE": "BEL", "BY": "BLR", "KZ": "KAZ"}

// cpuTime is the CPU time (user and system) the process used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// threadCPU is the CPU time of the calling thread, to the nanosecond
// (getrusage's per-thread figures are adjusted to ticks and useless for
// intervals of a millisecond).
func threadCPU() time.Duration {
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts)
	return time.Duration(ts.Nano())
}

// envInt reads a benchmark size from the environment.
func envInt(tb testing.TB, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		tb.Fatalf("%s=%q is not a positive number", name, s)
	}
	return n
}

// benchPersons returns a hub over a fresh store holding n synthetic persons
// recorded by the NCB of DEU, and the contexts of the NCBs of DEU and FRA.
func benchPersons(b *testing.B, n int) (*Hub, context.Context, context.Context, []names.Entry) {
	b.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "lookout.db"))
	if err != nil {
		b.Fatal(err)
	}
	sec, _, err := Bootstrap(ctx, db, "secretariat")
	if err != nil {
		b.Fatal(err)
	}
	h := New(db, NewDocumentIndex(docindex.New()), slog.New(slog.NewTextHandler(io.Discard, nil)))
	b.Cleanup(func() { h.Close(); db.Close() })
	h.SetPersonIndex(NewPersonIndex())
	secCtx := lookout.NewContext(ctx, &lookout.Caller{Agency: sec})
	ncb := func(country string) context.Context {
		a, _, err := h.CreateAgency(secCtx, &lookout.Agency{ID: "ncb-" + strings.ToLower(country), Kind: lookout.KindNCB, Country: country, Name: "NCB " + country})
		if err != nil {
			b.Fatal(err)
		}
		return lookout.NewContext(ctx, &lookout.Caller{Agency: a})
	}
	deu, fra := ncb("DEU"), ncb("FRA")
	entries := names.Synthetic(1, n)
	start := time.Now()
	const chunk = 5000
	for lo := 0; lo < n; lo += chunk {
		var ps []*lookout.Person
		for _, e := range entries[lo:min(lo+chunk, n)] {
			p := &lookout.Person{Name: e.Names[0], DateOfBirth: e.DateOfBirth.String(), Sex: e.Sex}
			for _, a := range e.Names[1:] {
				// names.Synthetic title-cases the first byte of some
				// Cyrillic aliases, breaking their first letter.
				p.Aliases = append(p.Aliases, strings.ToValidUTF8(a, ""))
			}
			for _, c := range e.Nationalities {
				p.Nationalities = append(p.Nationalities, alpha3[c])
			}
			ps = append(ps, p)
		}
		errs, err := h.CreatePersons(deu, ps)
		if err != nil {
			b.Fatal(err)
		}
		for i, err := range errs {
			if err != nil {
				b.Fatalf("person %d %+v: %v", lo+i, ps[i], err)
			}
		}
	}
	b.Logf("recorded and indexed %d persons in %.1f s", n, time.Since(start).Seconds())
	return h, deu, fra, entries
}

// BenchmarkSearchPersons searches mutated names of recorded persons (with
// their date of birth) through the hub: validation, the name index,
// restriction filtering, reading the candidates from the store and the
// durable audit of the search. LOOKOUT_BENCH_PERSONS sets the size (20,000
// by default; a million takes several minutes to load). p50 and p99 are of
// one search at a time.
func BenchmarkSearchPersons(b *testing.B) {
	n := envInt(b, "LOOKOUT_BENCH_PERSONS", 20_000)
	h, _, fra, entries := benchPersons(b, n)
	rng := rand.New(rand.NewPCG(3, 4))
	qs := make([]lookout.PersonSearchRequest, 1000)
	for i := range qs {
		e := entries[rng.IntN(n)]
		qs[i] = lookout.PersonSearchRequest{Name: names.Mutate(rng, e.Names[0]), DateOfBirth: e.DateOfBirth.String()}
	}
	var lat, cpu []time.Duration
	// The machine is shared: the CPU time of the searching thread says what
	// a search costs whatever else runs (the group commit's disk flush runs
	// elsewhere and is in the wall time only).
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		t, c := time.Now(), threadCPU()
		if _, err := h.SearchPersons(fra, qs[i%len(qs)]); err != nil {
			b.Fatal(err)
		}
		lat, cpu = append(lat, time.Since(t)), append(cpu, threadCPU()-c)
		i++
	}
	slices.Sort(lat)
	slices.Sort(cpu)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(cpu[len(cpu)/2].Microseconds())/1000, "cpu-p50-ms")
	b.ReportMetric(float64(cpu[len(cpu)*99/100].Microseconds())/1000, "cpu-p99-ms")
	// The engine alone, for comparison with the hub's overhead.
	ix := h.persons.names
	cpu = cpu[:0]
	for j := range 2000 {
		q, _ := personQuery(qs[j%len(qs)], time.Now())
		c := threadCPU()
		ix.Search(q, defPersonLimit)
		cpu = append(cpu, threadCPU()-c)
	}
	slices.Sort(cpu)
	b.ReportMetric(float64(cpu[len(cpu)/2].Microseconds())/1000, "engine-cpu-p50-ms")
	b.ReportMetric(float64(cpu[len(cpu)*99/100].Microseconds())/1000, "engine-cpu-p99-ms")
}

// BenchmarkScreening screens a manifest of LOOKOUT_BENCH_TRAVELLERS
// synthetic travellers (50,000 by default) against LOOKOUT_BENCH_PERSONS
// persons (20,000 by default), every one with a published notice, one
// traveller in a thousand being a listed person under a misspelt name. Run
// it with -benchtime=1x: one op is the whole job, from StartScreening to
// the stored end. The notices are put in the index directly (recording a
// hundred thousand notices through review is not what is measured).
func BenchmarkScreening(b *testing.B) {
	n := envInt(b, "LOOKOUT_BENCH_PERSONS", 20_000)
	m := envInt(b, "LOOKOUT_BENCH_TRAVELLERS", 50_000)
	h, _, fra, entries := benchPersons(b, n)
	for id := int64(1); id <= int64(n); id++ {
		h.persons.putNotice(&lookout.Notice{ID: id, Kind: lookout.KindNotice, PersonID: id, Type: "red", Status: lookout.NoticePublished,
			OwnerCountry: "DEU", ExpiresOn: "2099-01-01"})
	}
	rng := rand.New(rand.NewPCG(5, 6))
	travellers := make([]lookout.Traveller, m)
	planted := 0
	for i, e := range names.Synthetic(2, m) {
		t := lookout.Traveller{Line: i + 1, Name: e.Names[0], DateOfBirth: e.DateOfBirth.String(), Nationality: alpha3[e.Nationalities[0]],
			DocumentNumber: fmt.Sprintf("P%08d", i), DocumentCountry: alpha3[e.Nationalities[0]]}
		if rng.IntN(1000) == 0 {
			l := entries[rng.IntN(n)]
			t.Name, t.DateOfBirth = names.Mutate(rng, l.Names[0]), l.DateOfBirth.String()
			planted++
		}
		travellers[i] = t
	}
	for b.Loop() {
		start, cpu0 := time.Now(), cpuTime()
		s, err := h.StartScreening(fra, "bench", slices.Clone(travellers), nil)
		if err != nil {
			b.Fatal(err)
		}
		for s.Status == lookout.ScreeningRunning {
			time.Sleep(50 * time.Millisecond)
			if s, err = h.store.Screening(context.Background(), s.ID); err != nil {
				b.Fatal(err)
			}
		}
		secs, cpu := time.Since(start).Seconds(), (cpuTime() - cpu0).Seconds()
		if s.Status != lookout.ScreeningDone || s.Done != int64(m) {
			b.Fatalf("%+v", s)
		}
		b.ReportMetric(float64(m)/secs, "travellers/s")
		b.ReportMetric(secs, "job-s")
		// The machine is shared: CPU time says what the job costs whatever
		// else runs, and its half is the wall time on two idle cores.
		b.ReportMetric(cpu, "cpu-s")
		b.ReportMetric(float64(m)/(cpu/2), "travellers/s-on-2-idle-cores")
		b.ReportMetric(float64(s.Hits), "hits")
		b.ReportMetric(float64(planted), "planted")
	}
}
