package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// doNDJSON sends body with its content type and decodes an NDJSON answer
// line by line into out; it returns the HTTP status.
func doNDJSON(c *client, method, path, contentType, body string, out *[]map[string]any) int {
	c.tb.Helper()
	req, err := http.NewRequest(method, c.url+path, strings.NewReader(body))
	if err != nil {
		c.tb.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.tb.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			c.tb.Fatalf("%s %s: line %q: %v", method, path, sc.Text(), err)
		}
		*out = append(*out, m)
	}
	return resp.StatusCode
}

type person struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Aliases      []string `json:"aliases"`
	OwnerCountry string   `json:"owner_country"`
	CreatedBy    string   `json:"created_by"`
	ReviewDate   string   `json:"review_date"`
	Sex          string   `json:"sex"`
	Version      int      `json:"version"`
}

type notice struct {
	ID           string   `json:"id"`
	Kind         string   `json:"kind"`
	PersonID     string   `json:"person_id"`
	Type         string   `json:"type"`
	Status       string   `json:"status"`
	OwnerCountry string   `json:"owner_country"`
	Recipients   []string `json:"recipients"`
	Review       *struct {
		Decision  string          `json:"decision"`
		Checklist map[string]bool `json:"checklist"`
	} `json:"review"`
}

type personSearch struct {
	SearchID   string `json:"search_id"`
	Candidates []struct {
		Person      person         `json:"person"`
		Score       float64        `json:"score"`
		Match       bool           `json:"match"`
		Explanation map[string]any `json:"explanation"`
		Notices     []notice       `json:"notices"`
		HitID       string         `json:"hit_id"`
	} `json:"candidates"`
}

// wanted is a person with every identifier a red notice needs.
var wanted = map[string]any{
	"name": "Владимир Петров", "name_latin": "Vladimir Petrov", "aliases": []string{"Volodya Petrov"},
	"date_of_birth": "1975-03-14", "sex": "M", "nationalities": []string{"RUS", "D"}, "place_of_birth": "Rostov-on-Don",
	"identity_documents":   []map[string]any{{"number": "C01X00T47", "issuing_country": "DEU", "type": "passport"}},
	"distinguishing_marks": "scar on the left hand",
}

func (n *network) mustPerson(t *testing.T, c *client, body map[string]any) person {
	t.Helper()
	var p person
	var e apiError
	if status := c.do("POST", "/v1/persons", body, &p); status != http.StatusCreated {
		c.do("POST", "/v1/persons", body, &e)
		t.Fatalf("create person %v: status %d %+v", body["name"], status, e)
	}
	return p
}

func (n *network) mustNotice(t *testing.T, c *client, path string, body map[string]any) notice {
	t.Helper()
	var no notice
	if status := c.do("POST", path, body, &no); status != http.StatusCreated {
		var e apiError
		c.do("POST", path, body, &e)
		t.Fatalf("POST %s %v: status %d %+v", path, body, status, e)
	}
	return no
}

func (n *network) search(t *testing.T, c *client, body map[string]any) personSearch {
	t.Helper()
	var res personSearch
	if status := c.do("POST", "/v1/persons/search", body, &res); status != http.StatusOK {
		t.Fatalf("search %v: status %d", body, status)
	}
	return res
}

// candidate returns the candidate of person id in res, or -1.
func candidate(res personSearch, id string) int {
	for i, c := range res.Candidates {
		if c.Person.ID == id {
			return i
		}
	}
	return -1
}

func redNotice(personID string) map[string]any {
	return map[string]any{"person_id": personID, "type": "red", "summary": "Armed robbery of a bank in Hamburg on 2026-02-03",
		"offence": "armed robbery (StGB §250)", "purpose": "prosecution", "penalty_years": 15, "arrest_warrant": "AG Hamburg 123 Gs 45/26"}
}

var fullChecklist = map[string]bool{"neutrality": true, "human_rights": true, "data_quality": true, "seriousness": true, "judicial_data": true}

