package main

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/http/console"
)

// TestConsoleAuthz walks every console page that needs a signed-in person:
// without a session a page sends the browser to the sign-in form and a form
// post is refused; signed in with no grant at all, every page that needs a
// grant is refused with 403, whatever its path parameters.
func TestConsoleAuthz(t *testing.T) {
	m, _ := MustConsoleNCBs(t)
	routes := m.handler.Console.(*console.Console).Routes()
	if len(routes) < 40 {
		t.Fatalf("%d console routes: the list is not being kept", len(routes))
	}
	nobody := MustOfficer(t, m, "ncb-fra", "no.grants", []lookout.Grant{})
	w := nobody.MustSignIn(t)
	param := regexp.MustCompile(`\{[a-z_]+\}`)
	for _, r := range routes {
		method, path, _ := strings.Cut(r.Pattern, " ")
		path = strings.TrimSuffix(path, "{$}")
		path = param.ReplaceAllString(path, "1")
		t.Run(r.Pattern, func(t *testing.T) {
			anon := MustWeb(t, m)
			anon.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			var status int
			if method == "GET" {
				status, _ = anon.Get(path)
				if status != http.StatusSeeOther && !(path == "/events" && status == http.StatusUnauthorized) {
					t.Errorf("GET %s without a session: %d, want a redirect to the sign-in form", path, status)
				}
			} else {
				status, _ = anon.Post(path, url.Values{"csrf": {"x"}})
				if status != http.StatusUnauthorized {
					t.Errorf("%s %s without a session: %d, want 401", method, path, status)
				}
			}
			if r.Grant == "" {
				return
			}
			if method == "GET" {
				status, _ = w.Get(path)
			} else {
				w.Get("/")
				status, _ = w.Post(path, nil)
			}
			if status != http.StatusForbidden {
				t.Errorf("%s %s by a person without %s: %d, want 403", method, path, r.Grant, status)
			}
		})
	}
}
