package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/lookout-network/lookout"
)

// screensClient returns an API client for an agency that exists already,
// with a fresh token the secretariat issues.
func screensClient(tb testing.TB, sec *client, agencyID string) *client {
	tb.Helper()
	var out struct {
		Token string `json:"token"`
	}
	if status := sec.do("POST", "/v1/agencies/"+agencyID+"/tokens", nil, &out); status != http.StatusCreated || out.Token == "" {
		tb.Fatalf("token for %s: %d", agencyID, status)
	}
	return &client{tb: tb, url: sec.url, token: out.Token}
}

// screensCreate posts body to path through the API and returns the
// created record's ID.
func screensCreate(tb testing.TB, c *client, path string, body map[string]any) string {
	tb.Helper()
	var out struct {
		ID string `json:"id"`
	}
	var e apiError
	if status := c.do("POST", path, body, &out); status != http.StatusCreated {
		c.do("POST", path, body, &e)
		tb.Fatalf("POST %s: %d %+v", path, status, e)
	}
	return out.ID
}

// countAudit counts the audit entries of an action by a console account.
func screensAudit(tb testing.TB, m *Main, action, account string) int {
	tb.Helper()
	entries, err := m.hub.AuditEntries(lookout.NewContext(context.Background(), mustCaller(tb, m, "secretariat")), lookout.AuditFilter{Action: action, Account: account, Limit: 1000})
	if err != nil {
		tb.Fatal(err)
	}
	return len(entries)
}

// screensNoMissing fails when a page shows a catalogue key that has
// no string.
func screensNoMissing(tb testing.TB, body string, prefixes ...string) {
	tb.Helper()
	for _, p := range prefixes {
		if i := strings.Index(body, "["+p); i >= 0 {
			tb.Errorf("missing string: %s", body[i:min(len(body), i+60)])
		}
	}
}

