package afis

import (
	"path/filepath"
	"testing"
)

// BenchmarkScoreCPU reports, beside wall-clock time, the process CPU time
// per comparison (cpu-ns/op) and comparisons per CPU second, which stay
// meaningful when the machine is shared with other work.
func BenchmarkScoreCPU(b *testing.B) {
	var all []*Prepared
	for _, name := range []string{"fvc2002/DB1_B", "fvc2004/DB2_B", "fvc2004/DB3_B"} {
		set, err := LoadFVCSet(name, filepath.Join("../../shared/data/fingerprints", name))
		if err != nil {
			b.Fatal(err)
		}
		for _, t := range set.Templates {
			all = append(all, t.Prepared)
		}
	}
	m := NewMatcher()
	start := cpuTime()
	n := 0
	for i := 0; b.Loop(); i++ {
		m.Score(all[i%len(all)], all[(i*7+3)%len(all)])
		n++
	}
	if cpu := cpuTime() - start; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(n), "cpu-ns/op")
		b.ReportMetric(float64(n)/cpu.Seconds(), "matches/cpu-s")
	}
}
