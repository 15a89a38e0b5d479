package console

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lookout-network/lookout"
)

// routesHits registers the dashboard, the hits inbox and the case view.
func (c *Console) routesHits() {
	c.handle("GET /{$}", "", c.dashboard)
	c.handle("GET /hits", lookout.GrantHitsFollow, c.hitsInbox)
	c.handle("GET /hits/{id}", lookout.GrantHitsFollow, c.hitCase)
	c.handle("POST /hits/{id}/actions", lookout.GrantHitsFollow, c.hitAction)
	c.handle("POST /hits/{id}/messages", lookout.GrantHitsFollow, c.hitMessage)
}

// hitsPage is how many hits the inbox shows at a time.
const hitsPage = 50

// countCap bounds each query behind a dashboard figure: past it the figure
// shows as "at least".
const dashCountCap = 1000

// Inbox views: whose turn it is on a case, or overdue.
const (
	hitsViewAwaitingUs   = "awaiting_us"
	hitsViewAwaitingThem = "awaiting_them"
	hitsViewOverdue      = "overdue"
)

// hitStatuses are the statuses of a case, in the order of its life.
var hitStatuses = []string{lookout.HitOpen, lookout.HitAcknowledged, lookout.HitConfirmed, lookout.HitNotConfirmed, lookout.HitClosed}

// hitDatabases are the databases a hit may come from.
var hitDatabases = []string{lookout.DatabaseDocuments, lookout.DatabasePersons, lookout.DatabaseDNA, lookout.DatabaseFingerprints}

// label returns the catalogue's string for prefix+v, or v itself when the
// catalogue has none (a value newer than the strings).
func (c *Console) hitLabel(prefix, v string) string {
	if s, ok := c.text[prefix+v]; ok {
		return s
	}
	return v
}

// turn says whose move a case awaits: "us" (the caller's country), "them"
// (the other side), or "" when it is closed. Both sides are "us" when a
// country hit its own record; for someone party to neither side (the
// secretariat) every open case awaits "them".
func hitTurn(country string, h *lookout.Hit) string {
	searching, owner := country == h.SearchingCountry, country == h.OwnerCountry
	switch h.Status {
	case lookout.HitClosed:
		return ""
	case lookout.HitOpen, lookout.HitConfirmed, lookout.HitNotConfirmed:
		if searching {
			return "us"
		}
	case lookout.HitAcknowledged:
		if owner {
			return "us"
		}
	}
	return "them"
}

// overdue reports whether the owner's answer is late; the hub's watcher
// flags such hits within seconds, the page is right at once.
func hitOverdue(h *lookout.Hit, now time.Time) bool {
	waiting := h.Status == lookout.HitOpen || h.Status == lookout.HitAcknowledged
	return waiting && (h.Overdue || !h.Deadline.IsZero() && now.After(h.Deadline))
}

// allowedActions mirrors the hub's rules (hub.ActOnHit): the searching
// side acknowledges an open hit, the owner confirms or rejects an
// acknowledged one, the searching side closes it once answered.
func hitActions(country string, h *lookout.Hit) []string {
	searching, owner := country == h.SearchingCountry, country == h.OwnerCountry
	var out []string
	if searching && h.Status == lookout.HitOpen {
		out = append(out, lookout.ActionAcknowledge)
	}
	if owner && h.Status == lookout.HitAcknowledged {
		out = append(out, lookout.ActionConfirm, lookout.ActionReject)
	}
	if searching && (h.Status == lookout.HitConfirmed || h.Status == lookout.HitNotConfirmed) {
		out = append(out, lookout.ActionClose)
	}
	return out
}

// hitRow is a hit with what a person reads of it.
type hitRow struct {
	*lookout.Hit
	Status, StatusClass string
	DatabaseLabel       string
	MatchLabel          string
	Overdue             bool
	Turn, TurnLabel     string
}

