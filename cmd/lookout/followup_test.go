package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sseEvent is one server-sent event as a client sees it.
type sseEvent struct {
	ID   int64
	Type string
	Data map[string]any
	At   time.Time // when the client read it
}

type sseStream struct {
	tb     testing.TB
	events chan sseEvent
	cancel func()
}

// mustEvents opens the caller's event stream, resuming after lastID when
// it is not empty.
func (c *client) mustEvents(lastID string) *sseStream {
	c.tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", c.url+"/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		c.tb.Fatal(err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		cancel()
		c.tb.Fatalf("GET /v1/events: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	s := &sseStream{tb: c.tb, events: make(chan sseEvent, 1000), cancel: cancel}
	go func() {
		defer resp.Body.Close()
		defer close(s.events)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var e sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if e.Type != "" {
					e.At = time.Now()
					s.events <- e
				}
				e = sseEvent{}
			case strings.HasPrefix(line, "id: "):
				e.ID, _ = strconv.ParseInt(strings.TrimPrefix(line, "id: "), 10, 64)
			case strings.HasPrefix(line, "event: "):
				e.Type = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &e.Data)
			}
		}
	}()
	c.tb.Cleanup(cancel)
	return s
}

// waitFor returns the next event of type typ, failing after ten seconds;
// events of other types before it are returned too, in order.
func (s *sseStream) waitFor(typ string) (sseEvent, []sseEvent) {
	s.tb.Helper()
	var skipped []sseEvent
	deadline := time.After(10 * time.Second)
	for {
		select {
		case e, ok := <-s.events:
			if !ok {
				s.tb.Fatalf("event stream ended waiting for %s", typ)
			}
			if e.Type == typ {
				return e, skipped
			}
			skipped = append(skipped, e)
		case <-deadline:
			s.tb.Fatalf("no %s event within 10s (saw %v)", typ, skipped)
		}
	}
}

type hitCase struct {
	ID       string `json:"id"`
	Status   string `json:"status"`
	Outcome  string `json:"outcome"`
	Urgent   bool   `json:"urgent"`
	Overdue  bool   `json:"overdue"`
	Deadline string `json:"deadline"`
	Events   []struct {
		Action   string `json:"action"`
		AgencyID string `json:"agency_id"`
		ToStatus string `json:"to_status"`
		Note     string `json:"note"`
	} `json:"events"`
	Messages []message `json:"messages"`
}

type message struct {
	ID          string `json:"id"`
	From        string `json:"from"`
	Subject     string `json:"subject"`
	Body        string `json:"body"`
	HitID       string `json:"hit_id"`
	ThreadID    string `json:"thread_id"`
	Attachments []struct {
		Name   string `json:"name"`
		SHA256 string `json:"sha256"`
		Data   []byte `json:"data"`
	} `json:"attachments"`
	Receipts []struct {
		AgencyID string  `json:"agency_id"`
		ReadAt   *string `json:"read_at"`
	} `json:"receipts"`
}

// mustHit checks a stolen passport at a French border post and returns the
// hit it opened.
func (n *network) mustHit(t *testing.T, number string, urgent bool) string {
	t.Helper()
	n.mustDocument(t, n.deu, map[string]any{"number": number, "issuing_country": "DEU", "type": "passport", "status": "stolen"})
	var res checkResult
	if status := n.fraBorder.do("POST", "/v1/documents/check", map[string]any{"number": number, "issuing_country": "DEU", "urgent": urgent}, &res); status != 200 || res.Outcome != "hit" {
		t.Fatalf("check %s: %d %+v", number, status, res)
	}
	return res.Matches[0].HitID
}

func (n *network) act(t *testing.T, c *client, hitID string, body map[string]any) (int, apiError) {
	t.Helper()
	var e apiError
	status := c.do("POST", "/v1/hits/"+hitID+"/actions", body, &e)
	return status, e
}

