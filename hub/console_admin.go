package hub

import (
	"context"
	"errors"
	"fmt"

	"github.com/lookout-network/lookout"
)

// What a manager may do with an agency's client certificates.
const (
	CertificateIssue  = "issue"
	CertificateRevoke = "revoke"
)

// Account returns an account the caller manages, without its credentials.
// EFORBIDDEN without agencies:manage; ENOTFOUND when there is no such
// account or it lies outside the caller's tree (whose accounts are not its
// business to see).
func (h *Hub) Account(ctx context.Context, id int64) (*lookout.Account, error) {
	_, a, _, err := h.managedAccount(ctx, id)
	if err != nil {
		return nil, err
	}
	out := *a
	out.PasswordHash, out.TOTPSecret, out.TOTPStep = "", nil, 0
	return &out, nil
}

// CertificateAction lets the caller issue or revoke the client certificates
// of an agency it manages. The certificate authority lives outside the
// store, so the hub checks the caller, runs do (which talks to the CA), and
// records what happened as agency.certificate_issue or
// agency.certificate_revoke, failures included. An issued certificate is
// handed out only once its audit entry is stored: do should return it
// through a variable the caller reads after CertificateAction succeeds.
// EINVALID on an unknown action, EFORBIDDEN without agencies:manage or when
// the caller does not manage the agency, ENOTFOUND when there is no such
// agency; do's own error otherwise.
func (h *Hub) CertificateAction(ctx context.Context, agencyID, action string, do func() error) error {
	if action != CertificateIssue && action != CertificateRevoke {
		return lookout.FieldErrorf("action", "certificate action %q is not one of issue, revoke", action)
	}
	c, err := require(ctx, lookout.GrantAgenciesManage)
	if err != nil {
		return err
	}
	a, err := h.store.Agency(ctx, agencyID)
	if err != nil {
		return err
	}
	if !manages(c, a) {
		return lookout.Errorf(lookout.EFORBIDDEN, "agency %s does not manage agency %s", c.Agency.ID, agencyID)
	}
	if action == CertificateIssue {
		if err := holdsAll(c, a); err != nil {
			return err
		}
	}
	audit := entry(c, "agency.certificate_"+action, "", a.ID)
	audit.Outcome = "ok"
	doErr := do()
	if doErr != nil {
		audit.Outcome, audit.Detail = "failed", doErr.Error()
	}
	if err := h.store.AppendAudit(ctx, audit); err != nil {
		return errors.Join(doErr, fmt.Errorf("audit the certificate %s of agency %s: %w", action, a.ID, err))
	}
	return doErr
}
