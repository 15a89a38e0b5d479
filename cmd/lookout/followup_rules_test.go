package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestCaseRules refuses every out-of-order and wrong-side action, naming
// what is wrong, and allows each step taken by its side in order.
func TestCaseRules(t *testing.T) {
	n := mustNetwork(t)
	hitID := n.mustHit(t, "C01X00T47", false)
	refuse := func(name string, c *client, body map[string]any, status int, field string) {
		t.Helper()
		t.Run(name, func(t *testing.T) {
			got, e := n.act(t, c, hitID, body)
			if got != status || e.Error.Message == "" || e.Error.Field != field {
				t.Fatalf("%v: %d %+v, want %d naming %q", body, got, e, status, field)
			}
		})
	}
	note := "seen"
	refuse("ErrInvalidAction", n.fra, map[string]any{"action": "approve", "note": note}, 400, "action")
	refuse("ErrInvalidNoNote", n.fra, map[string]any{"action": "acknowledge", "note": "  "}, 400, "note")
	refuse("ErrInvalidOutcomeOnAcknowledge", n.fra, map[string]any{"action": "acknowledge", "note": note, "outcome": "no_action"}, 400, "outcome")
	refuse("ErrInvalidUnknownField", n.fra, map[string]any{"action": "acknowledge", "note": note, "urgency": 1}, 400, "urgency")
	refuse("ErrForbiddenOwnerAcknowledges", n.deu, map[string]any{"action": "acknowledge", "note": note}, 403, "")
	refuse("ErrNotFoundThirdCountry", n.gbr, map[string]any{"action": "acknowledge", "note": note}, 404, "")
	refuse("ErrForbiddenSecretariat", n.sec, map[string]any{"action": "acknowledge", "note": note}, 403, "")
	refuse("ErrForbiddenNoGrant", n.fraNoGrant, map[string]any{"action": "acknowledge", "note": note}, 403, "")
	refuse("ErrConflictConfirmBeforeAcknowledge", n.deu, map[string]any{"action": "confirm", "note": note}, 409, "")
	refuse("ErrConflictCloseOpen", n.fra, map[string]any{"action": "close", "note": note, "outcome": "no_action"}, 409, "")
	t.Run("Acknowledge", func(t *testing.T) {
		if status, e := n.act(t, n.fra, hitID, map[string]any{"action": "acknowledge", "note": note}); status != 200 {
			t.Fatalf("%d %+v", status, e)
		}
	})
	refuse("ErrConflictAcknowledgeTwice", n.fraBorder, map[string]any{"action": "acknowledge", "note": note}, 409, "")
	refuse("ErrForbiddenSearcherConfirms", n.fra, map[string]any{"action": "confirm", "note": note}, 403, "")
	refuse("ErrForbiddenSearcherRejects", n.fraBorder, map[string]any{"action": "reject", "note": note}, 403, "")
	refuse("ErrConflictCloseBeforeAnswer", n.fra, map[string]any{"action": "close", "note": note, "outcome": "no_action"}, 409, "")
	t.Run("Reject", func(t *testing.T) {
		var c hitCase
		if status := n.deu.do("POST", "/v1/hits/"+hitID+"/actions", map[string]any{"action": "reject", "note": "not the same document: different holder"}, &c); status != 200 || c.Status != "not_confirmed" {
			t.Fatalf("%d %+v", status, c)
		}
	})
	refuse("ErrConflictConfirmAfterReject", n.deu, map[string]any{"action": "confirm", "note": note}, 409, "")
	refuse("ErrForbiddenOwnerCloses", n.deu, map[string]any{"action": "close", "note": note, "outcome": "no_action"}, 403, "")
	refuse("ErrInvalidCloseWithoutOutcome", n.fra, map[string]any{"action": "close", "note": note}, 400, "outcome")
	refuse("ErrInvalidCloseBadOutcome", n.fra, map[string]any{"action": "close", "note": note, "outcome": "solved"}, 400, "outcome")
	t.Run("Close", func(t *testing.T) {
		var c hitCase
		if status := n.fraBorder.do("POST", "/v1/hits/"+hitID+"/actions", map[string]any{"action": "close", "note": "traveller released", "outcome": "no_action"}, &c); status != 200 || c.Status != "closed" || c.Outcome != "no_action" || len(c.Events) != 3 {
			t.Fatalf("%d %+v", status, c)
		}
	})
	refuse("ErrConflictClosed", n.fra, map[string]any{"action": "close", "note": note, "outcome": "other"}, 409, "")
	t.Run("AuditKeepsEveryAction", func(t *testing.T) {
		var audit struct {
			Entries []struct {
				Action, Object, Detail string
			} `json:"entries"`
		}
		n.sec.do("GET", "/v1/audit?action=hits.close", nil, &audit)
		if len(audit.Entries) != 1 || audit.Entries[0].Object != hitID || !strings.Contains(audit.Entries[0].Detail, "outcome=no_action") {
			t.Fatalf("%+v", audit)
		}
	})
}

