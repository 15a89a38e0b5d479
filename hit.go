package lookout

import (
	"context"
	"time"
)

// Hit statuses.
const (
	HitOpen = "open"
)

// Hit is the record that a search matched a record of another (or the same)
// country: a case shared by the searching country's NCB and the owner's NCB,
// and by nobody else.
type Hit struct {
	ID               int64     `json:"id,string"`
	Database         string    `json:"database"`
	SearchID         string    `json:"search_id"`
	Match            string    `json:"match"`
	Status           string    `json:"status"`
	RecordID         int64     `json:"record_id,string"`
	SearchingAgency  string    `json:"searching_agency"`
	SearchingCountry string    `json:"searching_country"`
	OwnerCountry     string    `json:"owner_country"`
	Urgent           bool      `json:"urgent"`
	Query            string    `json:"query"`
	Summary          string    `json:"summary"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
	// Follow-up (see case.go): the owner must confirm or reject by
	// Deadline; Overdue is set once it passed without an answer.
	Deadline       time.Time  `json:"deadline"`
	Overdue        bool       `json:"overdue"`
	Outcome        string     `json:"outcome,omitempty"`
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
	DecidedAt      *time.Time `json:"decided_at,omitempty"`
	ClosedAt       *time.Time `json:"closed_at,omitempty"`
}

// HitFilter selects hits in a listing.
type HitFilter struct {
	Country  string // hits this country is party to; "" for all
	Status   string
	Database string
	After    int64
	Limit    int
}

// HitService shows hits to the parties of each.
type HitService interface {
	// Hits lists the hits the caller's country is party to.
	Hits(ctx context.Context, f HitFilter) ([]*Hit, int64, error)
	// Hit returns one hit; ENOTFOUND unless the caller's country is party.
	Hit(ctx context.Context, id int64) (*Hit, error)
}
