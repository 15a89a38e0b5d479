package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDNAImportExport(t *testing.T) {
	n := mustNetwork(t)
	var p struct {
		ID string `json:"id"`
	}
	if status := n.deu.do("POST", "/v1/dna/profiles", map[string]any{"reference": "BKA-7", "category": "offender", "kit": "GlobalFiler", "loci": offenderLoci}, &p); status != http.StatusCreated {
		t.Fatalf("create: %d", status)
	}
	dir := t.TempDir()
	for _, format := range []string{"cmf", "ansi-nist"} {
		t.Run(format, func(t *testing.T) {
			code, out, errOut := runCmd(t, "dna", "export", "--server", n.m.URL, "--token", n.deu.token, "--format", format, p.ID)
			if code != 0 || !strings.Contains(out, "BKA-7") {
				t.Fatalf("export: exit %d: %s", code, errOut)
			}
			file := filepath.Join(dir, "export."+format)
			os.WriteFile(file, []byte(out), 0o600)
			// The French NCB records the same profile under the same
			// reference: its own record, no conflict with Germany's.
			code, out, errOut = runCmd(t, "dna", "import", "--server", n.m.URL, "--token", n.fra.token, file)
			if format == "cmf" && (code != 0 || !strings.Contains(out, `"imported":1`)) {
				t.Fatalf("import: exit %d: %s %s", code, out, errOut)
			}
			if format == "ansi-nist" && (code != 1 || !strings.Contains(errOut, "BKA-7") || !strings.Contains(errOut, "already")) {
				t.Fatalf("import of a reference recorded already: exit %d: %s %s", code, out, errOut)
			}
		})
	}
	var res dnaResult
	n.gbr.do("POST", "/v1/dna/search", map[string]any{"loci": offenderLoci, "category": "crime_scene", "rule": "high"}, &res)
	if len(res.Candidates) != 2 {
		t.Fatalf("after import: %d candidates, want Germany's and France's", len(res.Candidates))
	}
	t.Run("ErrDamaged", func(t *testing.T) {
		bad := filepath.Join(dir, "bad.xml")
		os.WriteFile(bad, []byte("<CODISImportFile><SPECIMEN>"), 0o600)
		if code, _, errOut := runCmd(t, "dna", "import", "--server", n.m.URL, "--token", n.fra.token, bad); code != 1 || errOut == "" {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
	t.Run("ErrNotVisible", func(t *testing.T) {
		if code, _, errOut := runCmd(t, "dna", "export", "--server", n.m.URL, "--token", n.fraBorder.token, p.ID); code != 1 || !strings.Contains(errOut, "403") && !strings.Contains(errOut, "grant") {
			t.Fatalf("export without dna grants: exit %d: %s", code, errOut)
		}
	})
}
