package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/lookout-network/lookout"
)

// statsToken returns an API client for an agency the secretariat
// manages, with a fresh token.
func statsToken(tb testing.TB, sec *client, agencyID string) *client {
	tb.Helper()
	var out struct {
		Token string `json:"token"`
	}
	if status := sec.do("POST", "/v1/agencies/"+agencyID+"/tokens", nil, &out); status != http.StatusCreated || out.Token == "" {
		tb.Fatalf("token for %s: %d", agencyID, status)
	}
	return &client{tb: tb, url: sec.url, token: out.Token}
}

// mustStatsActivity makes, through the API, 3 checks by FRA (one a hit on
// a stolen German passport, followed up to a seized document) and 2 checks
// by DEU that find nothing.
func mustStatsActivity(t *testing.T, sec *client) {
	t.Helper()
	fra, deu := statsToken(t, sec, "ncb-fra"), statsToken(t, sec, "ncb-deu")
	if status := deu.do("POST", "/v1/documents", map[string]any{"number": "C01X00T47", "issuing_country": "DEU", "type": "passport", "status": "stolen"}, nil); status != http.StatusCreated {
		t.Fatalf("create document: %d", status)
	}
	var hitID string
	for _, num := range []string{"C01X00T47", "AB1234567", "XK5550001"} {
		var res checkResult
		if status := fra.do("POST", "/v1/documents/check", map[string]any{"number": num, "issuing_country": "DEU"}, &res); status != http.StatusOK {
			t.Fatalf("check %s: %d", num, status)
		}
		if res.Outcome == "hit" {
			hitID = res.Matches[0].HitID
		}
	}
	if hitID == "" {
		t.Fatal("no hit on the stolen passport")
	}
	for _, num := range []string{"AB7654321", "XY1234567"} {
		if status := deu.do("POST", "/v1/documents/check", map[string]any{"number": num, "issuing_country": "FRA"}, nil); status != http.StatusOK {
			t.Fatalf("check %s: %d", num, status)
		}
	}
	for _, step := range []struct {
		c    *client
		body map[string]any
	}{
		{fra, map[string]any{"action": "acknowledge", "note": "traveller held at the desk"}},
		{deu, map[string]any{"action": "confirm", "note": "record valid, same document"}},
		{fra, map[string]any{"action": "close", "note": "passport seized", "outcome": "document_seized"}},
	} {
		var e apiError
		if status := step.c.do("POST", "/v1/hits/"+hitID+"/actions", step.body, &e); status != http.StatusOK {
			t.Fatalf("%v: %d %+v", step.body, status, e)
		}
	}
	// What the API says FRA did, for the console to match.
	var rep struct {
		Total struct{ Checks, Hits int64 } `json:"total"`
	}
	if status := fra.do("GET", "/v1/stats", nil, &rep); status != http.StatusOK || rep.Total.Checks != 3 || rep.Total.Hits != 1 {
		t.Fatalf("API stats of FRA: %d %+v, want 3 checks 1 hit", status, rep)
	}
}

// statsChartData reads the page's JSON data block.
type statsChartData struct {
	Days      []int64   `json:"days"`
	Databases []string  `json:"databases"`
	Checks    [][]int64 `json:"checks"`
	Hits      [][]int64 `json:"hits"`
}

var statsDataBlock = regexp.MustCompile(`(?s)<script type="application/json" id="stats-data">(.*?)</script>`)

func mustStatsChart(t *testing.T, body string) statsChartData {
	t.Helper()
	m := statsDataBlock.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no stats-data block")
	}
	var d statsChartData
	if err := json.Unmarshal([]byte(m[1]), &d); err != nil {
		t.Fatalf("stats-data %q: %v", m[1], err)
	}
	return d
}

// statsTable returns the text of the element with id (a table), or "".
func statsTable(body, id string) string {
	m := regexp.MustCompile(`(?s)<table id="` + regexp.QuoteMeta(id) + `".*?</table>`).FindString(body)
	return text(m)
}

