package console

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/mrz"
)

// routesCheck registers the Check screen: a border officer checks a
// document by number and issuing country or by its pasted MRZ, and sees
// the outcome, every match with a link to the case it opened, and the MRZ
// read field by field with every check digit.
func (c *Console) routesCheck() {
	c.handle("GET /check", lookout.GrantDocumentsCheck, c.checkPage)
	c.handle("POST /check", lookout.GrantDocumentsCheck, c.checkSubmit)
}

// checkForm is what the officer typed, shown again after the check so
// that one wrong character can be put right.
type checkForm struct {
	By             string // "number" or "mrz": which form was sent
	Number         string
	IssuingCountry string
	MRZ            string
	Urgent         bool
}

// checkData is the Check page.
type checkData struct {
	Form   checkForm
	Result *lookout.CheckResult
	// MRZ is the zone read field by field: from the check's result, or
	// read here when the hub could not use it, to show why.
	MRZ *mrzView
}

func (c *Console) checkPage(w http.ResponseWriter, r *http.Request) error {
	c.render(w, r, http.StatusOK, "check", &checkData{Form: checkForm{By: "number"}}, nil)
	return nil
}

func (c *Console) checkSubmit(w http.ResponseWriter, r *http.Request) error {
	f := checkForm{
		By:             r.PostFormValue("by"),
		Number:         strings.TrimSpace(r.PostFormValue("number")),
		IssuingCountry: strings.TrimSpace(r.PostFormValue("issuing_country")),
		MRZ:            strings.TrimSpace(r.PostFormValue("mrz")),
		Urgent:         r.PostFormValue("urgent") != "",
	}
	if f.By != "mrz" && f.By != "number" {
		f.By = "number"
		if f.MRZ != "" && f.Number == "" && f.IssuingCountry == "" {
			f.By = "mrz"
		}
	}
	data := &checkData{Form: f}
	req := lookout.CheckRequest{Urgent: f.Urgent}
	if f.By == "mrz" {
		if f.MRZ == "" {
			err := lookout.FieldErrorf("mrz", "%s", c.text.T("check.mrz_required"))
			c.render(w, r, statusOf(err), "check", data, err)
			return nil
		}
		req.MRZ = f.MRZ
	} else {
		req.Number, req.IssuingCountry = f.Number, f.IssuingCountry
	}
	res, err := c.hub.Check(r.Context(), req)
	if err != nil {
		if lookout.ErrorField(err) == "mrz" && req.MRZ != "" {
			// Show what is wrong with the zone, character by character.
			rep := mrz.ParseString(req.MRZ)
			data.MRZ = c.mrzView(req.MRZ, &rep)
		}
		c.render(w, r, statusOf(err), "check", data, err)
		return nil
	}
	data.Result = res
	if res.MRZ != nil {
		rep, err := mrzResult(res.MRZ)
		if err != nil {
			return err
		}
		data.MRZ = c.mrzView(req.MRZ, rep)
	}
	c.render(w, r, http.StatusOK, "check", data, nil)
	return nil
}

