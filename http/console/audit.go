package console

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/hub"
)

// routesAudit registers the audit trail and its verification.
func (c *Console) routesAudit() {
	c.handle("GET /audit", lookout.GrantAuditRead, c.auditPage)
	c.handle("POST /audit/verify", lookout.GrantAuditRead, c.auditVerify)
}

// auditPageSize is the number of entries a page shows.
const auditPageSize = 50

// auditForm is the filter as typed, shown back in the form.
type auditForm struct {
	Agency, Account, Action, Country, From, To string
}

// values returns the filter for links (paging keeps it).
func (f auditForm) values() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"agency": f.Agency, "account": f.Account, "action": f.Action, "country": f.Country, "from": f.From, "to": f.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// auditRow is an entry as the table shows it.
type auditRow struct {
	*lookout.AuditEntry
	When  string
	Badge string
}

// auditData is the audit trail page.
type auditData struct {
	Form        auditForm
	Secretariat bool
	Shown       bool
	Entries     []auditRow
	// Newer and Older page through the trail; Newest goes back to the top.
	Newer, Older, Newest string
	// CanVerify is false when the server cannot verify the chain.
	CanVerify bool
	Actions   []string
}

// auditActions are offered as the action filter is typed; any other
// action can be typed in full.
var auditActions = []string{
	"account.create", "account.reset", "account.sign_in", "account.sign_out", "account.update",
	"agency.create", "agency.token", "agency.update", "audit.verify",
	"dna.create", "dna.delete", "dna.search",
	"documents.check", "documents.create", "documents.delete", "documents.expire", "documents.update",
	"fingerprints.create", "fingerprints.decide", "fingerprints.delete", "fingerprints.search",
	"hits.overdue", "messages.read", "messages.send",
	"notices.request", "notices.review", "persons.create", "persons.delete", "persons.search", "persons.update",
	"review.run", "screenings.create",
}

// auditFilter reads the filter and the page of r; every fault names its
// field.
func (c *Console) auditFilter(r *http.Request) (auditForm, lookout.AuditFilter, int64, int64, error) {
	q := r.URL.Query()
	f := auditForm{
		Agency:  strings.TrimSpace(q.Get("agency")),
		Account: strings.ToLower(strings.TrimSpace(q.Get("account"))),
		Action:  strings.TrimSpace(q.Get("action")),
		Country: strings.ToUpper(strings.TrimSpace(q.Get("country"))),
		From:    strings.TrimSpace(q.Get("from")),
		To:      strings.TrimSpace(q.Get("to")),
	}
	if lookout.CallerFrom(r.Context()).Agency.Kind != lookout.KindSecretariat {
		// The hub shows an NCB its own country's entries whatever is asked.
		f.Country = ""
	}
	filter := lookout.AuditFilter{AgencyID: f.Agency, Account: f.Account, Action: f.Action, Country: f.Country}
	for _, v := range []struct{ field, value string }{{"agency", f.Agency}, {"account", f.Account}, {"action", f.Action}} {
		if len(v.value) > 200 {
			return f, filter, 0, 0, lookout.FieldErrorf(v.field, "%s", c.text.T("audit.error.long", c.text.T("audit."+v.field)))
		}
	}
	if f.Country != "" && !statsAlpha3(f.Country) && f.Country != "-" {
		return f, filter, 0, 0, lookout.FieldErrorf("country", "%s", c.text.T("audit.error.country", f.Country))
	}
	if f.From != "" {
		t, err := time.Parse(lookout.DateLayout, f.From)
		if err != nil {
			return f, filter, 0, 0, lookout.FieldErrorf("from", "%s", c.text.T("audit.error.date", c.text.T("audit.from"), f.From))
		}
		filter.From = t
	}
	if f.To != "" {
		t, err := time.Parse(lookout.DateLayout, f.To)
		if err != nil {
			return f, filter, 0, 0, lookout.FieldErrorf("to", "%s", c.text.T("audit.error.date", c.text.T("audit.to"), f.To))
		}
		// To is a whole day, included.
		filter.To = t.AddDate(0, 0, 1)
	}
	if !filter.From.IsZero() && !filter.To.IsZero() && !filter.From.Before(filter.To) {
		return f, filter, 0, 0, lookout.FieldErrorf("from", "%s", c.text.T("audit.error.order", f.From, f.To))
	}
	seq := func(name string) (int64, error) {
		s := q.Get(name)
		if s == "" {
			return 0, nil
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return 0, lookout.FieldErrorf(name, "%s", c.text.T("audit.error.seq", name, s))
		}
		return n, nil
	}
	before, err := seq("before")
	if err != nil {
		return f, filter, 0, 0, err
	}
	after, err := seq("after")
	if err != nil {
		return f, filter, 0, 0, err
	}
	return f, filter, before, after, nil
}

