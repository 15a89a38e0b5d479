package lookout

import (
	"context"
	"slices"
	"time"
)

// NoticeTypes are the colour-coded notices and the INTERPOL–UN Security
// Council special notice.
var NoticeTypes = []string{"red", "yellow", "blue", "black", "green", "orange", "purple", "un_special"}

// DatabaseNotices names notices and diffusions in the change feed; their
// searches and hits count under DatabasePersons.
const DatabaseNotices = "notices"

// Notice kinds: a notice is reviewed by the secretariat and goes to every
// member; a diffusion goes from an NCB straight to the countries it names.
const (
	KindNotice    = "notice"
	KindDiffusion = "diffusion"
)

// Notice statuses. A notice is requested, then published or refused by the
// secretariat; a diffusion is active from the start. The owner cancels
// either; both expire at ExpiresOn unless extended.
const (
	NoticeRequested = "requested"
	NoticePublished = "published"
	NoticeRefused   = "refused"
	NoticeActive    = "active"
	NoticeCancelled = "cancelled"
	NoticeExpired   = "expired"
)

// Purposes of a red notice, which set its penalty threshold.
const (
	PurposeProsecution = "prosecution"
	PurposeSentence    = "sentence"
)

// Red-notice penalty thresholds: an offence punishable by at least two
// years' deprivation of liberty, or at least six months of a sentence left
// to serve.
const (
	MinPenaltyYearsProsecution = 2.0
	MinSentenceMonthsLeft      = 6
)

// ValidityNotices is how long a notice or diffusion is in force unless its
// owner extends it: five years, as the person record it rests on.
const ValidityNotices = 5 * 365 * 24 * time.Hour

// Notice is a notice or a diffusion on a person.
type Notice struct {
	ID       int64  `json:"id,string"`
	Kind     string `json:"kind"`
	PersonID int64  `json:"person_id,string"`
	Type     string `json:"type"`
	Status   string `json:"status"`
	Summary  string `json:"summary"`
	// Judicial data (red notices and arrest diffusions): the offence, what
	// the person is wanted for, the maximum penalty or the sentence left,
	// and the warrant or judicial decision.
	Offence            string  `json:"offence,omitempty"`
	Purpose            string  `json:"purpose,omitempty"`
	PenaltyYears       float64 `json:"penalty_years,omitempty"`
	SentenceMonthsLeft int     `json:"sentence_months_left,omitempty"`
	ArrestWarrant      string  `json:"arrest_warrant,omitempty"`
	WarrantIssuedBy    string  `json:"warrant_issued_by,omitempty"`
	// Recipients are the countries a diffusion goes to.
	Recipients   []string      `json:"recipients,omitempty"`
	OwnerCountry string        `json:"owner_country"`
	RequestedBy  string        `json:"requested_by"`
	Review       *NoticeReview `json:"review,omitempty"`
	ExpiresOn    string        `json:"expires_on"`
	CancelReason string        `json:"cancel_reason,omitempty"`
	CreatedAt    time.Time     `json:"created_at"`
	UpdatedAt    time.Time     `json:"updated_at"`
	Version      int64         `json:"version"`
}

// Review decisions of the secretariat.
const (
	ReviewPublish = "publish"
	ReviewRefuse  = "refuse"
)

// NoticeReview is the secretariat's decision on a requested notice.
type NoticeReview struct {
	Decision   string          `json:"decision"`
	Checklist  map[string]bool `json:"checklist"`
	Reasons    string          `json:"reasons"`
	ReviewedBy string          `json:"reviewed_by"`
	ReviewedAt time.Time       `json:"reviewed_at"`
}

// InForce reports whether n may match: a published notice or an active
// diffusion whose validity has not run out on day today (YYYY-MM-DD).
func (n *Notice) InForce(today string) bool {
	return (n.Status == NoticePublished || n.Status == NoticeActive) && n.ExpiresOn > today
}

// NoticeVisible reports whether country may see n: its owner and the
// secretariat see it in every state; others see a notice once published and
// a diffusion only if they are among its recipients, and only while in
// force. The person's own restriction applies on top (see [Visible]).
func NoticeVisible(n *Notice, country, today string) bool {
	switch {
	case country == n.OwnerCountry || country == SecretariatCountry:
		return true
	case !n.InForce(today):
		return false
	case n.Kind == KindDiffusion:
		return slices.Contains(n.Recipients, country)
	default:
		return true
	}
}

// NoticeFilter selects notices in a listing.
type NoticeFilter struct {
	PersonID int64
	Status   string
	Type     string
	Kind     string
	After    int64
	Limit    int
}

// ReviewRequest is the secretariat's decision on a requested notice.
type ReviewRequest struct {
	Decision  string          `json:"decision"`
	Checklist map[string]bool `json:"checklist"`
	Reasons   string          `json:"reasons"`
}

// NoticeService is the notices and diffusions as callers use them.
type NoticeService interface {
	// RequestNotice asks the secretariat to publish a notice on a person
	// the caller's country owns (notices:request); EINVALID names the bad
	// field (red notices need their judicial data and pass the penalty
	// thresholds); EFORBIDDEN for another country's person.
	RequestNotice(ctx context.Context, n *Notice) (*Notice, error)
	// IssueDiffusion sends a diffusion on a person the caller's country owns
	// straight to the countries n.Recipients names (notices:request).
	IssueDiffusion(ctx context.Context, n *Notice) (*Notice, error)
	// Notice returns a notice the caller may see; ENOTFOUND otherwise.
	Notice(ctx context.Context, id int64) (*Notice, error)
	// Notices lists the notices the caller may see.
	Notices(ctx context.Context, f NoticeFilter) ([]*Notice, int64, error)
	// ReviewNotice publishes or refuses a requested notice: the secretariat
	// only (EFORBIDDEN); a publish with a failed check is refused with
	// EINVALID naming the check; ECONFLICT when the notice is not requested.
	ReviewNotice(ctx context.Context, id int64, r ReviewRequest) (*Notice, error)
	// CancelNotice cancels a notice or diffusion; only its owner may.
	CancelNotice(ctx context.Context, id int64, reason string) (*Notice, error)
}
