package console

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/lookout-network/lookout"
	"golang.org/x/time/rate"
)

// Cookie names: with TLS the __Host- prefix pins the cookie to this host,
// path / and Secure; on a plaintext loopback listener browsers would drop
// a Secure cookie, so it goes without.
const (
	cookieTLS   = "__Host-lookout-session"
	cookiePlain = "lookout-session"
)

func cookieName(r *http.Request) string {
	if r.TLS != nil {
		return cookieTLS
	}
	return cookiePlain
}

type sessionKey struct{}

// session is what a request knows of its signed-in person.
type session struct {
	token string
	csrf  string
}

func sessionFrom(ctx context.Context) *session {
	s, _ := ctx.Value(sessionKey{}).(*session)
	return s
}

// csrfToken derives a session's form token from its secret token: a
// stranger who cannot read the cookie cannot compute it, and nothing more
// needs storing.
func csrfToken(token string) string {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte("lookout console form token"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// authenticate establishes the caller from the session cookie.
func (c *Console) authenticate(w http.ResponseWriter, r *http.Request) (*http.Request, error) {
	ck, err := r.Cookie(cookieName(r))
	if err != nil || ck.Value == "" {
		return r, lookout.Errorf(lookout.EUNAUTHENTICATED, "%s", c.text.T("error.signin_required"))
	}
	caller, _, err := c.hub.SessionCaller(r.Context(), ck.Value)
	if err != nil {
		if lookout.ErrorCode(err) == lookout.EUNAUTHENTICATED {
			clearCookie(w, r)
		}
		return r, err
	}
	ctx := lookout.NewContext(r.Context(), caller)
	ctx = context.WithValue(ctx, sessionKey{}, &session{token: ck.Value, csrf: csrfToken(ck.Value)})
	return r.WithContext(ctx), nil
}

// checkCSRF compares the form's (or a script's header) token with the
// session's, in constant time.
func (c *Console) checkCSRF(r *http.Request) error {
	s := sessionFrom(r.Context())
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.FormValue("csrf")
	}
	if s == nil || !hmac.Equal([]byte(got), []byte(s.csrf)) {
		return lookout.Errorf(lookout.EFORBIDDEN, "%s", c.text.T("error.csrf"))
	}
	return nil
}

func setCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: cookieName(r), Value: token, Path: "/", MaxAge: int(lookout.SessionLifetime / time.Second),
		Secure: r.TLS != nil, HttpOnly: true, SameSite: http.SameSiteStrictMode,
	})
}

func clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: cookieName(r), Value: "", Path: "/", MaxAge: -1, Secure: r.TLS != nil, HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

// signInForm is the sign-in page's data.
type signInForm struct {
	Username string
	Next     string
	// CSRF is the form's token, also in a cookie (double submit): another
	// site cannot sign a browser in to an account of its choosing.
	CSRF string
}

// Names of the sign-in form's token cookie (see cookieName).
const (
	signInCookieTLS   = "__Host-lookout-signin"
	signInCookiePlain = "lookout-signin"
)

func signInCookieName(r *http.Request) string {
	if r.TLS != nil {
		return signInCookieTLS
	}
	return signInCookiePlain
}

// signInToken returns the browser's sign-in form token, setting a new one
// when it has none.
func signInToken(w http.ResponseWriter, r *http.Request) string {
	if ck, err := r.Cookie(signInCookieName(r)); err == nil && len(ck.Value) == 43 {
		return ck.Value
	}
	b := make([]byte, 32)
	rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: signInCookieName(r), Value: token, Path: "/", MaxAge: 3600, Secure: r.TLS != nil, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	return token
}

func (c *Console) signInPage(w http.ResponseWriter, r *http.Request) {
	if _, err := c.authenticate(w, r); err == nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	c.renderPublic(w, r, http.StatusOK, "signin", signInForm{Next: safeNext(r.URL.Query().Get("next")), CSRF: signInToken(w, r)}, nil)
}

// signInBurst attempts an address may make at once, then one every
// signInEvery: enough for typing mistakes, too few for guessing.
const (
	signInBurst = 10
	signInEvery = 6 * time.Second
)

func (c *Console) allowSignIn(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	c.limitMu.Lock()
	defer c.limitMu.Unlock()
	l, ok := c.signInLimits[host]
	if !ok {
		if len(c.signInLimits) > 100_000 {
			clear(c.signInLimits)
		}
		l = rate.NewLimiter(rate.Every(signInEvery), signInBurst)
		c.signInLimits[host] = l
	}
	return l.Allow()
}

func (c *Console) signIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	form := signInForm{Username: r.FormValue("username"), Next: safeNext(r.FormValue("next"))}
	ck, err := r.Cookie(signInCookieName(r))
	if err != nil || ck.Value == "" || !hmac.Equal([]byte(ck.Value), []byte(r.FormValue("csrf"))) {
		form.CSRF = signInToken(w, r)
		c.renderPublic(w, r, http.StatusForbidden, "signin", form, lookout.Errorf(lookout.EFORBIDDEN, "%s", c.text.T("error.csrf")))
		return
	}
	form.CSRF = ck.Value
	if !c.allowSignIn(r.RemoteAddr) {
		c.renderPublic(w, r, http.StatusTooManyRequests, "signin", form, lookout.Errorf(lookout.ERATELIMITED, "%s", c.text.T("signin.too_many")))
		return
	}
	token, _, err := c.hub.SignIn(r.Context(), lookout.SignInRequest{
		Username: form.Username, Password: r.FormValue("password"), Code: r.FormValue("code"), RemoteAddr: r.RemoteAddr,
	})
	if err != nil {
		status := statusOf(err)
		if lookout.ErrorCode(err) == lookout.EINTERNAL {
			c.log.Error("sign-in", "err", err)
		}
		c.renderPublic(w, r, status, "signin", form, err)
		return
	}
	setCookie(w, r, token)
	http.Redirect(w, r, form.Next, http.StatusSeeOther)
}

func (c *Console) signOut(w http.ResponseWriter, r *http.Request) error {
	if err := c.hub.SignOut(r.Context(), sessionFrom(r.Context()).token); err != nil {
		return err
	}
	clearCookie(w, r)
	http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
	return nil
}

// events streams the signed-in person's events (new hits, case actions,
// messages) to the page; it ends as soon as the session does.
func (c *Console) events(w http.ResponseWriter, r *http.Request) error {
	if c.opts.EventStream == nil {
		return lookout.Errorf(lookout.ENOTFOUND, "no event stream")
	}
	token := sessionFrom(r.Context()).token
	return c.opts.EventStream(w, r, func() error {
		_, _, err := c.hub.SessionCaller(context.WithoutCancel(r.Context()), token)
		return err
	})
}

// safeNext keeps a post-sign-in redirect on this site: a path, never a
// scheme or host ("//evil.example" included).
func safeNext(next string) string {
	u, err := url.Parse(next)
	if next == "" || err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
