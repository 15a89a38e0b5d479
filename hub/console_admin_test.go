package hub_test

import (
	"context"
	"errors"
	"testing"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/hub"
)

// mustAdminTree returns, beside MustHub's NCB of DEU, a border post under
// it and an NCB of FRA, each as a caller context.
func mustAdminTree(t *testing.T) (h *hub.Hub, deu, post, fra context.Context) {
	t.Helper()
	h, deu = MustHub(t)
	p, _, err := h.CreateAgency(deu, &lookout.Agency{ID: "deu-post", Kind: lookout.KindAgency, Country: "DEU", Name: "Border post", Grants: []lookout.Grant{lookout.GrantDocumentsCheck}})
	if err != nil {
		t.Fatal(err)
	}
	sec := lookout.NewContext(context.Background(), &lookout.Caller{Agency: &lookout.Agency{ID: "secretariat", Kind: lookout.KindSecretariat, Country: lookout.SecretariatCountry, Grants: lookout.AllGrants}})
	f, _, err := h.CreateAgency(sec, &lookout.Agency{ID: "ncb-fra", Kind: lookout.KindNCB, Country: "FRA", Name: "NCB FRA"})
	if err != nil {
		t.Fatal(err)
	}
	return h, deu, lookout.NewContext(context.Background(), &lookout.Caller{Agency: p}), lookout.NewContext(context.Background(), &lookout.Caller{Agency: f})
}

func TestCertificateAction(t *testing.T) {
	h, deu, post, fra := mustAdminTree(t)

	t.Run("OK", func(t *testing.T) {
		ran := 0
		for _, action := range []string{hub.CertificateIssue, hub.CertificateRevoke} {
			if err := h.CertificateAction(deu, "deu-post", action, func() error { ran++; return nil }); err != nil {
				t.Fatalf("%s: %v", action, err)
			}
			entries, err := h.AuditEntries(deu, lookout.AuditFilter{Action: "agency.certificate_" + action})
			if err != nil || len(entries) != 1 || entries[0].Object != "deu-post" || entries[0].Outcome != "ok" || entries[0].AgencyID != "ncb-deu" {
				t.Fatalf("audit of %s: %v %+v", action, err, entries)
			}
		}
		if ran != 2 {
			t.Fatalf("do ran %d times, want 2", ran)
		}
	})
	t.Run("FailureAudited", func(t *testing.T) {
		boom := errors.New("no CA")
		if err := h.CertificateAction(deu, "deu-post", hub.CertificateRevoke, func() error { return boom }); !errors.Is(err, boom) {
			t.Fatalf("err %v, want do's", err)
		}
		entries, _ := h.AuditEntries(deu, lookout.AuditFilter{Action: "agency.certificate_revoke"})
		if last := entries[len(entries)-1]; last.Outcome != "failed" || last.Detail != "no CA" {
			t.Fatalf("audit of the failure: %+v", last)
		}
	})
	refused := func(t *testing.T, ctx context.Context, id, action, code string) {
		t.Helper()
		ran := false
		err := h.CertificateAction(ctx, id, action, func() error { ran = true; return nil })
		if lookout.ErrorCode(err) != code || ran {
			t.Fatalf("err %v (ran %t), want %s and do not run", err, ran, code)
		}
	}
	t.Run("ErrForbiddenOtherCountry", func(t *testing.T) { refused(t, fra, "deu-post", hub.CertificateIssue, lookout.EFORBIDDEN) })
	t.Run("ErrForbiddenOwnAgency", func(t *testing.T) { refused(t, deu, "ncb-deu", hub.CertificateIssue, lookout.EFORBIDDEN) })
	t.Run("ErrForbiddenWithoutGrant", func(t *testing.T) { refused(t, post, "deu-post", hub.CertificateIssue, lookout.EFORBIDDEN) })
	t.Run("ErrNotFound", func(t *testing.T) { refused(t, deu, "nowhere", hub.CertificateIssue, lookout.ENOTFOUND) })
	t.Run("ErrInvalidAction", func(t *testing.T) { refused(t, deu, "deu-post", "renew", lookout.EINVALID) })
}

func TestAccount(t *testing.T) {
	h, deu, _, fra := mustAdminTree(t)
	// Accounts keep their TOTP secret sealed under the message key.
	if err := h.SetMessageKey(make([]byte, 32)); err != nil {
		t.Fatal(err)
	}
	creds, err := h.CreateAccount(deu, lookout.NewAccount{AgencyID: "deu-post", Username: "grenz", Name: "Grenz", Grants: []lookout.Grant{lookout.GrantDocumentsCheck}})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		a, err := h.Account(deu, creds.Account.ID)
		if err != nil || a.Username != "grenz" || a.AgencyID != "deu-post" {
			t.Fatalf("%v %+v", err, a)
		}
		if a.PasswordHash != "" || a.TOTPSecret != nil {
			t.Fatal("the account's credentials left the hub")
		}
	})
	t.Run("ErrNotFoundOtherCountry", func(t *testing.T) {
		if _, err := h.Account(fra, creds.Account.ID); lookout.ErrorCode(err) != lookout.ENOTFOUND {
			t.Fatalf("err %v, want not_found", err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := h.Account(deu, 999999); lookout.ErrorCode(err) != lookout.ENOTFOUND {
			t.Fatalf("err %v, want not_found", err)
		}
	})
}
