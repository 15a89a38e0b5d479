package mrz

import (
	"encoding/json"
	"strings"
)

// Format is an MRZ layout of ICAO Doc 9303. The zero value means that the
// lines match no layout; it marshals to JSON null.
type Format string

// The layouts of Doc 9303 Parts 4 to 7.
const (
	TD1  Format = "TD1"  // ID card, 3 lines of 30
	TD2  Format = "TD2"  // ID card or travel document, 2 lines of 36
	TD3  Format = "TD3"  // passport, 2 lines of 44
	MRVA Format = "MRVA" // visa, 2 lines of 44
	MRVB Format = "MRVB" // visa, 2 lines of 36
)

// MarshalJSON writes the zero Format as null.
func (f Format) MarshalJSON() ([]byte, error) {
	if f == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(f))
}

// UnmarshalJSON reads null as the zero Format.
func (f *Format) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*f = ""
	if s != nil {
		*f = Format(*s)
	}
	return nil
}

// ErrorCode names why an MRZ could not be read field by field. The zero
// value means no such error; it marshals to JSON null.
type ErrorCode string

// The error codes of a [Result].
const (
	// ErrLineCountOrLength: the lines match no layout by count and length.
	ErrLineCountOrLength ErrorCode = "line_count_or_length"
	// ErrCharset: a character outside A-Z 0-9 '<' (lower case included).
	ErrCharset ErrorCode = "charset"
	// ErrMalformedOverflow: a TD1 or TD2 document-number check digit
	// position holds the overflow filler '<' but the optional data holds no
	// overflow characters followed by a check digit.
	ErrMalformedOverflow ErrorCode = "malformed_document_number_overflow"
)

// MarshalJSON writes the zero ErrorCode as null.
func (e ErrorCode) MarshalJSON() ([]byte, error) {
	if e == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(e))
}

// UnmarshalJSON reads null as the zero ErrorCode.
func (e *ErrorCode) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*e = ""
	if s != nil {
		*e = ErrorCode(*s)
	}
	return nil
}

// Result is the per-field report of one MRZ. It marshals to the object that
// `lookout mrz --json` prints and that a document check returns as its mrz
// member. When StructureValid is false, Fields, CheckDigits,
// CheckDigitsValid and FormatIssues are nil (JSON null), CodeStatus is
// omitted and Valid is false.
type Result struct {
	// Format is the layout detected from line count, line length and the
	// first character ('V' for visas); it is set even when the characters
	// are bad, and zero when the shape matches no layout.
	Format         Format    `json:"format"`
	StructureValid bool      `json:"structure_valid"`
	Error          ErrorCode `json:"error"`
	Fields         *Fields   `json:"fields"`
	// CheckDigits holds one entry per check digit the layout has.
	CheckDigits *CheckDigits `json:"check_digits"`
	// CheckDigitsValid is true when every check digit matches under the
	// strict ICAO rule.
	CheckDigitsValid *bool `json:"check_digits_valid"`
	// CheckDigitsValidLenient is set only when the document number overflows
	// into the optional data (TD1, TD2): it also accepts a document-number
	// digit computed with the '<' filler inside the number, as some issuers
	// (Belgian PRADO specimen BEL-BO-03003) print it.
	CheckDigitsValidLenient *bool       `json:"check_digits_valid_lenient,omitempty"`
	CodeStatus              *CodeStatus `json:"code_status,omitempty"`
	// FormatIssues names, sorted, each field whose content breaks its
	// format: birth_date_format, expiry_date_format, sex, name_chars,
	// issuing_state_chars, nationality_chars, document_code, and
	// FIELD_check_char for a check-digit position holding something other
	// than a digit (or the '<' that position may hold).
	FormatIssues []string `json:"format_issues"`
	// Valid is StructureValid, no Error, CheckDigitsValid and no
	// FormatIssues. CodeStatus does not enter it: an unknown state is
	// reported, not rejected.
	Valid bool `json:"valid"`
}

// Fields are the MRZ fields as printed: fillers stripped where noted, no
// century guessed for dates, no OCR correction.
type Fields struct {
	DocumentCode string `json:"document_code"` // trailing fillers stripped ("I<" -> "I")
	IssuingState string `json:"issuing_state"` // trailing fillers stripped ("D<<" -> "D")
	// PrimaryIdentifier is the text before the first "<<" of the name
	// field, fillers turned into spaces and trimmed; empty when the name
	// starts with "<<".
	PrimaryIdentifier string `json:"primary_identifier"`
	// SecondaryIdentifier is the text after the first "<<", likewise.
	SecondaryIdentifier string `json:"secondary_identifier"`
	// NamePossiblyTruncated is true when the name field ends on a
	// character other than '<', as Doc 9303 truncation leaves it.
	NamePossiblyTruncated bool   `json:"name_possibly_truncated"`
	Nationality           string `json:"nationality"` // trailing fillers stripped
	BirthDate             string `json:"birth_date"`  // raw YYMMDD, '<' for unknown parts
	Sex                   string `json:"sex"`         // raw: M, F, X or '<'
	ExpiryDate            string `json:"expiry_date"` // raw YYMMDD
	// DocumentNumber is the number with trailing fillers stripped; for a
	// TD1 or TD2 long number it is the full number, overflow included.
	DocumentNumber         string `json:"document_number"`
	DocumentNumberOverflow bool   `json:"document_number_overflow"`
	// OptionalData1 is the optional data (TD3: the personal number) with
	// trailing fillers stripped and inner ones kept; after an overflow, what
	// follows the overflow characters, their check digit and a filler.
	OptionalData1 string `json:"optional_data_1"`
	// OptionalData2 is TD1's second optional field (line 2, positions
	// 19-29); nil, and absent from JSON, for the other layouts.
	OptionalData2 *string `json:"optional_data_2,omitempty"`
}