func TestPersons(t *testing.T) {
	n := mustNetwork(t)
	p := n.mustPerson(t, n.deu, wanted)
	restricted := n.mustPerson(t, n.deu, map[string]any{"name": "Vladimir Petrow", "date_of_birth": "1975", "sex": "M", "restriction": map[string]any{"deny": []string{"GBR"}}})

	t.Run("OK", func(t *testing.T) {
		if p.OwnerCountry != "DEU" || p.CreatedBy != "ncb-deu" || p.Version != 1 || !strings.HasPrefix(p.ReviewDate, "203") {
			t.Fatalf("created %+v", p)
		}
		var got person
		if status := n.fra.do("GET", "/v1/persons/"+p.ID, nil, &got); status != 200 || got.Name != "Владимир Петров" {
			t.Fatalf("read by another NCB: %d %+v", status, got)
		}
	})
	t.Run("ListOwnOnly", func(t *testing.T) {
		var list struct {
			Persons []person `json:"persons"`
		}
		if status := n.deu.do("GET", "/v1/persons", nil, &list); status != 200 || len(list.Persons) != 2 {
			t.Fatalf("owner's list: %d %+v", status, list)
		}
		list.Persons = nil
		if status := n.fra.do("GET", "/v1/persons", nil, &list); status != 200 || len(list.Persons) != 0 {
			t.Fatalf("FRA lists German persons: %d %+v", status, list)
		}
		if status := n.fraBorder.do("GET", "/v1/persons", nil, nil); status != http.StatusForbidden {
			t.Fatalf("agency without persons:write lists: %d", status)
		}
	})
	t.Run("SearchAcrossScripts", func(t *testing.T) {
		for _, q := range []map[string]any{
			{"name": "PETROV, Vladimir", "date_of_birth": "1975-03-14"},
			{"name": "Владимир Петров"},
			{"name": "Wladimir Petrov", "date_of_birth": "1976-03-14"},
			{"name": "Petrov Vladimir", "date_of_birth": "1975", "sex": "M", "nationality": "RUS"},
		} {
			res := n.search(t, n.fra, q)
			i := candidate(res, p.ID)
			if i < 0 || !res.Candidates[i].Match || res.Candidates[i].HitID == "" || res.Candidates[i].Score < 0.7 || res.Candidates[i].Explanation == nil {
				t.Fatalf("%v: %+v", q, res)
			}
			if status := n.deu.do("GET", "/v1/hits/"+res.Candidates[i].HitID, nil, nil); status != 200 {
				t.Fatalf("owner cannot see the person hit: %d", status)
			}
			if status := n.gbr.do("GET", "/v1/hits/"+res.Candidates[i].HitID, nil, nil); status != http.StatusNotFound {
				t.Fatalf("third country sees the person hit: %d", status)
			}
		}
		res := n.search(t, n.fra, map[string]any{"name": "Maria Gonzalez Lopez"})
		if candidate(res, p.ID) >= 0 {
			t.Fatalf("an unrelated name found %+v", res)
		}
	})
	t.Run("ErrRestricted", func(t *testing.T) {
		if status := n.gbr.do("GET", "/v1/persons/"+restricted.ID, nil, nil); status != http.StatusNotFound {
			t.Fatalf("denied country reads a restricted person: %d", status)
		}
		res := n.search(t, n.gbr, map[string]any{"name": "Vladimir Petrow"})
		if candidate(res, restricted.ID) >= 0 {
			t.Fatalf("denied country finds a restricted person: %+v", res)
		}
		if res = n.search(t, n.fra, map[string]any{"name": "Vladimir Petrow"}); candidate(res, restricted.ID) < 0 {
			t.Fatalf("FRA does not find a person only GBR is denied: %+v", res)
		}
	})
	t.Run("ErrForbiddenOtherCountry", func(t *testing.T) {
		var e apiError
		if status := n.fra.do("PATCH", "/v1/persons/"+p.ID, map[string]any{"sex": "F"}, &e); status != http.StatusForbidden {
			t.Fatalf("FRA changing a German person: %d %+v", status, e)
		}
		if status := n.fra.do("DELETE", "/v1/persons/"+p.ID, nil, nil); status != http.StatusForbidden {
			t.Fatalf("FRA deleting a German person: %d", status)
		}
	})
	t.Run("ErrForbiddenMissingGrant", func(t *testing.T) {
		if status := n.fraBorder.do("POST", "/v1/persons", map[string]any{"name": "Jean Dupont"}, nil); status != http.StatusForbidden {
			t.Fatalf("agency without persons:write: %d", status)
		}
		if status := n.fraBorder.do("POST", "/v1/persons/search", map[string]any{"name": "Vladimir Petrov"}, nil); status != http.StatusForbidden {
			t.Fatalf("agency without persons:search: %d", status)
		}
		if status := n.anon.do("POST", "/v1/persons/search", map[string]any{"name": "Vladimir Petrov"}, nil); status != http.StatusUnauthorized {
			t.Fatalf("no token: %d", status)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, tc := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"date_of_birth": "1980"}, "name"},
			{map[string]any{"name": "-- ..."}, "name"},
			{map[string]any{"name": "Jean Dupont", "date_of_birth": "1980-13"}, "date_of_birth"},
			{map[string]any{"name": "Jean Dupont", "date_of_birth": "2999"}, "date_of_birth"},
			{map[string]any{"name": "Jean Dupont", "sex": "Z"}, "sex"},
			{map[string]any{"name": "Jean Dupont", "nationalities": []string{"FRA", "QQQ"}}, "nationalities[1]"},
			{map[string]any{"name": "Jean Dupont", "aliases": []string{""}}, "aliases[0]"},
			{map[string]any{"name": "Jean Dupont", "identity_documents": []map[string]any{{"number": "12<34", "issuing_country": "FRA"}}}, "identity_documents[0].number"},
			{map[string]any{"name": "Jean Dupont", "identity_documents": []map[string]any{{"number": "1234", "issuing_country": "FRA", "type": "car"}}}, "identity_documents[0].type"},
			{map[string]any{"name": "Jean Dupont", "dna_profiles": []string{"999999"}}, "dna_profiles[0]"},
			{map[string]any{"name": "Jean Dupont", "review_date": "2099-01-01"}, "review_date"},
			{map[string]any{"name": "Jean Dupont", "colour": "red"}, "colour"},
		} {
			var e apiError
			if status := n.fra.do("POST", "/v1/persons", tc.body, &e); status != http.StatusBadRequest || e.Error.Field != tc.field {
				t.Errorf("%v: %d %+v, want 400 naming %q", tc.body, status, e, tc.field)
			}
		}
		for _, tc := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"name": ""}, "name"},
			{map[string]any{"name": "Jean Dupont", "date_of_birth": "14.03.1975"}, "date_of_birth"},
			{map[string]any{"name": "Jean Dupont", "nationality": "Frankreich"}, "nationality"},
			{map[string]any{"name": "Jean Dupont", "limit": 1000}, "limit"},
		} {
			var e apiError
			if status := n.fra.do("POST", "/v1/persons/search", tc.body, &e); status != http.StatusBadRequest || e.Error.Field != tc.field {
				t.Errorf("search %v: %d %+v, want 400 naming %q", tc.body, status, e, tc.field)
			}
		}
	})
	t.Run("Batch", func(t *testing.T) {
		body := `{"name": "Jean Dupont", "date_of_birth": "1970-01"}` + "\n" + `{"name": "Pierre Martin", "sex": "Q"}` + "\n" + `not json` + "\n"
		var lines []map[string]any
		status := doNDJSON(n.fra, "POST", "/v1/persons/batch", "application/x-ndjson", body, &lines)
		if status != 200 || len(lines) != 3 || lines[0]["id"] == nil || lines[1]["error"] == nil || lines[2]["error"] == nil {
			t.Fatalf("%d %v", status, lines)
		}
		if e := lines[1]["error"].(map[string]any); e["field"] != "sex" || e["line"] != float64(2) {
			t.Fatalf("bad line 2: %v", e)
		}
	})
	t.Run("UpdateAndDelete", func(t *testing.T) {
		var got person
		if status := n.deu.do("PATCH", "/v1/persons/"+p.ID, map[string]any{"aliases": []string{"Vova Petrenko"}}, &got); status != 200 || got.Version != 2 || got.Aliases[0] != "Vova Petrenko" {
			t.Fatalf("update: %d %+v", status, got)
		}
		if res := n.search(t, n.fra, map[string]any{"name": "Vova Petrenko"}); candidate(res, p.ID) < 0 {
			t.Fatalf("new alias not searchable: %+v", res)
		}
		var e apiError
		if status := n.deu.do("PATCH", "/v1/persons/"+p.ID, map[string]any{"sex": "Y"}, &e); status != http.StatusBadRequest || e.Error.Field != "sex" {
			t.Fatalf("bad update: %d %+v", status, e)
		}
		if status := n.deu.do("DELETE", "/v1/persons/"+p.ID, nil, nil); status != http.StatusNoContent {
			t.Fatalf("delete: %d", status)
		}
		if res := n.search(t, n.fra, map[string]any{"name": "Vladimir Petrov"}); candidate(res, p.ID) >= 0 {
			t.Fatalf("deleted person still found")
		}
		if status := n.fra.do("GET", "/v1/persons/"+p.ID, nil, nil); status != http.StatusNotFound {
			t.Fatalf("deleted person still readable: %d", status)
		}
	})
}

