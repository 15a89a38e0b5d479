package hub

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/lookout-network/lookout"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"golang.org/x/crypto/argon2"
)

var _ lookout.AccountService = (*Hub)(nil)

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)

// Password rules: long rather than clever (NIST SP 800-63B §5.1.1).
const (
	minPassword = 12
	maxPassword = 256
)

// PasswordParams are the argon2id parameters of new password hashes; every
// hash carries its own, so raising them leaves old hashes verifiable. The
// default is RFC 9106's second recommended option with the parallelism of
// the 2-core machines Lookout is sized for.
var PasswordParams = Argon2Params{Memory: 64 << 10, Time: 3, Threads: 2}

// Argon2Params are argon2id's cost parameters (memory in KiB).
type Argon2Params struct {
	Memory  uint32
	Time    uint32
	Threads uint8
}

// maxHashMemory bounds the memory (KiB) of a hash CheckPassword computes,
// four times the default: a hash asking for gigabytes, from a damaged or
// doctored store, would take the hub's memory at every sign-in.
const maxHashMemory = 256 << 10

// hashSlots bounds the argon2id hashes computed at once: each takes
// PasswordParams.Memory, and a flood of sign-ins must not take the hub's.
var hashSlots = make(chan struct{}, 2)

// HashPassword returns the argon2id hash of password in the PHC string
// format: $argon2id$v=19$m=65536,t=3,p=2$SALT$HASH.
func HashPassword(password string) string {
	p := PasswordParams
	salt := make([]byte, 16)
	rand.Read(salt)
	hashSlots <- struct{}{}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, 32)
	<-hashSlots
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads, enc.EncodeToString(salt), enc.EncodeToString(key))
}

// CheckPassword reports whether password matches an argon2id PHC hash.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return false
	}
	var p Argon2Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil || p.Memory == 0 || p.Memory > max(maxHashMemory, PasswordParams.Memory) || p.Time == 0 || p.Time > 16 || p.Threads == 0 {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	hashSlots <- struct{}{}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	<-hashSlots
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when a username is unknown, so that a
// wrong username takes as long as a wrong password.
var dummyHash = sync.OnceValue(func() string { return HashPassword("no such account, no such password") })

// totpPeriod is RFC 6238's time step; a code is accepted one step either
// side of now, for clocks that drift and officers who type slowly.
const totpPeriod = 30

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// TOTPCode returns the code of secret (base32) at t: what an authenticator
// app shows. The demo and the tests use it in place of a phone.
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totpOpts)
}

// checkTOTP returns the time step code belongs to, or 0 when it matches
// none of the steps around now that come after the last one accepted.
func checkTOTP(secret, code string, now time.Time, last int64) int64 {
	step := now.Unix() / totpPeriod
	for _, s := range []int64{step - 1, step, step + 1} {
		if s <= last {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*totpPeriod, 0), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s
		}
	}
	return 0
}

// newCredentials gives an account a password hash and a TOTP secret.
func (h *Hub) newCredentials(a *lookout.Account, password string) (*lookout.AccountCredentials, error) {
	creds := &lookout.AccountCredentials{Account: a}
	if password == "" {
		password = generatePassword()
		creds.Password = password
	}
	if n := utf8.RuneCountInString(password); n < minPassword || n > maxPassword || !utf8.ValidString(password) {
		return nil, lookout.FieldErrorf("password", "password must be %d to %d characters", minPassword, maxPassword)
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "Lookout", AccountName: a.Username, Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return nil, fmt.Errorf("generate TOTP secret: %w", err)
	}
	k, err := h.messageKeys()
	if err != nil {
		return nil, err
	}
	a.TOTPSecret = seal(k.secrets, []byte(key.Secret()), "totp-secret")
	a.TOTPStep = 0
	a.PasswordHash = HashPassword(password)
	creds.TOTPSecret, creds.TOTPURI = key.Secret(), key.URL()
	return creds, nil
}

// generatePassword returns 20 random letters and digits in groups of
// five (about 100 bits), easy to read out and to type.
func generatePassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
	var b [20]byte
	rand.Read(b[:])
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%5 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return sb.String()
}

