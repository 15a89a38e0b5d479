package hub

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/afis"
)

// Limits on fingerprint input.
const (
	maxTemplateBytes   = 1 << 20
	minMinutiae        = 5
	maxFingerprintHits = 100
)

// OpenFingerprintIndex enrols every stored fingerprint record in a new index.
func OpenFingerprintIndex(ctx context.Context, store lookout.Store) (*afis.Index, error) {
	ix := afis.NewIndex()
	err := store.ScanFingerprints(ctx, func(f *lookout.Fingerprint) error {
		rec, err := afis.Parse(f.Template)
		if err != nil {
			return fmt.Errorf("fingerprint record %d: %w", f.ID, err)
		}
		enrol(ix, f.ID, rec)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("build fingerprint index: %w", err)
	}
	return ix, nil
}

func enrol(ix *afis.Index, id int64, rec *afis.Record) {
	for i := range rec.Templates {
		ix.Add(uint64(id), rec.Templates[i].Position, afis.PrepareGallery(&rec.Templates[i]))
	}
}

// SetFingerprintIndex gives the hub its fingerprint index.
func (h *Hub) SetFingerprintIndex(ix *afis.Index) { h.afis = ix }

func (h *Hub) fingerprintIndex() (*afis.Index, error) {
	if h.afis == nil {
		return nil, lookout.Errorf(lookout.EINTERNAL, "the fingerprint database is not loaded on this server")
	}
	return h.afis, nil
}

// parseTemplate reads a template record and refuses what cannot be matched.
func parseTemplate(field string, data []byte) (*afis.Record, error) {
	if len(data) == 0 {
		return nil, lookout.FieldErrorf(field, "%s is required: a base64 ISO/IEC 19794-2, ANSI INCITS 378 or ANSI/NIST-ITL Type-9 record", field)
	}
	if len(data) > maxTemplateBytes {
		return nil, &lookout.Error{Code: lookout.ETOOLARGE, Field: field, Message: fmt.Sprintf("%s is larger than %d bytes", field, maxTemplateBytes)}
	}
	rec, err := afis.Parse(data)
	if err != nil {
		return nil, lookout.FieldErrorf(field, "%s cannot be read: %v", field, err)
	}
	if len(rec.Templates) == 0 {
		return nil, lookout.FieldErrorf(field, "%s holds no finger view", field)
	}
	seen := map[int]bool{}
	for _, t := range rec.Templates {
		if t.Position < 0 || t.Position > 10 {
			return nil, lookout.FieldErrorf(field, "%s has finger position %d: positions are 0 (unknown) to 10", field, t.Position)
		}
		if seen[t.Position] && t.Position != 0 {
			return nil, lookout.FieldErrorf(field, "%s has finger position %d twice", field, t.Position)
		}
		seen[t.Position] = true
		if len(t.Minutiae) < minMinutiae {
			return nil, lookout.FieldErrorf(field, "%s: finger %d has %d minutiae, fewer than the %d a search needs", field, t.Position, len(t.Minutiae), minMinutiae)
		}
	}
	return rec, nil
}

// CreateFingerprint enrols a record of the caller's country.
func (h *Hub) CreateFingerprint(ctx context.Context, f *lookout.Fingerprint) (*lookout.Fingerprint, error) {
	c, err := require(ctx, lookout.GrantFingerprintsWrite)
	if err != nil {
		return nil, err
	}
	ix, err := h.fingerprintIndex()
	if err != nil {
		return nil, err
	}
	if !referencePattern.MatchString(f.Reference) {
		return nil, lookout.FieldErrorf("reference", "reference %q must be 1 to 100 letters, digits and . _ / : -", f.Reference)
	}
	rec, err := parseTemplate("template", f.Template)
	if err != nil {
		return nil, err
	}
	if f.Restriction, err = restriction(f.Restriction, c.Country()); err != nil {
		return nil, err
	}
	if f.ReviewDate == "" {
		f.ReviewDate = h.now().Add(lookout.ReviewPeriodFingerprints).Format(lookout.DateLayout)
	} else if err := date("review_date", f.ReviewDate, time.Time{}); err != nil {
		return nil, err
	}
	f.Format, f.Fingers = rec.Format.String(), nil
	for _, t := range rec.Templates {
		f.Fingers = append(f.Fingers, lookout.FingerView{Position: t.Position, Minutiae: len(t.Minutiae), Quality: t.Quality})
	}
	f.OwnerCountry, f.CreatedBy = c.Country(), c.Agency.ID
	e := entry(c, "fingerprints.create", lookout.DatabaseFingerprints, "")
	e.Outcome, e.Detail = "ok", fmt.Sprintf("reference=%s format=%s fingers=%d", f.Reference, f.Format, len(f.Fingers))
	if err := h.store.InsertFingerprint(ctx, f, e); err != nil {
		return nil, err
	}
	enrol(ix, f.ID, rec)
	return f, nil
}

func (h *Hub) visibleFingerprint(ctx context.Context, c *lookout.Caller, id int64) (*lookout.Fingerprint, error) {
	fs, err := h.store.FingerprintsByID(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	if len(fs) == 0 || !lookout.Visible(fs[0].Restriction, fs[0].OwnerCountry, c.Country()) {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "fingerprint record %d not found", id)
	}
	return fs[0], nil
}

// Fingerprint returns a record the caller may see.
func (h *Hub) Fingerprint(ctx context.Context, id int64) (*lookout.Fingerprint, error) {
	c, err := require(ctx, lookout.GrantFingerprintsSearch)
	if err != nil {
		if c, err = require(ctx, lookout.GrantFingerprintsWrite); err != nil {
			return nil, err
		}
	}
	return h.visibleFingerprint(ctx, c, id)
}

// DeleteFingerprint deletes a record; only its owner may.
func (h *Hub) DeleteFingerprint(ctx context.Context, id int64) error {
	c, err := require(ctx, lookout.GrantFingerprintsWrite)
	if err != nil {
		return err
	}
	f, err := h.visibleFingerprint(ctx, c, id)
	if err != nil {
		return err
	}
	if f.OwnerCountry != c.Country() {
		return lookout.Errorf(lookout.EFORBIDDEN, "fingerprint record %d belongs to %s: only its owner deletes it", id, f.OwnerCountry)
	}
	e := entry(c, "fingerprints.delete", lookout.DatabaseFingerprints, strconv.FormatInt(id, 10))
	e.Outcome, e.Detail = "ok", "reference="+f.Reference
	if err := h.store.DeleteFingerprint(ctx, id, e); err != nil {
		return err
	}
	if h.afis != nil {
		for _, v := range f.Fingers {
			h.afis.Remove(uint64(id), v.Position)
		}
	}
	return nil
}

// SearchFingerprints returns a ranked candidate list for a probe. No
// candidate is a hit until an examiner identifies it (DecideFingerprint).
func (h *Hub) SearchFingerprints(ctx context.Context, req lookout.FingerprintSearchRequest) (*lookout.FingerprintSearchResult, error) {
	c, err := require(ctx, lookout.GrantFingerprintsSearch)
	if err != nil {
		return nil, err
	}
	ix, err := h.fingerprintIndex()
	if err != nil {
		return nil, err
	}
	rec, err := parseTemplate("template", req.Template)
	if err != nil {
		return nil, err
	}
	view := &rec.Templates[0]
	if req.Position != nil {
		view = nil
		for i := range rec.Templates {
			if rec.Templates[i].Position == *req.Position {
				view = &rec.Templates[i]
			}
		}
		if view == nil {
			return nil, lookout.FieldErrorf("position", "the probe has no finger at position %d", *req.Position)
		}
	}
	if req.Limit < 0 || req.Limit > maxFingerprintHits {
		return nil, lookout.FieldErrorf("limit", "limit must be between 1 and %d", maxFingerprintHits)
	}
	limit := req.Limit
	if limit == 0 {
		limit = 20
	}
	// Ask for more than the limit: candidates hidden from the caller by
	// their owners' restrictions are dropped afterwards.
	cands, err := ix.Search(ctx, afis.Prepare(view), limit*2)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(cands))
	for _, cand := range cands {
		ids = append(ids, int64(cand.ID))
	}
	records, err := h.store.FingerprintsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*lookout.Fingerprint{}
	for _, f := range records {
		if lookout.Visible(f.Restriction, f.OwnerCountry, c.Country()) {
			byID[f.ID] = f
		}
	}
	out := &lookout.FingerprintSearchResult{SearchID: newSearchID(), Candidates: []lookout.FingerprintCandidate{}}
	search := &lookout.Search{Audit: entry(c, "fingerprints.search", lookout.DatabaseFingerprints, out.SearchID)}
	search.Audit.Query = fmt.Sprintf("position=%d minutiae=%d", view.Position, len(view.Minutiae))
	if req.Reference != "" {
		search.Audit.Query += " reference=" + req.Reference
	}
	for _, cand := range cands {
		f := byID[int64(cand.ID)]
		if f == nil || len(out.Candidates) == limit {
			continue
		}
		rank := len(out.Candidates) + 1
		out.Candidates = append(out.Candidates, lookout.FingerprintCandidate{Rank: rank, Fingerprint: f, Position: cand.Position, Score: cand.Score})
		search.Candidates = append(search.Candidates, lookout.SearchCandidate{SearchID: out.SearchID, Database: lookout.DatabaseFingerprints,
			RecordID: f.ID, Position: cand.Position, Score: cand.Score, Rank: rank, SearchingAgency: c.Agency.ID, SearchingCountry: c.Country()})
	}
	search.Audit.Outcome = "candidates"
	if len(out.Candidates) == 0 {
		search.Audit.Outcome = lookout.OutcomeNoHit
	}
	search.Audit.Detail = fmt.Sprintf("candidates=%d", len(out.Candidates))
	if err := h.logSearch(ctx, search); err != nil {
		return nil, err
	}
	return out, nil
}

