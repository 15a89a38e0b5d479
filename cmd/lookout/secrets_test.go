package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/lookout-network/lookout/checkpoint"
	"github.com/lookout-network/lookout/pki"
)

// lockedBuffer collects the server's log.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestSecretsNeverLogged runs a full session at the most verbose log level
// and scans the log for every token and key it issued.
func TestSecretsNeverLogged(t *testing.T) {
	dir := t.TempDir()
	_, secToken, err := initStore(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pki.Init(dir); err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	m := &Main{DataDir: dir, Listen: "127.0.0.1:0", Plaintext: true, DNAFrequencies: "../../../shared/data/dna",
		Log: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	secrets := []string{secToken}
	sec := &client{tb: t, url: m.URL, token: secToken}
	deu := MustCreateAgency(t, sec, map[string]any{"id": "ncb-deu", "kind": "ncb", "country": "DEU", "name": "NCB"})
	border := MustCreateAgency(t, deu, map[string]any{"id": "deu-fra", "kind": "agency", "country": "DEU", "name": "Airport", "grants": []string{"documents:check"}})
	secrets = append(secrets, deu.token, border.token)
	var extra struct{ Token string }
	deu.do("POST", "/v1/agencies/deu-fra/tokens", nil, &extra)
	secrets = append(secrets, extra.Token)

	deu.do("POST", "/v1/documents", map[string]any{"number": "C01X00T47", "issuing_country": "DEU", "type": "passport", "status": "stolen"}, nil)
	border.do("POST", "/v1/documents/check", map[string]any{"number": "C01X00T47", "issuing_country": "DEU"}, nil)
	border.do("POST", "/v1/documents", `{"broken`, nil)
	// Failed authentications must not log the token tried either.
	wrong := &client{tb: t, url: m.URL, token: "lk_" + strings.Repeat("x", 43)}
	wrong.do("GET", "/v1/hits", nil, nil)
	secrets = append(secrets, wrong.token)
	deu.do("PATCH", "/v1/agencies/deu-fra", map[string]any{"disabled": true}, nil)
	border.do("POST", "/v1/documents/check", map[string]any{"number": "C01X00T47"}, nil)

	prefix := filepath.Join(t.TempDir(), "deu-fra")
	runCmd(t, "pki", "issue", "--data", dir, "--agency", "ncb-deu", "--out", prefix)
	m.Close()

	for _, f := range []string{prefix + ".key", filepath.Join(dir, "pki", "ca.key"), checkpoint.KeyPath(dir)} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if len(line) > 20 && !strings.HasPrefix(line, "-----") {
				secrets = append(secrets, line)
			}
		}
	}
	log := logs.String()
	if len(log) == 0 {
		t.Fatal("no log written: the scan would prove nothing")
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(log, s) {
			t.Errorf("a secret appears in the log: %.12s...", s)
		}
		// Also the token without its prefix.
		if body := strings.TrimPrefix(s, "lk_"); len(body) > 20 && strings.Contains(log, body) {
			t.Errorf("a token body appears in the log: %.12s...", body)
		}
	}
}