// TestFollowupStory plays the story of the issue: a border agency checks a
// passport, both NCBs get the event, they exchange messages on the case,
// the owner confirms, the searching NCB closes it with document_seized,
// and the statistics count it.
func TestFollowupStory(t *testing.T) {
	n := mustNetwork(t)
	n.mustDocument(t, n.deu, map[string]any{"number": "C01X00T47", "issuing_country": "DEU", "type": "passport", "status": "stolen"})
	fraEvents, deuEvents, gbrEvents := n.fra.mustEvents(""), n.deu.mustEvents(""), n.gbr.mustEvents("")

	var res checkResult
	if status := n.fraBorder.do("POST", "/v1/documents/check", map[string]any{"number": "C01X00T47", "issuing_country": "DEU", "urgent": true}, &res); status != 200 || res.Outcome != "hit" {
		t.Fatalf("check: %d %+v", status, res)
	}
	hitID := res.Matches[0].HitID
	for name, s := range map[string]*sseStream{"FRA": fraEvents, "DEU": deuEvents} {
		e, _ := s.waitFor("hit.opened")
		if e.Data["hit_id"] != hitID || e.ID == 0 {
			t.Fatalf("%s: hit.opened %+v, want hit %s", name, e, hitID)
		}
	}

	// The searching NCB writes to the owner on the case; the owner reads it.
	var sent message
	if status := n.fra.do("POST", "/v1/messages", map[string]any{"to": []string{"ncb-deu"}, "subject": "Hit on passport C01X00T47", "body": "Traveller held at CDG terminal 2, please confirm the record.", "priority": "urgent", "hit_id": hitID}, &sent); status != http.StatusCreated || sent.ThreadID != sent.ID {
		t.Fatalf("send: %d %+v", status, sent)
	}
	if e, _ := deuEvents.waitFor("message.received"); e.Data["message_id"] != sent.ID || e.Data["hit_id"] != hitID {
		t.Fatalf("message event %+v", e)
	}
	var got message
	if status := n.deu.do("GET", "/v1/messages/"+sent.ID, nil, &got); status != 200 || got.Body != "Traveller held at CDG terminal 2, please confirm the record." {
		t.Fatalf("read: %d %+v", status, got)
	}
	if e, _ := fraEvents.waitFor("message.read"); e.Data["message_id"] != sent.ID {
		t.Fatalf("receipt event %+v", e)
	}
	var mine message
	n.fra.do("GET", "/v1/messages/"+sent.ID, nil, &mine)
	if len(mine.Receipts) != 1 || mine.Receipts[0].AgencyID != "ncb-deu" || mine.Receipts[0].ReadAt == nil {
		t.Fatalf("sender's receipts: %+v", mine.Receipts)
	}
	pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	var reply message
	if status := n.deu.do("POST", "/v1/messages", map[string]any{"to": []string{"ncb-fra"}, "subject": "Re: hit", "body": "Record valid, stolen in Berlin; report attached.", "reply_to": sent.ID,
		"attachments": []map[string]any{{"name": "report.pdf", "content_type": "application/pdf", "data": pdf}}}, &reply); status != http.StatusCreated || reply.ThreadID != sent.ID || reply.HitID != hitID {
		t.Fatalf("reply: %d %+v", status, reply)
	}
	var inbox struct {
		Messages []message `json:"messages"`
	}
	n.fra.do("GET", "/v1/messages?box=inbox&q=berlin", nil, &inbox)
	if len(inbox.Messages) != 1 || inbox.Messages[0].ID != reply.ID || inbox.Messages[0].Body != "" {
		t.Fatalf("inbox search: %+v", inbox)
	}
	n.fra.do("GET", "/v1/messages?box=inbox&q=madrid", nil, &inbox)
	if len(inbox.Messages) != 0 {
		t.Fatalf("search for a word not sent: %+v", inbox)
	}
	n.fra.do("GET", "/v1/messages/"+reply.ID, nil, &got)
	if len(got.Attachments) != 1 || !bytes.Equal(got.Attachments[0].Data, pdf) || got.Attachments[0].SHA256 == "" {
		t.Fatalf("attachment: %+v", got.Attachments)
	}

	// The case: acknowledged by the searching side, confirmed by the owner,
	// closed by the searching NCB.
	for _, step := range []struct {
		c    *client
		body map[string]any
	}{
		{n.fraBorder, map[string]any{"action": "acknowledge", "note": "traveller held at the desk"}},
		{n.deu, map[string]any{"action": "confirm", "note": "record valid, same document"}},
		{n.fra, map[string]any{"action": "close", "note": "passport seized, traveller heard", "outcome": "document_seized"}},
	} {
		if status, e := n.act(t, step.c, hitID, step.body); status != 200 {
			t.Fatalf("%v: %d %+v", step.body, status, e)
		}
	}
	for _, action := range []string{"acknowledge", "confirm", "close"} {
		e, _ := deuEvents.waitFor("hit.action")
		if e.Data["hit_id"] != hitID || !strings.Contains(string(mustJSON(e.Data["data"])), action) {
			t.Fatalf("DEU event for %s: %+v", action, e)
		}
	}
	var c hitCase
	if status := n.deu.do("GET", "/v1/hits/"+hitID, nil, &c); status != 200 || c.Status != "closed" || c.Outcome != "document_seized" || len(c.Events) != 3 || len(c.Messages) != 2 || !c.Urgent {
		t.Fatalf("case: %d %+v", status, c)
	}
	if c.Events[0].AgencyID != "fra-cdg" || c.Events[1].ToStatus != "confirmed" || c.Events[2].Note != "passport seized, traveller heard" {
		t.Fatalf("timeline: %+v", c.Events)
	}

	// The third country heard nothing and sees nothing.
	select {
	case e := <-gbrEvents.events:
		t.Fatalf("GBR got %+v", e)
	default:
	}
	if status := n.gbr.do("GET", "/v1/hits/"+hitID, nil, nil); status != http.StatusNotFound {
		t.Fatalf("GBR reads the case: %d", status)
	}
	// Nor does the secretariat read the exchange (it sees the case, not the messages).
	if status := n.sec.do("GET", "/v1/messages/"+sent.ID, nil, nil); status != http.StatusNotFound {
		t.Fatalf("secretariat reads an NCB-to-NCB message: %d", status)
	}
	var secCase hitCase
	if n.sec.do("GET", "/v1/hits/"+hitID, nil, &secCase); len(secCase.Messages) != 0 || len(secCase.Events) != 3 {
		t.Fatalf("secretariat's view of the case: %+v", secCase)
	}

	// The statistics count the check, the hit, its outcome and its times.
	var stats struct {
		Total    struct{ Checks, Hits int64 } `json:"total"`
		Outcomes []struct {
			Outcome string `json:"outcome"`
			Hits    int64  `json:"hits"`
		} `json:"outcomes"`
		TimeToAcknowledge struct{ Count int64 } `json:"time_to_acknowledge"`
		TimeToConfirm     struct {
			Count         int64
			MedianSeconds float64 `json:"median_seconds"`
		} `json:"time_to_confirm"`
	}
	if status := n.fra.do("GET", "/v1/stats", nil, &stats); status != 200 || stats.Total.Checks != 1 || stats.Total.Hits != 1 {
		t.Fatalf("stats: %d %+v", status, stats)
	}
	if len(stats.Outcomes) != 1 || stats.Outcomes[0].Outcome != "document_seized" || stats.Outcomes[0].Hits != 1 || stats.TimeToAcknowledge.Count != 1 || stats.TimeToConfirm.Count != 1 {
		t.Fatalf("follow-up stats: %+v", stats)
	}
	// The owner's statistics count the case it confirmed too.
	n.deu.do("GET", "/v1/stats", nil, &stats)
	if len(stats.Outcomes) != 1 || stats.TimeToConfirm.Count != 1 {
		t.Fatalf("owner's stats: %+v", stats)
	}
	csv := n.sec.text("GET", "/v1/stats?by=country,database&format=csv", "")
	if !strings.HasPrefix(csv, "day,database,country,agency_id,checks,hits\n") || !strings.Contains(csv, ",documents,FRA,,1,1\n") {
		t.Fatalf("CSV: %q", csv)
	}
	if csv := n.sec.text("GET", "/v1/stats?by=agency", "text/csv"); !strings.Contains(csv, ",,,fra-cdg,1,1\n") {
		t.Fatalf("CSV by agency: %q", csv)
	}

	// Nothing of the exchange is in the store in the clear.
	for _, name := range []string{"lookout.db", "lookout.db-wal"} {
		raw, _ := os.ReadFile(filepath.Join(n.m.DataDir, name))
		for _, secret := range []string{"CDG terminal 2", "Hit on passport", "stolen in Berlin", "/Type /Catalog"} {
			if bytes.Contains(raw, []byte(secret)) {
				t.Fatalf("%s holds %q in the clear", name, secret)
			}
		}
	}
	st, err := os.Stat(filepath.Join(n.m.DataDir, "keys", "messages.key"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("message key file: %v %v", st, err)
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// text sends a request and returns the body of a 200 answer.
func (c *client) text(method, path, accept string) string {
	c.tb.Helper()
	req, _ := http.NewRequest(method, c.url+path, nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.tb.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	if resp.StatusCode != 200 {
		c.tb.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b.String())
	}
	return b.String()
}
