package main

import (
	"fmt"

	"bytes"
	"context"
	"database/sql"
	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/sqlite"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mustAuditedStore runs a server, does some work and stops it; it returns the
// data directory, whose audit chain then holds a dozen entries.
func mustAuditedStore(t *testing.T) string {
	t.Helper()
	n := mustNetwork(t)
	n.mustDocument(t, n.deu, map[string]any{"number": "C01X00T47", "issuing_country": "DEU", "type": "passport", "status": "stolen"})
	for _, num := range []string{"C01X00T47", "AB1234567", "C01X00T74"} {
		n.fraBorder.do("POST", "/v1/documents/check", map[string]any{"number": num, "issuing_country": "DEU"}, nil)
	}
	if err := n.m.Close(); err != nil {
		t.Fatal(err)
	}
	return n.m.DataDir
}

func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb}, args)
	return code, out.String(), errb.String()
}

// tamper copies the store of dir and runs SQL on the copy.
func tamper(t *testing.T, dir string, stmts ...string) string {
	t.Helper()
	cp := t.TempDir()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(filepath.Join(dir, "lookout.db"+suffix))
		if err == nil {
			os.WriteFile(filepath.Join(cp, "lookout.db"+suffix), b, 0o600)
		}
	}
	db, err := sql.Open("sqlite", filepath.Join(cp, "lookout.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return cp
}

func TestAuditVerify(t *testing.T) {
	dir := mustAuditedStore(t)
	t.Run("OK", func(t *testing.T) {
		code, out, errOut := runCmd(t, "audit", "verify", "--data", dir)
		if code != 0 || !strings.Contains(out, `"intact":true`) {
			t.Fatalf("exit %d: %s %s", code, out, errOut)
		}
	})
	for _, tc := range []struct {
		name  string
		stmts []string
		want  string
	}{
		{"ErrEdited", []string{`UPDATE audit SET outcome = 'no_hit' WHERE seq = 8`}, "audit entry 8: content"},
		{"ErrDeleted", []string{`DELETE FROM audit WHERE seq = 5`}, "audit entry 6: expected sequence number 5"},
		{"ErrInserted", []string{`UPDATE audit SET seq = -(seq + 1) WHERE seq >= 5`, `UPDATE audit SET seq = -seq WHERE seq < 0`, `INSERT INTO audit SELECT 5, time, agency_id, country, action, database, object, query, outcome, detail, account, prev_hash, hash FROM audit WHERE seq = 4`}, "audit entry 5:"},
		{"ErrReordered", []string{`UPDATE audit SET seq = -1 WHERE seq = 6`, `UPDATE audit SET seq = 6 WHERE seq = 7`, `UPDATE audit SET seq = 7 WHERE seq = -1`}, "audit entry 6:"},
		{"ErrRehashedEntry", []string{`UPDATE audit SET detail = 'nothing', hash = zeroblob(32) WHERE seq = 3`}, "audit entry 3:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCmd(t, "audit", "verify", "--data", tamper(t, dir, tc.stmts...))
			if code != 1 || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d, stderr %q; want 1 naming %q", code, errOut, tc.want)
			}
		})
	}
	t.Run("ErrUsage", func(t *testing.T) {
		if code, _, _ := runCmd(t, "audit", "verify"); code != 2 {
			t.Fatalf("exit %d", code)
		}
	})
}

