package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/lookout-network/lookout"
)

// Default confirmation deadlines: ten minutes while the traveller stands at
// the border (the check was urgent), a day otherwise.
const (
	DefaultUrgentDeadline  = 10 * time.Minute
	DefaultRoutineDeadline = 24 * time.Hour
)

// maxNoteLen bounds the note of a case action.
const maxNoteLen = 4000

// systemAgency names the hub itself in audit entries and case timelines
// of what it does on its own (deadlines, review).
const systemAgency = "lookout"

// followup is the hub's state for what happens after a hit: deadlines, the
// event broker, the message keys, webhook delivery, background loops.
type followup struct {
	deadlineMu               sync.RWMutex
	urgentDeadline, deadline time.Duration

	broker *broker
	keys   *messageKeys
	hooks  *webhooks

	bg           context.Context // ends when the hub closes
	stopFollowup func()
	loops        sync.WaitGroup
}

// initFollowup sets the defaults and starts the background loops: event
// fan-out, deadline watch, webhook delivery. Close stops them.
func (h *Hub) initFollowup() {
	h.urgentDeadline, h.deadline = DefaultUrgentDeadline, DefaultRoutineDeadline
	ctx, cancel := context.WithCancel(context.Background())
	h.bg = ctx
	h.broker = newBroker(h)
	h.hooks = newWebhooks(h)
	var once sync.Once
	h.stopFollowup = func() {
		once.Do(func() {
			cancel()
			h.loops.Wait()
		})
	}
	h.loops.Add(3)
	go func() { defer h.loops.Done(); h.broker.run(ctx) }()
	go func() { defer h.loops.Done(); h.hooks.run(ctx) }()
	go func() {
		defer h.loops.Done()
		t := time.NewTicker(10 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if _, err := h.CheckDeadlines(ctx); err != nil && ctx.Err() == nil {
					h.log.Error("check hit deadlines", "err", err)
				}
			}
		}
	}()
}

// SetDeadlines sets how long the owner has to confirm or reject a hit:
// urgent for checks made with the traveller present, routine otherwise.
// It applies to hits opened from then on.
func (h *Hub) SetDeadlines(urgent, routine time.Duration) {
	h.deadlineMu.Lock()
	h.urgentDeadline, h.deadline = urgent, routine
	h.deadlineMu.Unlock()
}

// stampDeadlines sets the confirmation deadline of every new hit of a
// group of searches, before the group commit stores them; it reports
// whether there were any, so that only hits wake the event broker.
func (h *Hub) stampDeadlines(searches []*lookout.Search) bool {
	h.deadlineMu.RLock()
	urgent, routine := h.urgentDeadline, h.deadline
	h.deadlineMu.RUnlock()
	now := h.now()
	any := false
	for _, s := range searches {
		for _, hit := range s.Hits {
			any = true
			if hit.Deadline.IsZero() {
				d := routine
				if hit.Urgent {
					d = urgent
				}
				hit.Deadline = now.Add(d)
			}
		}
	}
	return any
}

// side returns which sides of hit the caller's country is on.
func side(c *lookout.Caller, hit *lookout.Hit) (searching, owner bool) {
	return c.Country() == hit.SearchingCountry, c.Country() == hit.OwnerCountry
}

// HitCase returns a hit with its timeline and the messages on it that the
// caller may read.
func (h *Hub) HitCase(ctx context.Context, id int64) (*lookout.HitCase, error) {
	hit, err := h.Hit(ctx, id)
	if err != nil {
		return nil, err
	}
	return h.hitCase(ctx, hit)
}

func (h *Hub) hitCase(ctx context.Context, hit *lookout.Hit) (*lookout.HitCase, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if awaitingOwner(hit.Status) && !hit.Deadline.IsZero() && h.now().After(hit.Deadline) {
		// The watcher flags it within seconds; the answer is right at once.
		hit.Overdue = true
	}
	events, err := h.store.CaseEvents(ctx, hit.ID)
	if err != nil {
		return nil, err
	}
	msgs, err := h.messagesOnHit(ctx, c, hit.ID)
	if err != nil {
		return nil, err
	}
	return &lookout.HitCase{Hit: hit, Events: events, Messages: msgs}, nil
}

func awaitingOwner(status string) bool {
	return status == lookout.HitOpen || status == lookout.HitAcknowledged
}