func (c *Console) hitRowOf(country string, h *lookout.Hit, now time.Time) hitRow {
	class := map[string]string{lookout.HitOpen: "open", lookout.HitAcknowledged: "open", lookout.HitConfirmed: "confirmed", lookout.HitNotConfirmed: "muted", lookout.HitClosed: "closed"}[h.Status]
	r := hitRow{Hit: h, Status: c.hitLabel("hits.status.", h.Status), StatusClass: cmp.Or(class, "muted"),
		DatabaseLabel: c.hitLabel("hits.database.", h.Database), MatchLabel: c.hitLabel("hits.match.", h.Match),
		Overdue: hitOverdue(h, now), Turn: hitTurn(country, h)}
	if r.Turn != "" {
		r.TurnLabel = c.text.T("hits.turn." + r.Turn)
	}
	return r
}

// option is one choice of a select.
type hitOption struct{ Value, Label string }

// count is a dashboard figure; More when it reached the bound of its query.
type dashCount struct {
	N    int
	More bool
}

func (n *dashCount) add(more bool) {
	n.N++
	n.More = n.More || more
}

// hitCounts are the dashboard's case figures.
type dashHitCounts struct {
	AwaitingUs, Overdue, AwaitingThem dashCount
}

// statsDay is one day of the dashboard's charts.
type dashDay struct {
	Day          string
	Checks, Hits int64
}

// dashboardStats is the last 30 days, for the charts and their table.
type dashStats struct {
	Days         []dashDay
	Checks, Hits int64
	Chart        map[string]any
	From, To     string
	Country      string
	WholeNetwork bool
}

// dashShortcut is a way to a screen the person may open.
type dashShortcut struct{ Path, Label, About string }

// dashData is the dashboard's: Hits without hits:follow and Stats without
// stats:read are nil, and their sections are not shown.
type dashData struct {
	Hits      *dashHitCounts
	Unread    dashCount
	Stats     *dashStats
	Shortcuts []dashShortcut
}

// dashboard is the first page after sign-in: what awaits the person, the
// last 30 days, and the way to every screen the person's grants open.
func (c *Console) dashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	caller := lookout.CallerFrom(ctx)
	d := &dashData{}
	if caller.Has(lookout.GrantHitsFollow) {
		counts, err := c.dashHitCounts(ctx, caller)
		if err != nil {
			return err
		}
		d.Hits = counts
	}
	n, more, err := c.hub.InboxUnread(ctx)
	if err != nil {
		return err
	}
	d.Unread = dashCount{N: n, More: more}
	if caller.Has(lookout.GrantStatsRead) {
		if d.Stats, err = c.dashStats(ctx, caller); err != nil {
			return err
		}
	}
	for _, m := range menu {
		if m.path == "/" || m.grant != "" && !caller.Has(m.grant) {
			continue
		}
		d.Shortcuts = append(d.Shortcuts, dashShortcut{Path: m.path, Label: c.text.T(m.key), About: c.text["dashboard.about."+strings.TrimPrefix(m.path, "/")]})
	}
	c.render(w, r, http.StatusOK, "dashboard", d, nil)
	return nil
}

// dashHitCounts counts the cases still open by whose turn it is, and the
// overdue ones, with one bounded query per open status.
func (c *Console) dashHitCounts(ctx context.Context, caller *lookout.Caller) (*dashHitCounts, error) {
	now := c.opts.Now()
	out := &dashHitCounts{}
	for _, status := range hitStatuses[:4] {
		list, _, err := c.hub.Hits(ctx, lookout.HitFilter{Status: status, Limit: dashCountCap})
		if err != nil {
			return nil, err
		}
		full := len(list) == dashCountCap
		for _, h := range list {
			if hitTurn(caller.Country(), h) == "us" {
				out.AwaitingUs.add(full)
			} else {
				out.AwaitingThem.add(full)
			}
			if hitOverdue(h, now) {
				out.Overdue.add(full)
			}
		}
	}
	return out, nil
}

