package synth

// format is one kind of document of one issuing state: how its numbers look
// and, for those stolen as blanks, the series prefix of its blank stock.
//
// The shapes follow public descriptions and specimens; they are plausible,
// not exact national rules. No single-number format may start with Z, and
// no all-digit 9-character one may start with 9: those are blank series.
type format struct {
	country string
	docType string
	weight  int
	blank   string // blank series prefix, "" when no blanks are generated
	gen     func(g *gen, b []byte) []byte
	example string
}

const (
	upper   = "ABCDEFGHIJKLMNOPQRSTUVWXY" // no Z: Z starts blank series
	upperNZ = "ABCDEFGHIJKLMNPQRSTUVWXY"  // Dutch numbers never hold O
	alnumNL = "0123456789ABCDEFGHIJKLMNPQRSTUVWXYZ"
	digitsS = "0123456789"
	// German passports and ID cards since 2007 use digits and these
	// consonants only, to avoid confusable letters.
	deuAlpha   = "0123456789CFGHJKLMNPRTVWXYZ"
	dniLetters = "TRWAGMYFPDXBNJZSQVHLCKE"
)

func (g *gen) pick(b []byte, set string, n int) []byte {
	for range n {
		b = append(b, set[g.r.IntN(len(set))])
	}
	return b
}

var formats = []format{
	{country: "DEU", docType: "passport", weight: 8, blank: "ZD", example: "C01X00T47",
		gen: func(g *gen, b []byte) []byte { return g.pick(append(b, 'C'), deuAlpha, 8) }},
	{country: "DEU", docType: "id_card", weight: 7, blank: "ZL", example: "L01X00T47",
		gen: func(g *gen, b []byte) []byte { return g.pick(append(b, 'L'), deuAlpha, 8) }},
	{country: "FRA", docType: "passport", weight: 8, blank: "ZF", example: "12AB34567",
		gen: func(g *gen, b []byte) []byte {
			return g.pick(g.pick(g.pick(b, digitsS, 2), upper, 2), digitsS, 5)
		}},
	{country: "FRA", docType: "id_card", weight: 7, example: "880692310285",
		// Pre-2021 card: issue year and month, department, serial.
		gen: func(g *gen, b []byte) []byte {
			y, m := 95+g.r.IntN(27), 1+g.r.IntN(12)
			b = append(b, byte('0'+y%100/10), byte('0'+y%10), byte('0'+m/10), byte('0'+m%10))
			return g.pick(b, digitsS, 8)
		}},
	{country: "GBR", docType: "passport", weight: 10, blank: "9", example: "123456789",
		gen: func(g *gen, b []byte) []byte { return g.pick(g.pick(b, "12345678", 1), digitsS, 8) }},
	{country: "USA", docType: "passport", weight: 5, blank: "ZU", example: "561234567",
		gen: func(g *gen, b []byte) []byte { return g.pick(g.pick(b, "456", 1), digitsS, 8) }},
	{country: "USA", docType: "passport", weight: 5, example: "A12345678",
		// Next-generation books: a letter and eight digits.
		gen: func(g *gen, b []byte) []byte { return g.pick(g.pick(b, upper, 1), digitsS, 8) }},
	{country: "ITA", docType: "passport", weight: 6, blank: "ZI", example: "YA1234567",
		gen: func(g *gen, b []byte) []byte { return g.pick(g.pick(append(b, 'Y'), upper, 1), digitsS, 7) }},
	{country: "ITA", docType: "id_card", weight: 5, example: "CA00000AA",
		gen: func(g *gen, b []byte) []byte {
			return g.pick(g.pick(g.pick(append(b, 'C'), upper, 1), digitsS, 5), upper, 2)
		}},
	{country: "ESP", docType: "passport", weight: 5, blank: "ZE", example: "PAA123456",
		gen: func(g *gen, b []byte) []byte { return g.pick(g.pick(append(b, 'P'), upper, 2), digitsS, 6) }},
	{country: "ESP", docType: "id_card", weight: 6, example: "12345678Z",
		// DNI: eight digits and the mod-23 control letter.
		gen: func(g *gen, b []byte) []byte {
			n := g.r.IntN(100000000)
			b = append(b, digits(uint64(n), 8)...)
			return append(b, dniLetters[n%23])
		}},
	{country: "NLD", docType: "passport", weight: 5, blank: "ZN", example: "NX1234567",
		gen: func(g *gen, b []byte) []byte {
			return g.pick(g.pick(g.pick(b, upperNZ, 2), alnumNL, 6), digitsS, 1)
		}},
	{country: "POL", docType: "passport", weight: 5, blank: "ZP", example: "AB1234567",
		gen: func(g *gen, b []byte) []byte { return g.pick(g.pick(b, upper, 2), digitsS, 7) }},
	{country: "CHE", docType: "passport", weight: 3, blank: "ZC", example: "X1234567",
		gen: func(g *gen, b []byte) []byte { return g.pick(append(b, 'X'), digitsS, 7) }},
	{country: "TUR", docType: "passport", weight: 4, blank: "ZT", example: "U12345678",
		gen: func(g *gen, b []byte) []byte { return g.pick(append(b, 'U'), digitsS, 8) }},
	// Other kinds of document, spread over a few states.
	{country: "FRA", docType: "residence_permit", weight: 2, example: "RA1234567",
		gen: func(g *gen, b []byte) []byte { return g.pick(g.pick(append(b, 'R'), upper, 1), digitsS, 7) }},
	{country: "DEU", docType: "residence_permit", weight: 2, example: "Y0CF1234J",
		gen: func(g *gen, b []byte) []byte { return g.pick(append(b, 'Y'), deuAlpha, 8) }},
	{country: "ITA", docType: "visa", weight: 2, example: "V12345678",
		gen: func(g *gen, b []byte) []byte { return g.pick(append(b, 'V'), digitsS, 8) }},
	{country: "USA", docType: "visa", weight: 2, example: "12345678",
		gen: func(g *gen, b []byte) []byte { return g.pick(g.pick(b, "123456789", 1), digitsS, 7) }},
	{country: "TUR", docType: "travel_document", weight: 1, example: "T1234567",
		gen: func(g *gen, b []byte) []byte { return g.pick(append(b, 'T'), digitsS, 7) }},
	{country: "GBR", docType: "other", weight: 1, example: "ETD123456",
		gen: func(g *gen, b []byte) []byte { return g.pick(append(b, "ETD"...), digitsS, 6) }},
}
