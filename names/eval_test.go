package names_test

import (
	"testing"

	"github.com/lookout-network/lookout/names"
)

const dataDir = "../../shared/data/names"

// TestPersonPairs holds the matcher to its figures on the labelled person
// pairs: F1 above 0.85 at the product threshold on the whole set and on the
// held-out half, better than logic-v2 on the same rows, every STRONG row
// right.
func TestPersonPairs(t *testing.T) {
	pairs, err := names.LoadPairs(dataDir, "Person")
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) < 500 {
		t.Fatalf("loaded %d person pairs, want the full set", len(pairs))
	}
	s := names.ScorePairs(pairs)
	all := names.CountAt(s, names.Threshold, false, nil)
	held := names.CountAt(s, names.Threshold, false, func(p names.Pair) bool { return p.Heldout() })
	base := names.CountAt(s, 0.7, true, nil)
	t.Logf("all %+v F1 %.3f; held-out F1 %.3f; logic-v2 F1 %.3f", all, all.F1(), held.F1(), base.F1())
	if all.F1() < 0.85 || held.F1() < 0.85 {
		t.Errorf("F1 %.3f (held-out %.3f), want at least 0.85", all.F1(), held.F1())
	}
	if all.F1() <= base.F1() {
		t.Errorf("F1 %.3f not above logic-v2's %.3f", all.F1(), base.F1())
	}
	for _, p := range s {
		if p.Quality == "STRONG" && (p.Score >= names.Threshold) != p.IsMatch {
			t.Errorf("STRONG pair %q / %q scored %.3f, labelled match=%v", p.Query, p.Candidate, p.Score, p.IsMatch)
		}
	}
}

// TestCrossScriptPairs checks the transliteration layer on watchman's
// cross-script positives for the scripts it claims to handle.
func TestCrossScriptPairs(t *testing.T) {
	tests := []struct{ query, list string }{
		{"محمد علي", "Mohamed Ali"},
		{"أحمد حسن", "Ahmed Hassan"},
		{"خالد محمود", "Khaled Mahmoud"},
		{"Владимир Путин", "Vladimir Putin"},
		{"Иван Иванов", "Ivan Ivanov"},
		{"Александр Петров", "Alexander Petrov"},
		{"Дмитрий Медведев", "Dmitry Medvedev"},
		{"李明", "Li Ming"},
		{"王伟", "Wang Wei"},
		{"习近平", "Xi Jinping"},
		{"김정은", "Kim Jong Un"},
		{"이민호", "Lee Min Ho"},
		{"Νικόλαος", "Nikolaos"},
		{"Αλέξανδρος", "Alexandros"},
		{"משה", "Moshe"},
	}
	for _, tt := range tests {
		t.Run(tt.list, func(t *testing.T) {
			if r := names.CompareNames(tt.query, tt.list); !r.Match {
				t.Errorf("CompareNames(%q, %q) = %.3f, want a match; parts %+v", tt.query, tt.list, r.Score, r.Explanation.Parts)
			}
		})
	}
}
