package hub_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/docindex"
	"github.com/lookout-network/lookout/hub"
	"github.com/lookout-network/lookout/sqlite"
)

// defaultPasswordParams are the argon2id parameters the hub ships with,
// kept before TestMain lowers them.
var defaultPasswordParams = hub.PasswordParams

func TestMain(m *testing.M) {
	// At the default cost (64 MiB, 3 passes) every sign-in of these tests
	// would take a tenth of a second. What they test does not depend on the
	// cost; TestHashPasswordDefault checks the default itself.
	hub.PasswordParams = hub.Argon2Params{Memory: 64, Time: 1, Threads: 1}
	m.Run()
}

// testClock is a clock that tests move by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// consoleNetwork is a hub with a message key and a clock the test moves,
// the secretariat, the NCBs of DEU and FRA, and two agencies under the NCB
// of DEU: deu-bka, which manages accounts, and deu-post, which does not.
type consoleNetwork struct {
	h                        *hub.Hub
	db                       *sqlite.DB
	clock                    *testClock
	sec, deu, fra, bka, post context.Context
}

func MustConsoleNetwork(tb testing.TB) *consoleNetwork {
	tb.Helper()
	ctx := context.Background()
	n := &consoleNetwork{clock: &testClock{t: lookout.Now()}}
	var err error
	if n.db, err = sqlite.Open(ctx, filepath.Join(tb.TempDir(), "lookout.db")); err != nil {
		tb.Fatal(err)
	}
	n.db.Now = n.clock.Now
	sec, _, err := hub.Bootstrap(ctx, n.db, "secretariat")
	if err != nil {
		tb.Fatal(err)
	}
	n.h = hub.New(n.db, hub.NewDocumentIndex(docindex.New()), slog.New(slog.NewTextHandler(io.Discard, nil)))
	tb.Cleanup(func() { n.h.Close(); n.db.Close() })
	n.h.SetClock(n.clock.Now)
	key := make([]byte, 32)
	rand.Read(key)
	if err := n.h.SetMessageKey(key); err != nil {
		tb.Fatal(err)
	}
	n.sec = lookout.NewContext(ctx, &lookout.Caller{Agency: sec, Via: "token"})
	agency := func(parent context.Context, a *lookout.Agency) context.Context {
		tb.Helper()
		a, _, err := n.h.CreateAgency(parent, a)
		if err != nil {
			tb.Fatalf("create agency %s: %v", a.ID, err)
		}
		return lookout.NewContext(ctx, &lookout.Caller{Agency: a, Via: "token"})
	}
	n.deu = agency(n.sec, &lookout.Agency{ID: "ncb-deu", Kind: lookout.KindNCB, Country: "DEU", Name: "NCB Wiesbaden"})
	n.fra = agency(n.sec, &lookout.Agency{ID: "ncb-fra", Kind: lookout.KindNCB, Country: "FRA", Name: "NCB Lyon"})
	n.bka = agency(n.deu, &lookout.Agency{ID: "deu-bka", Kind: lookout.KindAgency, Country: "DEU", Name: "BKA",
		Grants: []lookout.Grant{lookout.GrantDocumentsCheck, lookout.GrantDocumentsWrite, lookout.GrantStatsRead, lookout.GrantAgenciesManage}})
	n.post = agency(n.deu, &lookout.Agency{ID: "deu-post", Kind: lookout.KindAgency, Country: "DEU", Name: "Border post",
		Grants: []lookout.Grant{lookout.GrantDocumentsCheck}})
	return n
}

// officer is an account with its credentials in clear, as the officer
// keeps them.
type officer struct {
	*lookout.Account
	password, secret string
}

const testPassword = "correct horse battery staple"

// MustOfficer opens an account of agencyID, made by the NCB of DEU.
func (n *consoleNetwork) MustOfficer(tb testing.TB, agencyID, username string, grants ...lookout.Grant) *officer {
	tb.Helper()
	creds, err := n.h.CreateAccount(n.deu, lookout.NewAccount{AgencyID: agencyID, Username: username, Name: "Officer " + username, Grants: grants, Password: testPassword + " " + username})
	if err != nil {
		tb.Fatalf("create account %s: %v", username, err)
	}
	return &officer{Account: creds.Account, password: testPassword + " " + username, secret: creds.TOTPSecret}
}

