package lookout

import (
	"context"
	"time"
)

// ReviewPeriodFingerprints is how long a fingerprint record lives before its
// owner must extend it: five years, as for nominal data.
const ReviewPeriodFingerprints = 5 * 365 * 24 * time.Hour

// Fingerprint is an enrolled minutiae record: one subject's finger views
// (up to ten fingers), as sent in ISO/IEC 19794-2, ANSI INCITS 378 or
// ANSI/NIST-ITL Type-9, kept as received.
type Fingerprint struct {
	ID           int64        `json:"id,string"`
	Reference    string       `json:"reference"`
	Format       string       `json:"format"`
	Fingers      []FingerView `json:"fingers"`
	Template     []byte       `json:"-"`
	OwnerCountry string       `json:"owner_country"`
	Restriction  *Restriction `json:"restriction,omitempty"`
	ReviewDate   string       `json:"review_date"`
	CreatedBy    string       `json:"created_by"`
	CreatedAt    time.Time    `json:"created_at"`
	UpdatedAt    time.Time    `json:"updated_at"`
	Version      int64        `json:"version"`
}

// FingerView describes one finger of a record.
type FingerView struct {
	Position int `json:"position"`
	Minutiae int `json:"minutiae"`
	Quality  int `json:"quality"`
}

// FingerprintSearchRequest searches the enrolled fingerprints with a probe
// record; Position picks one finger of a probe with several.
type FingerprintSearchRequest struct {
	Template  []byte `json:"template"`
	Position  *int   `json:"position,omitempty"`
	Limit     int    `json:"limit,omitempty"`
	Reference string `json:"reference,omitempty"`
}

// FingerprintCandidate is one entry of the ranked list an examiner reviews.
type FingerprintCandidate struct {
	Rank        int          `json:"rank"`
	Fingerprint *Fingerprint `json:"fingerprint"`
	Position    int          `json:"position"`
	Score       float64      `json:"score"`
}

// FingerprintSearchResult answers a search: candidates best first, none of
// them a hit until an examiner identifies it.
type FingerprintSearchResult struct {
	SearchID   string                 `json:"search_id"`
	Candidates []FingerprintCandidate `json:"candidates"`
}

// Examiner decisions on a candidate, the conclusions of ACE-V: the same
// finger, not the same finger, or inconclusive when the prints lack the
// quality or detail to decide either way.
//
// Identified and not_identified are final: a candidate decided so is not
// decided again. Inconclusive is not: a later decision on the candidate,
// after better prints or by a second examiner, replaces it (and may open
// the hit), while the audit trail keeps every decision recorded.
const (
	DecisionIdentified    = "identified"
	DecisionNotIdentified = "not_identified"
	DecisionInconclusive  = "inconclusive"
)

// Decision is an examiner's verdict on one candidate of a search.
type Decision struct {
	SearchID  string    `json:"search_id"`
	Database  string    `json:"database"`
	RecordID  int64     `json:"record_id,string"`
	Position  int       `json:"position"`
	Decision  string    `json:"decision"`
	Note      string    `json:"note,omitempty"`
	AgencyID  string    `json:"agency_id"`
	HitID     int64     `json:"hit_id,string,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Final reports whether the decision settles its candidate: identified and
// not_identified do, inconclusive does not.
func (d *Decision) Final() bool {
	return d.Decision == DecisionIdentified || d.Decision == DecisionNotIdentified
}

// SearchCandidate is a candidate a search returned, kept so that a later
// decision on it can be checked against what the search really found.
type SearchCandidate struct {
	SearchID         string
	Database         string
	RecordID         int64
	Position         int
	Score            float64
	Rank             int
	SearchingAgency  string
	SearchingCountry string
	// Decision is the examiner's decision on the candidate, nil while
	// there is none (set by [Store.SearchCandidates] only).
	Decision *Decision
}

// FingerprintService is the fingerprint database as callers use it.
type FingerprintService interface {
	// CreateFingerprint enrols a record of the caller's country
	// (fingerprints:write); EINVALID when the template cannot be read.
	CreateFingerprint(ctx context.Context, f *Fingerprint) (*Fingerprint, error)
	// Fingerprint returns a record the caller may see; ENOTFOUND otherwise.
	Fingerprint(ctx context.Context, id int64) (*Fingerprint, error)
	// DeleteFingerprint deletes a record; only its owner may.
	DeleteFingerprint(ctx context.Context, id int64) error
	// SearchFingerprints returns a ranked candidate list (fingerprints:search).
	SearchFingerprints(ctx context.Context, req FingerprintSearchRequest) (*FingerprintSearchResult, error)
	// DecideFingerprint records an examiner's decision on a candidate of one
	// of the caller's country's searches; an identification opens a hit.
	// ECONFLICT when the candidate has a final decision already; a decision
	// after an inconclusive one replaces it.
	DecideFingerprint(ctx context.Context, d *Decision) (*Decision, error)
}
