package console

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/hub"
	"github.com/lookout-network/lookout/names"
)

// routesPersons registers the Persons screens: the name search, a person
// with their notices, and the notices with the secretariat's review and
// the owner's cancellation.
func (c *Console) routesPersons() {
	c.handle("GET /persons", lookout.GrantPersonsSearch, c.personsPage)
	c.handle("POST /persons", lookout.GrantPersonsSearch, c.searchPersons)
	// The hub lets persons:write read a person too, and decides.
	c.handle("GET /persons/new", lookout.GrantPersonsWrite, c.personNew)
	c.handle("POST /persons/new", lookout.GrantPersonsWrite, c.personCreate)
	c.handle("GET /persons/{id}", "", c.personPage)
	c.handle("POST /persons/{id}/notices", lookout.GrantNoticesRequest, c.requestNotice)
	// Notices are open to persons:search, persons:write and notices:request;
	// the hub refuses everyone else.
	c.handle("GET /notices", "", c.noticesPage)
	c.handle("GET /notices/{id}", "", c.noticePage)
	c.handle("POST /notices/{id}/review", "", c.reviewNotice)
	c.handle("POST /notices/{id}/cancel", lookout.GrantNoticesRequest, c.cancelNotice)
}

// personsForm is the name search as typed.
type personsForm struct {
	Name, DateOfBirth, Sex, Nationality string
}

// personsData is the search page: the form and, after a search, the
// candidates best first.
type personsData struct {
	Form       personsForm
	Searched   bool
	SearchID   string
	Candidates []personCandidate
	Sexes      []string
}

// personCandidate is one candidate as the page shows it.
type personCandidate struct {
	Person      *lookout.Person
	Score       string
	Match       bool
	MatchedName string
	NameScore   string
	Explain     []string
	Notices     []*lookout.Notice
	HitID       int64
}

func (c *Console) personsPage(w http.ResponseWriter, r *http.Request) error {
	c.render(w, r, http.StatusOK, "persons", personsData{Sexes: lookout.Sexes}, nil)
	return nil
}

func (c *Console) searchPersons(w http.ResponseWriter, r *http.Request) error {
	f := personsForm{
		Name:        strings.TrimSpace(r.PostFormValue("name")),
		DateOfBirth: strings.TrimSpace(r.PostFormValue("date_of_birth")),
		Sex:         r.PostFormValue("sex"),
		Nationality: strings.ToUpper(strings.TrimSpace(r.PostFormValue("nationality"))),
	}
	data := personsData{Form: f, Sexes: lookout.Sexes}
	if f.Name == "" {
		err := lookout.FieldErrorf("name", "%s", c.text.T("persons.error.name_required"))
		c.render(w, r, statusOf(err), "persons", data, err)
		return nil
	}
	res, err := c.hub.SearchPersons(r.Context(), lookout.PersonSearchRequest{Name: f.Name, DateOfBirth: f.DateOfBirth, Sex: f.Sex, Nationality: f.Nationality, Limit: 20})
	if err != nil {
		if lookout.ErrorCode(err) == lookout.EINVALID {
			c.render(w, r, statusOf(err), "persons", data, keepOnForm(err, "name", "date_of_birth", "sex", "nationality"))
			return nil
		}
		return err
	}
	data.Searched, data.SearchID = true, res.SearchID
	for _, cand := range res.Candidates {
		pc := personCandidate{Person: cand.Person, Score: fmt.Sprintf("%.2f", cand.Score), Match: cand.Match, Notices: cand.Notices, HitID: cand.HitID}
		if ex, ok := nameExplanation(cand.Explanation); ok {
			pc.MatchedName, pc.NameScore = ex.Name, fmt.Sprintf("%.2f", ex.NameScore)
			pc.Explain = c.explainName(f.Name, ex)
		}
		data.Candidates = append(data.Candidates, pc)
	}
	c.render(w, r, http.StatusOK, "persons", data, nil)
	return nil
}

