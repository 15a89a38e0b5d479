package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/sqlite"
	"github.com/lookout-network/lookout/storetest"
)

// backdate moves a document's review date into the past, as years passing
// would: the API refuses past dates.
func backdate(t *testing.T, n *network, id, date string) {
	t.Helper()
	ctx := context.Background()
	n64, _ := strconv.ParseInt(id, 10, 64)
	d, err := n.m.store.Document(ctx, n64)
	if err != nil {
		t.Fatal(err)
	}
	d.ReviewDate, d.Version = date, d.Version+1
	if err := n.m.store.UpdateDocument(ctx, d, &lookout.AuditEntry{AgencyID: "ncb-deu", Country: "DEU", Action: "test.backdate", Object: id}); err != nil {
		t.Fatal(err)
	}
}

// TestReview tells owners six months ahead, lets them extend with a reason,
// and expires what they did not extend: out of the store, the index and
// every result, with the audit trail keeping what happened.
func TestReview(t *testing.T) {
	n := mustNetwork(t)
	soon := time.Now().UTC().AddDate(0, 1, 0).Format(lookout.DateLayout)
	due := n.mustDocument(t, n.deu, map[string]any{"number": "C01X00T47", "issuing_country": "DEU", "type": "passport", "status": "stolen", "review_date": soon})
	n.mustDocument(t, n.deu, map[string]any{"number": "C01X00T48", "issuing_country": "DEU", "type": "passport", "status": "stolen"}) // ten years: not due
	old := n.mustDocument(t, n.deu, map[string]any{"number": "C01X00T49", "issuing_country": "DEU", "type": "passport", "status": "lost"})
	backdate(t, n, old.ID, "2020-01-01")

	var e apiError
	if status := n.deu.do("POST", "/v1/review/run", nil, &e); status != 403 {
		t.Fatalf("NCB running the review: %d", status)
	}
	var rep struct{ Noticed, Expired int }
	if status := n.sec.do("POST", "/v1/review/run", nil, &rep); status != 200 || rep.Noticed != 2 || rep.Expired != 1 {
		// The expired record was also due: it is noticed, then expires.
		t.Fatalf("review: %d %+v", status, rep)
	}
	events := n.deu.mustEvents("0")
	seen := map[string]string{}
	for seen["record.review_due "+due.ID] == "" || seen["record.expired "+old.ID] == "" {
		select {
		case ev := <-events.events:
			if ev.Type == "record.review_due" || ev.Type == "record.expired" {
				seen[ev.Type+" "+ev.Data["record_id"].(string)] = ev.Type
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("events: %v", seen)
		}
	}
	t.Run("Expired", func(t *testing.T) {
		if status := n.deu.do("GET", "/v1/documents/"+old.ID, nil, nil); status != 404 {
			t.Fatalf("expired record still readable: %d", status)
		}
		var res checkResult
		n.fraBorder.do("POST", "/v1/documents/check", map[string]any{"number": "C01X00T49", "issuing_country": "DEU"}, &res)
		for _, m := range res.Matches {
			if m.Document.ID == old.ID || res.Outcome == "hit" {
				t.Fatalf("expired record still found: %+v", res)
			}
		}
		var audit struct {
			Entries []struct{ Object, Detail string } `json:"entries"`
		}
		n.sec.do("GET", "/v1/audit?action=documents.expire", nil, &audit)
		if len(audit.Entries) != 1 || audit.Entries[0].Object != old.ID {
			t.Fatalf("audit: %+v", audit)
		}
	})
	t.Run("NoticedOnce", func(t *testing.T) {
		if n.sec.do("POST", "/v1/review/run", nil, &rep); rep.Noticed != 0 || rep.Expired != 0 {
			t.Fatalf("second run: %+v", rep)
		}
	})
	later := time.Now().UTC().AddDate(5, 0, 0).Format(lookout.DateLayout)
	for _, tc := range []struct {
		name   string
		c      *client
		body   map[string]any
		status int
		field  string
	}{
		{"ErrForbiddenNotOwner", n.fra, map[string]any{"review_date": later, "reason": "still wanted"}, 403, ""},
		{"ErrInvalidNoReason", n.deu, map[string]any{"review_date": later, "reason": ""}, 400, "reason"},
		{"ErrInvalidEarlier", n.deu, map[string]any{"review_date": "2026-01-01", "reason": "x"}, 400, "review_date"},
		{"ErrInvalidTooLate", n.deu, map[string]any{"review_date": "2099-01-01", "reason": "x"}, 400, "review_date"},
		{"ErrInvalidDate", n.deu, map[string]any{"review_date": "soon", "reason": "x"}, 400, "review_date"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var e apiError
			if status := tc.c.do("POST", "/v1/documents/"+due.ID+"/review", tc.body, &e); status != tc.status || e.Error.Field != tc.field {
				t.Fatalf("%d %+v, want %d naming %q", status, e, tc.status, tc.field)
			}
		})
	}
	t.Run("Extend", func(t *testing.T) {
		var d document
		if status := n.deu.do("POST", "/v1/documents/"+due.ID+"/review", map[string]any{"review_date": later, "reason": "investigation 2026/114 still open"}, &d); status != 200 || d.ReviewDate != later {
			t.Fatalf("%d %+v", status, d)
		}
		var audit struct {
			Entries []struct{ Detail string } `json:"entries"`
		}
		n.deu.do("GET", "/v1/audit?action=documents.review_extend", nil, &audit)
		if len(audit.Entries) != 1 || audit.Entries[0].Detail != "review_date "+soon+" -> "+later+": investigation 2026/114 still open" {
			t.Fatalf("audit: %+v", audit)
		}
	})
}

