package main

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/lookout-network/lookout"
)

var (
	fpDecisionForm = regexp.MustCompile(`action="/fingerprints/searches/(s_[0-9a-f]+)/decisions"`)
	fpCandidateID  = regexp.MustCompile(`name="fingerprint_id" value="(\d+)">\s*<input type="hidden" name="position" value="(\d+)">`)
)

// fpCard returns the list item of the candidate whose id attribute is
// given (id="candidate-…"), or "".
func fpCard(body, id string) string {
	i := strings.Index(body, id)
	if i < 0 {
		return ""
	}
	card := body[i:]
	if j := strings.Index(card, "</li>"); j >= 0 {
		card = card[:j]
	}
	return card
}

func TestConsoleFingerprints(t *testing.T) {
	m, sec := MustConsoleNCBs(t)
	deu := screensClient(t, sec, "ncb-deu")
	mate := screensCreate(t, deu, "/v1/fingerprints", map[string]any{"reference": "BKA-AFIS-101", "template": mustTemplate(t, "101_1.iso")})
	for _, name := range []string{"102_1.iso", "103_1.iso"} {
		screensCreate(t, deu, "/v1/fingerprints", map[string]any{"reference": "BKA-AFIS-" + name[:3], "template": mustTemplate(t, name)})
	}
	// FRA may not see this one.
	screensCreate(t, deu, "/v1/fingerprints", map[string]any{"reference": "BKA-AFIS-104", "template": mustTemplate(t, "104_1.iso"), "restriction": map[string]any{"deny": []string{"FRA"}}})

	fra := MustOfficer(t, m, "ncb-fra", "marie", nil).MustSignIn(t)
	var searchID string

	t.Run("OK", func(t *testing.T) {
		status, body := fra.Get("/fingerprints")
		if status != http.StatusOK || !strings.Contains(body, `action="/fingerprints"`) || !strings.Contains(body, `enctype="multipart/form-data"`) {
			t.Fatalf("search page: %d %s", status, text(body))
		}
		screensNoMissing(t, body, "fingerprints.", "fingerprint.")
		status, body = screensUpload(fra, "/fingerprints", url.Values{"reference": {"PJ-2026-77"}}, "template", "101_2.iso", mustTemplate(t, "101_2.iso"))
		page := text(body)
		if status != http.StatusOK || !strings.Contains(page, "Rank 1 · BKA-AFIS-101") || !strings.Contains(page, "PJ-2026-77") || !strings.Contains(page, "ISO/IEC 19794-2:2005") {
			t.Fatalf("candidates: %d %s", status, page)
		}
		screensNoMissing(t, body, "fingerprints.", "fingerprint.")
		searchID = fpDecisionForm.FindStringSubmatch(body)[1]
		cands := fpCandidateID.FindAllStringSubmatch(body, -1)
		if len(cands) == 0 || cands[0][1] != mate {
			t.Fatalf("first candidate is not the mate %s: %v", mate, cands)
		}
		decisions := "/fingerprints/searches/" + searchID + "/decisions"

		// A decision needs its verdict.
		status, body = fra.Post(decisions, url.Values{"fingerprint_id": {mate}, "position": {cands[0][2]}, "note": {"12 points"}})
		if status != http.StatusBadRequest || !strings.Contains(text(body), "Choose identified, not identified or inconclusive") || !strings.Contains(body, "12 points") {
			t.Fatalf("no decision: %d %s", status, text(body))
		}
		if status, body := fra.Post(decisions, url.Values{"fingerprint_id": {mate}, "position": {cands[0][2]}, "decision": {"maybe"}}); status != http.StatusBadRequest || !strings.Contains(text(body), "maybe") {
			t.Fatalf("bad decision: %d %s", status, text(body))
		}
		status, body = fra.Post(decisions, url.Values{"fingerprint_id": {mate}, "position": {cands[0][2]}, "decision": {"identified"}, "note": {"12 points, confirmed by a second examiner"}})
		page = text(body)
		hit := regexp.MustCompile(`href="/hits/(\d+)"`).FindStringSubmatch(body)
		if status != http.StatusOK || !strings.Contains(page, "Identification recorded") || hit == nil || !strings.Contains(page, "second examiner") {
			t.Fatalf("identify: %d %s", status, page)
		}
		var h struct {
			Database     string `json:"database"`
			OwnerCountry string `json:"owner_country"`
		}
		if status := deu.do("GET", "/v1/hits/"+hit[1], nil, &h); status != http.StatusOK || h.Database != "fingerprints" || h.OwnerCountry != "DEU" {
			t.Fatalf("the owner's view of the hit: %d %+v", status, h)
		}
		if status, body := fra.Post(decisions, url.Values{"fingerprint_id": {mate}, "position": {cands[0][2]}, "decision": {"not_identified"}}); status != http.StatusConflict || !strings.Contains(text(body), "decided already") {
			t.Fatalf("deciding twice: %d %s", status, text(body))
		}
		if len(cands) < 2 {
			t.Fatalf("one candidate only: %v", cands)
		}
		// Inconclusive first: a third choice, no hit, and the candidate
		// keeps its form for a decision after better prints.
		second := `id="candidate-` + cands[1][1] + `-` + cands[1][2] + `"`
		if !strings.Contains(body, `id="inconclusive-`+cands[1][1]+`-`+cands[1][2]+`" name="decision" value="inconclusive"`) {
			t.Fatalf("no inconclusive choice: %s", body)
		}
		status, body = fra.Post(decisions, url.Values{"fingerprint_id": {cands[1][1]}, "position": {cands[1][2]}, "decision": {"inconclusive"}, "note": {"latent too smudged"}})
		card := fpCard(body, second)
		if status != http.StatusOK || !strings.Contains(text(body), "Recorded: inconclusive") || !strings.Contains(text(card), "Inconclusive") ||
			!strings.Contains(text(card), "latent too smudged") || strings.Contains(card, `href="/hits/`) || !fpCandidateID.MatchString(card) {
			t.Fatalf("inconclusive: %d %s", status, text(body))
		}
		screensNoMissing(t, body, "fingerprints.", "fingerprint.")
		status, body = fra.Post(decisions, url.Values{"fingerprint_id": {cands[1][1]}, "position": {cands[1][2]}, "decision": {"not_identified"}})
		if card := fpCard(body, second); status != http.StatusOK || !strings.Contains(text(body), "Recorded: not identified") || fpCandidateID.MatchString(card) || strings.Contains(text(card), "Inconclusive") {
			t.Fatalf("not identified after inconclusive: %d %s", status, text(body))
		}
		if status, body := fra.Post(decisions, url.Values{"fingerprint_id": {cands[1][1]}, "position": {cands[1][2]}, "decision": {"inconclusive"}}); status != http.StatusConflict || !strings.Contains(text(body), "decided already") {
			t.Fatalf("inconclusive after not identified: %d %s", status, text(body))
		}
		// The search is listed to come back to.
		if _, body := fra.Get("/fingerprints"); !strings.Contains(body, `href="/fingerprints/searches/`+searchID+`"`) {
			t.Fatalf("recent searches lack %s", searchID)
		}
	})
	t.Run("OKFromTheStore", func(t *testing.T) {
		// A second console over the same hub, as a second serve process or
		// this one after a restart: it has seen no search, so the list and
		// its decisions can only come from the store.
		second, err := m.console(m.handler, false)
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(second)
		defer srv.Close()
		again := &web{tb: t, url: srv.URL, client: fra.client} // the same session cookie
		status, body := again.Get("/fingerprints/searches/" + searchID)
		page := text(body)
		if status != http.StatusOK || !strings.Contains(page, "Rank 1 · BKA-AFIS-101") || !strings.Contains(page, "PJ-2026-77") ||
			!strings.Contains(page, "Identified: the same finger") || !strings.Contains(page, "second examiner") || !regexp.MustCompile(`href="/hits/\d+"`).MatchString(body) {
			t.Fatalf("the list on another console: %d %s", status, page)
		}
		for _, c := range fpCandidateID.FindAllStringSubmatch(body, -1) {
			if c[1] == mate {
				t.Fatalf("the identified mate is offered for a decision again")
			}
		}
		if _, body := again.Get("/fingerprints"); !strings.Contains(body, `href="/fingerprints/searches/`+searchID+`"`) {
			t.Fatalf("recent searches on another console lack %s", searchID)
		}
		other := MustOfficer(t, m, "ncb-fra", "paul", nil).MustSignIn(t)
		if status, _ := (&web{tb: t, url: srv.URL, client: other.client}).Get("/fingerprints/searches/" + searchID); status != http.StatusNotFound {
			t.Fatalf("a colleague reads marie's list: %d", status)
		}
	})
	t.Run("ErrOtherPerson", func(t *testing.T) {
		w := MustOfficer(t, m, "ncb-deu", "hanna", nil).MustSignIn(t)
		if status, _ := w.Get("/fingerprints/searches/" + searchID); status != http.StatusNotFound {
			t.Fatalf("DEU reads FRA's candidate list: %d", status)
		}
		w.Get("/fingerprints")
		if status, _ := w.Post("/fingerprints/searches/"+searchID+"/decisions", url.Values{"fingerprint_id": {mate}, "position": {"0"}, "decision": {"identified"}}); status != http.StatusNotFound {
			t.Fatalf("DEU decides on FRA's search: %d", status)
		}
	})
	t.Run("ErrRestricted", func(t *testing.T) {
		status, body := screensUpload(fra, "/fingerprints", nil, "template", "104_2.iso", mustTemplate(t, "104_2.iso"))
		if status != http.StatusOK || strings.Contains(body, "BKA-AFIS-104") || !fpDecisionForm.MatchString(body) && !strings.Contains(text(body), "No enrolled finger") {
			t.Fatalf("FRA finds a record denied to it: %d %s", status, text(body))
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		before := screensAudit(t, m, "fingerprints.search", "marie")
		truncated, err := os.ReadFile("../../../shared/data/fingerprints/invalid/fvc2004/DB_1B/101_1_truncate_1_byte.iso")
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name  string
			data  []byte
			form  url.Values
			field string
			want  string
		}{
			{"", nil, nil, "template", "Choose the template file"},
			{"damaged.iso", []byte("FMR\x00 020 damaged"), nil, "template", "cannot be read"},
			{"truncated.iso", truncated, nil, "template", "cannot be read"},
			{"photo.jpg", []byte("\xff\xd8\xff\xe0 JFIF"), nil, "template", "cannot be read"},
			{"101_3.iso", mustTemplate(t, "101_3.iso"), url.Values{"position": {"7"}}, "position", "no finger at position 7"},
		} {
			status, body := screensUpload(fra, "/fingerprints", tc.form, "template", tc.name, tc.data)
			if page := text(body); status != http.StatusBadRequest || !strings.Contains(body, `class="field-error"`) || !strings.Contains(page, tc.want) {
				t.Errorf("%s: %d, want 400 naming %s: %s", tc.name, status, tc.field, page)
			}
		}
		if after := screensAudit(t, m, "fingerprints.search", "marie"); after != before {
			t.Fatalf("refused searches were logged: %d -> %d", before, after)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		w := MustOfficer(t, m, "ncb-fra", "jules", []lookout.Grant{lookout.GrantDocumentsCheck, lookout.GrantFingerprintsWrite}).MustSignIn(t)
		if _, home := w.Get("/"); strings.Contains(home, `href="/fingerprints"`) {
			t.Fatalf("menu shows Fingerprints without fingerprints:search")
		}
		if status, body := w.Get("/fingerprints"); status != http.StatusForbidden || !strings.Contains(text(body), "fingerprints:search") {
			t.Fatalf("GET /fingerprints without the grant: %d %s", status, text(body))
		}
		if status, _ := screensUpload(w, "/fingerprints", nil, "template", "101_2.iso", mustTemplate(t, "101_2.iso")); status != http.StatusForbidden {
			t.Fatalf("POST /fingerprints without the grant: %d", status)
		}
		if status, _ := w.Post("/fingerprints/searches/"+searchID+"/decisions", url.Values{"fingerprint_id": {mate}, "position": {"0"}, "decision": {"identified"}}); status != http.StatusForbidden {
			t.Fatalf("decision without the grant: %d", status)
		}
	})
}