// TestDeadlines flags an urgent case the owner left unanswered and tells
// both sides; a routine case of the same age is not overdue.
func TestDeadlines(t *testing.T) {
	n := mustNetwork(t)
	n.m.hub.SetDeadlines(time.Millisecond, 24*time.Hour)
	fraEvents, deuEvents := n.fra.mustEvents(""), n.deu.mustEvents("")
	urgent := n.mustHit(t, "C01X00T47", true)
	routine := n.mustHit(t, "C01X00T48", false)
	time.Sleep(5 * time.Millisecond) // past the urgent deadline
	flagged, err := n.m.hub.CheckDeadlines(context.Background())
	if err != nil || flagged != 1 {
		t.Fatalf("flagged %d: %v", flagged, err)
	}
	for name, s := range map[string]*sseStream{"FRA": fraEvents, "DEU": deuEvents} {
		if e, _ := s.waitFor("hit.overdue"); e.Data["hit_id"] != urgent {
			t.Fatalf("%s: %+v", name, e)
		}
	}
	var c hitCase
	if n.deu.do("GET", "/v1/hits/"+urgent, nil, &c); !c.Overdue || len(c.Events) != 1 || c.Events[0].Action != "overdue" {
		t.Fatalf("urgent case: %+v", c)
	}
	if n.deu.do("GET", "/v1/hits/"+routine, nil, &c); c.Overdue || c.Deadline == "" {
		t.Fatalf("routine case: %+v", c)
	}
	if flagged, _ := n.m.hub.CheckDeadlines(context.Background()); flagged != 0 {
		t.Fatalf("flagged twice: %d", flagged)
	}
	// Overdue, the case still goes on.
	if status, e := n.act(t, n.fra, urgent, map[string]any{"action": "acknowledge", "note": "late but here"}); status != 200 {
		t.Fatalf("%d %+v", status, e)
	}
}

