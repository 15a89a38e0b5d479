package hub_test

import (
	"context"
	"os"
	"testing"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/afis"
)

func mustFVC(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile("../../shared/data/fingerprints/fvc2002/DB1_B/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestFingerprintCandidates(t *testing.T) {
	h, deu := MustHub(t)
	h.SetFingerprintIndex(afis.NewIndex())
	sec := lookout.NewContext(context.Background(), &lookout.Caller{Agency: &lookout.Agency{ID: "secretariat", Kind: lookout.KindSecretariat, Country: lookout.SecretariatCountry, Grants: lookout.AllGrants}})
	fra, _, err := h.CreateAgency(sec, &lookout.Agency{ID: "ncb-fra", Kind: lookout.KindNCB, Country: "FRA", Name: "NCB FRA"})
	if err != nil {
		t.Fatal(err)
	}
	person := func(a *lookout.Agency, username string) context.Context {
		return lookout.NewContext(context.Background(), &lookout.Caller{Agency: a, Via: "session", Account: username})
	}
	deuAgency := lookout.CallerFrom(deu).Agency
	hanna, otto, marie := person(deuAgency, "hanna"), person(deuAgency, "otto"), person(fra, "marie")

	// A search over an empty database finds nothing, and is still hers.
	empty, err := h.SearchFingerprints(hanna, lookout.FingerprintSearchRequest{Template: mustFVC(t, "101_2.iso")})
	if err != nil || len(empty.Candidates) != 0 {
		t.Fatalf("search of an empty database: %+v %v", empty, err)
	}
	records := map[int64]string{}
	for _, name := range []string{"101_1.iso", "102_1.iso", "103_1.iso", "104_1.iso"} {
		f, err := h.CreateFingerprint(deu, &lookout.Fingerprint{Reference: "BKA-" + name[:3], Template: mustFVC(t, name)})
		if err != nil {
			t.Fatal(err)
		}
		records[f.ID] = f.Reference
	}
	res, err := h.SearchFingerprints(hanna, lookout.FingerprintSearchRequest{Template: mustFVC(t, "101_2.iso"), Reference: "BKA 2026/77"})
	if err != nil || len(res.Candidates) < 3 || res.Candidates[0].Fingerprint.Reference != "BKA-101" {
		t.Fatalf("search: %+v %v", res, err)
	}

	t.Run("OK", func(t *testing.T) {
		for who, ctx := range map[string]context.Context{"the searcher": hanna, "her agency": deu} {
			v, err := h.FingerprintCandidates(ctx, res.SearchID)
			if err != nil {
				t.Fatalf("%s: %v", who, err)
			}
			if v.SearchID != res.SearchID || v.Reference != "BKA 2026/77" || v.At.IsZero() || v.Kept != len(res.Candidates) || v.Decided != 0 || len(v.Candidates) != len(res.Candidates) {
				t.Fatalf("%s: %+v", who, v)
			}
			for i, c := range v.Candidates {
				want := res.Candidates[i]
				if c.Rank != i+1 || c.Rank != want.Rank || c.Fingerprint.ID != want.Fingerprint.ID || c.Position != want.Position || c.Score != want.Score || c.Decision != nil {
					t.Errorf("%s: candidate %d is %+v, the search returned %+v", who, i, c, want)
				}
			}
		}
		v, err := h.FingerprintCandidates(hanna, empty.SearchID)
		if err != nil || v.Kept != 0 || len(v.Candidates) != 0 || v.At.IsZero() {
			t.Fatalf("the search that found nothing: %+v %v", v, err)
		}
	})
	t.Run("Decisions", func(t *testing.T) {
		second := res.Candidates[1]
		if _, err := h.DecideFingerprint(hanna, &lookout.Decision{SearchID: res.SearchID, RecordID: second.Fingerprint.ID, Position: second.Position, Decision: lookout.DecisionNotIdentified, Note: "3 points"}); err != nil {
			t.Fatal(err)
		}
		v, err := h.FingerprintCandidates(hanna, res.SearchID)
		if err != nil || v.Decided != 1 {
			t.Fatalf("%+v %v", v, err)
		}
		if d := v.Candidates[1].Decision; d == nil || d.Decision != lookout.DecisionNotIdentified || d.Note != "3 points" || d.AgencyID != "ncb-deu" {
			t.Fatalf("the second candidate's decision: %+v", d)
		}
		if v.Candidates[0].Decision != nil {
			t.Fatalf("the first candidate is decided: %+v", v.Candidates[0].Decision)
		}
	})
	t.Run("List", func(t *testing.T) {
		list, err := h.FingerprintSearches(hanna, 10)
		if err != nil || len(list) != 2 || list[0].SearchID != res.SearchID || list[1].SearchID != empty.SearchID {
			t.Fatalf("her searches, newest first: %+v %v", list, err)
		}
		if list[0].Reference != "BKA 2026/77" || list[0].Kept != len(res.Candidates) || list[0].Decided != 1 || list[1].Kept != 0 {
			t.Fatalf("%+v", list[0])
		}
		if list, err := h.FingerprintSearches(otto, 10); err != nil || len(list) != 0 {
			t.Fatalf("a colleague's list shows her searches: %+v %v", list, err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		for who, ctx := range map[string]context.Context{
			"another country's NCB":    lookout.NewContext(context.Background(), &lookout.Caller{Agency: fra}),
			"another country's person": marie,
			"a colleague":              otto,
		} {
			for _, id := range []string{res.SearchID, empty.SearchID} {
				if v, err := h.FingerprintCandidates(ctx, id); lookout.ErrorCode(err) != lookout.ENOTFOUND || v != nil {
					t.Errorf("%s reads search %s: %+v %v", who, id, v, err)
				}
			}
		}
		for _, id := range []string{"s_000000000000000000000000", "", "s_../../x", res.SearchID + "0"} {
			if _, err := h.FingerprintCandidates(hanna, id); lookout.ErrorCode(err) != lookout.ENOTFOUND {
				t.Errorf("search %q: %v", id, err)
			}
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		a := *deuAgency
		a.Grants = []lookout.Grant{lookout.GrantFingerprintsWrite}
		if _, err := h.FingerprintCandidates(person(&a, "hanna"), res.SearchID); lookout.ErrorCode(err) != lookout.EFORBIDDEN {
			t.Fatalf("without fingerprints:search: %v", err)
		}
		if _, err := h.FingerprintSearches(person(&a, "hanna"), 10); lookout.ErrorCode(err) != lookout.EFORBIDDEN {
			t.Fatalf("list without fingerprints:search: %v", err)
		}
	})
	t.Run("OKDeletedRecord", func(t *testing.T) {
		gone := res.Candidates[0].Fingerprint.ID
		if err := h.DeleteFingerprint(deu, gone); err != nil {
			t.Fatal(err)
		}
		v, err := h.FingerprintCandidates(hanna, res.SearchID)
		if err != nil || v.Kept != len(res.Candidates) || len(v.Candidates) != len(res.Candidates)-1 {
			t.Fatalf("%+v %v", v, err)
		}
		for _, c := range v.Candidates {
			if c.Fingerprint.ID == gone {
				t.Fatalf("deleted record %d (%s) is still a candidate", gone, records[gone])
			}
		}
		if v.Candidates[0].Rank != 2 {
			t.Fatalf("the ranks moved: %+v", v.Candidates[0])
		}
	})
}