// dashStats reads the checks and hits of the last 30 days, one row a
// day, the days without any included.
func (c *Console) dashStats(ctx context.Context, caller *lookout.Caller) (*dashStats, error) {
	today := c.opts.Now().UTC()
	from := today.AddDate(0, 0, -29)
	rep, err := c.hub.StatsReport(ctx, lookout.StatsQuery{From: from.Format(lookout.DateLayout), To: today.Format(lookout.DateLayout), By: []string{"day"}})
	if err != nil {
		return nil, err
	}
	byDay := map[string]lookout.StatsCount{}
	for _, row := range rep.Rows {
		byDay[row.Day] = row
	}
	s := &dashStats{From: rep.From, To: rep.To, Checks: rep.Total.Checks, Hits: rep.Total.Hits,
		Country: caller.Country(), WholeNetwork: caller.Agency.Kind == lookout.KindSecretariat}
	var days []string
	var checks, hits []int64
	for d := from; !d.After(today); d = d.AddDate(0, 0, 1) {
		day := d.Format(lookout.DateLayout)
		row := byDay[day]
		s.Days = append(s.Days, dashDay{Day: day, Checks: row.Checks, Hits: row.Hits})
		days, checks, hits = append(days, day), append(checks, row.Checks), append(hits, row.Hits)
	}
	s.Chart = map[string]any{"days": days, "checks": checks, "hits": hits,
		"labels": map[string]string{"checks": c.text.T("dashboard.stats.checks"), "hits": c.text.T("dashboard.stats.hits"), "day": c.text.T("dashboard.stats.day")}}
	return s, nil
}

// hitsInboxData is the inbox's: the filters as given, their choices, and
// a page of hits.
type hitsInboxData struct {
	View, Status, Database     string
	Views, Statuses, Databases []hitOption
	Rows                       []hitRow
	// Next is the address of the next page, empty on the last; Paged
	// says this is not the first page.
	Next  string
	Paged bool
}

func (c *Console) hitsInboxOptions(d *hitsInboxData) {
	d.Views = []hitOption{{"", c.text.T("hits.view.all")}}
	for _, v := range []string{hitsViewAwaitingUs, hitsViewAwaitingThem, hitsViewOverdue} {
		d.Views = append(d.Views, hitOption{v, c.text.T("hits.view." + v)})
	}
	d.Statuses = []hitOption{{"", c.text.T("hits.any")}}
	for _, s := range hitStatuses {
		d.Statuses = append(d.Statuses, hitOption{s, c.hitLabel("hits.status.", s)})
	}
	d.Databases = []hitOption{{"", c.text.T("hits.any")}}
	for _, db := range hitDatabases {
		d.Databases = append(d.Databases, hitOption{db, c.hitLabel("hits.database.", db)})
	}
}

// hitsInbox lists the cases of the person's country, oldest first as the
// hub gives them (a queue to work through), filtered by whose turn it is,
// status and database, a page at a time.
func (c *Console) hitsInbox(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d := &hitsInboxData{View: q.Get("view"), Status: q.Get("status"), Database: q.Get("database")}
	c.hitsInboxOptions(d)
	var after int64
	err := func() error {
		if d.View != "" && !slices.ContainsFunc(d.Views, func(o hitOption) bool { return o.Value == d.View }) {
			return lookout.FieldErrorf("view", "%s", c.text.T("hits.error.view", d.View))
		}
		if d.Status != "" && !slices.Contains(hitStatuses, d.Status) {
			return lookout.FieldErrorf("status", "%s", c.text.T("hits.error.status", d.Status))
		}
		if d.Database != "" && !slices.Contains(hitDatabases, d.Database) {
			return lookout.FieldErrorf("database", "%s", c.text.T("hits.error.database", d.Database))
		}
		if v := q.Get("cursor"); v != "" {
			var err error
			if after, err = strconv.ParseInt(v, 10, 64); err != nil || after < 0 {
				return lookout.FieldErrorf("cursor", "%s", c.text.T("hits.error.cursor", v))
			}
			d.Paged = true
		}
		return nil
	}()
	if err != nil {
		c.render(w, r, statusOf(err), "hits", d, err)
		return nil
	}
	caller := lookout.CallerFrom(r.Context())
	list, next, err := c.hitsList(r.Context(), caller.Country(), d.View, d.Status, d.Database, after)
	if err != nil {
		return err
	}
	now := c.opts.Now()
	for _, h := range list {
		d.Rows = append(d.Rows, c.hitRowOf(caller.Country(), h, now))
	}
	if next > 0 {
		v := url.Values{}
		for k, s := range map[string]string{"view": d.View, "status": d.Status, "database": d.Database} {
			if s != "" {
				v.Set(k, s)
			}
		}
		v.Set("cursor", strconv.FormatInt(next, 10))
		d.Next = "/hits?" + v.Encode()
	}
	c.render(w, r, http.StatusOK, "hits", d, nil)
	return nil
}

