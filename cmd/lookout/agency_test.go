package main

import (
	"net/http"
	"testing"
)

func TestAgencies(t *testing.T) {
	n := mustNetwork(t)
	t.Run("ErrConflictSecondNCB", func(t *testing.T) {
		var e apiError
		if status := n.sec.do("POST", "/v1/agencies", map[string]any{"kind": "ncb", "country": "DEU", "name": "Another"}, &e); status != http.StatusConflict {
			t.Fatalf("%d %+v", status, e)
		}
	})
	t.Run("ErrForbiddenNCBCreatesNCB", func(t *testing.T) {
		if status := n.deu.do("POST", "/v1/agencies", map[string]any{"kind": "ncb", "country": "AUT", "name": "x"}, nil); status != http.StatusForbidden {
			t.Fatalf("%d", status)
		}
	})
	t.Run("ErrForbiddenOtherCountry", func(t *testing.T) {
		if status := n.deu.do("POST", "/v1/agencies", map[string]any{"kind": "agency", "country": "FRA", "name": "x", "grants": []string{"documents:check"}}, nil); status != http.StatusForbidden {
			t.Fatalf("%d", status)
		}
	})
	t.Run("ErrForbiddenGrantNotHeld", func(t *testing.T) {
		// fra-cdg holds documents:check only; it has no agencies:manage at all.
		if status := n.fraBorder.do("POST", "/v1/agencies", map[string]any{"kind": "agency", "country": "FRA", "name": "x"}, nil); status != http.StatusForbidden {
			t.Fatalf("agency creating agencies: %d", status)
		}
		// An NCB narrowed by the secretariat cannot give what it lost.
		narrowed := MustCreateAgency(t, n.sec, map[string]any{"id": "ncb-aut", "kind": "ncb", "country": "AUT", "name": "NCB Vienna", "grants": []string{"agencies:manage", "documents:check"}})
		var e apiError
		if status := narrowed.do("POST", "/v1/agencies", map[string]any{"kind": "agency", "country": "AUT", "name": "x", "grants": []string{"documents:write"}}, &e); status != http.StatusForbidden {
			t.Fatalf("giving a grant not held: %d %+v", status, e)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, tc := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"kind": "ncb", "country": "ZZZ", "name": "x"}, "country"},
			{map[string]any{"kind": "boss", "country": "AUT", "name": "x"}, "kind"},
			{map[string]any{"id": "Bad ID", "kind": "ncb", "country": "BEL", "name": "x"}, "id"},
			{map[string]any{"kind": "ncb", "country": "BEL", "name": ""}, "name"},
			{map[string]any{"kind": "ncb", "country": "BEL", "name": "x", "grants": []string{"everything"}}, "grants[0]"},
		} {
			var e apiError
			if status := n.sec.do("POST", "/v1/agencies", tc.body, &e); status != http.StatusBadRequest || e.Error.Field != tc.field {
				t.Errorf("%v: %d %+v, want 400 naming %q", tc.body, status, e, tc.field)
			}
		}
	})
	t.Run("DisabledAtOnce", func(t *testing.T) {
		body := map[string]any{"number": "AB1234567", "issuing_country": "FRA"}
		if status := n.fraBorder.do("POST", "/v1/documents/check", body, nil); status != 200 {
			t.Fatalf("before: %d", status)
		}
		if status := n.fra.do("PATCH", "/v1/agencies/fra-cdg", map[string]any{"disabled": true}, nil); status != 200 {
			t.Fatalf("disable: %d", status)
		}
		var e apiError
		if status := n.fraBorder.do("POST", "/v1/documents/check", body, &e); status != http.StatusUnauthorized {
			t.Fatalf("disabled agency still checks: %d", status)
		}
		n.fra.do("PATCH", "/v1/agencies/fra-cdg", map[string]any{"disabled": false}, nil)
		if status := n.fraBorder.do("POST", "/v1/documents/check", body, nil); status != 200 {
			t.Fatalf("re-enabled: %d", status)
		}
		// Disabling an NCB disables its agencies too.
		n.sec.do("PATCH", "/v1/agencies/ncb-fra", map[string]any{"disabled": true}, nil)
		if status := n.fraBorder.do("POST", "/v1/documents/check", body, nil); status != http.StatusUnauthorized {
			t.Fatalf("agency of a disabled NCB: %d", status)
		}
		n.sec.do("PATCH", "/v1/agencies/ncb-fra", map[string]any{"disabled": false}, nil)
	})
	t.Run("ErrForbiddenManageOthers", func(t *testing.T) {
		if status := n.deu.do("PATCH", "/v1/agencies/fra-cdg", map[string]any{"disabled": true}, nil); status != http.StatusForbidden {
			t.Fatalf("DEU disabling a French agency: %d", status)
		}
		if status := n.deu.do("POST", "/v1/agencies/fra-cdg/tokens", nil, nil); status != http.StatusForbidden {
			t.Fatalf("DEU minting a token for a French agency: %d", status)
		}
	})
	t.Run("IssueToken", func(t *testing.T) {
		var out struct{ Token string }
		if status := n.fra.do("POST", "/v1/agencies/fra-cdg/tokens", nil, &out); status != http.StatusCreated || len(out.Token) < 40 {
			t.Fatalf("%d %+v", status, out)
		}
		c := &client{tb: t, url: n.m.URL, token: out.Token}
		var who struct {
			Agency struct {
				ID string `json:"id"`
			} `json:"agency"`
		}
		if status := c.do("GET", "/v1/whoami", nil, &who); status != 200 || who.Agency.ID != "fra-cdg" {
			t.Fatalf("%d %+v", status, who)
		}
	})
}

