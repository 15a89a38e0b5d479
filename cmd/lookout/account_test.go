package main

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/lookout-network/lookout"
)

func runCommand(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb}, args)
	return code, out.String(), errb.String()
}

func TestAccountCommand(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := initStore(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	t.Run("Create", func(t *testing.T) {
		code, out, errs := runCommand(t, "account", "create", "--data", dir, "--agency", "secretariat", "--username", "first.admin", "--name", "First Admin", "--grants", "agencies:manage,audit:read")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var creds lookout.AccountCredentials
		if err := json.Unmarshal([]byte(out), &creds); err != nil {
			t.Fatal(err)
		}
		if creds.Account.Username != "first.admin" || len(creds.Password) < 20 || creds.TOTPSecret == "" || !strings.HasPrefix(creds.TOTPURI, "otpauth://totp/") || len(creds.Account.Grants) != 2 {
			t.Fatalf("credentials %+v", creds)
		}
		if strings.Contains(out, "password_hash") || strings.Contains(out, "$argon2id$") {
			t.Fatalf("the hash is printed: %s", out)
		}
		code, out, _ = runCommand(t, "totp", creds.TOTPSecret)
		if code != 0 || !regexp.MustCompile(`^\d{6}\n$`).MatchString(out) {
			t.Fatalf("totp: %d %q", code, out)
		}
	})
	t.Run("Reset", func(t *testing.T) {
		code, out, errs := runCommand(t, "account", "reset", "--data", dir, "--username", "first.admin")
		if code != 0 || !strings.Contains(out, `"password"`) {
			t.Fatalf("exit %d: %s %s", code, out, errs)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		code, _, errs := runCommand(t, "account", "create", "--data", dir, "--agency", "secretariat", "--username", "first.admin", "--name", "Again")
		if code != 1 || !strings.Contains(errs, "username") {
			t.Fatalf("exit %d: %s", code, errs)
		}
	})
	t.Run("ErrUnknownAgency", func(t *testing.T) {
		code, _, errs := runCommand(t, "account", "create", "--data", dir, "--agency", "nowhere", "--username", "x.y", "--name", "X")
		if code != 1 || !strings.Contains(errs, "nowhere") {
			t.Fatalf("exit %d: %s", code, errs)
		}
	})
	t.Run("ErrUnknownGrant", func(t *testing.T) {
		code, _, errs := runCommand(t, "account", "create", "--data", dir, "--agency", "secretariat", "--username", "x.y", "--name", "X", "--grants", "everything")
		if code != 1 || !strings.Contains(errs, "grants[0]") {
			t.Fatalf("exit %d: %s", code, errs)
		}
	})
	t.Run("ErrUsage", func(t *testing.T) {
		for _, args := range [][]string{{"account"}, {"account", "create", "--data", dir}, {"account", "reset"}, {"totp"}} {
			if code, _, _ := runCommand(t, args...); code != 2 {
				t.Errorf("%v: exit %d, want 2", args, code)
			}
		}
	})
	t.Run("ErrNoStore", func(t *testing.T) {
		code, _, errs := runCommand(t, "account", "reset", "--data", t.TempDir(), "--username", "first.admin")
		if code != 1 || !strings.Contains(errs, "no store") {
			t.Fatalf("exit %d: %s", code, errs)
		}
	})
	t.Run("ErrBadSecret", func(t *testing.T) {
		if code, _, _ := runCommand(t, "totp", "not base32!"); code != 1 {
			t.Fatalf("exit %d", code)
		}
	})
}