// listHits returns a page of the hits a view selects, in ID order, and
// the cursor of the next page (0 on the last). A view spans several
// statuses: one query per status, merged, and cut where the first full
// list ends, so that no hit is skipped between pages.
func (c *Console) hitsList(ctx context.Context, country, view, status, database string, after int64) ([]*lookout.Hit, int64, error) {
	statuses := []string{status}
	switch view {
	case hitsViewAwaitingUs, hitsViewAwaitingThem:
		statuses = hitStatuses[:4]
	case hitsViewOverdue:
		statuses = hitStatuses[:2]
	}
	if view != "" && status != "" {
		if !slices.Contains(statuses, status) {
			return nil, 0, nil
		}
		statuses = []string{status}
	}
	var merged []*lookout.Hit
	var bound int64 // the last ID all lists are known up to; 0: all complete
	for _, s := range statuses {
		list, next, err := c.hub.Hits(ctx, lookout.HitFilter{Status: s, Database: database, After: after, Limit: hitsPage})
		if err != nil {
			return nil, 0, err
		}
		if next > 0 && (bound == 0 || next < bound) {
			bound = next
		}
		merged = append(merged, list...)
	}
	slices.SortFunc(merged, func(a, b *lookout.Hit) int { return cmp.Compare(a.ID, b.ID) })
	now := c.opts.Now()
	var out []*lookout.Hit
	for _, h := range merged {
		if bound > 0 && h.ID > bound {
			break
		}
		keep := true
		switch view {
		case hitsViewAwaitingUs:
			keep = hitTurn(country, h) == "us"
		case hitsViewAwaitingThem:
			keep = hitTurn(country, h) == "them"
		case hitsViewOverdue:
			keep = hitOverdue(h, now)
		}
		if !keep {
			continue
		}
		if len(out) == hitsPage {
			return out, out[len(out)-1].ID, nil
		}
		out = append(out, h)
	}
	return out, bound, nil
}

// timelineItem is one line of a case's history.
type hitTimelineItem struct {
	Time              time.Time
	Who               string
	What              string
	FromStatus, To    string
	Note, Outcome     string
	Opened, Automatic bool
}

// caseMessage is a message on the case as the person sees it.
type hitCaseMessage struct {
	*lookout.Message
	Mine     bool
	Priority string
	// New marks a message received and unread until this page showed it.
	New bool
}

// actionForm is what was posted to act on a case, shown again on error.
type hitActionForm struct {
	Action, Note, Outcome string
}

// messageForm is what was posted to write on a case.
type hitMessageForm struct {
	Subject, Body, Priority string
}

// hitCaseData is the case view's.
type hitCaseData struct {
	Hit       hitRow
	Case      *lookout.HitCase
	Searching bool
	Owner     bool
	// Record is the matched travel document when the person may see it.
	Record                   *lookout.Document
	RecordType, RecordStatus string
	// Acknowledged and Decided say how long each step took.
	Acknowledged, Decided string
	Timeline              []hitTimelineItem
	Actions               []string
	Outcomes              []hitOption
	// Posted names the form whose fields the errors are about: an action
	// or "message".
	Posted     string
	Act        hitActionForm
	Messages   []hitCaseMessage
	Recipient  *lookout.Agency
	Write      hitMessageForm
	Priorities []hitOption
}

// hitID reads the case number of the path; a malformed one is no case.
func (c *Console) hitID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, lookout.Errorf(lookout.ENOTFOUND, "%s", c.text.T("hits.error.no_case", r.PathValue("id")))
	}
	return id, nil
}

