package main

import (
	"database/sql"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/lookout-network/lookout"
)

// auditRowText is a row of the audit table: its number and its text.
type auditRowText struct {
	Seq   int64
	Text  string
	Cells []string
}

var auditCellPattern = regexp.MustCompile(`(?s)<t[hd][^>]*>(.*?)</t[hd]>`)

var auditRowPattern = regexp.MustCompile(`(?s)<tr id="audit-(\d+)">(.*?)</tr>`)

// auditRows returns the rows of the audit page, top to bottom.
func auditRows(t *testing.T, body string) []auditRowText {
	t.Helper()
	var out []auditRowText
	for _, m := range auditRowPattern.FindAllStringSubmatch(body, -1) {
		seq, _ := strconv.ParseInt(m[1], 10, 64)
		r := auditRowText{Seq: seq, Text: text(m[2])}
		for _, c := range auditCellPattern.FindAllStringSubmatch(m[2], -1) {
			r.Cells = append(r.Cells, text(c[1]))
		}
		if len(r.Cells) != 10 {
			t.Fatalf("row %d has %d cells: %q", seq, len(r.Cells), r.Cells)
		}
		out = append(out, r)
	}
	return out
}

// auditLink returns the pager link with rel, or "".
func auditLink(body, rel string) string {
	m := regexp.MustCompile(`href="([^"]*)" rel="` + rel + `"`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

func TestConsoleAudit(t *testing.T) {
	m, sec := MustConsoleNCBs(t)
	fra, deu := statsToken(t, sec, "ncb-fra"), statsToken(t, sec, "ncb-deu")
	// 60 checks by FRA, more than a page; DEU records a document.
	for i := range 60 {
		if status := fra.do("POST", "/v1/documents/check", map[string]any{"number": fmt.Sprintf("AB%07d", i), "issuing_country": "DEU"}, nil); status != http.StatusOK {
			t.Fatalf("check %d: %d", i, status)
		}
	}
	if status := deu.do("POST", "/v1/documents", map[string]any{"number": "C01X00T47", "issuing_country": "DEU", "type": "passport", "status": "stolen"}, nil); status != http.StatusCreated {
		t.Fatalf("create document: %d", status)
	}
	// FRA's auditor reads the trail; an officer signed in before.
	MustOfficer(t, m, "ncb-fra", "marc", []lookout.Grant{lookout.GrantDocumentsCheck}).MustSignIn(t)
	w := MustOfficer(t, m, "ncb-fra", "claire", []lookout.Grant{lookout.GrantAuditRead}).MustSignIn(t)

	t.Run("OK", func(t *testing.T) {
		status, body := w.Get("/audit")
		if status != http.StatusOK || strings.Contains(body, "[audit.") {
			t.Fatalf("%d %s", status, text(body))
		}
		rows := auditRows(t, body)
		if len(rows) != 50 {
			t.Fatalf("%d rows, want a page of 50", len(rows))
		}
		for i := 1; i < len(rows); i++ {
			if rows[i].Seq >= rows[i-1].Seq {
				t.Fatalf("not newest first: %d after %d", rows[i].Seq, rows[i-1].Seq)
			}
		}
		// The newest: claire's sign-in, then marc's, with the person's name.
		if !regexp.MustCompile(`^\d+ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC ncb-fra claire FRA account.sign_in claire ok`).MatchString(rows[0].Text) {
			t.Errorf("newest entry %q, want claire's sign-in", rows[0].Text)
		}
		if !strings.Contains(rows[1].Text, "ncb-fra marc FRA account.sign_in marc ok") {
			t.Errorf("second entry %q, want marc's sign-in", rows[1].Text)
		}
		// An API check: the agency acted, no person.
		if !strings.Contains(rows[2].Text, "ncb-fra none FRA documents.check documents") || !strings.Contains(rows[2].Text, "no_hit") {
			t.Errorf("third entry %q, want FRA's last check", rows[2].Text)
		}
		if !strings.Contains(body, `action="/audit/verify"`) {
			t.Error("no Verify the chain button")
		}
	})
	t.Run("OtherCountryDoesNotLeak", func(t *testing.T) {
		for _, path := range []string{"/audit?agency=ncb-deu", "/audit?action=documents.create", "/audit?country=DEU"} {
			status, body := w.Get(path)
			if status != http.StatusOK {
				t.Fatalf("%s: %d", path, status)
			}
			for _, r := range auditRows(t, body) {
				// The agency and country columns.
				if r.Cells[2] != "ncb-fra" || r.Cells[4] != "FRA" {
					t.Errorf("%s shows another country's entry to FRA: %s", path, r.Text)
				}
			}
		}
		if _, body := w.Get("/audit"); strings.Contains(body, `id="audit-country"`) {
			t.Error("an NCB's auditor is offered a country filter")
		}
	})
	t.Run("FilterAction", func(t *testing.T) {
		_, body := w.Get("/audit?action=account.sign_in")
		rows := auditRows(t, body)
		if len(rows) != 2 {
			t.Fatalf("sign-ins: %d rows %v", len(rows), rows)
		}
		for _, r := range rows {
			if !strings.Contains(r.Text, "account.sign_in") {
				t.Errorf("row %q", r.Text)
			}
		}
	})
	t.Run("FilterAccount", func(t *testing.T) {
		_, body := w.Get("/audit?account=Marc")
		rows := auditRows(t, body)
		if len(rows) != 1 || !strings.Contains(rows[0].Text, "marc FRA account.sign_in") {
			t.Fatalf("marc's entries: %v", rows)
		}
		if !strings.Contains(body, `name="account" value="marc"`) {
			t.Error("the filter is not shown back")
		}
	})
	t.Run("FilterDates", func(t *testing.T) {
		today := time.Now().UTC()
		_, body := w.Get("/audit?action=account.sign_in&from=" + today.Format(lookout.DateLayout) + "&to=" + today.Format(lookout.DateLayout))
		if n := len(auditRows(t, body)); n != 2 {
			t.Errorf("today: %d rows, want 2", n)
		}
		_, body = w.Get("/audit?to=" + today.AddDate(0, 0, -1).Format(lookout.DateLayout))
		if n := len(auditRows(t, body)); n != 0 || !strings.Contains(body, `id="audit-none"`) {
			t.Errorf("until yesterday: %d rows", n)
		}
		status, body := w.Get("/audit?from=2026-05-02&to=2026-05-01")
		if status != http.StatusBadRequest || !strings.Contains(text(body), "From 2026-05-02 is after to 2026-05-01") || !statsFieldError(body, "from") {
			t.Errorf("from after to: %d %s", status, text(body))
		}
		status, body = w.Get("/audit?to=01/05/2026")
		if status != http.StatusBadRequest || !strings.Contains(text(body), `To "01/05/2026" is not a date`) || !statsFieldError(body, "to") {
			t.Errorf("bad date: %d %s", status, text(body))
		}
	})
	t.Run("Paging", func(t *testing.T) {
		_, first := w.Get("/audit?action=documents.check")
		page1 := auditRows(t, first)
		older := auditLink(first, "next")
		if len(page1) != 50 || older == "" || auditLink(first, "prev") != "" {
			t.Fatalf("page 1: %d rows, older %q", len(page1), older)
		}
		if u, _ := url.Parse(older); u.Query().Get("action") != "documents.check" || u.Query().Get("before") != strconv.FormatInt(page1[49].Seq, 10) {
			t.Fatalf("older link %q", older)
		}
		_, second := w.Get(older)
		page2 := auditRows(t, second)
		if len(page2) != 10 || page2[0].Seq >= page1[49].Seq || auditLink(second, "next") != "" {
			t.Fatalf("page 2: %d rows, first %v, older %q", len(page2), page2, auditLink(second, "next"))
		}
		newer := auditLink(second, "prev")
		_, back := w.Get(newer)
		again := auditRows(t, back)
		if len(again) != 50 || again[0].Seq != page1[0].Seq || again[49].Seq != page1[49].Seq {
			t.Fatalf("newer from page 2 (%q): %d rows, %v..%v", newer, len(again), again[0], again[len(again)-1])
		}
		if status, body := w.Get("/audit?before=abc"); status != http.StatusBadRequest || !strings.Contains(text(body), "is not an entry number") {
			t.Errorf("bad cursor: %d %s", status, text(body))
		}
	})
	t.Run("Verify", func(t *testing.T) {
		w.Get("/audit")
		status, body := w.Post("/audit/verify", nil)
		if status != http.StatusOK || !strings.Contains(text(body), "The chain is intact") || strings.Contains(body, "[audit.") {
			t.Fatalf("%d %s", status, text(body))
		}
		entries := regexp.MustCompile(`id="audit-verify-entries">(\d+)<`).FindStringSubmatch(body)
		head := regexp.MustCompile(`id="audit-verify-head">(\d+)<`).FindStringSubmatch(body)
		if entries == nil || head == nil || entries[1] != head[1] || entries[1] == "0" {
			t.Fatalf("entries %v head %v\n%s", entries, head, text(body))
		}
		if !strings.Contains(text(body), "Time taken") {
			t.Error("no time taken")
		}
		// The verification is in the trail, under the auditor's name.
		_, body = w.Get("/audit?action=audit.verify")
		rows := auditRows(t, body)
		if len(rows) != 1 || !strings.Contains(rows[0].Text, "ncb-fra claire FRA audit.verify") || !strings.Contains(rows[0].Text, "ok intact: "+entries[1]+" entries") {
			t.Fatalf("audit.verify entries: %v", rows)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		b := MustOfficer(t, m, "ncb-fra", "remi", []lookout.Grant{lookout.GrantDocumentsCheck, lookout.GrantStatsRead}).MustSignIn(t)
		if status, body := b.Get("/audit"); status != http.StatusForbidden || !strings.Contains(text(body), "audit:read") {
			t.Errorf("GET /audit: %d %s", status, text(body))
		}
		b.Get("/")
		if status, _ := b.Post("/audit/verify", nil); status != http.StatusForbidden {
			t.Errorf("POST /audit/verify: %d", status)
		}
		if _, body := b.Get("/"); strings.Contains(body, `href="/audit"`) {
			t.Error("the menu offers Audit to an account without audit:read")
		}
		if _, body := w.Get("/"); !strings.Contains(body, `href="/audit"`) {
			t.Error("the menu lacks Audit for an auditor")
		}
		_, body := w.Get("/audit?action=audit.verify&account=remi")
		if len(auditRows(t, body)) != 0 {
			t.Error("a refused verification was recorded as one")
		}
	})
	t.Run("Secretariat", func(t *testing.T) {
		s := MustOfficer(t, m, "secretariat", "ines", nil).MustSignIn(t)
		_, body := s.Get("/audit?agency=ncb-deu&action=documents.create")
		rows := auditRows(t, body)
		if len(rows) != 1 || !strings.Contains(rows[0].Text, "ncb-deu none DEU documents.create documents") {
			t.Fatalf("DEU's document: %v", rows)
		}
		_, body = s.Get("/audit?country=fra&action=account.sign_in")
		if rows := auditRows(t, body); len(rows) != 3 { // marc, claire, remi
			t.Fatalf("FRA sign-ins for the secretariat: %v", rows)
		}
		if !strings.Contains(body, `id="audit-country"`) {
			t.Error("no country filter for the secretariat")
		}
	})
	// Last: this breaks the chain for good.
	t.Run("VerifyBroken", func(t *testing.T) {
		db, err := sql.Open("sqlite", "file:"+filepath.Join(m.DataDir, "lookout.db")+"?_pragma=busy_timeout(10000)")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(`UPDATE audit SET detail = 'x' WHERE seq = 2`); err != nil {
			t.Fatal(err)
		}
		w.Get("/audit")
		status, body := w.Post("/audit/verify", nil)
		got := text(body)
		if status != http.StatusOK || !strings.Contains(got, "The chain is BROKEN") || !strings.Contains(got, "audit entry 2: content does not match its hash") || !strings.Contains(got, "The first broken entry is number 2") {
			t.Fatalf("%d %s", status, got)
		}
		if strings.Contains(got, "The chain is intact") {
			t.Fatal("a broken chain reported intact")
		}
		if !strings.Contains(body, `href="/audit?before=3"`) {
			t.Error("no link to the broken entry")
		}
		_, body = w.Get("/audit?action=audit.verify")
		rows := auditRows(t, body)
		if len(rows) != 2 || !strings.Contains(rows[0].Text, "claire FRA audit.verify broken audit entry 2:") {
			t.Fatalf("the broken verification in the trail: %v", rows)
		}
	})
}

// TestConsoleAuditBrowser verifies the chain with the button, as an
// auditor does.
func TestConsoleAuditBrowser(t *testing.T) {
	browser := MustBrowser(t)
	m, _ := MustConsoleNCBs(t)
	w := MustTab(t, browser, m)
	w.signIn(MustOfficer(t, m, "secretariat", "agathe", []lookout.Grant{lookout.GrantAuditRead}))
	w.open("/audit")
	w.do("trail", chromedp.WaitVisible("#audit-entries"))
	w.accessible()
	w.shot("audit")
	w.do("verify", chromedp.Click("#audit-verify-button"), chromedp.WaitVisible("#audit-verify-result"))
	if txt := w.text(); !strings.Contains(txt, "The chain is intact") {
		t.Fatalf("verify: %s", txt)
	}
	w.accessible()
	w.shot("audit-verify")
}
