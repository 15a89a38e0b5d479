// Package lookout holds the domain of the Lookout network: the types that cross
// every layer (agencies, grants, travel documents, checks, hits, audit entries),
// the application error type, and the Store interface that the embedded and the
// PostgreSQL backends implement. It imports only the standard library; the
// engines (mrz, docindex, dna, afis, names), the stores (sqlite) and the
// transports (http) depend on it, never the other way round.
package lookout

import (
	"context"
	"time"
)

// Databases searched through the network. They name the audit entries, the
// statistics and the hits.
const (
	DatabaseDocuments    = "documents"
	DatabasePersons      = "persons"
	DatabaseDNA          = "dna"
	DatabaseFingerprints = "fingerprints"
)

// Clock returns the current time. Services take one so that tests control it.
type Clock func() time.Time

// Date is a calendar date written YYYY-MM-DD in the API.
const DateLayout = "2006-01-02"

type callerKey struct{}

// NewContext returns a context that carries the authenticated caller.
func NewContext(ctx context.Context, c *Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom returns the authenticated caller of ctx, or nil.
func CallerFrom(ctx context.Context) *Caller {
	c, _ := ctx.Value(callerKey{}).(*Caller)
	return c
}

// Caller is who makes a request: an agency, authenticated by a token or a
// client certificate.
type Caller struct {
	Agency *Agency
	// Via says how the caller was authenticated: "token", "certificate" or
	// "session" (a person signed in to the console).
	Via string
	// Account is the signed-in person's user name when Via is "session".
	Account string
}

// Country is the caller's country (alpha-3), the country whose rules apply.
func (c *Caller) Country() string { return c.Agency.Country }

// Has reports whether the caller holds grant g.
func (c *Caller) Has(g Grant) bool { return c.Agency.HasGrant(g) }
