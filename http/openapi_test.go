package http_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lookout-network/lookout/docindex"
	lhttp "github.com/lookout-network/lookout/http"
	"github.com/lookout-network/lookout/hub"
	"github.com/lookout-network/lookout/sqlite"
	"github.com/prometheus/client_golang/prometheus"
)

func MustServer(tb testing.TB) *lhttp.Server {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "lookout.db"))
	if err != nil {
		tb.Fatal(err)
	}
	h := hub.New(db, hub.NewDocumentIndex(docindex.New()), slog.New(slog.NewTextHandler(io.Discard, nil)))
	tb.Cleanup(func() { h.Close(); db.Close() })
	return lhttp.NewServer(h, slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry())
}

// TestOpenAPICoversEveryRoute fails when a route is added without its entry
// in the API reference.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	s := MustServer(t)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/openapi.json", nil))
	var spec struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &spec); err != nil {
		t.Fatal(err)
	}
	if len(s.Routes()) < 10 {
		t.Fatalf("only %d routes", len(s.Routes()))
	}
	for _, r := range s.Routes() {
		method, path, _ := strings.Cut(r, " ")
		ops, ok := spec.Paths[path]
		if !ok {
			t.Errorf("route %s is not in openapi.json", r)
			continue
		}
		if _, ok := ops[strings.ToLower(method)]; !ok {
			t.Errorf("route %s: method missing from openapi.json", r)
		}
	}
}

// TestEveryRouteNeedsAuthentication sends each route a request without
// credentials and expects 401 in the API's error format.
func TestEveryRouteNeedsAuthentication(t *testing.T) {
	s := MustServer(t)
	for _, r := range s.Routes() {
		method, path, _ := strings.Cut(r, " ")
		path = strings.ReplaceAll(path, "{id}", "1")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(method, path, strings.NewReader("{}")))
		var body struct {
			Error struct{ Code string } `json:"error"`
		}
		json.Unmarshal(rec.Body.Bytes(), &body)
		if rec.Code != http.StatusUnauthorized || body.Error.Code != "unauthenticated" {
			t.Errorf("%s without credentials: %d %s", r, rec.Code, rec.Body)
		}
	}
}

func TestHealthAndMetrics(t *testing.T) {
	s := MustServer(t)
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != 200 {
			t.Errorf("%s: %d", path, rec.Code)
		}
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/nothing", nil))
	if rec.Code != 404 || !strings.Contains(rec.Body.String(), `"not_found"`) {
		t.Errorf("unknown route: %d %s", rec.Code, rec.Body)
	}
}

func TestSecurityHeaders(t *testing.T) {
	s := MustServer(t)
	for _, path := range []string{"/healthz", "/v1/whoami", "/v1/openapi.json"} {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"} {
			if got := rec.Header().Get(h); got != want {
				t.Errorf("%s: %s is %q, want %q", path, h, got, want)
			}
		}
		if !strings.Contains(rec.Header().Get("Content-Security-Policy"), "default-src 'none'") {
			t.Errorf("%s: no content security policy", path)
		}
	}
}
