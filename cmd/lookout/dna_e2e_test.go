package main

import (
	"net/http"
	"testing"
)

// A real genotype of the NIST 1036 set (GT37019), at the CODIS core loci.
var offenderLoci = map[string][]string{
	"CSF1PO": {"11", "12"}, "D10S1248": {"14"}, "D12S391": {"17", "21"}, "D13S317": {"11", "12"}, "D16S539": {"11"},
	"D18S51": {"17", "18"}, "D19S433": {"14"}, "D1S1656": {"12", "16.3"}, "D21S11": {"28", "30"}, "D22S1045": {"11", "15"},
	"D2S1338": {"16", "17"}, "D2S441": {"11", "12"}, "D3S1358": {"16"}, "D5S818": {"11", "12"}, "D7S820": {"10", "11"},
	"D8S1179": {"14", "15"}, "FGA": {"23", "24"}, "TH01": {"6", "7"}, "TPOX": {"8", "9"}, "vWA": {"17"}, "AMEL": {"X", "Y"},
}

type dnaResult struct {
	SearchID   string `json:"search_id"`
	Candidates []struct {
		Profile struct {
			ID        string `json:"id"`
			Reference string `json:"reference"`
		} `json:"profile"`
		Match           string  `json:"match"`
		SharedLoci      int     `json:"shared_loci"`
		LikelihoodRatio float64 `json:"likelihood_ratio"`
		Hit             bool    `json:"hit"`
		HitID           string  `json:"hit_id"`
	} `json:"candidates"`
}

func TestDNA(t *testing.T) {
	n := mustNetwork(t)
	var offender struct {
		ID   string              `json:"id"`
		Loci map[string][]string `json:"loci"`
	}
	if status := n.deu.do("POST", "/v1/dna/profiles", map[string]any{"reference": "BKA-2026-0001", "category": "offender", "kit": "GlobalFiler", "loci": offenderLoci}, &offender); status != http.StatusCreated {
		t.Fatalf("create: %d", status)
	}
	if _, ok := offender.Loci["VWA"]; !ok && offender.Loci["vWA"] == nil {
		t.Fatalf("loci not stored: %v", offender.Loci)
	}
	n.deu.do("POST", "/v1/dna/profiles", map[string]any{"reference": "BKA-2026-0002", "category": "offender", "loci": offenderLoci, "restriction": map[string]any{"deny": []string{"GBR"}}}, nil)

	// A crime-scene stain: drop-out at two loci, one locus lost.
	stain := map[string][]string{}
	for k, v := range offenderLoci {
		stain[k] = v
	}
	stain["D18S51"] = []string{"17"}
	stain["FGA"] = []string{"24"}
	delete(stain, "TPOX")

	t.Run("ModerateHit", func(t *testing.T) {
		var res dnaResult
		if status := n.fra.do("POST", "/v1/dna/search", map[string]any{"loci": stain, "category": "crime_scene", "rule": "moderate", "reference": "PJ-75-2026-118"}, &res); status != 200 {
			t.Fatalf("%d", status)
		}
		if len(res.Candidates) != 2 || !res.Candidates[0].Hit || res.Candidates[0].HitID == "" || res.Candidates[0].LikelihoodRatio < 1e15 {
			t.Fatalf("%+v", res)
		}
		if status := n.deu.do("GET", "/v1/hits/"+res.Candidates[0].HitID, nil, nil); status != 200 {
			t.Fatalf("owner cannot see the DNA hit: %d", status)
		}
		if status := n.gbr.do("GET", "/v1/hits/"+res.Candidates[0].HitID, nil, nil); status != http.StatusNotFound {
			t.Fatalf("third country sees the DNA hit: %d", status)
		}
	})
	t.Run("HighStringencyRefusesDropOut", func(t *testing.T) {
		var res dnaResult
		n.fra.do("POST", "/v1/dna/search", map[string]any{"loci": stain, "category": "crime_scene", "rule": "high"}, &res)
		for _, c := range res.Candidates {
			if c.Hit {
				t.Fatalf("high stringency passed a stain with drop-out: %+v", res)
			}
		}
	})
	t.Run("DeniedCountryLearnsNothing", func(t *testing.T) {
		var res dnaResult
		n.gbr.do("POST", "/v1/dna/search", map[string]any{"loci": offenderLoci, "category": "crime_scene", "rule": "high"}, &res)
		if len(res.Candidates) != 1 || res.Candidates[0].Profile.Reference != "BKA-2026-0001" {
			t.Fatalf("GBR sees: %+v", res)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		if status := n.fraBorder.do("POST", "/v1/dna/search", map[string]any{"loci": stain, "category": "crime_scene", "rule": "moderate"}, nil); status != http.StatusForbidden {
			t.Fatalf("border post without dna:search: %d", status)
		}
		if status := n.fra.do("DELETE", "/v1/dna/profiles/"+offender.ID, nil, nil); status != http.StatusForbidden {
			t.Fatalf("FRA deleting a German profile: %d", status)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, tc := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"reference": "X1", "category": "offender", "loci": map[string][]string{"D3S1358": {"15", "x"}}}, "loci"},
			{map[string]any{"reference": "X2", "category": "offender", "loci": map[string][]string{"D3S1358?": {"15"}}}, "loci"},
			{map[string]any{"reference": "X3", "category": "suspect", "loci": offenderLoci}, "category"},
			{map[string]any{"reference": "X4", "category": "relative", "loci": offenderLoci}, "relationship"},
			{map[string]any{"reference": "John Smith", "category": "offender", "loci": offenderLoci}, "reference"},
			// The offender upload rule wants the INTERPOL core loci.
			{map[string]any{"reference": "X5", "category": "offender", "loci": map[string][]string{"D3S1358": {"15"}, "vWA": {"17"}, "FGA": {"21", "24"}}}, "loci"},
		} {
			var e apiError
			if status := n.deu.do("POST", "/v1/dna/profiles", tc.body, &e); status != http.StatusBadRequest || e.Error.Field != tc.field {
				t.Errorf("%v: %d %+v, want 400 naming %q", tc.body["reference"], status, e, tc.field)
			}
		}
		var e apiError
		if status := n.fra.do("POST", "/v1/dna/search", map[string]any{"loci": stain, "category": "crime_scene", "rule": "strict"}, &e); status != http.StatusBadRequest || e.Error.Field != "rule" {
			t.Errorf("bad rule: %d %+v", status, e)
		}
		if status := n.deu.do("POST", "/v1/dna/profiles", map[string]any{"reference": "BKA-2026-0001", "category": "offender", "loci": offenderLoci}, &e); status != http.StatusConflict {
			t.Errorf("reused reference: %d", status)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		if status := n.deu.do("DELETE", "/v1/dna/profiles/"+offender.ID, nil, nil); status != http.StatusNoContent {
			t.Fatalf("%d", status)
		}
		var res dnaResult
		n.fra.do("POST", "/v1/dna/search", map[string]any{"loci": offenderLoci, "category": "crime_scene", "rule": "high"}, &res)
		for _, c := range res.Candidates {
			if c.Profile.ID == offender.ID {
				t.Fatalf("deleted profile still found")
			}
		}
	})
}
