package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/lookout-network/lookout"
)

// mustToken issues an API token for an agency, as its manager would.
func mustToken(tb testing.TB, manager *client, agencyID string) *client {
	tb.Helper()
	var out struct {
		Token string `json:"token"`
	}
	if status := manager.do("POST", "/v1/agencies/"+agencyID+"/tokens", nil, &out); status != http.StatusCreated || out.Token == "" {
		tb.Fatalf("token of %s: %d", agencyID, status)
	}
	return &client{tb: tb, url: manager.url, token: out.Token}
}

// dashFigure reads one figure of the dashboard: the number linked to href.
func dashFigure(tb testing.TB, page, href string) string {
	tb.Helper()
	m := regexp.MustCompile(`href="` + regexp.QuoteMeta(href) + `"><span class="dash-what">[^<]*</span> <span class="stat">(\d+\+?)</span>`).FindStringSubmatch(page)
	if m == nil {
		tb.Fatalf("dashboard has no figure linked to %s", href)
	}
	return m[1]
}

// actionButtons lists the case actions a page offers, in order.
func actionButtons(page string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`name="action" value="([a-z_]+)"`).FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestConsoleHits follows a case from both NCBs' sessions: a German
// border post checks a French passport through the API, the German NCB
// sees the hit and acknowledges it, the French NCB confirms it, the German
// NCB closes it with an outcome; both read the timeline and write to each
// other on the case. Others are refused.
func TestConsoleHits(t *testing.T) {
	m, sec := MustConsoleNCBs(t)
	MustCreateAgency(t, sec, map[string]any{"id": "ncb-gbr", "kind": "ncb", "country": "GBR", "name": "NCB GBR"})
	fraAPI, deuAPI := mustToken(t, sec, "ncb-fra"), mustToken(t, sec, "ncb-deu")
	deuBorder := MustCreateAgency(t, deuAPI, map[string]any{"id": "deu-fra-airport", "kind": "agency", "country": "DEU", "name": "Federal Police, Frankfurt Airport", "grants": []string{"documents:check", "hits:follow"}})

	// France records a stolen passport; the German border post checks it.
	record := func(number string) {
		t.Helper()
		if status := fraAPI.do("POST", "/v1/documents", map[string]any{"number": number, "issuing_country": "FRA", "type": "passport", "status": "stolen", "remarks": "stolen in Lyon"}, nil); status != http.StatusCreated {
			t.Fatalf("record %s: %d", number, status)
		}
	}
	check := func(number string) string {
		t.Helper()
		var res checkResult
		if status := deuBorder.do("POST", "/v1/documents/check", map[string]any{"number": number, "issuing_country": "FRA"}, &res); status != http.StatusOK || res.Outcome != "hit" {
			t.Fatalf("check %s: %d %+v", number, status, res)
		}
		return res.Matches[0].HitID
	}
	record("15AB12345")
	hitID := check("15AB12345")
	casePath := "/hits/" + hitID
	id, _ := strconv.ParseInt(hitID, 10, 64)
	hubStatus := func() (string, int) {
		t.Helper()
		hc, err := m.hub.HitCase(lookout.NewContext(context.Background(), mustCaller(t, m, "ncb-fra")), id)
		if err != nil {
			t.Fatal(err)
		}
		return hc.Status, len(hc.Events)
	}

	deu := MustOfficer(t, m, "ncb-deu", "anna.deu", nil).MustSignIn(t)
	fra := MustOfficer(t, m, "ncb-fra", "marie.fra", nil).MustSignIn(t)

	t.Run("DashboardCounts", func(t *testing.T) {
		// A message from France waits unread in Germany's inbox.
		if status := fraAPI.do("POST", "/v1/messages", map[string]any{"to": []string{"ncb-deu"}, "subject": "Hello", "body": "A note"}, nil); status != http.StatusCreated {
			t.Fatalf("send: %d", status)
		}
		_, page := deu.Get("/")
		for href, want := range map[string]string{"/hits?view=awaiting_us": "1", "/hits?view=awaiting_them": "0", "/hits?view=overdue": "0", "/messages": "1"} {
			if got := dashFigure(t, page, href); got != want {
				t.Errorf("DEU dashboard %s: %s, want %s", href, got, want)
			}
		}
		_, page = fra.Get("/")
		for href, want := range map[string]string{"/hits?view=awaiting_us": "0", "/hits?view=awaiting_them": "1", "/messages": "0"} {
			if got := dashFigure(t, page, href); got != want {
				t.Errorf("FRA dashboard %s: %s, want %s", href, got, want)
			}
		}
		// Germany's checks of today: one check, one hit, in the table and
		// in the charts' data.
		today := time.Now().UTC().Format(lookout.DateLayout)
		if !strings.Contains(text(page), today+" 0 0") {
			t.Errorf("FRA made no check today; table: %s", text(page))
		}
		_, page = deu.Get("/")
		if !strings.Contains(text(page), today+" 1 1") || !strings.Contains(page, `id="dash-chart-data"`) || !strings.Contains(page, `/static/dashboard.js`) {
			t.Errorf("DEU's statistics of today: %s", text(page))
		}
		if !strings.Contains(page, `id="dash-counts"`) || !strings.Contains(page, `data-live="hit.opened hit.action hit.overdue message.received"`) {
			t.Error("the counts do not update live")
		}
		for _, href := range []string{`href="/check"`, `href="/hits"`, `href="/stats"`, `href="/audit"`} {
			if !strings.Contains(page, href) {
				t.Errorf("no shortcut %s for an NCB officer", href)
			}
		}
		if strings.Contains(page, "[dashboard.") || strings.Contains(page, "[hits.") {
			t.Errorf("missing strings: %s", text(page))
		}
	})

	t.Run("Inbox", func(t *testing.T) {
		status, page := deu.Get("/hits")
		if status != http.StatusOK || !strings.Contains(page, `href="`+casePath+`"`) {
			t.Fatalf("DEU inbox: %d %s", status, text(page))
		}
		txt := text(page)
		for _, want := range []string{"FRA passport 15AB12345 stolen", "DEU → FRA", "Open", "Your move", "Travel documents", "exact match"} {
			if !strings.Contains(txt, want) {
				t.Errorf("DEU inbox lacks %q: %s", want, txt)
			}
		}
		if !strings.Contains(page, `data-live="hit.opened hit.action hit.overdue"`) {
			t.Error("the inbox does not update live")
		}
		for path, want := range map[string]bool{
			"/hits?view=awaiting_us":                  true,
			"/hits?view=awaiting_them":                false,
			"/hits?status=open&database=documents":    true,
			"/hits?status=closed":                     false,
			"/hits?database=dna":                      false,
			"/hits?view=awaiting_us&status=confirmed": false,
		} {
			if _, page := deu.Get(path); strings.Contains(page, `href="`+casePath+`"`) != want {
				t.Errorf("DEU %s lists the hit: %v, want %v", path, !want, want)
			}
		}
		if _, page := fra.Get("/hits?view=awaiting_them"); !strings.Contains(page, `href="`+casePath+`"`) {
			t.Error("FRA does not see the hit awaiting Germany")
		}
		if _, page := fra.Get("/hits?view=awaiting_us"); strings.Contains(page, `href="`+casePath+`"`) {
			t.Error("FRA sees the hit as awaiting France")
		}
	})
	t.Run("ErrInboxFilter", func(t *testing.T) {
		for field, path := range map[string]string{"status": "/hits?status=lost", "database": "/hits?database=cars", "view": "/hits?view=mine", "cursor": "/hits?cursor=abc"} {
			status, page := deu.Get(path)
			if status != http.StatusBadRequest || !strings.Contains(page, `class="field-error"`) || strings.Contains(page, `href="`+casePath+`"`) {
				t.Errorf("%s: %d, want 400 with the %s field's error\n%s", path, status, field, text(page))
			}
		}
	})

	t.Run("CaseOpen", func(t *testing.T) {
		status, page := deu.Get(casePath)
		txt := text(page)
		if status != http.StatusOK || !strings.Contains(txt, "Hit "+hitID) || !strings.Contains(txt, "Hit opened") || !strings.Contains(txt, "deu-fra-airport") ||
			!strings.Contains(txt, "number=15AB12345 issuing_country=FRA") || !strings.Contains(txt, "stolen in Lyon") {
			t.Fatalf("DEU case: %d %s", status, txt)
		}
		if got := actionButtons(page); fmt.Sprint(got) != "[acknowledge]" {
			t.Errorf("DEU (searching, open) may %v, want [acknowledge]", got)
		}
		if !strings.Contains(page, `id="case" `) || !strings.Contains(page, `data-live="hit.action hit.overdue"`) || !strings.Contains(page, `data-live="message.received"`) {
			t.Error("the case does not update live")
		}
		_, page = fra.Get(casePath)
		if got := actionButtons(page); len(got) != 0 || !strings.Contains(text(page), "the other side has the next move") {
			t.Errorf("FRA (owner, open) may %v, want nothing", got)
		}
	})
	t.Run("ErrOwnerCannotAcknowledge", func(t *testing.T) {
		status, page := fra.Post(casePath+"/actions", url.Values{"action": {"acknowledge"}, "note": {"we acknowledge"}})
		if status != http.StatusForbidden || !strings.Contains(text(page), "only the searching side") {
			t.Fatalf("owner acknowledged: %d %s", status, text(page))
		}
		if s, n := hubStatus(); s != lookout.HitOpen || n != 0 {
			t.Fatalf("case changed: %s, %d events", s, n)
		}
	})

	t.Run("Acknowledge", func(t *testing.T) {
		status, page := deu.Post(casePath+"/actions", url.Values{"action": {"acknowledge"}, "note": {"Traveller held at gate B22"}})
		txt := text(page)
		if status != http.StatusOK || !strings.Contains(txt, "Hit acknowledged") || !strings.Contains(txt, "Acknowledged") || !strings.Contains(txt, "Traveller held at gate B22") {
			t.Fatalf("acknowledge: %d %s", status, txt)
		}
		if got := actionButtons(page); len(got) != 0 {
			t.Errorf("DEU may %v after acknowledging, want nothing", got)
		}
		_, page = fra.Get(casePath)
		if got := actionButtons(page); fmt.Sprint(got) != "[confirm reject]" {
			t.Errorf("FRA (owner, acknowledged) may %v, want [confirm reject]", got)
		}
	})
	t.Run("ErrSearchingSideCannotConfirm", func(t *testing.T) {
		status, page := deu.Post(casePath+"/actions", url.Values{"action": {"confirm"}, "note": {"confirming our own hit"}})
		if status != http.StatusForbidden || !strings.Contains(text(page), "only the owner") {
			t.Fatalf("searching side confirmed: %d %s", status, text(page))
		}
		if s, n := hubStatus(); s != lookout.HitAcknowledged || n != 1 {
			t.Fatalf("case changed: %s, %d events", s, n)
		}
	})
	t.Run("ErrConfirmWithoutNote", func(t *testing.T) {
		status, page := fra.Post(casePath+"/actions", url.Values{"action": {"confirm"}, "note": {"  "}})
		if status != http.StatusBadRequest || !regexp.MustCompile(`(?s)id="note-confirm".*class="field-error"[^>]*>note is required`).MatchString(page) {
			t.Fatalf("confirm without a note: %d %s", status, text(page))
		}
		if s, _ := hubStatus(); s != lookout.HitAcknowledged {
			t.Fatalf("case changed: %s", s)
		}
	})
	t.Run("Confirm", func(t *testing.T) {
		status, page := fra.Post(casePath+"/actions", url.Values{"action": {"confirm"}, "note": {"Record valid, passport still wanted"}})
		if status != http.StatusOK || !strings.Contains(text(page), "Hit confirmed") || !strings.Contains(text(page), "Acknowledged → Confirmed") {
			t.Fatalf("confirm: %d %s", status, text(page))
		}
		_, page = deu.Get(casePath)
		if got := actionButtons(page); fmt.Sprint(got) != "[close]" || !strings.Contains(page, `name="outcome"`) {
			t.Errorf("DEU (searching, confirmed) may %v, want [close] with an outcome", got)
		}
		if strings.Contains(text(page), "Time to confirmation not yet") {
			t.Error("no time to confirmation once confirmed")
		}
	})
	t.Run("ErrCloseWithoutOutcome", func(t *testing.T) {
		status, page := deu.Post(casePath+"/actions", url.Values{"action": {"close"}, "note": {"Document seized"}, "outcome": {""}})
		if status != http.StatusBadRequest || !regexp.MustCompile(`(?s)id="outcome-close".*class="field-error"[^>]*>outcome is required`).MatchString(page) {
			t.Fatalf("close without an outcome: %d %s", status, text(page))
		}
		// The note typed stays in the form.
		if !strings.Contains(page, ">Document seized</textarea>") {
			t.Error("the note was lost")
		}
		if s, n := hubStatus(); s != lookout.HitConfirmed || n != 2 {
			t.Fatalf("case changed: %s, %d events", s, n)
		}
	})
	t.Run("ErrBadAction", func(t *testing.T) {
		for _, a := range []string{"frobnicate", ""} {
			status, page := deu.Post(casePath+"/actions", url.Values{"action": {a}, "note": {"x"}})
			if status != http.StatusBadRequest || !strings.Contains(page, `class="field-error"`) || !strings.Contains(text(page), "is not one of acknowledge") {
				t.Fatalf("action %q: %d %s", a, status, text(page))
			}
		}
		status, _ := deu.Post(casePath+"/actions", url.Values{"action": {"close"}, "note": {"x"}, "outcome": {"shrug"}})
		if status != http.StatusBadRequest {
			t.Fatalf("outcome shrug: %d", status)
		}
		if s, n := hubStatus(); s != lookout.HitConfirmed || n != 2 {
			t.Fatalf("case changed: %s, %d events", s, n)
		}
	})
	t.Run("ErrForgedForm", func(t *testing.T) {
		status, _ := deu.Post(casePath+"/actions", url.Values{"action": {"close"}, "note": {"x"}, "outcome": {"no_action"}, "csrf": {"forged"}})
		if status != http.StatusForbidden {
			t.Fatalf("forged token: %d", status)
		}
		if s, _ := hubStatus(); s != lookout.HitConfirmed {
			t.Fatalf("case changed: %s", s)
		}
	})

	t.Run("Messages", func(t *testing.T) {
		_, page := fra.Get(casePath)
		if !strings.Contains(text(page), "Write to NCB DEU (DEU)") {
			t.Fatalf("FRA has no form to write to DEU: %s", text(page))
		}
		status, page := fra.Post(casePath+"/messages", url.Values{"subject": {"Hit " + hitID}, "body": {"Please send the passport back to Lyon."}, "priority": {"urgent"}})
		if status != http.StatusOK || !strings.Contains(text(page), "Message sent") || !strings.Contains(text(page), "Please send the passport back to Lyon.") {
			t.Fatalf("FRA writes: %d %s", status, text(page))
		}
		_, dash := deu.Get("/")
		if got := dashFigure(t, dash, "/messages"); got != "2" {
			t.Errorf("DEU unread before reading the case: %s, want 2", got)
		}
		_, page = deu.Get(casePath)
		if !strings.Contains(text(page), "From ncb-fra (FRA)") || !strings.Contains(text(page), "Please send the passport back to Lyon.") || !strings.Contains(text(page), "New") {
			t.Fatalf("DEU does not read FRA's message: %s", text(page))
		}
		// Read on the case is read: the count drops, France gets a receipt.
		_, dash = deu.Get("/")
		if got := dashFigure(t, dash, "/messages"); got != "1" {
			t.Errorf("DEU unread after reading the case: %s, want 1", got)
		}
		status, page = deu.Post(casePath+"/messages", url.Values{"subject": {"Re: hit " + hitID}, "body": {"Will do."}, "priority": {"routine"}})
		if status != http.StatusOK || !strings.Contains(text(page), "Will do.") || !strings.Contains(text(page), "Sent by you") {
			t.Fatalf("DEU replies: %d %s", status, text(page))
		}
		var hc struct {
			Messages []message `json:"messages"`
		}
		fraAPI.do("GET", "/v1/hits/"+hitID, nil, &hc)
		if len(hc.Messages) != 2 || hc.Messages[1].ThreadID != hc.Messages[0].ID || hc.Messages[1].From != "ncb-deu" {
			t.Fatalf("messages on the hit: %+v", hc.Messages)
		}
	})
	t.Run("ErrMessageWithoutSubject", func(t *testing.T) {
		status, page := fra.Post(casePath+"/messages", url.Values{"subject": {""}, "body": {"no subject"}})
		if status != http.StatusBadRequest || !regexp.MustCompile(`(?s)id="msg-subject".*class="field-error"[^>]*>subject must be`).MatchString(page) || !strings.Contains(page, ">no subject</textarea>") {
			t.Fatalf("no subject: %d %s", status, text(page))
		}
		var hc struct {
			Messages []message `json:"messages"`
		}
		fraAPI.do("GET", "/v1/hits/"+hitID, nil, &hc)
		if len(hc.Messages) != 2 {
			t.Fatalf("a message without subject was stored: %d", len(hc.Messages))
		}
	})

	t.Run("Close", func(t *testing.T) {
		status, page := deu.Post(casePath+"/actions", url.Values{"action": {"close"}, "note": {"Passport seized at gate B22"}, "outcome": {"document_seized"}})
		if status != http.StatusOK || !strings.Contains(text(page), "Case closed.") || len(actionButtons(page)) != 0 {
			t.Fatalf("close: %d %s", status, text(page))
		}
		if s, n := hubStatus(); s != lookout.HitClosed || n != 3 {
			t.Fatalf("case: %s, %d events", s, n)
		}
		// Both sides read the whole story in the timeline.
		for name, w := range map[string]*web{"DEU": deu, "FRA": fra} {
			_, page := w.Get(casePath)
			txt := text(page)
			steps := []string{"Hit opened", "Acknowledged", "Traveller held at gate B22", "Confirmed", "Record valid, passport still wanted", "Closed", "Outcome: Document seized", "Passport seized at gate B22"}
			at := 0
			for _, s := range steps {
				i := strings.Index(txt[at:], s)
				if i < 0 {
					t.Fatalf("%s timeline lacks %q after position %d: %s", name, s, at, txt)
				}
				at += i + len(s)
			}
			if len(actionButtons(page)) != 0 || !strings.Contains(txt, "The case is closed.") {
				t.Errorf("%s may still act on a closed case", name)
			}
		}
		_, page = deu.Get("/")
		if got := dashFigure(t, page, "/hits?view=awaiting_us"); got != "0" {
			t.Errorf("DEU awaiting after the close: %s, want 0", got)
		}
		if _, page := deu.Get("/hits?status=closed"); !strings.Contains(page, `href="`+casePath+`"`) {
			t.Error("the closed case is not among the closed")
		}
	})
	t.Run("ErrClosedCase", func(t *testing.T) {
		status, page := deu.Post(casePath+"/actions", url.Values{"action": {"close"}, "note": {"again"}, "outcome": {"other"}})
		if status != http.StatusConflict || !strings.Contains(text(page), "the case is closed") {
			t.Fatalf("closed twice: %d %s", status, text(page))
		}
	})

	t.Run("Overdue", func(t *testing.T) {
		m.hub.SetDeadlines(time.Millisecond, time.Millisecond)
		defer m.hub.SetDeadlines(10*time.Minute, 24*time.Hour)
		record("15AB99999")
		late := check("15AB99999")
		time.Sleep(5 * time.Millisecond)
		for name, w := range map[string]*web{"DEU": deu, "FRA": fra} {
			_, page := w.Get("/")
			if got := dashFigure(t, page, "/hits?view=overdue"); got != "1" {
				t.Errorf("%s overdue: %s, want 1", name, got)
			}
			_, page = w.Get("/hits?view=overdue")
			if !strings.Contains(page, `href="/hits/`+late+`"`) || strings.Contains(page, `href="`+casePath+`"`) || !strings.Contains(text(page), "Overdue") {
				t.Errorf("%s overdue inbox: %s", name, text(page))
			}
		}
	})

	t.Run("SecretariatOversees", func(t *testing.T) {
		w := MustOfficer(t, m, "secretariat", "operator", nil).MustSignIn(t)
		status, page := w.Get(casePath)
		if status != http.StatusOK || len(actionButtons(page)) != 0 || !strings.Contains(text(page), "Overseen: neither side") || strings.Contains(page, `action="`+casePath+`/messages"`) {
			t.Fatalf("the secretariat's view of the case: %d %s", status, text(page))
		}
		if _, page := w.Get("/hits"); !strings.Contains(page, `href="`+casePath+`"`) {
			t.Error("the secretariat does not see the network's hits")
		}
		if status, _ := w.Post(casePath+"/actions", url.Values{"action": {"confirm"}, "note": {"x"}}); status != http.StatusForbidden {
			t.Errorf("the secretariat acted on a case: %d", status)
		}
	})
	t.Run("ErrOtherCountry", func(t *testing.T) {
		gbr := MustOfficer(t, m, "ncb-gbr", "john.gbr", nil).MustSignIn(t)
		if status, page := gbr.Get(casePath); status != http.StatusNotFound || strings.Contains(page, "15AB12345") {
			t.Fatalf("GBR reads the case: %d %s", status, text(page))
		}
		if status, page := gbr.Get("/hits"); status != http.StatusOK || strings.Contains(page, "15AB") || strings.Contains(page, `href="/hits/`) {
			t.Fatalf("GBR's inbox shows another country's hits: %d %s", status, text(page))
		}
		_, page := gbr.Get("/")
		if got := dashFigure(t, page, "/hits?view=awaiting_them") + dashFigure(t, page, "/hits?view=awaiting_us"); got != "00" {
			t.Errorf("GBR counts others' hits: %s", got)
		}
		if status, _ := gbr.Post(casePath+"/actions", url.Values{"action": {"close"}, "note": {"x"}, "outcome": {"other"}}); status != http.StatusNotFound {
			t.Errorf("GBR acts on the case: %d", status)
		}
		if status, _ := gbr.Post(casePath+"/messages", url.Values{"subject": {"x"}, "body": {"x"}}); status != http.StatusNotFound {
			t.Errorf("GBR writes on the case: %d", status)
		}
		if status, _ := gbr.Get("/hits/999999"); status != http.StatusNotFound {
			t.Errorf("no such hit: %d", status)
		}
		if status, _ := gbr.Get("/hits/abc"); status != http.StatusNotFound {
			t.Errorf("hit abc: %d", status)
		}
	})
	t.Run("ErrNoGrant", func(t *testing.T) {
		w := MustOfficer(t, m, "ncb-deu", "stats.deu", []lookout.Grant{lookout.GrantStatsRead}).MustSignIn(t)
		for _, path := range []string{"/hits", casePath} {
			if status, page := w.Get(path); status != http.StatusForbidden || strings.Contains(page, "15AB12345") {
				t.Errorf("%s without hits:follow: %d", path, status)
			}
		}
		if status, _ := w.Post(casePath+"/actions", url.Values{"action": {"close"}, "note": {"x"}, "outcome": {"other"}}); status != http.StatusForbidden {
			t.Errorf("acts without hits:follow: %d", status)
		}
		status, page := w.Get("/")
		if status != http.StatusOK || strings.Contains(page, `href="/hits"`) || strings.Contains(page, `/hits?view=`) {
			t.Errorf("the dashboard of an account without hits:follow shows hits: %s", text(page))
		}
		if !strings.Contains(page, `href="/stats"`) || !strings.Contains(page, `id="dash-chart-data"`) || dashFigure(t, page, "/messages") != "1" {
			t.Errorf("the dashboard of a statistician: %s", text(page))
		}
	})
}