// accountLocks serialise the changes of each account. SignIn reads an
// account, spends a password hash's time checking, and writes it back
// whole: without the lock, two sign-ins with one code would both succeed,
// failures at once would count once, and a failed sign-in would undo a
// manager's change (disabled, grants) made meanwhile. It holds within one
// process: `lookout account reset` run beside a serving hub is not covered.
// An entry lives while someone holds or waits for it.
var accountLocks = struct {
	sync.Mutex
	m map[int64]*accountLock
}{m: map[int64]*accountLock{}}

type accountLock struct {
	sync.Mutex
	users int
}

// lockAccount locks account id until the function it returns is called.
func lockAccount(id int64) (unlock func()) {
	accountLocks.Lock()
	l := accountLocks.m[id]
	if l == nil {
		l = &accountLock{}
		accountLocks.m[id] = l
	}
	l.users++
	accountLocks.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		accountLocks.Lock()
		if l.users--; l.users == 0 {
			delete(accountLocks.m, id)
		}
		accountLocks.Unlock()
	}
}

// managedAgency returns the agency an account may be managed in by c.
func (h *Hub) managedAgency(ctx context.Context, c *lookout.Caller, id string) (*lookout.Agency, error) {
	a, err := h.store.Agency(ctx, id)
	if isCode(err, lookout.ENOTFOUND) {
		return nil, lookout.FieldErrorf("agency_id", "agency %q not found", id)
	} else if err != nil {
		return nil, err
	}
	if a.ID != c.Agency.ID && !manages(c, a) {
		return nil, lookout.Errorf(lookout.EFORBIDDEN, "agency %s does not manage the accounts of agency %s", c.Agency.ID, id)
	}
	return a, nil
}

// CreateAccount opens a console account in an agency the caller manages.
func (h *Hub) CreateAccount(ctx context.Context, n lookout.NewAccount) (*lookout.AccountCredentials, error) {
	c, err := require(ctx, lookout.GrantAgenciesManage)
	if err != nil {
		return nil, err
	}
	agency, err := h.managedAgency(ctx, c, n.AgencyID)
	if err != nil {
		return nil, err
	}
	a := &lookout.Account{AgencyID: agency.ID, Username: strings.ToLower(strings.TrimSpace(n.Username)), Name: strings.TrimSpace(n.Name)}
	if !usernamePattern.MatchString(a.Username) {
		return nil, lookout.FieldErrorf("username", "username %q must be 2 to 64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit", n.Username)
	}
	if a.Name == "" || utf8.RuneCountInString(a.Name) > 200 {
		return nil, lookout.FieldErrorf("name", "name must be 1 to 200 characters")
	}
	if a.Grants, err = accountGrants(c, n.Grants, agency); err != nil {
		return nil, err
	}
	creds, err := h.newCredentials(a, n.Password)
	if err != nil {
		return nil, err
	}
	audit := entry(c, "account.create", "", a.Username)
	audit.Outcome, audit.Detail = "ok", fmt.Sprintf("agency=%s grants=%v", a.AgencyID, a.Grants)
	if err := h.store.CreateAccount(ctx, a, audit); err != nil {
		return nil, err
	}
	creds.Account = redacted(creds.Account)
	return creds, nil
}

