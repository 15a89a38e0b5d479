package lookout

import (
	"context"
	"slices"
	"time"
)

// Document types and statuses of PRODUCT.md.
var (
	DocumentTypes    = []string{"passport", "id_card", "visa", "residence_permit", "travel_document", "other"}
	DocumentStatuses = []string{"stolen", "lost", "revoked", "invalidated", "stolen_blank"}
)

// ReviewPeriodDocuments is how long a document record lives before its owner
// must extend it: ten years, the SLTD default.
const ReviewPeriodDocuments = 10 * 365 * 24 * time.Hour

// Document is a record of a stolen, lost, revoked or invalidated travel
// document, or of a batch of stolen blanks (Number..NumberTo).
type Document struct {
	ID             int64        `json:"id,string"`
	Number         string       `json:"number"`
	NumberTo       string       `json:"number_to,omitempty"`
	IssuingCountry string       `json:"issuing_country"`
	OwnerCountry   string       `json:"owner_country"`
	Type           string       `json:"type"`
	Status         string       `json:"status"`
	EventDate      string       `json:"event_date,omitempty"`
	Restriction    *Restriction `json:"restriction,omitempty"`
	Remarks        string       `json:"remarks,omitempty"`
	ReviewDate     string       `json:"review_date"`
	CreatedBy      string       `json:"created_by"`
	CreatedAt      time.Time    `json:"created_at"`
	UpdatedAt      time.Time    `json:"updated_at"`
	Version        int64        `json:"version"`
}

// IsRange reports whether d records a batch of blanks rather than one document.
func (d *Document) IsRange() bool { return d.NumberTo != "" }

// Restriction is an owner's rule on which countries may see a record: either
// only those allowed, or all but those denied. The owner always sees its own.
type Restriction struct {
	Allow []string `json:"allow,omitempty"`
	Deny  []string `json:"deny,omitempty"`
}

// Visible reports whether a record owned by owner under restriction r may be
// shown to country. The secretariat, which oversees data quality, sees all.
func Visible(r *Restriction, owner, country string) bool {
	switch {
	case country == owner || country == SecretariatCountry || r == nil:
		return true
	case len(r.Allow) > 0:
		return slices.Contains(r.Allow, country)
	default:
		return !slices.Contains(r.Deny, country)
	}
}

// DocumentUpdate is a change to a document; nil fields stay as they are.
type DocumentUpdate struct {
	Type        *string       `json:"type"`
	Status      *string       `json:"status"`
	EventDate   *string       `json:"event_date"`
	NumberTo    *string       `json:"number_to"`
	Restriction **Restriction `json:"restriction"`
	Remarks     *string       `json:"remarks"`
	ReviewDate  *string       `json:"review_date"`
	// Version, when set, applies the change only if the record is still at
	// that version (the one the change was based on); ECONFLICT otherwise,
	// so that a change made meanwhile is never overwritten unseen.
	Version *int64 `json:"version"`
}

// DocumentFilter selects documents in a listing.
type DocumentFilter struct {
	OwnerCountry string
	Number       string
	Status       string
	After        int64
	Limit        int
}

// CheckRequest asks whether a document is recorded: by number and issuing
// country, by number alone, or by a raw MRZ (lines separated by newlines).
type CheckRequest struct {
	Number         string `json:"number,omitempty"`
	IssuingCountry string `json:"issuing_country,omitempty"`
	MRZ            string `json:"mrz,omitempty"`
	// Urgent marks a check made with the traveller at the border now; it
	// shortens the owner's confirmation deadline on any hit.
	Urgent bool `json:"urgent,omitempty"`
}

// Check outcomes.
const (
	OutcomeHit      = "hit"
	OutcomePossible = "possible"
	OutcomeNoHit    = "no_hit"
)

// Match kinds.
const (
	MatchExact   = "exact"
	MatchSimilar = "similar"
	MatchRange   = "range"
)

// CheckResult answers a CheckRequest.
type CheckResult struct {
	SearchID string          `json:"search_id"`
	Outcome  string          `json:"outcome"`
	Matches  []DocumentMatch `json:"matches"`
	// MRZ is the parsed machine readable zone when the check was by MRZ; it
	// is the JSON object of `lookout mrz --json`.
	MRZ any `json:"mrz,omitempty"`
}

// DocumentMatch is one record a check matched.
type DocumentMatch struct {
	Match    string    `json:"match"`
	HitID    int64     `json:"hit_id,string"`
	Document *Document `json:"document"`
	// Difference explains a similar match: which characters differ and how.
	Difference string `json:"difference,omitempty"`
}

// DocumentService is the travel-documents database as callers use it.
type DocumentService interface {
	// CreateDocument records a document of the caller's own country. EINVALID
	// names the bad field; EFORBIDDEN when the issuing country is not the
	// caller's or it lacks documents:write; ECONFLICT when the same number of
	// the same issuing country and type is already recorded.
	CreateDocument(ctx context.Context, d *Document) (*Document, error)
	// CreateDocuments records many documents, each as CreateDocument would,
	// in one transaction per chunk; errs[i] is nil where docs[i] was stored.
	CreateDocuments(ctx context.Context, docs []*Document) (errs []error, err error)
	// Document returns a record the caller may see; ENOTFOUND otherwise
	// (including when the owner's restriction hides it from the caller).
	Document(ctx context.Context, id int64) (*Document, error)
	// Documents lists records of the caller's country.
	Documents(ctx context.Context, f DocumentFilter) ([]*Document, int64, error)
	// UpdateDocument changes a record; only its owner may (EFORBIDDEN).
	// ECONFLICT when u.Version is set and the record is at another
	// version, or when another change lands while this one is made.
	UpdateDocument(ctx context.Context, id int64, u DocumentUpdate) (*Document, error)
	// DeleteDocument deletes a record; only its owner may (EFORBIDDEN).
	DeleteDocument(ctx context.Context, id int64) error
	// Check looks a document up, opens a hit for every match and logs the
	// search in the audit trail before it answers.
	Check(ctx context.Context, req CheckRequest) (*CheckResult, error)
}
