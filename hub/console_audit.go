package hub

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/lookout-network/lookout"
)

// AuditVerification is what a check of the whole audit chain found.
type AuditVerification struct {
	Entries  int64
	HeadSeq  int64
	HeadHash string
	// Broken names the first entry that fails, empty when the chain is
	// intact.
	Broken string
}

// maxVerifyDetail bounds the detail recorded from a verifier's message.
const maxVerifyDetail = 500

// VerifyAuditChain lets an auditor verify the audit chain from the
// console. The chain is read outside the hub's store (as `lookout audit
// verify` reads it), so the hub checks the caller, runs verify, and
// records who verified and what was found as an audit.verify entry:
// outcome ok when intact, broken with the first broken entry, failed when
// verify could not run. Every auditor's action is in the trail, this one
// too, and it is appended whether or not the chain is intact.
// EFORBIDDEN without audit:read; verify's own error otherwise.
func (h *Hub) VerifyAuditChain(ctx context.Context, verify func(context.Context) (AuditVerification, error)) (AuditVerification, error) {
	c, err := require(ctx, lookout.GrantAuditRead)
	if err != nil {
		return AuditVerification{}, err
	}
	v, verr := verify(ctx)
	audit := entry(c, "audit.verify", "", "")
	switch {
	case verr != nil:
		audit.Outcome, audit.Detail = "failed", verr.Error()
	case v.Broken != "":
		audit.Outcome, audit.Detail = "broken", v.Broken
	default:
		audit.Outcome = "ok"
		audit.Object = strconv.FormatInt(v.HeadSeq, 10)
		audit.Detail = fmt.Sprintf("intact: %d entries, head %d hash %s", v.Entries, v.HeadSeq, v.HeadHash)
	}
	if len(audit.Detail) > maxVerifyDetail {
		audit.Detail = strings.ToValidUTF8(audit.Detail[:maxVerifyDetail], "")
	}
	if err := h.store.AppendAudit(ctx, audit); err != nil {
		return v, errors.Join(verr, fmt.Errorf("audit the verification of the audit chain: %w", err))
	}
	return v, verr
}
