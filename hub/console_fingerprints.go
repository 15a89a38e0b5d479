package hub

import (
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/lookout-network/lookout"
)

// FingerprintSearchView is a fingerprint search as its examiner comes back
// to it: what the audit trail says of the search, and the candidates the
// store kept, read again through the visibility rules.
type FingerprintSearchView struct {
	SearchID string
	// At is when the search was logged; Reference the searcher's own
	// reference, "" when none was given.
	At        time.Time
	Reference string
	// Candidates are best first. A record deleted since the search, or
	// restricted since against the caller's country, is left out, so
	// Rank can skip numbers.
	Candidates []FingerprintCandidateView
	// Kept and Decided count the candidates the search returned and the
	// decisions recorded on them, left-out ones included.
	Kept, Decided int
}

// FingerprintCandidateView is one candidate of a search.
type FingerprintCandidateView struct {
	Rank        int
	Position    int
	Score       float64
	Fingerprint *lookout.Fingerprint
	// Decision is the decision recorded on the candidate, by the caller or
	// by another examiner of the country; nil while there is none.
	Decision *lookout.Decision
}

// searchIDPattern is what newSearchID makes.
var searchIDPattern = regexp.MustCompile(`^s_[0-9a-f]{24}$`)

// FingerprintCandidates returns one of the caller's fingerprint searches
// with its ranked candidates (fingerprints:search, EFORBIDDEN without).
// Only who searched may read the list again: the searching agency, and
// for a person signed in to the console that person (the search's audit
// entry names them); anyone else gets ENOTFOUND, as for an unknown search.
// A search that found nothing is returned with no candidates.
func (h *Hub) FingerprintCandidates(ctx context.Context, searchID string) (*FingerprintSearchView, error) {
	c, err := require(ctx, lookout.GrantFingerprintsSearch)
	if err != nil {
		return nil, err
	}
	notFound := lookout.Errorf(lookout.ENOTFOUND, "fingerprint search %q not found among your searches", searchID)
	if !searchIDPattern.MatchString(searchID) {
		return nil, notFound
	}
	kept, err := h.store.SearchCandidates(ctx, searchID)
	if err != nil && lookout.ErrorCode(err) != lookout.ENOTFOUND {
		return nil, err
	}
	for _, k := range kept {
		if k.Database != lookout.DatabaseFingerprints || k.SearchingAgency != c.Agency.ID || k.SearchingCountry != c.Country() {
			return nil, notFound
		}
	}
	// The store keeps the searching agency with the candidates, but not
	// the person, nor a search that kept none: the audit entry has both.
	e, err := h.fingerprintSearchEntry(ctx, c, searchID)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return nil, notFound
	}
	v := searchView(e)
	v.Kept = len(kept)
	ids := make([]int64, 0, len(kept))
	for _, k := range kept {
		ids = append(ids, k.RecordID)
		if k.Decision != nil {
			v.Decided++
		}
	}
	records, err := h.store.FingerprintsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	visible := make(map[int64]*lookout.Fingerprint, len(records))
	for _, f := range records {
		if lookout.Visible(f.Restriction, f.OwnerCountry, c.Country()) {
			visible[f.ID] = f
		}
	}
	v.Candidates = make([]FingerprintCandidateView, 0, len(kept))
	for _, k := range kept {
		if f := visible[k.RecordID]; f != nil {
			v.Candidates = append(v.Candidates, FingerprintCandidateView{Rank: k.Rank, Position: k.Position, Score: k.Score, Fingerprint: f, Decision: k.Decision})
		}
	}
	return v, nil
}

// FingerprintSearches lists the caller's fingerprint searches, newest first,
// at most limit (1 to 100), without their candidates but with how many were
// kept and decided (fingerprints:search): for a person signed in to the
// console their own searches, for an agency its searches.
func (h *Hub) FingerprintSearches(ctx context.Context, limit int) ([]*FingerprintSearchView, error) {
	c, err := require(ctx, lookout.GrantFingerprintsSearch)
	if err != nil {
		return nil, err
	}
	if limit < 1 || limit > 100 {
		return nil, lookout.FieldErrorf("limit", "limit must be between 1 and 100")
	}
	entries, err := h.store.AuditEntries(ctx, fingerprintSearchFilter(c, 0, limit))
	if err != nil {
		return nil, err
	}
	out := make([]*FingerprintSearchView, 0, len(entries))
	for _, e := range entries {
		v := searchView(e)
		kept, err := h.store.SearchCandidates(ctx, e.Object)
		if err != nil && lookout.ErrorCode(err) != lookout.ENOTFOUND {
			return nil, err
		}
		v.Kept = len(kept)
		for _, k := range kept {
			if k.Decision != nil {
				v.Decided++
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// fingerprintSearchFilter selects the caller's fingerprint searches: a
// person's walks the index of the console's entries, so it reads no more
// than what that person did.
func fingerprintSearchFilter(c *lookout.Caller, beforeSeq int64, limit int) lookout.AuditFilter {
	return lookout.AuditFilter{AgencyID: c.Agency.ID, Account: c.Account, Action: "fingerprints.search", BeforeSeq: beforeSeq, Newest: true, Limit: limit}
}

// fingerprintSearchEntry finds the audit entry of one of the caller's
// fingerprint searches, newest first; nil when the caller made no such
// search. Only a search that passed validation is logged, so every
// entry found is of a search that ran.
func (h *Hub) fingerprintSearchEntry(ctx context.Context, c *lookout.Caller, searchID string) (*lookout.AuditEntry, error) {
	const page = 1000
	var before int64
	for {
		entries, err := h.store.AuditEntries(ctx, fingerprintSearchFilter(c, before, page))
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			// An agency's own call (no person) sees its people's searches
			// too; a person sees only their own, which the filter selects.
			if e.Object == searchID && e.AgencyID == c.Agency.ID && (c.Account == "" || e.Account == c.Account) {
				return e, nil
			}
		}
		if len(entries) < page {
			return nil, nil
		}
		before = entries[len(entries)-1].Seq
	}
}

// searchView is what the audit entry of a search says of it.
func searchView(e *lookout.AuditEntry) *FingerprintSearchView {
	v := &FingerprintSearchView{SearchID: e.Object, At: e.Time}
	// SearchFingerprints writes the reference last: whatever follows is it.
	if _, ref, ok := strings.Cut(e.Query, " reference="); ok {
		v.Reference = ref
	}
	return v
}
