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
)

// Limits on notice fields.
const (
	maxSummaryLen    = 4000
	maxJudicialLen   = 1000
	maxDiffusionTo   = 200
	maxReasonsLen    = 4000
	maxPenaltyYears  = 200
	maxSentenceMonth = 200 * 12
)

// Checklist items the secretariat ticks before publishing. Every notice
// needs the first three; a red notice also needs the last two.
const (
	CheckNeutrality   = "neutrality"    // Art. 3: no political, military, religious or racial character
	CheckHumanRights  = "human_rights"  // Art. 2: in the spirit of the Universal Declaration of Human Rights
	CheckDataQuality  = "data_quality"  // accurate, relevant, not excessive
	CheckSeriousness  = "seriousness"   // serious ordinary-law crime, not an excluded category (red)
	CheckJudicialData = "judicial_data" // valid warrant or judicial decision, charges, laws (red)
	// Checks the hub computes itself and the reviewer cannot override.
	CheckPenalty     = "penalty_threshold"
	CheckIdentifiers = "minimum_identifiers"
)

// reviewerChecks returns the checklist items a reviewer must tick for a
// notice of type t.
func reviewerChecks(t string) []string {
	checks := []string{CheckNeutrality, CheckHumanRights, CheckDataQuality}
	if t == "red" {
		checks = append(checks, CheckSeriousness, CheckJudicialData)
	}
	return checks
}

func text(field, s string, most int, required bool) error {
	switch {
	case s == "" && required:
		return lookout.FieldErrorf(field, "%s is required", field)
	case !utf8.ValidString(s) || utf8.RuneCountInString(s) > most:
		return lookout.FieldErrorf(field, "%s must be valid text of at most %d characters", field, most)
	}
	return nil
}

// penaltyCheck says whether a red notice's judicial data pass the penalty
// threshold of its purpose, naming the field when not.
func penaltyCheck(n *lookout.Notice) error {
	switch n.Purpose {
	case lookout.PurposeProsecution:
		if n.PenaltyYears < lookout.MinPenaltyYearsProsecution {
			return lookout.FieldErrorf("penalty_years", "a red notice for prosecution needs an offence punishable by at least %g years; penalty_years is %g", lookout.MinPenaltyYearsProsecution, n.PenaltyYears)
		}
	case lookout.PurposeSentence:
		if n.SentenceMonthsLeft < lookout.MinSentenceMonthsLeft {
			return lookout.FieldErrorf("sentence_months_left", "a red notice to serve a sentence needs at least %d months left; sentence_months_left is %d", lookout.MinSentenceMonthsLeft, n.SentenceMonthsLeft)
		}
	default:
		return lookout.FieldErrorf("purpose", "purpose %q is not prosecution or sentence", n.Purpose)
	}
	return nil
}

// identifiersCheck says whether a person has the minimum identifiers of a
// red notice: name, sex, at least the year of birth, and one of a physical
// description, a DNA profile, fingerprints or an identity document.
func identifiersCheck(p *lookout.Person) error {
	switch {
	case p.Sex == "U" || p.Sex == "":
		return lookout.FieldErrorf("person.sex", "a red notice needs the person's sex")
	case p.DateOfBirth == "":
		return lookout.FieldErrorf("person.date_of_birth", "a red notice needs at least the person's year of birth")
	case p.DistinguishingMarks == "" && len(p.DNAProfiles) == 0 && len(p.Fingerprints) == 0 && len(p.IdentityDocuments) == 0:
		return lookout.FieldErrorf("person.identity_documents", "a red notice needs a physical description, a DNA profile, fingerprints or an identity document of the person")
	}
	return nil
}

