package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/lookout-network/lookout"
)

// testFollowup is the contract of the follow-up methods: case changes
// guarded by status, events in one sequence, sealed messages and their
// receipts, webhooks, rolled-up statistics and record review.
func testFollowup(t *testing.T, s lookout.Store) {
	defer s.Close()
	ctx := context.Background()
	MustAgency(t, s, "secretariat", lookout.KindSecretariat, lookout.SecretariatCountry, "")
	MustAgency(t, s, "ncb-deu", lookout.KindNCB, "DEU", "secretariat")
	MustAgency(t, s, "ncb-fra", lookout.KindNCB, "FRA", "secretariat")
	d := doc("C01X00T47", "DEU")
	if _, err := s.InsertDocuments(ctx, []*lookout.Document{d}, func(*lookout.Document) *lookout.AuditEntry { return audit("documents.create", "d") }); err != nil {
		t.Fatal(err)
	}
	if err := s.SetNotifyOnSearch(ctx, "ncb-deu", true, audit("agency.notify", "ncb-deu")); err != nil {
		t.Fatal(err)
	}
	if a, _ := s.Agency(ctx, "ncb-deu"); !a.NotifyOnSearch {
		t.Fatalf("notify_on_search not stored: %+v", a)
	}
	deadline := time.Now().UTC().Add(10 * time.Minute).Truncate(time.Microsecond)
	hit := &lookout.Hit{Database: lookout.DatabaseDocuments, SearchID: "s1", Match: "exact", Status: lookout.HitOpen, RecordID: d.ID, SearchingAgency: "ncb-fra", SearchingCountry: "FRA", OwnerCountry: "DEU", Urgent: true, Query: "number=C01X00T47", Deadline: deadline}
	search := &lookout.Search{Audit: &lookout.AuditEntry{AgencyID: "ncb-fra", Country: "FRA", Action: "documents.check", Database: lookout.DatabaseDocuments, Object: "s1", Outcome: "hit"}, Hits: []*lookout.Hit{hit}}
	if err := s.RecordSearches(ctx, []*lookout.Search{search}); err != nil {
		t.Fatal(err)
	}

	t.Run("HitEvents", func(t *testing.T) {
		all, err := s.Events(ctx, lookout.EventFilter{})
		if err != nil || len(all) != 3 {
			t.Fatalf("%d events: %v", len(all), err)
		}
		types := map[string]int{}
		for i, e := range all {
			types[e.Type+" "+e.Country+" "+e.AgencyID]++
			if e.HitID != hit.ID || i > 0 && e.Seq <= all[i-1].Seq {
				t.Fatalf("event %d: %+v", i, e)
			}
		}
		if types["hit.opened FRA "] != 1 || types["hit.opened DEU "] != 1 || types["record.searched DEU ncb-deu"] != 1 {
			t.Fatalf("events: %v", types)
		}
		fra, _ := s.Events(ctx, lookout.EventFilter{Country: "FRA", AgencyID: "ncb-fra"})
		if len(fra) != 1 {
			t.Fatalf("FRA's events: %+v", fra)
		}
		if after, _ := s.Events(ctx, lookout.EventFilter{After: all[1].Seq}); len(after) != 1 || after[0].Seq != all[2].Seq {
			t.Fatalf("after %d: %+v", all[1].Seq, after)
		}
		if head, err := s.EventHead(ctx); err != nil || head != all[2].Seq {
			t.Fatalf("head %d: %v", head, err)
		}
		got, _ := s.Hit(ctx, hit.ID)
		if !got.Deadline.Equal(deadline) || got.Overdue || got.AcknowledgedAt != nil {
			t.Fatalf("stored hit: %+v", got)
		}
	})
	step := func(action, from, to, outcome string) error {
		h, err := s.Hit(ctx, hit.ID)
		if err != nil {
			return err
		}
		h.Status, h.Outcome = to, outcome
		return s.ApplyCaseChange(ctx, &lookout.CaseChange{Hit: h, From: from, Audit: audit("hits."+action, "h"),
			Event:  &lookout.CaseEvent{AgencyID: "ncb-fra", Country: "FRA", Action: action, FromStatus: from, ToStatus: to, Note: "n", Outcome: outcome},
			Notify: []*lookout.Event{{Type: lookout.EventHitAction, Country: "DEU", HitID: h.ID}}})
	}
	t.Run("CaseChanges", func(t *testing.T) {
		if err := step(lookout.ActionAcknowledge, lookout.HitOpen, lookout.HitAcknowledged, ""); err != nil {
			t.Fatal(err)
		}
		if err := step(lookout.ActionAcknowledge, lookout.HitOpen, lookout.HitAcknowledged, ""); code(err) != lookout.ECONFLICT {
			t.Fatalf("stale status: %v", err)
		}
		if due, _ := s.DueHits(ctx, deadline.Add(time.Second), 10); len(due) != 1 {
			t.Fatalf("due: %+v", due)
		}
		if due, _ := s.DueHits(ctx, deadline.Add(-time.Second), 10); len(due) != 0 {
			t.Fatalf("due before the deadline: %+v", due)
		}
		h, _ := s.Hit(ctx, hit.ID)
		h.Overdue = true
		flag := func() error {
			return s.ApplyCaseChange(ctx, &lookout.CaseChange{Hit: h, From: h.Status, Audit: audit("hits.overdue", "h"), Event: &lookout.CaseEvent{AgencyID: "lookout", Action: "overdue", FromStatus: h.Status, ToStatus: h.Status}})
		}
		if err := flag(); err != nil {
			t.Fatal(err)
		}
		if err := flag(); code(err) != lookout.ECONFLICT {
			t.Fatalf("flagged twice: %v", err)
		}
		if due, _ := s.DueHits(ctx, deadline.Add(time.Second), 10); len(due) != 0 {
			t.Fatalf("still due once flagged: %+v", due)
		}
		if err := step(lookout.ActionConfirm, lookout.HitAcknowledged, lookout.HitConfirmed, ""); err != nil {
			t.Fatal(err)
		}
		if err := step(lookout.ActionClose, lookout.HitConfirmed, lookout.HitClosed, "document_seized"); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Hit(ctx, hit.ID)
		if got.Status != lookout.HitClosed || got.Outcome != "document_seized" || !got.Overdue || got.AcknowledgedAt == nil || got.DecidedAt == nil || got.ClosedAt == nil {
			t.Fatalf("%+v", got)
		}
		events, err := s.CaseEvents(ctx, hit.ID)
		if err != nil || len(events) != 4 || events[0].Action != "acknowledge" || events[1].Action != "overdue" || events[3].Outcome != "document_seized" {
			t.Fatalf("timeline: %+v %v", events, err)
		}
	})
	t.Run("StatsRollup", func(t *testing.T) {
		today := time.Now().UTC().Format(lookout.DateLayout)
		for _, country := range []string{"FRA", "DEU"} {
			r, err := s.StatsRollup(ctx, lookout.StatsQuery{From: today, To: today, Country: country})
			if err != nil || len(r.Outcomes) != 1 || r.Outcomes[0].Hits != 1 || r.Latency[lookout.LatencyAcknowledge].Quantiles().Count != 1 || r.Latency[lookout.LatencyConfirm].Quantiles().Count != 1 {
				t.Fatalf("%s: %+v %v", country, r, err)
			}
		}
		r, _ := s.StatsRollup(ctx, lookout.StatsQuery{From: today, To: today, By: []string{"agency"}})
		if len(r.Rows) != 1 || r.Rows[0].AgencyID != "ncb-fra" || r.Rows[0].Checks != 1 || r.Rows[0].Hits != 1 || r.Rows[0].Day != "" {
			t.Fatalf("by agency: %+v", r.Rows)
		}
		if r, _ := s.StatsRollup(ctx, lookout.StatsQuery{From: today, To: today, Country: "GBR"}); len(r.Rows) != 0 || len(r.Outcomes) != 0 {
			t.Fatalf("GBR: %+v", r)
		}
		if _, err := s.StatsRollup(ctx, lookout.StatsQuery{From: today, To: today, By: []string{"hour"}}); code(err) != lookout.EINVALID {
			t.Fatalf("by hour: %v", err)
		}
	})
	t.Run("DefaultDeadline", func(t *testing.T) {
		// A hit stored without a deadline (another database's code path)
		// still gets one, and its parties still hear of it.
		before, _ := s.EventHead(ctx)
		h := &lookout.Hit{Database: lookout.DatabaseFingerprints, SearchID: "s9", Match: "identified", Status: lookout.HitOpen, RecordID: 9, SearchingAgency: "ncb-fra", SearchingCountry: "FRA", OwnerCountry: "DEU", Urgent: true}
		if err := s.RecordSearches(ctx, []*lookout.Search{{Audit: &lookout.AuditEntry{AgencyID: "ncb-fra", Country: "FRA", Action: "fingerprints.search", Database: lookout.DatabaseFingerprints}, Hits: []*lookout.Hit{h}}}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Hit(ctx, h.ID)
		if err != nil || got.Deadline.Sub(got.CreatedAt) != 10*time.Minute {
			t.Fatalf("deadline %v after %v: %v", got.Deadline, got.CreatedAt, err)
		}
		events, _ := s.Events(ctx, lookout.EventFilter{After: before})
		if len(events) != 2 || events[0].Country != "FRA" || events[1].Country != "DEU" || events[1].Type != lookout.EventHitOpened {
			t.Fatalf("events: %+v", events)
		}
	})
	t.Run("StatsAcrossMonths", func(t *testing.T) {
		// Checks on days either side of month ends: whole months are read
		// from the monthly rollup, the ends from the daily one, and every
		// way of asking adds up to the same.
		var searches []*lookout.Search
		for i, day := range []string{"2025-01-30", "2025-01-31", "2025-02-01", "2025-02-15", "2025-02-28", "2025-03-01", "2025-03-02"} {
			at, _ := time.Parse(lookout.DateLayout, day)
			for range i + 1 {
				searches = append(searches, &lookout.Search{Audit: &lookout.AuditEntry{Time: at.Add(time.Hour), AgencyID: "ncb-fra", Country: "FRA", Action: "documents.check", Database: lookout.DatabaseDocuments, Outcome: "no_hit"}})
			}
		}
		if err := s.RecordSearches(ctx, searches); err != nil {
			t.Fatal(err)
		}
		for _, r := range [][2]string{{"2025-01-01", "2025-12-31"}, {"2025-01-31", "2025-03-01"}, {"2025-02-01", "2025-02-28"}, {"2025-02-02", "2025-02-27"}, {"2025-01-30", "2025-01-30"}} {
			byDay, err := s.StatsRollup(ctx, lookout.StatsQuery{From: r[0], To: r[1], Country: "FRA"})
			if err != nil {
				t.Fatal(err)
			}
			var want int64
			for _, row := range byDay.Rows {
				want += row.Checks
			}
			for _, by := range [][]string{{"database"}, {"country"}, {"agency"}, {"database", "country", "agency"}} {
				got, err := s.StatsRollup(ctx, lookout.StatsQuery{From: r[0], To: r[1], By: by})
				if err != nil || len(got.Rows) != 1 || got.Rows[0].Checks != want {
					t.Fatalf("%v by %v: %+v %v, want %d checks", r, by, got.Rows, err, want)
				}
			}
		}
	})
	t.Run("Messages", func(t *testing.T) {
		m := &lookout.SealedMessage{From: "ncb-fra", FromCountry: "FRA", To: []string{"ncb-deu"}, ToCountries: []string{"DEU"}, Priority: "urgent", HitID: hit.ID, KeyID: "k", WrappedKey: []byte("wk"), Header: []byte("sealed"),
			Attachments: []lookout.SealedAttachment{{ContentType: "application/pdf", Size: 3, SHA256: hash("pdf"), Data: []byte("enc")}}, Terms: [][]byte{hash("t1")[:16]}}
		before, _ := s.EventHead(ctx)
		err := s.InsertMessage(ctx, m, func(m *lookout.SealedMessage) []*lookout.Event {
			return []*lookout.Event{{Type: lookout.EventMessage, Country: "DEU", AgencyID: "ncb-deu", MessageID: m.ID}}
		}, func(*lookout.SealedMessage) *lookout.AuditEntry { return audit("messages.send", "m") })
		if err != nil || m.ID == 0 || m.ThreadID != m.ID {
			t.Fatalf("%+v %v", m, err)
		}
		if head, _ := s.EventHead(ctx); head != before+1 {
			t.Fatalf("message event not stored: head %d, was %d", head, before)
		}
		inbox, _ := s.Messages(ctx, lookout.MessageFilter{AgencyID: "ncb-deu", Box: "inbox"})
		if len(inbox) != 1 || inbox[0].To[0] != "ncb-deu" || string(inbox[0].Header) != "sealed" || !inbox[0].HasAttachment || len(inbox[0].Attachments) != 0 {
			t.Fatalf("inbox: %+v", inbox)
		}
		if sent, _ := s.Messages(ctx, lookout.MessageFilter{AgencyID: "ncb-fra", Box: "sent"}); len(sent) != 1 {
			t.Fatalf("sent: %+v", sent)
		}
		if other, _ := s.Messages(ctx, lookout.MessageFilter{AgencyID: "ncb-fra", Box: "inbox"}); len(other) != 0 {
			t.Fatalf("sender's inbox: %+v", other)
		}
		for terms, want := range map[string]int{"t1": 1, "t2": 0} {
			if got, _ := s.Messages(ctx, lookout.MessageFilter{AgencyID: "ncb-deu", Box: "inbox", Terms: [][]byte{hash(terms)[:16]}}); len(got) != want {
				t.Fatalf("terms %s: %d", terms, len(got))
			}
		}
		if on, _ := s.MessagesOnHit(ctx, hit.ID); len(on) != 1 {
			t.Fatalf("on hit: %+v", on)
		}
		full, err := s.Message(ctx, m.ID)
		if err != nil || len(full.Attachments) != 1 || string(full.Attachments[0].Data) != "enc" || len(full.ReadAt) != 0 {
			t.Fatalf("%+v %v", full, err)
		}
		read := func() error {
			return s.MarkRead(ctx, m.ID, "ncb-deu", []*lookout.Event{{Type: lookout.EventMessageRead, Country: "FRA", AgencyID: "ncb-fra", MessageID: m.ID}}, audit("messages.read", "m"))
		}
		head, _ := s.EventHead(ctx)
		if err := read(); err != nil {
			t.Fatal(err)
		}
		if err := read(); err != nil {
			t.Fatal(err)
		}
		if now, _ := s.EventHead(ctx); now != head+1 {
			t.Fatalf("receipts: head %d, was %d (want one receipt)", now, head)
		}
		if full, _ := s.Message(ctx, m.ID); full.ReadAt["ncb-deu"].IsZero() {
			t.Fatalf("read time not stored: %+v", full.ReadAt)
		}
		if err := s.MarkRead(ctx, m.ID, "ncb-fra", nil, audit("messages.read", "m")); code(err) != lookout.ENOTFOUND {
			t.Fatalf("sender marking read: %v", err)
		}
		if _, err := s.Message(ctx, 424242); code(err) != lookout.ENOTFOUND {
			t.Fatal(err)
		}

		// A message linked to a notice: the link comes back, and the
		// boxes filtered by notice hold it and nothing else.
		on := &lookout.SealedMessage{From: "ncb-deu", FromCountry: "DEU", To: []string{"ncb-fra"}, ToCountries: []string{"FRA"}, Priority: "routine", NoticeID: 7, KeyID: "k", WrappedKey: []byte("wk"), Header: []byte("sealed")}
		if err := s.InsertMessage(ctx, on, func(*lookout.SealedMessage) []*lookout.Event { return nil }, func(*lookout.SealedMessage) *lookout.AuditEntry { return audit("messages.send", "n") }); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Message(ctx, on.ID); err != nil || got.NoticeID != 7 || got.HitID != 0 {
			t.Fatalf("linked message: %+v %v", got, err)
		}
		if got, _ := s.Message(ctx, m.ID); got.NoticeID != 0 {
			t.Fatalf("a message without a notice has notice %d", got.NoticeID)
		}
		for _, tc := range []struct {
			f    lookout.MessageFilter
			want int64
		}{
			{lookout.MessageFilter{AgencyID: "ncb-fra", Box: "inbox", NoticeID: 7}, on.ID},
			{lookout.MessageFilter{AgencyID: "ncb-deu", Box: "sent", NoticeID: 7}, on.ID},
			{lookout.MessageFilter{AgencyID: "ncb-deu", Box: "inbox", NoticeID: 7}, 0},
			{lookout.MessageFilter{AgencyID: "ncb-fra", Box: "sent", NoticeID: 7}, 0},
			{lookout.MessageFilter{AgencyID: "ncb-fra", Box: "inbox", NoticeID: 8}, 0},
		} {
			got, err := s.Messages(ctx, tc.f)
			if err != nil || tc.want == 0 && len(got) != 0 || tc.want != 0 && (len(got) != 1 || got[0].ID != tc.want || got[0].NoticeID != 7) {
				t.Errorf("%+v: %+v %v", tc.f, got, err)
			}
		}
	})
	t.Run("Webhooks", func(t *testing.T) {
		head, _ := s.EventHead(ctx)
		w := &lookout.Webhook{AgencyID: "ncb-deu", Country: "DEU", URL: "https://deu.example/hook", Secret: []byte("sealed"), FollowsHits: true}
		if err := s.CreateWebhook(ctx, w, audit("webhooks.create", "w")); err != nil || w.ID == 0 || w.Cursor != head {
			t.Fatalf("%+v %v", w, err)
		}
		if err := s.RecordDelivery(ctx, &lookout.Delivery{WebhookID: w.ID, EventSeq: head + 1, Attempt: 1, Status: 500, Error: "down"}, false); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordDelivery(ctx, &lookout.Delivery{WebhookID: w.ID, EventSeq: head + 1, Attempt: 2, Status: 200}, true); err != nil {
			t.Fatal(err)
		}
		got, err := s.Webhook(ctx, w.ID)
		if err != nil || got.Cursor != head+1 || string(got.Secret) != "sealed" {
			t.Fatalf("%+v %v", got, err)
		}
		log, _ := s.Deliveries(ctx, w.ID, 0, 10)
		if len(log) != 2 || log[0].Status != 500 || log[1].Attempt != 2 {
			t.Fatalf("log: %+v", log)
		}
		if all, _ := s.Webhooks(ctx); len(all) != 1 {
			t.Fatalf("%+v", all)
		}
		if _, err := s.Webhook(ctx, 999); code(err) != lookout.ENOTFOUND {
			t.Fatal(err)
		}
		if err := s.DeleteWebhook(ctx, w.ID, audit("webhooks.delete", "w")); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Webhook(ctx, w.ID); code(err) != lookout.ENOTFOUND {
			t.Fatalf("deleted webhook: %v", err)
		}
		if err := s.RecordDelivery(ctx, &lookout.Delivery{WebhookID: w.ID, EventSeq: head + 2, Attempt: 1, Status: 200}, true); code(err) != lookout.ENOTFOUND {
			t.Fatalf("delivery to a deleted webhook: %v", err)
		}
		if err := s.DeleteWebhook(ctx, w.ID, audit("webhooks.delete", "w")); code(err) != lookout.ENOTFOUND {
			t.Fatalf("second delete: %v", err)
		}
	})
	t.Run("Review", func(t *testing.T) {
		due, err := s.DocumentsForReview(ctx, "2037-01-01", true, 10)
		if err != nil || len(due) != 1 || due[0].ID != d.ID {
			t.Fatalf("%+v %v", due, err)
		}
		items, err := s.RecordsForReview(ctx, lookout.DatabaseDocuments, "2037-01-01", true, 10)
		if err != nil || len(items) != 1 || items[0].ID != d.ID || items[0].OwnerCountry != "DEU" || items[0].ReviewDate != d.ReviewDate {
			t.Fatalf("records for review: %+v %v", items, err)
		}
		for _, db := range []string{lookout.DatabasePersons, lookout.DatabaseDNA, lookout.DatabaseFingerprints} {
			if items, err := s.RecordsForReview(ctx, db, "2099-01-01", false, 10); err != nil || len(items) != 0 {
				t.Fatalf("%s: %+v %v", db, items, err)
			}
		}
		if _, err := s.RecordsForReview(ctx, "notices", "2099-01-01", false, 10); code(err) != lookout.EINVALID {
			t.Fatalf("unknown database: %v", err)
		}
		if early, _ := s.DocumentsForReview(ctx, "2035-01-01", true, 10); len(early) != 0 {
			t.Fatalf("not yet due: %+v", early)
		}
		if err := s.NoteReviewDue(ctx, due[0], nil, audit("documents.review_due", "d")); err != nil {
			t.Fatal(err)
		}
		if err := s.NoteReviewDue(ctx, due[0], nil, audit("documents.review_due", "d")); code(err) != lookout.ECONFLICT {
			t.Fatalf("noticed twice: %v", err)
		}
		if again, _ := s.DocumentsForReview(ctx, "2037-01-01", true, 10); len(again) != 0 {
			t.Fatalf("noticed again: %+v", again)
		}
		if again, _ := s.RecordsForReview(ctx, lookout.DatabaseDocuments, "2037-01-01", true, 10); len(again) != 0 {
			t.Fatalf("noticed again: %+v", again)
		}
		if err := s.NoteRecordReviewDue(ctx, items[0], nil, audit("documents.review_due", "d")); code(err) != lookout.ECONFLICT {
			t.Fatalf("noticed twice through NoteRecordReviewDue: %v", err)
		}
		if all, _ := s.DocumentsForReview(ctx, "2037-01-01", false, 10); len(all) != 1 {
			t.Fatalf("all due: %+v", all)
		}
		if err := s.ExpireDocument(ctx, d.ID, "2040-01-01", nil, audit("documents.expire", "d")); code(err) != lookout.ECONFLICT {
			t.Fatalf("expire with another review date: %v", err)
		}
		if err := s.ExpireDocument(ctx, d.ID, d.ReviewDate, []*lookout.Event{{Type: lookout.EventRecordExpired, Country: "DEU", RecordID: d.ID}}, audit("documents.expire", "d")); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Document(ctx, d.ID); code(err) != lookout.ENOTFOUND {
			t.Fatalf("expired document still stored: %v", err)
		}
		head, _ := s.ChangeHead(ctx)
		if ch, _ := s.Changes(ctx, head-1, 1); len(ch) != 1 || ch[0].Op != "delete" || ch[0].RecordID != d.ID {
			t.Fatalf("change feed: %+v", ch)
		}
	})
}
