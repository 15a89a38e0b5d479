package main

import (
	"encoding/json"
	"fmt"

	"github.com/lookout-network/lookout/mrz"
	"net/http"
	"strings"
	"testing"
)

type network struct {
	m                        *Main
	anon, sec, deu, fra, gbr *client
	fraBorder, fraNoGrant    *client
}

func mustNetwork(t *testing.T) *network {
	t.Helper()
	m, token := MustRunMain(t)
	n := &network{m: m, anon: &client{tb: t, url: m.URL}, sec: &client{tb: t, url: m.URL, token: token}}
	n.deu = MustCreateAgency(t, n.sec, map[string]any{"id": "ncb-deu", "kind": "ncb", "country": "DEU", "name": "NCB Wiesbaden"})
	n.fra = MustCreateAgency(t, n.sec, map[string]any{"id": "ncb-fra", "kind": "ncb", "country": "FRA", "name": "NCB Paris"})
	n.gbr = MustCreateAgency(t, n.sec, map[string]any{"id": "ncb-gbr", "kind": "ncb", "country": "GBR", "name": "NCB Manchester"})
	n.fraBorder = MustCreateAgency(t, n.fra, map[string]any{"id": "fra-cdg", "kind": "agency", "country": "FRA", "name": "PAF Roissy", "grants": []string{"documents:check", "hits:follow"}})
	n.fraNoGrant = MustCreateAgency(t, n.fra, map[string]any{"id": "fra-stats", "kind": "agency", "country": "FRA", "name": "Statistics", "grants": []string{"stats:read"}})
	return n
}

type document struct {
	ID           string `json:"id"`
	Number       string `json:"number"`
	OwnerCountry string `json:"owner_country"`
	CreatedBy    string `json:"created_by"`
	ReviewDate   string `json:"review_date"`
	Status       string `json:"status"`
	Version      int    `json:"version"`
}

type checkResult struct {
	SearchID string `json:"search_id"`
	Outcome  string `json:"outcome"`
	Matches  []struct {
		Match    string   `json:"match"`
		HitID    string   `json:"hit_id"`
		Document document `json:"document"`
	} `json:"matches"`
	MRZ map[string]any `json:"mrz"`
}

func (n *network) mustDocument(t *testing.T, c *client, body map[string]any) document {
	t.Helper()
	var d document
	if status := c.do("POST", "/v1/documents", body, &d); status != http.StatusCreated {
		t.Fatalf("create document %v: status %d", body, status)
	}
	return d
}

