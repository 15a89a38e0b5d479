// Package storetest is the contract test suite of lookout.Store: every
// backend runs it (see sqlite's tests), so that the hub can rely on the same
// behaviour from each.
package storetest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"github.com/lookout-network/lookout"
)

// Opener returns a fresh, empty store; the suite closes it.
type Opener func(tb testing.TB) lookout.Store

// Run runs the whole contract against the backend open returns.
func Run(t *testing.T, open Opener) {
	t.Run("Agencies", func(t *testing.T) { testAgencies(t, open(t)) })
	t.Run("Documents", func(t *testing.T) { testDocuments(t, open(t)) })
	t.Run("Searches", func(t *testing.T) { testSearches(t, open(t)) })
	t.Run("AuditChain", func(t *testing.T) { testAuditChain(t, open(t)) })
	t.Run("Persons", func(t *testing.T) { testPersons(t, open(t)) })
	t.Run("Followup", func(t *testing.T) { testFollowup(t, open(t)) })
	t.Run("Accounts", func(t *testing.T) { testAccounts(t, open(t)) })
	t.Run("AuditFilters", func(t *testing.T) { testAuditFilters(t, open(t)) })
	t.Run("AccountSessions", func(t *testing.T) { testAccountSessions(t, open(t)) })
	t.Run("SearchCandidates", func(t *testing.T) { testSearchCandidates(t, open(t)) })
}

func hash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func audit(action, object string) *lookout.AuditEntry {
	return &lookout.AuditEntry{AgencyID: "secretariat", Country: lookout.SecretariatCountry, Action: action, Object: object, Outcome: "ok"}
}

// MustAgency stores an agency with a token "token-ID".
func MustAgency(tb testing.TB, s lookout.Store, id, kind, country, parent string) *lookout.Agency {
	tb.Helper()
	a := &lookout.Agency{ID: id, Kind: kind, Country: country, Name: "Agency " + id, ParentID: parent, Grants: []lookout.Grant{lookout.GrantDocumentsCheck, lookout.GrantDocumentsWrite}}
	if err := s.CreateAgency(context.Background(), a, hash("token-"+id), audit("agency.create", id)); err != nil {
		tb.Fatalf("create agency %s: %v", id, err)
	}
	return a
}

func code(err error) string { return lookout.ErrorCode(err) }

