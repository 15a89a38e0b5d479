package names_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/lookout-network/lookout/names"
)

// hasHow reports whether some part of the explanation was matched as how.
func hasHow(r names.Result, how string) bool {
	for _, p := range r.Explanation.Parts {
		if p.How == how {
			return true
		}
	}
	return false
}

func TestCompareNames(t *testing.T) {
	tests := []struct {
		name       string
		query, lst string
		match      bool
		how        string // a part must be explained this way, when set
	}{
		// Transliteration.
		{"Match/Cyrillic", "Владимир Путин", "Vladimir Putin", true, names.HowTransliterated},
		{"Match/CyrillicUkrainian", "Володимир Зеленський", "Volodymyr Zelenskyy", true, ""},
		{"Match/Greek", "Κυριάκος Μητσοτάκης", "Kyriakos Mitsotakis", true, names.HowPhonetic},
		{"Match/GreekTypo", "Κυριάκος Μητσοτάκος", "Κυριάκος Μητσοτάκης", true, names.HowSpelling},
		{"Match/Arabic", "محمد علي", "Mohamed Ali", true, names.HowConsonants},
		{"Match/ArabicArticle", "بشار الأسد", "Bashar al-Assad", true, names.HowConsonants},
		{"Match/ArabicHispanic", "فرناندو بيريز", "Fernando Pérez", true, names.HowConsonants},
		{"Match/Diacritics", "François Hollande", "Francois Hollande", true, names.HowExact},
		{"Match/TurkishDotted", "RECEP TAYYİP ERDOĞAN", "Recep Tayyip Erdogan", true, names.HowExact},
		{"Match/FullWidth", "ＢＡＲＡＣＫ ＯＢＡＭＡ", "Barack Obama", true, names.HowExact},
		{"Match/HangulToLatin", "김정은", "Kim Jong Un", true, ""},
		{"Match/Kana", "バラク・オバマ", "Barack Obama", true, names.HowTransliterated},
		// Order, missing and extra parts.
		{"Match/CommaOrder", "Putin, Vladimir", "Vladimir Putin", true, names.HowExact},
		{"Match/PatronymicMissing", "Vladimir Putin", "Vladimir Vladimirovich Putin", true, names.HowCandidateOnly},
		{"Match/PatronymicExtra", "Sergey Viktorovich Lavrov", "Sergey Lavrov", true, names.HowQueryOnly},
		{"NoMatch/PatronymicConflict", "Sergey Ivanovich Lavrov", "Sergey Viktorovich Lavrov", false, ""},
		{"NoMatch/OneSharedPart", "Walijan Abdul Ghafoor Haqqani", "Walijan", false, ""},
		// Initials.
		{"Match/Initial", "V. Putin", "Vladimir Putin", true, names.HowInitial},
		{"Match/JoinedInitials", "JC Juncker", "Jean-Claude Juncker", true, names.HowInitial},
		{"NoMatch/WrongInitial", "A. Nazarbayev", "Nursultan Nazarbayev", false, names.HowConflict},
		{"NoMatch/InitialsOnly", "N.N.", "Nursultan Nazarbayev", false, ""},
		// Typos and spelling drift.
		{"Match/MissingLetter", "Vladmir Putin", "Vladimir Putin", true, names.HowPhonetic},
		{"Match/ExtraLetter", "Jeff Brezos", "Jeff Bezos", true, names.HowSpelling},
		{"Match/Transposition", "Donlad Trump", "Donald Trump", true, ""},
		{"Match/DigitsForLetters", "Ig0r Sech1n", "Igor Sechin", true, names.HowExact},
		{"Match/TransliterationVariant", "Wolodymyr Selenskyj", "Volodymyr Zelenskyy", true, ""},
		{"Match/ArabicVariants", "Moammar Qaddafi", "Muammar Gaddafi", true, ""},
		{"NoMatch/OtherGivenName", "Daniel Tusk", "Donald Tusk", false, names.HowConflict},
		// Compound names and particles.
		{"Match/ParticleVariant", "Osama bin Laden", "Usama ibn Laden", true, ""},
		{"Match/ParticleDropped", "Ludwig Beethoven", "Ludwig van Beethoven", true, ""},
		{"Match/CompoundJoined", "'Abd al-Aziz al-Nuristani", "Abdul Aziz Nooristani", true, names.HowJoined},
		{"Match/NoSpace", "VladimirPutin", "Vladimir Putin", true, names.HowJoined},
		{"Match/Hyphen", "Jean Marie Le Pen", "Jean-Marie Le Pen", true, names.HowExact},
		{"NoMatch/OtherNisbah", "Saddam Hussein al-Dulaimi", "Saddam Hussein al-Tikriti", false, names.HowConflict},
		{"NoMatch/OtherFamily", "Hafez al-Assad", "Bashar al-Assad", false, names.HowConflict},
		// Titles and nicknames.
		{"Match/Title", "Dr. Rami Makhlouf", "Rami Makhlouf", true, names.HowExact},
		{"Match/Nickname", "Bill Clinton", "William Clinton", true, names.HowNickname},
		// Same script, one syllable apart: different people.
		{"NoMatch/HangulSyllable", "김종은", "김정은", false, names.HowConflict},
		{"NoMatch/HanCharacter", "习近朋", "习近平", false, names.HowConflict},
		{"NoMatch/Unrelated", "Angela Merkel", "Vladimir Putin", false, ""},
		{"NoMatch/Empty", "", "Vladimir Putin", false, ""},
		{"NoMatch/Punctuation", "-", "-", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := names.CompareNames(tt.query, tt.lst)
			if r.Match != tt.match {
				t.Errorf("CompareNames(%q, %q) match = %v (score %.3f), want %v; parts %+v", tt.query, tt.lst, r.Match, r.Score, tt.match, r.Explanation.Parts)
			}
			if r.Score < 0 || r.Score > 1 {
				t.Errorf("score %v outside [0,1]", r.Score)
			}
			if tt.how != "" && !hasHow(r, tt.how) {
				t.Errorf("CompareNames(%q, %q): no part explained as %q: %+v", tt.query, tt.lst, tt.how, r.Explanation.Parts)
			}
		})
	}
}

