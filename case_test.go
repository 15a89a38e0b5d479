package lookout_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/lookout-network/lookout"
)

// TestLatencyQuantiles reads medians and 90th percentiles back from the
// rolled-up histograms within the buckets' 25% width of the truth.
func TestLatencyQuantiles(t *testing.T) {
	for _, tc := range []struct {
		name    string
		seconds []float64
	}{
		{"OneFast", []float64{3}},
		{"Minutes", []float64{40, 55, 60, 62, 75, 90, 120, 300, 600, 900}},
		{"Hours", []float64{3600, 7200, 7300, 7400, 9000, 20000, 40000, 80000, 86000, 86400}},
		{"Mixed", []float64{0.5, 2, 30, 31, 32, 33, 600, 3600, 36000, 360000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := lookout.LatencyBuckets{}
			for _, s := range tc.seconds {
				h[lookout.LatencyBucket(time.Duration(s*float64(time.Second)))]++
			}
			got := h.Quantiles()
			sorted := slices.Clone(tc.seconds)
			slices.Sort(sorted)
			q := func(p float64) float64 { return sorted[int(math.Ceil(p*float64(len(sorted))))-1] }
			if got.Count != int64(len(tc.seconds)) {
				t.Fatalf("count %d", got.Count)
			}
			for _, c := range []struct {
				name      string
				got, want float64
			}{{"median", got.MedianSeconds, q(0.5)}, {"p90", got.P90Seconds, q(0.9)}} {
				if c.want >= 1 && math.Abs(c.got-c.want) > 0.25*c.want || c.want < 1 && c.got > 1 {
					t.Errorf("%s %.1fs, want %.1fs", c.name, c.got, c.want)
				}
			}
		})
	}
	t.Run("Empty", func(t *testing.T) {
		if l := (lookout.LatencyBuckets{}).Quantiles(); l.Count != 0 || l.MedianSeconds != 0 {
			t.Fatalf("%+v", l)
		}
	})
	t.Run("BucketsGrow", func(t *testing.T) {
		for b := 1; b < 100; b++ {
			lo, hi := lookout.LatencyBound(b-1), lookout.LatencyBound(b)
			mid := time.Duration((lo + hi) / 2 * float64(time.Second))
			if got := lookout.LatencyBucket(mid); got != b {
				t.Fatalf("%v in bucket %d, want %d", mid, got, b)
			}
		}
	})
}
