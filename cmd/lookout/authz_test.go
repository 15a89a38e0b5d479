package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// The kinds of caller of the authorization matrix.
const (
	anon     = iota // no credentials
	disabled        // a disabled agency
	sec             // the secretariat
	owner           // the NCB of the country that owns the records (DEU)
	other           // the NCB of another country (FRA)
	denied          // the NCB of a country the owner denied (GBR)
	with            // an agency of the owner's country holding the route's grants
	without         // an agency of the owner's country holding only stats:read
	kinds
)

var kindNames = [kinds]string{"anonymous", "disabled agency", "secretariat", "owner NCB", "other NCB", "denied NCB", "agency with grant", "agency without grant"}

// authzFixture holds the records of the owner (DEU) that routes act on; every
// record denies GBR.
type authzFixture struct {
	n                                          *network
	clients                                    [kinds]*client
	doc, dnaID, fpID, person, notice, hit, msg string
	webhook, screening                         string
	seq                                        int
}

func (f *authzFixture) next() int { f.seq++; return f.seq }

// row is one route of the matrix: how to call it, and the status each kind
// of caller must get (anonymous and disabled callers always get 401).
type row struct {
	path func(f *authzFixture) string
	body func(f *authzFixture) string
	want [kinds]int
}

// expect lists the statuses for sec, owner, other, denied, with, without.
func expect(s, o, ot, d, w, wo int) [kinds]int {
	return [kinds]int{anon: 401, disabled: 401, sec: s, owner: o, other: ot, denied: d, with: w, without: wo}
}

func fixed(s string) func(*authzFixture) string { return func(*authzFixture) string { return s } }

func mustID(t *testing.T, c *client, path, body string, want int) string {
	t.Helper()
	var out struct {
		ID      string `json:"id"`
		Webhook struct {
			ID string `json:"id"`
		} `json:"webhook"`
	}
	if status := c.do("POST", path, body, &out); status != want {
		t.Fatalf("fixture POST %s %s: %d", path, body, status)
	}
	if out.ID == "" {
		out.ID = out.Webhook.ID
	}
	return out.ID
}