func TestImportDocuments(t *testing.T) {
	n := mustNetwork(t)
	file := filepath.Join(t.TempDir(), "stolen.csv")
	csv := "number,issuing_country,type,status,event_date,number_to,remarks\n" +
		"C01X00T47,DEU,passport,stolen,2026-01-02,,\n" +
		"C01X00T4<,DEU,passport,stolen,,,\n" +
		"L01X00T47,DEU,id_card,lost,,,\"found, then lost again\"\n" +
		"12AB34567,FRA,passport,lost,,,\n" +
		"X1000000,DEU,passport,stolen_blank,,X1000999,\n" +
		"too,few\n"
	os.WriteFile(file, []byte(csv), 0o600)
	code, out, errOut := runCmd(t, "import", "documents", "--quiet", "--server", n.m.URL, "--token", n.deu.token, file)
	if code != 1 || !strings.Contains(out, `"imported":3`) || !strings.Contains(out, `"failed":3`) {
		t.Fatalf("exit %d: %s\n%s", code, out, errOut)
	}
	for _, want := range []string{"line 3: number:", "line 5: only FRA records documents issued by FRA", "line 7: 2 fields"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	var res checkResult
	n.fraBorder.do("POST", "/v1/documents/check", map[string]any{"number": "X1000500", "issuing_country": "DEU"}, &res)
	if res.Outcome != "hit" {
		t.Fatalf("imported range not checked: %+v", res)
	}
	t.Run("ErrBadHeader", func(t *testing.T) {
		os.WriteFile(file, []byte("number,country\nA,B\n"), 0o600)
		if code, _, errOut := runCmd(t, "import", "documents", "--quiet", "--server", n.m.URL, "--token", n.deu.token, file); code != 2 || !strings.Contains(errOut, `unknown column "country"`) {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
	t.Run("ErrToken", func(t *testing.T) {
		os.WriteFile(file, []byte("number,issuing_country,type,status\nC0,DEU,passport,lost\n"), 0o600)
		if code, _, errOut := runCmd(t, "import", "documents", "--quiet", "--server", n.m.URL, "--token", "lk_wrong", file); code != 1 || !strings.Contains(errOut, "401") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
}

func TestAuditCheckpoint(t *testing.T) {
	dir := mustAuditedStore(t) // the server signed the head when it closed
	code, cp, errOut := runCmd(t, "audit", "checkpoint", "--data", dir)
	if code != 0 || !strings.Contains(cp, `"signature"`) {
		t.Fatalf("exit %d: %s %s", code, cp, errOut)
	}
	kept := filepath.Join(t.TempDir(), "checkpoint.json")
	os.WriteFile(kept, []byte(cp), 0o600)
	t.Run("OK", func(t *testing.T) {
		if code, out, errOut := runCmd(t, "audit", "verify", "--data", dir, "--checkpoint", kept); code != 0 {
			t.Fatalf("exit %d: %s %s", code, out, errOut)
		}
	})
	t.Run("ErrWholeChainRewritten", func(t *testing.T) {
		// Rewrite entry 3 and recompute every hash after it: the chain is
		// consistent again, and only the checkpoint catches it.
		cp := tamper(t, dir, `UPDATE audit SET detail = 'rewritten' WHERE seq = 3`)
		db, err := sqlite.Open(context.Background(), filepath.Join(cp, "lookout.db"))
		if err != nil {
			t.Fatal(err)
		}
		var entries []*lookout.AuditEntry
		db.ScanAudit(context.Background(), func(e *lookout.AuditEntry) error { entries = append(entries, e); return nil })
		db.Close()
		var prev *lookout.AuditEntry
		var stmts []string
		for _, e := range entries {
			e.Chain(prev)
			prev = e
			stmts = append(stmts, fmt.Sprintf("UPDATE audit SET prev_hash = x'%x', hash = x'%x' WHERE seq = %d", e.PrevHash, e.Hash, e.Seq))
		}
		rewritten := tamper(t, cp, stmts...)
		os.MkdirAll(filepath.Join(rewritten, "keys"), 0o700)
		key, _ := os.ReadFile(filepath.Join(dir, "keys", "audit-ed25519.key"))
		os.WriteFile(filepath.Join(rewritten, "keys", "audit-ed25519.key"), key, 0o600)
		if code, _, _ := runCmd(t, "audit", "verify", "--data", rewritten); code != 0 {
			t.Fatal("the rewritten chain should be self-consistent")
		}
		code, _, errOut := runCmd(t, "audit", "verify", "--data", rewritten, "--checkpoint", kept)
		if code != 1 || !strings.Contains(errOut, "rewritten") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
	t.Run("ErrAlteredCheckpoint", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad.json")
		os.WriteFile(bad, []byte(strings.Replace(cp, `"seq":`, `"seq":1`, 1)), 0o600)
		if code, _, errOut := runCmd(t, "audit", "verify", "--data", dir, "--checkpoint", bad); code != 1 || !strings.Contains(errOut, "signature") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
}
