package dna

import (
	"fmt"
	"strings"
)

// LocusClass says how a locus takes part in matching: only autosomal STR
// loci are compared and weighed; the sex marker and Y-STRs are kept with the
// profile but never count towards shared loci or match statistics.
type LocusClass uint8

// The locus classes.
const (
	Autosomal LocusClass = iota
	SexMarker
	YSTR
)

// Canonical locus names used throughout the package. Amelogenin is "AMEL".
const (
	LocusAMEL = "AMEL"
)

// CODIS13 is the original CODIS core set (1997-2016).
var CODIS13 = []string{"CSF1PO", "FGA", "TH01", "TPOX", "vWA", "D3S1358", "D5S818", "D7S820",
	"D8S1179", "D13S317", "D16S539", "D18S51", "D21S11"}

// CODIS20 is the CODIS core set required at NDIS since 1 January 2017.
var CODIS20 = append(append([]string{}, CODIS13...), "D1S1656", "D2S441", "D2S1338",
	"D10S1248", "D12S391", "D19S433", "D22S1045")

// ESS12 is the European Standard Set of 2009.
var ESS12 = []string{"FGA", "TH01", "vWA", "D1S1656", "D2S441", "D3S1358", "D8S1179",
	"D10S1248", "D12S391", "D18S51", "D21S11", "D22S1045"}

// ISSOL7 is the INTERPOL Standard Set of Loci (the old ESS); Prüm reference
// profiles must carry at least 6 of them.
var ISSOL7 = []string{"vWA", "TH01", "D21S11", "FGA", "D8S1179", "D3S1358", "D18S51"}

// Prum24 is the list of loci designated in the Prüm annex, amelogenin included.
var Prum24 = []string{"vWA", "TH01", "D21S11", "FGA", "D8S1179", "D3S1358", "D18S51", LocusAMEL,
	"TPOX", "CSF1PO", "D13S317", "D7S820", "D5S818", "D16S539", "D2S1338", "D19S433",
	"Penta_D", "Penta_E", "FES", "F13A1", "F13B", "SE33", "CD4", "GABA"}

// pentaLoci are the pentanucleotide loci whose microvariants run to .4 and
// get their own Prüm tolerance windows.
var pentaLoci = map[string]bool{"Penta_D": true, "Penta_E": true, "CD4": true, "Penta_C": true}

// knownLoci lists canonical spellings of loci with more than one common
// spelling; the key is the squeezed upper-case form (see squeeze).
var knownLoci = map[string]string{}

// locusAliases maps squeezed spellings met in kits, CMF files and frequency
// tables to canonical names. Short forms ("D3") are accepted only where they
// are unambiguous: "D2" could be D2S441 or D2S1338 and is refused.
var locusAliases = map[string]string{
	"D1": "D1S1656", "D3": "D3S1358", "D5": "D5S818", "D7": "D7S820", "D8": "D8S1179",
	"D10": "D10S1248", "D12": "D12S391", "D13": "D13S317", "D16": "D16S539", "D18": "D18S51",
	"D19": "D19S433", "D21": "D21S11", "D22": "D22S1045",
	"THO1": "TH01", "HUMTH01": "TH01", "TH1": "TH01",
	"VWA": "vWA", "HUMVWA": "vWA", "HUMVWFA31": "vWA", "VWA31": "vWA", "VWFA31": "vWA",
	"FIBRA": "FGA", "HUMFIBRA": "FGA", "FGA": "FGA",
	"HUMCSF1PO": "CSF1PO", "CSF": "CSF1PO", "HUMTPOX": "TPOX",
	"AMEL": LocusAMEL, "AMELOGENIN": LocusAMEL, "AM": LocusAMEL, "AMELO": LocusAMEL, "AMG": LocusAMEL,
	"PENTAD": "Penta_D", "PD": "Penta_D", "PENTAE": "Penta_E", "PE": "Penta_E", "PENTAC": "Penta_C",
	"FES": "FES", "FESFPS": "FES", "HUMFESFPS": "FES",
	"F13A1": "F13A1", "F13A01": "F13A1", "HUMF13A01": "F13A1", "F13B": "F13B",
	"SE33": "SE33", "ACTBP2": "SE33", "HUMACTBP2": "SE33",
	"CD4": "CD4", "GABA": "GABA", "LPL": "LPL", "HUMLPL": "LPL",
	"YINDEL": "Yindel",
}

func init() {
	for _, set := range [][]string{CODIS20, ESS12, Prum24} {
		for _, n := range set {
			knownLoci[squeeze(n)] = n
		}
	}
}

// squeeze upper-cases a locus name and drops separators so that "Penta D",
// "PENTA_D" and "penta-d" meet.
func squeeze(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r == ' ' || r == '_' || r == '-' || r == '/' || r == '.' || r == '\t':
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// CanonicalLocus returns the canonical spelling of a locus name as written by
// a kit, a lab or a frequency table ("D3" -> "D3S1358", "Penta D" ->
// "Penta_D", "FESFPS" -> "FES", "Amelogenin" -> "AMEL"). A name it does not
// know is kept, upper-cased with separators removed, so that unknown loci
// survive import and export.
func CanonicalLocus(name string) (string, error) {
	t := strings.TrimSpace(name)
	if t == "" {
		return "", fmt.Errorf("locus name is empty")
	}
	if len(t) > 32 {
		return "", fmt.Errorf("locus name %q is longer than 32 characters", t)
	}
	for _, r := range t {
		ok := r == ' ' || r == '_' || r == '-' || r == '/' || r == '.' ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
		if !ok {
			return "", fmt.Errorf("locus name %q has character %q outside letters, digits and _-/.", t, r)
		}
	}
	s := squeeze(t)
	if s == "" {
		return "", fmt.Errorf("locus name %q has no letters or digits", t)
	}
	if s == "D2" {
		return "", fmt.Errorf("locus name %q is ambiguous: D2S441 or D2S1338", t)
	}
	if c, ok := locusAliases[s]; ok {
		return c, nil
	}
	if c, ok := knownLoci[s]; ok {
		return c, nil
	}
	return s, nil
}

// ClassOf says whether a canonical locus is autosomal, the sex marker or a
// Y-STR.
func ClassOf(canonical string) LocusClass {
	switch {
	case canonical == LocusAMEL:
		return SexMarker
	case canonical == "Yindel" || strings.HasPrefix(canonical, "DYS") || strings.HasPrefix(canonical, "DYF"):
		return YSTR
	}
	return Autosomal
}

// IsPenta reports whether a canonical locus is a pentanucleotide repeat.
func IsPenta(canonical string) bool { return pentaLoci[canonical] }
