package hub

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/lookout-network/lookout"
)

// maxOwnByNumber bounds what OwnDocumentsByNumber returns: one number is
// held by a handful of records at most (one per type, and the batches of
// blanks around it).
const maxOwnByNumber = 100

// OwnDocumentsByNumber returns the records of the caller's own country that
// hold number: the document of that number (of any type) and the batches
// of blanks it falls in, optionally only those of one status, in ID order.
// It is the console's search of a country's records, answered from the
// document index in microseconds where [Hub.Documents] with a number scans
// every record of the country. It opens no hit and logs no search, as a
// listing does not. EINVALID names "number" or "status"; EFORBIDDEN without
// documents:write.
func (h *Hub) OwnDocumentsByNumber(ctx context.Context, number, status string) ([]*lookout.Document, error) {
	c, err := require(ctx, lookout.GrantDocumentsWrite)
	if err != nil {
		return nil, err
	}
	if number, err = canonicalNumber("number", number); err != nil {
		return nil, err
	}
	if status != "" && !slices.Contains(lookout.DocumentStatuses, status) {
		return nil, lookout.FieldErrorf("status", "status %q is not one of %s", status, strings.Join(lookout.DocumentStatuses, ", "))
	}
	ids := h.docs.Exact(c.Country(), number)
	if len(ids) == 0 {
		return []*lookout.Document{}, nil
	}
	docs, err := h.store.DocumentsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*lookout.Document, 0, len(docs))
	for _, d := range docs {
		// The index keys on the issuing country, which is the owner's for
		// every record a country makes; the store has the last word.
		if d.OwnerCountry == c.Country() && (status == "" || d.Status == status) {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b *lookout.Document) int { return cmp.Compare(a.ID, b.ID) })
	return out[:min(len(out), maxOwnByNumber)], nil
}