// validateNotice checks the fields common to notices and diffusions and
// returns the person it is on, which the caller's country must own.
func (h *Hub) validateNotice(ctx context.Context, c *lookout.Caller, n *lookout.Notice, now time.Time) (*lookout.Person, error) {
	if n.PersonID <= 0 {
		return nil, lookout.FieldErrorf("person_id", "person_id is required")
	}
	if !slices.Contains(lookout.NoticeTypes, n.Type) {
		return nil, lookout.FieldErrorf("type", "type %q is not one of %s", n.Type, strings.Join(lookout.NoticeTypes, ", "))
	}
	if err := text("summary", n.Summary, maxSummaryLen, true); err != nil {
		return nil, err
	}
	for _, f := range []struct{ name, v string }{{"offence", n.Offence}, {"arrest_warrant", n.ArrestWarrant}, {"warrant_issued_by", n.WarrantIssuedBy}} {
		if err := text(f.name, f.v, maxJudicialLen, false); err != nil {
			return nil, err
		}
	}
	if n.PenaltyYears < 0 || n.PenaltyYears > maxPenaltyYears {
		return nil, lookout.FieldErrorf("penalty_years", "penalty_years must be between 0 and %d", maxPenaltyYears)
	}
	if n.SentenceMonthsLeft < 0 || n.SentenceMonthsLeft > maxSentenceMonth {
		return nil, lookout.FieldErrorf("sentence_months_left", "sentence_months_left must be between 0 and %d", maxSentenceMonth)
	}
	if n.Type == "red" {
		for _, f := range []struct{ name, v string }{{"offence", n.Offence}, {"arrest_warrant", n.ArrestWarrant}} {
			if f.v == "" {
				return nil, lookout.FieldErrorf(f.name, "a red notice needs its %s", f.name)
			}
		}
		if err := penaltyCheck(n); err != nil {
			return nil, err
		}
	} else if n.Purpose != "" && n.Purpose != lookout.PurposeProsecution && n.Purpose != lookout.PurposeSentence {
		return nil, lookout.FieldErrorf("purpose", "purpose %q is not prosecution or sentence", n.Purpose)
	}
	today := now.Format(lookout.DateLayout)
	if n.ExpiresOn == "" {
		n.ExpiresOn = now.Add(lookout.ValidityNotices).Format(lookout.DateLayout)
	} else if err := date("expires_on", n.ExpiresOn, time.Time{}); err != nil {
		return nil, err
	} else if n.ExpiresOn <= today || n.ExpiresOn > now.Add(lookout.ValidityNotices+48*time.Hour).Format(lookout.DateLayout) {
		return nil, lookout.FieldErrorf("expires_on", "expires_on %s must be in the future and at most five years away", n.ExpiresOn)
	}
	p, err := h.visiblePerson(ctx, c, n.PersonID)
	if lookout.ErrorCode(err) == lookout.ENOTFOUND {
		return nil, &lookout.Error{Code: lookout.ENOTFOUND, Field: "person_id", Message: fmt.Sprintf("person %d not found", n.PersonID)}
	} else if err != nil {
		return nil, err
	}
	if p.OwnerCountry != c.Country() {
		return nil, lookout.Errorf(lookout.EFORBIDDEN, "person %d belongs to %s: only its owner asks for notices on it", p.ID, p.OwnerCountry)
	}
	n.OwnerCountry, n.RequestedBy, n.ID, n.Review, n.CancelReason = c.Country(), c.Agency.ID, 0, nil, ""
	return p, nil
}

func noticeSummary(n *lookout.Notice) string {
	s := fmt.Sprintf("%s %s on person %d: %s", n.Type, n.Kind, n.PersonID, n.Status)
	if len(n.Recipients) > 0 {
		s += " to " + strings.Join(n.Recipients, " ")
	}
	return s
}

// RequestNotice asks the secretariat to publish a notice.
func (h *Hub) RequestNotice(ctx context.Context, n *lookout.Notice) (*lookout.Notice, error) {
	return h.createNotice(ctx, n, lookout.KindNotice)
}