// ActOnHit takes one step of a case. Input is checked first (400), then
// the side of the caller (403), then the order of the steps (409).
func (h *Hub) ActOnHit(ctx context.Context, id int64, a lookout.CaseAction) (*lookout.HitCase, error) {
	c, err := require(ctx, lookout.GrantHitsFollow)
	if err != nil {
		return nil, err
	}
	actions := []string{lookout.ActionAcknowledge, lookout.ActionConfirm, lookout.ActionReject, lookout.ActionClose}
	if !slices.Contains(actions, a.Action) {
		return nil, lookout.FieldErrorf("action", "action %q is not one of %s", a.Action, strings.Join(actions, ", "))
	}
	if a.Note = strings.TrimSpace(a.Note); a.Note == "" {
		return nil, lookout.FieldErrorf("note", "note is required: say what was done or seen")
	} else if !utf8.ValidString(a.Note) || utf8.RuneCountInString(a.Note) > maxNoteLen {
		return nil, lookout.FieldErrorf("note", "note must be valid text of at most %d characters", maxNoteLen)
	}
	switch {
	case a.Action == lookout.ActionClose && a.Outcome == "":
		return nil, lookout.FieldErrorf("outcome", "outcome is required to close a case: one of %s", strings.Join(lookout.CaseOutcomes, ", "))
	case a.Action == lookout.ActionClose && !slices.Contains(lookout.CaseOutcomes, a.Outcome):
		return nil, lookout.FieldErrorf("outcome", "outcome %q is not one of %s", a.Outcome, strings.Join(lookout.CaseOutcomes, ", "))
	case a.Action != lookout.ActionClose && a.Outcome != "":
		return nil, lookout.FieldErrorf("outcome", "outcome is given only with the action close")
	}
	hit, err := h.store.Hit(ctx, id)
	if isCode(err, lookout.ENOTFOUND) {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "hit %d not found", id)
	} else if err != nil {
		return nil, err
	}
	searching, owner := side(c, hit)
	if !searching && !owner {
		if c.Agency.Kind == lookout.KindSecretariat {
			return nil, lookout.Errorf(lookout.EFORBIDDEN, "the secretariat oversees hit %d but only its two countries act on it", id)
		}
		return nil, lookout.Errorf(lookout.ENOTFOUND, "hit %d not found", id)
	}
	var want []string
	var to string
	switch a.Action {
	case lookout.ActionAcknowledge:
		if !searching {
			return nil, lookout.Errorf(lookout.EFORBIDDEN, "only the searching side (%s) acknowledges hit %d; %s owns the record", hit.SearchingCountry, id, c.Country())
		}
		want, to = []string{lookout.HitOpen}, lookout.HitAcknowledged
	case lookout.ActionConfirm, lookout.ActionReject:
		if !owner {
			return nil, lookout.Errorf(lookout.EFORBIDDEN, "only the owner of the record (%s) confirms or rejects hit %d; %s searched", hit.OwnerCountry, id, c.Country())
		}
		want, to = []string{lookout.HitAcknowledged}, lookout.HitConfirmed
		if a.Action == lookout.ActionReject {
			to = lookout.HitNotConfirmed
		}
	case lookout.ActionClose:
		if !searching {
			return nil, lookout.Errorf(lookout.EFORBIDDEN, "only the searching side (%s) closes hit %d; %s owns the record", hit.SearchingCountry, id, c.Country())
		}
		want, to = []string{lookout.HitConfirmed, lookout.HitNotConfirmed}, lookout.HitClosed
	}
	if !slices.Contains(want, hit.Status) {
		return nil, lookout.Errorf(lookout.ECONFLICT, "hit %d is %s: %s", id, hit.Status, orderHint(a.Action, hit.Status))
	}
	from := hit.Status
	hit.Status = to
	if a.Action == lookout.ActionClose {
		hit.Outcome = a.Outcome
	}
	ev := &lookout.CaseEvent{AgencyID: c.Agency.ID, Country: c.Country(), Action: a.Action, FromStatus: from, ToStatus: to, Note: a.Note, Outcome: a.Outcome}
	data, _ := json.Marshal(map[string]any{"action": a.Action, "from_status": from, "status": to, "outcome": a.Outcome, "agency_id": c.Agency.ID, "country": c.Country()})
	audit := entry(c, "hits."+a.Action, hit.Database, strconv.FormatInt(id, 10))
	audit.Outcome, audit.Detail = "ok", fmt.Sprintf("%s -> %s", from, to)
	if a.Outcome != "" {
		audit.Detail += " outcome=" + a.Outcome
	}
	ch := &lookout.CaseChange{Hit: hit, From: from, Event: ev, Notify: partyEvents(hit, lookout.EventHitAction, data), Audit: audit}
	if err := h.store.ApplyCaseChange(ctx, ch); err != nil {
		return nil, err
	}
	h.wakeEvents()
	return h.hitCase(ctx, hit)
}

