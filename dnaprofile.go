package lookout

import (
	"context"
	"time"
)

// ReviewPeriodDNA is how long a DNA profile lives before its owner must
// extend it: five years, as for nominal data.
const ReviewPeriodDNA = 5 * 365 * 24 * time.Hour

// DNAProfile is an anonymous STR profile: a reference of the owner, never a
// name.
type DNAProfile struct {
	ID           int64               `json:"id,string"`
	Reference    string              `json:"reference"`
	Category     string              `json:"category"`
	Relationship string              `json:"relationship,omitempty"`
	Kit          string              `json:"kit,omitempty"`
	Loci         map[string][]string `json:"loci"`
	OwnerCountry string              `json:"owner_country"`
	Restriction  *Restriction        `json:"restriction,omitempty"`
	ReviewDate   string              `json:"review_date"`
	CreatedBy    string              `json:"created_by"`
	CreatedAt    time.Time           `json:"created_at"`
	UpdatedAt    time.Time           `json:"updated_at"`
	Version      int64               `json:"version"`
}

// DNASearchRequest searches the DNA profiles.
type DNASearchRequest struct {
	Loci         map[string][]string `json:"loci"`
	Category     string              `json:"category"`
	Relationship string              `json:"relationship,omitempty"`
	Rule         string              `json:"rule"`
	Population   string              `json:"population,omitempty"`
	Targets      []string            `json:"targets,omitempty"`
	Limit        int                 `json:"limit,omitempty"`
	Reference    string              `json:"reference,omitempty"`
}

// DNACandidate is a profile a DNA search found.
type DNACandidate struct {
	Profile                *DNAProfile `json:"profile"`
	Match                  string      `json:"match"`
	SharedLoci             int         `json:"shared_loci"`
	Mismatches             int         `json:"mismatches"`
	MatchingLoci           []string    `json:"matching_loci"`
	RandomMatchProbability float64     `json:"random_match_probability"`
	LikelihoodRatio        float64     `json:"likelihood_ratio"`
	Log10LR                float64     `json:"log10_lr"`
	// Hit says the candidate passed the rule's threshold, and HitID is the
	// hit it opened.
	Hit   bool  `json:"hit"`
	HitID int64 `json:"hit_id,string,omitempty"`
}

// DNASearchResult answers a DNASearchRequest, best candidate first.
type DNASearchResult struct {
	SearchID   string         `json:"search_id"`
	Rule       string         `json:"rule"`
	Population string         `json:"population"`
	Candidates []DNACandidate `json:"candidates"`
}

// DNAService is the DNA database as callers use it.
type DNAService interface {
	// CreateDNAProfile records a profile of the caller's country (dna:write).
	// EINVALID names the bad locus or allele; ECONFLICT when the reference is
	// taken.
	CreateDNAProfile(ctx context.Context, p *DNAProfile) (*DNAProfile, error)
	// DNAProfile returns a profile the caller may see; ENOTFOUND otherwise.
	DNAProfile(ctx context.Context, id int64) (*DNAProfile, error)
	// DeleteDNAProfile deletes a profile; only its owner may (EFORBIDDEN).
	DeleteDNAProfile(ctx context.Context, id int64) error
	// SearchDNA searches under a rule and opens a hit for every candidate
	// that passes its threshold (dna:search).
	SearchDNA(ctx context.Context, req DNASearchRequest) (*DNASearchResult, error)
}