func TestStats(t *testing.T) {
	n := mustNetwork(t)
	n.mustDocument(t, n.deu, map[string]any{"number": "C01X00T47", "issuing_country": "DEU", "type": "passport", "status": "stolen"})
	for _, num := range []string{"C01X00T47", "AB1234567", "AB1234568"} {
		n.fraBorder.do("POST", "/v1/documents/check", map[string]any{"number": num, "issuing_country": "DEU"}, nil)
	}
	type stats struct {
		Stats []struct {
			Database string `json:"database"`
			Country  string `json:"country"`
			Checks   int64  `json:"checks"`
			Hits     int64  `json:"hits"`
		} `json:"stats"`
		Total struct{ Checks, Hits int64 } `json:"total"`
	}
	var s stats
	if status := n.fra.do("GET", "/v1/stats", nil, &s); status != 200 || s.Total.Checks != 3 || s.Total.Hits != 1 || s.Stats[0].Database != "documents" {
		t.Fatalf("FRA: %d %+v", status, s)
	}
	var d stats
	n.deu.do("GET", "/v1/stats", nil, &d)
	if d.Total.Checks != 0 {
		t.Fatalf("DEU sees FRA's checks as its own: %+v", d)
	}
	var all stats
	n.sec.do("GET", "/v1/stats?country=FRA", nil, &all)
	if all.Total.Checks != 3 {
		t.Fatalf("secretariat: %+v", all)
	}
	if status := n.deu.do("GET", "/v1/stats?country=FRA", nil, nil); status != http.StatusForbidden {
		t.Fatalf("DEU reading FRA's statistics: %d", status)
	}
	var e apiError
	if status := n.fra.do("GET", "/v1/stats?from=2026-02-30", nil, &e); status != http.StatusBadRequest || e.Error.Field != "from" {
		t.Fatalf("bad date: %d %+v", status, e)
	}
}

func TestGracefulShutdownKeepsAcknowledgedWrites(t *testing.T) {
	n := mustNetwork(t)
	var ids []string
	for _, num := range []string{"C01X00T47", "C01X00T48", "C01X00T49"} {
		ids = append(ids, n.mustDocument(t, n.deu, map[string]any{"number": num, "issuing_country": "DEU", "type": "passport", "status": "lost"}).ID)
	}
	var res checkResult
	n.fraBorder.do("POST", "/v1/documents/check", map[string]any{"number": "C01X00T48", "issuing_country": "DEU"}, &res)
	if err := n.m.Close(); err != nil {
		t.Fatal(err)
	}
	m := &Main{DataDir: n.m.DataDir, Listen: "127.0.0.1:0", Plaintext: true, Log: n.m.Log}
	if err := m.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	deu := &client{tb: t, url: m.URL, token: n.deu.token}
	for _, id := range ids {
		if status := deu.do("GET", "/v1/documents/"+id, nil, nil); status != 200 {
			t.Fatalf("document %s lost across restart: %d", id, status)
		}
	}
	if status := deu.do("GET", "/v1/hits/"+res.Matches[0].HitID, nil, nil); status != 200 {
		t.Fatalf("hit lost across restart: %d", status)
	}
	border := &client{tb: t, url: m.URL, token: n.fraBorder.token}
	var again checkResult
	border.do("POST", "/v1/documents/check", map[string]any{"number": "C01X00T49", "issuing_country": "DEU"}, &again)
	if again.Outcome != "hit" {
		t.Fatalf("index not rebuilt on restart: %+v", again)
	}
	if code, out, errOut := runCmd(t, "audit", "verify", "--data", n.m.DataDir); code != 0 {
		t.Fatalf("audit after restart: %s %s", out, errOut)
	}
}
