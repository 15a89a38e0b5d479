package lookout

import (
	"context"
	"time"
)

// Hit statuses after open: the searching side acknowledges, the owner
// confirms or rejects, the searching side closes with an outcome.
const (
	HitAcknowledged = "acknowledged"
	HitConfirmed    = "confirmed"
	HitNotConfirmed = "not_confirmed"
	HitClosed       = "closed"
)

// Case actions, as POST /v1/hits/{id}/actions names them.
const (
	ActionAcknowledge = "acknowledge"
	ActionConfirm     = "confirm"
	ActionReject      = "reject"
	ActionClose       = "close"
)

// CaseOutcomes are the outcomes a case closes with.
var CaseOutcomes = []string{"document_seized", "person_arrested", "entry_refused", "no_action", "other"}

// Sides of a case.
const (
	SideSearching = "searching"
	SideOwner     = "owner"
)

// CaseAction is one step of a hit's follow-up, taken by one side.
type CaseAction struct {
	Action  string `json:"action"`
	Note    string `json:"note"`
	Outcome string `json:"outcome,omitempty"`
}

// CaseEvent is one entry of a case's timeline: an action, or the system
// flagging the case overdue.
type CaseEvent struct {
	ID         int64     `json:"id,string"`
	HitID      int64     `json:"hit_id,string"`
	Time       time.Time `json:"time"`
	AgencyID   string    `json:"agency_id"`
	Country    string    `json:"country"`
	Action     string    `json:"action"`
	FromStatus string    `json:"from_status"`
	ToStatus   string    `json:"to_status"`
	Note       string    `json:"note,omitempty"`
	Outcome    string    `json:"outcome,omitempty"`
}

// HitCase is a hit with its timeline and the messages exchanged on it.
type HitCase struct {
	*Hit
	Events   []*CaseEvent `json:"events"`
	Messages []*Message   `json:"messages"`
}

// CaseChange is what the store commits for one case action: the hit as it
// becomes (only if it still has status From), the timeline entry, the
// notifications and the audit entry, together.
type CaseChange struct {
	Hit    *Hit
	From   string
	Event  *CaseEvent
	Notify []*Event
	Audit  *AuditEntry
}

// CaseService follows hits up.
type CaseService interface {
	// HitCase returns a hit with its events and messages; ENOTFOUND unless
	// the caller's country is party to it.
	HitCase(ctx context.Context, id int64) (*HitCase, error)
	// ActOnHit takes one action on a case: ECONFLICT when the case is not in
	// a status that allows it, EFORBIDDEN when the caller is on the wrong
	// side, EINVALID naming the field on bad input.
	ActOnHit(ctx context.Context, id int64, a CaseAction) (*HitCase, error)
}

// StatsQuery selects the statistics report.
type StatsQuery struct {
	From, To string // YYYY-MM-DD, inclusive
	Country  string // "" for every country
	// By lists the dimensions rows are grouped by, of "day", "database",
	// "country", "agency"; empty means day, database and country.
	By []string
}

// StatsCount counts checks and hits of one group.
type StatsCount struct {
	Day      string `json:"day,omitempty"`
	Database string `json:"database,omitempty"`
	Country  string `json:"country,omitempty"`
	AgencyID string `json:"agency_id,omitempty"`
	Checks   int64  `json:"checks"`
	Hits     int64  `json:"hits"`
}

// OutcomeCount counts closed cases by outcome.
type OutcomeCount struct {
	Outcome string `json:"outcome"`
	Hits    int64  `json:"hits"`
}

// LatencyBuckets is a histogram of durations in seconds: Counts[i] counts
// durations in [LatencyBound(i-1), LatencyBound(i)).
type LatencyBuckets map[int]int64

// Latency summarises how long a step took.
type Latency struct {
	Count         int64   `json:"count"`
	MedianSeconds float64 `json:"median_seconds"`
	P90Seconds    float64 `json:"p90_seconds"`
}

// StatsReport is the answer of GET /v1/stats.
type StatsReport struct {
	From              string         `json:"from"`
	To                string         `json:"to"`
	Rows              []StatsCount   `json:"stats"`
	Total             StatsCount     `json:"total"`
	Outcomes          []OutcomeCount `json:"outcomes"`
	TimeToAcknowledge Latency        `json:"time_to_acknowledge"`
	TimeToConfirm     Latency        `json:"time_to_confirm"`
}

// Latency kinds kept in the rolled-up histograms.
const (
	LatencyAcknowledge = "acknowledge"
	LatencyConfirm     = "confirm"
)

// LatencyBucket returns the histogram bucket of a duration: buckets grow by
// a factor of 1.25 from one second, so that a quantile read back from them
// is within 12% of the truth at any scale.
func LatencyBucket(d time.Duration) int {
	s := d.Seconds()
	b := 0
	for bound := 1.0; s >= bound && b < 120; bound *= 1.25 {
		b++
	}
	return b
}

// LatencyBound returns the upper bound in seconds of bucket b.
func LatencyBound(b int) float64 {
	bound := 1.0
	for range b {
		bound *= 1.25
	}
	return bound
}

// Quantiles computes count, median and 90th percentile from a histogram,
// interpolating inside the bucket that holds each quantile.
func (h LatencyBuckets) Quantiles() Latency {
	var n int64
	maxB := 0
	for b, c := range h {
		n += c
		maxB = max(maxB, b)
	}
	l := Latency{Count: n}
	if n == 0 {
		return l
	}
	q := func(p float64) float64 {
		rank := p * float64(n)
		var seen int64
		for b := 0; b <= maxB; b++ {
			c := h[b]
			if c == 0 {
				continue
			}
			if float64(seen+c) >= rank {
				lo := 0.0
				if b > 0 {
					lo = LatencyBound(b - 1)
				}
				hi := LatencyBound(b)
				frac := (rank - float64(seen)) / float64(c)
				return lo + (hi-lo)*frac
			}
			seen += c
		}
		return LatencyBound(maxB)
	}
	l.MedianSeconds, l.P90Seconds = q(0.5), q(0.9)
	return l
}

// StatsRollup is what the store returns for a StatsQuery: counts, outcomes
// and latency histograms keyed by LatencyAcknowledge and LatencyConfirm.
type StatsRollup struct {
	Rows     []StatsCount
	Outcomes []OutcomeCount
	Latency  map[string]LatencyBuckets
}

// ReviewItem is a record due for review, of any database.
type ReviewItem struct {
	Database     string
	ID           int64
	OwnerCountry string
	ReviewDate   string
}
