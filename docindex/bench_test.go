package docindex_test

import (
	"os"
	"strconv"
	"testing"

	"github.com/lookout-network/lookout/docindex"
	"github.com/lookout-network/lookout/synth"
)

// benchRecords is the index size of the benchmarks: DOCINDEX_BENCH_RECORDS,
// or a million. `lookout bench documents` measures larger indexes.
func benchRecords() int {
	if n, err := strconv.Atoi(os.Getenv("DOCINDEX_BENCH_RECORDS")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

type benchFixture struct {
	x       *docindex.Index
	present [][2]string
	absent  [][2]string
}

var fixture *benchFixture

func loadFixture(b *testing.B) *benchFixture {
	b.Helper()
	if fixture != nil {
		return fixture
	}
	n := benchRecords()
	f := &benchFixture{}
	bld := docindex.NewBuilder(n)
	var id uint64
	synth.Documents(1, n, func(d synth.Document) {
		id++
		var err error
		if d.IsRange() {
			err = bld.AddRange(id, d.IssuingCountry, d.Number, d.NumberTo)
		} else {
			err = bld.Add(id, d.IssuingCountry, d.Number)
			if id%7 == 0 && len(f.present) < 1<<17 {
				f.present = append(f.present, [2]string{d.IssuingCountry, d.Number})
			}
		}
		if err != nil {
			b.Fatal(err)
		}
	})
	x, err := bld.Build()
	if err != nil {
		b.Fatal(err)
	}
	f.x = x
	synth.Absent(1, 1<<17, func(c, n string) { f.absent = append(f.absent, [2]string{c, n}) })
	fixture = f
	return f
}

func benchChecks(b *testing.B, qs [][2]string) {
	f := loadFixture(b)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			q := qs[i%len(qs)]
			i++
			if _, err := f.x.Check(q[0], q[1]); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkCheckHit(b *testing.B)  { benchChecks(b, loadFixture(b).present) }
func BenchmarkCheckMiss(b *testing.B) { benchChecks(b, loadFixture(b).absent) }

func BenchmarkCheckAnyMiss(b *testing.B) {
	f := loadFixture(b)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := f.x.CheckAny(f.absent[i%len(f.absent)][1]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSimilar(b *testing.B) {
	f := loadFixture(b)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		q := f.present[i%len(f.present)]
		if _, err := f.x.Similar(q[0], q[1], 20); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSimilarAnyCountry(b *testing.B) {
	f := loadFixture(b)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := f.x.Similar("", f.present[i%len(f.present)][1], 20); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoad times Builder.Add and Build per record (generation of the
// synthetic documents excluded).
func BenchmarkLoad(b *testing.B) {
	const n = 200_000
	type rec struct{ country, number string }
	recs := make([]rec, 0, n)
	synth.Documents(2, n, func(d synth.Document) {
		if !d.IsRange() {
			recs = append(recs, rec{d.IssuingCountry, d.Number})
		}
	})
	b.ResetTimer()
	for b.Loop() {
		bld := docindex.NewBuilder(len(recs))
		for i, r := range recs {
			if err := bld.Add(uint64(i+1), r.country, r.number); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := bld.Build(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs)), "ns/record")
}

// BenchmarkPut times inserting fresh records one at a time into an index
// that starts empty (rebuilds included).
func BenchmarkPut(b *testing.B) {
	x := docindex.New()
	type rec struct{ country, number string }
	recs := make([]rec, 0, b.N)
	synth.Documents(3, b.N, func(d synth.Document) {
		if !d.IsRange() {
			recs = append(recs, rec{d.IssuingCountry, d.Number})
		}
	})
	b.ResetTimer()
	for i, r := range recs {
		if err := x.Put(uint64(i+1), r.country, r.number); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckBatchMiss times CheckBatch on absent numbers, 256 a batch;
// ns/op is per check.
func BenchmarkCheckBatchMiss(b *testing.B) {
	f := loadFixture(b)
	qs := make([]docindex.Query, len(f.absent))
	for i, a := range f.absent {
		qs[i] = docindex.Query{Country: a[0], Number: a[1]}
	}
	const per = 256
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		out := make([]docindex.Result, 0, per)
		i := 0
		for pb.Next() {
			if i%per == 0 {
				j := (i / per * per) % (len(qs) - per)
				out = f.x.CheckBatch(qs[j:j+per], out[:0])
			}
			i++
		}
	})
}
