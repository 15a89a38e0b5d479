package main

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/lookout-network/lookout"
)

// mailFile is a file chosen in the compose form.
type mailFile struct {
	name, contentType string
	data              []byte
}

// mailPost sends the compose form as a browser does, multipart with the
// files under "attachments" and the page's form token.
func mailPost(w *web, path string, form url.Values, files ...mailFile) (int, string) {
	w.tb.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if _, ok := form["csrf"]; !ok {
		mw.WriteField("csrf", w.csrf)
	}
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="attachments"; filename="`+f.name+`"`)
		h.Set("Content-Type", f.contentType)
		part, err := mw.CreatePart(h)
		if err != nil {
			w.tb.Fatal(err)
		}
		part.Write(f.data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", w.url+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return w.do(req)
}

var sentMessageID = regexp.MustCompile(`/messages/new\?reply=(\d+)`)

// mustSend posts the compose form and returns the sent message's ID from
// the page it lands on.
func mustSend(t *testing.T, w *web, form url.Values, files ...mailFile) string {
	t.Helper()
	if status, body := w.Get("/messages/new"); status != http.StatusOK {
		t.Fatalf("compose: %d %s", status, text(body))
	}
	status, body := mailPost(w, "/messages", form, files...)
	m := sentMessageID.FindStringSubmatch(body)
	if status != http.StatusOK || m == nil || !strings.Contains(text(body), "Message sent.") || !strings.Contains(text(body), form.Get("subject")) {
		t.Fatalf("send %v: %d %s", form, status, text(body))
	}
	return m[1]
}

// mailRowOf returns the table row of a box that links to message id.
func mailRowOf(body, id string) string {
	for _, row := range strings.Split(body, "<tr") {
		if strings.Contains(row, `href="/messages/`+id+`"`) {
			return row
		}
	}
	return ""
}

// TestConsoleMessages follows a message from FRA to DEU: sent with a
// file, unread in DEU's inbox, opened (read, with FRA's receipt), the file
// downloaded as sent; then diffusion to several NCBs, another country
// refused, bad forms, an account without messages:send, and search.
func TestConsoleMessages(t *testing.T) {
	m, sec := MustConsoleNCBs(t)
	MustCreateAgency(t, sec, map[string]any{"id": "ncb-gbr", "kind": "ncb", "country": "GBR", "name": "NCB GBR"})
	MustCreateAgency(t, sec, map[string]any{"id": "ncb-ita", "kind": "ncb", "country": "ITA", "name": "NCB ITA"})
	fra := MustOfficer(t, m, "ncb-fra", "amelie", nil).MustSignIn(t)
	deu := MustOfficer(t, m, "ncb-deu", "jonas", nil).MustSignIn(t)
	gbr := MustOfficer(t, m, "ncb-gbr", "oliver", nil).MustSignIn(t)
	ita := MustOfficer(t, m, "ncb-ita", "giulia", nil).MustSignIn(t)

	// A PNG's signature and then every byte value: what comes back must be
	// the very same bytes.
	scan := []byte("\x89PNG\r\n\x1a\n")
	for i := 0; i < 512; i++ {
		scan = append(scan, byte(i*7))
	}
	var firstID string

	t.Run("Compose", func(t *testing.T) {
		status, body := fra.Get("/messages/new")
		if status != http.StatusOK {
			t.Fatalf("compose: %d", status)
		}
		for _, want := range []string{`value="ncb-deu"`, `value="ncb-gbr"`, `value="secretariat"`, `value="ncb:*"`, `name="subject"`, `name="body"`, `name="priority"`, `name="hit_id"`, `type="file"`, `enctype="multipart/form-data"`, `name="csrf"`} {
			if !strings.Contains(body, want) {
				t.Errorf("compose form lacks %s", want)
			}
		}
		if strings.Contains(body, `value="ncb-fra"`) {
			t.Error("the compose form offers FRA its own agency")
		}
	})

	t.Run("SendWithAttachment", func(t *testing.T) {
		firstID = mustSend(t, fra, url.Values{"to": {"ncb-deu"}, "subject": {"Passport C01X00T47 seized"}, "body": {"Traveller held at Roissy with a forged visa.\nScan attached."}, "priority": {"urgent"}},
			mailFile{"scan of page 2.png", "image/png", scan})
		_, body := fra.Get("/messages/" + firstID)
		page := text(body)
		for _, want := range []string{"ncb-deu", "Urgent", "forged visa", "scan of page 2.png", "Read receipts", "not read yet"} {
			if !strings.Contains(page, want) {
				t.Errorf("sent message lacks %q: %s", want, page)
			}
		}
	})

	t.Run("InboxUnread", func(t *testing.T) {
		status, body := deu.Get("/messages")
		row := mailRowOf(body, firstID)
		if status != http.StatusOK || row == "" {
			t.Fatalf("DEU's inbox: %d %s", status, text(body))
		}
		if !strings.Contains(row, `class="unread"`) || !strings.Contains(text(row), "unread") || !strings.Contains(text(row), "Urgent") ||
			!strings.Contains(text(row), "ncb-fra") || !strings.Contains(text(row), "1 attached") {
			t.Fatalf("inbox row: %s", text(row))
		}
		if !strings.Contains(body, `aria-current="page">Inbox`) || !strings.Contains(body, `data-live="message.received message.read"`) {
			t.Fatal("inbox tab not current, or the list is not live")
		}
	})

	t.Run("OpenMarksRead", func(t *testing.T) {
		status, body := deu.Get("/messages/" + firstID)
		page := text(body)
		if status != http.StatusOK || !strings.Contains(page, "Traveller held at Roissy with a forged visa.") || !strings.Contains(page, "Reply") {
			t.Fatalf("DEU opens: %d %s", status, page)
		}
		if strings.Contains(page, "Read receipts") {
			t.Error("a recipient sees the read receipts")
		}
		_, body = deu.Get("/messages")
		if row := mailRowOf(body, firstID); row == "" || strings.Contains(row, `class="unread"`) || strings.Contains(text(row), "unread") {
			t.Fatalf("still unread after opening: %s", text(row))
		}
		_, body = fra.Get("/messages/" + firstID)
		if page := text(body); !strings.Contains(page, "read 20") || strings.Contains(page, "not read yet") {
			t.Fatalf("FRA sees no read receipt: %s", page)
		}
		_, body = fra.Get("/messages?box=sent")
		if row := mailRowOf(body, firstID); !strings.Contains(text(row), "1 of 1") || !strings.Contains(body, `aria-current="page">Sent`) {
			t.Fatalf("sent box row: %s", text(row))
		}
	})

	t.Run("DownloadAttachment", func(t *testing.T) {
		resp, err := deu.client.Get(m.URL + "/messages/" + firstID + "/attachments/0")
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !bytes.Equal(got, scan) {
			t.Fatalf("download: %d, %d bytes, same %v", resp.StatusCode, len(got), bytes.Equal(got, scan))
		}
		h := resp.Header
		if h.Get("Content-Type") != "image/png" || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("Content-Disposition") != `attachment; filename="scan of page 2.png"` || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") {
			t.Fatalf("download headers: %v", h)
		}
		if status, _ := deu.Get("/messages/" + firstID + "/attachments/1"); status != http.StatusNotFound {
			t.Fatalf("attachment 1 of 1: %d", status)
		}
	})

	t.Run("ErrOtherCountry", func(t *testing.T) {
		for _, w := range []*web{gbr, ita} {
			for _, path := range []string{"/messages/" + firstID, "/messages/" + firstID + "/attachments/0", "/messages/new?reply=" + firstID} {
				status, body := w.Get(path)
				if status != http.StatusNotFound || strings.Contains(body, "forged visa") || strings.Contains(body, "C01X00T47") {
					t.Fatalf("%s: %d %s", path, status, text(body))
				}
			}
			for _, box := range []string{"inbox", "sent"} {
				if _, body := w.Get("/messages?box=" + box); mailRowOf(body, firstID) != "" || strings.Contains(body, "C01X00T47") {
					t.Fatalf("another country's %s lists FRA's message", box)
				}
			}
		}
	})

	t.Run("SeveralNCBs", func(t *testing.T) {
		id := mustSend(t, fra, url.Values{"to": {"ncb-deu", "ncb-gbr"}, "subject": {"Counterfeit stamps wave"}, "body": {"Please check your stocks of blank passports."}, "priority": {"routine"}})
		for name, w := range map[string]*web{"DEU": deu, "GBR": gbr} {
			_, body := w.Get("/messages")
			if row := mailRowOf(body, id); !strings.Contains(row, `class="unread"`) || !strings.Contains(text(row), "Counterfeit stamps wave") {
				t.Fatalf("%s's inbox row: %q", name, text(row))
			}
		}
		if status, _ := ita.Get("/messages/" + id); status != http.StatusNotFound {
			t.Fatalf("ITA opens a message to DEU and GBR: %d", status)
		}
		_, body := fra.Get("/messages/" + id)
		if page := text(body); !strings.Contains(page, "ncb-deu, ncb-gbr") {
			t.Fatalf("recipients: %s", page)
		}
	})

	t.Run("Reply", func(t *testing.T) {
		status, body := deu.Get("/messages/new?reply=" + firstID)
		if status != http.StatusOK || !strings.Contains(body, `value="Re: Passport C01X00T47 seized"`) || !strings.Contains(body, `name="reply_to" value="`+firstID+`"`) ||
			!regexp.MustCompile(`value="ncb-fra" checked`).MatchString(body) {
			t.Fatalf("reply form: %d %s", status, body)
		}
		id := mustSend(t, deu, url.Values{"to": {"ncb-fra"}, "subject": {"Re: Passport C01X00T47 seized"}, "body": {"Thank you, we confirm the theft."}, "reply_to": {firstID}})
		_, body = fra.Get("/messages/" + id)
		if page := text(body); !strings.Contains(page, "In this thread") || !strings.Contains(page, "Traveller held at Roissy") || !strings.Contains(page, "we confirm the theft") {
			t.Fatalf("reply with its thread: %s", page)
		}
	})

	sentBy := func(agency string) int {
		t.Helper()
		list, _, err := m.hub.Messages(lookout.NewContext(context.Background(), mustCaller(t, m, agency)), "sent", "", 0)
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}

	t.Run("ErrMissingSubject", func(t *testing.T) {
		before := sentBy("ncb-fra")
		fra.Get("/messages/new")
		status, body := mailPost(fra, "/messages", url.Values{"to": {"ncb-deu"}, "subject": {"  "}, "body": {"Kept as typed."}, "priority": {"urgent"}}, mailFile{"note.txt", "text/plain", []byte("a note")})
		if status != http.StatusBadRequest || !strings.Contains(body, `<span class="field-error" role="alert">Write a subject.</span>`) {
			t.Fatalf("no subject: %d %s", status, text(body))
		}
		if !strings.Contains(body, "Kept as typed.") || !regexp.MustCompile(`value="ncb-deu" checked`).MatchString(body) ||
			!regexp.MustCompile(`value="urgent" checked`).MatchString(body) || !strings.Contains(text(body), "Choose your files again (note.txt)") {
			t.Fatalf("the form lost what was typed: %s", body)
		}
		if n := sentBy("ncb-fra"); n != before {
			t.Fatalf("stored %d messages", n-before)
		}
	})

	t.Run("ErrMissingRecipient", func(t *testing.T) {
		before := sentBy("ncb-fra")
		fra.Get("/messages/new")
		status, body := fra.Post("/messages", url.Values{"subject": {"To nobody"}, "body": {"who reads this?"}})
		if status != http.StatusBadRequest || !strings.Contains(body, `id="to-error"><span class="field-error" role="alert">Choose at least one recipient.</span>`) || !strings.Contains(body, `value="To nobody"`) {
			t.Fatalf("no recipient: %d %s", status, text(body))
		}
		status, body = fra.Post("/messages", url.Values{"to": {"ncb-nowhere"}, "subject": {"To nowhere"}})
		if status != http.StatusBadRequest || !strings.Contains(body, `id="to-error"><span class="field-error" role="alert">agency &#34;ncb-nowhere&#34; is not a member`) {
			t.Fatalf("unknown recipient: %d %s", status, text(body))
		}
		if n := sentBy("ncb-fra"); n != before {
			t.Fatalf("stored %d messages", n-before)
		}
	})

	t.Run("ErrAttachmentType", func(t *testing.T) {
		before := sentBy("ncb-fra")
		fra.Get("/messages/new")
		status, body := mailPost(fra, "/messages", url.Values{"to": {"ncb-deu"}, "subject": {"A page"}}, mailFile{"page.html", "text/html", []byte("<html><script>alert(1)</script></html>")})
		if status != http.StatusBadRequest || !strings.Contains(body, `id="attachments-error"><span class="field-error"`) {
			t.Fatalf("HTML attachment: %d %s", status, text(body))
		}
		if n := sentBy("ncb-fra"); n != before {
			t.Fatalf("stored %d messages", n-before)
		}
	})

	t.Run("ErrNoGrant", func(t *testing.T) {
		w := MustOfficer(t, m, "ncb-fra", "reader", []lookout.Grant{lookout.GrantHitsFollow}).MustSignIn(t)
		status, body := w.Get("/messages")
		if status != http.StatusOK || !strings.Contains(body, `href="/messages"`) || strings.Contains(body, `href="/messages/new"`) {
			t.Fatalf("inbox without messages:send: %d, menu entry or compose link wrong\n%s", status, body)
		}
		if status, _ := w.Get("/messages/new"); status != http.StatusForbidden {
			t.Fatalf("compose without messages:send: %d", status)
		}
		before := sentBy("ncb-fra")
		if status, _ := mailPost(w, "/messages", url.Values{"to": {"ncb-deu"}, "subject": {"Not allowed"}}); status != http.StatusForbidden {
			t.Fatalf("send without messages:send: %d", status)
		}
		if n := sentBy("ncb-fra"); n != before {
			t.Fatalf("stored %d messages", n-before)
		}
	})

	t.Run("Search", func(t *testing.T) {
		_, body := deu.Get("/messages?box=inbox&q=visa")
		if mailRowOf(body, firstID) == "" || strings.Contains(body, "Counterfeit stamps wave") {
			t.Fatalf("search visa: %s", text(body))
		}
		_, body = fra.Get("/messages?box=sent&q=" + url.QueryEscape("BLANK passports"))
		if !strings.Contains(body, "Counterfeit stamps wave") || mailRowOf(body, firstID) != "" {
			t.Fatalf("search blank passports: %s", text(body))
		}
		_, body = deu.Get("/messages?q=submarine")
		if !strings.Contains(text(body), "No message holds every word of “submarine”") {
			t.Fatalf("search for nothing: %s", text(body))
		}
		// Another country's words find nothing of FRA's.
		if _, body := ita.Get("/messages?q=visa"); mailRowOf(body, firstID) != "" {
			t.Fatal("ITA finds FRA's message by a word")
		}
		status, body := deu.Get("/messages?q=%21")
		if status != http.StatusBadRequest || !strings.Contains(body, `id="q-error"><span class="field-error"`) {
			t.Fatalf("search without a word: %d %s", status, text(body))
		}
	})

	t.Run("HitLink", func(t *testing.T) {
		tok := func(id string) *client {
			var out struct {
				Token string `json:"token"`
			}
			if status := sec.do("POST", "/v1/agencies/"+id+"/tokens", nil, &out); status != http.StatusCreated {
				t.Fatalf("token of %s: %d", id, status)
			}
			return &client{tb: t, url: m.URL, token: out.Token}
		}
		deuAPI, fraAPI := tok("ncb-deu"), tok("ncb-fra")
		if status := deuAPI.do("POST", "/v1/documents", map[string]any{"number": "C01X00T48", "issuing_country": "DEU", "type": "passport", "status": "stolen"}, nil); status != http.StatusCreated {
			t.Fatalf("document: %d", status)
		}
		var res checkResult
		if status := fraAPI.do("POST", "/v1/documents/check", map[string]any{"number": "C01X00T48", "issuing_country": "DEU"}, &res); status != http.StatusOK || res.Outcome != "hit" {
			t.Fatalf("check: %d %+v", status, res)
		}
		hitID := res.Matches[0].HitID
		_, body := fra.Get("/messages/new?hit=" + hitID)
		if !strings.Contains(body, `name="hit_id" value="`+hitID+`"`) || !regexp.MustCompile(`value="ncb-deu" checked`).MatchString(body) {
			t.Fatalf("compose on a hit: %s", body)
		}
		id := mustSend(t, fra, url.Values{"to": {"ncb-deu"}, "subject": {"About the hit"}, "body": {"Details follow."}, "hit_id": {hitID}})
		_, body = deu.Get("/messages")
		if row := mailRowOf(body, id); !strings.Contains(row, `href="/hits/`+hitID+`"`) {
			t.Fatalf("inbox row without the hit: %s", row)
		}
		// A message on a hit goes to the hit's two countries only.
		fra.Get("/messages/new")
		status, body := fra.Post("/messages", url.Values{"to": {"ncb-gbr"}, "subject": {"Not party"}, "hit_id": {hitID}})
		if status != http.StatusForbidden || !strings.Contains(body, `value="Not party"`) {
			t.Fatalf("hit message to GBR: %d %s", status, text(body))
		}
		status, body = fra.Post("/messages", url.Values{"to": {"ncb-deu"}, "subject": {"No such hit"}, "hit_id": {"999999"}})
		if status != http.StatusBadRequest || !strings.Contains(body, `id="hit_id-error"><span class="field-error"`) {
			t.Fatalf("unknown hit: %d %s", status, text(body))
		}
	})

	t.Run("NoticeLink", func(t *testing.T) {
		deuAPI := screensClient(t, sec, "ncb-deu")
		person := screensCreate(t, deuAPI, "/v1/persons", wanted)
		diffusion := redNotice(person)
		diffusion["recipients"] = []string{"FRA"}
		notice := screensCreate(t, deuAPI, "/v1/diffusions", diffusion)

		// The notice's page offers to write about it; nothing written yet.
		status, body := fra.Get("/notices/" + notice)
		if status != http.StatusOK || !strings.Contains(body, `href="/messages/new?notice=`+notice+`"`) || !strings.Contains(text(body), "Write about this notice") ||
			!strings.Contains(text(body), "no message about this notice") {
			t.Fatalf("notice page: %d %s", status, text(body))
		}
		// Compose about it: the notice prefilled, its owner's NCB chosen.
		status, body = fra.Get("/messages/new?notice=" + notice)
		if status != http.StatusOK || !strings.Contains(body, `name="notice_id" value="`+notice+`"`) || !regexp.MustCompile(`value="ncb-deu" checked`).MatchString(body) {
			t.Fatalf("compose about a notice: %d %s", status, body)
		}
		id := mustSend(t, fra, url.Values{"to": {"ncb-deu"}, "subject": {"Petrov seen in Lyon"}, "body": {"Photos follow."}, "notice_id": {notice}})
		for who, w := range map[string]*web{"the sender": fra, "the recipient": deu} {
			_, body := w.Get("/messages/" + id)
			if !strings.Contains(body, `href="/notices/`+notice+`"`) || !strings.Contains(text(body), "notice "+notice) {
				t.Errorf("%s's message page lacks the notice link: %s", who, text(body))
			}
			// And the notice's page lists the message.
			_, body = w.Get("/notices/" + notice)
			if !strings.Contains(body, `href="/messages/`+id+`"`) || !strings.Contains(text(body), "Petrov seen in Lyon") {
				t.Errorf("%s's notice page lacks the message: %s", who, text(body))
			}
		}
		// The reply form keeps the notice.
		if _, body := deu.Get("/messages/new?reply=" + id); !strings.Contains(body, `name="notice_id" value="`+notice+`"`) {
			t.Fatalf("reply form without the notice: %s", body)
		}
		// ITA may not see a diffusion to FRA: the form says so, nothing is
		// sent; a number that is not one is refused as well.
		before := sentBy("ncb-ita")
		ita.Get("/messages/new")
		status, body = ita.Post("/messages", url.Values{"to": {"ncb-deu"}, "subject": {"About your diffusion"}, "notice_id": {notice}})
		if status != http.StatusBadRequest || !strings.Contains(body, `id="notice_id-error"><span class="field-error" role="alert">Notice `+notice+` is not a notice or diffusion your country can see.`) ||
			!strings.Contains(body, `value="About your diffusion"`) {
			t.Fatalf("ITA links FRA's diffusion: %d %s", status, text(body))
		}
		status, body = ita.Post("/messages", url.Values{"to": {"ncb-deu"}, "subject": {"About a notice"}, "notice_id": {"twelve"}})
		if status != http.StatusBadRequest || !strings.Contains(body, `id="notice_id-error"><span class="field-error"`) {
			t.Fatalf("notice number twelve: %d %s", status, text(body))
		}
		if n := sentBy("ncb-ita"); n != before {
			t.Fatalf("stored %d messages", n-before)
		}
		if status, _ := ita.Get("/notices/" + notice); status != http.StatusNotFound {
			t.Fatalf("ITA reads the diffusion's page: %d", status)
		}
	})
}
