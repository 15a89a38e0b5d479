package storetest

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/lookout-network/lookout"
)

// accountAudit is an entry made by a person signed in to the console.
func accountAudit(action, object string) *lookout.AuditEntry {
	e := audit(action, object)
	e.Account = "admin.sec"
	return e
}

// MustAccount stores an account of agencyID with every field set.
func MustAccount(tb testing.TB, s lookout.Store, agencyID, username string) *lookout.Account {
	tb.Helper()
	a := &lookout.Account{
		AgencyID: agencyID, Username: username, Name: "Officer " + username,
		Grants:        []lookout.Grant{lookout.GrantDocumentsCheck, lookout.GrantDocumentsWrite},
		FailedSignIns: 2, LockedUntil: time.Date(2031, 2, 3, 4, 5, 6, 7000, time.UTC), LastSignIn: time.Date(2030, 1, 2, 3, 4, 5, 6000, time.UTC),
		PasswordHash: "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", TOTPSecret: []byte("sealed\x00secret-" + username), TOTPStep: 56789,
	}
	if err := s.CreateAccount(context.Background(), a, accountAudit("account.create", username)); err != nil {
		tb.Fatalf("create account %s: %v", username, err)
	}
	return a
}

// MustSession starts a session of a that was last used at seen.
func MustSession(tb testing.TB, s lookout.Store, a *lookout.Account, token string, seen, expires time.Time) *lookout.Session {
	tb.Helper()
	sess := &lookout.Session{Hash: hash(token), CreatedAt: seen, LastSeen: seen, ExpiresAt: expires, RemoteAddr: "192.0.2.1"}
	if err := s.UpdateAccount(context.Background(), a, false, sess, nil); err != nil {
		tb.Fatalf("start session %s of %s: %v", token, a.Username, err)
	}
	return sess
}

// equalAccount reports what differs between two accounts, "" if nothing.
func equalAccount(got, want *lookout.Account) string {
	switch {
	case got.ID != want.ID || got.AgencyID != want.AgencyID || got.Username != want.Username || got.Name != want.Name:
		return "id, agency, username or name"
	case !slices.Equal(got.Grants, want.Grants) && (len(got.Grants) != 0 || len(want.Grants) != 0):
		return "grants"
	case got.Disabled != want.Disabled:
		return "disabled"
	case got.FailedSignIns != want.FailedSignIns || !got.LockedUntil.Equal(want.LockedUntil) || !got.LastSignIn.Equal(want.LastSignIn):
		return "sign-in state"
	case got.PasswordHash != want.PasswordHash || !bytes.Equal(got.TOTPSecret, want.TOTPSecret) || got.TOTPStep != want.TOTPStep:
		return "credentials"
	case !got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt):
		return "created_at or updated_at"
	}
	return ""
}

