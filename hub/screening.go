package hub

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/names"
)

// Screening sizes.
const (
	maxTravellers  = 1_000_000
	screenChunk    = 4096 // travellers screened, logged and stored together
	screenPerQuery = 5    // name matches kept per traveller
)

// validateTraveller checks a traveller line and canonicalises its codes.
func validateTraveller(t *lookout.Traveller, q *names.Query) error {
	if err := personName("name", t.Name, true); err != nil {
		return err
	}
	if t.DateOfBirth != "" {
		d, err := names.ParseDate(t.DateOfBirth)
		if err != nil || strings.Contains(t.DateOfBirth, "/") {
			return lookout.FieldErrorf("date_of_birth", "date_of_birth %q is not YYYY, YYYY-MM or YYYY-MM-DD", t.DateOfBirth)
		}
		q.DateOfBirth = d
	}
	if t.Sex != "" && !slices.Contains(lookout.Sexes, t.Sex) {
		return lookout.FieldErrorf("sex", "sex %q is not one of M, F, X, U", t.Sex)
	}
	var err error
	if t.Nationality != "" {
		if t.Nationality, err = country("nationality", t.Nationality); err != nil {
			return err
		}
	}
	if t.DocumentNumber != "" {
		if t.DocumentNumber, err = canonicalNumber("document_number", t.DocumentNumber); err != nil {
			return err
		}
	}
	if t.DocumentCountry != "" {
		if t.DocumentCountry, err = country("document_country", t.DocumentCountry); err != nil {
			return err
		}
		if t.DocumentNumber == "" {
			return lookout.FieldErrorf("document_number", "document_country without document_number")
		}
	}
	q.Name, q.Sex, q.Nationality = t.Name, t.Sex, t.Nationality
	// Only matches count in a screening: nothing under the alert bar needs
	// an explanation.
	q.MinScore = names.Threshold
	return nil
}

// StartScreening stores the job and screens the travellers in the
// background. Lines that could not be read (bad) and travellers that fail
// validation are results with an error; they do not stop the others.
func (h *Hub) StartScreening(ctx context.Context, reference string, travellers []lookout.Traveller, bad []*lookout.ScreeningResult) (*lookout.Screening, error) {
	c, err := require(ctx, lookout.GrantPersonsSearch)
	if err != nil {
		return nil, err
	}
	ix, err := h.personIndex()
	if err != nil {
		return nil, err
	}
	if reference != "" && !referencePattern.MatchString(reference) {
		return nil, lookout.FieldErrorf("reference", "reference %q must be 1 to 100 letters, digits and . _ / : -", reference)
	}
	if len(travellers)+len(bad) > maxTravellers {
		return nil, lookout.Errorf(lookout.ETOOLARGE, "a screening holds at most %d travellers", maxTravellers)
	}
	if len(travellers)+len(bad) == 0 {
		return nil, lookout.Errorf(lookout.EINVALID, "the list holds no traveller")
	}
	queries := make([]names.Query, 0, len(travellers))
	good := travellers[:0:0]
	for i := range travellers {
		t := travellers[i]
		var q names.Query
		if err := validateTraveller(&t, &q); err != nil {
			bad = append(bad, &lookout.ScreeningResult{Line: t.Line, Outcome: "invalid", Error: &lookout.ScreeningError{Code: lookout.ErrorCode(err), Message: lookout.ErrorMessage(err), Field: lookout.ErrorField(err)}})
			continue
		}
		good = append(good, t)
		queries = append(queries, q)
	}
	s := &lookout.Screening{Reference: reference, Status: lookout.ScreeningRunning, AgencyID: c.Agency.ID, Country: c.Country(),
		Total: int64(len(good) + len(bad)), Done: int64(len(bad)), Invalid: int64(len(bad))}
	e := entry(c, "screenings.create", lookout.DatabasePersons, "")
	e.Outcome, e.Detail = "ok", fmt.Sprintf("reference=%s travellers=%d invalid=%d", reference, s.Total, s.Invalid)
	if err := h.store.InsertScreening(ctx, s, bad, e); err != nil {
		return nil, err
	}
	job := *s
	// The job outlives the request: it keeps the caller but not the
	// request's cancellation.
	bg := lookout.NewContext(context.WithoutCancel(ctx), c)
	go h.runScreening(bg, c, ix, &job, good, queries)
	return s, nil
}

// chunkOut is what screening one chunk produced.
type chunkOut struct {
	results []*lookout.ScreeningResult
	done    int
	err     error
}