// auditPage lists the trail newest first, a page at a time: before=N
// shows the page of entries older than N, after=N the page newer than N.
func (c *Console) auditPage(w http.ResponseWriter, r *http.Request) error {
	caller := lookout.CallerFrom(r.Context())
	f, filter, before, after, err := c.auditFilter(r)
	d := &auditData{Form: f, Secretariat: caller.Agency.Kind == lookout.KindSecretariat, CanVerify: c.opts.VerifyAudit != nil, Actions: auditActions}
	if err != nil {
		c.render(w, r, statusOf(err), "audit", d, err)
		return nil
	}
	// One more than a page says whether there is a page beyond.
	filter.Limit = auditPageSize + 1
	if after > 0 {
		filter.AfterSeq = after
	} else {
		filter.Newest, filter.BeforeSeq = true, before
	}
	list, err := c.hub.AuditEntries(r.Context(), filter)
	if err != nil {
		return err
	}
	more := len(list) > auditPageSize
	list = list[:min(len(list), auditPageSize)]
	if after > 0 {
		slices.Reverse(list)
	}
	d.Shown = true
	for _, e := range list {
		d.Entries = append(d.Entries, auditRow{AuditEntry: e, When: e.Time.UTC().Format("2006-01-02 15:04:05 UTC"), Badge: auditBadge(e.Outcome)})
	}
	link := func(key string, seq int64) string {
		q := f.values()
		if key != "" {
			q.Set(key, strconv.FormatInt(seq, 10))
		}
		if s := q.Encode(); s != "" {
			return "/audit?" + s
		}
		return "/audit"
	}
	newer := after > 0 && more || after == 0 && before > 0
	older := after == 0 && more || after > 0
	if len(d.Entries) > 0 {
		if newer {
			d.Newer = link("after", d.Entries[0].Seq)
		}
		if older {
			d.Older = link("before", d.Entries[len(d.Entries)-1].Seq)
		}
	}
	if after > 0 || before > 0 {
		d.Newest = link("", 0)
	}
	c.render(w, r, http.StatusOK, "audit", d, nil)
	return nil
}

// auditBadge is the badge class of an outcome; the outcome's text is
// always shown too.
func auditBadge(outcome string) string {
	switch outcome {
	case "ok", "no_hit", "intact":
		return "ok"
	case "hit", "possible":
		return outcome
	case "failed", "forbidden", "refused", "denied", "broken", "error", "invalid":
		return "bad"
	}
	return "muted"
}

// auditVerifyData is the result of verifying the chain.
type auditVerifyData struct {
	Unavailable bool
	Report      AuditReport
	Took        string
	// BrokenSeq is the first broken entry when the verifier named it.
	BrokenSeq  int64
	BrokenLink string
}

// errAuditVerifyUnavailable is recorded when the server cannot verify.
var errAuditVerifyUnavailable = errors.New("the audit chain cannot be verified from this server's console")

// auditBrokenEntry finds the sequence number in a verifier's message.
var auditBrokenEntry = regexp.MustCompile(`audit entry (\d+)`)

// auditVerify checks the whole chain and shows what it found. The hub
// checks the grant and records the verification in the trail.
func (c *Console) auditVerify(w http.ResponseWriter, r *http.Request) error {
	d := &auditVerifyData{}
	verify := func(ctx context.Context) (hub.AuditVerification, error) {
		if c.opts.VerifyAudit == nil {
			return hub.AuditVerification{}, errAuditVerifyUnavailable
		}
		rep, err := c.opts.VerifyAudit(ctx)
		d.Report = rep
		return hub.AuditVerification{Entries: rep.Entries, HeadSeq: rep.HeadSeq, HeadHash: rep.HeadHash, Broken: rep.Broken}, err
	}
	_, err := c.hub.VerifyAuditChain(r.Context(), verify)
	if errors.Is(err, errAuditVerifyUnavailable) {
		d.Unavailable = true
		c.render(w, r, http.StatusOK, "audit_verify", d, nil)
		return nil
	}
	if err != nil {
		return err
	}
	d.Took = d.Report.Took.Round(time.Millisecond).String()
	if d.Report.Took < time.Millisecond {
		d.Took = d.Report.Took.Round(time.Microsecond).String()
	}
	if m := auditBrokenEntry.FindStringSubmatch(d.Report.Broken); m != nil {
		d.BrokenSeq, _ = strconv.ParseInt(m[1], 10, 64)
		d.BrokenLink = "/audit?before=" + strconv.FormatInt(d.BrokenSeq+1, 10)
	}
	c.render(w, r, http.StatusOK, "audit_verify", d, nil)
	return nil
}