// explanationOf reads the name engine's explanation, whatever form the
// hub passed it on in.
func nameExplanation(v any) (names.Explanation, bool) {
	switch ex := v.(type) {
	case names.Explanation:
		return ex, true
	case *names.Explanation:
		if ex != nil {
			return *ex, true
		}
		return names.Explanation{}, false
	case nil:
		return names.Explanation{}, false
	}
	var ex names.Explanation
	b, err := json.Marshal(v)
	if err != nil || json.Unmarshal(b, &ex) != nil {
		return ex, false
	}
	return ex, true
}

// explain turns the engine's explanation into sentences: which parts of
// the name matched and how (transliteration, spelling, order), and how the
// date of birth, sex and nationality compared.
func (c *Console) explainName(query string, ex names.Explanation) []string {
	var out []string
	for _, p := range ex.Parts {
		pct := int(p.Similarity*100 + 0.5)
		switch p.How {
		case names.HowQueryOnly:
			out = append(out, c.text.T("persons.how.query_only", p.Query))
		case names.HowCandidateOnly:
			out = append(out, c.text.T("persons.how.candidate_only", p.Candidate))
		default:
			key := "persons.how." + p.How
			if _, ok := c.text[key]; !ok {
				key = "persons.how.other"
			}
			out = append(out, c.text.T(key, p.Query, p.Candidate, pct))
		}
	}
	if nameReordered(query, ex) {
		out = append(out, c.text.T("persons.explain.reordered"))
	}
	penalty := func(reason string) string {
		for _, p := range ex.Penalties {
			if p.Reason == reason {
				return c.text.T("persons.explain.penalty", p.Amount)
			}
		}
		return ""
	}
	if ex.DateOfBirth != "" {
		key := "persons.dob." + ex.DateOfBirth
		if _, ok := c.text[key]; !ok {
			key = "persons.dob.other"
		}
		out = append(out, strings.TrimSpace(c.text.T(key)+" "+penalty("date_of_birth")))
	}
	if ex.Sex != "" && ex.Sex != names.NotCompared {
		out = append(out, strings.TrimSpace(c.text.T("persons.sex."+ex.Sex)+" "+penalty("sex")))
	}
	if ex.Nationality != "" && ex.Nationality != names.NotCompared {
		out = append(out, strings.TrimSpace(c.text.T("persons.nationality."+ex.Nationality)+" "+penalty("nationality")))
	}
	return out
}

// reordered reports whether the paired name parts stand in another order
// in the matched name than in the query (family name first, say).
func nameReordered(query string, ex names.Explanation) bool {
	q, n := strings.ToLower(query), strings.ToLower(ex.Name)
	type pos struct{ q, c int }
	var ps []pos
	for _, p := range ex.Parts {
		if p.Query == "" || p.Candidate == "" || p.How == names.HowConflict {
			continue
		}
		qi, ci := strings.Index(q, strings.ToLower(p.Query)), strings.Index(n, strings.ToLower(p.Candidate))
		if qi >= 0 && ci >= 0 {
			ps = append(ps, pos{qi, ci})
		}
	}
	for i := range ps {
		for j := range ps {
			if ps[i].q < ps[j].q && ps[i].c > ps[j].c {
				return true
			}
		}
	}
	return false
}

// keepOnForm keeps a field error on one of the fields a form shows
// ("recipients[2]" on "recipients"), or makes it a message of the whole
// form when the form has no such field, so that it is always seen.
func keepOnForm(err error, fields ...string) error {
	var e *lookout.Error
	if !errors.As(err, &e) || e.Field == "" || slices.Contains(fields, e.Field) {
		return err
	}
	cp := *e
	if i := strings.IndexAny(e.Field, "[."); i > 0 && slices.Contains(fields, e.Field[:i]) {
		cp.Field = e.Field[:i]
	} else {
		cp.Field = ""
	}
	return &cp
}

