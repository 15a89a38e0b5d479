package storetest

import (
	"context"
	"testing"

	"github.com/lookout-network/lookout"
)

// testSearchCandidates: a search's kept candidates are listed back in rank
// order, whatever order they were stored in, each with the decision
// recorded on it; the next decision replaces an inconclusive one, none
// replaces a final one; a search that kept none is not found.
func testSearchCandidates(t *testing.T, s lookout.Store) {
	defer s.Close()
	ctx := context.Background()
	MustAgency(t, s, "secretariat", lookout.KindSecretariat, lookout.SecretariatCountry, "")
	MustAgency(t, s, "ncb-fra", lookout.KindNCB, "FRA", "secretariat")
	MustAgency(t, s, "ncb-deu", lookout.KindNCB, "DEU", "secretariat")
	cand := func(search string, id int64, position, rank int, score float64) lookout.SearchCandidate {
		return lookout.SearchCandidate{SearchID: search, Database: lookout.DatabaseFingerprints, RecordID: id, Position: position, Score: score, Rank: rank,
			SearchingAgency: "ncb-fra", SearchingCountry: "FRA"}
	}
	search := func(id, outcome string, cs ...lookout.SearchCandidate) *lookout.Search {
		return &lookout.Search{Audit: &lookout.AuditEntry{AgencyID: "ncb-fra", Country: "FRA", Action: "fingerprints.search", Database: lookout.DatabaseFingerprints, Object: id, Outcome: outcome},
			Candidates: cs}
	}
	// Stored out of rank order; record 12 comes back at two fingers.
	err := s.RecordSearches(ctx, []*lookout.Search{
		search("s_a", "candidates", cand("s_a", 12, 7, 3, 21.5), cand("s_a", 11, 2, 1, 48.25), cand("s_a", 12, 2, 2, 30)),
		search("s_b", "candidates", cand("s_b", 11, 2, 1, 19)),
		search("s_none", lookout.OutcomeNoHit),
	})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("OK", func(t *testing.T) {
		cs, err := s.SearchCandidates(ctx, "s_a")
		if err != nil || len(cs) != 3 {
			t.Fatalf("%v %v", cs, err)
		}
		want := []lookout.SearchCandidate{cand("s_a", 11, 2, 1, 48.25), cand("s_a", 12, 2, 2, 30), cand("s_a", 12, 7, 3, 21.5)}
		for i, c := range cs {
			if *c != want[i] {
				t.Errorf("candidate %d: %+v, want %+v", i, *c, want[i])
			}
		}
		if cs, err := s.SearchCandidates(ctx, "s_b"); err != nil || len(cs) != 1 || cs[0].Score != 19 {
			t.Fatalf("the other search: %v %v", cs, err)
		}
	})
	t.Run("Decisions", func(t *testing.T) {
		no := &lookout.Decision{SearchID: "s_a", Database: lookout.DatabaseFingerprints, RecordID: 12, Position: 2, Decision: lookout.DecisionNotIdentified, Note: "9 points", AgencyID: "ncb-fra"}
		if err := s.RecordDecision(ctx, no, nil, audit("fingerprints.decide", "s_a")); err != nil {
			t.Fatal(err)
		}
		yes := &lookout.Decision{SearchID: "s_a", Database: lookout.DatabaseFingerprints, RecordID: 11, Position: 2, Decision: lookout.DecisionIdentified, AgencyID: "ncb-fra"}
		hit := &lookout.Hit{Database: lookout.DatabaseFingerprints, SearchID: "s_a", Match: "identified", Status: lookout.HitOpen, RecordID: 11,
			SearchingAgency: "ncb-fra", SearchingCountry: "FRA", OwnerCountry: "DEU", Query: "position=2"}
		if err := s.RecordDecision(ctx, yes, hit, audit("fingerprints.decide", "s_a")); err != nil {
			t.Fatal(err)
		}
		cs, err := s.SearchCandidates(ctx, "s_a")
		if err != nil || len(cs) != 3 {
			t.Fatalf("%v %v", cs, err)
		}
		for i, want := range []*lookout.Decision{yes, no, nil} {
			got := cs[i].Decision
			switch {
			case want == nil && got != nil:
				t.Errorf("rank %d is undecided, got %+v", cs[i].Rank, *got)
			case want != nil && got == nil:
				t.Errorf("rank %d lacks its decision %+v", cs[i].Rank, *want)
			case want != nil && (got.SearchID != want.SearchID || got.Database != want.Database || got.RecordID != want.RecordID || got.Position != want.Position ||
				got.Decision != want.Decision || got.Note != want.Note || got.AgencyID != want.AgencyID || got.HitID != want.HitID || !got.CreatedAt.Equal(want.CreatedAt)):
				t.Errorf("rank %d: decision %+v, want %+v", cs[i].Rank, *got, *want)
			}
		}
		if yes.HitID == 0 || cs[0].Decision.HitID != hit.ID {
			t.Errorf("the identification's hit: %d, stored %d", cs[0].Decision.HitID, hit.ID)
		}
		// The other search's candidate of the same record and finger is
		// not decided by this search's decision.
		if cs, _ := s.SearchCandidates(ctx, "s_b"); len(cs) != 1 || cs[0].Decision != nil {
			t.Fatalf("a decision leaked to another search: %+v", cs[0])
		}
	})
	t.Run("Inconclusive", func(t *testing.T) {
		decide := func(decision, note string, hit *lookout.Hit) (*lookout.Decision, error) {
			d := &lookout.Decision{SearchID: "s_a", Database: lookout.DatabaseFingerprints, RecordID: 12, Position: 7, Decision: decision, Note: note, AgencyID: "ncb-fra"}
			return d, s.RecordDecision(ctx, d, hit, audit("fingerprints.decide", "s_a"))
		}
		third := func() *lookout.Decision {
			cs, err := s.SearchCandidates(ctx, "s_a")
			if err != nil || len(cs) != 3 || cs[2].Rank != 3 {
				t.Fatalf("%v %v", cs, err)
			}
			return cs[2].Decision
		}
		// Inconclusive, then inconclusive again (a second examiner), then
		// an identification after better prints: each replaces the last.
		for _, note := range []string{"smudged", "still smudged"} {
			if _, err := decide(lookout.DecisionInconclusive, note, nil); err != nil {
				t.Fatal(err)
			}
			if got := third(); got == nil || got.Decision != lookout.DecisionInconclusive || got.Note != note || got.HitID != 0 {
				t.Fatalf("inconclusive (%s): %+v", note, got)
			}
		}
		hit := func() *lookout.Hit {
			return &lookout.Hit{Database: lookout.DatabaseFingerprints, SearchID: "s_a", Match: "identified", Status: lookout.HitOpen, RecordID: 12,
				SearchingAgency: "ncb-fra", SearchingCountry: "FRA", OwnerCountry: "DEU", Query: "position=7"}
		}
		yes, err := decide(lookout.DecisionIdentified, "rolled prints, 14 points", hit())
		if err != nil {
			t.Fatal(err)
		}
		if got := third(); got == nil || got.Decision != lookout.DecisionIdentified || got.Note != "rolled prints, 14 points" || got.HitID == 0 || got.HitID != yes.HitID || !got.CreatedAt.Equal(yes.CreatedAt) {
			t.Fatalf("identification after inconclusive: %+v, recorded %+v", got, yes)
		}
		// Final now: neither another identification (with its hit) nor an
		// inconclusive decision replaces it, and the refused hit is not kept.
		second := hit()
		if _, err := decide(lookout.DecisionIdentified, "again", second); code(err) != lookout.ECONFLICT {
			t.Fatalf("identifying twice: %v", err)
		}
		if second.ID != 0 {
			if h, err := s.Hit(ctx, second.ID); code(err) != lookout.ENOTFOUND {
				t.Fatalf("the refused decision's hit was kept: %+v %v", h, err)
			}
		}
		if _, err := decide(lookout.DecisionInconclusive, "", nil); code(err) != lookout.ECONFLICT {
			t.Fatalf("inconclusive after identified: %v", err)
		}
		if got := third(); got.Decision != lookout.DecisionIdentified || got.HitID != yes.HitID {
			t.Fatalf("a refused decision changed the final one: %+v", got)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		for _, id := range []string{"s_none", "s_unknown", ""} {
			if cs, err := s.SearchCandidates(ctx, id); code(err) != lookout.ENOTFOUND || cs != nil {
				t.Errorf("search %q: %v %v", id, cs, err)
			}
		}
	})
}
