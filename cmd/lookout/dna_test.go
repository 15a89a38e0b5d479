package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func TestDNAEval(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), &Env{Stdout: &out, Stderr: &errb},
		[]string{"dna", "eval", "--data", "../../../shared/data/dna", "--background", "3000", "--queries", "10", "--seed", "3"})
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errb.String())
	}
	var rep struct {
		Real      int `json:"real_profiles"`
		Missed    int `json:"missed"`
		Scenarios []struct {
			Scenario string `json:"scenario"`
			Rule     string `json:"rule"`
			Found    int    `json:"found"`
		} `json:"scenarios"`
	}
	if err := json.Unmarshal([]byte(lastLine(out.String())), &rep); err != nil {
		t.Fatalf("last line is not JSON: %v\n%s", err, out.String())
	}
	if rep.Real != 1036 || rep.Missed != 0 || len(rep.Scenarios) == 0 {
		t.Fatalf("report %+v", rep)
	}
}

func TestDNABench(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), &Env{Stdout: &out, Stderr: &errb},
		[]string{"dna", "bench", "--data", "../../../shared/data/dna", "--profiles", "20000", "--relatives", "2000", "--queries", "3"})
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errb.String())
	}
	var rep struct {
		Profiles        int     `json:"profiles"`
		BytesPerProfile float64 `json:"bytes_per_profile"`
		Searches        []struct {
			Rule           string  `json:"rule"`
			Searches       int     `json:"searches"`
			MeanCandidates float64 `json:"mean_candidates"`
		} `json:"searches"`
	}
	if err := json.Unmarshal([]byte(lastLine(out.String())), &rep); err != nil {
		t.Fatalf("last line is not JSON: %v\n%s", err, out.String())
	}
	if rep.Profiles != 20000 || len(rep.Searches) < 4 {
		t.Fatalf("report %+v", rep)
	}
	for _, s := range rep.Searches {
		if s.Searches != 3 || (s.Rule == "high" && s.MeanCandidates < 1) {
			t.Errorf("rule %s: %d searches, %.1f candidates (queries come from the index, so high must find them)", s.Rule, s.Searches, s.MeanCandidates)
		}
	}
}

func TestDNAUsage(t *testing.T) {
	for _, args := range [][]string{{"dna"}, {"dna", "frobnicate"}, {"dna", "eval", "--seed", "x"}, {"dna", "bench", "--profiles", "0"}, {"dna", "eval", "extra"}} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), &Env{Stdout: &out, Stderr: &errb}, args); code != 2 {
			t.Errorf("%v: exit %d; want 2", args, code)
		}
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), &Env{Stdout: &out, Stderr: &errb}, []string{"dna", "eval", "--data", "/nonexistent"}); code != 1 {
		t.Errorf("missing data folder: exit %d; want 1", code)
	}
}
