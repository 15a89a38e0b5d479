package lookout

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"
)

// AuditEntry is one link of the append-only, hash-chained audit trail: who did
// what, when, to what, with which result. Hash covers every other field and
// the previous entry's hash, so an edit, a deletion, an insertion or a
// reordering anywhere breaks the chain from that point on.
type AuditEntry struct {
	Seq      int64     `json:"seq"`
	Time     time.Time `json:"time"`
	AgencyID string    `json:"agency_id"`
	Country  string    `json:"country"`
	Action   string    `json:"action"`
	Database string    `json:"database,omitempty"`
	Object   string    `json:"object,omitempty"`
	Query    string    `json:"query,omitempty"`
	Outcome  string    `json:"outcome,omitempty"`
	Detail   string    `json:"detail,omitempty"`
	// Account is the person who acted, for requests made in the console
	// (empty for tokens and certificates).
	Account  string `json:"account,omitempty"`
	PrevHash []byte `json:"-"`
	Hash     []byte `json:"-"`
}

// ComputeHash returns the hash that e must carry given its PrevHash.
func (e *AuditEntry) ComputeHash() []byte {
	h := sha256.New()
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(e.Seq))
	h.Write(n[:])
	binary.BigEndian.PutUint64(n[:], uint64(e.Time.UTC().UnixNano()))
	h.Write(n[:])
	for _, s := range []string{e.AgencyID, e.Country, e.Action, e.Database, e.Object, e.Query, e.Outcome, e.Detail} {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	// The account joined the chain after the first release: hashing it only
	// when set keeps every earlier entry verifiable.
	if e.Account != "" {
		binary.BigEndian.PutUint64(n[:], uint64(len(e.Account)))
		h.Write(n[:])
		h.Write([]byte(e.Account))
	}
	h.Write(e.PrevHash)
	return h.Sum(nil)
}

// Chain sets e's sequence number, previous hash and hash to follow prev
// (nil for the first entry).
func (e *AuditEntry) Chain(prev *AuditEntry) {
	if prev == nil {
		e.Seq, e.PrevHash = 1, make([]byte, sha256.Size)
	} else {
		e.Seq, e.PrevHash = prev.Seq+1, prev.Hash
	}
	e.Hash = e.ComputeHash()
}

// AuditVerifier checks a chain entry by entry, in sequence order.
type AuditVerifier struct {
	prev  *AuditEntry
	Count int64
}

// Next checks e against the entries seen before it and returns an error that
// names e's sequence number and what is wrong.
func (v *AuditVerifier) Next(e *AuditEntry) error {
	wantSeq := int64(1)
	wantPrev := make([]byte, sha256.Size)
	if v.prev != nil {
		wantSeq, wantPrev = v.prev.Seq+1, v.prev.Hash
	}
	switch {
	case e.Seq != wantSeq:
		return fmt.Errorf("audit entry %d: expected sequence number %d (an entry was deleted, inserted or reordered)", e.Seq, wantSeq)
	case !bytes.Equal(e.PrevHash, wantPrev):
		return fmt.Errorf("audit entry %d: previous hash %s does not match entry %d's hash %s", e.Seq, hex.EncodeToString(e.PrevHash), wantSeq-1, hex.EncodeToString(wantPrev))
	case !bytes.Equal(e.Hash, e.ComputeHash()):
		return fmt.Errorf("audit entry %d: content does not match its hash (the entry was edited)", e.Seq)
	}
	c := *e
	v.prev = &c
	v.Count++
	return nil
}

// Head returns the last entry verified, or nil.
func (v *AuditVerifier) Head() *AuditEntry { return v.prev }

// AuditFilter selects audit entries.
type AuditFilter struct {
	AfterSeq int64
	Limit    int
	AgencyID string
	Country  string
	Action   string
	Account  string
	// BeforeSeq, when set, keeps entries before it; Newest lists the
	// newest first (the console pages backwards with BeforeSeq).
	BeforeSeq int64
	Newest    bool
	// From and To bound the entries' time, To excluded.
	From, To time.Time
}

// Search is a logged search: its audit entry and the hits it opened,
// committed together.
type Search struct {
	Audit *AuditEntry
	Hits  []*Hit
	// Candidates are kept for searches whose candidates a person decides on
	// later (fingerprints).
	Candidates []SearchCandidate
}

// StatsFilter selects statistics.
type StatsFilter struct {
	From, To string // YYYY-MM-DD, inclusive
	Country  string // "" for every country
}

// StatsRow counts searches and hits of one database, country and day.
type StatsRow struct {
	Day      string `json:"day"`
	Database string `json:"database"`
	Country  string `json:"country"`
	Checks   int64  `json:"checks"`
	Hits     int64  `json:"hits"`
}

// Change is one entry of the change feed that indexes, peer servers and
// mirrors follow.
type Change struct {
	Seq      int64     `json:"seq"`
	Database string    `json:"database"`
	RecordID int64     `json:"record_id,string"`
	Op       string    `json:"op"` // "put" or "delete"
	Time     time.Time `json:"time"`
}

// AuditService lets auditors read the trail.
type AuditService interface {
	// AuditEntries lists entries; EFORBIDDEN without audit:read. An NCB sees
	// the entries of its own country, the secretariat every entry.
	AuditEntries(ctx context.Context, f AuditFilter) ([]*AuditEntry, error)
}