// personsPathID reads the {id} of a page's path.
func personsPathID(r *http.Request, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, lookout.Errorf(lookout.ENOTFOUND, "no %s %q", what, r.PathValue("id"))
	}
	return id, nil
}

// personData is a person's page; the owner may ask for a notice or send a
// diffusion on the person from it.
type personData struct {
	Person     *lookout.Person
	Notices    []*lookout.Notice
	More       bool
	CanRequest bool
	Request    noticeRequest
	Types      []string
}

// noticeRequest is the form of a notice or diffusion as typed.
type noticeRequest struct {
	Kind, Type, Summary, Offence, Purpose, PenaltyYears, SentenceMonthsLeft string
	ArrestWarrant, WarrantIssuedBy, Recipients, ExpiresOn                   string
}

// personNotices bounds the notices listed on a person's page.
const personNotices = 50

func (c *Console) loadPerson(r *http.Request) (*personData, error) {
	id, err := personsPathID(r, "person")
	if err != nil {
		return nil, err
	}
	p, err := c.hub.Person(r.Context(), id)
	if err != nil {
		return nil, err
	}
	data := &personData{Person: p, Types: lookout.NoticeTypes, Request: noticeRequest{Kind: lookout.KindNotice, Type: "red"}}
	// The hub filters what the caller may see of the notices.
	if ns, next, err := c.hub.Notices(r.Context(), lookout.NoticeFilter{PersonID: id, Limit: personNotices}); err == nil {
		data.Notices, data.More = ns, next != 0
	} else if lookout.ErrorCode(err) != lookout.EFORBIDDEN {
		return nil, err
	}
	caller := lookout.CallerFrom(r.Context())
	data.CanRequest = caller.Country() == p.OwnerCountry && caller.Has(lookout.GrantNoticesRequest)
	return data, nil
}

func (c *Console) personPage(w http.ResponseWriter, r *http.Request) error {
	data, err := c.loadPerson(r)
	if err != nil {
		return err
	}
	c.render(w, r, http.StatusOK, "person", data, nil)
	return nil
}

// requestNotice asks the secretariat for a notice on the person, or sends
// a diffusion straight to the countries named.
func (c *Console) requestNotice(w http.ResponseWriter, r *http.Request) error {
	data, err := c.loadPerson(r)
	if err != nil {
		return err
	}
	f := noticeRequest{
		Kind: r.PostFormValue("kind"), Type: r.PostFormValue("type"), Summary: strings.TrimSpace(r.PostFormValue("summary")),
		Offence: strings.TrimSpace(r.PostFormValue("offence")), Purpose: r.PostFormValue("purpose"),
		PenaltyYears: strings.TrimSpace(r.PostFormValue("penalty_years")), SentenceMonthsLeft: strings.TrimSpace(r.PostFormValue("sentence_months_left")),
		ArrestWarrant: strings.TrimSpace(r.PostFormValue("arrest_warrant")), WarrantIssuedBy: strings.TrimSpace(r.PostFormValue("warrant_issued_by")),
		Recipients: strings.TrimSpace(r.PostFormValue("recipients")), ExpiresOn: strings.TrimSpace(r.PostFormValue("expires_on")),
	}
	data.Request = f
	n, err := c.noticeOf(data.Person.ID, f)
	if err == nil {
		if f.Kind == lookout.KindDiffusion {
			n, err = c.hub.IssueDiffusion(r.Context(), n)
		} else {
			n, err = c.hub.RequestNotice(r.Context(), n)
		}
	}
	if err != nil {
		if code := lookout.ErrorCode(err); code == lookout.EINVALID {
			c.render(w, r, statusOf(err), "person", data, keepOnForm(err, "kind", "type", "summary", "offence", "purpose", "penalty_years",
				"sentence_months_left", "arrest_warrant", "warrant_issued_by", "recipients", "expires_on"))
			return nil
		}
		return err
	}
	redirect(w, r, fmt.Sprintf("/notices/%d", n.ID), "notice_"+n.Status)
	return nil
}