// code returns o's current TOTP code.
func (n *consoleNetwork) code(tb testing.TB, o *officer) string {
	tb.Helper()
	c, err := hub.TOTPCode(o.secret, n.clock.Now())
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// wrongCode returns a code that is not o's current one.
func (n *consoleNetwork) wrongCode(tb testing.TB, o *officer) string {
	tb.Helper()
	if n.code(tb, o) == "000000" {
		return "000001"
	}
	return "000000"
}

// signIn signs o in with password and the current code.
func (n *consoleNetwork) signIn(o *officer, password string) (string, *lookout.Session, error) {
	c, err := hub.TOTPCode(o.secret, n.clock.Now())
	if err != nil {
		return "", nil, err
	}
	return n.h.SignIn(context.Background(), lookout.SignInRequest{Username: o.Username, Password: password, Code: c, RemoteAddr: "192.0.2.7"})
}

// MustSignIn moves the clock to the next TOTP step (a code is good once)
// and signs o in.
func (n *consoleNetwork) MustSignIn(tb testing.TB, o *officer) string {
	tb.Helper()
	n.clock.Add(30 * time.Second)
	token, _, err := n.signIn(o, o.password)
	if err != nil {
		tb.Fatalf("sign in %s: %v", o.Username, err)
	}
	return token
}

// refusedSignIn checks that err is the one answer to a failed sign-in.
func refusedSignIn(tb testing.TB, what string, err error) {
	tb.Helper()
	if lookout.ErrorCode(err) != lookout.EUNAUTHENTICATED || !strings.HasPrefix(lookout.ErrorMessage(err), "the username, password or code is wrong") {
		tb.Fatalf("%s: %v, want the sign-in refusal", what, err)
	}
}

// sessionCaller returns the caller of a session token, failing the test
// on an error.
func (n *consoleNetwork) sessionCaller(tb testing.TB, token string) *lookout.Caller {
	tb.Helper()
	c, _, err := n.h.SessionCaller(context.Background(), token)
	if err != nil {
		tb.Fatalf("session caller: %v", err)
	}
	return c
}

func sessionEnded(tb testing.TB, n *consoleNetwork, what, token string) {
	tb.Helper()
	if c, _, err := n.h.SessionCaller(context.Background(), token); lookout.ErrorCode(err) != lookout.EUNAUTHENTICATED {
		tb.Fatalf("%s: session still gives %+v, %v", what, c, err)
	}
}

func grants(c *lookout.Caller) []lookout.Grant {
	g := slices.Clone(c.Agency.Grants)
	slices.Sort(g)
	return g
}

func sorted(gs ...lookout.Grant) []lookout.Grant {
	slices.Sort(gs)
	return gs
}

func TestHashPassword(t *testing.T) {
	hash := hub.HashPassword(testPassword)
	t.Run("OK", func(t *testing.T) {
		if !strings.HasPrefix(hash, "$argon2id$v=19$m=64,t=1,p=1$") {
			t.Fatalf("hash %q", hash)
		}
		if !hub.CheckPassword(hash, testPassword) {
			t.Fatal("the password does not match its own hash")
		}
		if again := hub.HashPassword(testPassword); again == hash || !hub.CheckPassword(again, testPassword) {
			t.Fatalf("a second hash of the same password: %q", again)
		}
	})
	t.Run("ErrWrongPassword", func(t *testing.T) {
		for _, p := range []string{"", "correct horse battery stapl", "Correct horse battery staple", testPassword + " ", testPassword + "\x00"} {
			if hub.CheckPassword(hash, p) {
				t.Errorf("%q matches the hash of %q", p, testPassword)
			}
		}
	})
}

// TestHashPasswordDefault hashes at the cost the hub ships with.
func TestHashPasswordDefault(t *testing.T) {
	if defaultPasswordParams != (hub.Argon2Params{Memory: 65536, Time: 3, Threads: 2}) {
		t.Fatalf("default parameters %+v, want RFC 9106's second option with 2 lanes", defaultPasswordParams)
	}
	saved := hub.PasswordParams
	hub.PasswordParams = defaultPasswordParams
	t.Cleanup(func() { hub.PasswordParams = saved })
	hash := hub.HashPassword(testPassword)
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("hash %q", hash)
	}
	parts := strings.Split(hash, "$")
	salt, _ := base64.RawStdEncoding.DecodeString(parts[4])
	key, _ := base64.RawStdEncoding.DecodeString(parts[5])
	if len(salt) != 16 || len(key) != 32 {
		t.Fatalf("salt of %d bytes, key of %d", len(salt), len(key))
	}
	hub.PasswordParams = saved
	// Every hash carries its parameters: lowering the default leaves it
	// verifiable.
	if !hub.CheckPassword(hash, testPassword) || hub.CheckPassword(hash, "wrong") {
		t.Fatal("the default hash does not verify")
	}
}

// TestCheckPasswordHostile feeds CheckPassword hashes that are broken or
// made to exhaust the hub: each is refused at once, without allocating
// what its parameters ask for.
func TestCheckPasswordHostile(t *testing.T) {
	good := hub.HashPassword(testPassword)
	parts := strings.Split(good, "$")
	salt, key := parts[4], parts[5]
	phc := func(params string) string { return "$argon2id$v=19$" + params + "$" + salt + "$" + key }
	for name, hash := range map[string]string{
		"Empty":            "",
		"Argon2i":          "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key,
		"Argon2d":          "$argon2d$v=19$m=64,t=1,p=1$" + salt + "$" + key,
		"OldVersion":       "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key,
		"NoVersion":        "$argon2id$m=64,t=1,p=1$" + salt + "$" + key,
		"ExtraField":       good + "$AAAA",
		"NoHash":           phc("m=64,t=1,p=1")[:len(phc("m=64,t=1,p=1"))-len(key)],
		"BadBase64Salt":    "$argon2id$v=19$m=64,t=1,p=1$" + "sa!t" + "$" + key,
		"BadBase64Hash":    "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key[:len(key)-2] + "!!",
		"PaddedHash":       "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef0")),
		"ZeroMemory":       phc("m=0,t=1,p=1"),
		"ZeroTime":         phc("m=64,t=0,p=1"),
		"ZeroThreads":      phc("m=64,t=1,p=0"),
		"NegativeMemory":   phc("m=-64,t=1,p=1"),
		"MemoryOverflow":   phc("m=4294967296,t=1,p=1"),
		"ThreadsOverflow":  phc("m=64,t=1,p=256"),
		"MaxMemory":        phc("m=4294967295,t=1,p=1"),
		"FourGiB":          phc("m=4194304,t=1,p=1"),
		"OneGiB":           phc("m=1048576,t=1,p=1"),
		"MillionPasses":    phc("m=64,t=1000000,p=1"),
		"MaxTime":          phc("m=64,t=4294967295,p=1"),
		"NoParams":         phc(""),
		"ParamsOutOfOrder": phc("t=1,m=64,p=1"),
	} {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			ok := hub.CheckPassword(hash, testPassword)
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			if ok {
				t.Fatalf("%q accepted", hash)
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
				t.Fatalf("%q: refused after allocating %d bytes", hash, n)
			}
			if elapsed > time.Second {
				t.Fatalf("%q: refused after %v", hash, elapsed)
			}
		})
	}
	t.Run("Truncated", func(t *testing.T) {
		for i := range len(good) {
			if hub.CheckPassword(good[:i], testPassword) {
				t.Fatalf("the first %d characters of %q accepted", i, good)
			}
		}
	})
}

