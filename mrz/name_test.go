package mrz_test

import (
	"strings"
	"testing"

	"github.com/lookout-network/lookout/mrz"
)

type translitCase struct {
	Script       string   `json:"script"`
	Primary      string   `json:"primary"`
	Secondary    string   `json:"secondary"`
	FieldLen     int      `json:"field_len"`
	Expected     string   `json:"expected"`
	Rule         string   `json:"rule"`
	Alternatives []string `json:"alternatives"`
}

// langOfScript maps the corpus's script label to the variant an issuer of
// that language would apply.
func langOfScript(script string) string {
	switch {
	case strings.Contains(script, "Serbian"):
		return mrz.LangSerbian
	case strings.Contains(script, "Ukrainian"):
		return mrz.LangUkrainian
	}
	return mrz.LangDefault
}

func TestEncodeNameCorpus(t *testing.T) {
	for _, c := range MustReadJSONL[translitCase](t, "transliteration.jsonl") {
		t.Run("OK/"+c.Expected, func(t *testing.T) {
			lang := langOfScript(c.Script)
			got := mrz.EncodeNameLang(lang, c.Primary, c.Secondary, c.FieldLen)
			if got != c.Expected {
				t.Errorf("EncodeNameLang(%q, %q, %q, %d) = %q, want %q (%s)", lang, c.Primary, c.Secondary, c.FieldLen, got, c.Expected, c.Rule)
			}
			// Without a language the default tables apply; only a
			// national variant may differ from them, and only on its own
			// letters (Serbian Ц in МИЛИЦА).
			if lang == mrz.LangDefault || lang == mrz.DetectLang(c.Primary+" "+c.Secondary) {
				if got := mrz.EncodeName(c.Primary, c.Secondary, c.FieldLen); got != c.Expected {
					t.Errorf("EncodeName(%q, %q, %d) = %q, want %q", c.Primary, c.Secondary, c.FieldLen, got, c.Expected)
				}
			}
			// The MRZ form read back must fold like the national form and
			// like every spelling the corpus calls equal.
			want := mrz.FoldName(c.Expected)
			if lang == mrz.LangDefault {
				if got := mrz.FoldName(c.Primary + "<<" + c.Secondary); got != want {
					t.Errorf("FoldName(national %q) = %q, want %q", c.Primary+" "+c.Secondary, got, want)
				}
			}
			for _, alt := range c.Alternatives {
				if got := mrz.FoldName(alt); got != want {
					t.Errorf("FoldName(%q) = %q, want %q as FoldName(%q)", alt, got, want, c.Expected)
				}
			}
		})
	}
}

func TestEncodeName(t *testing.T) {
	tests := []struct {
		name               string
		primary, secondary string
		n                  int
		want               string
	}{
		{"OK/Mononym", "ZAHRA", "", 12, "ZAHRA<<<<<<<"},
		{"OK/NoPrimary", "", "FIRST NAME", 15, "<<FIRST<NAME<<<"},
		{"OK/Decomposed", "Mu\u0308ller", "", 8, "MUELLER<"},
		{"OK/Greek", "ΠΑΠΑΔΟΠΟΥΛΟΣ", "ΓΙΩΡΓΟΣ", 30, "PAPADOPOULOS<<GIORGOS<<<<<<<<<"},
		{"OK/Russian", "Цой", "Виктор", 20, "TSOI<<VIKTOR<<<<<<<<"},
		{"OK/UkrainianDetected", "Ґонта", "Є'ва", 20, "GONTA<<IEVA<<<<<<<<<"},
		{"OK/TruncateSecondary", "ERIKSSON", "ANNA MARIA", 16, "ERIKSSON<<ANNA<M"},
		{"OK/TruncateSecondaryAtSeparator", "ERIKSSON", "ANNA MARIA", 15, "ERIKSSON<<ANNA<"},
		{"OK/TruncatePrimary", "ABCDEFGHIJKLMNOP", "QRS", 10, "ABCDEFG<<Q"},
		{"OK/Punctuation", "D'Artagnan, Jr.", "", 20, "DARTAGNAN<JR<<<<<<<<"},
		{"OK/Zero", "A", "B", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mrz.EncodeName(tt.primary, tt.secondary, tt.n)
			if got != tt.want {
				t.Errorf("EncodeName(%q, %q, %d) = %q, want %q", tt.primary, tt.secondary, tt.n, got, tt.want)
			}
			if len(got) != tt.n {
				t.Errorf("EncodeName(%q, %q, %d) has length %d", tt.primary, tt.secondary, tt.n, len(got))
			}
		})
	}
}

func TestFoldName(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		same bool
	}{
		{"OK/Umlaut", "Müller", "MULLER", true},
		{"OK/XX", "MUXXLLER", "MUELLER", true},
		{"OK/Eszett", "Großmann", "GROSMANN", true},
		{"OK/Separators", "OSPELT-BECK<<MARISA", "ospelt beck marisa", true},
		{"ErrDifferent", "MULLER", "MILLER", false},
		{"ErrDifferentGiven", "ERIKSSON<<ANNA", "ERIKSSON<<ANNE", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fa, fb := mrz.FoldName(tt.a), mrz.FoldName(tt.b)
			if (fa == fb) != tt.same {
				t.Errorf("FoldName(%q) = %q, FoldName(%q) = %q, want equal %v", tt.a, fa, tt.b, fb, tt.same)
			}
		})
	}
}

func TestLangForState(t *testing.T) {
	tests := []struct{ code, want string }{
		{"UKR", mrz.LangUkrainian}, {"SRB", mrz.LangSerbian}, {"BLR", mrz.LangBelarusian},
		{"RUS", mrz.LangDefault}, {"D<<", mrz.LangDefault},
	}
	for _, tt := range tests {
		t.Run("OK/"+tt.code, func(t *testing.T) {
			if got := mrz.LangForState(tt.code); got != tt.want {
				t.Errorf("LangForState(%q) = %q, want %q", tt.code, got, tt.want)
			}
		})
	}
}
