package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func lastJSONLine(t *testing.T, out string, v any) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), v); err != nil {
		t.Fatalf("last line %q is not JSON: %v", lines[len(lines)-1], err)
	}
}

func TestNamesEval(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), &Env{Stdout: &out, Stderr: &errb}, []string{"names", "eval", "--data", "../../../shared/data/names"})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var sum struct {
		Precision, Recall, F1, Threshold float64
		BaselineF1                       float64 `json:"baseline_f1"`
		StrongErrors                     int     `json:"strong_errors"`
	}
	lastJSONLine(t, out.String(), &sum)
	if sum.F1 < 0.85 || sum.F1 <= sum.BaselineF1 || sum.BaselineF1 < 0.7 || sum.Threshold != 0.7 || sum.StrongErrors != 0 {
		t.Fatalf("summary %+v: want F1 ≥ 0.85 above a baseline near 0.74, threshold 0.7, no STRONG errors", sum)
	}
	for _, want := range []string{"quality STRONG", "held-out half", "Word Reordering", "Initials Usage"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

func TestNamesEvalErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"ErrMissingData", []string{"names", "eval", "--data", t.TempDir()}, 1},
		{"ErrUsage", []string{"names", "eval", "extra"}, 2},
		{"ErrNoSubcommand", []string{"names"}, 2},
		{"ErrBadFlag", []string{"names", "bench", "--persons", "0"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(context.Background(), &Env{Stdout: &out, Stderr: &errb}, tt.args); code != tt.code {
				t.Fatalf("exit %d, want %d (%s)", code, tt.code, errb.String())
			}
		})
	}
}

func TestNamesBench(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), &Env{Stdout: &out, Stderr: &errb},
		[]string{"names", "bench", "--persons", "2000", "--queries", "100", "--screen-persons", "1000", "--travellers", "500"})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var sum struct {
		Persons          int     `json:"persons"`
		P50              float64 `json:"search_p50_ms"`
		P99              float64 `json:"search_p99_ms"`
		Recall           float64 `json:"recall_mutated"`
		Travellers       int     `json:"travellers"`
		TravellersPerSec float64 `json:"travellers_per_second"`
	}
	lastJSONLine(t, out.String(), &sum)
	if sum.Persons != 2000 || sum.Travellers != 500 || sum.P50 <= 0 || sum.P99 < sum.P50 || sum.TravellersPerSec <= 0 || sum.Recall < 0.9 {
		t.Fatalf("summary %+v", sum)
	}
}