func TestConsolePersons(t *testing.T) {
	m, sec := MustConsoleNCBs(t)
	deu := screensClient(t, sec, "ncb-deu")
	petrov := screensCreate(t, deu, "/v1/persons", wanted)
	// Only FRA may not see this one.
	hidden := screensCreate(t, deu, "/v1/persons", map[string]any{"name": "Vladimir Petrowski", "date_of_birth": "1975", "sex": "M", "distinguishing_marks": "tattoo of an anchor", "restriction": map[string]any{"deny": []string{"FRA"}}})
	red := screensCreate(t, deu, "/v1/notices", redNotice(petrov))
	if status := sec.do("POST", "/v1/notices/"+red+"/review", map[string]any{"decision": "publish", "checklist": fullChecklist, "reasons": "meets Arts 82-83"}, nil); status != http.StatusOK {
		t.Fatalf("publish: %d", status)
	}
	// A yellow notice the secretariat has not reviewed yet.
	yellow := screensCreate(t, deu, "/v1/notices", map[string]any{"person_id": petrov, "type": "yellow", "summary": "Missing since 2026-01-05, last seen in Rostock"})
	redHidden := screensCreate(t, deu, "/v1/notices", redNotice(hidden))
	if status := sec.do("POST", "/v1/notices/"+redHidden+"/review", map[string]any{"decision": "publish", "checklist": fullChecklist}, nil); status != http.StatusOK {
		t.Fatalf("publish: %d", status)
	}

	fra := MustOfficer(t, m, "ncb-fra", "marie", nil).MustSignIn(t)

	t.Run("OK", func(t *testing.T) {
		status, body := fra.Get("/persons")
		if status != http.StatusOK || !strings.Contains(body, `action="/persons"`) || !strings.Contains(body, `href="/persons" aria-current="page"`) {
			t.Fatalf("search page: %d %s", status, text(body))
		}
		status, body = fra.Post("/persons", url.Values{"name": {"PETROV, Vladimir"}, "date_of_birth": {"1975-03-14"}, "sex": {"M"}})
		page := text(body)
		if status != http.StatusOK || !strings.Contains(body, `href="/persons/`+petrov+`"`) || !strings.Contains(page, "Владимир Петров") {
			t.Fatalf("search: %d %s", status, page)
		}
		for _, want := range []string{"Match", "another order", "Date of birth agrees", "Sex agrees", "Red", "published", `href="/notices/` + red + `"`, `href="/hits/`} {
			if !strings.Contains(page, want) && !strings.Contains(body, want) {
				t.Errorf("results lack %q:\n%s", want, page)
			}
		}
		if strings.Contains(body, `href="/notices/`+yellow+`"`) {
			t.Errorf("FRA sees a notice that is not published yet")
		}
		screensNoMissing(t, body, "persons.", "notices.", "notice.")

		// Another script, another spelling.
		_, body = fra.Post("/persons", url.Values{"name": {"Владимир Петров"}})
		if !strings.Contains(body, `href="/persons/`+petrov+`"`) || !strings.Contains(text(body), "same part") {
			t.Fatalf("Cyrillic search: %s", text(body))
		}
		_, body = fra.Post("/persons", url.Values{"name": {"Wladimir Petrov"}, "date_of_birth": {"1976-03-14"}})
		if page := text(body); !strings.Contains(body, `href="/persons/`+petrov+`"`) || !strings.Contains(page, "year is one off") {
			t.Fatalf("spelling search: %s", page)
		}

		status, body = fra.Get("/persons/" + petrov)
		if page := text(body); status != http.StatusOK || !strings.Contains(page, "Владимир Петров") || !strings.Contains(page, "C01X00T47") || !strings.Contains(body, `href="/notices/`+red+`"`) || strings.Contains(body, `href="/notices/`+yellow+`"`) {
			t.Fatalf("person page: %d %s", status, page)
		}
		screensNoMissing(t, body, "persons.", "person.", "notices.")
	})
	t.Run("ErrRestricted", func(t *testing.T) {
		_, body := fra.Post("/persons", url.Values{"name": {"Vladimir Petrowski"}})
		if strings.Contains(body, `href="/persons/`+hidden+`"`) || strings.Contains(body, ">Vladimir Petrowski<") {
			t.Fatalf("FRA finds a person denied to it: %s", text(body))
		}
		if status, _ := fra.Get("/persons/" + hidden); status != http.StatusNotFound {
			t.Fatalf("FRA reads a person denied to it: %d", status)
		}
		if status, _ := fra.Get("/notices/" + redHidden); status != http.StatusNotFound {
			t.Fatalf("FRA reads the notice of a person denied to it: %d", status)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		before := screensAudit(t, m, "persons.search", "marie")
		for _, tc := range []struct {
			form url.Values
			want string
		}{
			{url.Values{"name": {""}, "date_of_birth": {"1975"}}, "Type the name"},
			{url.Values{"name": {"Jean Dupont"}, "date_of_birth": {"14.03.1975"}}, "date_of_birth"},
			{url.Values{"name": {"Jean Dupont"}, "nationality": {"Frankreich"}}, "nationality"},
			{url.Values{"name": {"Jean Dupont"}, "sex": {"Z"}}, "sex"},
		} {
			status, body := fra.Post("/persons", tc.form)
			if status != http.StatusBadRequest || !strings.Contains(body, `class="field-error"`) || !strings.Contains(text(body), tc.want) {
				t.Errorf("%v: %d, want 400 naming %q: %s", tc.form, status, tc.want, text(body))
			}
		}
		if after := screensAudit(t, m, "persons.search", "marie"); after != before {
			t.Fatalf("refused searches were logged as searches: %d -> %d", before, after)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		w := MustOfficer(t, m, "ncb-fra", "jules", []lookout.Grant{lookout.GrantDocumentsCheck}).MustSignIn(t)
		_, home := w.Get("/")
		if strings.Contains(home, `href="/persons"`) {
			t.Fatalf("menu shows Persons without persons:search")
		}
		if status, body := w.Get("/persons"); status != http.StatusForbidden || !strings.Contains(text(body), "persons:search") {
			t.Fatalf("GET /persons without the grant: %d %s", status, text(body))
		}
		if status, _ := w.Post("/persons", url.Values{"name": {"Vladimir Petrov"}}); status != http.StatusForbidden {
			t.Fatalf("POST /persons without the grant: %d", status)
		}
		if status, _ := w.Get("/persons/" + petrov); status != http.StatusForbidden {
			t.Fatalf("person page without a persons grant: %d", status)
		}
		if status, _ := w.Get("/notices"); status != http.StatusForbidden {
			t.Fatalf("notices without a grant: %d", status)
		}
		if status, _ := w.Get("/persons/new"); status != http.StatusForbidden {
			t.Fatalf("new person without persons:write: %d", status)
		}
		if status, _ := w.Post("/persons/new", url.Values{"name": {"Jean Dupont"}}); status != http.StatusForbidden {
			t.Fatalf("person created without persons:write: %d", status)
		}
	})
	t.Run("Notices", func(t *testing.T) {
		status, body := fra.Get("/notices?type=red")
		if status != http.StatusOK || !strings.Contains(body, `href="/notices/`+red+`"`) || strings.Contains(body, `href="/notices/`+yellow+`"`) {
			t.Fatalf("FRA's notices: %d %s", status, text(body))
		}
		if _, body := fra.Get("/notices?type=yellow"); strings.Contains(body, `href="/notices/`+red+`"`) {
			t.Fatalf("type filter ignored")
		}
		if _, body := fra.Get("/notices"); strings.Contains(body, `href="/notices/`+redHidden+`"`) {
			t.Fatalf("FRA lists the notice of a person denied to it")
		}
		if status, body := fra.Get("/notices?type=pink"); status != http.StatusBadRequest || !strings.Contains(text(body), "pink") {
			t.Fatalf("bad type: %d", status)
		}
		if status, _ := fra.Get("/notices/" + yellow); status != http.StatusNotFound {
			t.Fatalf("FRA reads a requested notice: %d", status)
		}
		status, body = fra.Get("/notices/" + red)
		if page := text(body); status != http.StatusOK || !strings.Contains(page, "armed robbery") || !strings.Contains(page, "Secretariat's review") || strings.Contains(body, "/review\"") || strings.Contains(body, "/cancel\"") {
			t.Fatalf("FRA's view of the red notice: %d %s", status, page)
		}
		screensNoMissing(t, body, "notice.", "notices.")
		// Not the secretariat: the hub refuses the review.
		if status, _ := fra.Post("/notices/"+yellow+"/review", url.Values{"decision": {"publish"}}); status != http.StatusNotFound && status != http.StatusForbidden {
			t.Fatalf("FRA reviews: %d", status)
		}
	})
	t.Run("Review", func(t *testing.T) {
		w := MustOfficer(t, m, "secretariat", "ines", nil).MustSignIn(t)
		status, body := w.Get("/notices?status=requested")
		if status != http.StatusOK || !strings.Contains(body, `href="/notices/`+yellow+`"`) {
			t.Fatalf("secretariat's queue: %d %s", status, text(body))
		}
		status, body = w.Get("/notices/" + yellow)
		if status != http.StatusOK || !strings.Contains(body, `action="/notices/`+yellow+`/review"`) || !strings.Contains(body, `value="neutrality"`) {
			t.Fatalf("review form: %d %s", status, text(body))
		}
		// A publish with a check not ticked is refused, naming the check.
		status, body = w.Post("/notices/"+yellow+"/review", url.Values{"decision": {"publish"}, "checklist": {"neutrality", "data_quality"}})
		if status != http.StatusBadRequest || !strings.Contains(text(body), "human_rights") || !strings.Contains(body, `class="field-error"`) {
			t.Fatalf("publish with a check missing: %d %s", status, text(body))
		}
		if status, body := w.Post("/notices/"+yellow+"/review", url.Values{"decision": {"refuse"}}); status != http.StatusBadRequest || !strings.Contains(text(body), "reasons") {
			t.Fatalf("refuse without reasons: %d %s", status, text(body))
		}
		var got notice
		deu.do("GET", "/v1/notices/"+yellow, nil, &got)
		if got.Status != "requested" {
			t.Fatalf("a refused attempt changed the notice: %+v", got)
		}
		status, body = w.Post("/notices/"+yellow+"/review", url.Values{"decision": {"publish"}, "checklist": {"neutrality", "human_rights", "data_quality"}, "reasons": {"missing person, family consent"}})
		if page := text(body); status != http.StatusOK || !strings.Contains(page, "The notice is published") || !strings.Contains(page, "family consent") {
			t.Fatalf("publish: %d %s", status, page)
		}
		deu.do("GET", "/v1/notices/"+yellow, nil, &got)
		if got.Status != "published" || got.Review == nil || !got.Review.Checklist["human_rights"] {
			t.Fatalf("after publishing: %+v", got)
		}
		if _, body := fra.Get("/notices/" + yellow); !strings.Contains(text(body), "Rostock") {
			t.Fatalf("FRA does not see the published notice")
		}
	})
	t.Run("Owner", func(t *testing.T) {
		if status, _ := fra.Post("/notices/"+yellow+"/cancel", url.Values{"reason": {"not ours"}}); status != http.StatusForbidden {
			t.Fatalf("FRA cancels a German notice: %d", status)
		}
		if _, body := fra.Get("/persons/" + petrov); strings.Contains(body, `action="/persons/`+petrov+`/notices"`) {
			t.Fatalf("FRA is offered a notice on a German person")
		}
		if status, _ := fra.Post("/persons/"+petrov+"/notices", url.Values{"kind": {"notice"}, "type": {"blue"}, "summary": {"whereabouts"}}); status != http.StatusForbidden {
			t.Fatalf("FRA asks a notice on a German person: %d", status)
		}
		w := MustOfficer(t, m, "ncb-deu", "hanna", nil).MustSignIn(t)
		status, body := w.Get("/persons/" + petrov)
		if status != http.StatusOK || !strings.Contains(body, `action="/persons/`+petrov+`/notices"`) {
			t.Fatalf("owner's request form: %d %s", status, text(body))
		}
		var list struct {
			Notices []notice `json:"notices"`
		}
		deu.do("GET", "/v1/notices?person_id="+petrov, nil, &list)
		before := len(list.Notices)
		red := url.Values{"kind": {"notice"}, "type": {"red"}, "summary": {"Fraud in Bremen, 2026"}, "offence": {"fraud (StGB §263)"}, "purpose": {"prosecution"}, "penalty_years": {"10"}, "arrest_warrant": {"AG Bremen 9 Gs 3/26"}}
		for _, tc := range []struct {
			change url.Values
			field  string
			want   string
		}{
			{url.Values{"arrest_warrant": {""}}, "arrest_warrant", "arrest_warrant"},
			{url.Values{"penalty_years": {"two"}}, "penalty_years", "not a number"},
			{url.Values{"penalty_years": {"1"}}, "penalty_years", "at least 2 years"},
			{url.Values{"summary": {""}}, "summary", "summary is required"},
			{url.Values{"recipients": {"AUT"}}, "recipients", "only for a diffusion"},
			{url.Values{"kind": {"diffusion"}, "recipients": {"QQQ"}}, "recipients[0]", "QQQ"},
		} {
			form := url.Values{}
			for k, v := range red {
				form[k] = v
			}
			for k, v := range tc.change {
				form[k] = v
			}
			status, body := w.Post("/persons/"+petrov+"/notices", form)
			if status != http.StatusBadRequest || !strings.Contains(text(body), tc.want) || !strings.Contains(body, "Fraud in Bremen") && tc.field != "summary" {
				t.Errorf("%v: %d, want 400 naming %s: %s", tc.change, status, tc.field, text(body))
			}
		}
		deu.do("GET", "/v1/notices?person_id="+petrov, nil, &list)
		if len(list.Notices) != before {
			t.Fatalf("refused requests stored notices: %d -> %d", before, len(list.Notices))
		}
		status, body = w.Post("/persons/"+petrov+"/notices", red)
		if page := text(body); status != http.StatusOK || !strings.Contains(page, "The notice is requested") || !strings.Contains(page, "fraud (StGB §263)") {
			t.Fatalf("request: %d %s", status, page)
		}
		status, body = w.Post("/persons/"+petrov+"/notices", url.Values{"kind": {"diffusion"}, "type": {"blue"}, "summary": {"Locate: may travel to Paris"}, "recipients": {"fra"}})
		if page := text(body); status != http.StatusOK || !strings.Contains(page, "The diffusion is sent") || !strings.Contains(page, "FRA") {
			t.Fatalf("diffusion: %d %s", status, page)
		}
		if _, body := fra.Get("/notices?kind=diffusion"); !strings.Contains(text(body), "may travel to Paris") {
			t.Fatalf("FRA does not see the diffusion sent to it")
		}

		status, body = w.Get("/notices/" + yellow)
		if status != http.StatusOK || !strings.Contains(body, `action="/notices/`+yellow+`/cancel"`) {
			t.Fatalf("owner's cancel form: %d %s", status, text(body))
		}
		status, body = w.Post("/notices/"+yellow+"/cancel", url.Values{"reason": {"found safe in Lübeck"}})
		if page := text(body); status != http.StatusOK || !strings.Contains(page, "The notice is cancelled") || !strings.Contains(page, "found safe in Lübeck") {
			t.Fatalf("cancel: %d %s", status, page)
		}
		if status, body := w.Post("/notices/"+yellow+"/cancel", url.Values{"reason": {"again"}}); status != http.StatusConflict {
			t.Fatalf("cancelling twice: %d %s", status, text(body))
		}
	})
	t.Run("Create", func(t *testing.T) {
		w := MustOfficer(t, m, "ncb-deu", "kurt", nil).MustSignIn(t)
		if status, body := w.Get("/persons"); status != http.StatusOK || !strings.Contains(body, `href="/persons/new"`) {
			t.Fatalf("no link to record a person: %d", status)
		}
		status, body := w.Get("/persons/new")
		if status != http.StatusOK || !strings.Contains(body, `action="/persons/new"`) {
			t.Fatalf("form: %d %s", status, text(body))
		}
		screensNoMissing(t, body, "person.", "persons.")
		var list struct {
			Persons []person `json:"persons"`
		}
		deu.do("GET", "/v1/persons", nil, &list)
		before := len(list.Persons)
		good := url.Values{"name": {"Иван Сидоров"}, "name_latin": {"Ivan Sidorov"}, "aliases": {"Vanya Sidorov\nI. Sidorov"}, "date_of_birth": {"1980-07"}, "sex": {"M"},
			"nationalities": {"rus, blr"}, "doc_number": {"c01x00t99"}, "doc_country": {"deu"}, "doc_type": {"passport"}, "deny": {"FRA"}, "reference": {"BKA-P-7"}}
		for _, tc := range []struct {
			change url.Values
			field  string
			want   string
		}{
			{url.Values{"name": {""}}, "name", "name is required"},
			{url.Values{"date_of_birth": {"1980-13"}}, "date_of_birth", "1980-13"},
			{url.Values{"nationalities": {"RUS, QQQ"}}, "nationalities", "QQQ"},
			{url.Values{"doc_number": {"12<34"}}, "identity_documents", "12<34"},
			{url.Values{"deny": {"DEU"}}, "restriction", "cannot deny itself"},
			{url.Values{"allow": {"AUT"}}, "restriction", "not both"},
		} {
			form := url.Values{}
			for k, v := range good {
				form[k] = v
			}
			for k, v := range tc.change {
				form[k] = v
			}
			status, body := w.Post("/persons/new", form)
			if status != http.StatusBadRequest || !strings.Contains(text(body), tc.want) || !strings.Contains(body, `class="field-error"`) {
				t.Errorf("%v: %d, want 400 naming %s: %s", tc.change, status, tc.field, text(body))
			}
		}
		deu.do("GET", "/v1/persons", nil, &list)
		if len(list.Persons) != before {
			t.Fatalf("refused forms stored persons: %d -> %d", before, len(list.Persons))
		}
		status, body = w.Post("/persons/new", good)
		page := text(body)
		if status != http.StatusOK || !strings.Contains(page, "The person is recorded") || !strings.Contains(page, "Иван Сидоров") || !strings.Contains(page, "DEU C01X00T99") || !strings.Contains(page, "RUS, BLR") {
			t.Fatalf("create: %d %s", status, page)
		}
		if status, body := w.Post("/persons/new", good); status != http.StatusConflict || !strings.Contains(text(body), "BKA-P-7") {
			t.Fatalf("reference taken: %d %s", status, text(body))
		}
		_, body = w.Post("/persons", url.Values{"name": {"Ivan Sidorov"}})
		if !strings.Contains(text(body), "Иван Сидоров") {
			t.Fatalf("the owner does not find the new person: %s", text(body))
		}
		if _, body := fra.Post("/persons", url.Values{"name": {"Ivan Sidorov"}}); strings.Contains(text(body), "Иван Сидоров") {
			t.Fatalf("FRA finds a person denied to it")
		}
	})
}
