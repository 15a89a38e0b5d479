package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// lastJSON decodes the last line of out.
func lastJSON(t *testing.T, out string) map[string]any {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var v map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &v); err != nil {
		t.Fatalf("last line %q is not JSON: %v", lines[len(lines)-1], err)
	}
	return v
}

func TestAFISEval(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), &Env{Stdout: &out, Stderr: &errb}, []string{"afis", "eval", "-only", "fvc2002/DB2_B", "../../../shared/data/fingerprints"})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	v := lastJSON(t, out.String())
	for _, k := range []string{"eer", "fmr100", "fmr1000", "zero_fmr", "rank1", "matches_per_second"} {
		f, ok := v[k].(float64)
		if !ok {
			t.Fatalf("JSON has no number %q: %s", k, out.String())
		}
		if k != "matches_per_second" && (f < 0 || f > 1) {
			t.Fatalf("%s = %v, want a fraction", k, f)
		}
	}
	if v["eer"].(float64) > 0.1 || v["rank1"].(float64) < 0.9 {
		t.Fatalf("FVC2002 DB2_B: EER %v, rank-1 %v", v["eer"], v["rank1"])
	}
	if !strings.Contains(out.String(), "fvc2002/DB2_B") {
		t.Fatalf("no per-set line in %q", out.String())
	}
}

func TestAFISBench(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), &Env{Stdout: &out, Stderr: &errb}, []string{"afis", "bench", "--templates", "2000", "--probes", "4", "--data", "../../../shared/data/fingerprints"})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	v := lastJSON(t, out.String())
	if v["templates"].(float64) != 2000 || v["search_seconds"].(float64) <= 0 {
		t.Fatalf("bench JSON %v", v)
	}
}

func TestAFISUsage(t *testing.T) {
	for _, args := range [][]string{{"afis"}, {"afis", "nope"}, {"afis", "eval"}, {"afis", "bench", "--templates", "x"}} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), &Env{Stdout: &out, Stderr: &errb}, args); code != 2 {
			t.Fatalf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestAFISEvalMissingDir(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), &Env{Stdout: &out, Stderr: &errb}, []string{"afis", "eval", t.TempDir()}); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if !strings.Contains(errb.String(), "no FINGER_IMPRESSION.iso") {
		t.Fatalf("stderr %q does not say why", errb.String())
	}
}