func (c *Console) hitCase(w http.ResponseWriter, r *http.Request) error {
	id, err := c.hitID(r)
	if err != nil {
		return err
	}
	return c.hitShowCase(w, r, id, "", hitActionForm{}, hitMessageForm{}, nil)
}

// showCase renders the case, after a failed form with its values and
// the error (posted names the form).
func (c *Console) hitShowCase(w http.ResponseWriter, r *http.Request, id int64, posted string, act hitActionForm, msg hitMessageForm, formErr error) error {
	ctx := r.Context()
	caller := lookout.CallerFrom(ctx)
	hc, err := c.hub.HitCase(ctx, id)
	if err != nil {
		return err
	}
	now := c.opts.Now()
	country := caller.Country()
	d := &hitCaseData{Hit: c.hitRowOf(country, hc.Hit, now), Case: hc, Searching: country == hc.SearchingCountry, Owner: country == hc.OwnerCountry,
		Actions: hitActions(country, hc.Hit), Posted: posted, Act: act, Write: msg}
	if hc.Database == lookout.DatabaseDocuments && (caller.Has(lookout.GrantDocumentsCheck) || caller.Has(lookout.GrantDocumentsWrite)) {
		// The record as it is now; gone or restricted since, the hit's
		// summary says what matched.
		if doc, err := c.hub.Document(ctx, hc.RecordID); err == nil {
			d.Record = doc
			d.RecordType, d.RecordStatus = c.hitLabel("hits.doctype.", doc.Type), c.hitLabel("hits.docstatus.", doc.Status)
		}
	}
	if hc.AcknowledgedAt != nil {
		d.Acknowledged = c.hitDuration(hc.AcknowledgedAt.Sub(hc.CreatedAt))
	}
	if hc.DecidedAt != nil {
		d.Decided = c.hitDuration(hc.DecidedAt.Sub(hc.CreatedAt))
	}
	d.Timeline = append(d.Timeline, hitTimelineItem{Time: hc.CreatedAt, Who: fmt.Sprintf("%s (%s)", hc.SearchingAgency, hc.SearchingCountry),
		What: c.text.T("hit.timeline.opened"), To: c.hitLabel("hits.status.", lookout.HitOpen), Opened: true})
	for _, e := range hc.Events {
		it := hitTimelineItem{Time: e.Time, What: c.hitLabel("hit.timeline.", e.Action), Note: e.Note}
		if e.Country == "" {
			it.Who, it.Automatic = c.text.T("hit.timeline.system"), true
		} else {
			it.Who = fmt.Sprintf("%s (%s)", e.AgencyID, e.Country)
		}
		if e.FromStatus != e.ToStatus {
			it.FromStatus, it.To = c.hitLabel("hits.status.", e.FromStatus), c.hitLabel("hits.status.", e.ToStatus)
		}
		if e.Outcome != "" {
			it.Outcome = c.hitLabel("hits.outcome.", e.Outcome)
		}
		d.Timeline = append(d.Timeline, it)
	}
	for _, o := range lookout.CaseOutcomes {
		d.Outcomes = append(d.Outcomes, hitOption{o, c.hitLabel("hits.outcome.", o)})
	}
	for _, p := range []string{lookout.PriorityRoutine, lookout.PriorityUrgent} {
		d.Priorities = append(d.Priorities, hitOption{p, c.text.T("hit.message.priority." + p)})
	}
	for _, m := range hc.Messages {
		cm := hitCaseMessage{Message: m, Mine: m.From == caller.Agency.ID, Priority: c.text.T("hit.message.priority." + cmp.Or(m.Priority, lookout.PriorityRoutine))}
		if !cm.Mine && m.ReadAt == nil && slices.Contains(m.To, caller.Agency.ID) {
			// Shown here is read: the sender gets its receipt, as when the
			// message is opened in the messages screen.
			cm.New = true
			if _, err := c.hub.Message(ctx, m.ID); err != nil {
				c.log.Warn("console: mark a message on a case read", "message", m.ID, "err", err)
			}
		}
		d.Messages = append(d.Messages, cm)
	}
	if caller.Has(lookout.GrantMessagesSend) {
		d.Recipient = c.hitRecipient(ctx, caller, hc.Hit)
	}
	if d.Write.Subject == "" {
		d.Write.Subject = c.hitDefaultSubject(hc.Hit)
	}
	status := http.StatusOK
	if formErr != nil {
		status = statusOf(formErr)
	}
	c.render(w, r, status, "hit", d, formErr)
	return nil
}

