package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/hub"
)

func TestConsoleMyAccount(t *testing.T) {
	m, _ := MustConsoleNCBs(t)
	o := MustOfficer(t, m, "ncb-fra", "lea", []lookout.Grant{lookout.GrantDocumentsCheck, lookout.GrantMessagesSend})
	w := o.MustSignIn(t)

	t.Run("Page", func(t *testing.T) {
		status, body := w.Get("/account")
		txt := text(body)
		if status != http.StatusOK || !strings.Contains(txt, "documents:check, messages:send") || !strings.Contains(txt, "NCB FRA") {
			t.Fatalf("my account: %d %s", status, txt)
		}
	})
	change := func(current, next, again, code string) (int, string) {
		w.Get("/account")
		return w.Post("/account/password", url.Values{"current_password": {current}, "new_password": {next}, "new_password_again": {again}, "code": {code}})
	}
	t.Run("ErrMismatch", func(t *testing.T) {
		status, body := change(o.Password, "a brand new passphrase", "a brand new passphrasf", o.WrongCode(t))
		if status != http.StatusBadRequest || !strings.Contains(text(body), "The two new passwords differ") {
			t.Fatalf("%d %s", status, text(body))
		}
	})
	t.Run("ErrShort", func(t *testing.T) {
		status, body := change(o.Password, "short", "short", o.WrongCode(t))
		if status != http.StatusBadRequest || !strings.Contains(text(body), "12 to 256 characters") {
			t.Fatalf("%d %s", status, text(body))
		}
	})
	t.Run("ErrWrongCurrent", func(t *testing.T) {
		status, body := change("not my password", "a brand new passphrase", "a brand new passphrase", o.WrongCode(t))
		if status != http.StatusBadRequest || !strings.Contains(text(body), "current password or the code is wrong") {
			t.Fatalf("%d %s", status, text(body))
		}
		entries, _ := m.hub.AuditEntries(lookout.NewContext(context.Background(), mustCaller(t, m, "secretariat")), lookout.AuditFilter{Action: "account.password_change", Account: "lea"})
		if len(entries) != 1 || entries[0].Outcome != "failed" {
			t.Fatalf("audit: %+v", entries)
		}
	})
	t.Run("EndOtherSessions", func(t *testing.T) {
		// Another person, in two browsers.
		p := MustOfficer(t, m, "ncb-fra", "lea.two", nil)
		w, second := p.MustSignIn(t), p.MustSignIn(t)
		status, body := w.Get("/account")
		if status != http.StatusOK || strings.Count(body, "<tr><td class=\"mono\">") != 2 || !strings.Contains(text(body), "this browser") {
			t.Fatalf("two sessions: %d %s", status, text(body))
		}
		status, body = w.Post("/account/sessions/end-others", nil)
		if status != http.StatusOK || !strings.Contains(text(body), "Signed out everywhere else") {
			t.Fatalf("end others: %d %s", status, text(body))
		}
		if _, body := second.Get("/"); !strings.Contains(body, `data-page="signin"`) {
			t.Fatal("the other browser is still signed in")
		}
		if _, body := w.Get("/"); !strings.Contains(body, `data-page="dashboard"`) {
			t.Fatal("this browser was signed out too")
		}
	})
	t.Run("OK", func(t *testing.T) {
		status, body := change(o.Password, "a brand new passphrase", "a brand new passphrase", o.Code(t))
		if status != http.StatusOK || !strings.Contains(body, `data-page="signin"`) || !strings.Contains(text(body), "Password changed") {
			t.Fatalf("%d %s", status, text(body))
		}
		// Signed out: the old session is gone.
		if _, body := w.Get("/"); !strings.Contains(body, `data-page="signin"`) {
			t.Fatal("the session outlived the change of password")
		}
		// The old password no longer signs in; the new one does.
		b := MustWeb(t, m)
		if status, _ := b.Post("/sign-in", url.Values{"username": {"lea"}, "password": {o.Password}, "code": {o.WrongCode(t)}}); status != http.StatusUnauthorized {
			t.Fatalf("old password: %d", status)
		}
		// The new one is what the store keeps (signing in with it would
		// need the next TOTP step: up to 30 s of waiting).
		a, err := m.store.AccountByUsername(context.Background(), "lea")
		if err != nil || !hub.CheckPassword(a.PasswordHash, "a brand new passphrase") {
			t.Fatalf("the new password is not the account's: %v", err)
		}
	})
}
