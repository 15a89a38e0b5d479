package mrz

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Languages that [EncodeNameLang] knows apart from the ICAO default tables,
// as ISO 639-3 codes. Only Cyrillic needs them: Doc 9303 Part 3 gives one
// table, and issuers follow national variants of it.
const (
	LangDefault    = ""    // the Doc 9303 tables (Cyrillic as for Russian)
	LangRussian    = "rus" // same as the default
	LangUkrainian  = "ukr" // Г->H, И->Y
	LangBelarusian = "bel" // Г->H, Ё->IO
	LangSerbian    = "srp" // Serbian Latin without diacritics: Ц->C, Ч->C, Ш->S, Ж->Z, Х->H, Ђ->DJ
)

// latinSpecial are the Latin letters that Doc 9303 Part 3 §6 transliterates
// to something other than their base letter; every other Latin letter loses
// its diacritics. Keys are upper case.
var latinSpecial = map[rune]string{
	'Ä': "AE", 'Ö': "OE", 'Ü': "UE", 'Å': "AA", 'Æ': "AE", 'Ø': "OE", 'Œ': "OE",
	'ß': "SS", 'ẞ': "SS", 'Þ': "TH", 'Ð': "D", 'Đ': "D", 'Ł': "L", 'Ħ': "H",
	'Ĳ': "IJ", 'Ŀ': "L", 'Ŧ': "T", 'Ŋ': "N", 'ı': "I", 'Ɨ': "I", 'Ə': "A",
}

// cyrillic is the Doc 9303 Part 3 Cyrillic table (upper case keys); the
// letters of one language only (Ґ, Є, Ї, Ђ, Ѓ, Ѕ, Ј, Љ, Њ, Ћ, Ќ, Ў, Џ) are
// included since they cannot clash.
var cyrillic = map[rune]string{
	'А': "A", 'Б': "B", 'В': "V", 'Г': "G", 'Ґ': "G", 'Д': "D", 'Ђ': "D", 'Ѓ': "G",
	'Е': "E", 'Ё': "E", 'Є': "IE", 'Ж': "ZH", 'З': "Z", 'Ѕ': "DZ", 'И': "I", 'І': "I",
	'Ї': "I", 'Й': "I", 'Ј': "J", 'К': "K", 'Л': "L", 'Љ': "LJ", 'М': "M", 'Н': "N",
	'Њ': "NJ", 'О': "O", 'П': "P", 'Р': "R", 'С': "S", 'Т': "T", 'Ћ': "C", 'Ќ': "K",
	'У': "U", 'Ў': "U", 'Ф': "F", 'Х': "KH", 'Ц': "TS", 'Ч': "CH", 'Џ': "DZ", 'Ш': "SH",
	'Щ': "SHCH", 'Ъ': "IE", 'Ы': "Y", 'Ь': "", 'Э': "E", 'Ю': "IU", 'Я': "IA",
}

// langOverrides are the national departures from the Cyrillic table.
var langOverrides = map[string]map[rune]string{
	LangUkrainian:  {'Г': "H", 'И': "Y"},
	LangBelarusian: {'Г': "H", 'Ё': "IO"},
	LangSerbian: {
		'Ц': "C", 'Ч': "C", 'Ћ': "C", 'Ш': "S", 'Ж': "Z", 'Х': "H", 'Ђ': "DJ",
	},
}

// greek is the Doc 9303 Greek table (upper case, accents removed first);
// the digraphs ΟΥ, ΑΥ, ΕΥ are handled in transliterate.
var greek = map[rune]string{
	'Α': "A", 'Β': "V", 'Γ': "G", 'Δ': "D", 'Ε': "E", 'Ζ': "Z", 'Η': "I", 'Θ': "TH",
	'Ι': "I", 'Κ': "K", 'Λ': "L", 'Μ': "M", 'Ν': "N", 'Ξ': "X", 'Ο': "O", 'Π': "P",
	'Ρ': "R", 'Σ': "S", 'Τ': "T", 'Υ': "Y", 'Φ': "F", 'Χ': "CH", 'Ψ': "PS", 'Ω': "O",
}

