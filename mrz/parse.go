package mrz

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// span is a half-open range of character positions (0-based) on one line.
type span struct{ line, start, end int }

func (s span) of(lines []string) string { return lines[s.line][s.start:s.end] }

// layout gives the positions of every field of one format (Doc 9303 Parts
// 4-7, section 5.1 of the domain note).
type layout struct {
	format     Format
	lines      int
	length     int
	code       span
	state      span
	name       span
	number     span // 9 characters; the check digit follows
	nat        span
	birth      span // 6 characters; the check digit follows
	sex        span
	expiry     span // 6 characters; the check digit follows
	optional   span
	optional2  span   // TD1 only (zero span otherwise)
	optionalCD int    // TD3 personal-number check digit position on line 2, or -1
	composite  []span // ranges the composite digit covers; nil on visas
	compositeP span   // the composite digit itself
	overflow   bool   // long document numbers may continue in optional data
	codeFirst  string // the first characters Doc 9303 allows in the document code
}

var (
	layoutTD1 = layout{
		format: TD1, lines: 3, length: 30,
		code: span{0, 0, 2}, state: span{0, 2, 5}, number: span{0, 5, 14}, optional: span{0, 15, 30},
		birth: span{1, 0, 6}, sex: span{1, 7, 8}, expiry: span{1, 8, 14}, nat: span{1, 15, 18},
		optional2: span{1, 18, 29}, name: span{2, 0, 30}, optionalCD: -1,
		composite:  []span{{0, 5, 30}, {1, 0, 7}, {1, 8, 15}, {1, 18, 29}},
		compositeP: span{1, 29, 30}, overflow: true, codeFirst: "IAC",
	}
	layoutTD2 = layout{
		format: TD2, lines: 2, length: 36,
		code: span{0, 0, 2}, state: span{0, 2, 5}, name: span{0, 5, 36},
		number: span{1, 0, 9}, nat: span{1, 10, 13}, birth: span{1, 13, 19}, sex: span{1, 20, 21},
		expiry: span{1, 21, 27}, optional: span{1, 28, 35}, optionalCD: -1,
		composite:  []span{{1, 0, 10}, {1, 13, 20}, {1, 21, 35}},
		compositeP: span{1, 35, 36}, overflow: true, codeFirst: "IAC",
	}
	layoutTD3 = layout{
		format: TD3, lines: 2, length: 44,
		code: span{0, 0, 2}, state: span{0, 2, 5}, name: span{0, 5, 44},
		number: span{1, 0, 9}, nat: span{1, 10, 13}, birth: span{1, 13, 19}, sex: span{1, 20, 21},
		expiry: span{1, 21, 27}, optional: span{1, 28, 42}, optionalCD: 42,
		composite:  []span{{1, 0, 10}, {1, 13, 20}, {1, 21, 43}},
		compositeP: span{1, 43, 44}, codeFirst: "P",
	}
	layoutMRVA = layout{
		format: MRVA, lines: 2, length: 44,
		code: span{0, 0, 2}, state: span{0, 2, 5}, name: span{0, 5, 44},
		number: span{1, 0, 9}, nat: span{1, 10, 13}, birth: span{1, 13, 19}, sex: span{1, 20, 21},
		expiry: span{1, 21, 27}, optional: span{1, 28, 44}, optionalCD: -1, codeFirst: "V",
	}
	layoutMRVB = layout{
		format: MRVB, lines: 2, length: 36,
		code: span{0, 0, 2}, state: span{0, 2, 5}, name: span{0, 5, 36},
		number: span{1, 0, 9}, nat: span{1, 10, 13}, birth: span{1, 13, 19}, sex: span{1, 20, 21},
		expiry: span{1, 21, 27}, optional: span{1, 28, 36}, optionalCD: -1, codeFirst: "V",
	}
)