func TestAuthorizationMatrix(t *testing.T) {
	n := mustNetwork(t)
	f := &authzFixture{n: n}
	grants := `["documents:check","documents:write","persons:search","persons:write","notices:request","dna:search","dna:write","fingerprints:search","fingerprints:write","hits:follow","messages:send","stats:read","audit:read"]`
	f.clients = [kinds]*client{
		anon:     n.anon,
		disabled: MustCreateAgency(t, n.deu, map[string]any{"id": "deu-off", "kind": "agency", "country": "DEU", "name": "Off", "grants": []string{"documents:check"}}),
		sec:      n.sec, owner: n.deu, other: n.fra, denied: n.gbr,
		with:    MustCreateAgency(t, n.deu, map[string]any{"id": "deu-with", "kind": "agency", "country": "DEU", "name": "With", "grants": strings.Split(strings.Trim(strings.ReplaceAll(grants, `"`, ""), "[]"), ",")}),
		without: MustCreateAgency(t, n.deu, map[string]any{"id": "deu-without", "kind": "agency", "country": "DEU", "name": "Without", "grants": []string{"stats:read"}}),
	}
	MustCreateAgency(t, n.deu, map[string]any{"id": "deu-spare", "kind": "agency", "country": "DEU", "name": "Spare"})
	n.deu.do("PATCH", "/v1/agencies/deu-off", map[string]any{"disabled": true}, nil)
	deny := `"restriction": {"deny": ["GBR"]}`
	loci, _ := json.Marshal(offenderLoci)
	f.doc = mustID(t, n.deu, "/v1/documents", `{"number": "C01X00T47", "issuing_country": "DEU", "type": "passport", "status": "stolen", `+deny+`}`, 201)
	f.dnaID = mustID(t, n.deu, "/v1/dna/profiles", `{"reference": "M-1", "category": "offender", "loci": `+string(loci)+`, `+deny+`}`, 201)
	tmpl := base64.StdEncoding.EncodeToString(mustTemplate(t, "101_1.iso"))
	f.fpID = mustID(t, n.deu, "/v1/fingerprints", `{"reference": "F-1", "template": "`+tmpl+`", `+deny+`}`, 201)
	f.person = mustID(t, n.deu, "/v1/persons", `{"name": "Erika Mustermann", "date_of_birth": "1964-08-12", "sex": "F", "nationalities": ["DEU"], `+deny+`}`, 201)
	f.notice = mustID(t, n.deu, "/v1/notices", `{"person_id": "`+f.person+`", "type": "yellow", "summary": "missing since 2026-01-02"}`, 201)
	var res checkResult
	n.fra.do("POST", "/v1/documents/check", map[string]any{"number": "C01X00T47", "issuing_country": "DEU"}, &res)
	f.hit = res.Matches[0].HitID
	f.msg = mustID(t, n.deu, "/v1/messages", `{"to": ["ncb-fra"], "subject": "C01X00T47", "body": "seized?", "priority": "routine"}`, 201)
	f.webhook = mustID(t, n.deu, "/v1/webhooks", `{"url": "http://127.0.0.1:9/hook"}`, 201)
	f.screening = mustID(t, n.deu, "/v1/screenings", `{"travellers": [{"name": "Erika Mustermann", "date_of_birth": "1964-08-12", "nationality": "DEU"}]}`, 202)

	doc := func(f *authzFixture) string { return "/v1/documents/" + f.doc }
	freshDoc := func(f *authzFixture) string {
		return "/v1/documents/" + mustID(t, n.deu, "/v1/documents", fmt.Sprintf(`{"number": "D%07d", "issuing_country": "DEU", "type": "passport", "status": "lost", %s}`, f.next(), deny), 201)
	}
	freshDNA := func(f *authzFixture) string {
		return "/v1/dna/profiles/" + mustID(t, n.deu, "/v1/dna/profiles", fmt.Sprintf(`{"reference": "X-%d", "category": "offender", "loci": %s, %s}`, f.next(), loci, deny), 201)
	}
	freshFP := func(f *authzFixture) string {
		return "/v1/fingerprints/" + mustID(t, n.deu, "/v1/fingerprints", fmt.Sprintf(`{"reference": "X-%d", "template": "%s", %s}`, f.next(), tmpl, deny), 201)
	}
	freshPerson := func(f *authzFixture) string {
		return "/v1/persons/" + mustID(t, n.deu, "/v1/persons", fmt.Sprintf(`{"name": "Max Muster %d", "sex": "M", %s}`, f.next(), deny), 201)
	}
	freshNotice := func(f *authzFixture) string {
		return "/v1/notices/" + mustID(t, n.deu, "/v1/notices", `{"person_id": "`+f.person+`", "type": "yellow", "summary": "missing"}`, 201)
	}
	// A fingerprint search by DEU whose first candidate the caller decides on.
	var decided string
	decisions := func(f *authzFixture) string {
		var res fingerprintResult
		n.deu.do("POST", "/v1/fingerprints/search", `{"template": "`+base64.StdEncoding.EncodeToString(mustTemplate(t, "101_2.iso"))+`"}`, &res)
		decided = fmt.Sprintf(`{"fingerprint_id": "%s", "position": %d, "decision": "not_identified"}`, res.Candidates[0].Fingerprint.ID, res.Candidates[0].Position)
		return "/v1/fingerprints/searches/" + res.SearchID + "/decisions"
	}
	stain := `{"loci": ` + string(loci) + `, "category": "crime_scene", "rule": "moderate"}`

	matrix := map[string]row{
		// Agencies: the secretariat creates NCBs only; an NCB manages its own agencies.
		"POST /v1/agencies":                     {fixed("/v1/agencies"), fixed(`{"kind": "agency", "country": "DEU", "name": "New post", "grants": ["documents:check"]}`), expect(403, 201, 403, 403, 403, 403)},
		"GET /v1/agencies":                      {fixed("/v1/agencies"), nil, expect(200, 200, 200, 200, 403, 403)},
		"GET /v1/agencies/{id}":                 {fixed("/v1/agencies/deu-spare"), nil, expect(200, 200, 404, 404, 404, 404)},
		"PATCH /v1/agencies/{id}":               {fixed("/v1/agencies/deu-spare"), fixed(`{"name": "Renamed"}`), expect(200, 200, 403, 403, 403, 403)},
		"POST /v1/agencies/{id}/tokens":         {fixed("/v1/agencies/deu-spare/tokens"), nil, expect(201, 201, 403, 403, 403, 403)},
		"PATCH /v1/agencies/{id}/notifications": {fixed("/v1/agencies/deu-spare/notifications"), fixed(`{"notify_on_search": true}`), expect(200, 200, 403, 403, 403, 403)},
		"GET /v1/whoami":                        {fixed("/v1/whoami"), nil, expect(200, 200, 200, 200, 200, 200)},

		// Documents: only the issuing country records; only the owner changes;
		// the denied country does not even see the record.
		"POST /v1/documents": {fixed("/v1/documents"), func(f *authzFixture) string {
			return fmt.Sprintf(`{"number": "N%07d", "issuing_country": "DEU", "type": "passport", "status": "lost"}`, f.next())
		}, expect(403, 201, 403, 403, 201, 403)},
		"GET /v1/documents": {fixed("/v1/documents"), nil, expect(200, 200, 200, 200, 200, 403)},
		"POST /v1/documents/batch": {fixed("/v1/documents/batch"), func(f *authzFixture) string {
			return fmt.Sprintf(`{"number": "B%07d", "issuing_country": "DEU", "type": "passport", "status": "lost"}`, f.next())
		}, expect(200, 200, 200, 200, 200, 403)},
		"GET /v1/documents/{id}":    {doc, nil, expect(200, 200, 200, 404, 200, 403)},
		"PATCH /v1/documents/{id}":  {doc, fixed(`{"remarks": "seen"}`), expect(403, 200, 403, 404, 200, 403)},
		"DELETE /v1/documents/{id}": {freshDoc, nil, expect(403, 204, 403, 404, 204, 403)},
		"POST /v1/documents/{id}/review": {func(f *authzFixture) string {
			return "/v1/documents/" + mustID(t, n.deu, "/v1/documents", fmt.Sprintf(`{"number": "R%07d", "issuing_country": "DEU", "type": "passport", "status": "lost", "review_date": "2030-01-01", %s}`, f.next(), deny), 201) + "/review"
		}, fixed(`{"review_date": "2031-01-01", "reason": "still stolen"}`), expect(403, 200, 403, 404, 200, 403)},
		"POST /v1/documents/check":       {fixed("/v1/documents/check"), fixed(`{"number": "C01X00T47", "issuing_country": "DEU"}`), expect(200, 200, 200, 200, 200, 403)},
		"POST /v1/documents/check/batch": {fixed("/v1/documents/check/batch"), fixed(`{"number": "C01X00T47", "issuing_country": "DEU"}`), expect(200, 200, 200, 200, 200, 403)},

		// DNA and fingerprints: any member records its own; only the owner deletes.
		"POST /v1/dna/profiles": {fixed("/v1/dna/profiles"), func(f *authzFixture) string {
			return fmt.Sprintf(`{"reference": "P-%d", "category": "offender", "loci": %s}`, f.next(), loci)
		}, expect(201, 201, 201, 201, 201, 403)},
		"GET /v1/dna/profiles/{id}":    {func(f *authzFixture) string { return "/v1/dna/profiles/" + f.dnaID }, nil, expect(200, 200, 200, 404, 200, 403)},
		"DELETE /v1/dna/profiles/{id}": {freshDNA, nil, expect(403, 204, 403, 404, 204, 403)},
		"POST /v1/dna/search":          {fixed("/v1/dna/search"), fixed(stain), expect(200, 200, 200, 200, 200, 403)},
		"POST /v1/fingerprints": {fixed("/v1/fingerprints"), func(f *authzFixture) string {
			return fmt.Sprintf(`{"reference": "E-%d", "template": "%s"}`, f.next(), tmpl)
		}, expect(201, 201, 201, 201, 201, 403)},
		"GET /v1/fingerprints/{id}":    {func(f *authzFixture) string { return "/v1/fingerprints/" + f.fpID }, nil, expect(200, 200, 200, 404, 200, 403)},
		"DELETE /v1/fingerprints/{id}": {freshFP, nil, expect(403, 204, 403, 404, 204, 403)},
		"POST /v1/fingerprints/search": {fixed("/v1/fingerprints/search"), fixed(`{"template": "` + tmpl + `"}`), expect(200, 200, 200, 200, 200, 403)},
		// Only the searching country's examiners decide on its candidates.
		"POST /v1/fingerprints/searches/{search_id}/decisions": {decisions, func(*authzFixture) string { return decided }, expect(404, 201, 404, 404, 201, 403)},

		// Persons and notices: the owner changes; notices are reviewed by the
		// secretariat only; unpublished notices are the owner's and the
		// secretariat's.
		"POST /v1/persons":        {fixed("/v1/persons"), func(f *authzFixture) string { return fmt.Sprintf(`{"name": "Anna Beispiel %d", "sex": "F"}`, f.next()) }, expect(201, 201, 201, 201, 201, 403)},
		"POST /v1/persons/batch":  {fixed("/v1/persons/batch"), func(f *authzFixture) string { return fmt.Sprintf(`{"name": "Otto Normal %d", "sex": "M"}`, f.next()) }, expect(200, 200, 200, 200, 200, 403)},
		"GET /v1/persons":         {fixed("/v1/persons"), nil, expect(200, 200, 200, 200, 200, 403)},
		"POST /v1/persons/search": {fixed("/v1/persons/search"), fixed(`{"name": "Erika Mustermann"}`), expect(200, 200, 200, 200, 200, 403)},
		"GET /v1/persons/{id}":    {func(f *authzFixture) string { return "/v1/persons/" + f.person }, nil, expect(200, 200, 200, 404, 200, 403)},
		"PATCH /v1/persons/{id}":  {func(f *authzFixture) string { return "/v1/persons/" + f.person }, fixed(`{"place_of_birth": "Berlin"}`), expect(403, 200, 403, 404, 200, 403)},
		"DELETE /v1/persons/{id}": {freshPerson, nil, expect(403, 204, 403, 404, 204, 403)},
		"POST /v1/notices": {fixed("/v1/notices"), func(f *authzFixture) string {
			return `{"person_id": "` + f.person + `", "type": "yellow", "summary": "missing"}`
		}, expect(403, 201, 403, 404, 201, 403)},
		"GET /v1/notices":              {fixed("/v1/notices"), nil, expect(200, 200, 200, 200, 200, 403)},
		"GET /v1/notices/{id}":         {func(f *authzFixture) string { return "/v1/notices/" + f.notice }, nil, expect(200, 200, 404, 404, 200, 403)},
		"POST /v1/notices/{id}/review": {func(f *authzFixture) string { return freshNotice(f) + "/review" }, fixed(`{"decision": "refuse", "reasons": "insufficient identifiers"}`), expect(200, 403, 403, 403, 403, 403)},
		"POST /v1/notices/{id}/cancel": {func(f *authzFixture) string { return freshNotice(f) + "/cancel" }, fixed(`{"reason": "found"}`), expect(403, 200, 404, 404, 200, 403)},
		"POST /v1/diffusions": {fixed("/v1/diffusions"), func(f *authzFixture) string {
			return `{"person_id": "` + f.person + `", "type": "blue", "summary": "whereabouts wanted", "recipients": ["AUT"]}`
		}, expect(403, 201, 403, 404, 201, 403)},
		"POST /v1/screenings":             {fixed("/v1/screenings"), fixed(`{"travellers": [{"name": "Erika Mustermann"}]}`), expect(202, 202, 202, 202, 202, 403)},
		"GET /v1/screenings/{id}":         {func(f *authzFixture) string { return "/v1/screenings/" + f.screening }, nil, expect(200, 200, 404, 404, 200, 403)},
		"GET /v1/screenings/{id}/results": {func(f *authzFixture) string { return "/v1/screenings/" + f.screening + "/results" }, nil, expect(200, 200, 404, 404, 200, 403)},

		// Hits are the two parties' (and the secretariat's); the owner
		// confirms or rejects only after the searching side acknowledged.
		"GET /v1/hits":               {fixed("/v1/hits"), nil, expect(200, 200, 200, 200, 200, 403)},
		"GET /v1/hits/{id}":          {func(f *authzFixture) string { return "/v1/hits/" + f.hit }, nil, expect(200, 200, 200, 404, 200, 403)},
		"POST /v1/hits/{id}/actions": {func(f *authzFixture) string { return "/v1/hits/" + f.hit + "/actions" }, fixed(`{"action": "reject", "note": "wrong side?"}`), expect(403, 409, 403, 404, 409, 403)},
		"GET /v1/stats":              {fixed("/v1/stats"), nil, expect(200, 200, 200, 200, 200, 200)},
		// Messages are their sender's and recipients' only.
		"POST /v1/messages":                {fixed("/v1/messages"), fixed(`{"to": ["ncb-fra"], "subject": "s", "body": "b", "priority": "routine"}`), expect(201, 201, 201, 201, 201, 403)},
		"GET /v1/messages":                 {fixed("/v1/messages"), nil, expect(200, 200, 200, 200, 200, 200)},
		"GET /v1/messages/{id}":            {func(f *authzFixture) string { return "/v1/messages/" + f.msg }, nil, expect(404, 200, 200, 404, 404, 404)},
		"GET /v1/events":                   {fixed("/v1/events"), nil, expect(200, 200, 200, 200, 200, 200)},
		"POST /v1/webhooks":                {fixed("/v1/webhooks"), fixed(`{"url": "http://127.0.0.1:9/hook"}`), expect(201, 201, 201, 201, 201, 403)},
		"GET /v1/webhooks/{id}/deliveries": {func(f *authzFixture) string { return "/v1/webhooks/" + f.webhook + "/deliveries" }, nil, expect(404, 200, 404, 404, 404, 404)},
		"DELETE /v1/webhooks/{id}": {func(f *authzFixture) string {
			var out struct {
				Webhook struct {
					ID string `json:"id"`
				} `json:"webhook"`
			}
			n.deu.do("POST", "/v1/webhooks", `{"url": "http://127.0.0.1:9/hook"}`, &out)
			return "/v1/webhooks/" + out.Webhook.ID
		}, nil, expect(404, 204, 404, 404, 404, 404)},
		"POST /v1/review/run":      {fixed("/v1/review/run"), nil, expect(200, 403, 403, 403, 403, 403)},
		"GET /v1/changes":          {fixed("/v1/changes"), nil, expect(200, 200, 200, 200, 200, 403)},
		"GET /v1/audit":            {fixed("/v1/audit"), nil, expect(200, 200, 200, 200, 200, 403)},
		"GET /v1/audit/checkpoint": {fixed("/v1/audit/checkpoint"), nil, expect(404, 404, 404, 404, 404, 404)},
	}

	routes := n.m.Routes()
	for _, r := range routes {
		if _, ok := matrix[r]; !ok {
			t.Errorf("route %s has no row in the authorization matrix", r)
		}
	}
	for pattern, r := range matrix {
		if !slices.Contains(routes, pattern) {
			t.Errorf("the matrix has a row for %s, which is not a route", pattern)
			continue
		}
		method, _, _ := strings.Cut(pattern, " ")
		for k := range kinds {
			path := r.path(f)
			body := ""
			if r.body != nil {
				body = r.body(f)
			}
			got := f.clients[k].raw(method, path, body)
			if got != r.want[k] {
				t.Errorf("%s as %s: %d, want %d", pattern, kindNames[k], got, r.want[k])
			}
		}
	}
}

// raw sends a request and returns its status without decoding.
func (c *client) raw(method, path, body string) int {
	c.tb.Helper()
	req, err := http.NewRequest(method, c.url+path, strings.NewReader(body))
	if err != nil {
		c.tb.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.tb.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