func TestConsoleStats(t *testing.T) {
	m, sec := MustConsoleNCBs(t)
	mustStatsActivity(t, sec)
	today := time.Now().UTC().Format(lookout.DateLayout)
	w := MustOfficer(t, m, "ncb-fra", "lea", nil).MustSignIn(t)

	t.Run("OK", func(t *testing.T) {
		status, body := w.Get("/stats")
		if status != http.StatusOK {
			t.Fatalf("status %d\n%s", status, text(body))
		}
		if strings.Contains(body, "[stats.") {
			t.Fatalf("missing string: %s", text(body))
		}
		for id, want := range map[string]string{"stats-total-checks": "3", "stats-total-hits": "1", "stats-total-rate": "33.3 %"} {
			if got := regexp.MustCompile(`id="` + id + `">([^<]*)<`).FindStringSubmatch(body); got == nil || got[1] != want {
				t.Errorf("%s = %v, want %q", id, got, want)
			}
		}
		if got := statsTable(body, "stats-databases"); !strings.Contains(got, "Travel documents 3 1 33.3 %") || !strings.Contains(got, "Persons 0 0 –") || !strings.Contains(got, "Total 3 1 33.3 %") {
			t.Errorf("per database: %s", got)
		}
		if got := statsTable(body, "stats-days"); !strings.Contains(got, today+" 3 1 0 0 0 0 0 0") {
			t.Errorf("per day: %s", got)
		}
		if got := statsTable(body, "stats-agencies"); !strings.Contains(got, "ncb-fra FRA 3 1 33.3 %") || strings.Contains(got, "ncb-deu") {
			t.Errorf("per agency: %s", got)
		}
		if got := statsTable(body, "stats-outcomes"); !strings.Contains(got, "Document seized 1") {
			t.Errorf("outcomes: %s", got)
		}
		if got := statsTable(body, "stats-latency"); !regexp.MustCompile(`Time to acknowledgement \d+ s \d+ s 1 Time to confirmation \d+ s \d+ s 1`).MatchString(got) {
			t.Errorf("latency: %s", got)
		}
		// The default period is the last 30 days, one chart point each.
		if !strings.Contains(body, `name="from" value="`+time.Now().UTC().AddDate(0, 0, -30).Format(lookout.DateLayout)+`"`) || !strings.Contains(body, `name="to" value="`+today+`"`) {
			t.Error("the form does not show the last 30 days")
		}
		chart := mustStatsChart(t, body)
		if len(chart.Days) != 31 || chart.Databases[0] != "documents" || chart.Checks[0][30] != 3 || chart.Hits[0][30] != 1 || chart.Checks[0][29] != 0 {
			t.Errorf("chart data %+v", chart)
		}
		for _, asset := range []string{`src="/static/vendor/uplot/uPlot.iife.min.js"`, `src="/static/stats.js"`, `href="/static/stats.css"`, `href="/stats.csv?`} {
			if !strings.Contains(body, asset) {
				t.Errorf("page lacks %s", asset)
			}
		}
		for _, asset := range []string{"/static/stats.js", "/static/stats.css", "/static/vendor/uplot/uPlot.iife.min.js"} {
			if status, _ := w.Get(asset); status != http.StatusOK {
				t.Errorf("%s: %d", asset, status)
			}
		}
	})
	t.Run("FilterDatabase", func(t *testing.T) {
		_, body := w.Get("/stats?database=persons")
		if got := statsTable(body, "stats-databases"); !strings.Contains(got, "Persons 0 0 –") || strings.Contains(got, "Travel documents") {
			t.Errorf("persons only: %s", got)
		}
		if chart := mustStatsChart(t, body); len(chart.Databases) != 1 || chart.Databases[0] != "persons" {
			t.Errorf("chart of persons: %+v", chart.Databases)
		}
	})
	t.Run("OtherCountryDoesNotLeak", func(t *testing.T) {
		// An NCB asking for another country still reads its own.
		status, body := w.Get("/stats?country=DEU")
		if status != http.StatusOK || !strings.Contains(body, `id="stats-total-checks">3<`) || strings.Contains(body, `id="stats-country"`) {
			t.Fatalf("FRA asking for DEU: %d %s", status, text(body))
		}
	})
	t.Run("CSV", func(t *testing.T) {
		resp, err := w.client.Get(m.URL + "/stats.csv?from=" + today + "&to=" + today)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("%d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), raw)
		}
		if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "lookout-stats-FRA-"+today) {
			t.Errorf("Content-Disposition %q", cd)
		}
		rows, err := csv.NewReader(strings.NewReader(string(raw))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want := [][]string{{"day", "database", "country", "checks", "hits", "hit_rate"}, {today, "documents", "FRA", "3", "1", "0.3333"}}
		if len(rows) != len(want) || strings.Join(rows[0], ",") != strings.Join(want[0], ",") || strings.Join(rows[1], ",") != strings.Join(want[1], ",") {
			t.Fatalf("CSV %q, want %q", rows, want)
		}
	})
	t.Run("Secretariat", func(t *testing.T) {
		s := MustOfficer(t, m, "secretariat", "sofia", nil).MustSignIn(t)
		_, body := s.Get("/stats")
		if !strings.Contains(body, `id="stats-total-checks">5<`) || !strings.Contains(body, `id="stats-country"`) {
			t.Fatalf("every country: %s", text(body))
		}
		if got := statsTable(body, "stats-agencies"); !strings.Contains(got, "ncb-fra FRA 3 1") || !strings.Contains(got, "ncb-deu DEU 2 0 0.0 %") {
			t.Errorf("per agency: %s", got)
		}
		_, body = s.Get("/stats?country=deu")
		if !strings.Contains(body, `id="stats-total-checks">2<`) || !strings.Contains(body, `value="DEU"`) {
			t.Errorf("DEU: %s", text(body))
		}
		status, body := s.Get("/stats?country=D1")
		if status != http.StatusBadRequest || !strings.Contains(text(body), `Country "D1" is not 3 letters`) {
			t.Errorf("bad country: %d %s", status, text(body))
		}
		status, body = s.Get("/stats?country=QQQ")
		if status != http.StatusBadRequest || !statsFieldError(body, "country") {
			t.Errorf("unknown country: %d %s", status, text(body))
		}
	})
	t.Run("ErrBadFrom", func(t *testing.T) {
		status, body := w.Get("/stats?from=2026-13-01")
		if status != http.StatusBadRequest || !strings.Contains(text(body), `From "2026-13-01" is not a date YYYY-MM-DD`) || !statsFieldError(body, "from") {
			t.Fatalf("%d %s", status, text(body))
		}
		if strings.Contains(body, `id="stats-data"`) {
			t.Error("charts shown for a refused filter")
		}
		status, body = w.Get("/stats.csv?from=yesterday")
		if status != http.StatusBadRequest || !strings.Contains(text(body), `From "yesterday" is not a date`) {
			t.Errorf("CSV: %d %s", status, text(body))
		}
	})
	t.Run("ErrBadTo", func(t *testing.T) {
		status, body := w.Get("/stats?to=2026-02-30")
		if status != http.StatusBadRequest || !strings.Contains(text(body), `To "2026-02-30" is not a date`) || !statsFieldError(body, "to") {
			t.Fatalf("%d %s", status, text(body))
		}
	})
	t.Run("ErrFromAfterTo", func(t *testing.T) {
		status, body := w.Get("/stats?from=2026-03-02&to=2026-03-01")
		if status != http.StatusBadRequest || !strings.Contains(text(body), "From 2026-03-02 is after to 2026-03-01") || !statsFieldError(body, "from") {
			t.Fatalf("%d %s", status, text(body))
		}
	})
	t.Run("ErrTooLong", func(t *testing.T) {
		status, body := w.Get("/stats?from=2020-01-01&to=2026-01-01")
		if status != http.StatusBadRequest || !strings.Contains(text(body), "at most 366") {
			t.Fatalf("%d %s", status, text(body))
		}
	})
	t.Run("ErrBadDatabase", func(t *testing.T) {
		status, body := w.Get("/stats?database=" + url.QueryEscape("=cmd|' /C calc'!A0"))
		if status != http.StatusBadRequest || !statsFieldError(body, "database") {
			t.Fatalf("%d %s", status, text(body))
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		o := MustOfficer(t, m, "ncb-fra", "bruno", []lookout.Grant{lookout.GrantDocumentsCheck})
		b := o.MustSignIn(t)
		for _, path := range []string{"/stats", "/stats.csv"} {
			if status, body := b.Get(path); status != http.StatusForbidden || !strings.Contains(text(body), "stats:read") {
				t.Errorf("%s: %d %s", path, status, text(body))
			}
		}
		if _, body := b.Get("/"); strings.Contains(body, `href="/stats"`) {
			t.Error("the menu offers Statistics to an account without stats:read")
		}
		if _, body := w.Get("/"); !strings.Contains(body, `href="/stats"`) {
			t.Error("the menu lacks Statistics for an account with stats:read")
		}
	})
}

// statsFieldError reports whether a page shows an error beside the field name
// (the error comes right after the field's input or select).
func statsFieldError(body, name string) bool {
	re := regexp.MustCompile(`(?s)name="` + regexp.QuoteMeta(name) + `"[^>]*aria-invalid="true".*?<span class="field-error" role="alert">([^<]+)</span>`)
	m := re.FindStringSubmatch(body)
	return m != nil && html.UnescapeString(m[1]) != ""
}

// TestConsoleStatsBrowser draws the charts in Chromium: the strict CSP
// lets the vendored uPlot and stats.js run, and each chart has a series
// per database.
func TestConsoleStatsBrowser(t *testing.T) {
	browser := MustBrowser(t)
	m, sec := MustConsoleNCBs(t)
	mustStatsActivity(t, sec)
	w := MustTab(t, browser, m)
	w.signIn(MustOfficer(t, m, "ncb-fra", "lucie", nil))
	w.open("/stats")
	w.accessible()
	w.do("charts", chromedp.WaitVisible("#stats-chart-checks canvas"), chromedp.WaitVisible("#stats-chart-hits canvas"))
	ctx, cancel := context.WithTimeout(w.ctx, 5*time.Second)
	defer cancel()
	legend, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#stats-chart-checks .u-legend").textContent`))
	if err != nil || !strings.Contains(legend, "Travel documents") || !strings.Contains(legend, "Fingerprints") {
		t.Fatalf("legend %q: %v", legend, err)
	}
	w.shot("stats")
}
