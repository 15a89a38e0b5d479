// Package names matches person names across scripts, orders and spellings:
// it normalises and transliterates names, scores a query against a person
// with an explanation of every part, and keeps an in-memory index of persons
// that pre-selects candidates by token, phonetic and edit-neighbourhood keys
// before scoring them.
//
// Transliteration: Latin (diacritics folded), Cyrillic, Greek, Armenian,
// Georgian and Kana are romanised with go-unidecode, which is reliable for
// them. Hangul is romanised syllable by syllable and folded towards the
// McCune–Reischauer spellings found on lists (gim → kim, jeong → jong).
// Arabic and Hebrew are abjads: a romanisation cannot restore the vowels,
// so they are compared with Latin names on a consonant skeleton
// (محمد ≈ Mohammed ≈ Muhammad on "mhmd"), which is marked as lossy in the
// explanation. Han characters are romanised in Mandarin pinyin, which is
// right for Chinese names only: a Korean or Japanese name written in Han
// (金正恩, 山田太郎) is not matched to its Latin form. Thai, Khmer,
// Devanagari, Bengali and Ethiopic get unidecode's letter-by-letter output,
// lossy and rarely matching a Latin list spelling. Names in the same script
// are always compared in that script, so two Han or Hangul names that differ
// by one character do not collapse onto the same romanisation.
package names

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mozillazg/go-unidecode"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// script is the writing system of a token, as far as matching cares.
type script uint8

const (
	scriptLatin script = iota
	scriptCyrillic
	scriptGreek
	scriptArmenian
	scriptGeorgian
	scriptArabic
	scriptHebrew
	scriptHan
	scriptHangul
	scriptKana
	scriptOther
)

var scriptNames = [...]string{"latin", "cyrillic", "greek", "armenian", "georgian", "arabic", "hebrew", "han", "hangul", "kana", "other"}

func (s script) String() string { return scriptNames[s] }

// abjad reports whether the script leaves short vowels unwritten, so that
// comparisons with Latin must go through the consonant skeleton.
func (s script) abjad() bool { return s == scriptArabic || s == scriptHebrew }

// lossy reports whether the romanisation of the script is a guess.
func (s script) lossy() bool {
	switch s {
	case scriptLatin, scriptCyrillic, scriptGreek, scriptArmenian, scriptGeorgian, scriptKana:
		return false
	}
	return true
}

func runeScript(r rune) script {
	switch {
	case r < 0x250 || unicode.Is(unicode.Latin, r):
		return scriptLatin
	case unicode.Is(unicode.Cyrillic, r):
		return scriptCyrillic
	case unicode.Is(unicode.Greek, r):
		return scriptGreek
	case unicode.Is(unicode.Armenian, r):
		return scriptArmenian
	case unicode.Is(unicode.Georgian, r):
		return scriptGeorgian
	case unicode.Is(unicode.Arabic, r):
		return scriptArabic
	case unicode.Is(unicode.Hebrew, r):
		return scriptHebrew
	case unicode.Is(unicode.Han, r):
		return scriptHan
	case unicode.Is(unicode.Hangul, r):
		return scriptHangul
	case unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || r == 'ー':
		return scriptKana
	}
	return scriptOther
}

// tokenKind says how much a token tells about identity.
type tokenKind uint8

const (
	kindName     tokenKind = iota
	kindParticle           // al, bin, van, de: connective parts of compound names
	kindInitial            // a single letter
)

// token is one name part with the forms the comparisons need.
type token struct {
	raw    string // as written, for explanations
	native string // casefolded in its own script, for same-script comparison
	latin  string // lower-case ASCII romanisation
	skel   string // phonetic key of latin, for the index and the similarity floor
	ckey   string // consonant skeleton, for abjad comparisons
	script script
	kind   tokenKind
}

func (t *token) weight() float64 {
	switch t.kind {
	case kindParticle:
		return 0.3
	case kindInitial:
		return 0.6
	}
	return 1
}

var folder = cases.Fold()

// titles are honorifics dropped from names when something else is left.
var titles = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "miss": true, "dr": true, "prof": true, "sir": true, "lord": true,
	"lady": true, "president": true, "prasident": true, "monsieur": true, "madame": true, "mme": true,
	"mlle": true, "herr": true, "frau": true, "senor": true, "senora": true, "sheikh": true, "shaikh": true,
	"general": true, "gen": true, "col": true, "colonel": true, "capt": true, "captain": true, "hon": true,
	"judge": true, "rev": true, "gospodin": true, "mister": true,
	// Company suffixes sometimes glued to person names by list compilers.
	"llc": true, "ltd": true, "inc": true, "gmbh": true, "sa": true, "plc": true,
}