// TestReviewPersons expires a person record past its review date through
// the persons database's own deletion: out of the store and the name index.
func TestReviewPersons(t *testing.T) {
	n := mustNetwork(t)
	var p struct {
		ID string `json:"id"`
	}
	if status := n.deu.do("POST", "/v1/persons", map[string]any{"name": "Erika Mustermann", "date_of_birth": "1964-08-12", "sex": "F", "nationalities": []string{"DEU"}}, &p); status != 201 {
		t.Fatalf("person: %d", status)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(n.m.DataDir, "lookout.db")+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE persons SET review_date = '2020-01-01' WHERE id = ?`, p.ID); err != nil {
		t.Fatal(err)
	}
	var rep struct{ Noticed, Expired, Skipped int }
	if status := n.sec.do("POST", "/v1/review/run", nil, &rep); status != 200 || rep.Expired != 1 || rep.Skipped != 0 {
		t.Fatalf("review: %d %+v", status, rep)
	}
	if status := n.deu.do("GET", "/v1/persons/"+p.ID, nil, nil); status != 404 {
		t.Fatalf("expired person still readable: %d", status)
	}
	var audit struct {
		Entries []struct{ Object string } `json:"entries"`
	}
	n.sec.do("GET", "/v1/audit?action=persons.expire", nil, &audit)
	if len(audit.Entries) != 1 || audit.Entries[0].Object != p.ID {
		t.Fatalf("audit: %+v", audit)
	}
}

// TestReviewCommand runs the review on the store of a stopped hub.
func TestReviewCommand(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	if _, _, err := initStore(ctx, dir); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(ctx, filepath.Join(dir, "lookout.db"))
	if err != nil {
		t.Fatal(err)
	}
	storetest.MustAgency(t, db, "ncb-deu", lookout.KindNCB, "DEU", "secretariat")
	d := &lookout.Document{Number: "C01X00T47", IssuingCountry: "DEU", OwnerCountry: "DEU", Type: "passport", Status: "stolen", ReviewDate: "2020-01-01", CreatedBy: "ncb-deu"}
	if _, err := db.InsertDocuments(ctx, []*lookout.Document{d}, func(*lookout.Document) *lookout.AuditEntry {
		return &lookout.AuditEntry{AgencyID: "ncb-deu", Country: "DEU", Action: "documents.create"}
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	var out, errb bytes.Buffer
	if code := run(ctx, &Env{Stdout: &out, Stderr: &errb}, []string{"review", "run", "--data", dir}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var rep struct{ Noticed, Expired int }
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || rep.Expired != 1 {
		t.Fatalf("%q %v", out.String(), err)
	}
	t.Run("ErrUsage", func(t *testing.T) {
		for _, args := range [][]string{{"review"}, {"review", "run"}, {"review", "walk", "--data", dir}, {"review", "run", "--data", dir, "extra"}} {
			if code := run(ctx, &Env{Stdout: &out, Stderr: &errb}, args); code != 2 {
				t.Errorf("%v: exit %d", args, code)
			}
		}
	})
	t.Run("ErrNoStore", func(t *testing.T) {
		if code := run(ctx, &Env{Stdout: &out, Stderr: &errb}, []string{"review", "run", "--data", t.TempDir()}); code != 1 {
			t.Errorf("exit %d", code)
		}
	})
}