// TestMessageRules refuses bad messages with the field at fault, and
// keeps each message to its sender and recipients.
func TestMessageRules(t *testing.T) {
	n := mustNetwork(t)
	hitID := n.mustHit(t, "C01X00T47", false)
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	for _, tc := range []struct {
		name   string
		c      *client
		body   map[string]any
		status int
		field  string
	}{
		{"ErrForbiddenNoGrant", n.fraBorder, map[string]any{"to": []string{"ncb-deu"}, "subject": "x"}, 403, ""},
		{"ErrInvalidNoRecipient", n.fra, map[string]any{"to": []string{}, "subject": "x"}, 400, "to"},
		{"ErrInvalidUnknownRecipient", n.fra, map[string]any{"to": []string{"ncb-deu", "ncb-xyz"}, "subject": "x"}, 400, "to[1]"},
		{"ErrInvalidTwice", n.fra, map[string]any{"to": []string{"ncb-deu", "ncb-deu"}, "subject": "x"}, 400, "to[1]"},
		{"ErrInvalidNoSubject", n.fra, map[string]any{"to": []string{"ncb-deu"}, "subject": ""}, 400, "subject"},
		{"ErrInvalidPriority", n.fra, map[string]any{"to": []string{"ncb-deu"}, "subject": "x", "priority": "flash"}, 400, "priority"},
		{"ErrForbiddenHitToThirdCountry", n.fra, map[string]any{"to": []string{"ncb-gbr"}, "subject": "x", "hit_id": hitID}, 403, ""},
		{"ErrNotFoundThirdCountryOnHit", n.gbr, map[string]any{"to": []string{"ncb-deu"}, "subject": "x", "hit_id": hitID}, 404, ""},
		{"ErrForbiddenSecretariatOnHit", n.sec, map[string]any{"to": []string{"ncb-deu"}, "subject": "x", "hit_id": hitID}, 403, ""},
		{"ErrInvalidReplyToOthers", n.gbr, map[string]any{"to": []string{"ncb-deu"}, "subject": "x", "reply_to": "1"}, 400, "reply_to"},
		{"ErrInvalidAttachmentType", n.fra, map[string]any{"to": []string{"ncb-deu"}, "subject": "x", "attachments": []map[string]any{{"name": "a.exe", "content_type": "application/x-msdownload", "data": []byte("MZ")}}}, 400, "attachments[0].content_type"},
		{"ErrInvalidAttachmentSniffed", n.fra, map[string]any{"to": []string{"ncb-deu"}, "subject": "x", "attachments": []map[string]any{{"name": "photo.jpg", "content_type": "image/jpeg", "data": png}}}, 400, "attachments[0].content_type"},
		{"ErrInvalidAttachmentName", n.fra, map[string]any{"to": []string{"ncb-deu"}, "subject": "x", "attachments": []map[string]any{{"name": "../etc/passwd", "content_type": "image/png", "data": png}}}, 400, "attachments[0].name"},
		{"ErrTooLargeAttachment", n.fra, map[string]any{"to": []string{"ncb-deu"}, "subject": "x", "attachments": []map[string]any{{"name": "big.txt", "content_type": "text/plain", "data": []byte(strings.Repeat("a", 4<<20+1))}}}, 413, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var e apiError
			if status := tc.c.do("POST", "/v1/messages", tc.body, &e); status != tc.status || e.Error.Field != tc.field || e.Error.Message == "" {
				t.Fatalf("%d %+v, want %d naming %q", status, e, tc.status, tc.field)
			}
		})
	}
	var m message
	if status := n.fra.do("POST", "/v1/messages", map[string]any{"to": []string{"ncb-deu", "ncb-gbr"}, "subject": "Diffusion: stolen blanks", "body": "Batch X100 stolen.", "attachments": []map[string]any{{"name": "scan.png", "content_type": "image/png", "data": png}}}, &m); status != 201 {
		t.Fatalf("send to two NCBs: %d", status)
	}
	t.Run("OnlySenderAndRecipients", func(t *testing.T) {
		for _, c := range []*client{n.fra, n.deu, n.gbr} {
			if status := c.do("GET", "/v1/messages/"+m.ID, nil, nil); status != 200 {
				t.Errorf("party: %d", status)
			}
		}
		for _, c := range []*client{n.sec, n.fraBorder} {
			if status := c.do("GET", "/v1/messages/"+m.ID, nil, nil); status != 404 {
				t.Errorf("outsider reads the message: %d", status)
			}
		}
		var sent struct{ Messages []message }
		n.fra.do("GET", "/v1/messages?box=sent", nil, &sent)
		if len(sent.Messages) != 1 || len(sent.Messages[0].Receipts) != 2 || sent.Messages[0].Receipts[0].ReadAt == nil {
			t.Fatalf("sent box with receipts: %+v", sent)
		}
	})
	t.Run("DiffusionToEveryNCB", func(t *testing.T) {
		passport := n.mustDocument(t, n.fra, map[string]any{"number": "FR1234567", "issuing_country": "FRA", "type": "passport", "status": "stolen"})
		var d struct {
			To             []string `json:"to"`
			RecordDatabase string   `json:"record_database"`
			RecordID       string   `json:"record_id"`
		}
		if status := n.fra.do("POST", "/v1/messages", map[string]any{"to": []string{"ncb:*"}, "subject": "Diffusion", "record_database": "documents", "record_id": passport.ID}, &d); status != 201 ||
			strings.Join(d.To, ",") != "ncb-deu,ncb-gbr" || d.RecordDatabase != "documents" || d.RecordID != passport.ID {
			t.Fatalf("%d %+v", status, d)
		}
		hidden := n.mustDocument(t, n.deu, map[string]any{"number": "C01X00T99", "issuing_country": "DEU", "type": "passport", "status": "lost", "restriction": map[string]any{"deny": []string{"GBR"}}})
		for _, tc := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"to": []string{"ncb-deu"}, "subject": "x", "record_database": "dna", "record_id": "1"}, "record_database"},
			{map[string]any{"to": []string{"ncb-deu"}, "subject": "x", "record_database": "documents", "record_id": hidden.ID}, "record_id"},
			{map[string]any{"to": []string{"ncb-deu"}, "subject": "x", "record_database": "documents", "record_id": "999999"}, "record_id"},
		} {
			var e apiError
			if status := n.gbr.do("POST", "/v1/messages", tc.body, &e); status != 400 || e.Error.Field != tc.field {
				t.Errorf("%v: %d %+v", tc.body, status, e)
			}
		}
	})
	t.Run("ErrInvalidBox", func(t *testing.T) {
		var e apiError
		if status := n.fra.do("GET", "/v1/messages?box=trash", nil, &e); status != 400 || e.Error.Field != "box" {
			t.Fatalf("%d %+v", status, e)
		}
	})
	t.Run("Paging", func(t *testing.T) {
		for i := range 55 {
			n.deu.do("POST", "/v1/messages", map[string]any{"to": []string{"ncb-fra"}, "subject": "note " + string(rune('a'+i%26))}, nil)
		}
		var page struct {
			Messages   []message
			NextCursor string `json:"next_cursor"`
		}
		n.fra.do("GET", "/v1/messages", nil, &page)
		if len(page.Messages) != 50 || page.NextCursor == "" {
			t.Fatalf("first page: %d %q", len(page.Messages), page.NextCursor)
		}
		last := page.Messages[49].ID
		n.fra.do("GET", "/v1/messages?cursor="+page.NextCursor, nil, &page)
		if len(page.Messages) != 5 || page.Messages[0].ID >= last && len(page.Messages[0].ID) >= len(last) {
			t.Fatalf("second page: %d after %s", len(page.Messages), last)
		}
	})
}

