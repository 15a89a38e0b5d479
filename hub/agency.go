package hub

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/mrz"
)

var agencyIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,62}$`)

// NewToken returns a fresh bearer token (256 random bits) and its hash.
func NewToken() (token string, hash []byte) {
	var b [32]byte
	rand.Read(b[:])
	token = "lk_" + base64.RawURLEncoding.EncodeToString(b[:])
	return token, HashToken(token)
}

// HashToken is how tokens are stored: high-entropy tokens need no slow hash.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// Bootstrap creates the secretariat of an empty store and returns it with its
// token. ECONFLICT when the store has one already.
func Bootstrap(ctx context.Context, store lookout.Store, id string) (*lookout.Agency, string, error) {
	if id == "" {
		id = "secretariat"
	}
	a := &lookout.Agency{ID: id, Kind: lookout.KindSecretariat, Country: lookout.SecretariatCountry, Name: "General Secretariat", Grants: slices.Clone(lookout.AllGrants)}
	token, hash := NewToken()
	audit := &lookout.AuditEntry{AgencyID: id, Country: a.Country, Action: "agency.create", Object: id, Outcome: "ok", Detail: "bootstrap secretariat"}
	if existing, err := store.Agencies(ctx, lookout.AgencyFilter{Limit: 1}); err != nil {
		return nil, "", err
	} else if len(existing) > 0 {
		return nil, "", lookout.Errorf(lookout.ECONFLICT, "store is initialised already")
	}
	if err := store.CreateAgency(ctx, a, hash, audit); err != nil {
		return nil, "", err
	}
	return a, token, nil
}

// CreateAgency creates a child agency of the caller.
func (h *Hub) CreateAgency(ctx context.Context, a *lookout.Agency) (*lookout.Agency, string, error) {
	c, err := require(ctx, lookout.GrantAgenciesManage)
	if err != nil {
		return nil, "", err
	}
	parent := c.Agency
	switch {
	case a.Kind != lookout.KindNCB && a.Kind != lookout.KindAgency && a.Kind != lookout.KindMirror:
		return nil, "", lookout.FieldErrorf("kind", "kind %q is not one of ncb, agency, mirror", a.Kind)
	case a.Kind == lookout.KindNCB && parent.Kind != lookout.KindSecretariat:
		return nil, "", lookout.Errorf(lookout.EFORBIDDEN, "only the secretariat creates NCBs")
	case a.Kind != lookout.KindNCB && parent.Kind != lookout.KindNCB:
		return nil, "", lookout.Errorf(lookout.EFORBIDDEN, "only an NCB creates agencies and mirrors, under its own country")
	}
	country, ok := mrz.NormalizeCountry(a.Country)
	if !ok || country == lookout.SecretariatCountry {
		return nil, "", lookout.FieldErrorf("country", "country %q is not an ISO 3166-1 alpha-3 code", a.Country)
	}
	a.Country = country
	if a.Kind != lookout.KindNCB && a.Country != parent.Country {
		return nil, "", lookout.Errorf(lookout.EFORBIDDEN, "NCB %s creates agencies of %s only, not of %s", parent.ID, parent.Country, a.Country)
	}
	if a.ID == "" {
		var b [4]byte
		rand.Read(b[:])
		a.ID = fmt.Sprintf("%s-%s-%x", strings.ToLower(a.Country), a.Kind, b)
	}
	if !agencyIDPattern.MatchString(a.ID) {
		return nil, "", lookout.FieldErrorf("id", "id %q must be 2 to 63 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit", a.ID)
	}
	if a.Name = strings.TrimSpace(a.Name); a.Name == "" || len(a.Name) > 200 {
		return nil, "", lookout.FieldErrorf("name", "name must be 1 to 200 characters")
	}
	if a.Grants == nil && a.Kind == lookout.KindNCB {
		a.Grants = slices.Clone(lookout.AllGrants)
	}
	if err := checkGrants(a.Grants, parent); err != nil {
		return nil, "", err
	}
	a.ParentID, a.Disabled = parent.ID, false
	token, hash := NewToken()
	audit := entry(c, "agency.create", "", a.ID)
	audit.Outcome, audit.Detail = "ok", fmt.Sprintf("kind=%s country=%s grants=%v", a.Kind, a.Country, a.Grants)
	if err := h.store.CreateAgency(ctx, a, hash, audit); err != nil {
		return nil, "", err
	}
	return a, token, nil
}

// checkGrants refuses grants that are unknown or that parent does not hold.
func checkGrants(grants []lookout.Grant, parent *lookout.Agency) error {
	for i, g := range grants {
		if !lookout.ValidGrant(g) {
			return lookout.FieldErrorf(fmt.Sprintf("grants[%d]", i), "grant %q is unknown", g)
		}
		if !parent.HasGrant(g) {
			return lookout.Errorf(lookout.EFORBIDDEN, "agency %s cannot give the grant %s: it does not hold it", parent.ID, g)
		}
	}
	return nil
}

// manages reports whether c may manage agency a: its parent, or the secretariat.
func manages(c *lookout.Caller, a *lookout.Agency) bool {
	return c.Has(lookout.GrantAgenciesManage) && (a.ParentID == c.Agency.ID || c.Agency.Kind == lookout.KindSecretariat)
}

// Agency returns an agency the caller may see.
func (h *Hub) Agency(ctx context.Context, id string) (*lookout.Agency, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	a, err := h.store.Agency(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.ID != c.Agency.ID && !manages(c, a) && !(a.Kind == lookout.KindNCB || a.Kind == lookout.KindSecretariat) {
		// NCBs and the secretariat are the network's public directory;
		// national agencies are visible only to their NCB.
		return nil, lookout.Errorf(lookout.ENOTFOUND, "agency %q not found", id)
	}
	return a, nil
}

// Agencies lists the agencies the caller manages (all for the secretariat).
func (h *Hub) Agencies(ctx context.Context, f lookout.AgencyFilter) ([]*lookout.Agency, string, error) {
	c, err := require(ctx, lookout.GrantAgenciesManage)
	if err != nil {
		return nil, "", err
	}
	if c.Agency.Kind != lookout.KindSecretariat {
		f.ParentID = c.Agency.ID
	}
	f.Limit = min(max(f.Limit, 1), 1000)
	if f.Limit == 1 {
		f.Limit = 100
	}
	list, err := h.store.Agencies(ctx, f)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(list) == f.Limit {
		next = list[len(list)-1].ID
	}
	return list, next, nil
}

// UpdateAgency changes an agency the caller manages.
func (h *Hub) UpdateAgency(ctx context.Context, id string, u lookout.AgencyUpdate) (*lookout.Agency, error) {
	c, err := require(ctx, lookout.GrantAgenciesManage)
	if err != nil {
		return nil, err
	}
	a, err := h.store.Agency(ctx, id)
	if err != nil {
		return nil, err
	}
	if !manages(c, a) {
		return nil, lookout.Errorf(lookout.EFORBIDDEN, "agency %s does not manage agency %s", c.Agency.ID, id)
	}
	if u.Name != nil {
		if n := strings.TrimSpace(*u.Name); n == "" || len(n) > 200 {
			return nil, lookout.FieldErrorf("name", "name must be 1 to 200 characters")
		}
		a.Name = strings.TrimSpace(*u.Name)
	}
	if u.Grants != nil {
		if err := checkGrants(*u.Grants, c.Agency); err != nil {
			return nil, err
		}
		a.Grants = *u.Grants
	}
	if u.Disabled != nil {
		a.Disabled = *u.Disabled
	}
	audit := entry(c, "agency.update", "", a.ID)
	audit.Outcome, audit.Detail = "ok", fmt.Sprintf("grants=%v disabled=%t", a.Grants, a.Disabled)
	if err := h.store.UpdateAgency(ctx, a, audit); err != nil {
		return nil, err
	}
	h.forgetCredentials()
	return a, nil
}

// IssueToken adds a bearer token for an agency the caller manages.
func (h *Hub) IssueToken(ctx context.Context, id string) (string, error) {
	c, err := require(ctx, lookout.GrantAgenciesManage)
	if err != nil {
		return "", err
	}
	a, err := h.store.Agency(ctx, id)
	if err != nil {
		return "", err
	}
	if !manages(c, a) {
		return "", lookout.Errorf(lookout.EFORBIDDEN, "agency %s does not manage agency %s", c.Agency.ID, id)
	}
	if err := holdsAll(c, a); err != nil {
		return "", err
	}
	token, hash := NewToken()
	if err := h.store.AddToken(ctx, id, hash, withOutcome(entry(c, "agency.token", "", id), "ok")); err != nil {
		return "", err
	}
	return token, nil
}

// holdsAll refuses a credential for an agency holding a grant the caller
// does not: a person whose account is narrowed must not mint a token (or a
// certificate) that acts with more than they may. An NCB's own token holds
// every grant of its agencies, so it is never refused here.
func holdsAll(c *lookout.Caller, a *lookout.Agency) error {
	for _, g := range a.Grants {
		if !c.Has(g) {
			return lookout.Errorf(lookout.EFORBIDDEN, "agency %s holds the grant %s, which you do not: a credential for it would act beyond your grants", a.ID, g)
		}
	}
	return nil
}

func withOutcome(e *lookout.AuditEntry, outcome string) *lookout.AuditEntry {
	e.Outcome = outcome
	return e
}

// Authenticate returns the caller a token belongs to, with its effective
// grants: its own, narrowed by those of every ancestor, none if any is
// disabled.
func (h *Hub) Authenticate(ctx context.Context, token string) (*lookout.Caller, error) {
	hash := HashToken(token)
	h.authMu.RLock()
	a, ok := h.authCache[string(hash)]
	h.authMu.RUnlock()
	if !ok {
		var err error
		if a, err = h.store.AgencyByToken(ctx, hash); isCode(err, lookout.ENOTFOUND) {
			return nil, lookout.Errorf(lookout.EUNAUTHENTICATED, "unknown or revoked token")
		} else if err != nil {
			return nil, err
		}
		if a, err = h.effective(ctx, a); err != nil {
			return nil, err
		}
		h.authMu.Lock()
		h.authCache[string(hash)] = a
		h.authMu.Unlock()
	}
	if a.Disabled {
		return nil, lookout.Errorf(lookout.EUNAUTHENTICATED, "agency %s is disabled", a.ID)
	}
	return &lookout.Caller{Agency: a, Via: "token"}, nil
}

// AuthenticateAgency returns the caller for an agency ID established by
// other means (a verified client certificate).
func (h *Hub) AuthenticateAgency(ctx context.Context, id string) (*lookout.Caller, error) {
	a, err := h.store.Agency(ctx, id)
	if isCode(err, lookout.ENOTFOUND) {
		return nil, lookout.Errorf(lookout.EUNAUTHENTICATED, "unknown agency %q", id)
	} else if err != nil {
		return nil, err
	}
	if a, err = h.effective(ctx, a); err != nil {
		return nil, err
	}
	if a.Disabled {
		return nil, lookout.Errorf(lookout.EUNAUTHENTICATED, "agency %s is disabled", a.ID)
	}
	return &lookout.Caller{Agency: a, Via: "certificate"}, nil
}

func (h *Hub) effective(ctx context.Context, a *lookout.Agency) (*lookout.Agency, error) {
	eff := *a
	for p := a.ParentID; p != ""; {
		parent, err := h.store.Agency(ctx, p)
		if err != nil {
			return nil, fmt.Errorf("agency %s parent %s: %w", a.ID, p, err)
		}
		eff.Disabled = eff.Disabled || parent.Disabled
		eff.Grants = slices.DeleteFunc(slices.Clone(eff.Grants), func(g lookout.Grant) bool { return !slices.Contains(parent.Grants, g) })
		p = parent.ParentID
	}
	return &eff, nil
}

// forgetCredentials drops cached credentials so that a change to any agency
// (disabled, grants narrowed) applies to the very next request.
func (h *Hub) forgetCredentials() {
	h.authMu.Lock()
	clear(h.authCache)
	h.authMu.Unlock()
}