func TestCompareQualifiers(t *testing.T) {
	person := names.Entry{
		Names:         []string{"Ivan Petrov", "Иван Петров"},
		DateOfBirth:   names.MustParseDate("1971-03-08"),
		Sex:           "M",
		Nationalities: []string{"RU", "UA"},
	}
	tests := []struct {
		name     string
		q        names.Query
		match    bool
		dob      string
		sex, nat string
		penalty  string // reason of a penalty that must be present
	}{
		{"Match/AllAgree", names.Query{Name: "Ivan Petrov", DateOfBirth: names.MustParseDate("1971-03-08"), Sex: "M", Nationality: "UA"}, true, names.DateSame, names.Same, names.Same, ""},
		{"Match/PartialYear", names.Query{Name: "Ivan Petrov", DateOfBirth: names.MustParseDate("1971")}, true, names.DateSame, names.NotCompared, names.NotCompared, ""},
		{"Match/PartialMonth", names.Query{Name: "Ivan Petrov", DateOfBirth: names.MustParseDate("1971-03")}, true, names.DateSame, names.NotCompared, names.NotCompared, ""},
		{"Match/DayMonthSwapped", names.Query{Name: "Ivan Petrov", DateOfBirth: names.MustParseDate("1971-08-03")}, true, names.DateSwapped, names.NotCompared, names.NotCompared, "date_of_birth"},
		{"Match/YearOffByOne", names.Query{Name: "Ivan Petrov", DateOfBirth: names.MustParseDate("1972-03-08")}, true, names.DateYearOffOne, names.NotCompared, names.NotCompared, "date_of_birth"},
		{"Match/YearOffByOnePartial", names.Query{Name: "Ivan Petrov", DateOfBirth: names.MustParseDate("1970")}, true, names.DateYearOffOne, names.NotCompared, names.NotCompared, "date_of_birth"},
		{"NoMatch/OtherYear", names.Query{Name: "Ivan Petrov", DateOfBirth: names.MustParseDate("1985-03-08")}, false, names.DateDifferent, names.NotCompared, names.NotCompared, "date_of_birth"},
		{"NoMatch/OtherSex", names.Query{Name: "Ivan Petrov", Sex: "F", DateOfBirth: names.MustParseDate("1971-05-08")}, false, names.DateMonthDiff, names.Different, names.NotCompared, "sex"},
		{"Match/UnknownSexIgnored", names.Query{Name: "Ivan Petrov", Sex: "U"}, true, names.DateUnknown, names.NotCompared, names.NotCompared, ""},
		{"Match/OtherNationality", names.Query{Name: "Иван Петров", Nationality: "BY"}, true, names.DateUnknown, names.NotCompared, names.Different, "nationality"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := names.Compare(tt.q, person)
			ex := r.Explanation
			if r.Match != tt.match || ex.DateOfBirth != tt.dob || ex.Sex != tt.sex || ex.Nationality != tt.nat {
				t.Fatalf("got match %v dob %q sex %q nat %q (score %.3f), want %v %q %q %q", r.Match, ex.DateOfBirth, ex.Sex, ex.Nationality, r.Score, tt.match, tt.dob, tt.sex, tt.nat)
			}
			total := 0.0
			found := tt.penalty == ""
			for _, p := range ex.Penalties {
				total += p.Amount
				found = found || p.Reason == tt.penalty
			}
			if !found {
				t.Errorf("no %q penalty in %+v", tt.penalty, ex.Penalties)
			}
			if want := max(0, ex.NameScore-total); r.Score < want-1e-3 || r.Score > want+1e-3 {
				t.Errorf("score %v, want name score %v less penalties %v", r.Score, ex.NameScore, total)
			}
		})
	}
}