// runScreening screens the travellers on every core, a chunk at a time;
// each traveller with a hit is logged through the group commit with its
// hits, and the chunk's results and progress are stored together.
func (h *Hub) runScreening(ctx context.Context, c *lookout.Caller, ix *PersonIndex, s *lookout.Screening, travellers []lookout.Traveller, queries []names.Query) {
	today := h.now().Format(lookout.DateLayout)
	checkDocs := c.Has(lookout.GrantDocumentsCheck)
	chunks := make(chan int)
	outs := make(chan chunkOut)
	var wg sync.WaitGroup
	for range max(runtime.GOMAXPROCS(0), 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for lo := range chunks {
				hi := min(lo+screenChunk, len(travellers))
				res, err := h.screenChunk(ctx, c, ix, s.ID, travellers[lo:hi], queries[lo:hi], today, checkDocs)
				outs <- chunkOut{results: res, done: hi - lo, err: err}
			}
		}()
	}
	go func() {
		for lo := 0; lo < len(travellers); lo += screenChunk {
			chunks <- lo
		}
		close(chunks)
		wg.Wait()
		close(outs)
	}()
	var failed error
	for o := range outs {
		if failed != nil {
			continue // drain
		}
		if o.err != nil {
			failed = o.err
			continue
		}
		s.Done += int64(o.done)
		for _, r := range o.results {
			if r.Outcome == lookout.OutcomeHit {
				s.Hits++
			}
		}
		if err := h.store.UpdateScreening(ctx, s, o.results, nil); err != nil {
			failed = err
		}
	}
	e := entry(c, "screenings.done", lookout.DatabasePersons, strconv.FormatInt(s.ID, 10))
	s.Status = lookout.ScreeningDone
	e.Outcome = "ok"
	if failed != nil {
		h.log.Error("screening failed", "screening", s.ID, "err", failed)
		s.Status, s.Error, e.Outcome = lookout.ScreeningFailed, "internal error: the screening stopped", "failed"
	}
	e.Detail = fmt.Sprintf("travellers=%d screened=%d hits=%d invalid=%d", s.Total, s.Done, s.Hits, s.Invalid)
	if err := h.store.UpdateScreening(ctx, s, nil, e); err != nil {
		h.log.Error("screening: store the end", "screening", s.ID, "err", err)
	}
}

// screenChunk screens travellers and returns the results that are not
// clear, with hit IDs, once their searches are durably logged.
func (h *Hub) screenChunk(ctx context.Context, c *lookout.Caller, ix *PersonIndex, jobID int64, travellers []lookout.Traveller, queries []names.Query, today string, checkDocs bool) ([]*lookout.ScreeningResult, error) {
	var results []*lookout.ScreeningResult
	var pending []*pendingSearch
	for i := range travellers {
		r, search, err := h.screenOne(ctx, c, ix, jobID, &travellers[i], &queries[i], today, checkDocs)
		if err != nil {
			return nil, err
		}
		if r == nil {
			continue
		}
		results = append(results, r)
		p := &pendingSearch{search: search, done: make(chan error, 1)}
		if err := h.enqueue(ctx, p); err != nil {
			return nil, err
		}
		pending = append(pending, p)
	}
	for i, p := range pending {
		if err := <-p.done; err != nil {
			return nil, fmt.Errorf("log screening hits: %w", err)
		}
		r, hits := results[i], p.search.Hits
		for j := range r.Persons {
			r.Persons[j].HitID = hits[j].ID
		}
		for j := range r.Documents {
			r.Documents[j].HitID = hits[len(r.Persons)+j].ID
		}
	}
	return results, nil
}

