package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lookout-network/lookout/pki"
)

// mustTLSNetwork runs the server with TLS and a certificate-only listener.
func mustTLSNetwork(t *testing.T) (*Main, *x509.CertPool, string) {
	t.Helper()
	dir := t.TempDir()
	_, token, err := initStore(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := pki.Init(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := &Main{DataDir: dir, Listen: "127.0.0.1:0", ListenMTLS: "127.0.0.1:0", Log: slog.New(slog.NewTextHandler(tbWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m, ca.Pool(), token
}

// tlsClient returns an HTTP client trusting pool, presenting the certificate
// of agency issued by `lookout pki issue` when agency is not "".
func tlsClient(t *testing.T, m *Main, pool *x509.CertPool, agency string) *http.Client {
	t.Helper()
	cfg := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS13}
	if agency != "" {
		prefix := filepath.Join(t.TempDir(), agency)
		if code, _, errOut := runCmd(t, "pki", "issue", "--data", m.DataDir, "--agency", agency, "--out", prefix); code != 0 {
			t.Fatalf("pki issue: %s", errOut)
		}
		cert, err := tls.LoadX509KeyPair(prefix+".crt", prefix+".key")
		if err != nil {
			t.Fatal(err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}, Timeout: 10 * time.Second}
}

func get(t *testing.T, c *http.Client, url, token string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestMutualTLS(t *testing.T) {
	m, pool, secToken := mustTLSNetwork(t)
	sec := &client{tb: t, url: m.URL, token: secToken}
	http.DefaultTransport.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: pool}
	defer func() { http.DefaultTransport.(*http.Transport).TLSClientConfig = nil }()
	fra := MustCreateAgency(t, sec, map[string]any{"id": "ncb-fra", "kind": "ncb", "country": "FRA", "name": "NCB Paris"})
	MustCreateAgency(t, fra, map[string]any{"id": "fra-cdg", "kind": "agency", "country": "FRA", "name": "PAF", "grants": []string{"documents:check"}})

	if !strings.HasPrefix(m.URL, "https://") {
		t.Fatalf("serving %s without TLS", m.URL)
	}
	border := tlsClient(t, m, pool, "fra-cdg")
	t.Run("CertificateAuthenticates", func(t *testing.T) {
		if status := get(t, border, m.MTLSURL+"/v1/whoami", ""); status != 200 {
			t.Fatalf("%d", status)
		}
	})
	t.Run("ErrNoCertificateOnMTLSListener", func(t *testing.T) {
		if status := get(t, tlsClient(t, m, pool, ""), m.MTLSURL+"/v1/whoami", secToken); status != 0 {
			t.Fatalf("the certificate-only listener answered %d without a certificate", status)
		}
	})
	t.Run("ErrTokenOfAnotherAgency", func(t *testing.T) {
		if status := get(t, border, m.URL+"/v1/whoami", secToken); status != http.StatusUnauthorized {
			t.Fatalf("token of another agency over fra-cdg's certificate: %d", status)
		}
	})
	t.Run("ErrUnknownAgency", func(t *testing.T) {
		if code, _, _ := runCmd(t, "pki", "issue", "--data", m.DataDir, "--agency", "nobody", "--out", filepath.Join(t.TempDir(), "x")); code != 1 {
			t.Fatalf("issued a certificate for an unknown agency: exit %d", code)
		}
	})
	t.Run("ErrRevoked", func(t *testing.T) {
		if code, _, errOut := runCmd(t, "pki", "revoke", "--data", m.DataDir, "--agency", "fra-cdg"); code != 0 {
			t.Fatal(errOut)
		}
		if status := get(t, border, m.MTLSURL+"/v1/whoami", ""); status != http.StatusUnauthorized {
			t.Fatalf("revoked certificate accepted: %d", status)
		}
	})
	t.Run("ErrPlaintextOutsideLoopback", func(t *testing.T) {
		bad := &Main{DataDir: m.DataDir, Listen: "0.0.0.0:0", Plaintext: true}
		if err := bad.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "loopback") {
			t.Fatalf("plaintext on all interfaces: %v", err)
		}
	})
	t.Run("ErrTLS12", func(t *testing.T) {
		old := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS12}}}
		if status := get(t, old, m.URL+"/healthz", ""); status != 0 {
			t.Fatalf("TLS 1.2 accepted: %d", status)
		}
	})
}

func TestRateLimit(t *testing.T) {
	dir := t.TempDir()
	_, token, _ := initStore(context.Background(), dir)
	m := &Main{DataDir: dir, Listen: "127.0.0.1:0", Plaintext: true, RateLimit: 5, Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	limited := 0
	for range 30 {
		req, _ := http.NewRequest("GET", m.URL+"/v1/whoami", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests {
			limited++
			if resp.Header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
		}
	}
	if limited == 0 {
		t.Fatal("30 requests at once passed a limit of 5 a second")
	}
}
