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

	// CreateAccount stores a console account, setting its ID; ECONFLICT
	// when its username is taken.
	CreateAccount(ctx context.Context, a *Account, audit *AuditEntry) error
	// Account returns an account by ID; ENOTFOUND.
	Account(ctx context.Context, id int64) (*Account, error)
	// AccountByUsername returns an account by username; ENOTFOUND.
	AccountByUsername(ctx context.Context, username string) (*Account, error)
	// Accounts lists an agency's accounts by username.
	Accounts(ctx context.Context, agencyID string) ([]*Account, error)
	// UpdateAccount stores a's name, grants, disabled flag, credentials and
	// sign-in state; with endSessions it ends all of a's sessions, with s
	// it starts s (setting s.AccountID), both in the same transaction.
	// ENOTFOUND. audit may be nil.
	UpdateAccount(ctx context.Context, a *Account, endSessions bool, s *Session, audit *AuditEntry) error
	// Session returns a session by the hash of its token; ENOTFOUND.
	Session(ctx context.Context, hash []byte) (*Session, error)
	// TouchSession sets a session's last use.
	TouchSession(ctx context.Context, hash []byte, t time.Time) error
	// DeleteSession ends a session (and sweeps ended ones); audit may be nil.
	DeleteSession(ctx context.Context, hash []byte, audit *AuditEntry) error
	// AccountSessions lists an account's sessions, the last used first (at
	// most 100).
	AccountSessions(ctx context.Context, accountID int64) ([]*Session, error)
	// DeleteOtherSessions ends every session of an account but keep's.
	DeleteOtherSessions(ctx context.Context, accountID int64, keep []byte, audit *AuditEntry) error

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

	// InsertFingerprint stores a record, setting its ID; ECONFLICT when the
	// owner used its reference already.
	InsertFingerprint(ctx context.Context, f *Fingerprint, audit *AuditEntry) error
	// FingerprintsByID returns the records of ids that exist, templates
	// included.
	FingerprintsByID(ctx context.Context, ids []int64) ([]*Fingerprint, error)
	// DeleteFingerprint deletes a record; ENOTFOUND.
	DeleteFingerprint(ctx context.Context, id int64, audit *AuditEntry) error
	// ScanFingerprints calls fn for every record in ID order.
	ScanFingerprints(ctx context.Context, fn func(*Fingerprint) error) error
	// SearchCandidate returns a candidate a search returned; ENOTFOUND.
	SearchCandidate(ctx context.Context, searchID string, recordID int64, position int) (*SearchCandidate, error)
	// SearchCandidates returns every candidate a search returned, in rank
	// order, each with its decision when one was recorded; ENOTFOUND when
	// the search kept none (an unknown search, or one that found nothing).
	SearchCandidates(ctx context.Context, searchID string) ([]*SearchCandidate, error)
	// RecordDecision stores an examiner's decision, with the hit it opens
	// (when not nil, setting its ID and d.HitID) and its audit entry. A
	// decision on a candidate decided [DecisionInconclusive] replaces that
	// decision; ECONFLICT when the candidate has a final one already.
	RecordDecision(ctx context.Context, d *Decision, hit *Hit, audit *AuditEntry) error

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

	// Follow-up of hits, messages, events and review (case.go, message.go,
	// event.go). RecordSearches also appends a hit.opened event for each
	// party of every hit it stores, and a record.searched event for the
	// record's creator when it asked for them (Agency.NotifyOnSearch).

	// SetNotifyOnSearch stores an agency's NotifyOnSearch; ENOTFOUND.
	SetNotifyOnSearch(ctx context.Context, agencyID string, on bool, audit *AuditEntry) error
	// ApplyCaseChange stores ch.Hit, its timeline entry, notifications and
	// audit entry if the hit still has status ch.From (ECONFLICT otherwise),
	// and rolls up times to acknowledgement and confirmation and outcomes.
	ApplyCaseChange(ctx context.Context, ch *CaseChange) error
	// CaseEvents returns a hit's timeline in order.
	CaseEvents(ctx context.Context, hitID int64) ([]*CaseEvent, error)
	// DueHits returns up to limit hits awaiting the owner (open or
	// acknowledged), not yet flagged overdue, whose deadline is before t.
	DueHits(ctx context.Context, t time.Time, limit int) ([]*Hit, error)
	// StatsRollup returns the rolled-up counters StatsQuery selects.
	StatsRollup(ctx context.Context, q StatsQuery) (*StatsRollup, error)

	// AppendEvents stores notifications with their audit entry.
	AppendEvents(ctx context.Context, events []*Event, audit *AuditEntry) error
	// Events lists events in sequence order.
	Events(ctx context.Context, f EventFilter) ([]*Event, error)
	// EventHead returns the sequence number of the last event, 0 if none.
	EventHead(ctx context.Context) (int64, error)

	// InsertMessage stores a sealed message, setting its ID (and its thread
	// ID when 0), with its notifications and audit entry.
	InsertMessage(ctx context.Context, m *SealedMessage, notify func(*SealedMessage) []*Event, audit func(*SealedMessage) *AuditEntry) error
	// Message returns a sealed message with its attachments; ENOTFOUND.
	Message(ctx context.Context, id int64) (*SealedMessage, error)
	// Messages lists a box newest first, without attachment data.
	Messages(ctx context.Context, f MessageFilter) ([]*SealedMessage, error)
	// MessagesOnHit lists the messages on a hit, oldest first, without
	// attachment data.
	MessagesOnHit(ctx context.Context, hitID int64) ([]*SealedMessage, error)
	// MarkRead records that agencyID read message id, once: the first read
	// stores notify and audit, later ones store nothing.
	MarkRead(ctx context.Context, id int64, agencyID string, notify []*Event, audit *AuditEntry) error

	// CreateWebhook stores a webhook, setting its ID and its cursor to the
	// current event head.
	CreateWebhook(ctx context.Context, w *Webhook, audit *AuditEntry) error
	// Webhooks lists every webhook.
	Webhooks(ctx context.Context) ([]*Webhook, error)
	// Webhook returns one webhook; ENOTFOUND.
	Webhook(ctx context.Context, id int64) (*Webhook, error)
	// RecordDelivery logs a delivery attempt and, when delivered, moves the
	// webhook's cursor past the event.
	RecordDelivery(ctx context.Context, d *Delivery, delivered bool) error
	// Deliveries lists a webhook's delivery log in ID order.
	Deliveries(ctx context.Context, webhookID, after int64, limit int) ([]*Delivery, error)
	// DeleteWebhook deletes a webhook and its delivery log; ENOTFOUND.
	DeleteWebhook(ctx context.Context, id int64, audit *AuditEntry) error

	// DocumentsForReview lists up to limit documents whose review date is
	// on or before date; with unnoticed, only those whose owner was not yet
	// told of that review date.
	DocumentsForReview(ctx context.Context, date string, unnoticed bool, limit int) ([]*Document, error)
	// RecordsForReview lists up to limit records of database (documents,
	// persons, dna, fingerprints) whose review date is on or before date;
	// with unnoticed, only those whose owner was not yet told of it.
	RecordsForReview(ctx context.Context, database, date string, unnoticed bool, limit int) ([]ReviewItem, error)
	// NoteRecordReviewDue is NoteReviewDue for a record of any database.
	NoteRecordReviewDue(ctx context.Context, r ReviewItem, notify []*Event, audit *AuditEntry) error
	// NoteReviewDue records that the owner of a document was told of its
	// review date, with the notification and its audit entry.
	NoteReviewDue(ctx context.Context, d *Document, notify []*Event, audit *AuditEntry) error
	// ExpireDocument deletes a document whose review date is still
	// reviewDate (ECONFLICT when it was extended meanwhile), with a change
	// feed entry, notifications and its audit entry.
	ExpireDocument(ctx context.Context, id int64, reviewDate string, notify []*Event, audit *AuditEntry) error

	// Persons, notices and screenings (person.go, notice.go, screening.go).

	// InsertPersons stores persons, setting their IDs; a reference the owner
	// used already is refused with ECONFLICT in errs.
	InsertPersons(ctx context.Context, ps []*Person, audit func(*Person) *AuditEntry) (errs []error, err error)
	// PersonsByID returns the persons of ids that exist, in any order.
	PersonsByID(ctx context.Context, ids []int64) ([]*Person, error)
	// Persons lists persons in ID order.
	Persons(ctx context.Context, f PersonFilter) ([]*Person, error)
	// UpdatePerson stores p if its version is still p.Version-1; ECONFLICT
	// when another change came first.
	UpdatePerson(ctx context.Context, p *Person, audit *AuditEntry) error
	// DeletePerson deletes a person and cancels its notices and diffusions
	// that are requested, published or active; ENOTFOUND.
	DeletePerson(ctx context.Context, id int64, audit *AuditEntry) error
	// ScanPersons calls fn for every person in ID order.
	ScanPersons(ctx context.Context, fn func(*Person) error) error
	// InsertNotice stores a notice, setting its ID and audit.Object;
	// ENOTFOUND when its person does not exist.
	InsertNotice(ctx context.Context, n *Notice, audit *AuditEntry) error
	// Notice returns a notice by ID; ENOTFOUND.
	Notice(ctx context.Context, id int64) (*Notice, error)
	// Notices lists notices in ID order.
	Notices(ctx context.Context, f NoticeFilter) ([]*Notice, error)
	// UpdateNotice stores n if its version is still n.Version-1; ECONFLICT
	// when another change came first.
	UpdateNotice(ctx context.Context, n *Notice, audit *AuditEntry) error
	// ScanNotices calls fn for every notice in ID order.
	ScanNotices(ctx context.Context, fn func(*Notice) error) error
	// InsertScreening stores a job, setting its ID and audit.Object, with
	// the results of lines that could not be read.
	InsertScreening(ctx context.Context, s *Screening, bad []*ScreeningResult, audit *AuditEntry) error
	// UpdateScreening stores a job's progress with new results and an
	// optional audit entry; ENOTFOUND.
	UpdateScreening(ctx context.Context, s *Screening, results []*ScreeningResult, audit *AuditEntry) error
	// Screening returns a job by ID; ENOTFOUND.
	Screening(ctx context.Context, id int64) (*Screening, error)
	// ScreeningResults returns up to limit results after line after.
	ScreeningResults(ctx context.Context, id int64, after, limit int) ([]*ScreeningResult, error)
}

// Now returns the current time truncated to microseconds in UTC, the
// precision every store keeps, so that stored and returned times agree.
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
