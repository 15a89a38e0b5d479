package docindex

import (
	"fmt"
	"math/bits"
)

// Numbers are stored packed, not as strings: a number of up to 12 characters
// over A–Z 0–9 is written in base 37 with digit values 1–36 (0 is reserved so
// that "0", "00" and "" stay distinct). 37^12 < 2^64, so the packing is exact
// and reversible: an exact hit on a short number is never a false positive,
// and similar search can print the candidate's number without storing text.
// Longer numbers (rare: Portuguese or Belgian overflow numbers) are hashed
// into the unused space above 37^12 and their text is kept in a side table.

const (
	// MaxNumberLen is the longest document number the index accepts.
	MaxNumberLen = 32
	packedLen    = 12
	packLimit    = 6582952005840035281 // 37^12
)

// charVal maps a canonical character to its base-37 digit, 0 for anything
// outside A–Z 0–9.
var charVal [256]uint8

// valChar is the inverse of charVal.
var valChar [37]byte

// skelChar maps a canonical character to its OCR skeleton: characters that
// OCR and typists confuse collapse to one representative (O, Q, D, U → 0;
// I, L → 1; Z → 2; S → 5; G → 6; B → 8), everything else stays itself.
var skelChar [256]byte

func init() {
	for c := '0'; c <= '9'; c++ {
		charVal[c] = uint8(c-'0') + 1
		valChar[c-'0'+1] = byte(c)
	}
	for c := 'A'; c <= 'Z'; c++ {
		charVal[c] = uint8(c-'A') + 11
		valChar[c-'A'+11] = byte(c)
	}
	for i := range skelChar {
		skelChar[i] = byte(i)
	}
	for _, p := range [...]struct {
		from string
		to   byte
	}{{"OQDU", '0'}, {"IL", '1'}, {"Z", '2'}, {"S", '5'}, {"G", '6'}, {"B", '8'}} {
		for i := 0; i < len(p.from); i++ {
			skelChar[p.from[i]] = p.to
		}
	}
	for c := byte('0'); c <= 'Z'; c++ {
		if charVal[c] != 0 && skelChar[c] == c {
			skelAlphabet = append(skelAlphabet, c)
		}
	}
}

// mix is the splitmix64 finalizer: a bijection that spreads packed values
// uniformly, so the top bits of a mixed key pick a directory bucket.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// keys holds what the index derives from one number.
type keys struct {
	num  uint64 // packed number (exact identity)
	skel uint64 // mixed packed skeleton (bucket selector)
	long bool   // number longer than packedLen, num is a hash
}

// numberKeys validates a canonical number and packs it and its skeleton.
func numberKeys[T string | []byte](number T) (keys, error) {
	n := len(number)
	if n == 0 {
		return keys{}, fmt.Errorf("document number is empty")
	}
	if n > MaxNumberLen {
		return keys{}, fmt.Errorf("document number %q is longer than %d characters", number, MaxNumberLen)
	}
	if n > packedLen {
		return longKeys(number)
	}
	var num, skel uint64
	for i := 0; i < n; i++ {
		c := number[i]
		v := charVal[c]
		if v == 0 {
			return keys{}, fmt.Errorf("document number %q has a character outside A-Z 0-9 at position %d", number, i+1)
		}
		num = num*37 + uint64(v)
		skel = skel*37 + uint64(charVal[skelChar[c]])
	}
	return keys{num: num, skel: mix(skel)}, nil
}

// longKeys hashes a number too long to pack. FNV-1a is used because the
// value must be the same in every process (snapshots store it).
func longKeys[T string | []byte](number T) (keys, error) {
	const offset, prime = 14695981039346656037, 1099511628211
	h, s := uint64(offset), uint64(offset)
	for i := 0; i < len(number); i++ {
		c := number[i]
		if charVal[c] == 0 {
			return keys{}, fmt.Errorf("document number %q has a character outside A-Z 0-9 at position %d", number, i+1)
		}
		h = (h ^ uint64(c)) * prime
		s = (s ^ uint64(skelChar[c])) * prime
	}
	// Fold the hash into [37^12, 2^64) so it never equals a packed number.
	_, rem := bits.Div64(0, mix(h), ^uint64(0)-packLimit)
	return keys{num: packLimit + rem, skel: mix(s ^ 0x9e3779b97f4a7c15), long: true}, nil
}

// unpack returns the text of a packed short number.
func unpack(num uint64) string {
	var buf [packedLen]byte
	i := len(buf)
	for num > 0 && i > 0 {
		i--
		buf[i] = valChar[num%37]
		num /= 37
	}
	return string(buf[i:])
}

// skeleton returns the OCR skeleton of a canonical number.
func skeleton(number string) string {
	b := []byte(number)
	for i, c := range b {
		b[i] = skelChar[c]
	}
	return string(b)
}

// countryCode packs a 1–3 letter issuing-state code into 15 bits (base 27),
// so the index needs no country table and any ICAO special code works.
func countryCode(country string) (uint16, error) {
	n := len(country)
	if n == 0 || n > 3 {
		return 0, fmt.Errorf("issuing country %q is not a 1-3 letter code", country)
	}
	var v uint16
	for i := 0; i < n; i++ {
		c := country[i]
		if c < 'A' || c > 'Z' {
			return 0, fmt.Errorf("issuing country %q has a character outside A-Z", country)
		}
		v = v*27 + uint16(c-'A'+1)
	}
	return v, nil
}

// countryName is the inverse of countryCode.
func countryName(v uint16) string {
	var buf [3]byte
	i := len(buf)
	for v > 0 && i > 0 {
		i--
		buf[i] = byte(v%27) - 1 + 'A'
		v /= 27
	}
	return string(buf[i:])
}

// validCountry reports whether v could have come from countryCode.
func validCountry(v uint16) bool {
	if v == 0 || v >= 27*27*27 {
		return false
	}
	for v > 0 {
		if v%27 == 0 {
			return false
		}
		v /= 27
	}
	return true
}

// mrzCheckDigit is the ICAO 9303 7-3-1 check digit of a number as printed in
// a 9-character field (padded with '<', which counts 0).
func mrzCheckDigit(number string) int {
	weights := [3]int{7, 3, 1}
	sum := 0
	for i := 0; i < len(number); i++ {
		c := number[i]
		var v int
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		}
		sum += v * weights[i%3]
	}
	return sum % 10
}