// mrzResult reads the mrz member of a check result, which holds the object
// of `lookout mrz --json` (an mrz.Result in process).
func mrzResult(v any) (*mrz.Result, error) {
	switch x := v.(type) {
	case mrz.Result:
		return &x, nil
	case *mrz.Result:
		return x, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var rep mrz.Result
	if err := json.Unmarshal(b, &rep); err != nil {
		return nil, err
	}
	return &rep, nil
}

// mrzView is a parsed MRZ as the Check page shows it.
type mrzView struct {
	Format string
	Valid  bool
	// Error is the sentence for a zone that could not be read field by
	// field, empty when it could.
	Error string
	Lines []mrzLine
	// Fields and Digits are empty when the zone could not be read.
	Fields []mrzField
	Digits []mrzDigit
	// Issues words each format issue.
	Issues []string
}

// mrzLine is one line as pasted (white space removed, as the reader does),
// split into runs of good characters and characters outside A-Z 0-9 <.
type mrzLine struct {
	Length int
	Runs   []mrzRun
}

type mrzRun struct {
	Text string
	Bad  bool
}

type mrzField struct {
	Label, Value, Note string
}

type mrzDigit struct {
	Label             string
	Printed, Computed string
	Valid             bool
	// MatchesWithFiller: wrong under the strict rule, right with the
	// overflow filler counted, as some issuers print it.
	MatchesWithFiller bool
}

func (c *Console) mrzView(raw string, rep *mrz.Result) *mrzView {
	v := &mrzView{Format: string(rep.Format), Valid: rep.Valid}
	for _, l := range strings.FieldsFunc(raw, func(r rune) bool { return r == '\n' || r == '\r' }) {
		l = strings.Join(strings.Fields(l), "")
		if l == "" {
			continue
		}
		line := mrzLine{Length: len([]rune(l))}
		for _, ch := range l {
			bad := !(ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '<')
			if n := len(line.Runs); n > 0 && line.Runs[n-1].Bad == bad {
				line.Runs[n-1].Text += string(ch)
			} else {
				line.Runs = append(line.Runs, mrzRun{Text: string(ch), Bad: bad})
			}
		}
		v.Lines = append(v.Lines, line)
	}
	if rep.Error != "" {
		v.Error = c.text.T("check.mrz.error." + string(rep.Error))
	}
	if f := rep.Fields; f != nil {
		status := func(field string, code string) string {
			if rep.CodeStatus == nil {
				return ""
			}
			s := rep.CodeStatus.IssuingState
			if field == "nationality" {
				s = rep.CodeStatus.Nationality
			}
			if s == "" || s == mrz.StatusISO3166 {
				return ""
			}
			return c.text.T("check.mrz.code_status."+s, code)
		}
		add := func(key, value, note string) {
			v.Fields = append(v.Fields, mrzField{Label: c.text.T("check.mrz.field." + key), Value: value, Note: note})
		}
		add("document_code", f.DocumentCode, "")
		add("issuing_state", f.IssuingState, status("issuing_state", f.IssuingState))
		add("primary_identifier", f.PrimaryIdentifier, "")
		note := ""
		if f.NamePossiblyTruncated {
			note = c.text.T("check.mrz.name_truncated")
		}
		add("secondary_identifier", f.SecondaryIdentifier, note)
		add("nationality", f.Nationality, status("nationality", f.Nationality))
		add("birth_date", f.BirthDate, c.text.T("check.mrz.yymmdd"))
		add("sex", f.Sex, "")
		add("expiry_date", f.ExpiryDate, c.text.T("check.mrz.yymmdd"))
		note = ""
		if f.DocumentNumberOverflow {
			note = c.text.T("check.mrz.overflow")
		}
		add("document_number", f.DocumentNumber, note)
		add("optional_data_1", f.OptionalData1, "")
		if f.OptionalData2 != nil {
			add("optional_data_2", *f.OptionalData2, "")
		}
	}
	if cd := rep.CheckDigits; cd != nil {
		for _, d := range []struct {
			key string
			d   *mrz.Digit
		}{
			{"document_number", cd.DocumentNumber}, {"birth_date", cd.BirthDate}, {"expiry_date", cd.ExpiryDate},
			{"optional_data", cd.OptionalData}, {"composite", cd.Composite},
		} {
			if d.d == nil {
				continue
			}
			v.Digits = append(v.Digits, mrzDigit{
				Label: c.text.T("check.mrz.digit." + d.key), Printed: d.d.Printed, Computed: d.d.Computed, Valid: d.d.Valid,
				MatchesWithFiller: !d.d.Valid && d.d.ComputedIncludingFiller != "" && d.d.ComputedIncludingFiller == d.d.Printed,
			})
		}
	}
	for _, is := range rep.FormatIssues {
		v.Issues = append(v.Issues, c.issueText(is, rep.Fields))
	}
	return v
}

// issueText words one format issue of an MRZ with the value at fault.
func (c *Console) issueText(issue string, f *mrz.Fields) string {
	if f == nil {
		f = &mrz.Fields{}
	}
	switch issue {
	case "birth_date_format":
		return c.text.T("check.mrz.issue.birth_date_format", f.BirthDate)
	case "expiry_date_format":
		return c.text.T("check.mrz.issue.expiry_date_format", f.ExpiryDate)
	case "sex":
		return c.text.T("check.mrz.issue.sex", f.Sex)
	case "name_chars":
		return c.text.T("check.mrz.issue.name_chars")
	case "issuing_state_chars":
		return c.text.T("check.mrz.issue.issuing_state_chars", f.IssuingState)
	case "nationality_chars":
		return c.text.T("check.mrz.issue.nationality_chars", f.Nationality)
	case "document_code":
		return c.text.T("check.mrz.issue.document_code", f.DocumentCode)
	}
	if field, ok := strings.CutSuffix(issue, "_check_char"); ok {
		if label, ok := c.text["check.mrz.digit."+field]; ok {
			return c.text.T("check.mrz.issue.check_char", label)
		}
	}
	return c.text.T("check.mrz.issue.other", issue)
}
