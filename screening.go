package lookout

import (
	"context"
	"time"
)

// Screening job statuses.
const (
	ScreeningRunning = "running"
	ScreeningDone    = "done"
	ScreeningFailed  = "failed"
)

// Traveller is one line of a passenger manifest or accreditation list.
type Traveller struct {
	// Line is the traveller's line in the list (from 1), set by the reader.
	Line            int    `json:"-"`
	Name            string `json:"name"`
	DateOfBirth     string `json:"date_of_birth,omitempty"`
	Sex             string `json:"sex,omitempty"`
	Nationality     string `json:"nationality,omitempty"`
	DocumentNumber  string `json:"document_number,omitempty"`
	DocumentCountry string `json:"document_country,omitempty"`
}

// Screening is a job that checks a whole list of travellers against the
// persons with notices or diffusions the caller may see and against the
// travel documents.
type Screening struct {
	ID         int64      `json:"id,string"`
	Reference  string     `json:"reference,omitempty"`
	Status     string     `json:"status"`
	AgencyID   string     `json:"agency_id"`
	Country    string     `json:"country"`
	Total      int64      `json:"total"`
	Done       int64      `json:"done"`
	Hits       int64      `json:"hits"`
	Invalid    int64      `json:"invalid"`
	Error      string     `json:"error,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
}

// ScreeningResult is the outcome for one traveller that was not clear: a
// hit on a person or a document, or a line that could not be read.
// Travellers absent from the results are clear.
type ScreeningResult struct {
	Line      int                  `json:"line"`
	Traveller *Traveller           `json:"traveller,omitempty"`
	Outcome   string               `json:"outcome"`
	Persons   []ScreeningPersonHit `json:"persons,omitempty"`
	Documents []DocumentMatch      `json:"documents,omitempty"`
	SearchID  string               `json:"search_id,omitempty"`
	Error     *ScreeningError      `json:"error,omitempty"`
}

// ScreeningPersonHit is a person with a notice in force that a traveller
// matched.
type ScreeningPersonHit struct {
	PersonID    int64     `json:"person_id,string"`
	Name        string    `json:"name"`
	Score       float64   `json:"score"`
	Explanation any       `json:"explanation,omitempty"`
	Notices     []*Notice `json:"notices"`
	HitID       int64     `json:"hit_id,string"`
}

// ScreeningError says why a line could not be screened.
type ScreeningError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// ScreeningService runs manifest screenings.
type ScreeningService interface {
	// StartScreening validates the travellers (bad lines are results, not
	// failures), stores the job and screens it in the background
	// (persons:search); ETOOLARGE beyond a million travellers.
	StartScreening(ctx context.Context, reference string, travellers []Traveller, bad []*ScreeningResult) (*Screening, error)
	// Screening returns a job of the caller's country with its progress.
	Screening(ctx context.Context, id int64) (*Screening, error)
	// ScreeningResults returns up to limit results after line after.
	ScreeningResults(ctx context.Context, id int64, after, limit int) ([]*ScreeningResult, error)
}