// orderHint says what must happen before an action refused for its order.
func orderHint(action, status string) string {
	switch {
	case status == lookout.HitClosed:
		return "the case is closed"
	case action == lookout.ActionAcknowledge:
		return "only an open hit is acknowledged"
	case status == lookout.HitOpen:
		return "the searching side acknowledges it first"
	case action == lookout.ActionClose:
		return "the owner confirms or rejects it before it is closed"
	default:
		return "the owner has answered already"
	}
}

// partyEvents returns one event for each country party to hit.
func partyEvents(hit *lookout.Hit, typ string, data json.RawMessage) []*lookout.Event {
	out := []*lookout.Event{{Type: typ, Country: hit.SearchingCountry, HitID: hit.ID, Database: hit.Database, RecordID: hit.RecordID, Data: data}}
	if hit.OwnerCountry != hit.SearchingCountry {
		out = append(out, &lookout.Event{Type: typ, Country: hit.OwnerCountry, HitID: hit.ID, Database: hit.Database, RecordID: hit.RecordID, Data: data})
	}
	return out
}

// CheckDeadlines flags the hits whose owner did not answer in time and
// tells both sides; it returns how many it flagged. The hub runs it every
// few seconds; tests call it directly.
func (h *Hub) CheckDeadlines(ctx context.Context) (int, error) {
	n := 0
	for {
		due, err := h.store.DueHits(ctx, h.now(), 100)
		if err != nil || len(due) == 0 {
			return n, err
		}
		for _, hit := range due {
			hit.Overdue = true
			data, _ := json.Marshal(map[string]any{"status": hit.Status, "deadline": hit.Deadline, "urgent": hit.Urgent})
			audit := &lookout.AuditEntry{AgencyID: systemAgency, Country: lookout.SecretariatCountry, Action: "hits.overdue", Database: hit.Database, Object: strconv.FormatInt(hit.ID, 10), Outcome: "ok", Detail: "deadline " + hit.Deadline.Format(time.RFC3339)}
			ch := &lookout.CaseChange{Hit: hit, From: hit.Status, Audit: audit, Notify: partyEvents(hit, lookout.EventHitOverdue, data),
				Event: &lookout.CaseEvent{AgencyID: systemAgency, Action: "overdue", FromStatus: hit.Status, ToStatus: hit.Status, Note: "no answer from the owner by the deadline"}}
			if err := h.store.ApplyCaseChange(ctx, ch); err != nil && !isCode(err, lookout.ECONFLICT) {
				return n, err
			}
			n++
		}
		h.wakeEvents()
	}
}

// StatsReport answers GET /v1/stats from the rolled-up counters: checks
// and hits grouped as asked, hits by outcome, and the median and 90th
// percentile times to acknowledgement and to confirmation. An NCB reads its
// own country, the secretariat any or all.
func (h *Hub) StatsReport(ctx context.Context, q lookout.StatsQuery) (*lookout.StatsReport, error) {
	c, err := require(ctx, lookout.GrantStatsRead)
	if err != nil {
		return nil, err
	}
	if c.Agency.Kind != lookout.KindSecretariat {
		if q.Country != "" {
			if cc, _ := country("country", q.Country); cc != c.Country() {
				return nil, lookout.Errorf(lookout.EFORBIDDEN, "%s reads the statistics of its own country, not of %s", c.Country(), q.Country)
			}
		}
		q.Country = c.Country()
	} else if q.Country != "" {
		if q.Country, err = country("country", q.Country); err != nil {
			return nil, err
		}
	}
	today := h.now()
	if q.To == "" {
		q.To = today.Format(lookout.DateLayout)
	} else if err := date("to", q.To, time.Time{}); err != nil {
		return nil, err
	}
	if q.From == "" {
		q.From = today.AddDate(0, 0, -30).Format(lookout.DateLayout)
	} else if err := date("from", q.From, time.Time{}); err != nil {
		return nil, err
	}
	if q.From > q.To {
		return nil, lookout.FieldErrorf("from", "from %s is after to %s", q.From, q.To)
	}
	for _, b := range q.By {
		if !slices.Contains([]string{"day", "database", "country", "agency"}, b) {
			return nil, lookout.FieldErrorf("by", "by %q is not one of day, database, country, agency", b)
		}
	}
	roll, err := h.store.StatsRollup(ctx, q)
	if err != nil {
		return nil, err
	}
	r := &lookout.StatsReport{From: q.From, To: q.To, Rows: roll.Rows, Outcomes: roll.Outcomes,
		TimeToAcknowledge: roll.Latency[lookout.LatencyAcknowledge].Quantiles(), TimeToConfirm: roll.Latency[lookout.LatencyConfirm].Quantiles()}
	for _, row := range roll.Rows {
		r.Total.Checks += row.Checks
		r.Total.Hits += row.Hits
	}
	return r, nil
}