// arabic is the Doc 9303 Part 3 Arabic table: letters without a plain
// Latin equivalent are written with an X prefix (ح -> XH), so that the MRZ
// can be transliterated back.
var arabic = map[rune]string{
	'ء': "XE", 'آ': "XAA", 'أ': "XAE", 'ؤ': "U", 'إ': "I", 'ئ': "XI", 'ا': "A", 'ب': "B",
	'ة': "XTA", 'ت': "T", 'ث': "XTH", 'ج': "J", 'ح': "XH", 'خ': "XKH", 'د': "D", 'ذ': "XDH",
	'ر': "R", 'ز': "Z", 'س': "S", 'ش': "XSH", 'ص': "XSS", 'ض': "XDZ", 'ط': "XTT", 'ظ': "XZZ",
	'ع': "E", 'غ': "G", 'ف': "F", 'ق': "Q", 'ك': "K", 'ل': "L", 'م': "M", 'ن': "N",
	'ه': "H", 'و': "W", 'ى': "XAY", 'ي': "Y",
}

// DetectLang guesses the Cyrillic national variant of a name from the
// letters only one language uses: Ђ or Ћ for Serbian, Ў for Belarusian,
// Є, Ї, Ґ or an apostrophe beside Cyrillic letters for Ukrainian. Most
// names carry no such letter, and then the default table applies: pass the
// language to [EncodeNameLang] when it is known (from the issuing state).
func DetectLang(s string) string {
	cyr, apostrophe := false, false
	for _, r := range s {
		switch r {
		case 'Ђ', 'ђ', 'Ћ', 'ћ':
			return LangSerbian
		case 'Ў', 'ў':
			return LangBelarusian
		case 'Є', 'є', 'Ї', 'ї', 'Ґ', 'ґ':
			return LangUkrainian
		case '\'', '’', 'ʼ':
			apostrophe = true
		}
		if unicode.Is(unicode.Cyrillic, r) {
			cyr = true
		}
	}
	if cyr && apostrophe {
		return LangUkrainian
	}
	return LangDefault
}

// LangForState returns the transliteration language an issuing state uses
// for Cyrillic names, or LangDefault.
func LangForState(code string) string {
	switch c, _ := NormalizeCountry(code); c {
	case "UKR":
		return LangUkrainian
	case "BLR":
		return LangBelarusian
	case "SRB", "MNE", "BIH":
		return LangSerbian
	}
	return LangDefault
}

// Transliterate writes a name (any part, any script) in the MRZ alphabet:
// upper case A-Z, with '<' where the name has a space, hyphen or comma,
// following Doc 9303 Part 3 §6 and, for Cyrillic, the variant of lang.
// Apostrophes and other punctuation are dropped, as are characters of a
// script it has no table for; runs of separators become one '<'.
func Transliterate(lang, s string) string {
	over := langOverrides[lang]
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s) + 4)
	pendingSep := false
	emit := func(t string) {
		if t == "" {
			return
		}
		if pendingSep && b.Len() > 0 {
			b.WriteByte('<')
		}
		pendingSep = false
		b.WriteString(t)
	}
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := unicode.ToUpper(rs[i])
		switch {
		case r >= 'A' && r <= 'Z':
			emit(string(r))
			continue
		case r == ' ' || r == '-' || r == ',' || r == '<' || r == '‐' || r == '–' || unicode.IsSpace(r):
			pendingSep = true
			continue
		case r < 0x80:
			continue // digits, apostrophes and other ASCII punctuation
		}
		if t, ok := over[r]; ok {
			emit(t)
			continue
		}
		if t, ok := latinSpecial[r]; ok {
			emit(t)
			continue
		}
		if t, ok := cyrillic[r]; ok {
			emit(t)
			continue
		}
		if t, ok := arabic[rs[i]]; ok {
			emit(t)
			continue
		}
		base := stripMarks(r)
		if t, ok := greek[base]; ok {
			// ΟΥ is written OU, ΑΥ and ΕΥ AV and EV, as on Greek passports.
			if i+1 < len(rs) && stripMarks(unicode.ToUpper(rs[i+1])) == 'Υ' {
				switch base {
				case 'Ο':
					emit("OU")
					i++
					continue
				case 'Α', 'Ε':
					emit(t + "V")
					i++
					continue
				}
			}
			emit(t)
			continue
		}
		if base >= 'A' && base <= 'Z' {
			emit(string(base))
			continue
		}
		if t, ok := latinSpecial[base]; ok {
			emit(t)
		}
		// Anything else (marks, other scripts, symbols) is dropped.
	}
	return b.String()
}