// flash selects the confirmation that starts with text.
func flash(text string) string {
	return `//p[contains(@class, "flash") and starts-with(normalize-space(.), "` + text + `")]`
}

// TestConsoleHitsBrowser follows a case in Chromium, in the German and the
// French officers' windows side by side: the charts draw, the inbox and the
// case update by themselves as the other side acts, and every page is
// labelled for a screen reader.
func TestConsoleHitsBrowser(t *testing.T) {
	browser := MustBrowser(t)
	m, sec := MustConsoleNCBs(t)
	fraAPI, deuAPI := mustToken(t, sec, "ncb-fra"), mustToken(t, sec, "ncb-deu")
	deuBorder := MustCreateAgency(t, deuAPI, map[string]any{"id": "deu-fra-airport", "kind": "agency", "country": "DEU", "name": "Federal Police, Frankfurt Airport", "grants": []string{"documents:check", "hits:follow"}})
	open := func(number string) string {
		t.Helper()
		if status := fraAPI.do("POST", "/v1/documents", map[string]any{"number": number, "issuing_country": "FRA", "type": "passport", "status": "stolen"}, nil); status != http.StatusCreated {
			t.Fatalf("record %s: %d", number, status)
		}
		var res checkResult
		if status := deuBorder.do("POST", "/v1/documents/check", map[string]any{"number": number, "issuing_country": "FRA"}, &res); status != http.StatusOK || res.Outcome != "hit" {
			t.Fatalf("check %s: %d %+v", number, status, res)
		}
		return res.Matches[0].HitID
	}
	first := open("15CD00001")

	deu, fra := MustTab(t, browser, m), MustTab(t, browser, m)
	deu.signIn(MustOfficer(t, m, "ncb-deu", "anna.deu", nil))
	fra.signIn(MustOfficer(t, m, "ncb-fra", "marie.fra", nil))

	t.Run("Dashboard", func(t *testing.T) {
		deu.open("/")
		deu.do("charts", chromedp.WaitVisible(`#dash-chart-checks canvas`), chromedp.WaitVisible(`#dash-chart-hits canvas`))
		deu.accessible()
		deu.shot("dashboard")
	})
	t.Run("InboxLive", func(t *testing.T) {
		deu.open("/hits")
		deu.do("the first hit", chromedp.WaitVisible(`a[href="/hits/`+first+`"]`))
		deu.accessible()
		// A new check at the border shows in the open inbox by itself.
		second := open("15CD00002")
		deu.do("the new hit, live", chromedp.WaitVisible(`a[href="/hits/`+second+`"]`))
		deu.shot("hits")
	})
	t.Run("NoteSurvivesUpdate", func(t *testing.T) {
		// The deadline passes while the German officer types a note: the
		// case shows it overdue, and the note is still there.
		m.hub.SetDeadlines(time.Second, time.Second)
		late := open("15CD00003")
		m.hub.SetDeadlines(10*time.Minute, 24*time.Hour)
		deu.open("/hits/" + late)
		deu.do("type a note", chromedp.SendKeys(`#note-acknowledge`, "Traveller at gate"))
		time.Sleep(1100 * time.Millisecond)
		if n, err := m.hub.CheckDeadlines(context.Background()); err != nil || n == 0 {
			t.Fatalf("deadline check: %d %v", n, err)
		}
		deu.do("overdue, live", chromedp.WaitVisible(`#case .badge.overdue`))
		note, err := chromedp.Run(deu.ctx, chromedp.Value(`#note-acknowledge`))
		if err != nil || note != "Traveller at gate" {
			t.Fatalf("the note after the update: %q %v", note, err)
		}
	})
	t.Run("CaseLive", func(t *testing.T) {
		fra.open("/hits/" + first)
		fra.accessible()
		deu.open("/hits/" + first)
		deu.accessible()
		deu.do("acknowledge",
			chromedp.SendKeys(`#note-acknowledge`, "Traveller held at gate B22"),
			chromedp.Click(`form.hit-action button[type=submit]`),
			chromedp.WaitVisible(flash("Hit acknowledged")),
		)
		// France's open case offers confirm as soon as Germany acknowledged.
		fra.do("confirm offered, live", chromedp.WaitVisible(`#note-confirm`))
		if txt := fra.text(); !strings.Contains(txt, "Traveller held at gate B22") {
			t.Fatalf("FRA's case did not update: %s", txt)
		}
		fra.do("confirm",
			chromedp.SendKeys(`#note-confirm`, "Record valid"),
			chromedp.Click(`form.hit-action button[type=submit]`),
			chromedp.WaitVisible(flash("Hit confirmed")),
		)
		deu.do("close offered, live", chromedp.WaitVisible(`#outcome-close`))
		fra.do("write", chromedp.SendKeys(`#msg-body`, "Please send the passport back."), chromedp.Submit(`#msg-body`), chromedp.WaitVisible(flash("Message sent")))
		deu.do("the message, live", chromedp.WaitVisible(`//p[contains(., "Please send the passport back.")]`))
		deu.shot("hit")
		deu.do("close",
			chromedp.SetValue(`#outcome-close`, "document_seized"),
			chromedp.SendKeys(`#note-close`, "Passport seized"),
			chromedp.Click(`form.hit-action button[type=submit]`),
			chromedp.WaitVisible(flash("Case closed")),
		)
		if txt := deu.text(); !strings.Contains(txt, "Outcome: Document seized") || !strings.Contains(txt, "The case is closed.") {
			t.Fatalf("closed case: %s", txt)
		}
	})
}

