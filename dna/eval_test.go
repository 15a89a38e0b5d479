package dna_test

import (
	"context"
	"testing"

	"github.com/lookout-network/lookout/dna"
)

// The accuracy evaluation on a small background: every true donor a rule
// must find by construction is found, full profiles rank their donor first
// under every identity rule, and kinship ranks most true relatives first.
func TestEvaluate(t *testing.T) {
	n, q := 20000, 60
	if testing.Short() {
		n, q = 5000, 20
	}
	rep, err := dna.Evaluate(context.Background(), dna.EvalConfig{DataDir: dataDir, Seed: 7, Background: n, Queries: q})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Missed != 0 {
		for _, s := range rep.Scenarios {
			if s.Missed > 0 {
				t.Errorf("scenario %s rule %s missed %d expected donors", s.Scenario, s.Rule, s.Missed)
			}
		}
	}
	seen := map[string]bool{}
	for _, s := range rep.Scenarios {
		seen[s.Scenario+"/"+s.Rule] = true
		if s.Found < s.Expected-s.Missed {
			t.Errorf("%s/%s: found %d of %d expected", s.Scenario, s.Rule, s.Found, s.Expected)
		}
		switch s.Scenario {
		case "full_profile", "ess12_profile":
			if s.First != s.Searches {
				t.Errorf("%s/%s: donor first in %d of %d searches", s.Scenario, s.Rule, s.First, s.Searches)
			}
			if s.Rule != "low" && s.UnrelatedHits > 0 {
				t.Errorf("%s/%s: %d unrelated hits", s.Scenario, s.Rule, s.UnrelatedHits)
			}
		case "child_of_remains":
			if s.First < s.Searches*9/10 {
				t.Errorf("parent-child: true parent first in only %d of %d searches", s.First, s.Searches)
			}
		}
	}
	for _, want := range []string{"degraded/prum", "mixture/moderate", "sibling_of_remains/sibling", "issol6_profile/prum"} {
		if !seen[want] {
			t.Errorf("scenario %s missing from the report", want)
		}
	}
}