// detect picks the layout from the shape of the lines: their count and
// length, then the first character ('V' marks a visa). Length is counted
// in characters so that a stray non-ASCII letter is reported as a charset
// error rather than a length error.
func detect(lines []string) *layout {
	if len(lines) < 2 || len(lines) > 3 {
		return nil
	}
	n := utf8.RuneCountInString(lines[0])
	for _, l := range lines[1:] {
		if utf8.RuneCountInString(l) != n {
			return nil
		}
	}
	visa := lines[0] != "" && (lines[0][0] == 'V' || lines[0][0] == 'v')
	switch {
	case len(lines) == 3 && n == 30:
		return &layoutTD1
	case len(lines) == 2 && n == 44 && visa:
		return &layoutMRVA
	case len(lines) == 2 && n == 44:
		return &layoutTD3
	case len(lines) == 2 && n == 36 && visa:
		return &layoutMRVB
	case len(lines) == 2 && n == 36:
		return &layoutTD2
	}
	return nil
}

// ParseString parses an MRZ given as one string with its lines separated by
// LF, CR LF or CR, as the check API receives it. See [Parse].
func ParseString(s string) Result {
	return Parse(strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }))
}

// Parse reads and validates the lines of an MRZ in any of the five Doc 9303
// layouts and reports on every field. White space inside or around a line
// is removed and empty lines are skipped, since OCR and copy-paste add
// them; nothing else is corrected: lower case is a charset error, and
// characters misread by OCR are left for the check digits and format
// issues to reveal. Parse never panics and never fails: what is wrong is in
// the Result.
func Parse(lines []string) Result {
	var buf [3]string
	clean := buf[:0]
	for _, l := range lines {
		l = stripSpace(l)
		if l == "" {
			continue
		}
		clean = append(clean, l)
	}
	lay := detect(clean)
	if lay == nil {
		return Result{Error: ErrLineCountOrLength}
	}
	for _, l := range clean {
		for i := 0; i < len(l); i++ {
			if charValue(l[i]) < 0 {
				return Result{Format: lay.format, Error: ErrCharset}
			}
		}
	}
	return lay.parse(clean)
}

// stripSpace removes white space from a line without allocating when there
// is none.
func stripSpace(l string) string {
	clean := true
	for i := 0; i < len(l); i++ {
		if c := l[i]; c <= ' ' && (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') {
			clean = false
			break
		}
	}
	if clean {
		return l
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n', '\v', '\f':
			return -1
		}
		return r
	}, l)
}

