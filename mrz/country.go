package mrz

import "strings"

// Status values returned by [CountryStatus], as in the code_status member of
// a [Result].
const (
	StatusISO3166     = "iso3166"      // an ISO 3166-1 alpha-3 code
	StatusICAOSpecial = "icao-special" // a code Doc 9303 Part 3 adds to ISO 3166-1 (D, GBD, XXA, EUE, UNO...)
	StatusSpecimen    = "specimen"     // ICAO's specimen state Utopia (UTO)
	StatusUnknown     = "unknown"      // anything else, including malformed codes
)

// iso3166 lists the ISO 3166-1 alpha-3 codes (249, as published in the
// iso-codes database).
const iso3166 = "" +
	"ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BES BFA BGD BGR " +
	"BHR BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN CIV CMR COD COG " +
	"COK COL COM CPV CRI CUB CUW CXR CYM CYP CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP EST ETH " +
	"FIN FJI FLK FRA FRO FSM GAB GBR GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL GTM GUF GUM GUY " +
	"HKG HMD HND HRV HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR JPN KAZ KEN KGZ KHM " +
	"KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR MCO MDA MDG MDV MEX MHL " +
	"MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM NCL NER NFK NGA NIC NIU NLD NOR " +
	"NPL NRU NZL OMN PAK PAN PCN PER PHL PLW PNG POL PRI PRK PRT PRY PSE PYF QAT REU ROU RUS RWA SAU " +
	"SDN SEN SGP SGS SHN SJM SLB SLE SLV SMR SOM SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA " +
	"TCD TGO THA TJK TKL TKM TLS TON TTO TUN TUR TUV TWN TZA UGA UKR UMI URY USA UZB VAT VCT VEN VGB " +
	"VIR VNM VUT WLF WSM YEM ZAF ZMB ZWE"

// icaoSpecials lists the codes that Doc 9303 Part 3 uses besides ISO 3166-1:
// Germany's D, the British nationality classes, Kosovo, the European Union,
// the United Nations and other international issuers, the stateless and
// refugee codes, and the withdrawn ANT and NTZ still seen on old documents.
var icaoSpecials = []string{
	"D",                               // Germany (printed D<<, never DEU)
	"GBD", "GBN", "GBO", "GBP", "GBS", // British dependent territories citizen, national (overseas), overseas citizen, protected person, subject
	"RKS", "XXK", // Kosovo (ICAO), Kosovo (temporary EU code)
	"EUE",               // European Union
	"UNO", "UNA", "UNK", // United Nations, a UN specialised agency, UNMIK
	"XBA", "XIM", "XCC", "XCE", "XCO", // AfDB, Afreximbank, CARICOM, Council of Europe, COMESA
	"XEC", "XPO", "XES", "XOM", "XDC", // ECOWAS, INTERPOL, OECS, Sovereign Military Order of Malta, SADC
	"XXA", "XXB", "XXC", "XXX", // stateless, refugee (1951 Convention), other refugee, unspecified
	"ANT", "NTZ", // Netherlands Antilles, Neutral Zone (withdrawn)
}

// specimenCodes are states that exist only on specimen documents.
var specimenCodes = []string{"UTO"}

// status codes held in countryTable.
const (
	stUnknown uint8 = iota
	stISO
	stSpecial
	stSpecimen
)

// countryTable maps a three-letter code (base 26) to its status; Germany's
// one-letter D is handled apart. A flat table keeps CountryStatus free of
// hashing and allocation on the check path.
var countryTable [26 * 26 * 26]uint8

func init() {
	for _, c := range strings.Fields(iso3166) {
		countryTable[codeIndex(c)] = stISO
	}
	for _, c := range icaoSpecials {
		if len(c) == 3 {
			countryTable[codeIndex(c)] = stSpecial
		}
	}
	for _, c := range specimenCodes {
		countryTable[codeIndex(c)] = stSpecimen
	}
}

// codeIndex returns the table index of a three-letter code, or -1.
func codeIndex(c string) int {
	if len(c) != 3 {
		return -1
	}
	i := 0
	for j := 0; j < 3; j++ {
		if c[j] < 'A' || c[j] > 'Z' {
			return -1
		}
		i = i*26 + int(c[j]-'A')
	}
	return i
}

// trimCode strips the trailing fillers of an MRZ code field ("D<<" -> "D").
func trimCode(code string) string {
	return strings.TrimRight(code, "<")
}

func status(code string) uint8 {
	code = trimCode(code)
	if code == "D" {
		return stSpecial
	}
	if i := codeIndex(code); i >= 0 {
		return countryTable[i]
	}
	return stUnknown
}

// CountryStatus classifies an issuing-state or nationality code as printed in
// an MRZ (trailing fillers allowed, upper case): [StatusISO3166],
// [StatusICAOSpecial], [StatusSpecimen] or [StatusUnknown].
func CountryStatus(code string) string {
	switch status(code) {
	case stISO:
		return StatusISO3166
	case stSpecial:
		return StatusICAOSpecial
	case stSpecimen:
		return StatusSpecimen
	}
	return StatusUnknown
}

// NormalizeCountry returns the alpha-3 code the API uses for code and
// whether code is known. It upper-cases, trims spaces and MRZ fillers, maps
// Germany's ICAO code D (D<<) to DEU, and accepts ISO 3166-1 alpha-3 codes,
// the ICAO specials (returned as they are: GBD, XXA, UNO...) and the specimen
// state UTO; callers that must refuse specimens in production check
// [CountryStatus] for [StatusSpecimen].
func NormalizeCountry(code string) (alpha3 string, ok bool) {
	c := trimCode(strings.ToUpper(strings.TrimSpace(code)))
	switch status(c) {
	case stUnknown:
		return "", false
	}
	if c == "D" {
		return "DEU", true
	}
	return c, true
}
