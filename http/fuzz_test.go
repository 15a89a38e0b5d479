package http_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/afis"
	"github.com/lookout-network/lookout/dna"
	"github.com/lookout-network/lookout/docindex"
	lhttp "github.com/lookout-network/lookout/http"
	"github.com/lookout-network/lookout/hub"
	"github.com/lookout-network/lookout/sqlite"
	"github.com/prometheus/client_golang/prometheus"
)

// fuzzServer is a server with a secretariat and the NCB of DEU, which holds
// a document; it returns the NCB's token.
func fuzzServer(tb testing.TB) (*lhttp.Server, string) {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "lookout.db"))
	if err != nil {
		tb.Fatal(err)
	}
	sec, _, err := hub.Bootstrap(ctx, db, "secretariat")
	if err != nil {
		tb.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := hub.New(db, hub.NewDocumentIndex(docindex.New()), log)
	tb.Cleanup(func() { h.Close(); db.Close() })
	if err := h.SetMessageKey(make([]byte, 32)); err != nil {
		tb.Fatal(err)
	}
	pops, err := dna.LoadPopulations("../../shared/data/dna")
	if err != nil {
		tb.Fatal(err)
	}
	h.SetDNAIndex(dna.NewIndex(dna.Options{Populations: pops}), pops)
	h.SetFingerprintIndex(afis.NewIndex())
	h.SetPersonIndex(hub.NewPersonIndex())
	_, token, err := h.CreateAgency(lookout.NewContext(ctx, &lookout.Caller{Agency: sec}), &lookout.Agency{ID: "ncb-deu", Kind: lookout.KindNCB, Country: "DEU", Name: "NCB"})
	if err != nil {
		tb.Fatal(err)
	}
	s := lhttp.NewServer(h, log, prometheus.NewRegistry())
	s.SetLimits(lhttp.Limits{Searches: 4, SearchWait: 1e9})
	body := `{"number": "C01X00T47", "issuing_country": "DEU", "type": "passport", "status": "stolen"}`
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/v1/documents", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusCreated {
		tb.Fatalf("seed document: %d %s", rec.Code, rec.Body)
	}
	return s, token
}

// FuzzAPI sends arbitrary bodies and path values to every route as an
// authenticated NCB: the server must never panic nor answer 500, and every
// 4xx must be in the API's error format.
func FuzzAPI(f *testing.F) {
	s, token := fuzzServer(f)
	routes := s.Routes()
	seeds := []string{
		`{"number": "C01X00T47", "issuing_country": "DEU"}`,
		`{"mrz": "P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<<\nC01X00T478D<<6408125F2702283<<<<<<<<<<<<<<<4"}`,
		`{"number": "C01X00T47", "issuing_country": "DEU", "type": "passport", "status": "lost", "restriction": {"deny": ["FRA"]}}`,
		`{"id": "deu-x", "kind": "agency", "country": "DEU", "name": "x", "grants": ["documents:check"]}`,
		`{"loci": {"D3S1358": ["15", "16"], "vWA": ["17"]}, "category": "crime_scene", "rule": "moderate"}`,
		`{"template": "Rk1SACAyMAA=", "limit": 3}`,
		`{"action": "acknowledge", "note": "seen"}`,
		`{"to": ["ncb-deu"], "subject": "s", "body": "b", "priority": "urgent"}`,
		`{"name": "Иван Петров", "date_of_birth": "1970-02"}`,
		"{\"number\": \"C01X00T47\", \"issuing_country\": \"DEU\"}\n{\"number\": 5}\n",
		`[]`, `null`, `{"number": "` + strings.Repeat("9", 100) + `"}`,
	}
	for i := range routes {
		for _, s := range seeds {
			f.Add(uint8(i), "1", s)
		}
	}
	f.Fuzz(func(t *testing.T, route uint8, id, body string) {
		method, path, _ := strings.Cut(routes[int(route)%len(routes)], " ")
		if id == "" || id == "." || id == ".." {
			id = "1"
		}
		for _, p := range []string{"{id}", "{search_id}"} {
			path = strings.ReplaceAll(path, p, url.PathEscape(id))
		}
		if method == "GET" && path == "/v1/events" {
			return // a stream: it answers by never ending
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2e9)
		defer cancel()
		req := httptest.NewRequest(method, path, strings.NewReader(body)).WithContext(ctx)
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", method, path, body, rec.Code, rec.Body)
		}
		if rec.Code >= 400 {
			var e struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
				t.Fatalf("%s %s: %d answer not in the error format: %s", method, path, rec.Code, rec.Body)
			}
		}
	})
}
