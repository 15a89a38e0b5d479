// Package hub implements Lookout's services: the rules of who may see and
// change what, the document checks over the in-memory index, hits, and the
// audit trail's group commit. It is built on a lookout.Store and the engines;
// the HTTP layer and the command line call it through the lookout service
// interfaces.
package hub

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/afis"
	"github.com/lookout-network/lookout/dna"
)

// DocumentIndex is what the hub needs of the travel-document index: candidate
// record IDs for a number, which the hub confirms against the store.
type DocumentIndex interface {
	// Put indexes a single document or, when numberTo is not empty, a batch
	// of blanks from number to numberTo.
	Put(id int64, country, number, numberTo string) error
	// Delete removes a record from the index.
	Delete(id int64)
	// Exact returns the IDs of records that may hold number (in country, or
	// in any country when country is ""), ranges included.
	Exact(country, number string) []int64
	// Similar returns up to limit records that are an OCR confusion or one
	// edit away from number, best first, with what differs.
	Similar(country, number string, limit int) []SimilarCandidate
	// Len is the number of records indexed.
	Len() int
}

// SimilarCandidate is a record the similar lane proposes.
type SimilarCandidate struct {
	ID         int64
	Difference string
}

// Hub is the application: services over a store and the indexes.
type Hub struct {
	store lookout.Store
	docs  DocumentIndex
	dna   *dna.Index
	// dnaPops are the allele frequencies of the DNA upload rules;
	// dnaAdded counts profiles added since start, for compaction.
	dnaPops  dna.Populations
	dnaAdded atomic.Int64
	afis     *afis.Index
	// persons is the nominal database in memory (person.go).
	persons *PersonIndex
	log     *slog.Logger
	now     lookout.Clock

	// Observe, when set, is told of every check (for metrics).
	Observe func(database, outcome string, elapsed time.Duration)

	searches chan *pendingSearch
	stopped  chan struct{}
	closing  sync.Once

	authMu    sync.RWMutex
	authCache map[string]*lookout.Agency // token hash → agency with effective grants

	// followup holds deadlines, events, message keys and webhooks (case.go).
	followup
}

var (
	_ lookout.AgencyService      = (*Hub)(nil)
	_ lookout.DocumentService    = (*Hub)(nil)
	_ lookout.HitService         = (*Hub)(nil)
	_ lookout.AuditService       = (*Hub)(nil)
	_ lookout.DNAService         = (*Hub)(nil)
	_ lookout.FingerprintService = (*Hub)(nil)
	_ lookout.PersonService      = (*Hub)(nil)
	_ lookout.NoticeService      = (*Hub)(nil)
	_ lookout.ScreeningService   = (*Hub)(nil)
)

// New returns a hub over store and the document index, which the caller
// has loaded (see LoadDocumentIndex). Close stops it.
func New(store lookout.Store, docs DocumentIndex, log *slog.Logger) *Hub {
	h := &Hub{
		store:     store,
		docs:      docs,
		log:       log,
		now:       lookout.Now,
		searches:  make(chan *pendingSearch, 4096),
		stopped:   make(chan struct{}),
		authCache: map[string]*lookout.Agency{},
	}
	h.initFollowup()
	go h.commitSearches()
	return h
}

// Close waits until every search already accepted is durably logged.
func (h *Hub) Close() error {
	h.closing.Do(func() { close(h.searches) })
	<-h.stopped
	h.stopFollowup()
	return nil
}

type pendingSearch struct {
	search *lookout.Search
	done   chan error
}

// maxGroup bounds how many searches share one transaction.
const maxGroup = 2048

// commitSearches is the group commit: while one transaction is being flushed,
// the searches that arrive queue up and go together in the next.
func (h *Hub) commitSearches() {
	defer close(h.stopped)
	group := make([]*pendingSearch, 0, maxGroup)
	batch := make([]*lookout.Search, 0, maxGroup)
	for p := range h.searches {
		group = append(group[:0], p)
	drain:
		for len(group) < maxGroup {
			select {
			case q, ok := <-h.searches:
				if !ok {
					break drain
				}
				group = append(group, q)
			default:
				break drain
			}
		}
		batch = batch[:0]
		for _, p := range group {
			batch = append(batch, p.search)
		}
		hits := h.stampDeadlines(batch)
		err := h.store.RecordSearches(context.Background(), batch)
		if err != nil {
			h.log.Error("log searches", "searches", len(batch), "err", err)
		} else if hits {
			h.wakeEvents()
		}
		for _, p := range group {
			p.done <- err
		}
	}
}

// logSearch hands one search to the group commit and waits until it is
// durable: the answer of a search may leave only then.
func (h *Hub) logSearch(ctx context.Context, s *lookout.Search) error {
	p := &pendingSearch{search: s, done: make(chan error, 1)}
	if err := h.enqueue(ctx, p); err != nil {
		return err
	}
	if err := <-p.done; err != nil {
		return fmt.Errorf("log search: %w", err)
	}
	return nil
}

// enqueue hands p to the group commit; p.done answers once it is durable.
func (h *Hub) enqueue(ctx context.Context, p *pendingSearch) (err error) {
	defer func() {
		if recover() != nil { // the hub is closing: refuse rather than lose
			err = lookout.Errorf(lookout.EINTERNAL, "server is shutting down")
		}
	}()
	select {
	case h.searches <- p:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// newSearchID returns a random search identifier.
func newSearchID() string {
	var b [12]byte
	rand.Read(b[:])
	return "s_" + hex.EncodeToString(b[:])
}

// caller returns the authenticated caller or EUNAUTHENTICATED.
func caller(ctx context.Context) (*lookout.Caller, error) {
	c := lookout.CallerFrom(ctx)
	if c == nil || c.Agency == nil {
		return nil, lookout.Errorf(lookout.EUNAUTHENTICATED, "authentication required")
	}
	return c, nil
}

// require returns the caller if it holds grant g, EFORBIDDEN otherwise.
func require(ctx context.Context, g lookout.Grant) (*lookout.Caller, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if !c.Has(g) {
		return nil, lookout.Errorf(lookout.EFORBIDDEN, "agency %q does not hold the grant %s", c.Agency.ID, g)
	}
	return c, nil
}

// entry starts an audit entry for the caller.
func entry(c *lookout.Caller, action, database, object string) *lookout.AuditEntry {
	return &lookout.AuditEntry{AgencyID: c.Agency.ID, Country: c.Country(), Account: c.Account, Action: action, Database: database, Object: object}
}

func isCode(err error, code string) bool {
	var e *lookout.Error
	return errors.As(err, &e) && e.Code == code
}