// stripMarks returns the first rune of r's canonical decomposition, that
// is r without its diacritics (É -> E, Ά -> Α), or r itself.
func stripMarks(r rune) rune {
	for _, x := range norm.NFD.String(string(r)) {
		return x
	}
	return r
}

// EncodeName returns the MRZ name field of length fieldLen (39 for TD3 and
// MRV-A, 31 for TD2 and MRV-B, 30 for TD1) for a primary and a secondary
// identifier written in any script: transliterated with [Transliterate]
// (Cyrillic variant guessed by [DetectLang]), joined by "<<", padded with
// '<'. A name too long for the field is truncated, secondary identifiers
// first, so that it ends on a letter as Doc 9303 marks truncation.
func EncodeName(primary, secondary string, fieldLen int) string {
	return EncodeNameLang(DetectLang(primary+" "+secondary), primary, secondary, fieldLen)
}

// EncodeNameLang is [EncodeName] with the Cyrillic variant given (one of
// the Lang constants, for example from [LangForState]).
func EncodeNameLang(lang, primary, secondary string, fieldLen int) string {
	if fieldLen <= 0 {
		return ""
	}
	p := Transliterate(lang, primary)
	s := Transliterate(lang, secondary)
	var name string
	switch {
	case s == "":
		name = cut(p, fieldLen)
	case len(p)+2+len(s) <= fieldLen:
		name = p + "<<" + s
	case len(p)+3 <= fieldLen:
		name = p + "<<" + cut(s, fieldLen-len(p)-2)
	case fieldLen >= 4:
		name = cut(p, fieldLen-3) + "<<" + s[:1]
	default:
		name = cut(p, fieldLen)
	}
	if len(name) < fieldLen {
		name += strings.Repeat("<", fieldLen-len(name))
	}
	return name
}

// cut truncates s to at most n characters without leaving a trailing
// separator.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.TrimRight(s[:n], "<")
}

// FoldName reduces a name to a key on which the spellings that issuers and
// readers produce for the same name agree: it transliterates (any script),
// drops the Doc 9303 "XX" diacritic marker (MUXXLLER, CANXXON), folds
// AE/OE/UE/AA/SS to A/O/U/A/S (MUELLER = MULLER, HAEMAELAEINEN =
// HAMALAINEN, OESTERGAARD = OSTERGARD, GROSSMANN = GROSMANN) and turns
// fillers and separators into single spaces. The key is for comparing
// names, never for display: it is lossy on purpose.
func FoldName(s string) string {
	t := Transliterate(DetectLang(s), s)
	t = strings.ReplaceAll(t, "XX", "")
	var b strings.Builder
	b.Grow(len(t))
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c == '<' {
			b.WriteByte(' ')
			continue
		}
		b.WriteByte(c)
		if i+1 < len(t) {
			n := t[i+1]
			if (c == 'A' || c == 'O' || c == 'U') && n == 'E' || c == 'A' && n == 'A' || c == 'S' && n == 'S' {
				i++
			}
		}
	}
	return b.String()
}