// noticeOf reads the typed numbers and countries of a notice request;
// the hub checks the rest.
func (c *Console) noticeOf(personID int64, f noticeRequest) (*lookout.Notice, error) {
	n := &lookout.Notice{PersonID: personID, Type: f.Type, Summary: f.Summary, Offence: f.Offence, Purpose: f.Purpose,
		ArrestWarrant: f.ArrestWarrant, WarrantIssuedBy: f.WarrantIssuedBy, ExpiresOn: f.ExpiresOn}
	if f.Kind != lookout.KindNotice && f.Kind != lookout.KindDiffusion {
		return nil, lookout.FieldErrorf("kind", "%s", c.text.T("notices.error.kind"))
	}
	if f.PenaltyYears != "" {
		v, err := strconv.ParseFloat(strings.Replace(f.PenaltyYears, ",", ".", 1), 64)
		if err != nil {
			return nil, lookout.FieldErrorf("penalty_years", "%s", c.text.T("notices.error.number", f.PenaltyYears))
		}
		n.PenaltyYears = v
	}
	if f.SentenceMonthsLeft != "" {
		v, err := strconv.Atoi(f.SentenceMonthsLeft)
		if err != nil {
			return nil, lookout.FieldErrorf("sentence_months_left", "%s", c.text.T("notices.error.whole_number", f.SentenceMonthsLeft))
		}
		n.SentenceMonthsLeft = v
	}
	if f.Kind == lookout.KindDiffusion {
		n.Recipients = strings.FieldsFunc(strings.ToUpper(f.Recipients), func(r rune) bool { return r == ',' || r == ' ' || r == ';' || r == '\n' || r == '\r' || r == '\t' })
	} else if f.Recipients != "" {
		return nil, lookout.FieldErrorf("recipients", "%s", c.text.T("notices.error.recipients"))
	}
	return n, nil
}

// noticesData is the list of notices.
type noticesData struct {
	Type, Status, Kind string
	Types              []string
	Statuses           []string
	Notices            []*lookout.Notice
	Next               string
	Secretariat        bool
}

// noticesPageSize is the notices shown per page.
const noticesPageSize = 50

var noticeStatuses = []string{lookout.NoticeRequested, lookout.NoticePublished, lookout.NoticeRefused, lookout.NoticeActive, lookout.NoticeCancelled}

func (c *Console) noticesPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	data := noticesData{Type: q.Get("type"), Status: q.Get("status"), Kind: q.Get("kind"), Types: lookout.NoticeTypes, Statuses: noticeStatuses}
	if caller := lookout.CallerFrom(r.Context()); caller != nil {
		data.Secretariat = caller.Agency.Kind == lookout.KindSecretariat
	}
	var after int64
	if s := q.Get("after"); s != "" {
		var err error
		if after, err = strconv.ParseInt(s, 10, 64); err != nil || after < 0 {
			err := lookout.FieldErrorf("after", "%s", c.text.T("notices.error.cursor"))
			c.render(w, r, statusOf(err), "notices", data, err)
			return nil
		}
	}
	list, next, err := c.hub.Notices(r.Context(), lookout.NoticeFilter{Type: data.Type, Status: data.Status, Kind: data.Kind, After: after, Limit: noticesPageSize})
	if err != nil {
		if lookout.ErrorCode(err) == lookout.EINVALID {
			c.render(w, r, statusOf(err), "notices", data, err)
			return nil
		}
		return err
	}
	data.Notices = list
	if next != 0 {
		v := url.Values{}
		for k, s := range map[string]string{"type": data.Type, "status": data.Status, "kind": data.Kind} {
			if s != "" {
				v.Set(k, s)
			}
		}
		v.Set("after", strconv.FormatInt(next, 10))
		data.Next = "/notices?" + v.Encode()
	}
	c.render(w, r, http.StatusOK, "notices", data, nil)
	return nil
}

