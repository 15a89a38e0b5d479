package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/lookout-network/lookout"
)

// testAuditFilters: the audit trail's filters, alone and together, newest
// first and oldest first, and its time bounds, exactly.
func testAuditFilters(t *testing.T, s lookout.Store) {
	defer s.Close()
	ctx := context.Background()
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	// 300 entries, one every hour: accounts, actions, agencies, countries in turn.
	var all []*lookout.AuditEntry
	for i := range 300 {
		e := &lookout.AuditEntry{Time: start.Add(time.Duration(i) * time.Hour), AgencyID: []string{"ncb-fra", "ncb-deu", "fra-cdg"}[i%3],
			Action: []string{"documents.check", "account.sign_in", "documents.create", "hit.action", "persons.search"}[i%5], Object: fmt.Sprint(i), Outcome: "ok"}
		e.Country = map[string]string{"ncb-fra": "FRA", "ncb-deu": "DEU", "fra-cdg": "FRA"}[e.AgencyID]
		if i%7 == 0 {
			e.Account = []string{"marie", "hans"}[i%2]
		}
		all = append(all, e)
	}
	for i := 0; i < len(all); i += 50 {
		if err := s.AppendAudit(ctx, all[i:i+50]...); err != nil {
			t.Fatal(err)
		}
	}
	want := func(f lookout.AuditFilter) []int64 {
		var out []int64
		for _, e := range all {
			if (f.Account == "" || e.Account == f.Account) && (f.AgencyID == "" || e.AgencyID == f.AgencyID) && (f.Action == "" || e.Action == f.Action) &&
				(f.Country == "" || e.Country == f.Country) && (f.From.IsZero() || !e.Time.Before(f.From)) && (f.To.IsZero() || e.Time.Before(f.To)) &&
				(f.BeforeSeq == 0 || e.Seq < f.BeforeSeq) && e.Seq > f.AfterSeq {
				out = append(out, e.Seq)
			}
		}
		if f.Newest {
			slices.Reverse(out)
		}
		return out[:min(len(out), f.Limit)]
	}
	day := func(d int) time.Time { return start.AddDate(0, 0, d) }
	for _, f := range []lookout.AuditFilter{
		{Limit: 1000},
		{Limit: 50, Newest: true},
		{Account: "marie", Limit: 1000, Newest: true},
		{Account: "hans", Country: "DEU", Limit: 1000, Newest: true},
		{Action: "account.sign_in", Country: "FRA", Limit: 1000, Newest: true},
		{AgencyID: "fra-cdg", Action: "hit.action", Limit: 1000},
		{Country: "DEU", Limit: 7, Newest: true, BeforeSeq: 200},
		{From: day(3), To: day(5), Limit: 1000, Newest: true},
		{From: day(3).Add(30 * time.Minute), To: day(3).Add(5*time.Hour + 30*time.Minute), Limit: 1000},
		{From: day(11), Limit: 1000, Newest: true},
		{To: day(-1), Limit: 1000},
		{From: day(100), Limit: 1000},
		{Account: "marie", From: day(2), To: day(9), Action: "documents.check", Limit: 1000, Newest: true},
	} {
		got, err := s.AuditEntries(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var seqs []int64
		for _, e := range got {
			seqs = append(seqs, e.Seq)
		}
		if w := want(f); !slices.Equal(seqs, w) {
			t.Errorf("filter %+v: got %v, want %v", f, seqs, w)
		}
	}
}
