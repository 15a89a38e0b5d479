package hub

import (
	"context"

	"github.com/lookout-network/lookout"
)

// UnreadWindow is how many of an inbox's newest messages InboxUnread looks
// at: a dashboard figure must cost one bounded read, however long the
// agency has been receiving messages.
const UnreadWindow = 200

// InboxUnread counts the messages of the caller's agency inbox that the
// agency has not read yet, among the UnreadWindow newest. more reports that
// older messages may be unread too: the window was full and its oldest
// message is unread. It reads the routing of messages only, never their
// sealed content, and records nothing (counting is not reading).
// EUNAUTHENTICATED without a caller.
func (h *Hub) InboxUnread(ctx context.Context) (n int, more bool, err error) {
	c, err := caller(ctx)
	if err != nil {
		return 0, false, err
	}
	list, err := h.store.Messages(ctx, lookout.MessageFilter{AgencyID: c.Agency.ID, Box: "inbox", Limit: UnreadWindow})
	if err != nil {
		return 0, false, err
	}
	unread := false
	for _, m := range list {
		_, read := m.ReadAt[c.Agency.ID]
		if unread = !read; unread {
			n++
		}
	}
	return n, len(list) == UnreadWindow && unread, nil
}

// NCBOfCountry returns the NCB of a country, the agency a message to that
// country on a case goes to. NCBs are the network's public directory, so
// any caller may ask. EINVALID on a malformed country, ENOTFOUND when the
// country has no NCB or its NCB is disabled.
func (h *Hub) NCBOfCountry(ctx context.Context, cc string) (*lookout.Agency, error) {
	if _, err := caller(ctx); err != nil {
		return nil, err
	}
	cc, err := country("country", cc)
	if err != nil {
		return nil, err
	}
	var ncb *lookout.Agency
	err = h.eachAgency(ctx, lookout.AgencyFilter{Country: cc}, func(a *lookout.Agency) bool {
		if a.Kind == lookout.KindNCB && !a.Disabled {
			ncb = a
		}
		return ncb == nil
	})
	if err != nil {
		return nil, err
	}
	if ncb == nil {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "%s has no NCB in the network", cc)
	}
	return ncb, nil
}