func TestCreateAccount(t *testing.T) {
	n := MustConsoleNetwork(t)
	newAccount := func(agency, username string, gs ...lookout.Grant) lookout.NewAccount {
		return lookout.NewAccount{AgencyID: agency, Username: username, Name: "Anna Schmidt", Grants: gs, Password: testPassword}
	}
	t.Run("OK", func(t *testing.T) {
		creds, err := n.h.CreateAccount(n.deu, lookout.NewAccount{AgencyID: "deu-bka", Username: "  Anna.Schmidt ", Name: " Anna Schmidt ",
			Grants: []lookout.Grant{lookout.GrantDocumentsCheck, lookout.GrantStatsRead, lookout.GrantDocumentsCheck}, Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		a := creds.Account
		if a.ID == 0 || a.AgencyID != "deu-bka" || a.Username != "anna.schmidt" || a.Name != "Anna Schmidt" || a.Disabled ||
			!slices.Equal(a.Grants, []lookout.Grant{lookout.GrantDocumentsCheck, lookout.GrantStatsRead}) {
			t.Fatalf("%+v", a)
		}
		if creds.Password != "" {
			t.Fatalf("the hub showed a password it did not make up: %q", creds.Password)
		}
		if creds.TOTPSecret == "" || !strings.HasPrefix(creds.TOTPURI, "otpauth://totp/Lookout:anna.schmidt?") || !strings.Contains(creds.TOTPURI, "secret="+creds.TOTPSecret) {
			t.Fatalf("TOTP secret %q, URI %q", creds.TOTPSecret, creds.TOTPURI)
		}
		stored, err := n.db.Account(context.Background(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !hub.CheckPassword(stored.PasswordHash, testPassword) || strings.Contains(stored.PasswordHash, testPassword) {
			t.Fatalf("stored password hash %q", stored.PasswordHash)
		}
		if len(stored.TOTPSecret) == 0 || strings.Contains(string(stored.TOTPSecret), creds.TOTPSecret) {
			t.Fatal("the TOTP secret is stored in clear")
		}
	})
	t.Run("OKPasswordMadeUp", func(t *testing.T) {
		creds, err := n.h.CreateAccount(n.deu, lookout.NewAccount{AgencyID: "ncb-deu", Username: "lena", Name: "Lena"})
		if err != nil {
			t.Fatal(err)
		}
		if len(creds.Password) != 23 || strings.Count(creds.Password, "-") != 3 {
			t.Fatalf("made-up password %q", creds.Password)
		}
		o := &officer{Account: creds.Account, password: creds.Password, secret: creds.TOTPSecret}
		n.MustSignIn(t, o)
	})
	t.Run("ErrForbiddenWithoutGrant", func(t *testing.T) {
		if _, err := n.h.CreateAccount(n.post, newAccount("deu-post", "post.officer", lookout.GrantDocumentsCheck)); lookout.ErrorCode(err) != lookout.EFORBIDDEN {
			t.Fatalf("agency without agencies:manage: %v", err)
		}
		if _, err := n.h.Accounts(n.post, "deu-post"); lookout.ErrorCode(err) != lookout.EFORBIDDEN {
			t.Fatalf("agency without agencies:manage lists accounts: %v", err)
		}
		// A signed-in officer holds only the grants of its account, even
		// when its agency holds more.
		clerk := n.MustOfficer(t, "ncb-deu", "clerk", lookout.GrantDocumentsCheck)
		ctx := lookout.NewContext(context.Background(), n.sessionCaller(t, n.MustSignIn(t, clerk)))
		if _, err := n.h.CreateAccount(ctx, newAccount("ncb-deu", "by.clerk")); lookout.ErrorCode(err) != lookout.EFORBIDDEN {
			t.Fatalf("officer without agencies:manage: %v", err)
		}
		if _, err := n.h.UpdateAccount(ctx, clerk.ID, lookout.AccountUpdate{Grants: &[]lookout.Grant{lookout.GrantAgenciesManage}}); lookout.ErrorCode(err) != lookout.EFORBIDDEN {
			t.Fatalf("officer gives itself agencies:manage: %v", err)
		}
		if _, err := n.h.CreateAccount(context.Background(), newAccount("ncb-deu", "anonymous")); lookout.ErrorCode(err) != lookout.EUNAUTHENTICATED {
			t.Fatalf("no caller: %v", err)
		}
	})
	t.Run("ErrForbiddenOtherCountry", func(t *testing.T) {
		for _, agency := range []string{"ncb-deu", "deu-bka"} {
			if _, err := n.h.CreateAccount(n.fra, newAccount(agency, "from.france")); lookout.ErrorCode(err) != lookout.EFORBIDDEN {
				t.Fatalf("NCB of FRA opens an account in %s: %v", agency, err)
			}
			if _, err := n.h.Accounts(n.fra, agency); lookout.ErrorCode(err) != lookout.EFORBIDDEN {
				t.Fatalf("NCB of FRA lists the accounts of %s: %v", agency, err)
			}
		}
		if _, err := n.db.AccountByUsername(context.Background(), "from.france"); lookout.ErrorCode(err) != lookout.ENOTFOUND {
			t.Fatalf("a refused account was stored: %v", err)
		}
		anna, err := n.h.AccountID(n.deu, "anna.schmidt")
		if err != nil {
			t.Fatal(err)
		}
		// Another country's accounts are not the caller's to see.
		if _, err := n.h.UpdateAccount(n.fra, anna, lookout.AccountUpdate{Unlock: true}); lookout.ErrorCode(err) != lookout.ENOTFOUND {
			t.Fatalf("NCB of FRA updates a DEU account: %v", err)
		}
		if _, err := n.h.ResetAccount(n.fra, anna); lookout.ErrorCode(err) != lookout.ENOTFOUND {
			t.Fatalf("NCB of FRA resets a DEU account: %v", err)
		}
		if _, err := n.h.AccountID(n.fra, "anna.schmidt"); lookout.ErrorCode(err) != lookout.ENOTFOUND {
			t.Fatalf("NCB of FRA looks up a DEU account: %v", err)
		}
	})
	t.Run("ErrForbiddenOutsideTree", func(t *testing.T) {
		// deu-bka manages its own accounts, not its parent's or siblings'.
		for _, agency := range []string{"ncb-deu", "deu-post", "ncb-fra"} {
			if _, err := n.h.CreateAccount(n.bka, newAccount(agency, "from.bka")); lookout.ErrorCode(err) != lookout.EFORBIDDEN {
				t.Fatalf("deu-bka opens an account in %s: %v", agency, err)
			}
		}
		if _, err := n.h.CreateAccount(n.bka, newAccount("deu-bka", "from.bka", lookout.GrantDocumentsCheck)); err != nil {
			t.Fatalf("deu-bka opens an account of its own: %v", err)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for name, tc := range map[string]struct {
			a     lookout.NewAccount
			field string
		}{
			"UsernameTooShort":   {newAccount("deu-bka", "a"), "username"},
			"UsernameTooLong":    {newAccount("deu-bka", strings.Repeat("a", 65)), "username"},
			"UsernameSpace":      {newAccount("deu-bka", "anna schmidt"), "username"},
			"UsernameLeadingDot": {newAccount("deu-bka", ".anna"), "username"},
			"UsernameUnicode":    {newAccount("deu-bka", "jürgen"), "username"},
			"NameEmpty":          {lookout.NewAccount{AgencyID: "deu-bka", Username: "no.name", Name: "  ", Password: testPassword}, "name"},
			"NameTooLong":        {lookout.NewAccount{AgencyID: "deu-bka", Username: "long.name", Name: strings.Repeat("é", 201), Password: testPassword}, "name"},
			"PasswordTooShort":   {lookout.NewAccount{AgencyID: "deu-bka", Username: "short.pw", Name: "Short", Password: "elevenchars"}, "password"},
			"PasswordTooLong":    {lookout.NewAccount{AgencyID: "deu-bka", Username: "long.pw", Name: "Long", Password: strings.Repeat("x", 257)}, "password"},
			"PasswordNotUTF8":    {lookout.NewAccount{AgencyID: "deu-bka", Username: "bad.pw", Name: "Bad", Password: "twelve chars\xff"}, "password"},
			"GrantUnknown":       {newAccount("deu-bka", "unknown.grant", "documents:fly"), "grants[0]"},
			"GrantAgencyLacks":   {newAccount("deu-bka", "dna.officer", lookout.GrantDocumentsCheck, lookout.GrantDNAWrite), "grants[1]"},
			"AgencyUnknown":      {newAccount("nowhere", "nowhere.officer"), "agency_id"},
		} {
			t.Run(name, func(t *testing.T) {
				_, err := n.h.CreateAccount(n.deu, tc.a)
				if lookout.ErrorCode(err) != lookout.EINVALID || lookout.ErrorField(err) != tc.field {
					t.Fatalf("%v, want invalid %s", err, tc.field)
				}
				if _, err := n.db.AccountByUsername(context.Background(), tc.a.Username); lookout.ErrorCode(err) != lookout.ENOTFOUND {
					t.Fatalf("an invalid account was stored: %v", err)
				}
			})
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		for _, username := range []string{"anna.schmidt", "ANNA.SCHMIDT"} {
			_, err := n.h.CreateAccount(n.fra, newAccount("ncb-fra", username))
			if lookout.ErrorCode(err) != lookout.ECONFLICT || lookout.ErrorField(err) != "username" {
				t.Fatalf("taken username %q: %v", username, err)
			}
		}
	})
	t.Run("Accounts", func(t *testing.T) {
		list, err := n.h.Accounts(n.deu, "deu-bka")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, a := range list {
			names = append(names, a.Username)
		}
		if !slices.Equal(names, []string{"anna.schmidt", "from.bka"}) {
			t.Fatalf("accounts of deu-bka: %v", names)
		}
	})
}

func TestUpdateAccount(t *testing.T) {
	n := MustConsoleNetwork(t)
	anna := n.MustOfficer(t, "deu-bka", "anna", lookout.GrantDocumentsCheck)
	token := n.MustSignIn(t, anna)
	t.Run("OK", func(t *testing.T) {
		name := "Anna Schmidt-Weber"
		a, err := n.h.UpdateAccount(n.deu, anna.ID, lookout.AccountUpdate{Name: &name, Grants: &[]lookout.Grant{lookout.GrantDocumentsCheck, lookout.GrantStatsRead}})
		if err != nil || a.Name != name || !slices.Equal(a.Grants, []lookout.Grant{lookout.GrantDocumentsCheck, lookout.GrantStatsRead}) {
			t.Fatalf("%+v %v", a, err)
		}
		// The session holds the new grants at once.
		if g := grants(n.sessionCaller(t, token)); !slices.Equal(g, sorted(lookout.GrantDocumentsCheck, lookout.GrantStatsRead)) {
			t.Fatalf("session grants %v", g)
		}
		// The agency itself may manage its accounts.
		if _, err := n.h.UpdateAccount(n.bka, anna.ID, lookout.AccountUpdate{Grants: &[]lookout.Grant{lookout.GrantDocumentsCheck}}); err != nil {
			t.Fatal(err)
		}
		if g := grants(n.sessionCaller(t, token)); !slices.Equal(g, []lookout.Grant{lookout.GrantDocumentsCheck}) {
			t.Fatalf("session grants after narrowing the account %v", g)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		empty := " "
		for field, u := range map[string]lookout.AccountUpdate{
			"name":      {Name: &empty},
			"grants[0]": {Grants: &[]lookout.Grant{lookout.GrantDNAWrite}},
		} {
			if _, err := n.h.UpdateAccount(n.deu, anna.ID, u); lookout.ErrorCode(err) != lookout.EINVALID || lookout.ErrorField(err) != field {
				t.Fatalf("%v, want invalid %s", err, field)
			}
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		if _, err := n.h.UpdateAccount(n.post, anna.ID, lookout.AccountUpdate{Unlock: true}); lookout.ErrorCode(err) != lookout.EFORBIDDEN {
			t.Fatalf("agency without agencies:manage: %v", err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := n.h.UpdateAccount(n.deu, anna.ID+1000, lookout.AccountUpdate{Unlock: true}); lookout.ErrorCode(err) != lookout.ENOTFOUND {
			t.Fatalf("unknown account: %v", err)
		}
	})
}

func TestSignIn(t *testing.T) {
	n := MustConsoleNetwork(t)
	anna := n.MustOfficer(t, "deu-bka", "anna.schmidt", lookout.GrantDocumentsCheck, lookout.GrantStatsRead, lookout.GrantAgenciesManage)
	t.Run("OK", func(t *testing.T) {
		n.clock.Add(30 * time.Second)
		now := n.clock.Now()
		token, s, err := n.h.SignIn(context.Background(), lookout.SignInRequest{Username: " Anna.Schmidt ", Password: anna.password, Code: n.code(t, anna)[:3] + " " + n.code(t, anna)[3:], RemoteAddr: "192.0.2.7"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(token, "lk_") || s.AccountID != anna.ID || !s.CreatedAt.Equal(now) || !s.ExpiresAt.Equal(now.Add(lookout.SessionLifetime)) || s.RemoteAddr != "192.0.2.7" {
			t.Fatalf("token %q, session %+v", token, s)
		}
		c, cs, err := n.h.SessionCaller(context.Background(), token)
		if err != nil {
			t.Fatal(err)
		}
		if c.Via != "session" || c.Account != "anna.schmidt" || c.Agency.ID != "deu-bka" || c.Country() != "DEU" || cs.AccountID != anna.ID {
			t.Fatalf("caller %+v of agency %+v", c, c.Agency)
		}
		// The account holds what both it and its agency hold: documents:
		// write is the agency's only, nothing is the account's only.
		if g := grants(c); !slices.Equal(g, sorted(lookout.GrantDocumentsCheck, lookout.GrantStatsRead, lookout.GrantAgenciesManage)) {
			t.Fatalf("session grants %v", g)
		}
		if a, _ := n.db.Account(context.Background(), anna.ID); !a.LastSignIn.Equal(now) || a.FailedSignIns != 0 {
			t.Fatalf("account after sign-in %+v", a)
		}
	})
	t.Run("AgencyNarrowed", func(t *testing.T) {
		token := n.MustSignIn(t, anna)
		gs := []lookout.Grant{lookout.GrantDocumentsCheck, lookout.GrantDocumentsWrite, lookout.GrantAgenciesManage}
		if _, err := n.h.UpdateAgency(n.deu, "deu-bka", lookout.AgencyUpdate{Grants: &gs}); err != nil {
			t.Fatal(err)
		}
		if g := grants(n.sessionCaller(t, token)); !slices.Equal(g, sorted(lookout.GrantDocumentsCheck, lookout.GrantAgenciesManage)) {
			t.Fatalf("session grants after narrowing the agency %v", g)
		}
		// Narrowing an ancestor narrows it too.
		all := slices.DeleteFunc(slices.Clone(lookout.AllGrants), func(g lookout.Grant) bool { return g == lookout.GrantAgenciesManage })
		if _, err := n.h.UpdateAgency(n.sec, "ncb-deu", lookout.AgencyUpdate{Grants: &all}); err != nil {
			t.Fatal(err)
		}
		if g := grants(n.sessionCaller(t, token)); !slices.Equal(g, []lookout.Grant{lookout.GrantDocumentsCheck}) {
			t.Fatalf("session grants after narrowing the NCB %v", g)
		}
		all = slices.Clone(lookout.AllGrants)
		if _, err := n.h.UpdateAgency(n.sec, "ncb-deu", lookout.AgencyUpdate{Grants: &all}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrAccountDisabled", func(t *testing.T) {
		token := n.MustSignIn(t, anna)
		yes, no := true, false
		if _, err := n.h.UpdateAccount(n.deu, anna.ID, lookout.AccountUpdate{Disabled: &yes}); err != nil {
			t.Fatal(err)
		}
		sessionEnded(t, n, "account disabled", token)
		n.clock.Add(30 * time.Second)
		_, _, err := n.signIn(anna, anna.password)
		refusedSignIn(t, "disabled account", err)
		if _, err := n.h.UpdateAccount(n.deu, anna.ID, lookout.AccountUpdate{Disabled: &no}); err != nil {
			t.Fatal(err)
		}
		sessionEnded(t, n, "account enabled again", token)
		// A session does not outlive its account's disabling even when
		// the store was changed behind the hub's back.
		token = n.MustSignIn(t, anna)
		a, _ := n.db.Account(context.Background(), anna.ID)
		a.Disabled = true
		if err := n.db.UpdateAccount(context.Background(), a, false, nil, nil); err != nil {
			t.Fatal(err)
		}
		sessionEnded(t, n, "account disabled in the store", token)
		if _, err := n.h.UpdateAccount(n.deu, anna.ID, lookout.AccountUpdate{Disabled: &no}); err != nil {
			t.Fatal(err)
		}
		n.MustSignIn(t, anna)
	})
	t.Run("ErrAgencyDisabled", func(t *testing.T) {
		yes, no := true, false
		for _, tc := range []struct {
			ctx    context.Context
			agency string
		}{{n.deu, "deu-bka"}, {n.sec, "ncb-deu"}} {
			token := n.MustSignIn(t, anna)
			if _, err := n.h.UpdateAgency(tc.ctx, tc.agency, lookout.AgencyUpdate{Disabled: &yes}); err != nil {
				t.Fatal(err)
			}
			sessionEnded(t, n, tc.agency+" disabled", token)
			n.clock.Add(30 * time.Second)
			_, _, err := n.signIn(anna, anna.password)
			refusedSignIn(t, tc.agency+" disabled", err)
			if _, err := n.h.UpdateAgency(tc.ctx, tc.agency, lookout.AgencyUpdate{Disabled: &no}); err != nil {
				t.Fatal(err)
			}
		}
		n.MustSignIn(t, anna)
	})
	t.Run("ErrReplay", func(t *testing.T) {
		n.clock.Add(30 * time.Second)
		code := n.code(t, anna)
		req := lookout.SignInRequest{Username: anna.Username, Password: anna.password, Code: code}
		if _, _, err := n.h.SignIn(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		_, _, err := n.h.SignIn(context.Background(), req)
		refusedSignIn(t, "the same code again", err)
		// Nor, a step later, the code before it.
		n.clock.Add(30 * time.Second)
		_, _, err = n.h.SignIn(context.Background(), req)
		refusedSignIn(t, "the code of the step before", err)
		n.MustSignIn(t, anna)
	})
	t.Run("ErrSameAnswer", func(t *testing.T) {
		n.clock.Add(30 * time.Second)
		wrongCode := n.wrongCode(t, anna)
		var msgs []string
		for _, r := range []lookout.SignInRequest{
			{Username: anna.Username, Password: "wrong password", Code: n.code(t, anna)},
			{Username: anna.Username, Password: anna.password, Code: wrongCode},
			{Username: "no.such.officer", Password: anna.password, Code: n.code(t, anna)},
		} {
			_, _, err := n.h.SignIn(context.Background(), r)
			refusedSignIn(t, r.Username, err)
			msgs = append(msgs, lookout.ErrorMessage(err))
		}
		if msgs[0] != msgs[1] || msgs[1] != msgs[2] {
			t.Fatalf("answers differ: %q", msgs)
		}
		n.MustSignIn(t, anna) // two failures are forgiven by a success
	})
	t.Run("ErrMalformed", func(t *testing.T) {
		for field, r := range map[string]lookout.SignInRequest{
			"username": {Username: "x", Password: anna.password, Code: "123456"},
			"code":     {Username: anna.Username, Password: anna.password, Code: "12345"},
			"password": {Username: anna.Username, Password: strings.Repeat("x", 2000), Code: "123456"},
		} {
			if _, _, err := n.h.SignIn(context.Background(), r); lookout.ErrorCode(err) != lookout.EINVALID || lookout.ErrorField(err) != field {
				t.Fatalf("%v, want invalid %s", err, field)
			}
		}
	})
	t.Run("ErrSessionUnknown", func(t *testing.T) {
		sessionEnded(t, n, "made-up token", "lk_made-up")
		sessionEnded(t, n, "empty token", "")
	})
}

func TestSignInLockout(t *testing.T) {
	n := MustConsoleNetwork(t)
	anna := n.MustOfficer(t, "deu-bka", "anna", lookout.GrantDocumentsCheck)
	// fail fails to sign in times: first with a wrong code (which counts
	// as much as a wrong password), then with wrong passwords.
	fail := func(t *testing.T, times int) {
		t.Helper()
		n.clock.Add(30 * time.Second)
		_, _, err := n.h.SignIn(context.Background(), lookout.SignInRequest{Username: anna.Username, Password: anna.password, Code: n.wrongCode(t, anna)})
		refusedSignIn(t, "wrong code", err)
		for range times - 1 {
			_, _, err := n.signIn(anna, "wrong password")
			refusedSignIn(t, "wrong password", err)
		}
	}
	state := func(t *testing.T) *lookout.Account {
		t.Helper()
		a, err := n.db.Account(context.Background(), anna.ID)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	t.Run("SuccessForgives", func(t *testing.T) {
		fail(t, lookout.MaxFailedSignIns-1)
		if a := state(t); a.FailedSignIns != lookout.MaxFailedSignIns-1 || !a.LockedUntil.IsZero() {
			t.Fatalf("after %d failures: %+v", lookout.MaxFailedSignIns-1, a)
		}
		n.MustSignIn(t, anna)
		if a := state(t); a.FailedSignIns != 0 {
			t.Fatalf("failures after a success: %d", a.FailedSignIns)
		}
	})
	t.Run("Locked", func(t *testing.T) {
		fail(t, lookout.MaxFailedSignIns)
		lockedAt := n.clock.Now()
		if a := state(t); !a.LockedUntil.Equal(lockedAt.Add(lookout.SignInLockout)) {
			t.Fatalf("after %d failures: locked until %v, want %v", lookout.MaxFailedSignIns, a.LockedUntil, lockedAt.Add(lookout.SignInLockout))
		}
		// Locked, the right password and a fresh code are refused too.
		for _, d := range []time.Duration{30 * time.Second, lookout.SignInLockout - time.Minute} {
			n.clock.Add(d)
			_, _, err := n.signIn(anna, anna.password)
			refusedSignIn(t, "locked account", err)
		}
		n.clock.Set(lockedAt.Add(lookout.SignInLockout))
		if _, _, err := n.signIn(anna, anna.password); err != nil {
			t.Fatalf("after the lock-out: %v", err)
		}
	})
	t.Run("Unlock", func(t *testing.T) {
		fail(t, lookout.MaxFailedSignIns)
		n.clock.Add(30 * time.Second)
		_, _, err := n.signIn(anna, anna.password)
		refusedSignIn(t, "locked account", err)
		a, err := n.h.UpdateAccount(n.bka, anna.ID, lookout.AccountUpdate{Unlock: true})
		if err != nil || a.FailedSignIns != 0 || !a.LockedUntil.IsZero() {
			t.Fatalf("%+v %v", a, err)
		}
		n.MustSignIn(t, anna)
	})
}

func TestSessionEnds(t *testing.T) {
	n := MustConsoleNetwork(t)
	anna := n.MustOfficer(t, "deu-bka", "anna", lookout.GrantDocumentsCheck)
	t.Run("Idle", func(t *testing.T) {
		token := n.MustSignIn(t, anna)
		// Each use keeps the session open for SessionIdle more.
		for range 3 {
			n.clock.Add(lookout.SessionIdle - time.Minute)
			n.sessionCaller(t, token)
		}
		n.clock.Add(lookout.SessionIdle)
		sessionEnded(t, n, "idle", token)
		n.clock.Add(-lookout.SessionIdle)
		sessionEnded(t, n, "ended, then the clock turned back", token)
	})
	t.Run("Lifetime", func(t *testing.T) {
		token := n.MustSignIn(t, anna)
		start := n.clock.Now()
		for n.clock.Now().Before(start.Add(lookout.SessionLifetime - 20*time.Minute)) {
			n.clock.Add(20 * time.Minute)
			n.sessionCaller(t, token)
		}
		n.clock.Set(start.Add(lookout.SessionLifetime - time.Second))
		n.sessionCaller(t, token)
		n.clock.Add(time.Second)
		sessionEnded(t, n, "past its lifetime", token)
	})
	t.Run("SignOut", func(t *testing.T) {
		token := n.MustSignIn(t, anna)
		other := n.MustSignIn(t, anna)
		if err := n.h.SignOut(context.Background(), token); err != nil {
			t.Fatal(err)
		}
		sessionEnded(t, n, "signed out", token)
		n.sessionCaller(t, other)
		if err := n.h.SignOut(context.Background(), token); err != nil {
			t.Fatalf("signing out twice: %v", err)
		}
		entries, err := n.db.AuditEntries(context.Background(), lookout.AuditFilter{Action: "account.sign_out"})
		if err != nil || len(entries) != 1 {
			t.Fatalf("%d sign-out entries: %v", len(entries), err)
		}
		if e := entries[0]; e.Account != "anna" || e.Object != "anna" || e.Outcome != "ok" || e.AgencyID != "deu-bka" || e.Country != "DEU" {
			t.Fatalf("sign-out entry %+v", e)
		}
	})
}

func TestResetAccount(t *testing.T) {
	n := MustConsoleNetwork(t)
	anna := n.MustOfficer(t, "deu-bka", "anna", lookout.GrantDocumentsCheck)
	token := n.MustSignIn(t, anna)
	for range lookout.MaxFailedSignIns {
		n.signIn(anna, "wrong password")
	}
	creds, err := n.h.ResetAccount(n.deu, anna.ID)
	if err != nil {
		t.Fatal(err)
	}
	if creds.Password == "" || creds.TOTPSecret == "" || creds.TOTPSecret == anna.secret || creds.Account.ID != anna.ID {
		t.Fatalf("new credentials %+v", creds)
	}
	sessionEnded(t, n, "account reset", token)
	reset := &officer{Account: creds.Account, password: creds.Password, secret: creds.TOTPSecret}
	mixed := []*officer{
		{Account: anna.Account, password: anna.password, secret: anna.secret},
		{Account: anna.Account, password: anna.password, secret: reset.secret},
		{Account: anna.Account, password: reset.password, secret: anna.secret},
	}
	for i, o := range mixed {
		n.clock.Add(30 * time.Second)
		_, _, err := n.signIn(o, o.password)
		refusedSignIn(t, []string{"old password and secret", "old password", "old secret"}[i], err)
	}
	// The reset lifted the lock-out; three failures since do not lock.
	n.MustSignIn(t, reset)
	t.Run("ErrForbidden", func(t *testing.T) {
		if _, err := n.h.ResetAccount(n.post, anna.ID); lookout.ErrorCode(err) != lookout.EFORBIDDEN {
			t.Fatalf("agency without agencies:manage: %v", err)
		}
	})
}

// TestSignInAudit checks that every attempt is in the trail, with its
// outcome, and that neither a password nor a code is.
func TestSignInAudit(t *testing.T) {
	n := MustConsoleNetwork(t)
	anna := n.MustOfficer(t, "deu-bka", "anna.schmidt", lookout.GrantDocumentsCheck, lookout.GrantAgenciesManage)
	secrets := []string{anna.password}
	attempt := func(username, password, code string) {
		secrets = append(secrets, password, code)
		n.h.SignIn(context.Background(), lookout.SignInRequest{Username: username, Password: password, Code: code, RemoteAddr: "192.0.2.7"})
	}
	n.clock.Add(30 * time.Second)
	good := n.code(t, anna)
	attempt(anna.Username, anna.password, good)
	attempt(anna.Username, anna.password, good)                     // replay
	attempt(anna.Username, "Tr0ub4dor&3 is wrong", n.code(t, anna)) // wrong password
	attempt(anna.Username, anna.password, n.wrongCode(t, anna))     // wrong code
	attempt("mallory", "hunter2 hunter2 hunter2", "314159")         // unknown username
	// An officer's own actions carry its name.
	token := n.MustSignIn(t, anna)
	secrets = append(secrets, n.code(t, anna))
	ctx := lookout.NewContext(context.Background(), n.sessionCaller(t, token))
	creds, err := n.h.CreateAccount(ctx, lookout.NewAccount{AgencyID: "deu-bka", Username: "ben", Name: "Ben", Password: "ben's own password"})
	if err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, "ben's own password", creds.TOTPSecret)
	reset, err := n.h.ResetAccount(ctx, creds.Account.ID)
	if err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, reset.Password, reset.TOTPSecret)

	var signIns []string
	var own []string
	v := &lookout.AuditVerifier{}
	err = n.db.ScanAudit(context.Background(), func(e *lookout.AuditEntry) error {
		for _, f := range []string{e.AgencyID, e.Country, e.Action, e.Database, e.Object, e.Query, e.Outcome, e.Detail, e.Account} {
			for _, s := range secrets {
				if strings.Contains(f, s) {
					t.Errorf("audit entry %d (%s) holds the secret %q: %q", e.Seq, e.Action, s, f)
				}
			}
		}
		if e.Action == "account.sign_in" {
			signIns = append(signIns, e.Account+" "+e.Outcome)
			if e.Object != e.Account || !strings.Contains(e.Detail, "192.0.2.7") || strings.Contains(e.Detail, "mallory") {
				t.Errorf("sign-in entry %+v", e)
			}
		} else if e.Account != "" {
			own = append(own, e.Action+" "+e.Object+" by "+e.Account)
		}
		return v.Next(e)
	})
	if err != nil {
		t.Fatal(err)
	}
	// An unknown name is kept only as a fingerprint (it may be a password
	// typed in the wrong box).
	want := []string{"anna.schmidt ok", "anna.schmidt failed", "anna.schmidt failed", "anna.schmidt failed", " failed", "anna.schmidt ok"}
	if !slices.Equal(signIns, want) {
		t.Fatalf("sign-in entries %q, want %q", signIns, want)
	}
	if want := []string{"account.create ben by anna.schmidt", "account.reset ben by anna.schmidt"}; !slices.Equal(own, want) {
		t.Fatalf("entries of the officer %q, want %q", own, want)
	}
}

// TestSignInConcurrent signs in many times at once: a code is still good
// once, and no failure is lost to another.
func TestSignInConcurrent(t *testing.T) {
	n := MustConsoleNetwork(t)
	anna := n.MustOfficer(t, "deu-bka", "anna", lookout.GrantDocumentsCheck)
	attempts := func(t *testing.T, password, code string, times int) (ok int) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		for range times {
			wg.Go(func() {
				_, _, err := n.h.SignIn(context.Background(), lookout.SignInRequest{Username: anna.Username, Password: password, Code: code})
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					ok++
				} else if lookout.ErrorCode(err) != lookout.EUNAUTHENTICATED {
					t.Errorf("sign-in: %v", err)
				}
			})
		}
		wg.Wait()
		return ok
	}
	t.Run("ErrReplay", func(t *testing.T) {
		n.clock.Add(30 * time.Second)
		if ok := attempts(t, anna.password, n.code(t, anna), 8); ok != 1 {
			t.Fatalf("one code opened %d sessions", ok)
		}
	})
	t.Run("Lockout", func(t *testing.T) {
		// The replays above count as failures: start from none.
		if _, err := n.h.UpdateAccount(n.deu, anna.ID, lookout.AccountUpdate{Unlock: true}); err != nil {
			t.Fatal(err)
		}
		n.clock.Add(30 * time.Second)
		attempts(t, "wrong password", n.code(t, anna), 2*lookout.MaxFailedSignIns)
		a, err := n.db.Account(context.Background(), anna.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a.LockedUntil.IsZero() {
			t.Fatalf("%d failures at once did not lock the account: %d counted", 2*lookout.MaxFailedSignIns, a.FailedSignIns)
		}
	})
	t.Run("DisabledStaysDisabled", func(t *testing.T) {
		// Failed sign-ins while a manager disables the account must not
		// write the account back as it was before.
		if _, err := n.h.UpdateAccount(n.deu, anna.ID, lookout.AccountUpdate{Unlock: true}); err != nil {
			t.Fatal(err)
		}
		yes := true
		var wg sync.WaitGroup
		wg.Go(func() { attempts(t, "wrong password", "123456", 4) })
		if _, err := n.h.UpdateAccount(n.deu, anna.ID, lookout.AccountUpdate{Disabled: &yes}); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		if a, _ := n.db.Account(context.Background(), anna.ID); !a.Disabled {
			t.Fatal("a concurrent failed sign-in enabled the account again")
		}
	})
}

// TestNarrowedManager: a manager whose account holds fewer grants than the
// agency cannot give more than it holds, raise its own, or take over a
// fuller colleague's account by resetting it.
func TestNarrowedManager(t *testing.T) {
	n := MustConsoleNetwork(t)
	chief := n.MustOfficer(t, "ncb-deu", "chief", lookout.AllGrants...)
	clerk := n.MustOfficer(t, "ncb-deu", "clerk", lookout.GrantAgenciesManage, lookout.GrantDocumentsCheck)
	ctx := lookout.NewContext(context.Background(), n.sessionCaller(t, n.MustSignIn(t, clerk)))

	t.Run("ErrForbiddenGiveGrantNotHeld", func(t *testing.T) {
		_, err := n.h.CreateAccount(ctx, lookout.NewAccount{AgencyID: "ncb-deu", Username: "auditor2", Name: "A", Grants: []lookout.Grant{lookout.GrantAuditRead}})
		if lookout.ErrorCode(err) != lookout.EFORBIDDEN {
			t.Fatalf("gave audit:read without holding it: %v", err)
		}
	})
	t.Run("ErrForbiddenRaiseOwn", func(t *testing.T) {
		gs := []lookout.Grant{lookout.GrantAgenciesManage, lookout.GrantDocumentsCheck, lookout.GrantAuditRead}
		if _, err := n.h.UpdateAccount(ctx, clerk.ID, lookout.AccountUpdate{Grants: &gs}); lookout.ErrorCode(err) != lookout.EFORBIDDEN {
			t.Fatalf("raised its own grants: %v", err)
		}
	})
	t.Run("ErrForbiddenResetFuller", func(t *testing.T) {
		if _, err := n.h.ResetAccount(ctx, chief.ID); lookout.ErrorCode(err) != lookout.EFORBIDDEN {
			t.Fatalf("reset a fuller colleague: %v", err)
		}
		off := true
		if _, err := n.h.UpdateAccount(ctx, chief.ID, lookout.AccountUpdate{Disabled: &off}); lookout.ErrorCode(err) != lookout.EFORBIDDEN {
			t.Fatalf("disabled a fuller colleague: %v", err)
		}
	})
	t.Run("OKWithinOwnGrants", func(t *testing.T) {
		creds, err := n.h.CreateAccount(ctx, lookout.NewAccount{AgencyID: "ncb-deu", Username: "checker", Name: "C", Grants: []lookout.Grant{lookout.GrantDocumentsCheck}})
		if err != nil {
			t.Fatal(err)
		}
		if creds.Account.PasswordHash != "" || creds.Account.TOTPSecret != nil {
			t.Fatal("the hub hands out the account's stored credentials")
		}
		if _, err := n.h.ResetAccount(ctx, creds.Account.ID); err != nil {
			t.Fatal(err)
		}
	})
}

func TestChangePassword(t *testing.T) {
	n := MustConsoleNetwork(t)
	o := n.MustOfficer(t, "ncb-deu", "greta", lookout.GrantDocumentsCheck)
	t.Run("ErrForbiddenToken", func(t *testing.T) {
		if err := n.h.ChangePassword(n.deu, o.password, "another long password", "123456"); lookout.ErrorCode(err) != lookout.EFORBIDDEN {
			t.Fatalf("a token changed a password: %v", err)
		}
		if _, err := n.h.OwnAccount(n.deu); lookout.ErrorCode(err) != lookout.EFORBIDDEN {
			t.Fatalf("a token read an own account: %v", err)
		}
		if _, err := n.h.OwnSessions(n.deu, "x"); lookout.ErrorCode(err) != lookout.EFORBIDDEN {
			t.Fatalf("a token listed sessions: %v", err)
		}
		if err := n.h.EndOtherSessions(n.deu, "x"); lookout.ErrorCode(err) != lookout.EFORBIDDEN {
			t.Fatalf("a token ended sessions: %v", err)
		}
	})
	token := n.MustSignIn(t, o)
	ctx := lookout.NewContext(context.Background(), n.sessionCaller(t, token))
	t.Run("ErrCodeReplayed", func(t *testing.T) {
		// The code of the sign-in's step is spent.
		err := n.h.ChangePassword(ctx, o.password, "another long password", n.code(t, o))
		if lookout.ErrorField(err) != "code" {
			t.Fatalf("a spent code changed the password: %v", err)
		}
	})
	t.Run("OK", func(t *testing.T) {
		n.clock.Add(30 * time.Second)
		if err := n.h.ChangePassword(ctx, o.password, "another long password", n.code(t, o)); err != nil {
			t.Fatal(err)
		}
		sessionEnded(t, n, "after a change of password", token)
		n.clock.Add(30 * time.Second)
		if _, _, err := n.signIn(o, o.password); lookout.ErrorCode(err) != lookout.EUNAUTHENTICATED {
			t.Fatalf("the old password still signs in: %v", err)
		}
		n.clock.Add(30 * time.Second)
		if _, _, err := n.signIn(o, "another long password"); err != nil {
			t.Fatalf("the new password: %v", err)
		}
	})
}

// TestNarrowedManagerCredentials: a manager narrowed to agencies:manage
// cannot mint an API token or a certificate for an agency that holds more.
func TestNarrowedManagerCredentials(t *testing.T) {
	n := MustConsoleNetwork(t)
	clerk := n.MustOfficer(t, "ncb-deu", "token.clerk", lookout.GrantAgenciesManage)
	ctx := lookout.NewContext(context.Background(), n.sessionCaller(t, n.MustSignIn(t, clerk)))
	if _, err := n.h.IssueToken(ctx, "deu-post"); lookout.ErrorCode(err) != lookout.EFORBIDDEN {
		t.Fatalf("a narrowed manager minted a token for an agency holding documents:check: %v", err)
	}
	ran := false
	if err := n.h.CertificateAction(ctx, "deu-post", hub.CertificateIssue, func() error { ran = true; return nil }); lookout.ErrorCode(err) != lookout.EFORBIDDEN || ran {
		t.Fatalf("a narrowed manager had a certificate issued: %v (issued %t)", err, ran)
	}
	// Revoking takes nothing away from anyone's grants: allowed.
	if err := n.h.CertificateAction(ctx, "deu-post", hub.CertificateRevoke, func() error { return nil }); err != nil {
		t.Fatal(err)
	}
	// The NCB's own token holds everything its agencies hold.
	if _, err := n.h.IssueToken(n.deu, "deu-post"); err != nil {
		t.Fatal(err)
	}
}