// screenOne checks one traveller: by name (and by the document it carries)
// against the persons with a notice or diffusion in force that the caller
// may see, and its document against the travel documents. It returns nil
// when the traveller is clear.
func (h *Hub) screenOne(ctx context.Context, c *lookout.Caller, ix *PersonIndex, jobID int64, t *lookout.Traveller, q *names.Query, today string, checkDocs bool) (*lookout.ScreeningResult, *lookout.Search, error) {
	type found struct {
		id    int64
		score float64
		expl  any
	}
	var persons []found
	for _, cand := range ix.names.Search(*q, screenPerQuery) {
		if !cand.Match {
			break // best first: the rest score lower
		}
		persons = append(persons, found{int64(cand.ID), cand.Score, cand.Explanation})
	}
	if t.DocumentNumber != "" && t.DocumentCountry != "" {
		for _, id := range ix.holders(t.DocumentCountry, t.DocumentNumber) {
			if !slices.ContainsFunc(persons, func(f found) bool { return f.id == id }) {
				persons = append(persons, found{id, 1, map[string]string{"identity_document": t.DocumentCountry + " " + t.DocumentNumber}})
			}
		}
	}
	r := &lookout.ScreeningResult{Line: t.Line, Traveller: t, Outcome: lookout.OutcomeHit}
	var ids []int64
	for _, f := range persons {
		if _, ok := ix.visible(f.id, c.Country()); !ok {
			continue
		}
		notices := ix.noticesFor(f.id, c.Country(), today, true)
		if len(notices) == 0 {
			continue
		}
		r.Persons = append(r.Persons, lookout.ScreeningPersonHit{PersonID: f.id, Score: f.score, Explanation: f.expl, Notices: notices})
		ids = append(ids, f.id)
	}
	if checkDocs && t.DocumentNumber != "" && len(h.docs.Exact(t.DocumentCountry, t.DocumentNumber)) > 0 {
		matches, err := h.match(ctx, c, t.DocumentCountry, t.DocumentNumber)
		if err != nil {
			return nil, nil, err
		}
		r.Documents = matches
	}
	if len(r.Persons) == 0 && len(r.Documents) == 0 {
		return nil, nil, nil
	}
	r.SearchID = newSearchID()
	query := fmt.Sprintf("screening=%d line=%d name=%q", jobID, t.Line, t.Name)
	if t.DateOfBirth != "" {
		query += " date_of_birth=" + t.DateOfBirth
	}
	if t.DocumentNumber != "" {
		query += " document=" + strings.TrimSpace(t.DocumentCountry+" "+t.DocumentNumber)
	}
	search := &lookout.Search{Audit: entry(c, "screenings.match", lookout.DatabasePersons, r.SearchID)}
	if len(r.Persons) == 0 {
		search.Audit.Database = lookout.DatabaseDocuments
	}
	search.Audit.Query, search.Audit.Outcome = query, lookout.OutcomeHit
	var detail []string
	if len(ids) > 0 {
		ps, err := h.store.PersonsByID(ctx, ids)
		if err != nil {
			return nil, nil, err
		}
		for i := range r.Persons {
			ph := &r.Persons[i]
			at := slices.IndexFunc(ps, func(p *lookout.Person) bool { return p.ID == ph.PersonID })
			if at < 0 {
				return nil, nil, fmt.Errorf("person %d is indexed but not stored", ph.PersonID)
			}
			ph.Name = ps[at].Name
			search.Hits = append(search.Hits, personHit(c, r.SearchID, query, ps[at], ph.Score, ph.Notices, today))
			detail = append(detail, fmt.Sprintf("person:%d", ph.PersonID))
		}
	}
	for _, m := range r.Documents {
		search.Hits = append(search.Hits, &lookout.Hit{
			Database: lookout.DatabaseDocuments, SearchID: r.SearchID, Match: m.Match, Status: lookout.HitOpen,
			RecordID: m.Document.ID, SearchingAgency: c.Agency.ID, SearchingCountry: c.Country(),
			OwnerCountry: m.Document.OwnerCountry, Query: query, Summary: documentSummary(m.Document),
		})
		detail = append(detail, fmt.Sprintf("%s:%d", m.Match, m.Document.ID))
	}
	search.Audit.Detail = strings.Join(detail, " ")
	return r, search, nil
}

// screening returns a job of the caller's country.
func (h *Hub) screening(ctx context.Context, id int64) (*lookout.Screening, error) {
	c, err := require(ctx, lookout.GrantPersonsSearch)
	if err != nil {
		return nil, err
	}
	s, err := h.store.Screening(ctx, id)
	if err != nil {
		return nil, err
	}
	if s.Country != c.Country() && c.Country() != lookout.SecretariatCountry {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "screening %d not found", id)
	}
	return s, nil
}

// Screening returns a job of the caller's country with its progress.
func (h *Hub) Screening(ctx context.Context, id int64) (*lookout.Screening, error) {
	return h.screening(ctx, id)
}

// ScreeningResults returns up to limit results of a job after line after.
func (h *Hub) ScreeningResults(ctx context.Context, id int64, after, limit int) ([]*lookout.ScreeningResult, error) {
	if _, err := h.screening(ctx, id); err != nil {
		return nil, err
	}
	return h.store.ScreeningResults(ctx, id, after, min(max(limit, 1), 10000))
}
