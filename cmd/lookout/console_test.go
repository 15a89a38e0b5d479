package main

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lookout-network/lookout"
	lhttp "github.com/lookout-network/lookout/http"
	"github.com/lookout-network/lookout/hub"
)

// officer is a console account made for a test, with what its person
// knows: the password and the TOTP secret.
type officer struct {
	m        *Main
	Username string
	Password string
	Secret   string
	ID       int64

	mu       sync.Mutex
	lastStep int64
}

// MustOfficer opens a console account in an agency, created by the
// secretariat, holding grants (all the agency's when grants is nil).
func MustOfficer(tb testing.TB, m *Main, agencyID, username string, grants []lookout.Grant) *officer {
	tb.Helper()
	ctx := context.Background()
	sec, err := m.hub.AuthenticateAgency(ctx, "secretariat")
	if err != nil {
		tb.Fatal(err)
	}
	if grants == nil {
		a, err := m.hub.AuthenticateAgency(ctx, agencyID)
		if err != nil {
			tb.Fatal(err)
		}
		grants = a.Agency.Grants
	}
	creds, err := m.hub.CreateAccount(lookout.NewContext(ctx, sec), lookout.NewAccount{AgencyID: agencyID, Username: username, Name: "Officer " + username, Grants: grants})
	if err != nil {
		tb.Fatalf("create account %s: %v", username, err)
	}
	return &officer{m: m, Username: username, Password: creds.Password, Secret: creds.TOTPSecret, ID: creds.Account.ID}
}

// Code returns a TOTP code the hub has not accepted yet for this officer:
// the current step's, or the next one's when the current was used (the
// hub accepts one step either side and never the same step twice).
func (o *officer) Code(tb testing.TB) string {
	tb.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	now := time.Now()
	step := now.Unix() / 30
	if step <= o.lastStep {
		step = o.lastStep + 1
	}
	if step > now.Unix()/30+1 {
		// Both usable steps are spent: wait for the next.
		time.Sleep(time.Until(time.Unix((o.lastStep)*30, 0)))
		step = o.lastStep + 1
	}
	o.lastStep = step
	code, err := hub.TOTPCode(o.Secret, time.Unix(step*30, 0))
	if err != nil {
		tb.Fatal(err)
	}
	return code
}