// parse reads the fields of lines, which have the layout's shape and only
// MRZ characters.
func (lay *layout) parse(lines []string) Result {
	// One allocation holds everything the Result points to: Parse runs on
	// every MRZ check, and the pointers exist only for JSON's nulls.
	blk := new(resultBlock)
	f := &blk.fields
	*f = Fields{
		DocumentCode: strings.TrimRight(lay.code.of(lines), "<"),
		IssuingState: trimCode(lay.state.of(lines)),
		Nationality:  trimCode(lay.nat.of(lines)),
		BirthDate:    lay.birth.of(lines),
		Sex:          lay.sex.of(lines),
		ExpiryDate:   lay.expiry.of(lines),
	}
	r := Result{Format: lay.format, StructureValid: true, Fields: f, FormatIssues: []string{}}
	cd := &blk.digits
	r.CheckDigits = cd
	name := lay.name.of(lines)
	f.PrimaryIdentifier, f.SecondaryIdentifier = splitName(name)
	f.NamePossiblyTruncated = name[len(name)-1] != '<'
	if lay.optional2.end > 0 {
		blk.optional2 = strings.TrimRight(lay.optional2.of(lines), "<")
		f.OptionalData2 = &blk.optional2
	}

	// Document number, with the TD1/TD2 overflow into optional data.
	numField := lay.number.of(lines)
	numLine := lines[lay.number.line]
	numCD := numLine[lay.number.end]
	optField := lay.optional.of(lines)
	var lenientNumberOK bool
	switch {
	case lay.overflow && numCD == '<':
		part := optField
		rest := ""
		if i := strings.IndexByte(optField, '<'); i >= 0 {
			part, rest = optField[:i], optField[i+1:]
		}
		if len(part) < 2 {
			// The filler announces an overflow that is not there, so the
			// number has no check digit at all.
			r.Error = ErrMalformedOverflow
			f.DocumentNumber = strings.TrimRight(numField, "<")
			f.OptionalData1 = strings.TrimRight(optField, "<")
			cd.DocumentNumber = blk.digit(0, '<', checkDigit(numField))
			break
		}
		full := numField + part[:len(part)-1]
		printed := part[len(part)-1]
		f.DocumentNumber = full
		f.DocumentNumberOverflow = true
		f.OptionalData1 = strings.TrimRight(rest, "<")
		cd.DocumentNumber = blk.digit(0, printed, checkDigit(full))
		withFiller := checkDigit(numField + "<" + part[:len(part)-1])
		cd.DocumentNumber.ComputedIncludingFiller = charString(withFiller)
		lenientNumberOK = cd.DocumentNumber.Valid || printed == withFiller
		if !isDigit(printed) {
			r.FormatIssues = append(r.FormatIssues, "document_number_check_char")
		}
	default:
		f.DocumentNumber = strings.TrimRight(numField, "<")
		f.OptionalData1 = strings.TrimRight(optField, "<")
		cd.DocumentNumber = blk.digit(0, numCD, checkDigit(numField))
		r.checkChar("document_number", numCD)
	}

	birthCD := lines[lay.birth.line][lay.birth.end]
	cd.BirthDate = blk.digit(1, birthCD, checkDigit(f.BirthDate))
	r.checkChar("birth_date", birthCD)
	expiryCD := lines[lay.expiry.line][lay.expiry.end]
	cd.ExpiryDate = blk.digit(2, expiryCD, checkDigit(f.ExpiryDate))
	r.checkChar("expiry_date", expiryCD)

	if lay.optionalCD >= 0 {
		p := lines[1][lay.optionalCD]
		cd.OptionalData = blk.digit(3, p, checkDigit(optField))
		// Doc 9303 lets an empty personal number carry '<' as its digit.
		if p == '<' && f.OptionalData1 == "" {
			cd.OptionalData.Valid = true
		} else if p != '<' {
			r.checkChar("optional_data", p)
		}
	}
	if lay.composite != nil {
		p := lay.compositeP.of(lines)[0]
		cd.Composite = blk.digit(4, p, compositeDigit(lines, lay.composite))
		r.checkChar("composite", p)
	}

	all := cd.DocumentNumber.Valid && cd.BirthDate.Valid && cd.ExpiryDate.Valid &&
		(cd.OptionalData == nil || cd.OptionalData.Valid) && (cd.Composite == nil || cd.Composite.Valid)
	blk.valid = all
	r.CheckDigitsValid = &blk.valid
	if f.DocumentNumberOverflow {
		lenient := lenientNumberOK && cd.BirthDate.Valid && cd.ExpiryDate.Valid &&
			(cd.OptionalData == nil || cd.OptionalData.Valid) && (cd.Composite == nil || cd.Composite.Valid)
		blk.lenient = lenient
		r.CheckDigitsValidLenient = &blk.lenient
	}

	blk.codes = CodeStatus{IssuingState: CountryStatus(f.IssuingState), Nationality: CountryStatus(f.Nationality)}
	r.CodeStatus = &blk.codes
	lay.formatIssues(&r, lines, name)
	sort.Strings(r.FormatIssues)
	r.Valid = r.Error == "" && all && len(r.FormatIssues) == 0
	return r
}

// formatIssues adds the issues of the fields that no check digit protects
// or whose content a digit cannot vouch for (a date can pass its check
// digit and still name a thirteenth month).
func (lay *layout) formatIssues(r *Result, lines []string, name string) {
	f := r.Fields
	if !strings.ContainsRune(lay.codeFirst, rune(lines[0][0])) {
		r.FormatIssues = append(r.FormatIssues, "document_code")
	}
	if !codeChars(lay.state.of(lines)) {
		r.FormatIssues = append(r.FormatIssues, "issuing_state_chars")
	}
	if !codeChars(lay.nat.of(lines)) {
		r.FormatIssues = append(r.FormatIssues, "nationality_chars")
	}
	if !validDate(f.BirthDate) {
		r.FormatIssues = append(r.FormatIssues, "birth_date_format")
	}
	if !validDate(f.ExpiryDate) {
		r.FormatIssues = append(r.FormatIssues, "expiry_date_format")
	}
	switch f.Sex {
	case "M", "F", "X", "<":
	default:
		r.FormatIssues = append(r.FormatIssues, "sex")
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(c >= 'A' && c <= 'Z' || c == '<') {
			r.FormatIssues = append(r.FormatIssues, "name_chars")
			break
		}
	}
}