// DecideFingerprint records an examiner's decision on a candidate of one of
// the caller's country's searches (fingerprints:search, EFORBIDDEN
// without): identified opens a hit for the two NCBs; not_identified and
// inconclusive open none. Identified and not_identified are final, so a
// candidate decided so answers ECONFLICT; an inconclusive decision waits
// for better prints or a second examiner, and the next decision on the
// candidate replaces it. EINVALID for another decision or a note too long;
// ENOTFOUND for a candidate the search did not return, a search of
// another country, or a record the caller may no longer see.
func (h *Hub) DecideFingerprint(ctx context.Context, d *lookout.Decision) (*lookout.Decision, error) {
	c, err := require(ctx, lookout.GrantFingerprintsSearch)
	if err != nil {
		return nil, err
	}
	switch d.Decision {
	case lookout.DecisionIdentified, lookout.DecisionNotIdentified, lookout.DecisionInconclusive:
	default:
		return nil, lookout.FieldErrorf("decision", "decision %q is not one of identified, not_identified, inconclusive", d.Decision)
	}
	if len(d.Note) > maxRemarksLen {
		return nil, lookout.FieldErrorf("note", "note is longer than %d characters", maxRemarksLen)
	}
	cand, err := h.store.SearchCandidate(ctx, d.SearchID, d.RecordID, d.Position)
	if err != nil {
		return nil, err
	}
	if cand.Database != lookout.DatabaseFingerprints || cand.SearchingCountry != c.Country() {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "search %s returned no candidate %d at position %d", d.SearchID, d.RecordID, d.Position)
	}
	f, err := h.visibleFingerprint(ctx, c, d.RecordID)
	if err != nil {
		return nil, err
	}
	d.Database, d.AgencyID = lookout.DatabaseFingerprints, c.Agency.ID
	e := entry(c, "fingerprints.decide", lookout.DatabaseFingerprints, d.SearchID)
	e.Outcome, e.Detail = d.Decision, fmt.Sprintf("record=%d position=%d rank=%d score=%.4f", d.RecordID, d.Position, cand.Rank, cand.Score)
	var hit *lookout.Hit
	if d.Decision == lookout.DecisionIdentified {
		hit = &lookout.Hit{Database: lookout.DatabaseFingerprints, SearchID: d.SearchID, Match: "identified", Status: lookout.HitOpen,
			RecordID: f.ID, SearchingAgency: c.Agency.ID, SearchingCountry: c.Country(), OwnerCountry: f.OwnerCountry,
			Query:   fmt.Sprintf("position=%d", d.Position),
			Summary: fmt.Sprintf("fingerprint record %s finger %d identified by an examiner of %s (rank %d, score %.3f)", f.Reference, d.Position, c.Agency.ID, cand.Rank, cand.Score)}
	}
	if err := h.store.RecordDecision(ctx, d, hit, e); err != nil {
		return nil, err
	}
	return d, nil
}