// IssueDiffusion sends a diffusion straight to the countries it names.
func (h *Hub) IssueDiffusion(ctx context.Context, n *lookout.Notice) (*lookout.Notice, error) {
	return h.createNotice(ctx, n, lookout.KindDiffusion)
}

func (h *Hub) createNotice(ctx context.Context, n *lookout.Notice, kind string) (*lookout.Notice, error) {
	c, err := require(ctx, lookout.GrantNoticesRequest)
	if err != nil {
		return nil, err
	}
	ix, err := h.personIndex()
	if err != nil {
		return nil, err
	}
	n.Kind = kind
	if kind == lookout.KindNotice {
		if len(n.Recipients) > 0 {
			return nil, lookout.FieldErrorf("recipients", "a notice goes to every member: recipients are for diffusions")
		}
		n.Status = lookout.NoticeRequested
	} else {
		if len(n.Recipients) == 0 {
			return nil, lookout.FieldErrorf("recipients", "a diffusion needs the countries it goes to")
		}
		if n.Recipients, err = countries("recipients", n.Recipients, maxDiffusionTo); err != nil {
			return nil, err
		}
		if slices.Contains(n.Recipients, c.Country()) {
			return nil, lookout.FieldErrorf("recipients", "the owner %s is not a recipient of its own diffusion", c.Country())
		}
		slices.Sort(n.Recipients)
		n.Status = lookout.NoticeActive
	}
	if _, err := h.validateNotice(ctx, c, n, h.now()); err != nil {
		return nil, err
	}
	e := entry(c, "notices.request", lookout.DatabaseNotices, "")
	if kind == lookout.KindDiffusion {
		e.Action = "diffusions.issue"
	}
	e.Outcome, e.Detail = "ok", noticeSummary(n)
	if err := h.store.InsertNotice(ctx, n, e); err != nil {
		return nil, err
	}
	ix.putNotice(n)
	return n, nil
}

// visibleNotice returns a notice the caller may see: the notice's own rule,
// and for others than its owner and the secretariat, the person's
// restriction too.
func (h *Hub) visibleNotice(ctx context.Context, c *lookout.Caller, id int64) (*lookout.Notice, error) {
	ix, err := h.personIndex()
	if err != nil {
		return nil, err
	}
	n, err := h.store.Notice(ctx, id)
	if err != nil {
		return nil, err
	}
	if !h.noticeVisible(ix, n, c.Country(), h.now().Format(lookout.DateLayout)) {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "notice %d not found", id)
	}
	return n, nil
}

func (h *Hub) noticeVisible(ix *PersonIndex, n *lookout.Notice, country, today string) bool {
	if !lookout.NoticeVisible(n, country, today) {
		return false
	}
	if country == n.OwnerCountry || country == lookout.SecretariatCountry {
		return true
	}
	_, ok := ix.visible(n.PersonID, country)
	return ok
}

// withStatus shows an expired notice as expired.
func withStatus(n *lookout.Notice, today string) *lookout.Notice {
	if (n.Status == lookout.NoticePublished || n.Status == lookout.NoticeActive || n.Status == lookout.NoticeRequested) && n.ExpiresOn <= today {
		n.Status = lookout.NoticeExpired
	}
	return n
}

// Notice returns a notice the caller may see.
func (h *Hub) Notice(ctx context.Context, id int64) (*lookout.Notice, error) {
	c, err := requireAny(ctx, lookout.GrantPersonsSearch, lookout.GrantNoticesRequest, lookout.GrantPersonsWrite)
	if err != nil {
		return nil, err
	}
	n, err := h.visibleNotice(ctx, c, id)
	if err != nil {
		return nil, err
	}
	return withStatus(n, h.now().Format(lookout.DateLayout)), nil
}

