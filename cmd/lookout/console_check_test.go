package main

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/lookout-network/lookout"
)

// MustTokenClient issues a fresh API token for an agency (as the
// secretariat) and returns its client.
func MustTokenClient(tb testing.TB, sec *client, agencyID string) *client {
	tb.Helper()
	var out struct {
		Token string `json:"token"`
	}
	if status := sec.do("POST", "/v1/agencies/"+agencyID+"/tokens", nil, &out); status != http.StatusCreated || out.Token == "" {
		tb.Fatalf("token for %s: %d", agencyID, status)
	}
	return &client{tb: tb, url: sec.url, token: out.Token}
}

// The ICAO specimen passport (Doc 9303 Part 4), valid, and with its
// document-number check digit misprinted as 5 (computed 6); the composite
// digit covers it and goes wrong too.
const (
	mrzSpecimen         = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
	mrzSpecimenBadDigit = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C35UTO7408122F1204159ZE184226B<<<<<10"
)

var checkHitLink = regexp.MustCompile(`href="/hits/(\d+)"`)

func TestConsoleCheck(t *testing.T) {
	m, sec := MustConsoleNCBs(t)
	deu := MustTokenClient(t, sec, "ncb-deu")
	// Germany records a stolen passport, and one it hides from France.
	if status := deu.do("POST", "/v1/documents", map[string]any{"number": "C01X00T47", "issuing_country": "DEU", "type": "passport", "status": "stolen", "remarks": "stolen in Köln"}, nil); status != http.StatusCreated {
		t.Fatalf("record the German passport: %d", status)
	}
	if status := deu.do("POST", "/v1/documents", map[string]any{"number": "C01X00H1D", "issuing_country": "DEU", "type": "passport", "status": "stolen", "restriction": map[string]any{"deny": []string{"FRA"}}}, nil); status != http.StatusCreated {
		t.Fatalf("record the hidden passport: %d", status)
	}
	if status := deu.do("POST", "/v1/documents", map[string]any{"number": "Z0001000", "number_to": "Z0001999", "issuing_country": "DEU", "type": "passport", "status": "stolen_blank"}, nil); status != http.StatusCreated {
		t.Fatalf("record the stolen blanks: %d", status)
	}
	w := MustOfficer(t, m, "ncb-fra", "border.marie", nil).MustSignIn(t)

	t.Run("OKHitByNumber", func(t *testing.T) {
		status, body := w.Get("/check")
		if status != http.StatusOK || !strings.Contains(body, `name="number"`) || !strings.Contains(body, `class="mrz mono"`) || !strings.Contains(body, `href="/check" aria-current="page"`) {
			t.Fatalf("check form: %d\n%s", status, body)
		}
		status, body = w.Post("/check", url.Values{"by": {"number"}, "number": {"c01x00t47"}, "issuing_country": {"deu"}, "urgent": {"1"}})
		txt := text(body)
		if status != http.StatusOK || !strings.Contains(body, `class="badge big hit"`) || !strings.Contains(txt, "HIT This document is recorded") {
			t.Fatalf("check: %d %s", status, txt)
		}
		recordsAllStrings(t, body)
		for _, want := range []string{"Exact match", "C01X00T47", "Passport", "Stolen", "stolen in Köln", "Recorded by DEU", "Urgent"} {
			if !strings.Contains(txt, want) {
				t.Errorf("the hit lacks %q: %s", want, txt)
			}
		}
		// The form keeps what was typed, to correct a character.
		if !strings.Contains(body, `value="c01x00t47"`) || !strings.Contains(body, `value="deu"`) {
			t.Errorf("the form lost the number or the country")
		}
		link := checkHitLink.FindStringSubmatch(body)
		if link == nil {
			t.Fatalf("no link to the case: %s", txt)
		}
		// The link is to the case the check opened, which Germany sees.
		var hc struct {
			ID     string `json:"id"`
			Urgent bool   `json:"urgent"`
		}
		if status := deu.do("GET", "/v1/hits/"+link[1], nil, &hc); status != http.StatusOK || hc.ID != link[1] || !hc.Urgent {
			t.Errorf("the hit %s seen by Germany: %d %+v", link[1], status, hc)
		}
	})
	t.Run("OKNoHit", func(t *testing.T) {
		status, body := w.Post("/check", url.Values{"by": {"number"}, "number": {"C01X99Z99"}, "issuing_country": {"DEU"}})
		txt := text(body)
		if status != http.StatusOK || !strings.Contains(body, `class="badge big no_hit"`) || !strings.Contains(txt, "NO HIT") || checkHitLink.MatchString(body) {
			t.Fatalf("no-hit check: %d %s", status, txt)
		}
	})
	t.Run("OKInStolenBatch", func(t *testing.T) {
		status, body := w.Post("/check", url.Values{"by": {"number"}, "number": {"Z0001500"}, "issuing_country": {"DEU"}})
		txt := text(body)
		if status != http.StatusOK || !strings.Contains(body, `class="badge big hit"`) || !strings.Contains(txt, "In a stolen batch Z0001000 – Z0001999") ||
			!strings.Contains(txt, "Stolen blank") || !checkHitLink.MatchString(body) {
			t.Fatalf("a number in a stolen batch: %d %s", status, txt)
		}
	})
	t.Run("OKSimilarIsPossible", func(t *testing.T) {
		// An OCR slip: O read for 0.
		status, body := w.Post("/check", url.Values{"by": {"number"}, "number": {"CO1X00T47"}, "issuing_country": {"DEU"}})
		txt := text(body)
		if status != http.StatusOK || !strings.Contains(body, `class="badge big possible"`) || !strings.Contains(txt, "Similar") || !checkHitLink.MatchString(body) {
			t.Fatalf("similar check: %d %s", status, txt)
		}
	})
	t.Run("OKRestrictedRecordDoesNotLeak", func(t *testing.T) {
		status, body := w.Post("/check", url.Values{"by": {"number"}, "number": {"C01X00H1D"}, "issuing_country": {"DEU"}})
		if status != http.StatusOK || !strings.Contains(body, `class="badge big no_hit"`) || strings.Contains(body, "C01X00H1D</dd>") {
			t.Fatalf("a record hidden from France: %d %s", status, text(body))
		}
	})
	t.Run("OKValidMRZ", func(t *testing.T) {
		status, body := w.Post("/check", url.Values{"by": {"mrz"}, "mrz": {mrzSpecimen}})
		txt := text(body)
		if status != http.StatusOK || !strings.Contains(txt, "MRZ valid") || strings.Contains(body, "bad-digit\">") || strings.Contains(txt, "wrong:") {
			t.Fatalf("valid MRZ: %d %s", status, txt)
		}
		recordsAllStrings(t, body)
		for _, want := range []string{"Layout: TD3", "Surname ERIKSSON", "Given names ANNA MARIA", "Document number L898902C3", "Date of birth 740812", "specimen"} {
			if !strings.Contains(txt, want) {
				t.Errorf("the MRZ report lacks %q: %s", want, txt)
			}
		}
	})
	t.Run("ErrInvalidCheckDigit", func(t *testing.T) {
		status, body := w.Post("/check", url.Values{"by": {"mrz"}, "mrz": {mrzSpecimenBadDigit}})
		txt := text(body)
		if status != http.StatusOK || !strings.Contains(txt, "MRZ has errors") {
			t.Fatalf("MRZ with a bad digit: %d %s", status, txt)
		}
		recordsAllStrings(t, body)
		// The document-number digit is marked, in words, not colour alone.
		if !regexp.MustCompile(`(?s)<th scope="row">Document number</th>\s*<td class="num mono bad-digit">5</td>\s*<td class="num mono">6</td>\s*<td><span class="bad-digit">✗ wrong: printed 5, computed 6</span>`).MatchString(body) {
			t.Errorf("the document-number check digit is not marked wrong:\n%s", body)
		}
		// The composite digit goes wrong with it; birth and expiry stay right.
		if n := strings.Count(body, `<span class="bad-digit">✗ wrong: printed`); n != 2 {
			t.Errorf("%d digits marked wrong, want 2 (document number and composite)", n)
		}
		if n := strings.Count(body, `<span class="good-digit">✓ right</span>`); n != 3 {
			t.Errorf("%d digits marked right, want 3 (birth, expiry, optional data)", n)
		}
		// The zone stays in the box to be corrected.
		if !strings.Contains(body, "L898902C35UTO7408122F1204159ZE184226B&lt;&lt;&lt;&lt;&lt;10</textarea>") {
			t.Errorf("the MRZ is not kept in its box")
		}
	})
	t.Run("ErrUnreadableMRZ", func(t *testing.T) {
		short := strings.Replace(mrzSpecimen, "<<<<<10", "<<<<10", 1)
		status, body := w.Post("/check", url.Values{"by": {"mrz"}, "mrz": {short}})
		txt := text(body)
		if status != http.StatusBadRequest || !strings.Contains(body, `id="mrz" name="mrz"`) || !strings.Contains(txt, "mrz cannot be read") || !regexp.MustCompile(`<td class="num">43</td>`).MatchString(body) {
			t.Fatalf("unreadable MRZ: %d %s", status, txt)
		}
		if !regexp.MustCompile(`(?s)<textarea id="mrz"[^>]*aria-invalid="true"`).MatchString(body) {
			t.Errorf("the MRZ box is not marked invalid")
		}
		recordsAllStrings(t, body)
		status, body = w.Post("/check", url.Values{"by": {"mrz"}, "mrz": {strings.ToLower(mrzSpecimen)}})
		if status != http.StatusBadRequest || !strings.Contains(body, `<mark class="bad-digit"`) {
			t.Errorf("lower-case MRZ: %d, the bad characters are not marked", status)
		}
		status, body = w.Post("/check", url.Values{"by": {"mrz"}, "mrz": {"  "}})
		if status != http.StatusBadRequest || !strings.Contains(text(body), "Paste the machine readable zone") {
			t.Errorf("empty MRZ: %d %s", status, text(body))
		}
	})
	t.Run("ErrBadCountry", func(t *testing.T) {
		status, body := w.Post("/check", url.Values{"by": {"number"}, "number": {"C01X00T47"}, "issuing_country": {"XYZ"}})
		if status != http.StatusBadRequest || !strings.Contains(text(body), `issuing_country "XYZ" is not`) {
			t.Fatalf("bad country: %d %s", status, text(body))
		}
		if !regexp.MustCompile(`<input id="issuing_country"[^>]*value="XYZ"[^>]*aria-invalid="true"`).MatchString(body) || checkHitLink.MatchString(body) {
			t.Errorf("the country field is not the one marked, or a hit was shown:\n%s", body)
		}
		status, body = w.Post("/check", url.Values{"by": {"number"}, "number": {""}, "issuing_country": {"DEU"}})
		if status != http.StatusBadRequest || !regexp.MustCompile(`<input id="number"[^>]*aria-invalid="true"`).MatchString(body) {
			t.Errorf("no number: %d %s", status, text(body))
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		o := MustOfficer(t, m, "ncb-fra", "records.only", []lookout.Grant{lookout.GrantDocumentsWrite, lookout.GrantHitsFollow})
		w := o.MustSignIn(t)
		_, dash := w.Get("/")
		if strings.Contains(dash, `href="/check"`) {
			t.Errorf("the menu offers Check to an account without documents:check")
		}
		if status, _ := w.Get("/check"); status != http.StatusForbidden {
			t.Errorf("GET /check: %d, want 403", status)
		}
		status, body := w.Post("/check", url.Values{"by": {"number"}, "number": {"C01X00T47"}, "issuing_country": {"DEU"}})
		if status != http.StatusForbidden || strings.Contains(body, "C01X00T47") {
			t.Errorf("POST /check: %d, want 403 and no result", status)
		}
	})
}

// evalIn evaluates a JavaScript expression in a tab.
func evalIn[T any](t *tab, expr string) T {
	t.tb.Helper()
	ctx, cancel := context.WithTimeout(t.ctx, 5*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.tb.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// TestConsoleCheckBrowser checks a passport in a real browser: the hit, and
// an MRZ with a misprinted check digit.
func TestConsoleCheckBrowser(t *testing.T) {
	browser := MustBrowser(t)
	m, sec := MustConsoleNCBs(t)
	deu := MustTokenClient(t, sec, "ncb-deu")
	if status := deu.do("POST", "/v1/documents", map[string]any{"number": "C01X00T47", "issuing_country": "DEU", "type": "passport", "status": "stolen"}, nil); status != http.StatusCreated {
		t.Fatalf("record the German passport: %d", status)
	}
	w := MustTab(t, browser, m)
	w.signIn(MustOfficer(t, m, "ncb-fra", "border.jean", []lookout.Grant{lookout.GrantDocumentsCheck, lookout.GrantHitsFollow}))
	w.open("/check")
	w.accessible()
	if id := evalIn[string](w, `document.activeElement.id`); id != "number" {
		t.Errorf("the check page starts with the focus on %q, want the number", id)
	}
	w.do("check by number",
		chromedp.SendKeys("#number", "C01X00T47"),
		chromedp.SendKeys("#issuing_country", "DEU"),
		chromedp.Click("#by-number button[type=submit]"),
		chromedp.WaitVisible("#result .badge.hit"),
	)
	w.accessible()
	if id := evalIn[string](w, `document.activeElement.id`); id != "result" {
		t.Errorf("after the check the focus is on %q, want the outcome", id)
	}
	if txt := w.text(); !strings.Contains(txt, "HIT This document is recorded") || !strings.Contains(txt, "Open the case") {
		t.Fatalf("hit: %s", txt)
	}
	w.shot("check-hit")

	w.do("check by MRZ",
		chromedp.SetValue("#mrz", mrzSpecimenBadDigit),
		chromedp.Click("#by-mrz button[type=submit]"),
		chromedp.WaitVisible(".check-digits td.bad-digit"),
	)
	w.accessible()
	if txt := w.text(); !strings.Contains(txt, "wrong: printed 5, computed 6") || !strings.Contains(txt, "NO HIT") {
		t.Fatalf("MRZ: %s", txt)
	}
	if n := evalIn[string](w, `document.getElementById("mrz-count").textContent`); n != "Characters per line: 44 / 44" {
		t.Errorf("MRZ line count: %q", n)
	}
	w.shot("check-mrz")
}