// particles are connective name parts; equivalent spellings fold together.
var particles = map[string]string{
	"al": "al", "el": "al", "ul": "al", "bin": "bin", "ben": "bin", "ibn": "bin", "bint": "bint", "binti": "bint",
	"van": "van", "von": "van", "der": "der", "den": "der", "de": "de", "da": "de", "do": "de", "dos": "de",
	"das": "de", "di": "de", "du": "de", "del": "del", "della": "del", "la": "la", "le": "la", "y": "y",
	"na": "na", "bou": "bou", "abu": "abu", "abou": "abu", "ter": "ter", "ten": "ter", "mac": "mac", "st": "st",
}

// Normalise returns the comparable form of a name: every part casefolded,
// stripped of marks and romanised where the script allows, joined by single
// spaces, titles removed. It never returns an empty string for a name that
// has a letter or a digit in it.
func Normalise(name string) string {
	toks := tokenise(name)
	parts := make([]string, len(toks))
	for i := range toks {
		parts[i] = toks[i].latin
		if parts[i] == "" {
			parts[i] = toks[i].native
		}
	}
	return strings.Join(parts, " ")
}

// tokenise splits a name into tokens, drops titles and fills in every form.
func tokenise(name string) []token {
	if !isASCII(name) {
		// Bytes that are not UTF-8 are no part of a name, and left in they
		// stop NFKC from composing what follows them.
		name = norm.NFKC.String(strings.ToValidUTF8(name, ""))
	}
	var out []token
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = appendTokens(out, string(cur))
			cur = cur[:0]
		}
	}
	for _, r := range name {
		switch {
		case isApostrophe(r):
			// O'Brien → OBrien; 'Abd → Abd.
		case unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hangul, r) && r >= 0xAC00:
			// One token per syllable: a Han or Hangul name is a run of syllables,
			// and the romanised list form splits them (김정은 = Kim Jong Un).
			flush()
			cur = append(cur, r)
			flush()
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r):
			if len(cur) > 0 && runeScript(r) != runeScript(cur[len(cur)-1]) && !unicode.Is(unicode.M, r) &&
				runeScript(r) != scriptOther && runeScript(cur[len(cur)-1]) != scriptOther {
				flush()
			}
			cur = append(cur, r)
		default:
			flush()
		}
	}
	flush()
	// Titles go only when something else is left: "Dr" alone is still a name.
	kept := out[:0]
	for _, t := range out {
		if !titles[t.latin] {
			kept = append(kept, t)
		}
	}
	if len(kept) > 0 {
		out = kept
	}
	// In a name of two parts, "Du", "Da" or "Le" is a name (Du Fangjing,
	// Le Duan), not a particle attached to the other part.
	if len(out) <= 2 {
		for i := range out {
			if out[i].kind == kindParticle && out[i].script == scriptLatin {
				out[i].latin = asciiFold(unidecode.Unidecode(out[i].native))
				out[i].kind = kindName
				out[i].skel = phoneticKey(out[i].latin)
				out[i].ckey = consonantKey(out[i].latin)
			}
		}
	}
	return out
}

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', 'ʼ', 'ʻ', '`', '´', 'ʿ', 'ʾ', '‘':
		return true
	}
	return false
}

// appendTokens analyses one word; an Arabic word with the article attached
// becomes two tokens so that السيسي lines up with "al-Sisi".
func appendTokens(out []token, word string) []token {
	if strings.IndexFunc(word, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 {
		return out // marks only: no part of a name (and what tables make of lone marks differs by script)
	}
	first, _ := utf8.DecodeRuneInString(word)
	sc := runeScript(first)
	if !unicode.IsLetter(first) {
		// Digits and combining marks take the script of the letters
		// around them: a stray Arabic mark before a Thaana letter does not
		// make the word Arabic.
		for _, r := range word {
			if unicode.IsLetter(r) {
				sc = runeScript(r)
				break
			}
		}
	}
	if sc == scriptArabic && strings.HasPrefix(word, "ال") && utf8.RuneCountInString(word) > 3 {
		out = append(out, makeToken("ال", sc))
		word = strings.TrimPrefix(word, "ال")
	}
	t := makeToken(word, sc)
	if t.native == "" && t.latin == "" {
		return out // marks or decoration only
	}
	return append(out, t)
}

func makeToken(word string, sc script) token {
	t := token{raw: word, script: sc}
	t.native = nativeFold(word, sc)
	switch sc {
	case scriptArabic:
		t.latin = arabicLatin(t.native)
	case scriptLatin:
		if isASCII(t.native) {
			t.latin = t.native
		} else {
			t.latin = asciiFold(unidecode.Unidecode(t.native))
		}
	case scriptHangul:
		if l, ok := koreanSurnames[t.native]; ok {
			t.latin = l
		} else {
			t.latin = hangulFold(asciiFold(unidecode.Unidecode(t.native)))
		}
	default:
		t.latin = asciiFold(unidecode.Unidecode(t.native))
		if t.latin == "" {
			// Case folding can land on a letter the tables lack (Cherokee
			// folds between its two cases): transliterate the word as written.
			t.latin = asciiFold(unidecode.Unidecode(word))
		}
	}
	t.latin = digitFold(t.latin)
	if p, ok := particles[t.latin]; ok {
		t.kind = kindParticle
		t.latin = p
	} else if t.latin == "" && sc == scriptArabic && t.native == "ال" {
		t.kind = kindParticle
	} else if len(t.latin) == 1 && sc == scriptLatin && t.latin[0] >= 'a' {
		t.kind = kindInitial
	}
	if sc == scriptArabic && t.native == "ال" {
		t.latin = "al"
		t.kind = kindParticle
	}
	t.ckey = consonantKey(t.latin)
	t.skel = phoneticKey(t.latin)
	return t
}

// nativeFold casefolds in the token's own script. Marks are stripped for
// alphabets where they are accents (é, ё, ά, Arabic harakat) and kept for
// abugidas where they are vowels (Thai, Devanagari).
func nativeFold(word string, sc script) string {
	if isASCII(word) {
		return asciiFold(word) // most list names: no normalisation needed
	}
	switch sc {
	case scriptLatin, scriptCyrillic, scriptGreek, scriptArabic, scriptHebrew, scriptArmenian, scriptGeorgian:
		d := norm.NFD.String(foldCase(word))
		var b strings.Builder
		b.Grow(len(d))
		for _, r := range d {
			if !unicode.Is(unicode.Mn, r) && r != 'ـ' { // tatweel is decoration
				b.WriteRune(r)
			}
		}
		return norm.NFC.String(b.String())
	}
	return foldCase(word)
}

// foldCase casefolds s to a fixed point. cases.Fold swaps some letters
// between their two cases rather than settling on one (Cherokee Ᏽ and ᏽ);
// of such a pair the smaller string is kept, so folding a folded name
// changes nothing.
func foldCase(s string) string {
	f := folder.String(s)
	if g := folder.String(f); g < f {
		return g
	}
	return f
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// asciiFold keeps lower-case ASCII letters and digits.
func asciiFold(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b = append(b, c)
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		}
	}
	return string(b)
}

// digitFold reads digits inside a word as the letters they stand in for
// (Ig0r Sech1n); a token of digits only is left alone.
func digitFold(s string) string {
	hasLetter := false
	hasDigit := false
	for i := 0; i < len(s); i++ {
		if s[i] >= 'a' {
			hasLetter = true
		} else {
			hasDigit = true
		}
	}
	if !hasLetter || !hasDigit {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		switch c {
		case '0':
			b[i] = 'o'
		case '1':
			b[i] = 'i'
		case '3':
			b[i] = 'e'
		case '4':
			b[i] = 'a'
		case '5':
			b[i] = 's'
		case '7':
			b[i] = 't'
		case '8':
			b[i] = 'b'
		case '9':
			b[i] = 'g'
		}
	}
	return string(b)
}

// koreanSurnames are common surnames whose usual Latin spelling is far from
// their Revised Romanisation (박 is "bak" but Park on passports).
var koreanSurnames = map[string]string{
	"박": "park", "최": "choi", "권": "kwon", "황": "hwang", "윤": "yoon", "임": "lim", "신": "shin",
}

// hangulFold moves Revised Romanisation (unidecode's output) towards the
// McCune–Reischauer-like spellings common on lists: gim → kim, jeong → jong.
func hangulFold(s string) string {
	if strings.HasPrefix(s, "g") {
		s = "k" + s[1:]
	}
	s = strings.ReplaceAll(s, "eo", "o")
	s = strings.ReplaceAll(s, "eu", "u")
	if s == "i" || s == "ri" {
		s = "lee"
	}
	return s
}
