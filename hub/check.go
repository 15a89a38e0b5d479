package hub

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lookout-network/lookout"
)

// maxSimilar bounds the similar candidates one check reports.
const maxSimilar = 10

// Check looks a document up, opens a hit for every match the caller may see,
// and logs the search durably before it answers.
func (h *Hub) Check(ctx context.Context, req lookout.CheckRequest) (*lookout.CheckResult, error) {
	res, err := h.CheckBatch(ctx, []lookout.CheckRequest{req})
	if err != nil {
		return nil, err
	}
	return res[0].Result, res[0].Err
}

// CheckOutcome is the answer to one check of a batch: a result or an error.
type CheckOutcome struct {
	Result *lookout.CheckResult
	Err    error
}

// CheckBatch checks many documents and logs them all in one group commit;
// a bad request fails alone. The error is for the whole batch (no grant,
// the log cannot be written).
func (h *Hub) CheckBatch(ctx context.Context, reqs []lookout.CheckRequest) ([]CheckOutcome, error) {
	start := time.Now()
	c, err := require(ctx, lookout.GrantDocumentsCheck)
	if err != nil {
		return nil, err
	}
	out := make([]CheckOutcome, len(reqs))
	pending := make([]*pendingSearch, len(reqs))
	for i, req := range reqs {
		res, search, err := h.prepareCheck(ctx, c, req)
		if err != nil {
			out[i].Err = err
			continue
		}
		out[i].Result = res
		pending[i] = &pendingSearch{search: search, done: make(chan error, 1)}
		if err := h.enqueue(ctx, pending[i]); err != nil {
			return nil, err
		}
	}
	for i, p := range pending {
		if p == nil {
			continue
		}
		if err := <-p.done; err != nil {
			return nil, fmt.Errorf("log search: %w", err)
		}
		res := out[i].Result
		for j := range res.Matches {
			res.Matches[j].HitID = p.search.Hits[j].ID
		}
		if h.Observe != nil {
			h.Observe(lookout.DatabaseDocuments, res.Outcome, time.Since(start))
		}
	}
	return out, nil
}

// prepareCheck answers a check from the index and the store and returns the
// search to log; the answer may go out only once the search is durable.
func (h *Hub) prepareCheck(ctx context.Context, c *lookout.Caller, req lookout.CheckRequest) (*lookout.CheckResult, *lookout.Search, error) {
	res := &lookout.CheckResult{SearchID: newSearchID(), Outcome: lookout.OutcomeNoHit}
	var number, issuer string
	var err error
	switch {
	case req.MRZ != "" && (req.Number != "" || req.IssuingCountry != ""):
		return nil, nil, lookout.FieldErrorf("mrz", "give either mrz or number (with issuing_country), not both")
	case req.MRZ != "":
		var report any
		if number, issuer, report, err = parseMRZ(req.MRZ); err != nil {
			return nil, nil, err
		}
		res.MRZ = report
	default:
		if number, err = canonicalNumber("number", req.Number); err != nil {
			return nil, nil, err
		}
		if req.IssuingCountry != "" {
			if issuer, err = country("issuing_country", req.IssuingCountry); err != nil {
				return nil, nil, err
			}
		}
	}
	if res.Matches, err = h.match(ctx, c, issuer, number); err != nil {
		return nil, nil, err
	}
	query := "number=" + number
	if issuer != "" {
		query += " issuing_country=" + issuer
	}
	if req.MRZ != "" {
		query += " via=mrz"
	}
	search := &lookout.Search{Audit: entry(c, "documents.check", lookout.DatabaseDocuments, res.SearchID)}
	search.Audit.Query = query
	var detail []string
	for _, m := range res.Matches {
		if m.Match != lookout.MatchSimilar {
			res.Outcome = lookout.OutcomeHit
		} else if res.Outcome == lookout.OutcomeNoHit {
			res.Outcome = lookout.OutcomePossible
		}
		search.Hits = append(search.Hits, &lookout.Hit{
			Database: lookout.DatabaseDocuments, SearchID: res.SearchID, Match: m.Match, Status: lookout.HitOpen,
			RecordID: m.Document.ID, SearchingAgency: c.Agency.ID, SearchingCountry: c.Country(),
			OwnerCountry: m.Document.OwnerCountry, Urgent: req.Urgent, Query: query,
			Summary: documentSummary(m.Document),
		})
		detail = append(detail, fmt.Sprintf("%s:%d", m.Match, m.Document.ID))
	}
	search.Audit.Outcome, search.Audit.Detail = res.Outcome, strings.Join(detail, " ")
	return res, search, nil
}

// match finds the records number matches that the caller may see: exact and
// range matches, or, when there are none, similar candidates. Candidates
// from the index are confirmed against the store, so an index collision
// never becomes a hit.
func (h *Hub) match(ctx context.Context, c *lookout.Caller, issuer, number string) ([]lookout.DocumentMatch, error) {
	ids := h.docs.Exact(issuer, number)
	var similar []SimilarCandidate
	if len(ids) == 0 {
		similar = h.docs.Similar(issuer, number, maxSimilar)
		if len(similar) == 0 {
			return []lookout.DocumentMatch{}, nil
		}
		for _, s := range similar {
			ids = append(ids, s.ID)
		}
	}
	docs, err := h.store.DocumentsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*lookout.Document, len(docs))
	for _, d := range docs {
		if lookout.Visible(d.Restriction, d.OwnerCountry, c.Country()) && (issuer == "" || d.IssuingCountry == issuer) {
			byID[d.ID] = d
		}
	}
	out := []lookout.DocumentMatch{}
	if similar == nil {
		for _, id := range ids {
			d := byID[id]
			switch {
			case d == nil:
			case d.NumberTo == "" && d.Number == number:
				out = append(out, lookout.DocumentMatch{Match: lookout.MatchExact, Document: d})
			case d.NumberTo != "" && inRange(number, d.Number, d.NumberTo):
				out = append(out, lookout.DocumentMatch{Match: lookout.MatchRange, Document: d})
			}
		}
		return out, nil
	}
	for _, s := range similar {
		if d := byID[s.ID]; d != nil && d.Number != number {
			out = append(out, lookout.DocumentMatch{Match: lookout.MatchSimilar, Document: d, Difference: s.Difference})
		}
	}
	return out, nil
}

// inRange reports whether number lies in the blank batch from..to.
func inRange(number, from, to string) bool {
	if len(number) != len(from) {
		return false
	}
	p, d := splitRange(number)
	pf, df := splitRange(from)
	if p != pf || len(d) != len(df) {
		return false
	}
	n, err := strconv.ParseUint(d, 10, 64)
	if err != nil {
		return false
	}
	_, dt := splitRange(to)
	a, _ := strconv.ParseUint(df, 10, 64)
	b, _ := strconv.ParseUint(dt, 10, 64)
	return a <= n && n <= b
}
