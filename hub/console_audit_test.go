package hub_test

import (
	"context"
	"errors"
	"testing"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/hub"
)

func TestVerifyAuditChain(t *testing.T) {
	h, ctx := MustHub(t)
	ncb := lookout.CallerFrom(ctx)
	auditor := lookout.NewContext(context.Background(), &lookout.Caller{Agency: ncb.Agency, Via: "session", Account: "anna"})
	last := func(t *testing.T) *lookout.AuditEntry {
		t.Helper()
		list, err := h.AuditEntries(ctx, lookout.AuditFilter{Action: "audit.verify", Newest: true, Limit: 1})
		if err != nil || len(list) != 1 {
			t.Fatalf("audit.verify entries: %v %d", err, len(list))
		}
		return list[0]
	}

	t.Run("OK", func(t *testing.T) {
		v, err := h.VerifyAuditChain(auditor, func(context.Context) (hub.AuditVerification, error) {
			return hub.AuditVerification{Entries: 7, HeadSeq: 7, HeadHash: "abcd"}, nil
		})
		if err != nil || v.Entries != 7 {
			t.Fatalf("%+v %v", v, err)
		}
		e := last(t)
		if e.Outcome != "ok" || e.Account != "anna" || e.AgencyID != "ncb-deu" || e.Country != "DEU" || e.Object != "7" || e.Detail != "intact: 7 entries, head 7 hash abcd" {
			t.Fatalf("entry %+v", e)
		}
	})
	t.Run("Broken", func(t *testing.T) {
		_, err := h.VerifyAuditChain(auditor, func(context.Context) (hub.AuditVerification, error) {
			return hub.AuditVerification{Entries: 1, Broken: "audit entry 2: content does not match its hash"}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if e := last(t); e.Outcome != "broken" || e.Detail != "audit entry 2: content does not match its hash" {
			t.Fatalf("entry %+v", e)
		}
	})
	t.Run("Failed", func(t *testing.T) {
		_, err := h.VerifyAuditChain(auditor, func(context.Context) (hub.AuditVerification, error) {
			return hub.AuditVerification{}, errors.New("no store at /nowhere")
		})
		if err == nil || err.Error() != "no store at /nowhere" {
			t.Fatalf("err %v", err)
		}
		if e := last(t); e.Outcome != "failed" || e.Detail != "no store at /nowhere" {
			t.Fatalf("entry %+v", e)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		before, _ := h.AuditEntries(ctx, lookout.AuditFilter{Action: "audit.verify"})
		ran := false
		agency := *ncb.Agency
		agency.Grants = []lookout.Grant{lookout.GrantStatsRead}
		noGrant := lookout.NewContext(context.Background(), &lookout.Caller{Agency: &agency, Via: "session", Account: "otto"})
		_, err := h.VerifyAuditChain(noGrant, func(context.Context) (hub.AuditVerification, error) {
			ran = true
			return hub.AuditVerification{}, nil
		})
		if lookout.ErrorCode(err) != lookout.EFORBIDDEN || ran {
			t.Fatalf("err %v, verify ran %v", err, ran)
		}
		after, _ := h.AuditEntries(ctx, lookout.AuditFilter{Action: "audit.verify"})
		if len(after) != len(before) {
			t.Fatalf("a refused verification was recorded: %d entries, %d before", len(after), len(before))
		}
	})
}
