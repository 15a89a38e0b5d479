package hub

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/mrz"
)

// Limits on document fields.
const (
	maxNumberLen  = 35
	maxRemarksLen = 2000
	maxRangeSize  = 10_000_000
)

// canonicalNumber returns the canonical form of a document number given in
// field, or an error naming the field.
func canonicalNumber(field, raw string) (string, error) {
	if strings.Contains(raw, "<") {
		return "", lookout.FieldErrorf(field, "%s %q contains the MRZ filler '<': give the number without fillers", field, raw)
	}
	n := mrz.CanonicalNumber(raw)
	if n == "" {
		return "", lookout.FieldErrorf(field, "%s is required", field)
	}
	if len(n) > maxNumberLen {
		return "", lookout.FieldErrorf(field, "%s %q is longer than %d characters", field, raw, maxNumberLen)
	}
	for i := 0; i < len(n); i++ {
		if c := n[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return "", lookout.FieldErrorf(field, "%s %q has a character outside A-Z 0-9", field, raw)
		}
	}
	return n, nil
}

// country returns the alpha-3 code of raw (ICAO specials accepted).
func country(field, raw string) (string, error) {
	if raw == "" {
		return "", lookout.FieldErrorf(field, "%s is required", field)
	}
	c, ok := mrz.NormalizeCountry(raw)
	if !ok {
		return "", lookout.FieldErrorf(field, "%s %q is not an ISO 3166-1 alpha-3 or ICAO country code", field, raw)
	}
	return c, nil
}

func date(field, raw string, notAfter time.Time) error {
	t, err := time.Parse(lookout.DateLayout, raw)
	if err != nil {
		return lookout.FieldErrorf(field, "%s %q is not a date YYYY-MM-DD", field, raw)
	}
	if !notAfter.IsZero() && t.After(notAfter) {
		return lookout.FieldErrorf(field, "%s %s is in the future", field, raw)
	}
	return nil
}

func restriction(r *lookout.Restriction, owner string) (*lookout.Restriction, error) {
	if r == nil || len(r.Allow) == 0 && len(r.Deny) == 0 {
		return nil, nil
	}
	if len(r.Allow) > 0 && len(r.Deny) > 0 {
		return nil, lookout.FieldErrorf("restriction", "restriction takes either allow or deny, not both")
	}
	out := &lookout.Restriction{}
	for i, raw := range r.Allow {
		c, err := country(fmt.Sprintf("restriction.allow[%d]", i), raw)
		if err != nil {
			return nil, err
		}
		out.Allow = append(out.Allow, c)
	}
	for i, raw := range r.Deny {
		c, err := country(fmt.Sprintf("restriction.deny[%d]", i), raw)
		if err != nil {
			return nil, err
		}
		if c == owner {
			return nil, lookout.FieldErrorf(fmt.Sprintf("restriction.deny[%d]", i), "the owner %s cannot deny itself", c)
		}
		out.Deny = append(out.Deny, c)
	}
	slices.Sort(out.Allow)
	slices.Sort(out.Deny)
	return out, nil
}

// splitRange splits a blank-batch bound into its letter prefix and numeric tail.
func splitRange(n string) (prefix, digits string) {
	i := len(n)
	for i > 0 && n[i-1] >= '0' && n[i-1] <= '9' {
		i--
	}
	return n[:i], n[i:]
}

// checkRange validates a blank batch number..numberTo: same length, same
// letter prefix, a numeric tail that does not go down.
func checkRange(from, to string) error {
	pf, df := splitRange(from)
	pt, dt := splitRange(to)
	if len(from) != len(to) || pf != pt || df == "" {
		return lookout.FieldErrorf("number_to", "number_to %q must have the length and letter prefix of number %q and end in digits", to, from)
	}
	a, _ := strconv.ParseUint(df, 10, 64)
	b, _ := strconv.ParseUint(dt, 10, 64)
	if b < a {
		return lookout.FieldErrorf("number_to", "number_to %q comes before number %q", to, from)
	}
	if b-a >= maxRangeSize {
		return lookout.FieldErrorf("number_to", "a batch of blanks holds at most %d numbers", maxRangeSize)
	}
	return nil
}

