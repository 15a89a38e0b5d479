package lookout

import (
	"context"
	"time"
)

// Account is a person who signs in to the web console: an officer of one
// agency, holding at most that agency's grants. The password is kept only
// as an argon2id hash and the TOTP secret only sealed under the hub's key.
type Account struct {
	ID       int64  `json:"id"`
	AgencyID string `json:"agency_id"`
	// Username is unique across the network: lower-case letters, digits,
	// dots, dashes and underscores.
	Username string  `json:"username"`
	Name     string  `json:"name"`
	Grants   []Grant `json:"grants"`
	Disabled bool    `json:"disabled"`
	// FailedSignIns counts the failures since the last success; at
	// MaxFailedSignIns the account locks until LockedUntil.
	FailedSignIns int       `json:"failed_sign_ins"`
	LockedUntil   time.Time `json:"locked_until,omitzero"`
	LastSignIn    time.Time `json:"last_sign_in,omitzero"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`

	PasswordHash string `json:"-"`
	// TOTPSecret is sealed; TOTPStep is the last time step accepted, so
	// that a code is never accepted twice.
	TOTPSecret []byte `json:"-"`
	TOTPStep   int64  `json:"-"`
}

// HasGrant reports whether the account holds g.
func (a *Account) HasGrant(g Grant) bool {
	for _, x := range a.Grants {
		if x == g {
			return true
		}
	}
	return false
}

// Sign-in rules.
const (
	// MaxFailedSignIns consecutive failures lock an account for
	// SignInLockout.
	MaxFailedSignIns = 5
	SignInLockout    = 15 * time.Minute
	// A session ends after SessionIdle without a request, and after
	// SessionLifetime in any case.
	SessionIdle     = 30 * time.Minute
	SessionLifetime = 12 * time.Hour
)

// Session is a signed-in console session. Only the hash of its token is
// stored; the token lives in the browser's cookie.
type Session struct {
	Hash      []byte    `json:"-"`
	AccountID int64     `json:"account_id"`
	CreatedAt time.Time `json:"created_at"`
	LastSeen  time.Time `json:"last_seen"`
	ExpiresAt time.Time `json:"expires_at"`
	// RemoteAddr is the address the session was opened from, for the
	// audit trail and the account screen.
	RemoteAddr string `json:"remote_addr"`
}

// Expired reports whether s has ended at now.
func (s *Session) Expired(now time.Time) bool {
	return !now.Before(s.ExpiresAt) || now.Sub(s.LastSeen) >= SessionIdle
}

// NewAccount is what a manager fills in to open an account.
type NewAccount struct {
	AgencyID string  `json:"agency_id"`
	Username string  `json:"username"`
	Name     string  `json:"name"`
	Grants   []Grant `json:"grants"`
	// Password may be empty: the hub then makes one up and returns it.
	Password string `json:"password"`
}

// AccountCredentials are shown once, when an account is opened or reset:
// the password (if the hub made it up) and the TOTP secret for the
// officer's authenticator app.
type AccountCredentials struct {
	Account    *Account `json:"account"`
	Password   string   `json:"password,omitempty"`
	TOTPSecret string   `json:"totp_secret"`
	TOTPURI    string   `json:"totp_uri"`
}

// AccountUpdate changes an account; nil fields are left as they are.
type AccountUpdate struct {
	Name     *string  `json:"name"`
	Grants   *[]Grant `json:"grants"`
	Disabled *bool    `json:"disabled"`
	// Unlock clears a lock-out and the failure count.
	Unlock bool `json:"unlock"`
}

// SignInRequest is what a person types on the sign-in page.
type SignInRequest struct {
	Username   string
	Password   string
	Code       string // the current TOTP code
	RemoteAddr string
}

// AccountService manages console accounts and their sessions.
type AccountService interface {
	// CreateAccount opens an account in an agency the caller manages (the
	// caller's own agency or one below it) with grants the agency holds.
	// EFORBIDDEN without agencies:manage or outside the caller's tree,
	// EINVALID on bad fields, ECONFLICT when the username is taken.
	CreateAccount(ctx context.Context, a NewAccount) (*AccountCredentials, error)
	// Accounts lists the accounts of an agency the caller manages.
	Accounts(ctx context.Context, agencyID string) ([]*Account, error)
	// UpdateAccount changes an account the caller manages.
	UpdateAccount(ctx context.Context, id int64, u AccountUpdate) (*Account, error)
	// ResetAccount gives an account a new password and TOTP secret.
	ResetAccount(ctx context.Context, id int64) (*AccountCredentials, error)
	// SignIn checks a username, password and TOTP code and opens a session,
	// returning its token. EUNAUTHENTICATED for any failure, with the same
	// message whatever failed; every attempt is audited.
	SignIn(ctx context.Context, r SignInRequest) (string, *Session, error)
	// SessionCaller returns the caller of a session token: the account's
	// agency with the grants both hold. EUNAUTHENTICATED when the session
	// ended or the account or agency is disabled.
	SessionCaller(ctx context.Context, token string) (*Caller, *Session, error)
	// SignOut ends a session.
	SignOut(ctx context.Context, token string) error
}
