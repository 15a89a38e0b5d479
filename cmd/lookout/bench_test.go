package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestBenchDocuments(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		var out, errOut bytes.Buffer
		snap := filepath.Join(t.TempDir(), "index.snap")
		code := run(context.Background(), &Env{Stdout: &out, Stderr: &errOut},
			[]string{"bench", "documents", "--records", "20000", "--checks", "40000", "--similar", "40", "--puts", "500", "--seed", "3", "--snapshot", snap})
		if code != 0 {
			t.Fatalf("exit %d, stderr: %s", code, errOut.String())
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		var res map[string]float64
		if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil {
			t.Fatalf("last line is not JSON: %q: %v", lines[len(lines)-1], err)
		}
		if res["records"] != 20000 || res["checks"] != 40000 {
			t.Errorf("records %v, checks %v", res["records"], res["checks"])
		}
		for _, k := range []string{"load_seconds", "bytes_per_record", "checks_per_second", "similar_per_second",
			"check_ns_p50", "check_ns_p99", "snapshot_bytes", "snapshot_read_seconds", "puts_per_second"} {
			if res[k] <= 0 {
				t.Errorf("%s = %v, want a positive figure", k, res[k])
			}
		}
		// Every perturbed number is one confusion or edit from a record.
		if res["similar_recall"] != 1 {
			t.Errorf("similar_recall = %v, want 1", res["similar_recall"])
		}
	})
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"ErrNoEngine", []string{"bench"}},
		{"ErrUnknownEngine", []string{"bench", "persons"}},
		{"ErrZeroRecords", []string{"bench", "documents", "--records", "0"}},
		{"ErrBadFlag", []string{"bench", "documents", "--records", "x"}},
		{"ErrExtraArgument", []string{"bench", "documents", "extra"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := run(context.Background(), &Env{Stdout: &out, Stderr: &errOut}, tt.args); code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", code, errOut.String())
			}
			if errOut.Len() == 0 {
				t.Error("no usage message on stderr")
			}
		})
	}
}