func TestExplanationJSON(t *testing.T) {
	r := names.Compare(names.Query{Name: "PUTIN, Vladimir", DateOfBirth: names.MustParseDate("1952-07-10"), Sex: "M"},
		names.Entry{Names: []string{"Vladimir Vladimirovich Putin"}, DateOfBirth: names.MustParseDate("1952-10-07"), Sex: "M"})
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Score       float64 `json:"score"`
		Match       bool    `json:"match"`
		Explanation struct {
			Name      string  `json:"name"`
			NameScore float64 `json:"name_score"`
			Parts     []struct {
				Query, Candidate, How string
				Similarity            float64
			} `json:"parts"`
			DateOfBirth string `json:"date_of_birth"`
			Sex         string `json:"sex"`
			Penalties   []struct {
				Reason string
				Amount float64
			} `json:"penalties"`
		} `json:"explanation"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	ex := got.Explanation
	if !got.Match || ex.Name != "Vladimir Vladimirovich Putin" || ex.DateOfBirth != names.DateSwapped || ex.Sex != names.Same {
		t.Fatalf("explanation %s", b)
	}
	var pairs []string
	for _, p := range ex.Parts {
		pairs = append(pairs, p.Query+"="+p.Candidate+":"+p.How)
	}
	joined := strings.Join(pairs, " ")
	for _, want := range []string{"PUTIN=Putin:exact", "Vladimir=Vladimir:exact", "=Vladimirovich:candidate_only"} {
		if !strings.Contains(joined, want) {
			t.Errorf("parts %q lack %q", joined, want)
		}
	}
	if len(ex.Penalties) != 1 || ex.Penalties[0].Reason != "date_of_birth" {
		t.Errorf("penalties %+v, want one date_of_birth", ex.Penalties)
	}
}

func TestNormalise(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Vladimir Putin", "vladimir putin"},
		{"ＭＯＨＡＭＭＥＤ", "mohammed"},
		{"Groß", "gross"},
		{"İstanbul", "istanbul"},
		{"O'Brien", "obrien"},
		{"Владимир Путин", "vladimir putin"},
		{"Αλέξανδρος", "alexandros"},
		{"Nguyễn Tấn Dũng", "nguyen tan dung"},
		{"Recep Tayyip Erdoğan", "recep tayyip erdogan"},
		{"محمد", "mhmd"},
		{"السيسي", "al sisi"},
		{"김정은", "kim jong un"},
		{"习近平", "xi jin ping"},
		{"Dr. Rami Makhlouf", "rami makhlouf"},
		{"Dr", "dr"},
		{"Mohammed IBN Salman", "mohammed bin salman"},
		{"Ig0r", "igor"},
		{"J.-C. Juncker", "j c juncker"},
		{"  -- ", ""},
		{"สมชาย", "smchaay"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := names.Normalise(tt.in); got != tt.want {
				t.Errorf("Normalise(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
