package lookout

import (
	"context"
	"time"
)

// Store is the system of record: the narrow interface that the embedded
// (sqlite) and PostgreSQL backends implement and that the hub's services are
// built on. Each method is one transaction. Methods that change records take
// the audit entries that describe the change and append them, chained, in the
// same transaction, so a change is never without its trail.
type Store interface {
	Close() error

	// CreateAgency stores a and the hash of its first token. ECONFLICT when
	// the ID is taken, or when a is an NCB and its country already has one.
	CreateAgency(ctx context.Context, a *Agency, tokenHash []byte, audit *AuditEntry) error
	// Agency returns an agency by ID; ENOTFOUND.
	Agency(ctx context.Context, id string) (*Agency, error)
	// Agencies lists agencies in ID order.
	Agencies(ctx context.Context, f AgencyFilter) ([]*Agency, error)
	// UpdateAgency stores a's name, grants and disabled flag.
	UpdateAgency(ctx context.Context, a *Agency, audit *AuditEntry) error
	// AddToken stores the hash of a new token of an agency.
	AddToken(ctx context.Context, agencyID string, tokenHash []byte, audit *AuditEntry) error
	// AgencyByToken returns the agency a token hash belongs to; ENOTFOUND.
	AgencyByToken(ctx context.Context, tokenHash []byte) (*Agency, error)

	// InsertDocuments stores docs, setting their IDs. A document whose
	// (issuing country, number, type) is recorded already is not stored and
	// its errs entry is ECONFLICT. audit is called for each stored document.
	InsertDocuments(ctx context.Context, docs []*Document, audit func(*Document) *AuditEntry) (errs []error, err error)
	// Document returns a document by ID; ENOTFOUND.
	Document(ctx context.Context, id int64) (*Document, error)
	// DocumentsByID returns the documents of ids that exist, in any order.
	DocumentsByID(ctx context.Context, ids []int64) ([]*Document, error)
	// Documents lists documents in ID order.
	Documents(ctx context.Context, f DocumentFilter) ([]*Document, error)
	// UpdateDocument stores d if its version is still d.Version-1; ECONFLICT
	// when another change came first.
	UpdateDocument(ctx context.Context, d *Document, audit *AuditEntry) error
	// DeleteDocument deletes a document; ENOTFOUND.
	DeleteDocument(ctx context.Context, id int64, audit *AuditEntry) error
	// ScanDocuments calls fn for every document in ID order, for index
	// building; only the fields an index needs are guaranteed to be set.
	ScanDocuments(ctx context.Context, fn func(id int64, country, number, numberTo string) error) error

	// InsertDNAProfiles stores profiles, setting their IDs; a reference the
	// owner used already is refused with ECONFLICT in errs.
	InsertDNAProfiles(ctx context.Context, ps []*DNAProfile, audit func(*DNAProfile) *AuditEntry) (errs []error, err error)
	// DNAProfilesByID returns the profiles of ids that exist.
	DNAProfilesByID(ctx context.Context, ids []int64) ([]*DNAProfile, error)
	// DeleteDNAProfile deletes a profile; ENOTFOUND.
	DeleteDNAProfile(ctx context.Context, id int64, audit *AuditEntry) error
	// ScanDNAProfiles calls fn for every profile in ID order.
	ScanDNAProfiles(ctx context.Context, fn func(*DNAProfile) error) error

	// RecordSearches appends the audit entries of searches and the hits they
	// opened (setting the hits' IDs), and counts them in the statistics, all
	// in one transaction: the group commit of searches.
	RecordSearches(ctx context.Context, searches []*Search) error
	// Hit returns a hit by ID; ENOTFOUND.
	Hit(ctx context.Context, id int64) (*Hit, error)
	// Hits lists hits in ID order.
	Hits(ctx context.Context, f HitFilter) ([]*Hit, error)

	// AppendAudit appends entries that go with no other change (refusals,
	// sign-ins).
	AppendAudit(ctx context.Context, entries ...*AuditEntry) error
	// AuditEntries lists entries in sequence order.
	AuditEntries(ctx context.Context, f AuditFilter) ([]*AuditEntry, error)
	// ScanAudit calls fn for every entry in sequence order.
	ScanAudit(ctx context.Context, fn func(*AuditEntry) error) error

	// Stats returns the rolled-up counters.
	Stats(ctx context.Context, f StatsFilter) ([]StatsRow, error)
	// Changes returns the change feed after seq.
	Changes(ctx context.Context, since int64, limit int) ([]Change, error)
	// ChangeHead returns the sequence number of the last change, 0 if none.
	ChangeHead(ctx context.Context) (int64, error)
}

// Now returns the current time truncated to microseconds in UTC, the
// precision every store keeps, so that stored and returned times agree.
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