// checkChar records a FIELD_check_char issue when a check-digit position
// holds something other than a digit.
func (r *Result) checkChar(field string, c byte) {
	if !isDigit(c) {
		r.FormatIssues = append(r.FormatIssues, field+"_check_char")
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

var digitStrings = [...]string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}

// resultBlock is the storage behind the pointers of one Result.
type resultBlock struct {
	fields         Fields
	digits         CheckDigits
	d              [5]Digit
	valid, lenient bool
	codes          CodeStatus
	optional2      string
}

// digit fills digit slot i from the printed character and the computed
// digit.
func (b *resultBlock) digit(i int, printed, computed byte) *Digit {
	b.d[i] = Digit{Printed: charString(printed), Computed: charString(computed), Valid: printed == computed}
	return &b.d[i]
}

// charString returns a one-character string without allocating for the
// characters the MRZ set allows.
func charString(c byte) string {
	if isDigit(c) {
		return digitStrings[c-'0']
	}
	if c >= 'A' && c <= 'Z' {
		return letters[c-'A' : c-'A'+1]
	}
	if c == '<' {
		return "<"
	}
	return string(rune(c))
}

const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// compositeDigit computes the check digit over the concatenation of spans
// without building it.
func compositeDigit(lines []string, spans []span) byte {
	sum, pos := 0, 0
	for _, s := range spans {
		l := lines[s.line]
		for i := s.start; i < s.end; i++ {
			sum += charValue(l[i]) * weights[pos%3]
			pos++
		}
	}
	return byte('0' + sum%10)
}

// splitName splits a name field at its first "<<" into the primary and
// secondary identifiers, with fillers turned into spaces and trimmed.
func splitName(name string) (primary, secondary string) {
	i := strings.Index(name, "<<")
	if i < 0 {
		return fillersToSpaces(name), ""
	}
	return fillersToSpaces(name[:i]), fillersToSpaces(name[i+2:])
}

func fillersToSpaces(s string) string {
	s = strings.Trim(s, "<")
	if strings.IndexByte(s, '<') < 0 {
		return s
	}
	return strings.ReplaceAll(s, "<", " ")
}

// codeChars reports whether a three-character country field is one to
// three letters followed by fillers ("UTO", "D<<").
func codeChars(field string) bool {
	n := len(strings.TrimRight(field, "<"))
	if n == 0 {
		return false
	}
	for i := 0; i < n; i++ {
		if field[i] < 'A' || field[i] > 'Z' {
			return false
		}
	}
	return true
}

// validDate reports whether a YYMMDD field is a possible date. Each pair
// is either two digits or "<<" (unknown, as Doc 9303 allows); the day must
// exist in its month, and 29 February in a year divisible by four (the
// century is unknown, and 2000 was a leap year).
func validDate(d string) bool {
	var v [3]int
	for p := 0; p < 3; p++ {
		a, b := d[2*p], d[2*p+1]
		switch {
		case a == '<' && b == '<':
			v[p] = -1
		case isDigit(a) && isDigit(b):
			v[p] = int(a-'0')*10 + int(b-'0')
		default:
			return false
		}
	}
	yy, mm, dd := v[0], v[1], v[2]
	if mm != -1 && (mm < 1 || mm > 12) {
		return false
	}
	if dd == -1 {
		return true
	}
	maxDay := 31
	switch mm {
	case 4, 6, 9, 11:
		maxDay = 30
	case 2:
		maxDay = 29
		if yy != -1 && yy%4 != 0 {
			maxDay = 28
		}
	}
	return dd >= 1 && dd <= maxDay
}
