package http

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/lookout-network/lookout"
	"golang.org/x/time/rate"
)

// Limits are the server's defences against one caller taking it all.
type Limits struct {
	// Rate is the sustained requests per second of one agency, Burst the
	// requests it may make at once; Rate 0 means no limit.
	Rate  float64
	Burst int
	// Searches bounds the expensive searches (DNA, fingerprints, names)
	// running at once; more wait their turn, up to SearchWait.
	Searches   int
	SearchWait time.Duration
}

// DefaultLimits suit a hub on two cores: a national system that forwards
// every border post's checks under one agency stays below them, while one
// runaway client cannot take the whole server.
var DefaultLimits = Limits{Rate: 10000, Burst: 20000, Searches: 8, SearchWait: 10 * time.Second}

// limiter holds one token bucket per agency.
type limiter struct {
	limits  Limits
	mu      sync.Mutex
	buckets map[string]*rate.Limiter
	// searches is the semaphore of expensive searches.
	searches chan struct{}
}

func newLimiter(l Limits) *limiter {
	return &limiter{limits: l, buckets: map[string]*rate.Limiter{}, searches: make(chan struct{}, max(l.Searches, 1))}
}

// allow takes n tokens of agency's bucket, or says how long to wait.
func (l *limiter) allow(agency string, n int) (time.Duration, bool) {
	if l.limits.Rate <= 0 {
		return 0, true
	}
	l.mu.Lock()
	b, ok := l.buckets[agency]
	if !ok {
		b = rate.NewLimiter(rate.Limit(l.limits.Rate), l.limits.Burst)
		l.buckets[agency] = b
	}
	l.mu.Unlock()
	r := b.ReserveN(time.Now(), min(n, l.limits.Burst))
	if !r.OK() {
		return time.Second, false
	}
	if d := r.Delay(); d > 0 {
		r.Cancel()
		return d, false
	}
	return 0, true
}

// rateLimited is the error of a caller over its rate.
// Allow takes one request from an agency's budget, the one the API's
// requests draw on: the console spends the same, so a person's pages and
// the agency's machines share the agency's rate.
func (s *Server) Allow(agency string) (time.Duration, bool) { return s.limits.allow(agency, 1) }

func rateLimited(w http.ResponseWriter, wait time.Duration) error {
	return lookout.Errorf(lookout.ERATELIMITED, "too many requests from this agency: retry in %d s", RetryAfter(w, wait))
}

// RetryAfter tells the client, in a Retry-After header, to wait at least
// wait (whole seconds, at least one) and returns the seconds.
func RetryAfter(w http.ResponseWriter, wait time.Duration) int {
	secs := max(int(math.Ceil(wait.Seconds())), 1)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	return secs
}

// expensive runs fn once a search slot is free.
func (l *limiter) expensive(ctx context.Context, fn func() error) error {
	ctx, cancel := context.WithTimeout(ctx, l.limits.SearchWait)
	defer cancel()
	select {
	case l.searches <- struct{}{}:
	case <-ctx.Done():
		return lookout.Errorf(lookout.ERATELIMITED, "the server is busy with other searches: retry shortly")
	}
	defer func() { <-l.searches }()
	return fn()
}