func TestDocuments(t *testing.T) {
	n := mustNetwork(t)
	passport := n.mustDocument(t, n.deu, map[string]any{"number": "C01X00T47", "issuing_country": "D", "type": "passport", "status": "stolen", "event_date": "2026-10-01"})

	t.Run("OK", func(t *testing.T) {
		if passport.OwnerCountry != "DEU" || passport.CreatedBy != "ncb-deu" || passport.Version != 1 || passport.ReviewDate == "" {
			t.Fatalf("created %+v", passport)
		}
		var got document
		if status := n.fra.do("GET", "/v1/documents/"+passport.ID, nil, &got); status != 200 || got.Number != "C01X00T47" {
			t.Fatalf("read by another NCB: %d %+v", status, got)
		}
	})
	t.Run("ErrForbiddenOtherCountry", func(t *testing.T) {
		var e apiError
		status := n.fra.do("POST", "/v1/documents", map[string]any{"number": "12AB34567", "issuing_country": "DEU", "type": "passport", "status": "lost"}, &e)
		if status != http.StatusForbidden || e.Error.Code != "forbidden" {
			t.Fatalf("FRA recording a German passport: %d %+v", status, e)
		}
	})
	t.Run("ErrForbiddenChangeByOther", func(t *testing.T) {
		var e apiError
		if status := n.fra.do("PATCH", "/v1/documents/"+passport.ID, map[string]any{"status": "lost"}, &e); status != http.StatusForbidden {
			t.Fatalf("FRA changing a German record: %d %+v", status, e)
		}
		if status := n.fra.do("DELETE", "/v1/documents/"+passport.ID, nil, &e); status != http.StatusForbidden {
			t.Fatalf("FRA deleting a German record: %d", status)
		}
	})
	t.Run("ErrForbiddenMissingGrant", func(t *testing.T) {
		var e apiError
		if status := n.fraBorder.do("POST", "/v1/documents", map[string]any{"number": "12AB34567", "issuing_country": "FRA", "type": "passport", "status": "lost"}, &e); status != http.StatusForbidden {
			t.Fatalf("agency without documents:write: %d", status)
		}
		if status := n.fraNoGrant.do("POST", "/v1/documents/check", map[string]any{"number": "C01X00T47"}, &e); status != http.StatusForbidden {
			t.Fatalf("agency without documents:check: %d", status)
		}
	})
	t.Run("ErrUnauthenticated", func(t *testing.T) {
		var e apiError
		if status := n.anon.do("POST", "/v1/documents/check", map[string]any{"number": "C01X00T47"}, &e); status != http.StatusUnauthorized || e.Error.Code != "unauthenticated" {
			t.Fatalf("no token: %d %+v", status, e)
		}
		bad := &client{tb: t, url: n.m.URL, token: "lk_not-a-token"}
		if status := bad.do("GET", "/v1/hits", nil, &e); status != http.StatusUnauthorized {
			t.Fatalf("bad token: %d", status)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, tc := range []struct {
			body  any
			field string
		}{
			{map[string]any{"number": "C01X<0T47", "issuing_country": "DEU", "type": "passport", "status": "stolen"}, "number"},
			{map[string]any{"number": "C01X_0T47", "issuing_country": "DEU", "type": "passport", "status": "stolen"}, "number"},
			{map[string]any{"number": "C01X00T47", "issuing_country": "XYZ", "type": "passport", "status": "stolen"}, "issuing_country"},
			{map[string]any{"number": "C01X00T47", "issuing_country": "DEU", "type": "car", "status": "stolen"}, "type"},
			{map[string]any{"number": "C01X00T47", "issuing_country": "DEU", "type": "passport", "status": "found"}, "status"},
			{map[string]any{"number": "C01X00T47", "issuing_country": "DEU", "type": "passport", "status": "stolen", "event_date": "2026-13-01"}, "event_date"},
			{map[string]any{"number": "C01X00T47", "issuing_country": "DEU", "type": "passport", "status": "stolen", "colour": "red"}, "colour"},
			{map[string]any{"number": 12, "issuing_country": "DEU", "type": "passport", "status": "stolen"}, "number"},
			{map[string]any{"number": "C01X00T47", "issuing_country": "DEU", "type": "passport", "status": "lost", "number_to": "C01X00T99"}, "number_to"},
			{map[string]any{"number": "C01X00T47", "issuing_country": "DEU", "type": "passport", "status": "lost", "restriction": map[string]any{"deny": []string{"QQQ"}}}, "restriction.deny[0]"},
		} {
			var e apiError
			if status := n.deu.do("POST", "/v1/documents", tc.body, &e); status != http.StatusBadRequest || e.Error.Code != "invalid" || e.Error.Field != tc.field {
				t.Errorf("%v: status %d, error %+v; want 400 naming %q", tc.body, status, e, tc.field)
			}
		}
		var e apiError
		if status := n.deu.do("POST", "/v1/documents", `{"number": "C01`, &e); status != http.StatusBadRequest || e.Error.Code != "invalid" {
			t.Errorf("malformed JSON: %d %+v", status, e)
		}
	})
	t.Run("ErrConflictDuplicate", func(t *testing.T) {
		var e apiError
		if status := n.deu.do("POST", "/v1/documents", map[string]any{"number": "C01X00T47", "issuing_country": "DEU", "type": "passport", "status": "lost"}, &e); status != http.StatusConflict {
			t.Fatalf("duplicate: %d %+v", status, e)
		}
	})
	t.Run("UpdateByOwner", func(t *testing.T) {
		var got document
		if status := n.deu.do("PATCH", "/v1/documents/"+passport.ID, map[string]any{"remarks": "reported at Frankfurt"}, &got); status != 200 || got.Version != 2 {
			t.Fatalf("owner update: %d %+v", status, got)
		}
	})
	t.Run("UpdateAtVersion", func(t *testing.T) {
		var got document
		if status := n.deu.do("PATCH", "/v1/documents/"+passport.ID, map[string]any{"status": "lost", "version": 2}, &got); status != 200 || got.Version != 3 || got.Status != "lost" {
			t.Fatalf("update at the current version: %d %+v", status, got)
		}
	})
	t.Run("ErrConflictStaleVersion", func(t *testing.T) {
		// Read at version 2, sent after the update above made it 3.
		var e apiError
		if status := n.deu.do("PATCH", "/v1/documents/"+passport.ID, map[string]any{"status": "revoked", "version": 2}, &e); status != http.StatusConflict ||
			e.Error.Code != "conflict" || e.Error.Field != "version" || !strings.Contains(e.Error.Message, "version 3") {
			t.Fatalf("stale version: %d %+v", status, e)
		}
		if status := n.deu.do("PATCH", "/v1/documents/"+passport.ID, map[string]any{"status": "revoked", "version": 0}, &e); status != http.StatusBadRequest || e.Error.Field != "version" {
			t.Fatalf("version 0: %d %+v", status, e)
		}
		if status := n.deu.do("PATCH", "/v1/documents/"+passport.ID, map[string]any{"status": "revoked", "version": "3"}, &e); status != http.StatusBadRequest {
			t.Fatalf("version as a string: %d %+v", status, e)
		}
		var got document
		if status := n.deu.do("GET", "/v1/documents/"+passport.ID, nil, &got); status != 200 || got.Version != 3 || got.Status != "lost" {
			t.Fatalf("refused updates changed the record: %d %+v", status, got)
		}
	})
}

func TestCheck(t *testing.T) {
	n := mustNetwork(t)
	stolen := n.mustDocument(t, n.deu, map[string]any{"number": "C01X00T47", "issuing_country": "DEU", "type": "passport", "status": "stolen"})
	hidden := n.mustDocument(t, n.deu, map[string]any{"number": "C01X00T48", "issuing_country": "DEU", "type": "passport", "status": "lost", "restriction": map[string]any{"deny": []string{"GBR"}}})
	n.mustDocument(t, n.deu, map[string]any{"number": "X1000000", "number_to": "X1004999", "issuing_country": "DEU", "type": "passport", "status": "stolen_blank"})
	specimen := n.mustDocument(t, n.gbr, map[string]any{"number": "G62292599", "issuing_country": "GBR", "type": "passport", "status": "lost"})

	check := func(c *client, body map[string]any) checkResult {
		t.Helper()
		var res checkResult
		if status := c.do("POST", "/v1/documents/check", body, &res); status != 200 {
			t.Fatalf("check %v: status %d", body, status)
		}
		return res
	}
	t.Run("ExactHit", func(t *testing.T) {
		res := check(n.fraBorder, map[string]any{"number": "c01x00t47", "issuing_country": "DEU"})
		if res.Outcome != "hit" || len(res.Matches) != 1 || res.Matches[0].Match != "exact" || res.Matches[0].Document.ID != stolen.ID || res.Matches[0].HitID == "" {
			t.Fatalf("%+v", res)
		}
		// The hit is the searching NCB's and the owner's, nobody else's.
		hitPath := "/v1/hits/" + res.Matches[0].HitID
		for _, c := range []*client{n.fra, n.deu, n.fraBorder, n.sec} {
			if status := c.do("GET", hitPath, nil, nil); status != 200 {
				t.Errorf("party cannot read hit: %d", status)
			}
		}
		if status := n.gbr.do("GET", hitPath, nil, nil); status != http.StatusNotFound {
			t.Errorf("third country reads hit: %d", status)
		}
		var list struct {
			Hits []struct {
				ID string `json:"id"`
			} `json:"hits"`
		}
		n.gbr.do("GET", "/v1/hits", nil, &list)
		if len(list.Hits) != 0 {
			t.Errorf("third country lists %d hits", len(list.Hits))
		}
		n.deu.do("GET", "/v1/hits", nil, &list)
		if len(list.Hits) == 0 {
			t.Errorf("owner lists no hits")
		}
	})
	t.Run("NumberAlone", func(t *testing.T) {
		if res := check(n.fraBorder, map[string]any{"number": "C01X00T47"}); res.Outcome != "hit" {
			t.Fatalf("%+v", res)
		}
	})
	t.Run("NoHit", func(t *testing.T) {
		if res := check(n.fraBorder, map[string]any{"number": "ZZ9999999", "issuing_country": "DEU"}); res.Outcome != "no_hit" || len(res.Matches) != 0 || res.SearchID == "" {
			t.Fatalf("%+v", res)
		}
	})
	t.Run("Range", func(t *testing.T) {
		res := check(n.fraBorder, map[string]any{"number": "X1002345", "issuing_country": "DEU"})
		if res.Outcome != "hit" || len(res.Matches) != 1 || res.Matches[0].Match != "range" {
			t.Fatalf("%+v", res)
		}
		if res := check(n.fraBorder, map[string]any{"number": "X1005000", "issuing_country": "DEU"}); res.Outcome == "hit" {
			t.Fatalf("outside the batch: %+v", res)
		}
	})
	t.Run("SimilarOCR", func(t *testing.T) {
		// G62292599 read as 662292599: G/6 passes every check digit.
		res := check(n.fraBorder, map[string]any{"number": "662292599", "issuing_country": "GBR"})
		if res.Outcome != "possible" || len(res.Matches) != 1 || res.Matches[0].Match != "similar" || res.Matches[0].Document.ID != specimen.ID {
			t.Fatalf("%+v", res)
		}
	})
	t.Run("SimilarTransposition", func(t *testing.T) {
		res := check(n.fraBorder, map[string]any{"number": "C01X00T74", "issuing_country": "DEU"})
		if res.Outcome != "possible" || len(res.Matches) == 0 {
			t.Fatalf("%+v", res)
		}
	})
	t.Run("DeniedCountryLearnsNothing", func(t *testing.T) {
		res := check(n.gbr, map[string]any{"number": "C01X00T48", "issuing_country": "DEU"})
		for _, m := range res.Matches {
			if m.Document.ID == hidden.ID {
				t.Fatalf("GBR sees a record denied to it: %+v", res)
			}
		}
		if status := n.gbr.do("GET", "/v1/documents/"+hidden.ID, nil, nil); status != http.StatusNotFound {
			t.Fatalf("GBR reads a record denied to it: %d", status)
		}
		if res := check(n.fraBorder, map[string]any{"number": "C01X00T48", "issuing_country": "DEU"}); res.Outcome != "hit" {
			t.Fatalf("FRA, not denied: %+v", res)
		}
	})
	t.Run("MRZ", func(t *testing.T) {
		res := check(n.fraBorder, map[string]any{"mrz": mustTD3(t, "D<<", "C01X00T47")})
		if res.Outcome != "hit" || len(res.Matches) != 1 || res.Matches[0].Document.ID != stolen.ID || res.MRZ == nil || res.MRZ["valid"] != true {
			t.Fatalf("%+v", res)
		}
		// A bad check digit is reported in the MRZ and the number is still checked.
		bad := []byte(mustTD3(t, "D<<", "C01X00T47"))
		bad[45+9] = '0' + (bad[45+9]-'0'+1)%10
		res = check(n.fraBorder, map[string]any{"mrz": string(bad)})
		if res.Outcome != "hit" || res.MRZ["valid"] != false {
			t.Fatalf("bad check digit: %+v", res)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, tc := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"number": "AB<123"}, "number"},
			{map[string]any{"number": ""}, "number"},
			{map[string]any{"number": "AB123", "issuing_country": "ZZZ"}, "issuing_country"},
			{map[string]any{"mrz": "P<UTO"}, "mrz"},
			{map[string]any{"mrz": "X", "number": "AB123"}, "mrz"},
		} {
			var e apiError
			if status := n.fraBorder.do("POST", "/v1/documents/check", tc.body, &e); status != http.StatusBadRequest || e.Error.Field != tc.field {
				t.Errorf("%v: %d %+v; want 400 naming %q", tc.body, status, e, tc.field)
			}
		}
	})
	t.Run("Batch", func(t *testing.T) {
		var b strings.Builder
		for i := 0; i < 5000; i++ {
			fmt.Fprintf(&b, `{"number": "N%08d", "issuing_country": "DEU"}`+"\n", i)
		}
		b.WriteString(`{"number": "C01X00T47", "issuing_country": "DEU"}` + "\n")
		b.WriteString(`{"number": 7}` + "\n")
		lines := n.fraBorder.ndjson("/v1/documents/check/batch", b.String())
		if len(lines) != 5002 {
			t.Fatalf("%d result lines, want 5002; last %v", len(lines), lines[len(lines)-1])
		}
		if lines[5000]["outcome"] != "hit" || lines[4999]["outcome"] != "no_hit" {
			t.Fatalf("order: %v %v", lines[4999], lines[5000])
		}
		if e, _ := lines[5001]["error"].(map[string]any); e == nil || e["field"] != "number" || e["line"] != float64(5002) {
			t.Fatalf("bad line: %v", lines[5001])
		}
	})
}

// mustTD3 builds a valid TD3 machine readable zone for a passport number.
func mustTD3(t *testing.T, issuer, number string) string {
	t.Helper()
	cd := func(s string) string {
		d, err := mrz.CheckDigit(s)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(d)
	}
	l1 := "P<" + issuer + "MUSTERMANN<<ERIKA"
	l1 += strings.Repeat("<", 44-len(l1))
	num := number + strings.Repeat("<", 9-len(number))
	birth, expiry, personal := "640812", "310101", strings.Repeat("<", 14)
	l2 := num + cd(num) + issuer + birth + cd(birth) + "F" + expiry + cd(expiry) + personal + "<"
	l2 += cd(num + cd(num) + birth + cd(birth) + expiry + cd(expiry) + personal + "<")
	return l1 + "\n" + l2
}

// ndjson posts an NDJSON body and returns the result lines.
func (c *client) ndjson(path, body string) []map[string]any {
	c.tb.Helper()
	req, _ := http.NewRequest("POST", c.url+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.tb.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		c.tb.Fatalf("POST %s: status %d", path, resp.StatusCode)
	}
	var out []map[string]any
	dec := json.NewDecoder(resp.Body)
	for dec.More() {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			c.tb.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}
