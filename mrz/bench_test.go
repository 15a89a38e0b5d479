package mrz_test

import (
	"testing"

	"github.com/lookout-network/lookout/mrz"
)

var sink mrz.Result

func benchParse(b *testing.B, lines []string) {
	b.ReportAllocs()
	for b.Loop() {
		sink = mrz.Parse(lines)
	}
	if !sink.Valid {
		b.Fatalf("benchmark input %q is not valid", lines)
	}
}

// BenchmarkParseTD3 parses the ICAO TD3 specimen: the per-check cost of an
// MRZ read at a border.
func BenchmarkParseTD3(b *testing.B) {
	benchParse(b, []string{
		"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
		"L898902C36UTO7408122F1204159ZE184226B<<<<<10",
	})
}

func BenchmarkParseTD1Overflow(b *testing.B) {
	benchParse(b, []string{
		"I<UTOD23145890<7349<<<<<<<<<<<",
		"3407127M9507122UTO<<<<<<<<<<<2",
		"STEVENSON<<PETER<JOHN<<<<<<<<<",
	})
}

func BenchmarkCanonicalNumber(b *testing.B) {
	b.ReportAllocs()
	var n string
	for b.Loop() {
		n = mrz.CanonicalNumber("L898902C3")
	}
	_ = n
}

func BenchmarkEncodeName(b *testing.B) {
	b.ReportAllocs()
	var n string
	for b.Loop() {
		n = mrz.EncodeName("ØSTERGÅRD", "SØREN", 39)
	}
	_ = n
}