func TestNotices(t *testing.T) {
	n := mustNetwork(t)
	p := n.mustPerson(t, n.deu, wanted)
	red := n.mustNotice(t, n.deu, "/v1/notices", redNotice(p.ID))

	t.Run("Requested", func(t *testing.T) {
		if red.Status != "requested" || red.Kind != "notice" || red.OwnerCountry != "DEU" {
			t.Fatalf("%+v", red)
		}
	})
	t.Run("ErrUnpublishedInvisible", func(t *testing.T) {
		if status := n.fra.do("GET", "/v1/notices/"+red.ID, nil, nil); status != http.StatusNotFound {
			t.Fatalf("FRA reads a requested notice: %d", status)
		}
		res := n.search(t, n.fra, map[string]any{"name": "Vladimir Petrov", "date_of_birth": "1975-03-14"})
		if i := candidate(res, p.ID); i < 0 || len(res.Candidates[i].Notices) != 0 {
			t.Fatalf("FRA sees notices of a requested notice: %+v", res)
		}
		var list struct {
			Notices []notice `json:"notices"`
		}
		if n.fra.do("GET", "/v1/notices", nil, &list); len(list.Notices) != 0 {
			t.Fatalf("FRA lists %+v", list)
		}
		for _, c := range []*client{n.deu, n.sec} {
			if status := c.do("GET", "/v1/notices/"+red.ID, nil, nil); status != 200 {
				t.Fatalf("owner or secretariat cannot read: %d", status)
			}
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, tc := range []struct {
			change map[string]any
			field  string
		}{
			{map[string]any{"arrest_warrant": ""}, "arrest_warrant"},
			{map[string]any{"offence": ""}, "offence"},
			{map[string]any{"penalty_years": 1}, "penalty_years"},
			{map[string]any{"purpose": "sentence", "sentence_months_left": 3}, "sentence_months_left"},
			{map[string]any{"purpose": ""}, "purpose"},
			{map[string]any{"type": "pink"}, "type"},
			{map[string]any{"summary": ""}, "summary"},
			{map[string]any{"person_id": "x1"}, "person_id"},
			{map[string]any{"expires_on": "2020-01-01"}, "expires_on"},
			{map[string]any{"recipients": []string{"FRA"}}, "recipients"},
		} {
			body := redNotice(p.ID)
			for k, v := range tc.change {
				body[k] = v
			}
			var e apiError
			if status := n.deu.do("POST", "/v1/notices", body, &e); status != http.StatusBadRequest || e.Error.Field != tc.field {
				t.Errorf("%v: %d %+v, want 400 naming %q", tc.change, status, e, tc.field)
			}
		}
	})
	t.Run("ErrForbiddenOtherCountrysPerson", func(t *testing.T) {
		if status := n.fra.do("POST", "/v1/notices", redNotice(p.ID), nil); status != http.StatusForbidden {
			t.Fatalf("FRA asks a notice on a German person: %d", status)
		}
		if status := n.fraBorder.do("POST", "/v1/notices", redNotice(p.ID), nil); status != http.StatusForbidden {
			t.Fatalf("agency without notices:request: %d", status)
		}
	})
	t.Run("ErrReviewSecretariatOnly", func(t *testing.T) {
		for _, c := range []*client{n.deu, n.fra} {
			if status := c.do("POST", "/v1/notices/"+red.ID+"/review", map[string]any{"decision": "publish", "checklist": fullChecklist}, nil); status != http.StatusForbidden {
				t.Fatalf("an NCB reviews a notice: %d", status)
			}
		}
	})
	t.Run("ErrPublishFailedCheck", func(t *testing.T) {
		for _, failed := range []string{"neutrality", "seriousness", "judicial_data"} {
			checklist := map[string]bool{}
			for k, v := range fullChecklist {
				checklist[k] = v
			}
			checklist[failed] = false
			var e apiError
			if status := n.sec.do("POST", "/v1/notices/"+red.ID+"/review", map[string]any{"decision": "publish", "checklist": checklist}, &e); status != http.StatusBadRequest || e.Error.Field != "checklist."+failed {
				t.Fatalf("publish with %s failed: %d %+v", failed, status, e)
			}
		}
		var got notice
		n.deu.do("GET", "/v1/notices/"+red.ID, nil, &got)
		if got.Status != "requested" {
			t.Fatalf("refused publish changed the notice: %+v", got)
		}
		// A person without the minimum identifiers cannot carry a red notice.
		thin := n.mustPerson(t, n.deu, map[string]any{"name": "Klaus Unbekannt", "date_of_birth": "1980"})
		rn := n.mustNotice(t, n.deu, "/v1/notices", redNotice(thin.ID))
		var e apiError
		if status := n.sec.do("POST", "/v1/notices/"+rn.ID+"/review", map[string]any{"decision": "publish", "checklist": fullChecklist}, &e); status != http.StatusBadRequest || e.Error.Field != "checklist.minimum_identifiers" {
			t.Fatalf("red notice without identifiers: %d %+v", status, e)
		}
	})
	t.Run("Publish", func(t *testing.T) {
		var got notice
		if status := n.sec.do("POST", "/v1/notices/"+red.ID+"/review", map[string]any{"decision": "publish", "checklist": fullChecklist, "reasons": "meets Arts 82-83"}, &got); status != 200 || got.Status != "published" || !got.Review.Checklist["penalty_threshold"] {
			t.Fatalf("publish: %d %+v", status, got)
		}
		if status := n.sec.do("POST", "/v1/notices/"+red.ID+"/review", map[string]any{"decision": "refuse", "reasons": "again"}, nil); status != http.StatusConflict {
			t.Fatalf("second review: %d", status)
		}
		if status := n.gbr.do("GET", "/v1/notices/"+red.ID, nil, &got); status != 200 || got.Status != "published" {
			t.Fatalf("published notice not visible to GBR: %d", status)
		}
		res := n.search(t, n.fra, map[string]any{"name": "Vladimir Petrov"})
		if i := candidate(res, p.ID); i < 0 || len(res.Candidates[i].Notices) != 1 || res.Candidates[i].Notices[0].Type != "red" {
			t.Fatalf("FRA search misses the published notice: %+v", res)
		}
		var audit struct {
			Entries []struct {
				AgencyID string `json:"agency_id"`
				Object   string `json:"object"`
			} `json:"entries"`
		}
		n.sec.do("GET", "/v1/audit?action=notices.publish", nil, &audit)
		if len(audit.Entries) != 1 || audit.Entries[0].Object != red.ID {
			t.Fatalf("publish not in the audit trail: %+v", audit)
		}
	})
	t.Run("Refuse", func(t *testing.T) {
		yellow := n.mustNotice(t, n.deu, "/v1/notices", map[string]any{"person_id": p.ID, "type": "yellow", "summary": "missing since 2026-01-02"})
		var e apiError
		if status := n.sec.do("POST", "/v1/notices/"+yellow.ID+"/review", map[string]any{"decision": "refuse"}, &e); status != http.StatusBadRequest || e.Error.Field != "reasons" {
			t.Fatalf("refuse without reasons: %d %+v", status, e)
		}
		var got notice
		if status := n.sec.do("POST", "/v1/notices/"+yellow.ID+"/review", map[string]any{"decision": "refuse", "reasons": "Art. 3: political character"}, &got); status != 200 || got.Status != "refused" {
			t.Fatalf("refuse: %d %+v", status, got)
		}
		if status := n.fra.do("GET", "/v1/notices/"+yellow.ID, nil, nil); status != http.StatusNotFound {
			t.Fatalf("refused notice visible to FRA: %d", status)
		}
	})
	t.Run("CancelOwnerOnly", func(t *testing.T) {
		if status := n.fra.do("POST", "/v1/notices/"+red.ID+"/cancel", map[string]any{"reason": "no"}, nil); status != http.StatusForbidden {
			t.Fatalf("FRA cancels a German notice: %d", status)
		}
		var got notice
		if status := n.deu.do("POST", "/v1/notices/"+red.ID+"/cancel", map[string]any{"reason": "arrested in Lyon"}, &got); status != 200 || got.Status != "cancelled" {
			t.Fatalf("cancel: %d %+v", status, got)
		}
		if status := n.fra.do("GET", "/v1/notices/"+red.ID, nil, nil); status != http.StatusNotFound {
			t.Fatalf("cancelled notice still visible to FRA: %d", status)
		}
		res := n.search(t, n.fra, map[string]any{"name": "Vladimir Petrov"})
		if i := candidate(res, p.ID); i < 0 || len(res.Candidates[i].Notices) != 0 {
			t.Fatalf("cancelled notice still attached: %+v", res)
		}
		if status := n.deu.do("POST", "/v1/notices/"+red.ID+"/cancel", nil, nil); status != http.StatusConflict {
			t.Fatalf("second cancel: %d", status)
		}
	})
}

func TestDiffusions(t *testing.T) {
	n := mustNetwork(t)
	p := n.mustPerson(t, n.deu, wanted)
	body := redNotice(p.ID)
	body["recipients"] = []string{"FRA", "ESP"}
	d := n.mustNotice(t, n.deu, "/v1/diffusions", body)
	if d.Kind != "diffusion" || d.Status != "active" || len(d.Recipients) != 2 {
		t.Fatalf("%+v", d)
	}
	t.Run("RecipientSees", func(t *testing.T) {
		if status := n.fra.do("GET", "/v1/notices/"+d.ID, nil, nil); status != 200 {
			t.Fatalf("recipient cannot read: %d", status)
		}
		res := n.search(t, n.fra, map[string]any{"name": "Vladimir Petrov"})
		if i := candidate(res, p.ID); i < 0 || len(res.Candidates[i].Notices) != 1 {
			t.Fatalf("recipient search: %+v", res)
		}
	})
	t.Run("ErrUnnamedCountry", func(t *testing.T) {
		if status := n.gbr.do("GET", "/v1/notices/"+d.ID, nil, nil); status != http.StatusNotFound {
			t.Fatalf("GBR reads a diffusion to FRA and ESP: %d", status)
		}
		res := n.search(t, n.gbr, map[string]any{"name": "Vladimir Petrov"})
		if i := candidate(res, p.ID); i < 0 || len(res.Candidates[i].Notices) != 0 {
			t.Fatalf("GBR sees the diffusion in a search: %+v", res)
		}
	})
	t.Run("Message", func(t *testing.T) {
		type message struct {
			ID       string `json:"id"`
			NoticeID string `json:"notice_id"`
			HitID    string `json:"hit_id"`
		}
		var sent, got message
		if status := n.fra.do("POST", "/v1/messages", map[string]any{"to": []string{"ncb-deu"}, "subject": "Petrov seen in Lyon", "notice_id": d.ID}, &sent); status != http.StatusCreated || sent.NoticeID != d.ID {
			t.Fatalf("a recipient writes about the diffusion: %d %+v", status, sent)
		}
		if status := n.deu.do("GET", "/v1/messages/"+sent.ID, nil, &got); status != 200 || got.NoticeID != d.ID || got.HitID != "" {
			t.Fatalf("the owner reads the link: %d %+v", status, got)
		}
		var raw map[string]any
		if n.deu.do("POST", "/v1/messages", map[string]any{"to": []string{"ncb-fra"}, "subject": "No notice"}, &raw); raw["notice_id"] != nil {
			t.Fatalf("a message without a notice carries notice_id %v", raw["notice_id"])
		}
		// GBR may not see the diffusion: not found, naming the field, as
		// for a notice that does not exist.
		for _, id := range []string{d.ID, "999999"} {
			var e apiError
			if status := n.gbr.do("POST", "/v1/messages", map[string]any{"to": []string{"ncb-deu"}, "subject": "About it", "notice_id": id}, &e); status != http.StatusNotFound || e.Error.Field != "notice_id" {
				t.Errorf("GBR links notice %s: %d %+v", id, status, e)
			}
		}
		var e apiError
		if status := n.fra.do("POST", "/v1/messages", map[string]any{"to": []string{"ncb-deu"}, "subject": "About it", "notice_id": "-1"}, &e); status != http.StatusBadRequest || e.Error.Field != "notice_id" {
			t.Errorf("notice -1: %d %+v", status, e)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, tc := range []struct {
			recipients []string
			field      string
		}{{nil, "recipients"}, {[]string{"DEU"}, "recipients"}, {[]string{"FRA", "ZZZ"}, "recipients[1]"}} {
			b := redNotice(p.ID)
			b["recipients"] = tc.recipients
			var e apiError
			if status := n.deu.do("POST", "/v1/diffusions", b, &e); status != http.StatusBadRequest || e.Error.Field != tc.field {
				t.Errorf("%v: %d %+v", tc.recipients, status, e)
			}
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		b := redNotice(p.ID)
		b["recipients"] = []string{"ESP"}
		if status := n.fra.do("POST", "/v1/diffusions", b, nil); status != http.StatusForbidden {
			t.Fatalf("FRA diffuses on a German person: %d", status)
		}
		if status := n.sec.do("POST", "/v1/notices/"+d.ID+"/review", map[string]any{"decision": "publish", "checklist": fullChecklist}, nil); status != http.StatusConflict {
			t.Fatalf("review of a diffusion: %d", status)
		}
	})
}

func (n *network) mustScreening(t *testing.T, c *client, contentType, body string) screeningJob {
	t.Helper()
	var job screeningJob
	req, _ := http.NewRequest("POST", c.url+"/v1/screenings?reference=AF1234-2026-11-27", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&job); err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("start screening: %d %v", resp.StatusCode, err)
	}
	for i := 0; job.Status == "running" && i < 500; i++ {
		time.Sleep(10 * time.Millisecond)
		c.do("GET", "/v1/screenings/"+job.ID, nil, &job)
	}
	if job.Status != "done" {
		t.Fatalf("screening %+v", job)
	}
	return job
}

func TestScreening(t *testing.T) {
	n := mustNetwork(t)
	p := n.mustPerson(t, n.deu, map[string]any{"name": "Ahmed Hassan Al-Rawi", "aliases": []string{"أحمد حسن الراوي"}, "date_of_birth": "1980-05-01", "sex": "M",
		"nationalities": []string{"IRQ"}, "identity_documents": []map[string]any{{"number": "A1234567", "issuing_country": "IRQ"}}})
	red := n.mustNotice(t, n.deu, "/v1/notices", redNotice(p.ID))
	if status := n.sec.do("POST", "/v1/notices/"+red.ID+"/review", map[string]any{"decision": "publish", "checklist": fullChecklist}, nil); status != 200 {
		t.Fatalf("publish: %d", status)
	}
	noNotice := n.mustPerson(t, n.deu, map[string]any{"name": "John Smith", "date_of_birth": "1970-01-01"})
	n.mustDocument(t, n.deu, map[string]any{"number": "C01X00T47", "issuing_country": "DEU", "type": "passport", "status": "stolen"})
	manifest := "name,date_of_birth,nationality,document_number,document_country\n" +
		"\"AL RAWI, Ahmed Hassan\",1980-05-01,IRQ,X9999999,IRQ\n" + // person with a published notice
		"John Smith,1970-01-01,GBR,,\n" + // a person without a notice: clear
		"Maria Muster,1990-02-03,DEU,C01X00T47,DEU\n" + // a stolen passport
		"Ali Hassan,1980-13-01,IRQ,,\n" + // a bad date
		"Someone Else,1985,IRQ,A1234567,IRQ\n" + // the wanted person's passport under another name
		"Erika Mustermann,1964-08-12,DEU,T22000129,DEU\n" // clear

	results := func(t *testing.T, c *client, id string) map[int]map[string]any {
		var lines []map[string]any
		if status := doNDJSON(c, "GET", "/v1/screenings/"+id+"/results", "", "", &lines); status != 200 {
			t.Fatalf("results: %d", status)
		}
		byLine := map[int]map[string]any{}
		for _, l := range lines {
			byLine[int(l["line"].(float64))] = l
		}
		return byLine
	}
	t.Run("CSV", func(t *testing.T) {
		job := n.mustScreening(t, n.fra, "text/csv", manifest)
		if job.Total != 6 || job.Done != 6 || job.Hits != 3 || job.Invalid != 1 {
			t.Fatalf("%+v", job)
		}
		byLine := results(t, n.fra, job.ID)
		if len(byLine) != 4 || byLine[2]["outcome"] != "hit" || byLine[4]["outcome"] != "hit" || byLine[6]["outcome"] != "hit" || byLine[5]["outcome"] != "invalid" {
			t.Fatalf("%v", byLine)
		}
		if e := byLine[5]["error"].(map[string]any); e["field"] != "date_of_birth" {
			t.Fatalf("bad line: %v", e)
		}
		hit := byLine[2]["persons"].([]any)[0].(map[string]any)
		if hit["person_id"] != p.ID || hit["hit_id"] == "" || len(hit["notices"].([]any)) != 1 {
			t.Fatalf("person hit %v", hit)
		}
		if status := n.deu.do("GET", "/v1/hits/"+hit["hit_id"].(string), nil, nil); status != 200 {
			t.Fatalf("owner cannot see the screening hit: %d", status)
		}
		doc := byLine[4]["documents"].([]any)[0].(map[string]any)
		if doc["match"] != "exact" || doc["hit_id"] == "" {
			t.Fatalf("document hit %v", doc)
		}
		if byLine[6]["persons"].([]any)[0].(map[string]any)["person_id"] != p.ID {
			t.Fatalf("passport of a wanted person not found: %v", byLine[6])
		}
		var audit struct {
			Entries []struct{ Object, Detail string } `json:"entries"`
		}
		n.sec.do("GET", "/v1/audit?action=screenings.match", nil, &audit)
		if len(audit.Entries) != 3 {
			t.Fatalf("screening hits in the audit trail: %+v", audit)
		}
		_ = noNotice
	})
	t.Run("ErrOtherCountry", func(t *testing.T) {
		job := n.mustScreening(t, n.fra, "application/x-ndjson", `{"name": "Ahmed Hassan Al Rawi", "date_of_birth": "1980"}`+"\n")
		if status := n.gbr.do("GET", "/v1/screenings/"+job.ID, nil, nil); status != http.StatusNotFound {
			t.Fatalf("GBR reads a French screening: %d", status)
		}
		var lines []map[string]any
		if status := doNDJSON(n.gbr, "GET", "/v1/screenings/"+job.ID+"/results", "", "", &lines); status != http.StatusNotFound {
			t.Fatalf("GBR reads French results: %d", status)
		}
		if status := n.fraBorder.do("POST", "/v1/screenings", "name\nX\n", nil); status != http.StatusForbidden {
			t.Fatalf("agency without persons:search: %d", status)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		var e apiError
		if status := n.fra.do("POST", "/v1/screenings", "name,colour\nX,red\n", &e); status != http.StatusBadRequest || e.Error.Field != "colour" {
			t.Fatalf("unknown column: %d %+v", status, e)
		}
		if status := n.fra.do("POST", "/v1/screenings", "", &e); status != http.StatusBadRequest {
			t.Fatalf("empty list: %d %+v", status, e)
		}
	})
	t.Run("CancelledNoticeStopsMatching", func(t *testing.T) {
		if status := n.deu.do("POST", "/v1/notices/"+red.ID+"/cancel", map[string]any{"reason": "arrested"}, nil); status != 200 {
			t.Fatalf("cancel: %d", status)
		}
		job := n.mustScreening(t, n.fra, "text/csv", manifest)
		if job.Hits != 1 {
			t.Fatalf("after cancel: %+v %v", job, results(t, n.fra, job.ID))
		}
	})
	t.Run("CLI", func(t *testing.T) {
		dir := t.TempDir()
		in := filepath.Join(dir, "af1234.csv")
		os.WriteFile(in, []byte(manifest), 0o600)
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), &Env{Stdout: &stdout, Stderr: &stderr}, []string{"screen", "--server", n.m.URL, "--token", n.fra.token, "--poll", "10ms", in})
		if code != 1 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		var summary struct {
			Hits    int    `json:"hits"`
			Results string `json:"results"`
		}
		if err := json.Unmarshal(stdout.Bytes(), &summary); err != nil || summary.Hits != 1 {
			t.Fatalf("%q %v", stdout.String(), err)
		}
		data, err := os.ReadFile(filepath.Join(dir, "af1234.results.ndjson"))
		if err != nil || strings.Count(string(data), "\n") != 2 || !strings.Contains(string(data), `"C01X00T47"`) {
			t.Fatalf("result file %q %v", data, err)
		}
		if code := run(context.Background(), &Env{Stdout: &stdout, Stderr: &stderr}, []string{"screen", in}); code != 2 {
			t.Fatalf("usage error: %d", code)
		}
	})
}