func testAccounts(t *testing.T, s lookout.Store) {
	defer s.Close()
	ctx := context.Background()
	MustAgency(t, s, "secretariat", lookout.KindSecretariat, lookout.SecretariatCountry, "")
	MustAgency(t, s, "ncb-deu", lookout.KindNCB, "DEU", "secretariat")
	MustAgency(t, s, "ncb-fra", lookout.KindNCB, "FRA", "secretariat")
	anna := MustAccount(t, s, "ncb-deu", "anna.schmidt")

	t.Run("OK", func(t *testing.T) {
		if anna.ID == 0 || anna.CreatedAt.IsZero() || !anna.UpdatedAt.Equal(anna.CreatedAt) {
			t.Fatalf("created: %+v", anna)
		}
		got, err := s.Account(ctx, anna.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d := equalAccount(got, anna); d != "" {
			t.Fatalf("by ID, %s differ: stored %+v, read %+v", d, anna, got)
		}
		got, err = s.AccountByUsername(ctx, "anna.schmidt")
		if err != nil {
			t.Fatal(err)
		}
		if d := equalAccount(got, anna); d != "" {
			t.Fatalf("by username, %s differ: stored %+v, read %+v", d, anna, got)
		}
	})
	t.Run("ZeroTimesAndNoGrants", func(t *testing.T) {
		a := &lookout.Account{AgencyID: "ncb-deu", Username: "new.officer", Name: "New", PasswordHash: "x", TOTPSecret: []byte{1}}
		if err := s.CreateAccount(ctx, a, accountAudit("account.create", a.Username)); err != nil {
			t.Fatal(err)
		}
		got, err := s.Account(ctx, a.ID)
		if err != nil || !got.LockedUntil.IsZero() || !got.LastSignIn.IsZero() || len(got.Grants) != 0 || got.FailedSignIns != 0 || got.TOTPStep != 0 {
			t.Fatalf("%+v %v", got, err)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		before := auditCount(t, s)
		dup := &lookout.Account{AgencyID: "ncb-fra", Username: "anna.schmidt", Name: "Another Anna", PasswordHash: "x", TOTPSecret: []byte{1}}
		err := s.CreateAccount(ctx, dup, accountAudit("account.create", dup.Username))
		if code(err) != lookout.ECONFLICT || lookout.ErrorField(err) != "username" {
			t.Fatalf("taken username: %v", err)
		}
		if n := auditCount(t, s); n != before {
			t.Fatalf("a refused account left %d audit entries", n-before)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := s.Account(ctx, anna.ID+1000); code(err) != lookout.ENOTFOUND {
			t.Fatalf("unknown id: %v", err)
		}
		if _, err := s.AccountByUsername(ctx, "nobody"); code(err) != lookout.ENOTFOUND {
			t.Fatalf("unknown username: %v", err)
		}
		if _, err := s.Session(ctx, hash("no such session")); code(err) != lookout.ENOTFOUND {
			t.Fatalf("unknown session: %v", err)
		}
		ghost := *anna
		ghost.ID = anna.ID + 1000
		if err := s.UpdateAccount(ctx, &ghost, false, nil, nil); code(err) != lookout.ENOTFOUND {
			t.Fatalf("update of an unknown account: %v", err)
		}
	})
	t.Run("List", func(t *testing.T) {
		MustAccount(t, s, "ncb-deu", "zoe.weber")
		MustAccount(t, s, "ncb-deu", "lena.fischer")
		MustAccount(t, s, "ncb-fra", "marie.dubois")
		list, err := s.Accounts(ctx, "ncb-deu")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, a := range list {
			names = append(names, a.Username)
		}
		if want := []string{"anna.schmidt", "lena.fischer", "new.officer", "zoe.weber"}; !slices.Equal(names, want) {
			t.Fatalf("accounts of ncb-deu: %v, want %v", names, want)
		}
		if d := equalAccount(list[0], anna); d != "" {
			t.Fatalf("listed account: %s differ: %+v", d, list[0])
		}
		if list, err := s.Accounts(ctx, "ncb-fra"); err != nil || len(list) != 1 || list[0].Username != "marie.dubois" {
			t.Fatalf("accounts of ncb-fra: %v %v", list, err)
		}
		if list, err := s.Accounts(ctx, "nobody"); err != nil || len(list) != 0 {
			t.Fatalf("accounts of an unknown agency: %v %v", list, err)
		}
	})
	t.Run("Update", func(t *testing.T) {
		a, _ := s.AccountByUsername(ctx, "zoe.weber")
		a.Name, a.Grants, a.Disabled = "Zoë Weber-Braun", []lookout.Grant{lookout.GrantAuditRead}, true
		a.PasswordHash, a.TOTPSecret, a.TOTPStep = "$argon2id$new", []byte("new sealed secret"), 99999
		a.FailedSignIns, a.LockedUntil, a.LastSignIn = 4, time.Date(2032, 1, 1, 0, 0, 0, 123000, time.UTC), time.Date(2031, 6, 1, 0, 0, 0, 0, time.UTC)
		if err := s.UpdateAccount(ctx, a, false, nil, accountAudit("account.update", a.Username)); err != nil {
			t.Fatal(err)
		}
		got, err := s.Account(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d := equalAccount(got, a); d != "" {
			t.Fatalf("%s differ: stored %+v, read %+v", d, a, got)
		}
		if got.UpdatedAt.Before(got.CreatedAt) {
			t.Fatalf("updated_at %v before created_at %v", got.UpdatedAt, got.CreatedAt)
		}
		// Unlocking clears the lock-out: zero times are stored as zero.
		a.FailedSignIns, a.LockedUntil, a.LastSignIn = 0, time.Time{}, time.Time{}
		if err := s.UpdateAccount(ctx, a, false, nil, nil); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Account(ctx, a.ID); got.FailedSignIns != 0 || !got.LockedUntil.IsZero() || !got.LastSignIn.IsZero() {
			t.Fatalf("cleared sign-in state read back as %+v", got)
		}
	})
	t.Run("Session", func(t *testing.T) {
		now := lookout.Now()
		sess := MustSession(t, s, anna, "anna-1", now, now.Add(lookout.SessionLifetime))
		if sess.AccountID != anna.ID {
			t.Fatalf("session of account %d, want %d", sess.AccountID, anna.ID)
		}
		got, err := s.Session(ctx, hash("anna-1"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Hash, hash("anna-1")) || got.AccountID != anna.ID || !got.CreatedAt.Equal(now) || !got.LastSeen.Equal(now) ||
			!got.ExpiresAt.Equal(sess.ExpiresAt) || got.RemoteAddr != "192.0.2.1" {
			t.Fatalf("stored %+v, read %+v", sess, got)
		}
		later := now.Add(5 * time.Minute)
		if err := s.TouchSession(ctx, hash("anna-1"), later); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Session(ctx, hash("anna-1")); err != nil || !got.LastSeen.Equal(later) || !got.CreatedAt.Equal(now) {
			t.Fatalf("touched: %+v %v", got, err)
		}
	})
	t.Run("EndSessions", func(t *testing.T) {
		now := lookout.Now()
		lena, _ := s.AccountByUsername(ctx, "lena.fischer")
		MustSession(t, s, anna, "anna-2", now, now.Add(time.Hour))
		MustSession(t, s, anna, "anna-3", now, now.Add(time.Hour))
		MustSession(t, s, lena, "lena-1", now, now.Add(time.Hour))
		if err := s.UpdateAccount(ctx, anna, true, nil, accountAudit("account.reset", anna.Username)); err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{"anna-1", "anna-2", "anna-3"} {
			if _, err := s.Session(ctx, hash(tok)); code(err) != lookout.ENOTFOUND {
				t.Fatalf("session %s after its account's sessions ended: %v", tok, err)
			}
		}
		if _, err := s.Session(ctx, hash("lena-1")); err != nil {
			t.Fatalf("another account's session ended too: %v", err)
		}
		// Ending the old sessions and starting a new one go together.
		MustSession(t, s, anna, "anna-4", now, now.Add(time.Hour))
		fresh := &lookout.Session{Hash: hash("anna-5"), CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(time.Hour)}
		if err := s.UpdateAccount(ctx, anna, true, fresh, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Session(ctx, hash("anna-4")); code(err) != lookout.ENOTFOUND {
			t.Fatalf("old session: %v", err)
		}
		if got, err := s.Session(ctx, hash("anna-5")); err != nil || got.AccountID != anna.ID {
			t.Fatalf("new session: %+v %v", got, err)
		}
	})
	t.Run("ErrSessionRollsBack", func(t *testing.T) {
		now := lookout.Now()
		before := auditCount(t, s)
		// A session whose hash is taken fails the insert: the account
		// change and the audit entry of the same call must not stay.
		a, _ := s.Account(ctx, anna.ID)
		a.Name, a.FailedSignIns = "Changed in a failed transaction", 3
		dup := &lookout.Session{Hash: hash("anna-5"), CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(time.Hour)}
		if err := s.UpdateAccount(ctx, a, false, dup, accountAudit("account.sign_in", a.Username)); err == nil {
			t.Fatal("a session with a taken hash was stored")
		}
		if got, _ := s.Account(ctx, anna.ID); got.Name != anna.Name || got.FailedSignIns != anna.FailedSignIns {
			t.Fatalf("the failed update was stored: %+v", got)
		}
		// An update of an account that does not exist starts no session.
		ghost := *anna
		ghost.ID = anna.ID + 1000
		orphan := &lookout.Session{Hash: hash("orphan"), CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(time.Hour)}
		if err := s.UpdateAccount(ctx, &ghost, false, orphan, accountAudit("account.sign_in", "ghost")); code(err) != lookout.ENOTFOUND {
			t.Fatalf("update of an unknown account: %v", err)
		}
		if _, err := s.Session(ctx, hash("orphan")); code(err) != lookout.ENOTFOUND {
			t.Fatalf("a failed update started a session: %v", err)
		}
		if n := auditCount(t, s); n != before {
			t.Fatalf("failed updates left %d audit entries", n-before)
		}
	})
	t.Run("DeleteSession", func(t *testing.T) {
		now := lookout.Now()
		lena, _ := s.AccountByUsername(ctx, "lena.fischer")
		MustSession(t, s, anna, "anna-6", now, now.Add(time.Hour))
		MustSession(t, s, lena, "lena-live", now.Add(-time.Minute), now.Add(time.Hour))
		MustSession(t, s, lena, "lena-expired", now.Add(-time.Minute), now.Add(-time.Second))
		MustSession(t, s, lena, "lena-idle", now.Add(-lookout.SessionIdle-time.Minute), now.Add(time.Hour))
		if err := s.DeleteSession(ctx, hash("anna-6"), accountAudit("account.sign_out", anna.Username)); err != nil {
			t.Fatal(err)
		}
		for tok, want := range map[string]string{"anna-6": lookout.ENOTFOUND, "lena-expired": lookout.ENOTFOUND, "lena-idle": lookout.ENOTFOUND, "lena-live": "", "anna-5": ""} {
			if _, err := s.Session(ctx, hash(tok)); code(err) != want {
				t.Errorf("session %s after a sign-out: %v, want %q", tok, err, want)
			}
		}
		if err := s.DeleteSession(ctx, hash("anna-6"), nil); err != nil {
			t.Fatalf("ending an ended session: %v", err)
		}
	})
	t.Run("Audit", func(t *testing.T) {
		var actions []string
		v := &lookout.AuditVerifier{}
		err := s.ScanAudit(ctx, func(e *lookout.AuditEntry) error {
			if e.Account != "" {
				actions = append(actions, e.Action+" "+e.Account+" "+e.Object)
			}
			return v.Next(e)
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			"account.create admin.sec anna.schmidt", "account.create admin.sec new.officer",
			"account.create admin.sec zoe.weber", "account.create admin.sec lena.fischer", "account.create admin.sec marie.dubois",
			"account.update admin.sec zoe.weber", "account.reset admin.sec anna.schmidt", "account.sign_out admin.sec anna.schmidt",
		}
		if !slices.Equal(actions, want) {
			t.Fatalf("entries with an account:\n%q\nwant\n%q", actions, want)
		}
		list, err := s.AuditEntries(ctx, lookout.AuditFilter{Account: "admin.sec", Action: "account.update"})
		if err != nil || len(list) != 1 || list[0].Object != "zoe.weber" || list[0].Account != "admin.sec" {
			t.Fatalf("filtered by account: %+v %v", list, err)
		}
		// The account is in the hash: changing it breaks the chain.
		e := *list[0]
		e.Account = "someone.else"
		if bytes.Equal(e.ComputeHash(), list[0].Hash) {
			t.Fatal("the account is not covered by the entry's hash")
		}
	})
}

func auditCount(tb testing.TB, s lookout.Store) int64 {
	tb.Helper()
	v := &lookout.AuditVerifier{}
	if err := s.ScanAudit(context.Background(), v.Next); err != nil {
		tb.Fatal(err)
	}
	return v.Count
}

// testAccountSessions: an account's sessions listed, the last used first,
// and all but one ended.
func testAccountSessions(t *testing.T, s lookout.Store) {
	defer s.Close()
	ctx := context.Background()
	MustAgency(t, s, "secretariat", lookout.KindSecretariat, lookout.SecretariatCountry, "")
	mk := func(name string) *lookout.Account {
		a := &lookout.Account{AgencyID: "secretariat", Username: name, Name: name, Grants: []lookout.Grant{}, PasswordHash: "h", TOTPSecret: []byte("s")}
		if err := s.CreateAccount(ctx, a, audit("account.create", name)); err != nil {
			t.Fatal(err)
		}
		return a
	}
	a, b := mk("sessions.a"), mk("sessions.b")
	now := lookout.Now()
	for i, who := range []*lookout.Account{a, a, a, b} {
		sess := &lookout.Session{Hash: hash(fmt.Sprint("sess", i)), CreatedAt: now, LastSeen: now.Add(time.Duration(i) * time.Second), ExpiresAt: now.Add(time.Hour), RemoteAddr: fmt.Sprint("192.0.2.", i)}
		if err := s.UpdateAccount(ctx, who, false, sess, nil); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.AccountSessions(ctx, a.ID)
	if err != nil || len(list) != 3 || list[0].RemoteAddr != "192.0.2.2" || list[2].RemoteAddr != "192.0.2.0" {
		t.Fatalf("sessions of a: %v %+v", err, list)
	}
	if err := s.DeleteOtherSessions(ctx, a.ID, hash("sess1"), audit("account.sign_out_others", "sessions.a")); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.AccountSessions(ctx, a.ID); len(list) != 1 || list[0].RemoteAddr != "192.0.2.1" {
		t.Fatalf("after ending the others: %+v", list)
	}
	if list, _ := s.AccountSessions(ctx, b.ID); len(list) != 1 {
		t.Fatalf("another account's session was ended: %+v", list)
	}
}
