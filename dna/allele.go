package dna

import (
	"fmt"
	"strconv"
	"strings"
)

// AlleleKind classifies an allele designation.
type AlleleKind uint8

// The allele kinds. Off-ladder calls keep their text; Prüm searches treat
// them, like the explicit wildcard, as matching anything.
const (
	Repeat    AlleleKind = iota // a repeat number, possibly a microvariant: "9", "9.3"
	Below                       // below the ladder: "<8"
	Above                       // above the ladder: ">27"
	OffLadder                   // "OL" and the Prüm codes for unresolved calls
	Wildcard                    // "*": any allele
	SexX                        // amelogenin X
	SexY                        // amelogenin Y
)

// Allele is one allele call at a locus as a lab writes it, in canonical text
// ("9.3", "<8", ">27", "OL", "*", "X"). Required marks an obligate allele of a
// mixture: a candidate must carry it.
type Allele struct {
	Text     string `json:"value"`
	Required bool   `json:"required,omitempty"`
}

// alleleValue is the parsed form of an allele used for ordering and for the
// Prüm microvariant windows: tenths is repeats*10 + microvariant bases.
type alleleValue struct {
	kind   AlleleKind
	tenths int32
}

// wildcardCodes are the non-numeric values the Prüm annex turns into "*".
var wildcardCodes = map[string]bool{"*": true, "O": true, "F": true, "R": true, "NA": true, "NR": true, "UN": true}

// ParseAllele checks one allele call at a canonical locus and returns its
// canonical text. Errors name the locus and the value.
func ParseAllele(locus, text string) (string, AlleleKind, error) {
	v, canon, err := parseAllele(locus, text)
	return canon, v.kind, err
}

func parseAllele(locus, text string) (alleleValue, string, error) {
	t := strings.ToUpper(strings.TrimSpace(text))
	if t == "" {
		return alleleValue{}, "", fmt.Errorf("locus %q allele is empty", locus)
	}
	if len(t) > 10 {
		return alleleValue{}, "", fmt.Errorf("locus %q allele %q is longer than 10 characters", locus, text)
	}
	if locus == LocusAMEL {
		switch t {
		case "X":
			return alleleValue{kind: SexX}, "X", nil
		case "Y":
			return alleleValue{kind: SexY}, "Y", nil
		}
		return alleleValue{}, "", fmt.Errorf("locus %q allele %q is not X or Y", locus, text)
	}
	switch {
	case t == "OL":
		return alleleValue{kind: OffLadder, tenths: -1}, "OL", nil
	case wildcardCodes[t]:
		k := OffLadder
		if t == "*" {
			k = Wildcard
		}
		return alleleValue{kind: k, tenths: -1}, t, nil
	case t[0] == '<' || t[0] == '>':
		n, canon, err := parseRepeat(t[1:])
		if err != nil {
			return alleleValue{}, "", fmt.Errorf("locus %q allele %q: %v", locus, text, err)
		}
		if t[0] == '<' {
			return alleleValue{kind: Below, tenths: n}, "<" + canon, nil
		}
		return alleleValue{kind: Above, tenths: n}, ">" + canon, nil
	}
	n, canon, err := parseRepeat(t)
	if err != nil {
		return alleleValue{}, "", fmt.Errorf("locus %q allele %q: %v", locus, text, err)
	}
	return alleleValue{kind: Repeat, tenths: n}, canon, nil
}

// parseRepeat reads "9", "9.3" or "9.0" (= "9") and returns tenths.
func parseRepeat(s string) (int32, string, error) {
	whole, frac, dotted := strings.Cut(s, ".")
	if whole == "" || len(whole) > 3 {
		return 0, "", fmt.Errorf("is not a repeat number")
	}
	n, err := strconv.Atoi(whole)
	if err != nil || n < 0 {
		return 0, "", fmt.Errorf("is not a repeat number")
	}
	if n > 999 {
		return 0, "", fmt.Errorf("has more than 999 repeats")
	}
	if !dotted {
		return int32(n * 10), strconv.Itoa(n), nil
	}
	if len(frac) != 1 || frac[0] < '0' || frac[0] > '9' {
		return 0, "", fmt.Errorf("microvariant must be one digit after the point")
	}
	d := int(frac[0] - '0')
	if d == 0 {
		return int32(n * 10), strconv.Itoa(n), nil
	}
	return int32(n*10 + d), strconv.Itoa(n) + "." + string(frac[0]), nil
}

// prumWild reports whether Prüm converts this allele to "*": every
// non-numeric value and the placeholder numbers 0, 1 and 99.
func (v alleleValue) prumWild() bool {
	if v.kind != Repeat {
		return true
	}
	return v.tenths == 0 || v.tenths == 10 || v.tenths == 990
}

// prumWindow reports whether a query allele q and a database allele c are
// within the Prüm microvariant tolerance of each other. The windows (x.1 ~
// {x, x.1, x.2}, x.2 ~ {x.1, x.2, x.3}, x.3 ~ {x.2, x.3, x+1}, and for
// pentanucleotide loci x.3 ~ {x.2, x.3, x.4}, x.4 ~ {x.3, x.4, x+1}) are taken
// in both directions so that the comparison is symmetric.
func prumWindow(q, c alleleValue, penta bool) bool {
	if q.tenths == c.tenths {
		return true
	}
	return inWindow(q.tenths, c.tenths, penta) || inWindow(c.tenths, q.tenths, penta)
}

func inWindow(a, b int32, penta bool) bool {
	frac := a % 10
	if frac == 0 {
		return false
	}
	top := int32(3)
	if penta {
		top = 4
	}
	if frac > top {
		return false
	}
	if b == a-1 || b == a+1 && frac < top {
		return true
	}
	// the highest microvariant reaches the next whole repeat
	return frac == top && b == a-frac+10
}
