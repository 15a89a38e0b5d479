package lookout

import (
	"context"
	"slices"
	"time"
)

// Agency kinds: the tree is secretariat → one NCB per country → national
// agencies and mirrors.
const (
	KindSecretariat = "secretariat"
	KindNCB         = "ncb"
	KindAgency      = "agency"
	KindMirror      = "mirror"
)

// SecretariatCountry is the country code the secretariat acts under: ICAO's
// code for INTERPOL, so it never collides with a member country.
const SecretariatCountry = "XPO"

// Grant is a permission an agency holds for its own country.
type Grant string

// The grants of PRODUCT.md.
const (
	GrantDocumentsCheck     Grant = "documents:check"
	GrantDocumentsWrite     Grant = "documents:write"
	GrantPersonsSearch      Grant = "persons:search"
	GrantPersonsWrite       Grant = "persons:write"
	GrantNoticesRequest     Grant = "notices:request"
	GrantDNASearch          Grant = "dna:search"
	GrantDNAWrite           Grant = "dna:write"
	GrantFingerprintsSearch Grant = "fingerprints:search"
	GrantFingerprintsWrite  Grant = "fingerprints:write"
	GrantHitsFollow         Grant = "hits:follow"
	GrantMessagesSend       Grant = "messages:send"
	GrantStatsRead          Grant = "stats:read"
	GrantAuditRead          Grant = "audit:read"
	GrantAgenciesManage     Grant = "agencies:manage"
)

// AllGrants lists every grant, in a stable order.
var AllGrants = []Grant{
	GrantDocumentsCheck, GrantDocumentsWrite, GrantPersonsSearch, GrantPersonsWrite,
	GrantNoticesRequest, GrantDNASearch, GrantDNAWrite, GrantFingerprintsSearch,
	GrantFingerprintsWrite, GrantHitsFollow, GrantMessagesSend, GrantStatsRead,
	GrantAuditRead, GrantAgenciesManage,
}

// ValidGrant reports whether g is one of AllGrants.
func ValidGrant(g Grant) bool { return slices.Contains(AllGrants, g) }

// Agency is a member of the network: the secretariat, a country's NCB, or an
// agency (border post, police force) or mirror that an NCB authorised.
type Agency struct {
	ID       string  `json:"id"`
	Kind     string  `json:"kind"`
	Country  string  `json:"country"`
	Name     string  `json:"name"`
	ParentID string  `json:"parent_id,omitempty"`
	Grants   []Grant `json:"grants"`
	Disabled bool    `json:"disabled"`
	// NotifyOnSearch asks for a record.searched event whenever a record
	// this agency created is matched by another country's search.
	NotifyOnSearch bool      `json:"notify_on_search"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// HasGrant reports whether a holds g. A disabled agency holds nothing.
func (a *Agency) HasGrant(g Grant) bool {
	return !a.Disabled && slices.Contains(a.Grants, g)
}

// AgencyFilter selects agencies in a listing.
type AgencyFilter struct {
	Country  string
	ParentID string
	After    string // cursor: agencies with an ID greater than this
	Limit    int
}

// AgencyUpdate is a change to an agency; nil fields are left as they are.
type AgencyUpdate struct {
	Name     *string  `json:"name"`
	Grants   *[]Grant `json:"grants"`
	Disabled *bool    `json:"disabled"`
}

// AgencyService manages the agency tree and its credentials.
type AgencyService interface {
	// CreateAgency creates a child agency of the caller and returns it with
	// its first token, which is shown once. Returns EFORBIDDEN when the caller
	// may not create that kind of agency or grant those grants, EINVALID on
	// bad fields, ECONFLICT when the ID is taken or the country has an NCB.
	CreateAgency(ctx context.Context, a *Agency) (*Agency, string, error)
	// Agency returns an agency the caller may see: itself, its ancestors'
	// children it manages, or any for the secretariat. ENOTFOUND otherwise.
	Agency(ctx context.Context, id string) (*Agency, error)
	// Agencies lists the agencies the caller manages.
	Agencies(ctx context.Context, f AgencyFilter) ([]*Agency, string, error)
	// UpdateAgency changes an agency the caller manages (its parent, or the
	// secretariat). Disabling takes effect at once for every credential.
	UpdateAgency(ctx context.Context, id string, u AgencyUpdate) (*Agency, error)
	// IssueToken adds a bearer token for an agency the caller manages and
	// returns it; it is shown once and stored only as a hash.
	IssueToken(ctx context.Context, id string) (string, error)
	// Authenticate returns the caller that token belongs to, or
	// EUNAUTHENTICATED when it is unknown or its agency is disabled.
	Authenticate(ctx context.Context, token string) (*Caller, error)
}
