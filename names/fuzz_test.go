package names_test

import (
	"golang.org/x/text/unicode/norm"
	"strings"
	"testing"
	"unicode"

	"github.com/lookout-network/lookout/names"
)

func seedNames(f *testing.F) {
	pairs, err := names.LoadPairs(dataDir, "")
	if err != nil {
		f.Fatal(err)
	}
	for i, p := range pairs {
		if i%3 == 0 {
			f.Add(p.Query, p.Candidate)
		}
	}
	f.Add("ＭＯＨＡＭＭＥＤ İ ß", "'Abd al-Aziz")
	f.Add("\u0301\u0308", "ـــ")
}

// FuzzNormalise checks that normalising never fails, is idempotent, and
// never turns a name with a letter or digit into nothing (an empty name
// would match everything or nothing silently).
func FuzzNormalise(f *testing.F) {
	seedNames(f)
	f.Fuzz(func(t *testing.T, a, _ string) {
		n := names.Normalise(a)
		if n2 := names.Normalise(n); n2 != n {
			t.Fatalf("Normalise not idempotent: %q → %q → %q", a, n, n2)
		}
		// Modifier letters that transliterations use as apostrophes (ʾ ʿ ʼ ʻ
		// for hamza and ayin) are dropped like apostrophes: alone they are
		// no name.
		// Letters are counted after NFKC, which Normalise applies first: some
		// modifier letters decompose into combining marks (ͺ → ◌ͅ).
		hasAlnum := strings.IndexFunc(norm.NFKC.String(strings.ToValidUTF8(a, "")), func(r rune) bool {
			return (unicode.IsLetter(r) || unicode.IsDigit(r)) && !strings.ContainsRune("ʾʿʼʻ", r)
		}) >= 0
		if hasAlnum && n == "" {
			t.Fatalf("Normalise(%q) is empty", a)
		}
	})
}

// FuzzCompareNames checks that any two names score in [0,1] and that a
// name matches itself, unless it is only initials or particles, which are
// capped at the weak-evidence score 0.5 even against themselves.
func FuzzCompareNames(f *testing.F) {
	seedNames(f)
	f.Fuzz(func(t *testing.T, a, b string) {
		r := names.CompareNames(a, b)
		if r.Score < 0 || r.Score > 1 || r.Match != (r.Score >= names.Threshold) {
			t.Fatalf("CompareNames(%q, %q) = %+v", a, b, r)
		}
		if names.Normalise(a) != "" {
			if self := names.CompareNames(a, a); self.Score < 0.99 && self.Score != 0.5 {
				t.Fatalf("CompareNames(%q, itself) = %.3f", a, self.Score)
			}
		}
	})
}

// FuzzParseDate checks that accepted dates print back to what was parsed.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"1971-03-08", "1971/03/08", "1971-03", "1971", "", "2000-02-29", "1900-02-29", "19x1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := names.ParseDate(s)
		if err != nil {
			return
		}
		if got := d.String(); got != strings.ReplaceAll(s, "/", "-") {
			t.Fatalf("ParseDate(%q).String() = %q", s, got)
		}
	})
}