// TestEventReplay reconnects with Last-Event-ID and receives every event
// missed, in order, exactly once; a caller sees only its own.
func TestEventReplay(t *testing.T) {
	n := mustNetwork(t)
	live := n.deu.mustEvents("")
	var ids []int64
	for i, number := range []string{"C01X00T41", "C01X00T42", "C01X00T43"} {
		hitID := n.mustHit(t, number, false)
		e, _ := live.waitFor("hit.opened")
		if e.Data["hit_id"] != hitID {
			t.Fatalf("event %d: %+v", i, e)
		}
		ids = append(ids, e.ID)
		n.fra.do("POST", "/v1/messages", map[string]any{"to": []string{"ncb-deu"}, "subject": "on " + number, "hit_id": hitID}, nil)
		m, _ := live.waitFor("message.received")
		ids = append(ids, m.ID)
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Fatalf("ids not increasing: %v", ids)
		}
	}
	live.cancel()
	t.Run("FromTheStart", func(t *testing.T) {
		s := n.deu.mustEvents("0")
		var got []int64
		for range ids {
			select {
			case e := <-s.events:
				got = append(got, e.ID)
			case <-time.After(10 * time.Second):
				t.Fatalf("replay stopped after %v", got)
			}
		}
		if !equalIDs(got, ids) {
			t.Fatalf("replayed %v, want %v", got, ids)
		}
	})
	t.Run("MissedOnly", func(t *testing.T) {
		s := n.deu.mustEvents(itoa(ids[2]))
		// One more event while connected: after the replay, no duplicates.
		n.mustHit(t, "C01X00T44", false)
		var got []int64
		for len(got) < len(ids)-3+1 {
			select {
			case e := <-s.events:
				got = append(got, e.ID)
			case <-time.After(10 * time.Second):
				t.Fatalf("got %v", got)
			}
		}
		if !equalIDs(got[:len(ids)-3], ids[3:]) || got[len(got)-1] <= ids[len(ids)-1] {
			t.Fatalf("resumed %v after %d, want %v then one new", got, ids[2], ids[3:])
		}
		select {
		case e := <-s.events:
			t.Fatalf("extra event %+v", e)
		case <-time.After(200 * time.Millisecond):
		}
	})
	t.Run("ErrInvalidLastEventID", func(t *testing.T) {
		var e apiError
		req, _ := http.NewRequest("GET", n.m.URL+"/v1/events", nil)
		req.Header.Set("Authorization", "Bearer "+n.deu.token)
		req.Header.Set("Last-Event-ID", "yesterday")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 400 || !strings.Contains(string(body), "Last-Event-ID") {
			t.Fatalf("%d %s %+v", resp.StatusCode, body, e)
		}
	})
	t.Run("DisabledLosesStream", func(t *testing.T) {
		s := n.fraBorder.mustEvents("")
		if status := n.fra.do("PATCH", "/v1/agencies/fra-cdg", map[string]any{"disabled": true}, nil); status != 200 {
			t.Fatalf("disable: %d", status)
		}
		defer n.fra.do("PATCH", "/v1/agencies/fra-cdg", map[string]any{"disabled": false}, nil)
		select {
		case _, ok := <-s.events:
			if ok {
				t.Fatal("disabled agency still receives events")
			}
		case <-time.After(15 * time.Second):
			t.Fatal("stream of a disabled agency still open after 15s")
		}
	})
	t.Run("OthersSeeNothing", func(t *testing.T) {
		s := n.gbr.mustEvents("0")
		select {
		case e := <-s.events:
			t.Fatalf("GBR replays %+v", e)
		case <-time.After(300 * time.Millisecond):
		}
	})
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestNotifyOnSearch tells an owner that asked when another country's
// check matches its record, and nobody who did not ask.
func TestNotifyOnSearch(t *testing.T) {
	n := mustNetwork(t)
	var a struct {
		NotifyOnSearch bool `json:"notify_on_search"`
	}
	if status := n.deu.do("PATCH", "/v1/agencies/ncb-deu/notifications", map[string]any{"notify_on_search": true}, &a); status != 200 || !a.NotifyOnSearch {
		t.Fatalf("%d %+v", status, a)
	}
	var e apiError
	if status := n.gbr.do("PATCH", "/v1/agencies/ncb-deu/notifications", map[string]any{"notify_on_search": false}, &e); status != 403 {
		t.Fatalf("GBR changing DEU's setting: %d", status)
	}
	if status := n.deu.do("PATCH", "/v1/agencies/ncb-deu/notifications", map[string]any{}, &e); status != 400 || e.Error.Field != "notify_on_search" {
		t.Fatalf("missing field: %d %+v", status, e)
	}
	deu, fra := n.deu.mustEvents(""), n.fra.mustEvents("")
	hitID := n.mustHit(t, "C01X00T47", false)
	if e, _ := deu.waitFor("record.searched"); e.Data["hit_id"] != hitID || e.Data["agency_id"] != "ncb-deu" {
		t.Fatalf("%+v", e)
	}
	fra.waitFor("hit.opened")
	select {
	case e := <-fra.events:
		t.Fatalf("FRA, which did not ask, got %+v", e)
	case <-time.After(200 * time.Millisecond):
	}
}