// caseRecipient is the NCB a message on the case goes to: the other
// side's, or the person's own when its country hit its own record and the
// person works elsewhere than at the NCB. Nil when there is nobody to
// write to.
func (c *Console) hitRecipient(ctx context.Context, caller *lookout.Caller, h *lookout.Hit) *lookout.Agency {
	country := caller.Country()
	var other string
	switch {
	case country == h.SearchingCountry && country == h.OwnerCountry:
		other = country
	case country == h.SearchingCountry:
		other = h.OwnerCountry
	case country == h.OwnerCountry:
		other = h.SearchingCountry
	default:
		return nil
	}
	a, err := c.hub.NCBOfCountry(ctx, other)
	if err != nil || a.ID == caller.Agency.ID {
		return nil
	}
	return a
}

func (c *Console) hitDefaultSubject(h *lookout.Hit) string {
	s := c.text.T("hit.message.default_subject", h.ID, h.Summary)
	if utf8.RuneCountInString(s) > 200 {
		s = string([]rune(s)[:199]) + "…"
	}
	return s
}

// duration says how long a step took, to the minute past an hour.
func (c *Console) hitDuration(d time.Duration) string {
	d = max(d, 0).Round(time.Second)
	switch {
	case d < time.Minute:
		return c.text.T("hit.duration.s", int(d/time.Second))
	case d < time.Hour:
		return c.text.T("hit.duration.ms", int(d/time.Minute), int(d%time.Minute/time.Second))
	case d < 48*time.Hour:
		return c.text.T("hit.duration.hm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return c.text.T("hit.duration.dh", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
}

// hitAction takes one step of a case through the hub, which decides
// whether the person's side may take it now.
func (c *Console) hitAction(w http.ResponseWriter, r *http.Request) error {
	id, err := c.hitID(r)
	if err != nil {
		return err
	}
	a := hitActionForm{Action: r.PostFormValue("action"), Note: r.PostFormValue("note"), Outcome: r.PostFormValue("outcome")}
	if _, err := c.hub.ActOnHit(r.Context(), id, lookout.CaseAction{Action: a.Action, Note: a.Note, Outcome: a.Outcome}); err != nil {
		return c.hitShowCase(w, r, id, a.Action, a, hitMessageForm{}, err)
	}
	redirect(w, r, fmt.Sprintf("/hits/%d", id), "hit_"+a.Action)
	return nil
}

// hitMessage sends a message on the case to the other side's NCB, in the
// thread of the case's last message.
func (c *Console) hitMessage(w http.ResponseWriter, r *http.Request) error {
	id, err := c.hitID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	caller := lookout.CallerFrom(ctx)
	f := hitMessageForm{Subject: r.PostFormValue("subject"), Body: r.PostFormValue("body"), Priority: r.PostFormValue("priority")}
	hc, err := c.hub.HitCase(ctx, id)
	if err != nil {
		return err
	}
	to := c.hitRecipient(ctx, caller, hc.Hit)
	if to == nil {
		return c.hitShowCase(w, r, id, "message", hitActionForm{}, f, lookout.Errorf(lookout.EFORBIDDEN, "%s", c.text.T("hit.message.nobody")))
	}
	m := &lookout.Message{To: []string{to.ID}, Subject: f.Subject, Body: f.Body, Priority: f.Priority, HitID: id}
	if n := len(hc.Messages); n > 0 {
		m.ReplyTo = hc.Messages[n-1].ID
	}
	if _, err := c.hub.SendMessage(ctx, m); err != nil {
		return c.hitShowCase(w, r, id, "message", hitActionForm{}, f, err)
	}
	redirect(w, r, fmt.Sprintf("/hits/%d", id), "hit_message")
	return nil
}