// Notices lists the notices the caller may see, a page at a time.
func (h *Hub) Notices(ctx context.Context, f lookout.NoticeFilter) ([]*lookout.Notice, int64, error) {
	c, err := requireAny(ctx, lookout.GrantPersonsSearch, lookout.GrantNoticesRequest, lookout.GrantPersonsWrite)
	if err != nil {
		return nil, 0, err
	}
	ix, err := h.personIndex()
	if err != nil {
		return nil, 0, err
	}
	if f.Status != "" && !slices.Contains([]string{lookout.NoticeRequested, lookout.NoticePublished, lookout.NoticeRefused, lookout.NoticeActive, lookout.NoticeCancelled}, f.Status) {
		return nil, 0, lookout.FieldErrorf("status", "status %q is not one of requested, published, refused, active, cancelled", f.Status)
	}
	if f.Type != "" && !slices.Contains(lookout.NoticeTypes, f.Type) {
		return nil, 0, lookout.FieldErrorf("type", "type %q is not one of %s", f.Type, strings.Join(lookout.NoticeTypes, ", "))
	}
	if f.Kind != "" && f.Kind != lookout.KindNotice && f.Kind != lookout.KindDiffusion {
		return nil, 0, lookout.FieldErrorf("kind", "kind %q is not notice or diffusion", f.Kind)
	}
	f.Limit = min(max(f.Limit, 0), 1000)
	if f.Limit == 0 {
		f.Limit = 100
	}
	today := h.now().Format(lookout.DateLayout)
	out := []*lookout.Notice{}
	// Pages are read from the store and filtered; the cursor is the last
	// notice read, seen or not, so that no page leaks how many were hidden.
	scan := f
	scan.Limit = f.Limit
	for range 20 {
		list, err := h.store.Notices(ctx, scan)
		if err != nil {
			return nil, 0, err
		}
		for _, n := range list {
			scan.After = n.ID
			if h.noticeVisible(ix, n, c.Country(), today) {
				out = append(out, withStatus(n, today))
				if len(out) == f.Limit {
					return out, n.ID, nil
				}
			}
		}
		if len(list) < scan.Limit {
			return out, 0, nil
		}
	}
	return out, scan.After, nil
}

// ReviewNotice publishes or refuses a requested notice: the secretariat
// only. A publish needs every checklist item ticked and the checks the hub
// computes passed; otherwise it is refused and the attempt logged.
func (h *Hub) ReviewNotice(ctx context.Context, id int64, r lookout.ReviewRequest) (*lookout.Notice, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if c.Agency.Kind != lookout.KindSecretariat {
		return nil, lookout.Errorf(lookout.EFORBIDDEN, "only the secretariat reviews notices")
	}
	ix, err := h.personIndex()
	if err != nil {
		return nil, err
	}
	if r.Decision != lookout.ReviewPublish && r.Decision != lookout.ReviewRefuse {
		return nil, lookout.FieldErrorf("decision", "decision %q is not publish or refuse", r.Decision)
	}
	if err := text("reasons", r.Reasons, maxReasonsLen, r.Decision == lookout.ReviewRefuse); err != nil {
		return nil, err
	}
	n, err := h.store.Notice(ctx, id)
	if err != nil {
		return nil, err
	}
	if n.Kind != lookout.KindNotice {
		return nil, lookout.Errorf(lookout.ECONFLICT, "notice %d is a diffusion: diffusions are not reviewed before they go out", id)
	}
	if n.Status != lookout.NoticeRequested {
		return nil, lookout.Errorf(lookout.ECONFLICT, "notice %d is %s, not requested", id, n.Status)
	}
	now := h.now()
	checklist := map[string]bool{}
	for k, v := range r.Checklist {
		if !slices.Contains([]string{CheckNeutrality, CheckHumanRights, CheckDataQuality, CheckSeriousness, CheckJudicialData}, k) {
			return nil, lookout.FieldErrorf("checklist."+k, "checklist item %q is not known", k)
		}
		checklist[k] = v
	}
	if r.Decision == lookout.ReviewPublish {
		failed := h.publishChecks(ctx, n, checklist)
		if failed != nil {
			e := entry(c, "notices.review", lookout.DatabaseNotices, strconv.FormatInt(id, 10))
			e.Outcome, e.Detail = "publish_refused", lookout.ErrorField(failed)+": "+lookout.ErrorMessage(failed)
			if err := h.store.AppendAudit(ctx, e); err != nil {
				return nil, err
			}
			return nil, failed
		}
		n.Status = lookout.NoticePublished
	} else {
		n.Status = lookout.NoticeRefused
	}
	n.Review = &lookout.NoticeReview{Decision: r.Decision, Checklist: checklist, Reasons: r.Reasons, ReviewedBy: c.Agency.ID, ReviewedAt: now}
	n.Version++
	e := entry(c, "notices."+r.Decision, lookout.DatabaseNotices, strconv.FormatInt(id, 10))
	e.Outcome, e.Detail = n.Status, fmt.Sprintf("%s; checklist %v; reasons: %s", noticeSummary(n), checklist, r.Reasons)
	if err := h.store.UpdateNotice(ctx, n, e); err != nil {
		return nil, err
	}
	ix.putNotice(n)
	return n, nil
}

