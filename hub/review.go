package hub

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lookout-network/lookout"
)

// ReviewNotice is how long before its review date an owner is told that a
// record will expire: six months, as the rules on processing data ask.
const ReviewNotice = 183 * 24 * time.Hour

// ReviewReport says what one review run did.
type ReviewReport struct {
	Noticed int `json:"noticed"`
	Expired int `json:"expired"`
	// Skipped counts expired records that could not be deleted in this
	// process (their database is not loaded); a later run retries them.
	Skipped int `json:"skipped,omitempty"`
}

// RunReview tells owners of the records whose review date falls within six
// months (once per review date), and expires the records whose review date
// has passed: they leave the store and the index, the audit trail keeps
// what they were.
func (h *Hub) RunReview(ctx context.Context) (ReviewReport, error) {
	var r ReviewReport
	now := h.now()
	due := now.Add(ReviewNotice).Format(lookout.DateLayout)
	for {
		docs, err := h.store.DocumentsForReview(ctx, due, true, 500)
		if err != nil || len(docs) == 0 {
			if err != nil {
				return r, err
			}
			break
		}
		for _, d := range docs {
			data, _ := json.Marshal(map[string]any{"review_date": d.ReviewDate, "summary": documentSummary(d)})
			ev := &lookout.Event{Type: lookout.EventReviewDue, Country: d.OwnerCountry, Database: lookout.DatabaseDocuments, RecordID: d.ID, Data: data}
			audit := &lookout.AuditEntry{AgencyID: systemAgency, Country: lookout.SecretariatCountry, Action: "documents.review_due", Database: lookout.DatabaseDocuments, Object: strconv.FormatInt(d.ID, 10), Outcome: "ok", Detail: "review_date " + d.ReviewDate}
			if err := h.store.NoteReviewDue(ctx, d, []*lookout.Event{ev}, audit); err != nil && !isCode(err, lookout.ECONFLICT) {
				return r, err
			}
			r.Noticed++
		}
	}
	// A record lives through its review date and expires the day after.
	yesterday := now.AddDate(0, 0, -1).Format(lookout.DateLayout)
	for {
		docs, err := h.store.DocumentsForReview(ctx, yesterday, false, 500)
		if err != nil || len(docs) == 0 {
			if err != nil {
				return r, err
			}
			break
		}
		for _, d := range docs {
			data, _ := json.Marshal(map[string]any{"review_date": d.ReviewDate, "summary": documentSummary(d)})
			ev := &lookout.Event{Type: lookout.EventRecordExpired, Country: d.OwnerCountry, Database: lookout.DatabaseDocuments, RecordID: d.ID, Data: data}
			audit := &lookout.AuditEntry{AgencyID: systemAgency, Country: lookout.SecretariatCountry, Action: "documents.expire", Database: lookout.DatabaseDocuments, Object: strconv.FormatInt(d.ID, 10), Outcome: "ok",
				Detail: documentSummary(d) + " owner=" + d.OwnerCountry + " review_date=" + d.ReviewDate}
			if err := h.store.ExpireDocument(ctx, d.ID, d.ReviewDate, []*lookout.Event{ev}, audit); isCode(err, lookout.ECONFLICT) {
				continue
			} else if err != nil {
				return r, err
			}
			h.docs.Delete(d.ID)
			r.Expired++
		}
	}
	for _, database := range []string{lookout.DatabasePersons, lookout.DatabaseDNA, lookout.DatabaseFingerprints} {
		if err := h.reviewOther(ctx, database, due, yesterday, &r); err != nil {
			return r, err
		}
	}
	if r.Noticed+r.Expired > 0 {
		h.wakeEvents()
	}
	return r, nil
}

