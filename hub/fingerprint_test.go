package hub_test

import (
	"context"
	"testing"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/afis"
)

// TestDecideFingerprint: an examiner's three conclusions. Inconclusive
// opens no hit and leaves the candidate open: the next decision replaces
// it. Identified and not_identified are final.
func TestDecideFingerprint(t *testing.T) {
	h, deu := MustHub(t)
	h.SetFingerprintIndex(afis.NewIndex())
	sec := lookout.NewContext(context.Background(), &lookout.Caller{Agency: &lookout.Agency{ID: "secretariat", Kind: lookout.KindSecretariat, Country: lookout.SecretariatCountry, Grants: lookout.AllGrants}})
	fraAgency, _, err := h.CreateAgency(sec, &lookout.Agency{ID: "ncb-fra", Kind: lookout.KindNCB, Country: "FRA", Name: "NCB FRA"})
	if err != nil {
		t.Fatal(err)
	}
	fra := lookout.NewContext(context.Background(), &lookout.Caller{Agency: fraAgency})
	for _, name := range []string{"101_1.iso", "102_1.iso", "103_1.iso", "104_1.iso"} {
		if _, err := h.CreateFingerprint(deu, &lookout.Fingerprint{Reference: "BKA-" + name[:3], Template: mustFVC(t, name)}); err != nil {
			t.Fatal(err)
		}
	}
	res, err := h.SearchFingerprints(fra, lookout.FingerprintSearchRequest{Template: mustFVC(t, "101_2.iso")})
	if err != nil || len(res.Candidates) < 3 || res.Candidates[0].Fingerprint.Reference != "BKA-101" {
		t.Fatalf("search: %+v %v", res, err)
	}
	decide := func(i int, decision, note string) (*lookout.Decision, error) {
		c := res.Candidates[i]
		return h.DecideFingerprint(fra, &lookout.Decision{SearchID: res.SearchID, RecordID: c.Fingerprint.ID, Position: c.Position, Decision: decision, Note: note})
	}
	decisionOf := func(i int) *lookout.Decision {
		t.Helper()
		v, err := h.FingerprintCandidates(fra, res.SearchID)
		if err != nil {
			t.Fatal(err)
		}
		return v.Candidates[i].Decision
	}

	t.Run("OKInconclusive", func(t *testing.T) {
		d, err := decide(0, lookout.DecisionInconclusive, "partial latent, 5 points")
		if err != nil || d.HitID != 0 || d.Decision != lookout.DecisionInconclusive || d.AgencyID != "ncb-fra" {
			t.Fatalf("%+v %v", d, err)
		}
		if got := decisionOf(0); got == nil || got.Decision != lookout.DecisionInconclusive || got.Note != "partial latent, 5 points" || got.HitID != 0 {
			t.Fatalf("stored: %+v", got)
		}
		if hits, _, err := h.Hits(deu, lookout.HitFilter{}); err != nil || len(hits) != 0 {
			t.Fatalf("an inconclusive decision opened a hit: %+v %v", hits, err)
		}
		// A second examiner is inconclusive too: still open.
		if _, err := decide(0, lookout.DecisionInconclusive, "second examiner: inconclusive"); err != nil {
			t.Fatal(err)
		}
		if got := decisionOf(0); got.Note != "second examiner: inconclusive" {
			t.Fatalf("the second inconclusive decision: %+v", got)
		}
	})
	t.Run("OKIdentifiedAfterInconclusive", func(t *testing.T) {
		d, err := decide(0, lookout.DecisionIdentified, "rolled prints, 14 points")
		if err != nil || d.HitID == 0 {
			t.Fatalf("%+v %v", d, err)
		}
		hit, err := h.Hit(deu, d.HitID)
		if err != nil || hit.Database != lookout.DatabaseFingerprints || hit.SearchingCountry != "FRA" || hit.OwnerCountry != "DEU" {
			t.Fatalf("the hit: %+v %v", hit, err)
		}
		if got := decisionOf(0); got.Decision != lookout.DecisionIdentified || got.HitID != d.HitID || got.Note != "rolled prints, 14 points" {
			t.Fatalf("stored: %+v", got)
		}
		// The audit trail keeps the three decisions, the replaced ones too.
		entries, err := h.AuditEntries(sec, lookout.AuditFilter{Action: "fingerprints.decide"})
		if err != nil || len(entries) != 3 || entries[0].Outcome != lookout.DecisionInconclusive || entries[2].Outcome != lookout.DecisionIdentified {
			t.Fatalf("audit: %+v %v", entries, err)
		}
	})
	t.Run("OKNotIdentifiedAfterInconclusive", func(t *testing.T) {
		if _, err := decide(1, lookout.DecisionInconclusive, ""); err != nil {
			t.Fatal(err)
		}
		if d, err := decide(1, lookout.DecisionNotIdentified, "different core"); err != nil || d.HitID != 0 {
			t.Fatalf("%+v %v", d, err)
		}
		if got := decisionOf(1); got.Decision != lookout.DecisionNotIdentified {
			t.Fatalf("stored: %+v", got)
		}
	})
	t.Run("ErrFinal", func(t *testing.T) {
		for _, tc := range []struct {
			i        int
			final    string
			decision string
		}{
			{0, lookout.DecisionIdentified, lookout.DecisionInconclusive},
			{0, lookout.DecisionIdentified, lookout.DecisionNotIdentified},
			{1, lookout.DecisionNotIdentified, lookout.DecisionInconclusive},
			{1, lookout.DecisionNotIdentified, lookout.DecisionIdentified},
		} {
			if _, err := decide(tc.i, tc.decision, ""); lookout.ErrorCode(err) != lookout.ECONFLICT {
				t.Errorf("%s after %s: %v", tc.decision, tc.final, err)
			}
			if got := decisionOf(tc.i); got.Decision != tc.final {
				t.Errorf("%s after %s changed it: %+v", tc.decision, tc.final, got)
			}
		}
		if hits, _, err := h.Hits(deu, lookout.HitFilter{}); err != nil || len(hits) != 1 {
			t.Fatalf("a refused identification opened a hit: %d %v", len(hits), err)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, decision := range []string{"", "maybe", "Inconclusive", "exclusion"} {
			if _, err := decide(2, decision, ""); lookout.ErrorCode(err) != lookout.EINVALID || lookout.ErrorField(err) != "decision" {
				t.Errorf("decision %q: %v", decision, err)
			}
		}
		if got := decisionOf(2); got != nil {
			t.Fatalf("a refused decision was stored: %+v", got)
		}
	})
	t.Run("ErrOtherCountry", func(t *testing.T) {
		c := res.Candidates[2]
		if _, err := h.DecideFingerprint(deu, &lookout.Decision{SearchID: res.SearchID, RecordID: c.Fingerprint.ID, Position: c.Position, Decision: lookout.DecisionInconclusive}); lookout.ErrorCode(err) != lookout.ENOTFOUND {
			t.Fatalf("DEU decides on FRA's search: %v", err)
		}
	})
}