// WrongCode returns a code for attempts that must fail anyway: it does
// not use up a step.
func (o *officer) WrongCode(tb testing.TB) string {
	code, err := hub.TOTPCode(o.Secret, time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	return code
}

// web is a person's browser without JavaScript: a cookie jar, and the form
// token of the last page it read.
type web struct {
	tb     testing.TB
	url    string
	client *http.Client
	csrf   string
}

// MustWeb returns a browser with no session.
func MustWeb(tb testing.TB, m *Main) *web {
	jar, _ := cookiejar.New(nil)
	return &web{tb: tb, url: m.URL, client: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

// MustSignIn signs an officer in and returns the browser.
func (o *officer) MustSignIn(tb testing.TB) *web {
	tb.Helper()
	w := MustWeb(tb, o.m)
	status, body := w.Post("/sign-in", url.Values{"username": {o.Username}, "password": {o.Password}, "code": {o.Code(tb)}})
	if status != http.StatusOK || !strings.Contains(body, `data-page="dashboard"`) {
		tb.Fatalf("sign in %s: status %d\n%s", o.Username, status, body)
	}
	return w
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (w *web) do(req *http.Request) (int, string) {
	w.tb.Helper()
	resp, err := w.client.Do(req)
	if err != nil {
		w.tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	body := string(b)
	if m := csrfField.FindStringSubmatch(body); m != nil {
		w.csrf = html.UnescapeString(m[1])
	}
	return resp.StatusCode, body
}

// Get reads a page, following redirects.
func (w *web) Get(path string) (int, string) {
	w.tb.Helper()
	req, _ := http.NewRequest("GET", w.url+path, nil)
	return w.do(req)
}

// Post sends a form with the last page's token (unless form has one). A
// sign-in first loads the sign-in page, as a browser does, for its token.
func (w *web) Post(path string, form url.Values) (int, string) {
	w.tb.Helper()
	if form == nil {
		form = url.Values{}
	}
	if path == "/sign-in" {
		w.Get("/sign-in")
	}
	if _, ok := form["csrf"]; !ok && w.csrf != "" {
		form.Set("csrf", w.csrf)
	}
	req, _ := http.NewRequest("POST", w.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return w.do(req)
}

// text returns a page's text without tags, spaces collapsed, for asserts
// that should not depend on markup.
func text(page string) string {
	page = regexp.MustCompile(`(?s)<(script|style)[^>]*>.*?</(script|style)>`).ReplaceAllString(page, " ")
	page = regexp.MustCompile(`<[^>]+>`).ReplaceAllString(page, " ")
	return strings.Join(strings.Fields(html.UnescapeString(page)), " ")
}

// MustConsoleNCB starts the server with an NCB of FRA and one of DEU and
// returns the server and the secretariat's API client.
func MustConsoleNCBs(tb testing.TB) (*Main, *client) {
	tb.Helper()
	m, token := MustRunMain(tb)
	sec := &client{tb: tb, url: m.URL, token: token}
	for _, c := range []string{"FRA", "DEU"} {
		MustCreateAgency(tb, sec, map[string]any{"id": "ncb-" + strings.ToLower(c), "kind": "ncb", "country": c, "name": "NCB " + c})
	}
	return m, sec
}

func TestConsoleSignIn(t *testing.T) {
	m, _ := MustConsoleNCBs(t)
	o := MustOfficer(t, m, "ncb-fra", "marie", nil)

	t.Run("OK", func(t *testing.T) {
		w := o.MustSignIn(t)
		status, body := w.Get("/")
		if status != http.StatusOK || !strings.Contains(text(body), "marie") || !strings.Contains(text(body), "NCB FRA") {
			t.Fatalf("dashboard: %d %s", status, text(body))
		}
		entries, err := m.hub.AuditEntries(lookout.NewContext(context.Background(), mustCaller(t, m, "secretariat")), lookout.AuditFilter{Action: "account.sign_in", Account: "marie"})
		if err != nil || len(entries) == 0 || entries[len(entries)-1].Outcome != "ok" {
			t.Fatalf("audit of the sign-in: %v %+v", err, entries)
		}
	})
	t.Run("ErrNotSignedIn", func(t *testing.T) {
		w := MustWeb(t, m)
		status, body := w.Get("/?status=open")
		if status != http.StatusOK || !strings.Contains(body, `data-page="signin"`) || !strings.Contains(body, `value="/?status=open"`) {
			t.Fatalf("not signed in: %d, want the sign-in page keeping the destination\n%s", status, body)
		}
	})
	t.Run("ErrWrongPassword", func(t *testing.T) {
		w := MustWeb(t, m)
		status, body := w.Post("/sign-in", url.Values{"username": {"marie"}, "password": {"not the password"}, "code": {o.WrongCode(t)}})
		if status != http.StatusUnauthorized || !strings.Contains(text(body), "wrong") {
			t.Fatalf("wrong password: %d %s", status, text(body))
		}
	})
	t.Run("ErrWrongCode", func(t *testing.T) {
		w := MustWeb(t, m)
		bad := []byte(o.WrongCode(t))
		bad[0] = '0' + (bad[0]-'0'+1)%10
		status, _ := w.Post("/sign-in", url.Values{"username": {"marie"}, "password": {o.Password}, "code": {string(bad)}})
		if status != http.StatusUnauthorized {
			t.Fatalf("wrong code: %d", status)
		}
	})
	t.Run("ErrCodeNotDigits", func(t *testing.T) {
		w := MustWeb(t, m)
		status, body := w.Post("/sign-in", url.Values{"username": {"marie"}, "password": {o.Password}, "code": {"12ab56"}})
		if status != http.StatusBadRequest || !strings.Contains(text(body), "6 digits") {
			t.Fatalf("bad code: %d %s", status, text(body))
		}
	})
	t.Run("ErrNoFormToken", func(t *testing.T) {
		// Another site posting a sign-in (to sign the browser in to an
		// account of its own) has neither the cookie nor the token.
		resp, err := http.PostForm(m.URL+"/sign-in", url.Values{"username": {"marie"}, "password": {o.Password}, "code": {o.WrongCode(t)}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("a sign-in without the form's token: %d", resp.StatusCode)
		}
	})
	t.Run("ErrUnknownUser", func(t *testing.T) {
		w := MustWeb(t, m)
		status, _ := w.Post("/sign-in", url.Values{"username": {"nobody"}, "password": {"whatever password"}, "code": {"123456"}})
		if status != http.StatusUnauthorized {
			t.Fatalf("unknown user: %d", status)
		}
	})
}

func TestConsoleSession(t *testing.T) {
	m, _ := MustConsoleNCBs(t)
	o := MustOfficer(t, m, "ncb-fra", "paul", nil)
	w := o.MustSignIn(t)

	t.Run("CookieFlags", func(t *testing.T) {
		u, _ := url.Parse(m.URL)
		cookies := w.client.Jar.Cookies(u)
		if !slices.ContainsFunc(cookies, func(c *http.Cookie) bool { return c.Name == "lookout-session" }) {
			t.Fatalf("cookies: %v", cookies)
		}
		// The jar hides the attributes: sign in again and read the header.
		resp := signInRaw(t, &http.Client{}, m.URL, o)
		sc := resp.Header.Get("Set-Cookie")
		for _, want := range []string{"HttpOnly", "SameSite=Strict", "Max-Age=43200", "Path=/"} {
			if !strings.Contains(sc, want) {
				t.Errorf("Set-Cookie %q lacks %s", sc, want)
			}
		}
	})
	t.Run("SecurityHeaders", func(t *testing.T) {
		resp, err := w.client.Get(m.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("CSP %q", csp)
		}
		if resp.Header.Get("X-Frame-Options") != "DENY" || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("headers %v", resp.Header)
		}
	})
	t.Run("ErrCSRFMissing", func(t *testing.T) {
		status, body := w.Post("/sign-out", url.Values{"csrf": {"forged"}})
		if status != http.StatusForbidden || !strings.Contains(text(body), "reload the page") {
			t.Fatalf("forged token: %d %s", status, text(body))
		}
	})
	t.Run("ErrCrossOrigin", func(t *testing.T) {
		req, _ := http.NewRequest("POST", m.URL+"/sign-out", strings.NewReader(url.Values{"csrf": {w.csrf}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		status, _ := w.do(req)
		if status != http.StatusForbidden {
			t.Fatalf("cross-site post: %d", status)
		}
	})
	t.Run("ErrTooLarge", func(t *testing.T) {
		w.Get("/")
		status, body := w.Post("/sign-out", url.Values{"filler": {strings.Repeat("x", 2<<20)}})
		if status != http.StatusRequestEntityTooLarge || !strings.Contains(text(body), "too large") {
			t.Fatalf("a form over the limit: %d %s", status, text(body))
		}
	})
	t.Run("SignOut", func(t *testing.T) {
		w.Get("/")
		status, body := w.Post("/sign-out", nil)
		if status != http.StatusOK || !strings.Contains(body, `data-page="signin"`) {
			t.Fatalf("sign out: %d", status)
		}
		if _, body := w.Get("/"); !strings.Contains(body, `data-page="signin"`) {
			t.Fatal("still signed in after signing out")
		}
	})
}

func TestConsoleLockout(t *testing.T) {
	m, _ := MustConsoleNCBs(t)
	o := MustOfficer(t, m, "ncb-deu", "hans", nil)
	w := MustWeb(t, m)
	for i := 0; i < lookout.MaxFailedSignIns; i++ {
		if status, _ := w.Post("/sign-in", url.Values{"username": {"hans"}, "password": {"wrong password " + string(rune('a'+i))}, "code": {"000000"}}); status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i, status)
		}
	}
	// The right password and code are refused while the account is locked.
	if status, _ := w.Post("/sign-in", url.Values{"username": {"hans"}, "password": {o.Password}, "code": {o.WrongCode(t)}}); status != http.StatusUnauthorized {
		t.Fatalf("locked account signed in: %d", status)
	}
	ctx := lookout.NewContext(context.Background(), mustCaller(t, m, "secretariat"))
	entries, err := m.hub.AuditEntries(ctx, lookout.AuditFilter{Action: "account.sign_in", Account: "hans"})
	if err != nil || len(entries) != lookout.MaxFailedSignIns+1 || !strings.Contains(entries[len(entries)-1].Detail, "locked until") {
		t.Fatalf("audit: %v %d entries, last %+v", err, len(entries), entries[len(entries)-1])
	}
	// Its NCB unlocks it.
	if _, err := m.hub.UpdateAccount(ctx, o.ID, lookout.AccountUpdate{Unlock: true}); err != nil {
		t.Fatal(err)
	}
	o.MustSignIn(t)
}

// mustCaller returns the caller of an agency, as a certificate would.
func mustCaller(tb testing.TB, m *Main, agencyID string) *lookout.Caller {
	tb.Helper()
	c, err := m.hub.AuthenticateAgency(context.Background(), agencyID)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// TestConsoleTLSCookie: under TLS the session cookie is Secure and carries
// the __Host- prefix (this host only, path /), and it signs in over HTTPS.
func TestConsoleTLSCookie(t *testing.T) {
	m, pool, _ := mustTLSNetwork(t)
	o := MustOfficer(t, m, "secretariat", "tls.officer", nil)
	resp := signInRaw(t, tlsClient(t, m, pool, ""), m.URL, o)
	sc := resp.Header.Get("Set-Cookie")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(sc, "__Host-lookout-session=") || !strings.Contains(sc, "Secure") || !strings.Contains(sc, "HttpOnly") || strings.Contains(sc, "Domain=") {
		t.Fatalf("sign-in over TLS: %d, Set-Cookie %q", resp.StatusCode, sc)
	}
	if hsts := resp.Header.Get("Strict-Transport-Security"); hsts == "" {
		t.Error("no Strict-Transport-Security over TLS")
	}
}

// signInRaw signs o in with client c as a browser does (the form first, for
// its token) and returns the answer to the form, redirect not followed.
func signInRaw(t *testing.T, c *http.Client, base string, o *officer) *http.Response {
	t.Helper()
	c.Jar, _ = cookiejar.New(nil)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(base + "/sign-in")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindStringSubmatch(string(page))
	if m == nil {
		t.Fatal("the sign-in page has no form token")
	}
	resp, err = c.PostForm(base+"/sign-in", url.Values{"csrf": {html.UnescapeString(m[1])}, "username": {o.Username}, "password": {o.Password}, "code": {o.Code(t)}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// TestConsoleRateLimit: a person's pages spend their agency's request rate,
// the one its machines spend on the API, and get 429 with Retry-After when
// it is spent.
func TestConsoleRateLimit(t *testing.T) {
	m, _ := MustConsoleNCBs(t)
	o := MustOfficer(t, m, "ncb-deu", "busy", nil)
	w := o.MustSignIn(t) // the sign-in's dashboard spends one
	limits := lhttp.DefaultLimits
	limits.Rate, limits.Burst = 0.001, 3
	m.handler.SetLimits(limits)
	statuses := []int{}
	for range 5 {
		s, _ := w.Get("/hits")
		statuses = append(statuses, s)
	}
	if !slices.Equal(statuses, []int{200, 200, 200, 429, 429}) {
		t.Fatalf("statuses %v, want three pages then 429", statuses)
	}
	resp, err := w.client.Get(m.URL + "/hits")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("%d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}
