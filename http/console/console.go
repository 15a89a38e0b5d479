// Package console is Lookout's web console: the server-rendered pages that
// NCB officers, border officers, the secretariat and auditors work in. It
// signs people in (password and TOTP), keeps their sessions in cookies,
// protects every form against cross-site requests, and calls the same hub
// services as the API with the signed-in person as the caller, so every
// page obeys the owners' rules and lands in the audit trail exactly as an
// API call does. Templates, strings and assets are embedded in the binary.
package console

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/lookout-network/lookout"
	api "github.com/lookout-network/lookout/http"
	"github.com/lookout-network/lookout/hub"
	"golang.org/x/time/rate"
)

//go:embed templates static locales
var files embed.FS

// Options are what the server wiring gives the console beyond the hub.
type Options struct {
	// EventStream serves the caller's server-sent events on w (the API's
	// own stream, so the console and integrators see the same events);
	// it calls reauth now and then and ends when reauth fails.
	EventStream func(w http.ResponseWriter, r *http.Request, reauth func() error) error
	// VerifyAudit checks the whole audit chain (the auditor's button).
	VerifyAudit func(ctx context.Context) (AuditReport, error)
	// IssueCertificate writes a client certificate for an agency and
	// returns its PEM certificate and key; RevokeCertificates revokes all
	// of an agency's. Nil when the hub has no CA (served --plaintext).
	IssueCertificate   func(agencyID string) (cert, key []byte, err error)
	RevokeCertificates func(agencyID string) error
	// Allow spends one request of an agency's rate (the API's limiter);
	// nil: no limit.
	Allow func(agency string) (wait time.Duration, ok bool)
	// Now is the clock (tests move it); time.Now when nil.
	Now func() time.Time
}

// AuditReport is the outcome of verifying the audit chain.
type AuditReport struct {
	Entries  int64
	HeadSeq  int64
	HeadHash string
	// Broken names the first entry that fails, empty when intact.
	Broken string
	Took   time.Duration
}

// Console is the web console's HTTP handler.
type Console struct {
	hub  *hub.Hub
	log  *slog.Logger
	opts Options
	mux  *http.ServeMux
	// pages are the parsed templates, one set per page.
	pages  map[string]*pageTemplate
	text   catalog
	static http.Handler

	// signInLimits slows guessing from one address across accounts; the
	// per-account lock-out is the hub's.
	limitMu      sync.Mutex
	signInLimits map[string]*rate.Limiter

	// routes lists every page that needs a signed-in person, for the
	// authorization test that walks them all.
	guarded []Route
}

// Route is a console page that needs a signed-in person and the grant it
// needs ("" for anyone signed in).
type Route struct {
	Pattern string
	Grant   lookout.Grant
}

// Routes returns every page that needs a signed-in person.
func (c *Console) Routes() []Route { return c.guarded }

// New returns the console over a hub.
func New(h *hub.Hub, log *slog.Logger, opts Options) (*Console, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	text, err := loadCatalog(files, "locales/en")
	if err != nil {
		return nil, err
	}
	c := &Console{hub: h, log: log, opts: opts, mux: http.NewServeMux(), text: text, signInLimits: map[string]*rate.Limiter{}}
	if c.pages, err = c.parsePages(); err != nil {
		return nil, err
	}
	static, _ := fs.Sub(files, "static")
	c.static = http.StripPrefix("/static/", http.FileServerFS(static))
	c.routes()
	return c, nil
}

// routes registers every page. Each screen's file has a routesX method.
func (c *Console) routes() {
	c.mux.HandleFunc("GET /static/", c.serveStatic)
	c.mux.HandleFunc("GET /sign-in", c.signInPage)
	c.mux.HandleFunc("POST /sign-in", c.signIn)
	c.handle("POST /sign-out", "", c.signOut)
	c.handle("GET /events", "", c.events)
	c.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		c.fail(w, r, lookout.Errorf(lookout.ENOTFOUND, "no page %s", r.URL.Path))
	})
	c.routesScreens()
}

// csp lets pages load scripts, styles and images from the hub only: no
// inline script can run even if a value escaped its template.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

var crossOrigin = http.NewCrossOriginProtection()

// ServeHTTP implements http.Handler.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	// Cross-origin form posts are refused before any handler runs; the
	// per-session token in every form is the second lock.
	if err := crossOrigin.Check(r); err != nil {
		c.fail(w, r, lookout.Errorf(lookout.EFORBIDDEN, "cross-origin request refused"))
		return
	}
	c.mux.ServeHTTP(w, r)
}

func (c *Console) serveStatic(w http.ResponseWriter, r *http.Request) {
	// Assets change only with the binary.
	w.Header().Set("Cache-Control", "public, max-age=3600")
	c.static.ServeHTTP(w, r)
}

// handler is a page or form handler; the request's context carries the
// signed-in caller.
type handler func(w http.ResponseWriter, r *http.Request) error

// maxForm bounds an ordinary form; uploads say their own bound.
const maxForm = 1 << 20

// handle registers a page that needs a signed-in person holding grant
// (any person when grant is empty).
func (c *Console) handle(pattern string, grant lookout.Grant, fn handler) {
	c.upload(pattern, grant, maxForm, fn)
}

// upload registers a page whose form may carry up to limit bytes.
func (c *Console) upload(pattern string, grant lookout.Grant, limit int64, fn handler) {
	c.guarded = append(c.guarded, Route{Pattern: pattern, Grant: grant})
	c.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		r, err := c.authenticate(w, r)
		if err != nil {
			if r.Method == http.MethodGet && !strings.HasPrefix(r.URL.Path, "/events") {
				http.Redirect(w, r, "/sign-in?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			c.fail(w, r, err)
			return
		}
		if c.opts.Allow != nil {
			if wait, ok := c.opts.Allow(lookout.CallerFrom(r.Context()).Agency.ID); !ok {
				secs := api.RetryAfter(w, wait)
				c.fail(w, r, lookout.Errorf(lookout.ERATELIMITED, "%s", c.text.T("error.rate_limited", secs)))
				return
			}
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			if err := c.parseForm(r); err != nil {
				c.fail(w, r, err)
				return
			}
			if err := c.checkCSRF(r); err != nil {
				c.fail(w, r, err)
				return
			}
		}
		if grant != "" {
			if caller := lookout.CallerFrom(r.Context()); !caller.Has(grant) {
				c.fail(w, r, lookout.Errorf(lookout.EFORBIDDEN, "%s", c.text.T("error.grant", string(grant))))
				return
			}
		}
		if err := fn(w, r); err != nil {
			c.fail(w, r, err)
		}
	})
}

// parseForm reads the form (a script's upload sends its token in a header
// and leaves its body to the handler), so that an upload over the limit is
// told so rather than taken for a form without its token.
func (c *Console) parseForm(r *http.Request) error {
	if r.Header.Get("X-CSRF-Token") != "" {
		return nil
	}
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(32 << 20)
	} else {
		err = r.ParseForm()
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return err // fail names the limit
	}
	if err != nil {
		return lookout.Errorf(lookout.EINVALID, "the form could not be read: %v", err)
	}
	return nil
}
