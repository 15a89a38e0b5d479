package names

import "strings"

// arabicLetters romanises Arabic and Persian letters to a consonant-led
// form; long vowels become vowels, which the consonant skeleton drops again.
var arabicLetters = map[rune]string{
	'ا': "a", 'أ': "a", 'إ': "i", 'آ': "a", 'ٱ': "a", 'ء': "", 'ؤ': "u", 'ئ': "i",
	'ب': "b", 'پ': "p", 'ت': "t", 'ث': "th", 'ج': "j", 'چ': "ch", 'ح': "h", 'خ': "kh",
	'د': "d", 'ذ': "dh", 'ر': "r", 'ز': "z", 'ژ': "zh", 'س': "s", 'ش': "sh", 'ص': "s",
	'ض': "d", 'ط': "t", 'ظ': "z", 'ع': "", 'غ': "gh", 'ف': "f", 'ق': "q", 'ك': "k",
	'ک': "k", 'گ': "g", 'ل': "l", 'م': "m", 'ن': "n", 'ه': "h", 'ة': "a", 'و': "u",
	'ي': "i", 'ی': "i", 'ى': "a", 'ے': "e", 'ٹ': "t", 'ڈ': "d", 'ڑ': "r", 'ں': "n", 'ھ': "h",
}

// arabicLatin romanises an Arabic-script word. Word-initial و and ي are
// consonants (w, y); elsewhere they are read as long vowels.
func arabicLatin(s string) string {
	var b strings.Builder
	i := 0
	for _, r := range s {
		switch {
		case i == 0 && r == 'و':
			b.WriteByte('w')
		case i == 0 && (r == 'ي' || r == 'ی'):
			b.WriteByte('y')
		default:
			if l, ok := arabicLetters[r]; ok {
				b.WriteString(l)
			} else if r < 0x80 {
				b.WriteRune(r)
			}
		}
		i++
	}
	return b.String()
}

// consonantKey reduces a romanised name part to its consonant skeleton,
// merging letters that transliterations of one Arabic or Hebrew letter
// spread over: "Muhammad", "Mohamed" and محمد all give "mhmd".
func consonantKey(s string) string {
	if s == "" {
		return ""
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		var next byte
		if i+1 < len(s) {
			next = s[i+1]
		}
		switch {
		case next == 'h' && (c == 's' || c == 'c' || c == 'z'):
			c = 's'
			i++
		case next == 'h' && (c == 'k' || c == 'g' || c == 'd' || c == 't' || c == 'p'):
			// kh, gh, dh, th, ph: keep the first letter's class below.
			i++
		case c == 'd' && next == 'j':
			c = 'j'
			i++
		}
		switch c {
		case 'a', 'e', 'i', 'o', 'u', 'y', 'w', '\'':
			continue
		case 'q', 'c':
			c = 'k'
		case 'z', 'x':
			c = 's'
		case 'p':
			c = 'b'
		case 'v':
			c = 'f'
		}
		if len(b) > 0 && b[len(b)-1] == c {
			continue
		}
		b = append(b, c)
	}
	// A final h is a vowel ending in most romanisations (Abdullah, Fatimah).
	if len(b) > 1 && b[len(b)-1] == 'h' {
		b = b[:len(b)-1]
	}
	return string(b)
}

// phoneticKey is a light Latin phonetic key: initial letter class kept,
// later vowels dropped, common spelling alternations merged, doubles
// collapsed. Wladimir and Vladimir, Zelenskyy and Selenskyj share a key.
func phoneticKey(s string) string {
	if s == "" {
		return ""
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		var next byte
		if i+1 < len(s) {
			next = s[i+1]
		}
		switch {
		case c == 'p' && next == 'h':
			c = 'f'
			i++
		case (c == 't' || c == 'd') && next == 'h':
			i++
		case c == 'c' && next == 'k':
			c = 'k'
			i++
		case c == 'z' && next == 'h':
			c = 'j'
			i++
		case c == 'd' && next == 'j':
			c = 'j'
			i++
		case c == 'k' && next == 'h':
			c = 'h'
			i++
		case c == 'g' && next == 'h':
			c = 'g'
			i++
		case c == 's' && next == 'c' && i+2 < len(s) && s[i+2] == 'h':
			c = 's'
			i += 2
		case (c == 's' || c == 'c') && next == 'h':
			c = 's'
			i++
		}
		switch c {
		case 'a', 'e', 'i', 'o', 'u', 'y':
			if len(b) == 0 {
				b = append(b, 'a')
			}
			continue
		case 'h':
			if len(b) > 0 {
				continue // silent or vowel-lengthening h after the first letter
			}
		case 'w':
			c = 'v'
		case 'x':
			if len(b) > 0 {
				b = append(b, 'k', 's') // Alexander, Aleksandr
				continue
			}
			c = 's' // Xi, Shi, Si: pinyin x
		case 'q', 'c':
			c = 'k'
		case 'z':
			c = 's'
		case 'j':
			if i > 0 && isVowel(s[i-1]) {
				continue // Sergej, Selenskyj: j as y
			}
		}
		if len(b) > 0 && b[len(b)-1] == c {
			continue
		}
		b = append(b, c)
	}
	return string(b)
}

func isVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}
