package mrz

import "sort"

// Correction is one character that [CorrectOCR] changed.
type Correction struct {
	Line   int    `json:"line"`     // 1-based
	Pos    int    `json:"position"` // 1-based
	Field  string `json:"field"`    // the field the position belongs to (birth_date, name, ...)
	From   string `json:"from"`
	To     string `json:"to"`
	Reason string `json:"reason"` // "lower_case" or "ocr_confusion"
}

// Reasons of a [Correction].
const (
	ReasonLowerCase    = "lower_case"
	ReasonOCRConfusion = "ocr_confusion"
)

// toDigit maps letters that OCR confuses with digits, for positions that
// can only hold a digit (cheminfo, PassportEye and go-mrz-scanner agree on
// these pairs).
var toDigit = map[byte]byte{
	'O': '0', 'Q': '0', 'D': '0', 'U': '0', 'C': '0',
	'I': '1', 'L': '1', 'Z': '2', 'S': '5', 'G': '6', 'B': '8',
}

// toLetter maps digits that OCR confuses with letters, for positions that
// can only hold a letter or a filler.
var toLetter = map[byte]byte{
	'0': 'O', '1': 'I', '2': 'Z', '4': 'A', '5': 'S', '6': 'G', '8': 'B',
}

// CorrectOCR undoes the usual OCR misreadings where the position tells what
// a character must be: digits in dates and check digits (O -> 0, S -> 5,
// B -> 8...), letters in country codes, the document code, the sex and the
// name (0 -> O, 5 -> S, 8 -> B...), and lower case anywhere. It cleans the
// lines as [Parse] does, and returns them unchanged when they match no
// layout.
//
// The document number and the optional data are alphanumeric, so a
// misread there cannot be told from the text and is left alone: that is
// what the similar-document search is for. A correction is a guess, and
// the 7-3-1 digits cannot confirm every guess (S and 8 have the same
// value): report a read that is valid only after correction as such, never
// as a plain valid read.
func CorrectOCR(lines []string) ([]string, []Correction) {
	var clean []string
	for _, l := range lines {
		if l = stripSpace(l); l != "" {
			clean = append(clean, l)
		}
	}
	lay := detect(clean)
	if lay == nil {
		return clean, nil
	}
	var fixes []Correction
	out := make([][]byte, len(clean))
	for i, l := range clean {
		out[i] = []byte(l)
		for j, c := range out[i] {
			if c >= 'a' && c <= 'z' {
				out[i][j] = c - 'a' + 'A'
				fixes = append(fixes, Correction{Line: i + 1, Pos: j + 1, Field: lay.fieldAt(i, j),
					From: string(rune(c)), To: string(rune(c - 'a' + 'A')), Reason: ReasonLowerCase})
			}
		}
	}
	fix := func(line, pos int, field string, table map[byte]byte) {
		if line >= len(out) || pos >= len(out[line]) {
			return
		}
		c := out[line][pos]
		if to, ok := table[c]; ok {
			out[line][pos] = to
			fixes = append(fixes, Correction{Line: line + 1, Pos: pos + 1, Field: field,
				From: string(rune(c)), To: string(rune(to)), Reason: ReasonOCRConfusion})
		}
	}
	fixSpan := func(s span, field string, table map[byte]byte) {
		for p := s.start; p < s.end; p++ {
			fix(s.line, p, field, table)
		}
	}
	fixSpan(lay.code, "document_code", toLetter)
	fixSpan(lay.state, "issuing_state", toLetter)
	fixSpan(lay.nat, "nationality", toLetter)
	fixSpan(lay.name, "name", toLetter)
	fixSpan(lay.birth, "birth_date", toDigit)
	fix(lay.birth.line, lay.birth.end, "birth_date_check_digit", toDigit)
	fixSpan(lay.expiry, "expiry_date", toDigit)
	fix(lay.expiry.line, lay.expiry.end, "expiry_date_check_digit", toDigit)
	if c := out[lay.sex.line][lay.sex.start]; c == 'P' {
		// P is the usual misreading of F in the sex position.
		out[lay.sex.line][lay.sex.start] = 'F'
		fixes = append(fixes, Correction{Line: lay.sex.line + 1, Pos: lay.sex.start + 1, Field: "sex",
			From: "P", To: "F", Reason: ReasonOCRConfusion})
	}
	// The document-number digit of TD1/TD2 may be the overflow filler, and
	// the overflow digit sits among alphanumerics: only a plain digit
	// position is corrected.
	fix(lay.number.line, lay.number.end, "document_number_check_digit", toDigit)
	if lay.optionalCD >= 0 {
		fix(1, lay.optionalCD, "optional_data_check_digit", toDigit)
	}
	if lay.composite != nil {
		fix(lay.compositeP.line, lay.compositeP.start, "composite_check_digit", toDigit)
	}
	sort.Slice(fixes, func(i, j int) bool {
		return fixes[i].Line < fixes[j].Line || fixes[i].Line == fixes[j].Line && fixes[i].Pos < fixes[j].Pos
	})
	res := make([]string, len(out))
	for i, b := range out {
		res[i] = string(b)
	}
	return res, fixes
}

// fieldAt names the field at a 0-based position, for reporting.
func (lay *layout) fieldAt(line, pos int) string {
	in := func(s span) bool { return s.line == line && pos >= s.start && pos < s.end }
	switch {
	case in(lay.code):
		return "document_code"
	case in(lay.state):
		return "issuing_state"
	case in(lay.name):
		return "name"
	case in(lay.number):
		return "document_number"
	case in(lay.nat):
		return "nationality"
	case in(lay.birth):
		return "birth_date"
	case in(lay.sex):
		return "sex"
	case in(lay.expiry):
		return "expiry_date"
	case in(lay.optional):
		return "optional_data_1"
	case in(lay.optional2):
		return "optional_data_2"
	}
	return "check_digit"
}

// ParseCorrected is [Parse] after [CorrectOCR]: the result of the corrected
// lines and the corrections made. The result's Valid then means "valid
// after correction", which callers must report apart from a plain valid
// read.
func ParseCorrected(lines []string) (Result, []Correction) {
	fixed, fixes := CorrectOCR(lines)
	return Parse(fixed), fixes
}
