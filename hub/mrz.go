package hub

import (
	"strings"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/mrz"
)

// parseMRZ reads a raw MRZ (lines separated by newlines) and returns the
// canonical document number and issuing country it names, and the full
// report that goes back to the caller. A zone whose structure cannot be read
// is refused; a zone with bad check digits is still checked, since an OCR
// error in the number is what the similar lane is for.
func parseMRZ(raw string) (number, issuer string, report any, err error) {
	raw = strings.ReplaceAll(raw, "\r\n", "\n")
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(raw), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	r := mrz.Parse(lines)
	if !r.StructureValid {
		return "", "", r, lookout.FieldErrorf("mrz", "mrz cannot be read: %s", r.Error)
	}
	number = mrz.CanonicalNumber(r.Fields.DocumentNumber)
	if number == "" {
		return "", "", r, lookout.FieldErrorf("mrz", "mrz has no document number")
	}
	issuer, ok := mrz.NormalizeCountry(r.Fields.IssuingState)
	if !ok {
		issuer = "" // an unreadable issuer: search the number in every country
	}
	return number, issuer, r, nil
}
