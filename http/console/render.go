package console

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/lookout-network/lookout"
	api "github.com/lookout-network/lookout/http"
)

// catalog holds the console's strings of one language, by key. Every
// string a person reads comes from here, so a language is one folder of
// JSON files under locales/.
type catalog map[string]string

// loadCatalog reads every JSON file of dir into one catalogue; a key
// defined twice is an error.
func loadCatalog(fsys fs.FS, dir string) (catalog, error) {
	names, err := fs.Glob(fsys, dir+"/*.json")
	if err != nil {
		return nil, err
	}
	cat := catalog{}
	for _, name := range names {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var m map[string]string
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("strings %s: %w", name, err)
		}
		for k, v := range m {
			if _, dup := cat[k]; dup {
				return nil, fmt.Errorf("strings %s: key %q is defined twice", name, k)
			}
			cat[k] = v
		}
	}
	return cat, nil
}

// T returns the string of key, formatted with args. A missing key shows
// as itself in brackets, and the console's tests fail on it.
func (cat catalog) T(key string, args ...any) string {
	s, ok := cat[key]
	if !ok {
		return "[" + key + "]"
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// pageTemplate is one page parsed with the layout and the partials.
type pageTemplate struct {
	t *template.Template
}

// funcs are the helpers every template may call.
func (c *Console) funcs() template.FuncMap {
	return template.FuncMap{
		"t": c.text.T,
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.UTC().Format("2006-01-02")
		},
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.UTC().Format("2006-01-02 15:04 UTC")
		},
		"json": func(v any) (template.JS, error) {
			b, err := json.Marshal(v)
			return template.JS(b), err
		},
		"join": func(v any, sep string) string {
			switch x := v.(type) {
			case []string:
				return strings.Join(x, sep)
			case []lookout.Grant:
				s := make([]string, len(x))
				for i, g := range x {
					s[i] = string(g)
				}
				return strings.Join(s, sep)
			}
			return fmt.Sprint(v)
		},
		"contains": func(list any, v string) bool {
			switch x := list.(type) {
			case []string:
				return slices.Contains(x, v)
			case []lookout.Grant:
				return slices.Contains(x, lookout.Grant(v))
			}
			return false
		},
		"add":    func(a, b int) int { return a + b },
		"grants": func() []lookout.Grant { return lookout.AllGrants },
	}
}

// parsePages parses each templates/*.html page together with the layout
// and every templates/partials/*.html.
func (c *Console) parsePages() (map[string]*pageTemplate, error) {
	base, err := template.New("layout").Funcs(c.funcs()).ParseFS(files, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*pageTemplate{}
	for _, name := range names {
		if path.Base(name) == "layout.html" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(files, name)
		if err != nil {
			return nil, err
		}
		pages[strings.TrimSuffix(path.Base(name), ".html")] = &pageTemplate{t: t}
	}
	return pages, nil
}

// Page is what every template gets: the person, the form token, the
// navigation, errors, and the page's own data in Data.
type Page struct {
	Name   string
	Caller *lookout.Caller
	CSRF   string
	// Error is the message of a failed action; FieldErrors hold the
	// message of each field at fault.
	Error       string
	FieldErrors map[string]string
	Flash       string
	Data        any
	Now         time.Time
	// Nav is the menu: only what the person's grants open.
	Nav []NavItem
}

// NavItem is one entry of the menu.
type NavItem struct {
	Path, Label string
	Active      bool
}

// Can reports whether the signed-in person holds grant g.
func (p *Page) Can(g string) bool { return p.Caller != nil && p.Caller.Has(lookout.Grant(g)) }

// Field returns the error message of a field, empty when it is fine.
func (p *Page) Field(name string) string { return p.FieldErrors[name] }

// menu lists the screens and the grant each needs ("" for everyone).
var menu = []struct {
	path, key string
	grant     lookout.Grant
}{
	{"/", "nav.dashboard", ""},
	{"/check", "nav.check", lookout.GrantDocumentsCheck},
	{"/hits", "nav.hits", lookout.GrantHitsFollow},
	{"/messages", "nav.messages", ""},
	{"/records", "nav.records", lookout.GrantDocumentsWrite},
	{"/persons", "nav.persons", lookout.GrantPersonsSearch},
	{"/dna", "nav.dna", lookout.GrantDNASearch},
	{"/fingerprints", "nav.fingerprints", lookout.GrantFingerprintsSearch},
	{"/stats", "nav.stats", lookout.GrantStatsRead},
	{"/agencies", "nav.agencies", lookout.GrantAgenciesManage},
	{"/audit", "nav.audit", lookout.GrantAuditRead},
}

func (c *Console) page(r *http.Request, name string, data any, err error) *Page {
	p := &Page{Name: name, Data: data, Now: c.opts.Now().UTC(), Caller: lookout.CallerFrom(r.Context()), Flash: r.URL.Query().Get("done")}
	if s := sessionFrom(r.Context()); s != nil {
		p.CSRF = s.csrf
	}
	if p.Caller != nil {
		for _, m := range menu {
			if m.grant == "" || p.Caller.Has(m.grant) {
				active := r.URL.Path == m.path || m.path != "/" && strings.HasPrefix(r.URL.Path, m.path+"/")
				p.Nav = append(p.Nav, NavItem{Path: m.path, Label: c.text.T(m.key), Active: active})
			}
		}
	}
	if p.Flash != "" {
		// Only known confirmations are shown, never text from the URL.
		if msg, ok := c.text["done."+p.Flash]; ok {
			p.Flash = msg
		} else {
			p.Flash = ""
		}
	}
	if err != nil {
		var e *lookout.Error
		if errors.As(err, &e) {
			if e.Field != "" {
				p.FieldErrors = map[string]string{e.Field: e.Message}
			}
			p.Error = e.Message
		} else {
			p.Error = c.text.T("error.internal")
		}
	}
	return p
}

// render writes page name with data, or the form again with err's message
// when err is not nil.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, name string, data any, err error) {
	c.write(w, r, status, name, c.page(r, name, data, err))
}

// renderPublic renders a page for someone not signed in.
func (c *Console) renderPublic(w http.ResponseWriter, r *http.Request, status int, name string, data any, err error) {
	p := c.page(r.WithContext(context.WithValue(r.Context(), sessionKey{}, nil)), name, data, err)
	p.Caller, p.Nav = nil, nil
	c.write(w, r, status, name, p)
}

func (c *Console) write(w http.ResponseWriter, r *http.Request, status int, name string, p *Page) {
	pt, ok := c.pages[name]
	if !ok {
		c.log.Error("console: no template", "page", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := pt.t.ExecuteTemplate(&buf, "layout", p); err != nil {
		c.log.Error("console: render", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// statusOf is the API's status of an error.
func statusOf(err error) int { return api.Status(err) }

// fail renders the error page for err.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = lookout.Errorf(lookout.ETOOLARGE, "%s", c.text.T("error.too_large", mbe.Limit>>20))
	}
	if lookout.ErrorCode(err) == lookout.EINTERNAL {
		c.log.Error("console request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	c.render(w, r, statusOf(err), "error", nil, err)
}

// redirect sends the browser to path after a successful form, with a
// confirmation key from the catalogue ("done.KEY").
func redirect(w http.ResponseWriter, r *http.Request, path, done string) {
	if done != "" {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + "done=" + done
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
}
