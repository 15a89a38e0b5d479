package hub

import (
	"context"

	"github.com/lookout-network/lookout"
)

// Hits lists the hits the caller's country is party to; the secretariat sees
// them all.
func (h *Hub) Hits(ctx context.Context, f lookout.HitFilter) ([]*lookout.Hit, int64, error) {
	c, err := require(ctx, lookout.GrantHitsFollow)
	if err != nil {
		return nil, 0, err
	}
	f.Country = c.Country()
	if c.Agency.Kind == lookout.KindSecretariat {
		f.Country = ""
	}
	f.Limit = min(max(f.Limit, 0), 1000)
	if f.Limit == 0 {
		f.Limit = 100
	}
	list, err := h.store.Hits(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	var next int64
	if len(list) == f.Limit {
		next = list[len(list)-1].ID
	}
	return list, next, nil
}

// Hit returns one hit if the caller's country is party to it.
func (h *Hub) Hit(ctx context.Context, id int64) (*lookout.Hit, error) {
	c, err := require(ctx, lookout.GrantHitsFollow)
	if err != nil {
		return nil, err
	}
	hit, err := h.store.Hit(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.Agency.Kind != lookout.KindSecretariat && hit.SearchingCountry != c.Country() && hit.OwnerCountry != c.Country() {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "hit %d not found", id)
	}
	return hit, nil
}

// AuditEntries lists audit entries: an NCB those of its own country, the
// secretariat all.
func (h *Hub) AuditEntries(ctx context.Context, f lookout.AuditFilter) ([]*lookout.AuditEntry, error) {
	c, err := require(ctx, lookout.GrantAuditRead)
	if err != nil {
		return nil, err
	}
	if c.Agency.Kind != lookout.KindSecretariat {
		f.Country = c.Country()
	}
	return h.store.AuditEntries(ctx, f)
}

// Changes returns the change feed after since, for mirrors and peers; it
// needs documents:check (a mirror answers checks).
func (h *Hub) Changes(ctx context.Context, since int64, limit int) ([]lookout.Change, error) {
	if _, err := require(ctx, lookout.GrantDocumentsCheck); err != nil {
		return nil, err
	}
	if since < 0 {
		return nil, lookout.FieldErrorf("since", "since must not be negative")
	}
	return h.store.Changes(ctx, since, limit)
}
