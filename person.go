package lookout

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// ReviewPeriodPersons is how long a person record lives before its owner
// must extend it: five years, the retention of nominal data.
const ReviewPeriodPersons = 5 * 365 * 24 * time.Hour

// Sexes a person record may carry: male, female, another (X) and unknown.
var Sexes = []string{"M", "F", "X", "U"}

// Person is a record of the nominal database: someone police forces look
// for (wanted, missing, of interest), owned by the NCB that recorded it.
type Person struct {
	ID int64 `json:"id,string"`
	// Reference is the owner's own reference, unique per owner when given.
	Reference string `json:"reference,omitempty"`
	// Name is the full name as the source writes it, in any script;
	// NameLatin its Latin form when the source has one.
	Name      string   `json:"name"`
	NameLatin string   `json:"name_latin,omitempty"`
	Aliases   []string `json:"aliases,omitempty"`
	// DateOfBirth is YYYY, YYYY-MM or YYYY-MM-DD: the precision the source
	// knows.
	DateOfBirth         string             `json:"date_of_birth,omitempty"`
	Sex                 string             `json:"sex"`
	Nationalities       []string           `json:"nationalities,omitempty"`
	PlaceOfBirth        string             `json:"place_of_birth,omitempty"`
	IdentityDocuments   []IdentityDocument `json:"identity_documents,omitempty"`
	DistinguishingMarks string             `json:"distinguishing_marks,omitempty"`
	DNAProfiles         IDList             `json:"dna_profiles,omitempty"`
	Fingerprints        IDList             `json:"fingerprints,omitempty"`
	OwnerCountry        string             `json:"owner_country"`
	Restriction         *Restriction       `json:"restriction,omitempty"`
	ReviewDate          string             `json:"review_date"`
	CreatedBy           string             `json:"created_by"`
	CreatedAt           time.Time          `json:"created_at"`
	UpdatedAt           time.Time          `json:"updated_at"`
	Version             int64              `json:"version"`
}

// IdentityDocument is a travel or identity document a person is known to
// hold; screening checks it against the travel-documents database too.
type IdentityDocument struct {
	Number         string `json:"number"`
	IssuingCountry string `json:"issuing_country"`
	Type           string `json:"type,omitempty"`
}

// IDList is a list of record IDs, written as strings in JSON like every
// other ID of the API (numbers are accepted on input).
type IDList []int64

// MarshalJSON writes the IDs as JSON strings.
func (l IDList) MarshalJSON() ([]byte, error) {
	out := make([]string, len(l))
	for i, id := range l {
		out[i] = strconv.FormatInt(id, 10)
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads IDs given as strings or numbers.
func (l *IDList) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(IDList, len(raw))
	for i, r := range raw {
		var s string
		if json.Unmarshal(r, &s) != nil {
			s = string(r)
		}
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return fmt.Errorf("%s is not a record ID", r)
		}
		out[i] = id
	}
	*l = out
	return nil
}

// PersonUpdate is a change to a person; nil fields stay as they are.
type PersonUpdate struct {
	Reference           *string             `json:"reference"`
	Name                *string             `json:"name"`
	NameLatin           *string             `json:"name_latin"`
	Aliases             *[]string           `json:"aliases"`
	DateOfBirth         *string             `json:"date_of_birth"`
	Sex                 *string             `json:"sex"`
	Nationalities       *[]string           `json:"nationalities"`
	PlaceOfBirth        *string             `json:"place_of_birth"`
	IdentityDocuments   *[]IdentityDocument `json:"identity_documents"`
	DistinguishingMarks *string             `json:"distinguishing_marks"`
	DNAProfiles         *IDList             `json:"dna_profiles"`
	Fingerprints        *IDList             `json:"fingerprints"`
	Restriction         **Restriction       `json:"restriction"`
	ReviewDate          *string             `json:"review_date"`
}

// PersonFilter selects persons in a listing.
type PersonFilter struct {
	OwnerCountry string
	After        int64
	Limit        int
}

// PersonSearchRequest searches the persons by name. Only Name is required;
// the qualifiers lower the score of candidates that disagree with them.
type PersonSearchRequest struct {
	Name        string `json:"name"`
	DateOfBirth string `json:"date_of_birth,omitempty"`
	Sex         string `json:"sex,omitempty"`
	Nationality string `json:"nationality,omitempty"`
	Limit       int    `json:"limit,omitempty"`
	// Reference is the searcher's own reference (a case or a manifest).
	Reference string `json:"reference,omitempty"`
}

// PersonCandidate is a person a name search found, with the notices and
// diffusions on it that the caller may see.
type PersonCandidate struct {
	Person *Person `json:"person"`
	Score  float64 `json:"score"`
	// Match is the name engine's verdict at its threshold; a match opens
	// the hit HitID.
	Match       bool      `json:"match"`
	Explanation any       `json:"explanation"`
	Notices     []*Notice `json:"notices"`
	HitID       int64     `json:"hit_id,string,omitempty"`
}

// PersonSearchResult answers a name search, best candidate first.
type PersonSearchResult struct {
	SearchID   string            `json:"search_id"`
	Candidates []PersonCandidate `json:"candidates"`
}

// PersonService is the nominal database as callers use it.
type PersonService interface {
	// CreatePerson records a person owned by the caller's country
	// (persons:write); EINVALID names the bad field; ECONFLICT when the
	// owner's reference is taken.
	CreatePerson(ctx context.Context, p *Person) (*Person, error)
	// CreatePersons records many persons; errs[i] is nil where ps[i] was
	// stored.
	CreatePersons(ctx context.Context, ps []*Person) (errs []error, err error)
	// Person returns a person the caller may see; ENOTFOUND otherwise.
	Person(ctx context.Context, id int64) (*Person, error)
	// Persons lists the persons of the caller's country (persons:write).
	Persons(ctx context.Context, f PersonFilter) ([]*Person, int64, error)
	// UpdatePerson changes a person; only its owner may (EFORBIDDEN).
	UpdatePerson(ctx context.Context, id int64, u PersonUpdate) (*Person, error)
	// DeletePerson deletes a person and withdraws its notices; only its
	// owner may (EFORBIDDEN).
	DeletePerson(ctx context.Context, id int64) error
	// SearchPersons searches by name (persons:search); each match opens a
	// hit and the search is logged before it answers.
	SearchPersons(ctx context.Context, req PersonSearchRequest) (*PersonSearchResult, error)
}