// reviewOther reviews the records of another database than documents: the
// owner is told as for documents, and an expired record is deleted through
// the database's own deletion, as its owner would, so that it leaves that
// database's index and whatever rests on it is withdrawn.
func (h *Hub) reviewOther(ctx context.Context, database, due, yesterday string, r *ReviewReport) error {
	for {
		items, err := h.store.RecordsForReview(ctx, database, due, true, 500)
		if err != nil || len(items) == 0 {
			return err
		}
		for _, it := range items {
			data, _ := json.Marshal(map[string]any{"review_date": it.ReviewDate})
			ev := &lookout.Event{Type: lookout.EventReviewDue, Country: it.OwnerCountry, Database: database, RecordID: it.ID, Data: data}
			audit := &lookout.AuditEntry{AgencyID: systemAgency, Country: lookout.SecretariatCountry, Action: database + ".review_due", Database: database, Object: strconv.FormatInt(it.ID, 10), Outcome: "ok", Detail: "review_date " + it.ReviewDate}
			if err := h.store.NoteRecordReviewDue(ctx, it, []*lookout.Event{ev}, audit); err != nil && !isCode(err, lookout.ECONFLICT) {
				return err
			}
			r.Noticed++
		}
		if len(items) < 500 {
			break
		}
	}
	var deleters = map[string]func(context.Context, int64) error{
		lookout.DatabasePersons: h.DeletePerson, lookout.DatabaseDNA: h.DeleteDNAProfile, lookout.DatabaseFingerprints: h.DeleteFingerprint,
	}
	items, err := h.store.RecordsForReview(ctx, database, yesterday, false, 10000)
	if err != nil {
		return err
	}
	for _, it := range items {
		// The hub acts as the owner's NCB: the deletion's own audit entry
		// names it, the expiry entry below says why.
		owner := &lookout.Caller{Agency: &lookout.Agency{ID: systemAgency, Kind: lookout.KindNCB, Country: it.OwnerCountry, Grants: lookout.AllGrants}, Via: "review"}
		if err := deleters[database](lookout.NewContext(ctx, owner), it.ID); isCode(err, lookout.ENOTFOUND) {
			continue
		} else if err != nil {
			// Its index is not loaded here (lookout review run on a stopped
			// hub): the serving hub's hourly run expires it.
			h.log.Warn("record not expired", "database", database, "id", it.ID, "err", err)
			r.Skipped++
			continue
		}
		data, _ := json.Marshal(map[string]any{"review_date": it.ReviewDate})
		ev := &lookout.Event{Type: lookout.EventRecordExpired, Country: it.OwnerCountry, Database: database, RecordID: it.ID, Data: data}
		audit := &lookout.AuditEntry{AgencyID: systemAgency, Country: lookout.SecretariatCountry, Action: database + ".expire", Database: database, Object: strconv.FormatInt(it.ID, 10), Outcome: "ok", Detail: "owner=" + it.OwnerCountry + " review_date=" + it.ReviewDate}
		if err := h.store.AppendEvents(ctx, []*lookout.Event{ev}, audit); err != nil {
			return err
		}
		r.Expired++
	}
	return nil
}

// ExtendReview moves a record's review date later, with the owner's reason,
// which the audit trail keeps. Only the owner extends, by at most the
// database's review period from today.
func (h *Hub) ExtendReview(ctx context.Context, id int64, reviewDate, reason string) (*lookout.Document, error) {
	if err := date("review_date", reviewDate, time.Time{}); err != nil {
		return nil, err
	}
	if reason = strings.TrimSpace(reason); reason == "" || !utf8.ValidString(reason) || utf8.RuneCountInString(reason) > 1000 {
		return nil, lookout.FieldErrorf("reason", "reason is required (at most 1000 characters): why the record is still needed")
	}
	c, d, err := h.owned(ctx, id)
	if err != nil {
		return nil, err
	}
	now := h.now()
	if reviewDate <= d.ReviewDate {
		return nil, lookout.FieldErrorf("review_date", "review_date %s is not after the current review date %s", reviewDate, d.ReviewDate)
	}
	if limit := now.Add(lookout.ReviewPeriodDocuments).Format(lookout.DateLayout); reviewDate > limit {
		return nil, lookout.FieldErrorf("review_date", "review_date %s is more than the review period from today (latest %s)", reviewDate, limit)
	}
	before := d.ReviewDate
	d.ReviewDate, d.Version = reviewDate, d.Version+1
	e := entry(c, "documents.review_extend", lookout.DatabaseDocuments, strconv.FormatInt(id, 10))
	e.Outcome, e.Detail = "ok", "review_date "+before+" -> "+reviewDate+": "+reason
	if err := h.store.UpdateDocument(ctx, d, e); err != nil {
		return nil, err
	}
	return d, nil
}

// ReviewNow runs the review on demand for the secretariat, which answers
// for the data quality of the network.
func (h *Hub) ReviewNow(ctx context.Context) (ReviewReport, error) {
	c, err := caller(ctx)
	if err != nil {
		return ReviewReport{}, err
	}
	if c.Agency.Kind != lookout.KindSecretariat {
		return ReviewReport{}, lookout.Errorf(lookout.EFORBIDDEN, "only the secretariat runs the review of records; it also runs every hour on its own")
	}
	r, err := h.RunReview(ctx)
	if err != nil {
		return r, err
	}
	audit := entry(c, "review.run", "", "")
	audit.Outcome, audit.Detail = "ok", "noticed="+strconv.Itoa(r.Noticed)+" expired="+strconv.Itoa(r.Expired)
	return r, h.store.AppendAudit(ctx, audit)
}

// ScheduleReview runs the review now and then every interval until the hub
// closes.
func (h *Hub) ScheduleReview(every time.Duration) {
	h.loops.Add(1)
	go func() {
		defer h.loops.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if r, err := h.RunReview(h.bg); err != nil && h.bg.Err() == nil {
				h.log.Error("review of records", "err", err)
			} else if r.Noticed+r.Expired > 0 {
				h.log.Info("review of records", "noticed", r.Noticed, "expired", r.Expired)
			}
			select {
			case <-h.bg.Done():
				return
			case <-t.C:
			}
		}
	}()
}
