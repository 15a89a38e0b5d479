package main

import (
	"net/http"
	"os"
	"testing"
)

const fvc = "../../../shared/data/fingerprints/fvc2002/DB1_B/"

func mustTemplate(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(fvc + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type fingerprintResult struct {
	SearchID   string `json:"search_id"`
	Candidates []struct {
		Rank        int `json:"rank"`
		Fingerprint struct {
			ID        string `json:"id"`
			Reference string `json:"reference"`
		} `json:"fingerprint"`
		Position int     `json:"position"`
		Score    float64 `json:"score"`
	} `json:"candidates"`
}

func TestFingerprints(t *testing.T) {
	n := mustNetwork(t)
	var enrolled struct {
		ID      string `json:"id"`
		Format  string `json:"format"`
		Fingers []struct{ Minutiae int }
	}
	if status := n.deu.do("POST", "/v1/fingerprints", map[string]any{"reference": "BKA-AFIS-101", "template": mustTemplate(t, "101_1.iso")}, &enrolled); status != http.StatusCreated {
		t.Fatalf("enrol: %d", status)
	}
	if enrolled.Format != "ISO/IEC 19794-2:2005" || len(enrolled.Fingers) != 1 || enrolled.Fingers[0].Minutiae == 0 {
		t.Fatalf("%+v", enrolled)
	}
	for _, name := range []string{"102_1.iso", "103_1.iso", "104_1.iso"} {
		n.deu.do("POST", "/v1/fingerprints", map[string]any{"reference": "BKA-AFIS-" + name[:3], "template": mustTemplate(t, name)}, nil)
	}

	var res fingerprintResult
	if status := n.fra.do("POST", "/v1/fingerprints/search", map[string]any{"template": mustTemplate(t, "101_2.iso"), "reference": "PJ-2026-77"}, &res); status != 200 {
		t.Fatalf("search: %d", status)
	}
	if len(res.Candidates) == 0 || res.Candidates[0].Fingerprint.ID != enrolled.ID || res.Candidates[0].Rank != 1 {
		t.Fatalf("mate not ranked first: %+v", res)
	}
	decisions := "/v1/fingerprints/searches/" + res.SearchID + "/decisions"
	decide := map[string]any{"fingerprint_id": enrolled.ID, "position": res.Candidates[0].Position, "decision": "identified", "note": "12 points, confirmed by a second examiner"}

	t.Run("ErrOtherCountryDecides", func(t *testing.T) {
		if status := n.gbr.do("POST", decisions, decide, nil); status != http.StatusNotFound {
			t.Fatalf("GBR deciding on FRA's search: %d", status)
		}
	})
	t.Run("Identify", func(t *testing.T) {
		var d struct {
			HitID string `json:"hit_id"`
		}
		if status := n.fra.do("POST", decisions, decide, &d); status != http.StatusCreated || d.HitID == "" {
			t.Fatalf("%d %+v", status, d)
		}
		var hit struct {
			Database     string `json:"database"`
			OwnerCountry string `json:"owner_country"`
		}
		if status := n.deu.do("GET", "/v1/hits/"+d.HitID, nil, &hit); status != 200 || hit.Database != "fingerprints" || hit.OwnerCountry != "DEU" {
			t.Fatalf("owner's view of the hit: %d %+v", status, hit)
		}
		if status := n.fra.do("POST", decisions, decide, nil); status != http.StatusConflict {
			t.Fatalf("deciding twice: %d", status)
		}
	})
	t.Run("Inconclusive", func(t *testing.T) {
		if len(res.Candidates) < 2 {
			t.Fatalf("one candidate only: %+v", res)
		}
		second := res.Candidates[1]
		body := func(decision string) map[string]any {
			return map[string]any{"fingerprint_id": second.Fingerprint.ID, "position": second.Position, "decision": decision, "note": "latent too smudged"}
		}
		var d struct {
			Decision string `json:"decision"`
			Note     string `json:"note"`
			HitID    string `json:"hit_id"`
		}
		if status := n.fra.do("POST", decisions, body("inconclusive"), &d); status != http.StatusCreated || d.Decision != "inconclusive" || d.HitID != "" || d.Note != "latent too smudged" {
			t.Fatalf("inconclusive: %d %+v", status, d)
		}
		// Better prints: the next decision replaces it, and is final.
		d.Decision = ""
		if status := n.fra.do("POST", decisions, body("not_identified"), &d); status != http.StatusCreated || d.Decision != "not_identified" || d.HitID != "" {
			t.Fatalf("not identified after inconclusive: %d %+v", status, d)
		}
		var e apiError
		if status := n.fra.do("POST", decisions, body("inconclusive"), &e); status != http.StatusConflict || e.Error.Code != "conflict" {
			t.Fatalf("inconclusive after not identified: %d %+v", status, e)
		}
	})
	t.Run("ErrNotACandidate", func(t *testing.T) {
		if status := n.fra.do("POST", decisions, map[string]any{"fingerprint_id": "999", "position": 0, "decision": "identified"}, nil); status != http.StatusNotFound {
			t.Fatalf("%d", status)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, tc := range []struct {
			path  string
			body  map[string]any
			field string
		}{
			{"/v1/fingerprints", map[string]any{"reference": "X-1", "template": []byte("FMR\x00 020 damaged")}, "template"},
			{"/v1/fingerprints", map[string]any{"reference": "X-2", "template": mustTemplate(t, "105_1.iso")[:40]}, "template"},
			{"/v1/fingerprints", map[string]any{"reference": "X-3"}, "template"},
			{"/v1/fingerprints", map[string]any{"reference": "X-4", "template": "not base64!"}, "template"},
			{"/v1/fingerprints/search", map[string]any{"template": mustTemplate(t, "101_3.iso"), "position": 7}, "position"},
		} {
			var e apiError
			if status := n.deu.do("POST", tc.path, tc.body, &e); status != http.StatusBadRequest || e.Error.Field != tc.field {
				t.Errorf("%s %v: %d %+v, want 400 naming %q", tc.path, tc.body["reference"], status, e, tc.field)
			}
		}
		var e apiError
		if status := n.fra.do("POST", decisions, map[string]any{"fingerprint_id": enrolled.ID, "decision": "maybe"}, &e); status != http.StatusBadRequest || e.Error.Field != "decision" {
			t.Errorf("bad decision: %d %+v", status, e)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		if status := n.fraBorder.do("POST", "/v1/fingerprints/search", map[string]any{"template": mustTemplate(t, "101_2.iso")}, nil); status != http.StatusForbidden {
			t.Fatalf("border post without fingerprints:search: %d", status)
		}
		if status := n.fra.do("DELETE", "/v1/fingerprints/"+enrolled.ID, nil, nil); status != http.StatusForbidden {
			t.Fatalf("FRA deleting a German record: %d", status)
		}
	})
}