func testAgencies(t *testing.T, s lookout.Store) {
	defer s.Close()
	ctx := context.Background()
	MustAgency(t, s, "secretariat", lookout.KindSecretariat, lookout.SecretariatCountry, "")
	deu := MustAgency(t, s, "ncb-deu", lookout.KindNCB, "DEU", "secretariat")
	MustAgency(t, s, "deu-fra", lookout.KindAgency, "DEU", "ncb-deu")

	t.Run("OK", func(t *testing.T) {
		a, err := s.Agency(ctx, "ncb-deu")
		if err != nil || a.Country != "DEU" || a.ParentID != "secretariat" || len(a.Grants) != 2 || a.CreatedAt.IsZero() {
			t.Fatalf("%+v %v", a, err)
		}
		if !a.CreatedAt.Equal(deu.CreatedAt) {
			t.Fatalf("created_at %v stored as %v", deu.CreatedAt, a.CreatedAt)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := s.Agency(ctx, "nobody"); code(err) != lookout.ENOTFOUND {
			t.Fatalf("%v", err)
		}
		if _, err := s.AgencyByToken(ctx, hash("nothing")); code(err) != lookout.ENOTFOUND {
			t.Fatalf("%v", err)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		err := s.CreateAgency(ctx, &lookout.Agency{ID: "ncb-deu-2", Kind: lookout.KindNCB, Country: "DEU", Name: "second", ParentID: "secretariat"}, nil, audit("agency.create", "x"))
		if code(err) != lookout.ECONFLICT {
			t.Fatalf("second NCB of DEU: %v", err)
		}
		err = s.CreateAgency(ctx, &lookout.Agency{ID: "deu-fra", Kind: lookout.KindAgency, Country: "DEU", Name: "again", ParentID: "ncb-deu"}, nil, audit("agency.create", "x"))
		if code(err) != lookout.ECONFLICT {
			t.Fatalf("taken ID: %v", err)
		}
	})
	t.Run("Token", func(t *testing.T) {
		if a, err := s.AgencyByToken(ctx, hash("token-deu-fra")); err != nil || a.ID != "deu-fra" {
			t.Fatalf("%+v %v", a, err)
		}
		if err := s.AddToken(ctx, "deu-fra", hash("second"), audit("agency.token", "deu-fra")); err != nil {
			t.Fatal(err)
		}
		if a, err := s.AgencyByToken(ctx, hash("second")); err != nil || a.ID != "deu-fra" {
			t.Fatalf("%+v %v", a, err)
		}
	})
	t.Run("Update", func(t *testing.T) {
		a, _ := s.Agency(ctx, "deu-fra")
		a.Disabled, a.Grants = true, []lookout.Grant{lookout.GrantStatsRead}
		if err := s.UpdateAgency(ctx, a, audit("agency.update", a.ID)); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Agency(ctx, "deu-fra")
		if !got.Disabled || len(got.Grants) != 1 || got.Grants[0] != lookout.GrantStatsRead {
			t.Fatalf("%+v", got)
		}
		if err := s.UpdateAgency(ctx, &lookout.Agency{ID: "ghost"}, audit("agency.update", "ghost")); code(err) != lookout.ENOTFOUND {
			t.Fatalf("update of a missing agency: %v", err)
		}
	})
	t.Run("List", func(t *testing.T) {
		list, err := s.Agencies(ctx, lookout.AgencyFilter{ParentID: "ncb-deu"})
		if err != nil || len(list) != 1 || list[0].ID != "deu-fra" {
			t.Fatalf("%v %v", list, err)
		}
		list, _ = s.Agencies(ctx, lookout.AgencyFilter{Limit: 2})
		if len(list) != 2 || list[0].ID != "deu-fra" || list[1].ID != "ncb-deu" {
			t.Fatalf("ordered page: %v", list)
		}
		list, _ = s.Agencies(ctx, lookout.AgencyFilter{After: "ncb-deu"})
		if len(list) != 1 || list[0].ID != "secretariat" {
			t.Fatalf("next page: %v", list)
		}
	})
}

func doc(number, country string) *lookout.Document {
	return &lookout.Document{Number: number, IssuingCountry: country, OwnerCountry: country, Type: "passport", Status: "stolen", ReviewDate: "2036-01-01", CreatedBy: "ncb-" + map[string]string{"DEU": "deu", "FRA": "fra"}[country]}
}

func testDocuments(t *testing.T, s lookout.Store) {
	defer s.Close()
	ctx := context.Background()
	MustAgency(t, s, "secretariat", lookout.KindSecretariat, lookout.SecretariatCountry, "")
	MustAgency(t, s, "ncb-deu", lookout.KindNCB, "DEU", "secretariat")
	MustAgency(t, s, "ncb-fra", lookout.KindNCB, "FRA", "secretariat")
	withAudit := func(d *lookout.Document) *lookout.AuditEntry { return audit("documents.create", fmt.Sprint(d.ID)) }

	a, b, dup := doc("C01X00T47", "DEU"), doc("12AB34567", "FRA"), doc("C01X00T47", "DEU")
	a.Restriction = &lookout.Restriction{Deny: []string{"GBR"}}
	errs, err := s.InsertDocuments(ctx, []*lookout.Document{a, b, dup}, withAudit)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("Insert", func(t *testing.T) {
		if errs[0] != nil || errs[1] != nil || a.ID == 0 || b.ID == 0 || a.Version != 1 {
			t.Fatalf("%v %+v %+v", errs, a, b)
		}
		if code(errs[2]) != lookout.ECONFLICT {
			t.Fatalf("duplicate: %v", errs[2])
		}
		got, err := s.Document(ctx, a.ID)
		if err != nil || got.Number != "C01X00T47" || got.Restriction == nil || got.Restriction.Deny[0] != "GBR" || !got.CreatedAt.Equal(a.CreatedAt) {
			t.Fatalf("%+v %v", got, err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := s.Document(ctx, 999999); code(err) != lookout.ENOTFOUND {
			t.Fatal(err)
		}
		if err := s.DeleteDocument(ctx, 999999, audit("documents.delete", "999999")); code(err) != lookout.ENOTFOUND {
			t.Fatal(err)
		}
	})
	t.Run("List", func(t *testing.T) {
		list, err := s.Documents(ctx, lookout.DocumentFilter{OwnerCountry: "FRA"})
		if err != nil || len(list) != 1 || list[0].ID != b.ID {
			t.Fatalf("%v %v", list, err)
		}
		many, _ := s.DocumentsByID(ctx, []int64{a.ID, b.ID, 424242})
		if len(many) != 2 {
			t.Fatalf("by ID: %v", many)
		}
	})
	t.Run("Update", func(t *testing.T) {
		got, _ := s.Document(ctx, a.ID)
		got.Status, got.Version = "lost", got.Version+1
		if err := s.UpdateDocument(ctx, got, audit("documents.update", "a")); err != nil {
			t.Fatal(err)
		}
		stale, _ := s.Document(ctx, a.ID)
		stale.Version = 2 // as if read before the update above
		if err := s.UpdateDocument(ctx, stale, audit("documents.update", "a")); code(err) != lookout.ECONFLICT {
			t.Fatalf("stale update: %v", err)
		}
		now, _ := s.Document(ctx, a.ID)
		if now.Status != "lost" || now.Version != 2 {
			t.Fatalf("%+v", now)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		if err := s.DeleteDocument(ctx, b.ID, audit("documents.delete", "b")); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Document(ctx, b.ID); code(err) != lookout.ENOTFOUND {
			t.Fatal(err)
		}
	})
	t.Run("ScanAndChanges", func(t *testing.T) {
		var seen []int64
		s.ScanDocuments(ctx, func(id int64, country, number, numberTo string) error {
			seen = append(seen, id)
			return nil
		})
		if len(seen) != 1 || seen[0] != a.ID {
			t.Fatalf("scan: %v", seen)
		}
		ch, err := s.Changes(ctx, 0, 100)
		if err != nil || len(ch) != 4 || ch[3].Op != "delete" || ch[3].RecordID != b.ID {
			t.Fatalf("changes: %+v %v", ch, err)
		}
		if ch, _ := s.Changes(ctx, ch[2].Seq, 100); len(ch) != 1 {
			t.Fatalf("changes since: %+v", ch)
		}
		if head, err := s.ChangeHead(ctx); err != nil || head != ch[3].Seq {
			t.Fatalf("change head %d, want %d: %v", head, ch[3].Seq, err)
		}
	})
}

func testSearches(t *testing.T, s lookout.Store) {
	defer s.Close()
	ctx := context.Background()
	MustAgency(t, s, "secretariat", lookout.KindSecretariat, lookout.SecretariatCountry, "")
	MustAgency(t, s, "ncb-fra", lookout.KindNCB, "FRA", "secretariat")
	day := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	var searches []*lookout.Search
	for i := range 5 {
		e := &lookout.AuditEntry{Time: day, AgencyID: "ncb-fra", Country: "FRA", Action: "documents.check", Database: lookout.DatabaseDocuments, Object: fmt.Sprint("s", i), Outcome: lookout.OutcomeNoHit}
		sr := &lookout.Search{Audit: e}
		if i == 2 {
			e.Outcome = lookout.OutcomeHit
			sr.Hits = []*lookout.Hit{{Database: lookout.DatabaseDocuments, SearchID: "s2", Match: "exact", Status: lookout.HitOpen, RecordID: 7, SearchingAgency: "ncb-fra", SearchingCountry: "FRA", OwnerCountry: "DEU", Query: "number=X"}}
		}
		searches = append(searches, sr)
	}
	if err := s.RecordSearches(ctx, searches); err != nil {
		t.Fatal(err)
	}
	hit := searches[2].Hits[0]
	t.Run("Hits", func(t *testing.T) {
		if hit.ID == 0 {
			t.Fatal("hit ID not set")
		}
		for _, c := range []string{"FRA", "DEU"} {
			if list, _ := s.Hits(ctx, lookout.HitFilter{Country: c}); len(list) != 1 {
				t.Fatalf("%s: %v", c, list)
			}
		}
		if list, _ := s.Hits(ctx, lookout.HitFilter{Country: "GBR"}); len(list) != 0 {
			t.Fatalf("GBR: %v", list)
		}
		if got, err := s.Hit(ctx, hit.ID); err != nil || got.OwnerCountry != "DEU" || got.SearchID != "s2" {
			t.Fatalf("%+v %v", got, err)
		}
		if _, err := s.Hit(ctx, 999); code(err) != lookout.ENOTFOUND {
			t.Fatal(err)
		}
	})
	t.Run("Stats", func(t *testing.T) {
		rows, err := s.Stats(ctx, lookout.StatsFilter{From: "2026-03-01", To: "2026-03-31", Country: "FRA"})
		if err != nil || len(rows) != 1 || rows[0].Checks != 5 || rows[0].Hits != 1 || rows[0].Day != "2026-03-04" {
			t.Fatalf("%+v %v", rows, err)
		}
		if rows, _ := s.Stats(ctx, lookout.StatsFilter{From: "2026-04-01", To: "2026-04-30"}); len(rows) != 0 {
			t.Fatalf("out of range: %+v", rows)
		}
	})
}

func testAuditChain(t *testing.T, s lookout.Store) {
	defer s.Close()
	ctx := context.Background()
	MustAgency(t, s, "secretariat", lookout.KindSecretariat, lookout.SecretariatCountry, "")
	for i := range 10 {
		if err := s.AppendAudit(ctx, audit("test", fmt.Sprint(i)), audit("test", fmt.Sprint(i, "b"))); err != nil {
			t.Fatal(err)
		}
	}
	// A failed transaction must not move the chain's head.
	err := s.CreateAgency(ctx, &lookout.Agency{ID: "secretariat", Kind: lookout.KindNCB, Country: "FRA", Name: "dup"}, nil, audit("agency.create", "dup"))
	if code(err) != lookout.ECONFLICT {
		t.Fatalf("duplicate: %v", err)
	}
	s.AppendAudit(ctx, audit("test", "after"))
	v := &lookout.AuditVerifier{}
	if err := s.ScanAudit(ctx, v.Next); err != nil {
		t.Fatal(err)
	}
	if v.Count != 22 {
		t.Fatalf("%d entries, want 22", v.Count)
	}
	page, err := s.AuditEntries(ctx, lookout.AuditFilter{AfterSeq: 5, Limit: 3})
	if err != nil || len(page) != 3 || page[0].Seq != 6 {
		t.Fatalf("%+v %v", page, err)
	}
}

func testPersons(t *testing.T, s lookout.Store) {
	defer s.Close()
	ctx := context.Background()
	MustAgency(t, s, "secretariat", lookout.KindSecretariat, lookout.SecretariatCountry, "")
	MustAgency(t, s, "ncb-deu", lookout.KindNCB, "DEU", "secretariat")
	person := func(ref, name string) *lookout.Person {
		return &lookout.Person{Reference: ref, Name: name, Aliases: []string{"Wolodja"}, DateOfBirth: "1975-03", Sex: "M", Nationalities: []string{"RUS"},
			IdentityDocuments: []lookout.IdentityDocument{{Number: "C01X00T47", IssuingCountry: "DEU", Type: "passport"}}, DNAProfiles: lookout.IDList{7},
			OwnerCountry: "DEU", Restriction: &lookout.Restriction{Deny: []string{"GBR"}}, ReviewDate: "2031-01-01", CreatedBy: "ncb-deu"}
	}
	withAudit := func(p *lookout.Person) *lookout.AuditEntry { return audit("persons.create", fmt.Sprint(p.ID)) }
	a, b, dup := person("BKA-1", "Владимир Петров"), person("", "Jean Dupont"), person("BKA-1", "Other")
	errs, err := s.InsertPersons(ctx, []*lookout.Person{a, b, dup}, withAudit)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("Insert", func(t *testing.T) {
		if errs[0] != nil || errs[1] != nil || code(errs[2]) != lookout.ECONFLICT || a.ID == 0 || b.ID == 0 || a.Version != 1 {
			t.Fatalf("%v %+v", errs, a)
		}
		got, err := s.PersonsByID(ctx, []int64{a.ID, 999})
		if err != nil || len(got) != 1 || got[0].Name != a.Name || got[0].DateOfBirth != "1975-03" || got[0].Restriction.Deny[0] != "GBR" ||
			got[0].IdentityDocuments[0].Number != "C01X00T47" || got[0].DNAProfiles[0] != 7 || !got[0].CreatedAt.Equal(a.CreatedAt) {
			t.Fatalf("%+v %v", got, err)
		}
		list, err := s.Persons(ctx, lookout.PersonFilter{OwnerCountry: "DEU"})
		if err != nil || len(list) != 2 {
			t.Fatalf("%d %v", len(list), err)
		}
	})
	t.Run("UpdateConflict", func(t *testing.T) {
		a.Sex, a.Version = "F", 2
		if err := s.UpdatePerson(ctx, a, audit("persons.update", "a")); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdatePerson(ctx, a, audit("persons.update", "a")); code(err) != lookout.ECONFLICT {
			t.Fatalf("stale version: %v", err)
		}
	})
	n := &lookout.Notice{Kind: lookout.KindNotice, PersonID: b.ID, Type: "red", Status: lookout.NoticePublished, Summary: "robbery", PenaltyYears: 10,
		Recipients: nil, OwnerCountry: "DEU", RequestedBy: "ncb-deu", ExpiresOn: "2031-01-01"}
	t.Run("Notices", func(t *testing.T) {
		if err := s.InsertNotice(ctx, n, audit("notices.request", "")); err != nil || n.ID == 0 {
			t.Fatalf("%v", err)
		}
		orphan := *n
		if err := s.InsertNotice(ctx, &orphan, audit("notices.request", "")); err != nil {
			t.Fatal(err)
		}
		orphan.PersonID = 99999
		if err := s.InsertNotice(ctx, &orphan, audit("notices.request", "")); code(err) != lookout.ENOTFOUND {
			t.Fatalf("notice on no person: %v", err)
		}
		got, err := s.Notice(ctx, n.ID)
		if err != nil || got.Summary != "robbery" || got.PenaltyYears != 10 || got.Status != lookout.NoticePublished {
			t.Fatalf("%+v %v", got, err)
		}
		n.Status, n.Version = lookout.NoticeCancelled, 2
		if err := s.UpdateNotice(ctx, n, audit("notices.cancel", "")); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateNotice(ctx, n, audit("notices.cancel", "")); code(err) != lookout.ECONFLICT {
			t.Fatalf("stale notice: %v", err)
		}
		if _, err := s.Notice(ctx, 99999); code(err) != lookout.ENOTFOUND {
			t.Fatalf("%v", err)
		}
	})
	t.Run("DeleteWithdrawsNotices", func(t *testing.T) {
		if err := s.DeletePerson(ctx, b.ID, audit("persons.delete", "")); err != nil {
			t.Fatal(err)
		}
		if err := s.DeletePerson(ctx, b.ID, audit("persons.delete", "")); code(err) != lookout.ENOTFOUND {
			t.Fatalf("second delete: %v", err)
		}
		list, err := s.Notices(ctx, lookout.NoticeFilter{PersonID: b.ID})
		if err != nil || len(list) != 2 {
			t.Fatalf("%d %v", len(list), err)
		}
		// The first was cancelled by its owner; the second withdrawn now.
		if list[0].Status != lookout.NoticeCancelled || list[0].CancelReason != "" || list[1].Status != lookout.NoticeCancelled || list[1].CancelReason == "" {
			t.Fatalf("notices of a deleted person: %+v %+v", list[0], list[1])
		}
		count := 0
		s.ScanPersons(ctx, func(*lookout.Person) error { count++; return nil })
		if count != 1 {
			t.Fatalf("scan after delete: %d persons", count)
		}
	})
	t.Run("Screening", func(t *testing.T) {
		sc := &lookout.Screening{Status: lookout.ScreeningRunning, AgencyID: "ncb-deu", Country: "DEU", Total: 3, Done: 1, Invalid: 1}
		bad := []*lookout.ScreeningResult{{Line: 3, Outcome: "invalid", Error: &lookout.ScreeningError{Code: "invalid", Field: "name"}}}
		if err := s.InsertScreening(ctx, sc, bad, audit("screenings.create", "")); err != nil || sc.ID == 0 {
			t.Fatal(err)
		}
		sc.Done, sc.Hits, sc.Status = 3, 1, lookout.ScreeningDone
		if err := s.UpdateScreening(ctx, sc, []*lookout.ScreeningResult{{Line: 2, Outcome: "hit", SearchID: "s_1"}}, audit("screenings.done", "")); err != nil {
			t.Fatal(err)
		}
		got, err := s.Screening(ctx, sc.ID)
		if err != nil || got.Done != 3 || got.Hits != 1 || got.Status != lookout.ScreeningDone || got.FinishedAt == nil {
			t.Fatalf("%+v %v", got, err)
		}
		res, err := s.ScreeningResults(ctx, sc.ID, 0, 10)
		if err != nil || len(res) != 2 || res[0].Line != 2 || res[1].Error.Field != "name" {
			t.Fatalf("%+v %v", res, err)
		}
		if res, _ = s.ScreeningResults(ctx, sc.ID, 2, 10); len(res) != 1 {
			t.Fatalf("after line 2: %d", len(res))
		}
		if _, err := s.Screening(ctx, 9999); code(err) != lookout.ENOTFOUND {
			t.Fatalf("%v", err)
		}
	})
}