// accountGrants checks that grants are known and held by the agency and by
// the manager giving them: nobody gives a grant they do not hold, to
// another person or to themselves.
func accountGrants(c *lookout.Caller, grants []lookout.Grant, agency *lookout.Agency) ([]lookout.Grant, error) {
	out := []lookout.Grant{}
	for i, g := range grants {
		if !lookout.ValidGrant(g) {
			return nil, lookout.FieldErrorf(fmt.Sprintf("grants[%d]", i), "grant %q is unknown", g)
		}
		if !slices.Contains(agency.Grants, g) {
			return nil, lookout.FieldErrorf(fmt.Sprintf("grants[%d]", i), "agency %s does not hold the grant %s, so its accounts cannot", agency.ID, g)
		}
		if !c.Has(g) {
			return nil, lookout.Errorf(lookout.EFORBIDDEN, "you do not hold the grant %s, so you cannot give it", g)
		}
		if !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	return out, nil
}

// Accounts lists the accounts of an agency the caller manages.
func (h *Hub) Accounts(ctx context.Context, agencyID string) ([]*lookout.Account, error) {
	c, err := require(ctx, lookout.GrantAgenciesManage)
	if err != nil {
		return nil, err
	}
	if _, err := h.managedAgency(ctx, c, agencyID); err != nil {
		return nil, err
	}
	list, err := h.store.Accounts(ctx, agencyID)
	for i, a := range list {
		list[i] = redacted(a)
	}
	return list, err
}

// managedAccount returns an account the caller manages.
func (h *Hub) managedAccount(ctx context.Context, id int64) (*lookout.Caller, *lookout.Account, *lookout.Agency, error) {
	c, err := require(ctx, lookout.GrantAgenciesManage)
	if err != nil {
		return nil, nil, nil, err
	}
	a, err := h.store.Account(ctx, id)
	if err != nil {
		return nil, nil, nil, err
	}
	agency, err := h.managedAgency(ctx, c, a.AgencyID)
	if isCode(err, lookout.EFORBIDDEN) {
		// Accounts outside the caller's tree are not its business to see.
		return nil, nil, nil, lookout.Errorf(lookout.ENOTFOUND, "account %d not found", id)
	}
	return c, a, agency, err
}

// mayChange refuses a change to an account that holds a grant the caller
// does not: a narrowed manager must not reset a fuller colleague's
// credentials and sign in as them.
func mayChange(c *lookout.Caller, a *lookout.Account) error {
	for _, g := range a.Grants {
		if !c.Has(g) {
			return lookout.Errorf(lookout.EFORBIDDEN, "account %s holds the grant %s, which you do not: a manager holding it must change the account", a.Username, g)
		}
	}
	return nil
}

// UpdateAccount changes an account the caller manages. Disabling ends its
// sessions at once.
func (h *Hub) UpdateAccount(ctx context.Context, id int64, u lookout.AccountUpdate) (*lookout.Account, error) {
	defer lockAccount(id)()
	c, a, agency, err := h.managedAccount(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := mayChange(c, a); err != nil {
		return nil, err
	}
	if u.Name != nil {
		n := strings.TrimSpace(*u.Name)
		if n == "" || utf8.RuneCountInString(n) > 200 {
			return nil, lookout.FieldErrorf("name", "name must be 1 to 200 characters")
		}
		a.Name = n
	}
	if u.Grants != nil {
		if a.Grants, err = accountGrants(c, *u.Grants, agency); err != nil {
			return nil, err
		}
	}
	end := false
	if u.Disabled != nil {
		end = *u.Disabled && !a.Disabled
		a.Disabled = *u.Disabled
	}
	if u.Unlock {
		a.FailedSignIns, a.LockedUntil = 0, time.Time{}
	}
	audit := entry(c, "account.update", "", a.Username)
	audit.Outcome, audit.Detail = "ok", fmt.Sprintf("grants=%v disabled=%t unlock=%t", a.Grants, a.Disabled, u.Unlock)
	if err := h.store.UpdateAccount(ctx, a, end, nil, audit); err != nil {
		return nil, err
	}
	return redacted(a), nil
}

// redacted returns a copy of a without its password hash and sealed TOTP
// secret: what leaves the hub never carries credentials.
func redacted(a *lookout.Account) *lookout.Account {
	out := *a
	out.PasswordHash, out.TOTPSecret, out.TOTPStep = "", nil, 0
	return &out
}

// ResetAccount gives an account a new password and TOTP secret and ends
// its sessions.
func (h *Hub) ResetAccount(ctx context.Context, id int64) (*lookout.AccountCredentials, error) {
	defer lockAccount(id)()
	c, a, _, err := h.managedAccount(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := mayChange(c, a); err != nil {
		return nil, err
	}
	creds, err := h.newCredentials(a, "")
	if err != nil {
		return nil, err
	}
	a.FailedSignIns, a.LockedUntil = 0, time.Time{}
	audit := entry(c, "account.reset", "", a.Username)
	audit.Outcome = "ok"
	if err := h.store.UpdateAccount(ctx, a, true, nil, audit); err != nil {
		return nil, err
	}
	creds.Account = redacted(creds.Account)
	return creds, nil
}

// errSignIn is the one answer to every failed sign-in, so that it tells an
// attacker nothing about which part was wrong.
func errSignIn() error {
	return lookout.Errorf(lookout.EUNAUTHENTICATED, "the username, password or code is wrong, or the account is locked after %d failed attempts (for %d minutes) or disabled", lookout.MaxFailedSignIns, int(lookout.SignInLockout/time.Minute))
}

// SignIn checks a username, password and TOTP code and opens a session.
func (h *Hub) SignIn(ctx context.Context, r lookout.SignInRequest) (string, *lookout.Session, error) {
	username := strings.ToLower(strings.TrimSpace(r.Username))
	if !usernamePattern.MatchString(username) {
		return "", nil, lookout.FieldErrorf("username", "username must be 2 to 64 characters of a-z, 0-9, '.', '_' and '-'")
	}
	if len(r.Password) > 4*maxPassword {
		return "", nil, lookout.FieldErrorf("password", "password must be at most %d characters", maxPassword)
	}
	code := strings.ReplaceAll(strings.TrimSpace(r.Code), " ", "")
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return "", nil, lookout.FieldErrorf("code", "the code from the authenticator app is 6 digits")
	}
	now := h.now()
	a, err := h.store.AccountByUsername(ctx, username)
	if isCode(err, lookout.ENOTFOUND) {
		CheckPassword(dummyHash(), r.Password)
		// A person may type their password in the username box: the trail
		// keeps only a fingerprint of an unknown name, enough to see the
		// same name tried again and again.
		sum := sha256.Sum256([]byte(username))
		audit := &lookout.AuditEntry{AgencyID: "-", Country: "-", Action: "account.sign_in", Outcome: "failed", Detail: fmt.Sprintf("unknown username (sha256 %x) from %s", sum[:6], r.RemoteAddr)}
		if err := h.store.AppendAudit(ctx, audit); err != nil {
			return "", nil, err
		}
		return "", nil, errSignIn()
	} else if err != nil {
		return "", nil, err
	}
	defer lockAccount(a.ID)()
	if a, err = h.store.Account(ctx, a.ID); err != nil {
		return "", nil, err
	}
	agency, err := h.store.Agency(ctx, a.AgencyID)
	if err != nil {
		return "", nil, err
	}
	if agency, err = h.effective(ctx, agency); err != nil {
		return "", nil, err
	}
	audit := &lookout.AuditEntry{AgencyID: a.AgencyID, Country: agency.Country, Account: a.Username, Action: "account.sign_in", Object: a.Username}
	fail := func(reason string) (string, *lookout.Session, error) {
		audit.Outcome, audit.Detail = "failed", reason+" from "+r.RemoteAddr
		if err := h.store.UpdateAccount(ctx, a, false, nil, audit); err != nil {
			return "", nil, err
		}
		return "", nil, errSignIn()
	}
	if a.LockedUntil.After(now) {
		// A locked account checks nothing: guessing goes no faster.
		return fail("locked until " + a.LockedUntil.Format(time.RFC3339))
	}
	reason := ""
	step := int64(0)
	if !CheckPassword(a.PasswordHash, r.Password) {
		reason = "wrong password"
	} else if secret, err := h.totpSecret(a); err != nil {
		return "", nil, err
	} else if step = checkTOTP(secret, code, now, a.TOTPStep); step == 0 {
		reason = "wrong or reused code"
	} else if a.Disabled {
		reason = "account disabled"
	} else if agency.Disabled {
		reason = "agency disabled"
	}
	if reason != "" {
		if countFailure(a, now) {
			reason += fmt.Sprintf("; locked for %s after %d failures", lookout.SignInLockout, lookout.MaxFailedSignIns)
		}
		return fail(reason)
	}
	token, hash := NewToken()
	s := &lookout.Session{Hash: hash, CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(lookout.SessionLifetime), RemoteAddr: r.RemoteAddr}
	a.FailedSignIns, a.LockedUntil, a.LastSignIn, a.TOTPStep = 0, time.Time{}, now, step
	audit.Outcome, audit.Detail = "ok", "from "+r.RemoteAddr
	if err := h.store.UpdateAccount(ctx, a, false, s, audit); err != nil {
		return "", nil, err
	}
	return token, s, nil
}

// countFailure counts a failed proof of a's credentials and locks a for
// SignInLockout at the MaxFailedSignIns-th; it reports whether it locked.
func countFailure(a *lookout.Account, now time.Time) bool {
	if a.FailedSignIns++; a.FailedSignIns < lookout.MaxFailedSignIns {
		return false
	}
	a.FailedSignIns, a.LockedUntil = 0, now.Add(lookout.SignInLockout)
	return true
}

func (h *Hub) totpSecret(a *lookout.Account) (string, error) {
	k, err := h.messageKeys()
	if err != nil {
		return "", err
	}
	secret, err := open(k.secrets, a.TOTPSecret, "totp-secret")
	if err != nil {
		return "", fmt.Errorf("open the TOTP secret of account %s: %w", a.Username, err)
	}
	return string(secret), nil
}

// touchEvery is how stale a session's last use may get before a request
// writes it: a write per page would queue behind the checks.
const touchEvery = time.Minute

// SessionCaller returns the caller of a session token.
func (h *Hub) SessionCaller(ctx context.Context, token string) (*lookout.Caller, *lookout.Session, error) {
	hash := HashToken(token)
	s, err := h.store.Session(ctx, hash)
	if isCode(err, lookout.ENOTFOUND) {
		return nil, nil, lookout.Errorf(lookout.EUNAUTHENTICATED, "the session has ended: sign in again")
	} else if err != nil {
		return nil, nil, err
	}
	now := h.now()
	if s.Expired(now) {
		if err := h.store.DeleteSession(ctx, hash, nil); err != nil {
			return nil, nil, err
		}
		return nil, nil, lookout.Errorf(lookout.EUNAUTHENTICATED, "the session has ended: sign in again")
	}
	a, err := h.store.Account(ctx, s.AccountID)
	if err != nil {
		return nil, nil, err
	}
	if a.Disabled {
		return nil, nil, lookout.Errorf(lookout.EUNAUTHENTICATED, "account %s is disabled", a.Username)
	}
	agency, err := h.store.Agency(ctx, a.AgencyID)
	if err != nil {
		return nil, nil, err
	}
	if agency, err = h.effective(ctx, agency); err != nil {
		return nil, nil, err
	}
	if agency.Disabled {
		return nil, nil, lookout.Errorf(lookout.EUNAUTHENTICATED, "agency %s is disabled", agency.ID)
	}
	// An officer holds what both the account and its agency hold, so
	// narrowing the agency narrows every account in it at once.
	agency.Grants = slices.DeleteFunc(slices.Clone(agency.Grants), func(g lookout.Grant) bool { return !a.HasGrant(g) })
	if now.Sub(s.LastSeen) >= touchEvery {
		s.LastSeen = now
		if err := h.store.TouchSession(ctx, hash, now); err != nil {
			return nil, nil, err
		}
	}
	return &lookout.Caller{Agency: agency, Via: "session", Account: a.Username}, s, nil
}

// SignOut ends a session.
func (h *Hub) SignOut(ctx context.Context, token string) error {
	hash := HashToken(token)
	c, _, err := h.SessionCaller(ctx, token)
	if err != nil {
		// An ended session needs no signing out; sweep it all the same.
		return h.store.DeleteSession(ctx, hash, nil)
	}
	audit := entry(c, "account.sign_out", "", c.Account)
	audit.Outcome = "ok"
	return h.store.DeleteSession(ctx, hash, audit)
}

// AccountID returns the ID of an account the caller manages, by username.
func (h *Hub) AccountID(ctx context.Context, username string) (int64, error) {
	c, err := require(ctx, lookout.GrantAgenciesManage)
	if err != nil {
		return 0, err
	}
	a, err := h.store.AccountByUsername(ctx, strings.ToLower(strings.TrimSpace(username)))
	if err != nil {
		return 0, err
	}
	if _, err := h.managedAgency(ctx, c, a.AgencyID); err != nil {
		return 0, lookout.Errorf(lookout.ENOTFOUND, "account %q not found", username)
	}
	return a.ID, nil
}

// ChangePassword lets a signed-in person change their own password,
// proving it with the current one and a fresh TOTP code. Every session of
// the account ends, this one included: the person signs in again with the
// new password. A wrong current password or code counts as a failed
// sign-in (the lock-out applies). EFORBIDDEN outside a console session,
// EINVALID naming the field at fault.
func (h *Hub) ChangePassword(ctx context.Context, current, next, code string) error {
	c, err := caller(ctx)
	if err != nil {
		return err
	}
	if c.Via != "session" || c.Account == "" {
		return lookout.Errorf(lookout.EFORBIDDEN, "only a person signed in to the console changes their password")
	}
	if n := utf8.RuneCountInString(next); n < minPassword || n > maxPassword || !utf8.ValidString(next) {
		return lookout.FieldErrorf("new_password", "the new password must be %d to %d characters", minPassword, maxPassword)
	}
	if next == current {
		return lookout.FieldErrorf("new_password", "the new password must differ from the current one")
	}
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return lookout.FieldErrorf("code", "the code from the authenticator app is 6 digits")
	}
	a, err := h.store.AccountByUsername(ctx, c.Account)
	if err != nil {
		return err
	}
	defer lockAccount(a.ID)()
	if a, err = h.store.Account(ctx, a.ID); err != nil {
		return err
	}
	now := h.now()
	audit := entry(c, "account.password_change", "", a.Username)
	field, step := "", int64(0)
	if a.LockedUntil.After(now) {
		field = "current_password"
	} else if !CheckPassword(a.PasswordHash, current) {
		field = "current_password"
	} else if secret, err := h.totpSecret(a); err != nil {
		return err
	} else if step = checkTOTP(secret, code, now, a.TOTPStep); step == 0 {
		field = "code"
	}
	if field != "" {
		countFailure(a, now)
		audit.Outcome, audit.Detail = "failed", "wrong "+strings.ReplaceAll(field, "_", " ")
		if err := h.store.UpdateAccount(ctx, a, false, nil, audit); err != nil {
			return err
		}
		return lookout.FieldErrorf(field, "the current password or the code is wrong (after %d failures the account locks for %d minutes)", lookout.MaxFailedSignIns, int(lookout.SignInLockout/time.Minute))
	}
	a.PasswordHash, a.TOTPStep, a.FailedSignIns = HashPassword(next), step, 0
	audit.Outcome = "ok"
	return h.store.UpdateAccount(ctx, a, true, nil, audit)
}

// OwnAccount returns the signed-in person's own account (no credentials).
// EFORBIDDEN outside a console session.
func (h *Hub) OwnAccount(ctx context.Context) (*lookout.Account, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if c.Via != "session" || c.Account == "" {
		return nil, lookout.Errorf(lookout.EFORBIDDEN, "only a person signed in to the console has an account")
	}
	a, err := h.store.AccountByUsername(ctx, c.Account)
	if err != nil {
		return nil, err
	}
	return redacted(a), nil
}

// OwnSessions lists the signed-in person's sessions, the last used first;
// Current marks the one token belongs to. EFORBIDDEN outside a session.
func (h *Hub) OwnSessions(ctx context.Context, token string) ([]SessionView, error) {
	a, err := h.OwnAccount(ctx)
	if err != nil {
		return nil, err
	}
	list, err := h.store.AccountSessions(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	current, now := HashToken(token), h.now()
	out := make([]SessionView, 0, len(list))
	for _, s := range list {
		if s.Expired(now) {
			continue
		}
		out = append(out, SessionView{Session: *s, Current: string(s.Hash) == string(current)})
	}
	return out, nil
}

// SessionView is a session as its person sees it.
type SessionView struct {
	lookout.Session
	Current bool
}

// EndOtherSessions signs the person out everywhere but the session of
// token (a browser left signed in elsewhere, a lost tablet).
func (h *Hub) EndOtherSessions(ctx context.Context, token string) error {
	a, err := h.OwnAccount(ctx)
	if err != nil {
		return err
	}
	c, _ := caller(ctx)
	audit := entry(c, "account.sign_out_others", "", a.Username)
	audit.Outcome = "ok"
	return h.store.DeleteOtherSessions(ctx, a.ID, HashToken(token), audit)
}