// noticeData is one notice's page with the forms the caller may use.
type noticeData struct {
	Notice *lookout.Notice
	Person *lookout.Person
	// CanReview: the secretariat on a requested notice; Checks are the
	// checklist items its reviewer ticks, Ticked those ticked in a failed
	// attempt.
	CanReview bool
	Checks    []string
	Ticked    []string
	Decision  string
	Reasons   string
	// CanCancel: the owner, while the notice is in force or requested.
	CanCancel    bool
	CancelReason string
	// Messages are the newest messages linked to the notice that the
	// caller's agency sent or received, at most MaxMessages.
	Messages    []*lookout.Message
	MaxMessages int
}

// reviewerChecks are the checklist items the secretariat ticks: every
// notice needs the first three, a red notice the last two as well.
func noticeReviewChecks(noticeType string) []string {
	checks := []string{hub.CheckNeutrality, hub.CheckHumanRights, hub.CheckDataQuality}
	if noticeType == "red" {
		checks = append(checks, hub.CheckSeriousness, hub.CheckJudicialData)
	}
	return checks
}

func (c *Console) loadNotice(r *http.Request) (*noticeData, error) {
	id, err := personsPathID(r, "notice")
	if err != nil {
		return nil, err
	}
	n, err := c.hub.Notice(r.Context(), id)
	if err != nil {
		return nil, err
	}
	data := &noticeData{Notice: n, Checks: noticeReviewChecks(n.Type)}
	// The person may be hidden from the caller, or the caller may lack a
	// persons grant: the notice shows without it then.
	if p, err := c.hub.Person(r.Context(), n.PersonID); err == nil {
		data.Person = p
	}
	caller := lookout.CallerFrom(r.Context())
	data.CanReview = caller.Agency.Kind == lookout.KindSecretariat && n.Kind == lookout.KindNotice && n.Status == lookout.NoticeRequested
	data.CanCancel = caller.Country() == n.OwnerCountry && caller.Has(lookout.GrantNoticesRequest) &&
		slices.Contains([]string{lookout.NoticeRequested, lookout.NoticePublished, lookout.NoticeActive}, n.Status)
	data.MaxMessages = hub.MaxNoticeMessages
	if data.Messages, err = c.hub.NoticeMessages(r.Context(), n.ID); err != nil {
		return nil, err
	}
	return data, nil
}

func (c *Console) noticePage(w http.ResponseWriter, r *http.Request) error {
	data, err := c.loadNotice(r)
	if err != nil {
		return err
	}
	c.render(w, r, http.StatusOK, "notice", data, nil)
	return nil
}

func (c *Console) reviewNotice(w http.ResponseWriter, r *http.Request) error {
	data, err := c.loadNotice(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return lookout.Errorf(lookout.EINVALID, "%v", err)
	}
	req := lookout.ReviewRequest{Decision: r.PostForm.Get("decision"), Reasons: strings.TrimSpace(r.PostForm.Get("reasons")), Checklist: map[string]bool{}}
	for _, k := range r.PostForm["checklist"] {
		req.Checklist[k] = true
	}
	data.Decision, data.Reasons, data.Ticked = req.Decision, req.Reasons, r.PostForm["checklist"]
	n, err := c.hub.ReviewNotice(r.Context(), data.Notice.ID, req)
	if err != nil {
		if code := lookout.ErrorCode(err); code == lookout.EINVALID || code == lookout.ECONFLICT {
			fields := []string{"decision", "reasons", "checklist." + hub.CheckPenalty, "checklist." + hub.CheckIdentifiers}
			for _, k := range data.Checks {
				fields = append(fields, "checklist."+k)
			}
			c.render(w, r, statusOf(err), "notice", data, keepOnForm(err, fields...))
			return nil
		}
		return err
	}
	redirect(w, r, fmt.Sprintf("/notices/%d", n.ID), "notice_"+n.Status)
	return nil
}