// publishChecks returns the first check a publish fails, as an error naming
// it, or nil. The hub's own checks are recorded in the checklist.
func (h *Hub) publishChecks(ctx context.Context, n *lookout.Notice, checklist map[string]bool) error {
	for _, k := range reviewerChecks(n.Type) {
		if !checklist[k] {
			return lookout.FieldErrorf("checklist."+k, "cannot publish: checklist item %s is not passed", k)
		}
	}
	if n.Type != "red" {
		return nil
	}
	err := penaltyCheck(n)
	checklist[CheckPenalty] = err == nil
	if err != nil {
		return lookout.FieldErrorf("checklist."+CheckPenalty, "cannot publish: %s", lookout.ErrorMessage(err))
	}
	ps, err := h.store.PersonsByID(ctx, []int64{n.PersonID})
	if err != nil {
		return err
	}
	if len(ps) == 0 {
		return lookout.Errorf(lookout.ECONFLICT, "person %d of notice %d was deleted", n.PersonID, n.ID)
	}
	err = identifiersCheck(ps[0])
	checklist[CheckIdentifiers] = err == nil
	if err != nil {
		return lookout.FieldErrorf("checklist."+CheckIdentifiers, "cannot publish: %s", lookout.ErrorMessage(err))
	}
	return nil
}

// CancelNotice cancels a notice or diffusion; only its owner may.
func (h *Hub) CancelNotice(ctx context.Context, id int64, reason string) (*lookout.Notice, error) {
	c, err := require(ctx, lookout.GrantNoticesRequest)
	if err != nil {
		return nil, err
	}
	ix, err := h.personIndex()
	if err != nil {
		return nil, err
	}
	if err := text("reason", reason, maxReasonsLen, false); err != nil {
		return nil, err
	}
	n, err := h.visibleNotice(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if n.OwnerCountry != c.Country() {
		return nil, lookout.Errorf(lookout.EFORBIDDEN, "notice %d belongs to %s: only its owner cancels it", id, n.OwnerCountry)
	}
	if n.Status != lookout.NoticeRequested && n.Status != lookout.NoticePublished && n.Status != lookout.NoticeActive {
		return nil, lookout.Errorf(lookout.ECONFLICT, "notice %d is %s already", id, n.Status)
	}
	n.Status, n.CancelReason = lookout.NoticeCancelled, reason
	n.Version++
	e := entry(c, "notices.cancel", lookout.DatabaseNotices, strconv.FormatInt(id, 10))
	e.Outcome, e.Detail = "ok", noticeSummary(n)+": "+reason
	if err := h.store.UpdateNotice(ctx, n, e); err != nil {
		return nil, err
	}
	ix.putNotice(n)
	return n, nil
}
