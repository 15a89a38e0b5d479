package lookout

import (
	"context"
	"encoding/json"
	"time"
)

// Event types streamed by GET /v1/events and delivered to webhooks.
const (
	EventHitOpened      = "hit.opened"
	EventHitAction      = "hit.action"
	EventHitOverdue     = "hit.overdue"
	EventMessage        = "message.received"
	EventMessageRead    = "message.read"
	EventRecordSearched = "record.searched"
	EventReviewDue      = "record.review_due"
	EventRecordExpired  = "record.expired"
)

// Event is a notification to a country's agencies (AgencyID empty: every
// agency of Country that may follow hits) or to one agency. Seq orders all
// events; a client that reconnects asks for those after the last it saw.
type Event struct {
	Seq       int64           `json:"seq,string"`
	Type      string          `json:"type"`
	Time      time.Time       `json:"time"`
	Country   string          `json:"country"`
	AgencyID  string          `json:"agency_id,omitempty"`
	HitID     int64           `json:"hit_id,string,omitempty"`
	MessageID int64           `json:"message_id,string,omitempty"`
	Database  string          `json:"database,omitempty"`
	RecordID  int64           `json:"record_id,string,omitempty"`
	Data      json.RawMessage `json:"data,omitempty"`
}

// For reports whether an event is addressed to agency a; hits reaches it
// only if it may follow hits (events of a whole country are about hits and
// records).
func (e *Event) For(a *Agency, followsHits bool) bool {
	if e.AgencyID != "" {
		return e.AgencyID == a.ID
	}
	return e.Country == a.Country && followsHits
}

// EventFilter selects events after a sequence number.
type EventFilter struct {
	After int64
	// Country and AgencyID, when set, keep the events For that agency:
	// those addressed to it and, when Country is set, to its country.
	Country  string
	AgencyID string
	Limit    int
}

// Webhook is a national system's endpoint that receives the events of its
// agency, signed with a shared secret.
type Webhook struct {
	ID        int64     `json:"id,string"`
	AgencyID  string    `json:"agency_id"`
	Country   string    `json:"country"`
	URL       string    `json:"url"`
	Cursor    int64     `json:"cursor,string"`
	CreatedAt time.Time `json:"created_at"`
	// Secret is the sealed HMAC key (store) or, once, the key (API).
	Secret []byte `json:"-"`
	// FollowsHits records whether the agency held hits:follow when it
	// registered, so that country events reach it.
	FollowsHits bool `json:"follows_hits"`
}

// Delivery is one attempt to deliver an event to a webhook.
type Delivery struct {
	ID        int64     `json:"id,string"`
	WebhookID int64     `json:"webhook_id,string"`
	EventSeq  int64     `json:"event_seq,string"`
	Attempt   int       `json:"attempt"`
	Time      time.Time `json:"time"`
	Status    int       `json:"status"`
	Error     string    `json:"error,omitempty"`
}

// EventService streams events to callers and manages webhooks.
type EventService interface {
	// Events returns the caller's events after seq, in order.
	Events(ctx context.Context, after int64, limit int) ([]*Event, error)
	// CreateWebhook registers a webhook for the caller's agency and returns
	// it with its secret (generated when empty), shown once.
	CreateWebhook(ctx context.Context, url, secret string) (*Webhook, string, error)
	// Deliveries lists a webhook's delivery log; only its agency sees it.
	Deliveries(ctx context.Context, webhookID int64, after int64) ([]*Delivery, error)
}