// CheckDigits holds the check digits of a layout; those it does not have are
// nil and absent from JSON (OptionalData: TD3 only; Composite: not on visas).
type CheckDigits struct {
	DocumentNumber *Digit `json:"document_number"`
	BirthDate      *Digit `json:"birth_date"`
	ExpiryDate     *Digit `json:"expiry_date"`
	OptionalData   *Digit `json:"optional_data,omitempty"`
	Composite      *Digit `json:"composite,omitempty"`
}

// Digit is one check digit: the character printed, the digit computed from
// the field it protects, and whether the two agree.
type Digit struct {
	Printed  string `json:"printed"`
	Computed string `json:"computed"`
	// ComputedIncludingFiller is set on the document-number digit of an
	// overflowing long number only: the digit computed with the '<' filler
	// left between the first nine characters and the rest, the reading
	// behind the lenient verdict.
	ComputedIncludingFiller string `json:"computed_including_filler,omitempty"`
	Valid                   bool   `json:"valid"`
}

// CodeStatus classifies the two country codes of an MRZ, with the values of
// [CountryStatus].
type CodeStatus struct {
	IssuingState string `json:"issuing_state"`
	Nationality  string `json:"nationality"`
}

// Number returns the canonical document number ([CanonicalNumber] of
// Fields.DocumentNumber), or "" when the structure is invalid.
func (r *Result) Number() string {
	if r.Fields == nil {
		return ""
	}
	return CanonicalNumber(r.Fields.DocumentNumber)
}

// Problems lists, in plain words, everything that makes r invalid, one
// sentence per problem, for messages to people (an API error, a console, the
// CLI report). It is empty when r is valid. The country-code status is not a
// problem (see [CountryStatus]).
func (r *Result) Problems() []string {
	var out []string
	switch r.Error {
	case ErrLineCountOrLength:
		out = append(out, "the lines match no MRZ layout by count and length (TD1 3x30, TD2 and MRV-B 2x36, TD3 and MRV-A 2x44)")
	case ErrCharset:
		out = append(out, "a character is outside the MRZ set A-Z 0-9 < (lower case included)")
	case ErrMalformedOverflow:
		out = append(out, "the document-number check digit is the overflow filler '<' but no overflow characters and check digit follow in the optional data")
	}
	if cd := r.CheckDigits; cd != nil {
		for _, d := range []struct {
			name string
			d    *Digit
		}{
			{"document number", cd.DocumentNumber}, {"birth date", cd.BirthDate}, {"expiry date", cd.ExpiryDate},
			{"optional data", cd.OptionalData}, {"composite", cd.Composite},
		} {
			if d.d != nil && !d.d.Valid && !(d.name == "document number" && r.Error == ErrMalformedOverflow) {
				msg := "the " + d.name + " check digit is " + quoteChar(d.d.Printed) + ", computed " + d.d.Computed
				if d.d.ComputedIncludingFiller != "" && d.d.ComputedIncludingFiller == d.d.Printed {
					msg += " (it matches only with the overflow filler counted, as some issuers print it)"
				}
				out = append(out, msg)
			}
		}
	}
	for _, is := range r.FormatIssues {
		out = append(out, issueText(is, r.Fields))
	}
	return out
}

func quoteChar(s string) string { return "'" + s + "'" }

// issueText words one format issue with the value at fault.
func issueText(issue string, f *Fields) string {
	if f == nil {
		return issue
	}
	switch issue {
	case "birth_date_format":
		return "birth date " + quote(f.BirthDate) + " is not a possible YYMMDD date"
	case "expiry_date_format":
		return "expiry date " + quote(f.ExpiryDate) + " is not a possible YYMMDD date"
	case "sex":
		return "sex " + quote(f.Sex) + " is not M, F, X or <"
	case "name_chars":
		return "the name has characters other than A-Z and <"
	case "issuing_state_chars":
		return "issuing state " + quote(f.IssuingState) + " is not a code of letters"
	case "nationality_chars":
		return "nationality " + quote(f.Nationality) + " is not a code of letters"
	case "document_code":
		return "document code " + quote(f.DocumentCode) + " does not start as its layout requires (P passports, I/A/C cards, V visas)"
	}
	if field, ok := strings.CutSuffix(issue, "_check_char"); ok {
		return "the " + strings.ReplaceAll(field, "_", " ") + " check-digit position holds a character other than a digit"
	}
	return issue
}

func quote(s string) string { return `"` + s + `"` }