// TestConsoleHitsPaging pages through more hits than a page holds, in a
// view that spans several statuses: every hit shows once, none is lost
// between pages.
func TestConsoleHitsPaging(t *testing.T) {
	m, sec := MustConsoleNCBs(t)
	fraAPI, deuAPI := mustToken(t, sec, "ncb-fra"), mustToken(t, sec, "ncb-deu")
	const n = 130
	var docs, checks strings.Builder
	for i := range n {
		fmt.Fprintf(&docs, `{"number": "PG%07d", "issuing_country": "FRA", "type": "passport", "status": "lost"}`+"\n", i)
		fmt.Fprintf(&checks, `{"number": "PG%07d", "issuing_country": "FRA"}`+"\n", i)
	}
	fraAPI.ndjson("/v1/documents/batch", docs.String())
	var hits []string
	for _, r := range deuAPI.ndjson("/v1/documents/check/batch", checks.String()) {
		matches, _ := r["matches"].([]any)
		if len(matches) != 1 {
			t.Fatalf("check: %v", r)
		}
		hits = append(hits, matches[0].(map[string]any)["hit_id"].(string))
	}
	// Germany acknowledges every third: those await France, the others
	// Germany; the two statuses interleave.
	acked := map[string]bool{}
	for i, id := range hits {
		if i%3 == 0 {
			if status := deuAPI.do("POST", "/v1/hits/"+id+"/actions", map[string]any{"action": "acknowledge", "note": "seen"}, nil); status != http.StatusOK {
				t.Fatalf("acknowledge %s: %d", id, status)
			}
			acked[id] = true
		}
	}
	w := MustOfficer(t, m, "ncb-deu", "anna.deu", nil).MustSignIn(t)
	link := regexp.MustCompile(`<a href="/hits/(\d+)">`)
	next := regexp.MustCompile(`<a href="([^"]+)" rel="next">`)
	walk := func(path string) ([]string, int) {
		t.Helper()
		var seen []string
		pages := 0
		for path != "" {
			status, page := w.Get(path)
			if status != http.StatusOK {
				t.Fatalf("%s: %d", path, status)
			}
			pages++
			rows := link.FindAllStringSubmatch(page, -1)
			if len(rows) > 50 {
				t.Fatalf("%s: %d rows on a page", path, len(rows))
			}
			for _, r := range rows {
				seen = append(seen, r[1])
			}
			path = ""
			if m := next.FindStringSubmatch(page); m != nil {
				path = strings.ReplaceAll(m[1], "&amp;", "&")
			}
		}
		return seen, pages
	}
	for view, want := range map[string]func(id string) bool{
		"":              func(string) bool { return true },
		"awaiting_us":   func(id string) bool { return !acked[id] },
		"awaiting_them": func(id string) bool { return acked[id] },
	} {
		seen, pages := walk("/hits?view=" + view)
		var expect []string
		for _, id := range hits {
			if want(id) {
				expect = append(expect, id)
			}
		}
		if fmt.Sprint(seen) != fmt.Sprint(expect) {
			t.Errorf("view %q over %d pages: %d hits %v, want %d %v", view, pages, len(seen), seen, len(expect), expect)
		}
		if min := (len(expect) + 49) / 50; pages < min {
			t.Errorf("view %q: %d pages for %d hits", view, pages, len(expect))
		}
	}
	_, page := w.Get("/")
	if us, them := dashFigure(t, page, "/hits?view=awaiting_us"), dashFigure(t, page, "/hits?view=awaiting_them"); us != "86" || them != "44" {
		t.Errorf("dashboard: %s awaiting us, %s awaiting them; want 86 and 44", us, them)
	}
}