func (c *Console) cancelNotice(w http.ResponseWriter, r *http.Request) error {
	data, err := c.loadNotice(r)
	if err != nil {
		return err
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	data.CancelReason = reason
	n, err := c.hub.CancelNotice(r.Context(), data.Notice.ID, reason)
	if err != nil {
		if code := lookout.ErrorCode(err); code == lookout.EINVALID || code == lookout.ECONFLICT {
			c.render(w, r, statusOf(err), "notice", data, keepOnForm(err, "reason"))
			return nil
		}
		return err
	}
	redirect(w, r, fmt.Sprintf("/notices/%d", n.ID), "notice_cancelled")
	return nil
}

// personForm is a new person as typed: lists one item a line or separated
// by commas, one identity document.
type personForm struct {
	Reference, Name, NameLatin, Aliases, DateOfBirth, Sex, Nationalities, PlaceOfBirth string
	DocNumber, DocCountry, DocType, Marks, Allow, Deny                                 string
}

// personNewData is the form of a new person.
type personNewData struct {
	Form     personForm
	Sexes    []string
	DocTypes []string
}

func (c *Console) personNew(w http.ResponseWriter, r *http.Request) error {
	c.render(w, r, http.StatusOK, "person_new", personNewData{Form: personForm{Sex: "U"}, Sexes: lookout.Sexes, DocTypes: lookout.DocumentTypes}, nil)
	return nil
}

// splitList splits a typed list at new lines, or at commas and
// semicolons too when commas may not be part of an item.
func splitList(s string, commas bool) []string {
	var out []string
	for _, item := range strings.FieldsFunc(s, func(r rune) bool {
		return r == '\n' || r == '\r' || commas && (r == ',' || r == ';' || r == ' ' || r == '\t')
	}) {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func (c *Console) personCreate(w http.ResponseWriter, r *http.Request) error {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := personForm{Reference: v("reference"), Name: v("name"), NameLatin: v("name_latin"), Aliases: r.PostFormValue("aliases"),
		DateOfBirth: v("date_of_birth"), Sex: v("sex"), Nationalities: strings.ToUpper(v("nationalities")), PlaceOfBirth: v("place_of_birth"),
		DocNumber: strings.ToUpper(v("doc_number")), DocCountry: strings.ToUpper(v("doc_country")), DocType: v("doc_type"), Marks: v("distinguishing_marks"),
		Allow: strings.ToUpper(v("allow")), Deny: strings.ToUpper(v("deny"))}
	p := &lookout.Person{Reference: f.Reference, Name: f.Name, NameLatin: f.NameLatin, Aliases: splitList(f.Aliases, false), DateOfBirth: f.DateOfBirth,
		Sex: f.Sex, Nationalities: splitList(f.Nationalities, true), PlaceOfBirth: f.PlaceOfBirth, DistinguishingMarks: f.Marks}
	if f.DocNumber != "" || f.DocCountry != "" {
		p.IdentityDocuments = []lookout.IdentityDocument{{Number: f.DocNumber, IssuingCountry: f.DocCountry, Type: f.DocType}}
	}
	if f.Allow != "" || f.Deny != "" {
		p.Restriction = &lookout.Restriction{Allow: splitList(f.Allow, true), Deny: splitList(f.Deny, true)}
	}
	p, err := c.hub.CreatePerson(r.Context(), p)
	if err != nil {
		if code := lookout.ErrorCode(err); code == lookout.EINVALID || code == lookout.ECONFLICT {
			if code == lookout.ECONFLICT {
				err = &lookout.Error{Code: code, Field: "reference", Message: lookout.ErrorMessage(err)}
			}
			data := personNewData{Form: f, Sexes: lookout.Sexes, DocTypes: lookout.DocumentTypes}
			c.render(w, r, statusOf(err), "person_new", data, keepOnForm(err, "reference", "name", "name_latin", "aliases", "date_of_birth", "sex",
				"nationalities", "place_of_birth", "identity_documents", "distinguishing_marks", "restriction"))
			return nil
		}
		return err
	}
	redirect(w, r, fmt.Sprintf("/persons/%d", p.ID), "person_created")
	return nil
}