// validate checks and canonicalises a new document of the caller's country.
func (h *Hub) validate(c *lookout.Caller, d *lookout.Document, now time.Time) error {
	var err error
	if d.Number, err = canonicalNumber("number", d.Number); err != nil {
		return err
	}
	if d.IssuingCountry, err = country("issuing_country", d.IssuingCountry); err != nil {
		return err
	}
	if !slices.Contains(lookout.DocumentTypes, d.Type) {
		return lookout.FieldErrorf("type", "type %q is not one of %s", d.Type, strings.Join(lookout.DocumentTypes, ", "))
	}
	if !slices.Contains(lookout.DocumentStatuses, d.Status) {
		return lookout.FieldErrorf("status", "status %q is not one of %s", d.Status, strings.Join(lookout.DocumentStatuses, ", "))
	}
	if d.NumberTo != "" {
		if d.NumberTo, err = canonicalNumber("number_to", d.NumberTo); err != nil {
			return err
		}
		if d.Status != "stolen_blank" {
			return lookout.FieldErrorf("number_to", "number_to is for batches of blanks: status must be stolen_blank, not %q", d.Status)
		}
		if err := checkRange(d.Number, d.NumberTo); err != nil {
			return err
		}
	}
	if d.EventDate != "" {
		if err := date("event_date", d.EventDate, now.Add(24*time.Hour)); err != nil {
			return err
		}
	}
	if d.ReviewDate == "" {
		d.ReviewDate = now.Add(lookout.ReviewPeriodDocuments).Format(lookout.DateLayout)
	} else if err := date("review_date", d.ReviewDate, time.Time{}); err != nil {
		return err
	} else if d.ReviewDate <= now.Format(lookout.DateLayout) {
		return lookout.FieldErrorf("review_date", "review_date %s is not in the future", d.ReviewDate)
	}
	if utf8.RuneCountInString(d.Remarks) > maxRemarksLen || !utf8.ValidString(d.Remarks) {
		return lookout.FieldErrorf("remarks", "remarks must be valid text of at most %d characters", maxRemarksLen)
	}
	if d.IssuingCountry != c.Country() {
		return lookout.Errorf(lookout.EFORBIDDEN, "only %s records documents issued by %s; %s records its own", d.IssuingCountry, d.IssuingCountry, c.Country())
	}
	if d.Restriction, err = restriction(d.Restriction, c.Country()); err != nil {
		return err
	}
	d.OwnerCountry, d.CreatedBy, d.ID = c.Country(), c.Agency.ID, 0
	return nil
}

// CreateDocument records a document of the caller's own country.
func (h *Hub) CreateDocument(ctx context.Context, d *lookout.Document) (*lookout.Document, error) {
	errs, err := h.CreateDocuments(ctx, []*lookout.Document{d})
	if err != nil {
		return nil, err
	}
	if errs[0] != nil {
		return nil, errs[0]
	}
	return d, nil
}

// CreateDocuments records many documents; bad ones are refused one by one.
func (h *Hub) CreateDocuments(ctx context.Context, docs []*lookout.Document) ([]error, error) {
	c, err := require(ctx, lookout.GrantDocumentsWrite)
	if err != nil {
		return nil, err
	}
	now := h.now()
	errs := make([]error, len(docs))
	valid := make([]*lookout.Document, 0, len(docs))
	where := make([]int, 0, len(docs))
	for i, d := range docs {
		if errs[i] = h.validate(c, d, now); errs[i] == nil {
			valid = append(valid, d)
			where = append(where, i)
		}
	}
	if len(valid) == 0 {
		return errs, nil
	}
	stored, err := h.store.InsertDocuments(ctx, valid, func(d *lookout.Document) *lookout.AuditEntry {
		e := entry(c, "documents.create", lookout.DatabaseDocuments, strconv.FormatInt(d.ID, 10))
		e.Outcome, e.Detail = "ok", documentSummary(d)
		return e
	})
	if err != nil {
		return nil, err
	}
	for j, d := range valid {
		if errs[where[j]] = stored[j]; stored[j] == nil {
			if err := h.docs.Put(d.ID, d.IssuingCountry, d.Number, d.NumberTo); err != nil {
				h.log.Error("index document", "id", d.ID, "err", err)
			}
		}
	}
	return errs, nil
}

func documentSummary(d *lookout.Document) string {
	s := fmt.Sprintf("%s %s %s %s", d.IssuingCountry, d.Type, d.Number, d.Status)
	if d.NumberTo != "" {
		s += " to " + d.NumberTo
	}
	return s
}

// visibleDocument returns a document if the caller may see it.
func (h *Hub) visibleDocument(ctx context.Context, c *lookout.Caller, id int64) (*lookout.Document, error) {
	d, err := h.store.Document(ctx, id)
	if err != nil {
		return nil, err
	}
	if !lookout.Visible(d.Restriction, d.OwnerCountry, c.Country()) {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "document %d not found", id)
	}
	return d, nil
}