// TestWebhooks delivers events signed, retries until the endpoint answers
// 2xx, and keeps the log of every attempt for the agency only.
func TestWebhooks(t *testing.T) {
	n := mustNetwork(t)
	n.m.hub.SetWebhookBackoff(10*time.Millisecond, 50*time.Millisecond)
	var mu sync.Mutex
	var bodies [][]byte
	var sigs []string
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls == 1 {
			w.WriteHeader(503) // the national system is down once
			return
		}
		bodies, sigs = append(bodies, b), append(sigs, r.Header.Get("X-Lookout-Signature"))
	}))
	defer srv.Close()
	var created struct {
		Webhook struct {
			ID string `json:"id"`
		} `json:"webhook"`
		Secret string `json:"secret"`
	}
	if status := n.deu.do("POST", "/v1/webhooks", map[string]any{"url": srv.URL + "/lookout", "secret": "a-shared-secret-of-32-characters"}, &created); status != 201 || created.Secret != "a-shared-secret-of-32-characters" {
		t.Fatalf("%d %+v", status, created)
	}
	hitID := n.mustHit(t, "C01X00T47", false)
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		got := len(bodies)
		mu.Unlock()
		if got >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no delivery within 10s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	body, sig := bodies[0], sigs[0]
	mu.Unlock()
	if !strings.Contains(string(body), `"hit_id":"`+hitID+`"`) || !strings.Contains(string(body), "hit.opened") {
		t.Fatalf("delivered %s", body)
	}
	ts, mac, _ := strings.Cut(strings.TrimPrefix(sig, "t="), ",v1=")
	h := hmac.New(sha256.New, []byte("a-shared-secret-of-32-characters"))
	h.Write([]byte(ts + "."))
	h.Write(body)
	if hex.EncodeToString(h.Sum(nil)) != mac {
		t.Fatalf("signature %q does not verify", sig)
	}
	var log struct {
		Deliveries []struct {
			Attempt int    `json:"attempt"`
			Status  int    `json:"status"`
			Error   string `json:"error"`
		} `json:"deliveries"`
	}
	if status := n.deu.do("GET", "/v1/webhooks/"+created.Webhook.ID+"/deliveries", nil, &log); status != 200 || len(log.Deliveries) < 2 ||
		log.Deliveries[0].Status != 503 || log.Deliveries[0].Error == "" || log.Deliveries[1].Attempt != 2 || log.Deliveries[1].Status != 200 {
		t.Fatalf("delivery log: %d %+v", status, log)
	}
	t.Run("ErrNotFoundOthersLog", func(t *testing.T) {
		if status := n.fra.do("GET", "/v1/webhooks/"+created.Webhook.ID+"/deliveries", nil, nil); status != 404 {
			t.Fatalf("%d", status)
		}
	})
	t.Run("ErrInvalidURL", func(t *testing.T) {
		for _, u := range []string{"ftp://example.org/x", "http://example.org/hook", "https://user:pw@example.org/", "not a url"} {
			var e apiError
			if status := n.deu.do("POST", "/v1/webhooks", map[string]any{"url": u}, &e); status != 400 || e.Error.Field != "url" {
				t.Errorf("%s: %d %+v", u, status, e)
			}
		}
		var e apiError
		if status := n.deu.do("POST", "/v1/webhooks", map[string]any{"url": srv.URL, "secret": "short"}, &e); status != 400 || e.Error.Field != "secret" {
			t.Errorf("short secret: %d %+v", status, e)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		if status := n.fra.do("DELETE", "/v1/webhooks/"+created.Webhook.ID, nil, nil); status != 404 {
			t.Fatalf("FRA deleting DEU's webhook: %d", status)
		}
		if status := n.deu.do("DELETE", "/v1/webhooks/"+created.Webhook.ID, nil, nil); status != 204 {
			t.Fatalf("delete: %d", status)
		}
		if status := n.deu.do("GET", "/v1/webhooks/"+created.Webhook.ID+"/deliveries", nil, nil); status != 404 {
			t.Fatalf("log of a deleted webhook: %d", status)
		}
	})
	t.Run("ErrForbiddenNoEvents", func(t *testing.T) {
		if status := n.fraNoGrant.do("POST", "/v1/webhooks", map[string]any{"url": srv.URL}, nil); status != 403 {
			t.Fatalf("%d", status)
		}
	})
}