// Document returns a record the caller may see.
func (h *Hub) Document(ctx context.Context, id int64) (*lookout.Document, error) {
	c, err := require(ctx, lookout.GrantDocumentsCheck)
	if err != nil {
		if c, err = require(ctx, lookout.GrantDocumentsWrite); err != nil {
			return nil, err
		}
	}
	return h.visibleDocument(ctx, c, id)
}

// Documents lists the records of the caller's country.
func (h *Hub) Documents(ctx context.Context, f lookout.DocumentFilter) ([]*lookout.Document, int64, error) {
	c, err := require(ctx, lookout.GrantDocumentsWrite)
	if err != nil {
		return nil, 0, err
	}
	if c.Agency.Kind != lookout.KindSecretariat {
		f.OwnerCountry = c.Country()
	}
	if f.Number != "" {
		if f.Number, err = canonicalNumber("number", f.Number); err != nil {
			return nil, 0, err
		}
	}
	f.Limit = min(max(f.Limit, 0), 1000)
	if f.Limit == 0 {
		f.Limit = 100
	}
	list, err := h.store.Documents(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	var next int64
	if len(list) == f.Limit {
		next = list[len(list)-1].ID
	}
	return list, next, nil
}

// owned returns a document the caller owns and may change.
func (h *Hub) owned(ctx context.Context, id int64) (*lookout.Caller, *lookout.Document, error) {
	c, err := require(ctx, lookout.GrantDocumentsWrite)
	if err != nil {
		return nil, nil, err
	}
	d, err := h.visibleDocument(ctx, c, id)
	if err != nil {
		return nil, nil, err
	}
	if d.OwnerCountry != c.Country() {
		return nil, nil, lookout.Errorf(lookout.EFORBIDDEN, "document %d belongs to %s: only its owner changes it", id, d.OwnerCountry)
	}
	return c, d, nil
}

// UpdateDocument changes a record; only its owner may. With u.Version set
// the change applies only to that version of the record: ECONFLICT, naming
// the current version, when it has moved on.
func (h *Hub) UpdateDocument(ctx context.Context, id int64, u lookout.DocumentUpdate) (*lookout.Document, error) {
	c, d, err := h.owned(ctx, id)
	if err != nil {
		return nil, err
	}
	// The store writes d only if it is still at the version read here, so
	// checking the caller's version against it leaves no gap.
	if u.Version != nil {
		if *u.Version < 1 {
			return nil, lookout.FieldErrorf("version", "version %d is not a record version: versions start at 1", *u.Version)
		}
		if *u.Version != d.Version {
			return nil, &lookout.Error{Code: lookout.ECONFLICT, Field: "version",
				Message: fmt.Sprintf("document %d is at version %d, not %d: it was changed meanwhile; read it again", d.ID, d.Version, *u.Version)}
		}
	}
	before := documentSummary(d)
	if u.Type != nil {
		d.Type = *u.Type
	}
	if u.Status != nil {
		d.Status = *u.Status
	}
	if u.EventDate != nil {
		d.EventDate = *u.EventDate
	}
	if u.NumberTo != nil {
		d.NumberTo = *u.NumberTo
	}
	if u.Restriction != nil {
		d.Restriction = *u.Restriction
	}
	if u.Remarks != nil {
		d.Remarks = *u.Remarks
	}
	if u.ReviewDate != nil {
		d.ReviewDate = *u.ReviewDate
	}
	id, version, created := d.ID, d.Version, d.CreatedBy
	if err := h.validate(c, d, h.now()); err != nil {
		return nil, err
	}
	d.ID, d.Version, d.CreatedBy = id, version+1, created
	e := entry(c, "documents.update", lookout.DatabaseDocuments, strconv.FormatInt(id, 10))
	e.Outcome, e.Detail = "ok", before+" -> "+documentSummary(d)
	if err := h.store.UpdateDocument(ctx, d, e); err != nil {
		return nil, err
	}
	if err := h.docs.Put(d.ID, d.IssuingCountry, d.Number, d.NumberTo); err != nil {
		h.log.Error("index document", "id", d.ID, "err", err)
	}
	return d, nil
}

// DeleteDocument deletes a record; only its owner may.
func (h *Hub) DeleteDocument(ctx context.Context, id int64) error {
	c, d, err := h.owned(ctx, id)
	if err != nil {
		return err
	}
	e := entry(c, "documents.delete", lookout.DatabaseDocuments, strconv.FormatInt(id, 10))
	e.Outcome, e.Detail = "ok", documentSummary(d)
	if err := h.store.DeleteDocument(ctx, id, e); err != nil {
		return err
	}
	h.docs.Delete(id)
	return nil
}
