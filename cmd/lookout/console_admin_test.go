package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/hub"
)

var (
	tokenOnPage    = regexp.MustCompile(`lk_[A-Za-z0-9_-]{43}`)
	accountLink    = regexp.MustCompile(`href="/accounts/(\d+)"`)
	credentialItem = func(id string) *regexp.Regexp { return regexp.MustCompile(`id="` + id + `">([^<]+)<`) }
)

// mustCredentials reads the username, password and TOTP secret shown once
// on the credentials page, and the account's ID from its link.
func mustCredentials(tb testing.TB, page string) (id, password, secret string) {
	tb.Helper()
	p, s, a := credentialItem("cred-password").FindStringSubmatch(page), credentialItem("cred-secret").FindStringSubmatch(page), accountLink.FindStringSubmatch(page)
	if p == nil || s == nil || a == nil {
		tb.Fatalf("no credentials on the page:\n%s", text(page))
	}
	return a[1], html.UnescapeString(p[1]), html.UnescapeString(s[1])
}

// signInAs signs a person in with the credentials a page showed them.
func signInAs(tb testing.TB, m *Main, username, password, secret string) *web {
	tb.Helper()
	code, err := hub.TOTPCode(secret, time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	w := MustWeb(tb, m)
	status, body := w.Post("/sign-in", url.Values{"username": {username}, "password": {password}, "code": {code}})
	if status != http.StatusOK || !strings.Contains(body, `data-page="dashboard"`) {
		tb.Fatalf("sign in %s with the credentials shown: %d %s", username, status, text(body))
	}
	return w
}

// missingString finds a catalogue key shown in place of its string.
var missingString = regexp.MustCompile(`\[(admin|done|error|nav)\.[a-z_.:]+\]`)

// mustAllStrings fails when a page shows a key the catalogue lacks.
func mustAllStrings(tb testing.TB, page string) {
	tb.Helper()
	if k := missingString.FindString(page); k != "" {
		tb.Errorf("the page shows %s: a string missing from the catalogue", k)
	}
}

func secretariatCtx(tb testing.TB, m *Main) context.Context {
	return lookout.NewContext(context.Background(), mustCaller(tb, m, "secretariat"))
}

func TestConsoleAdmin(t *testing.T) {
	m, _ := MustConsoleNCBs(t)
	ctx := secretariatCtx(t, m)
	ws := MustOfficer(t, m, "secretariat", "sec-anna", nil).MustSignIn(t)
	wf := MustOfficer(t, m, "ncb-fra", "fra-admin", nil).MustSignIn(t)
	wd := MustOfficer(t, m, "ncb-deu", "deu-admin", nil).MustSignIn(t)

	t.Run("SecretariatCreatesNCB", func(t *testing.T) {
		status, body := ws.Get("/agencies")
		if status != http.StatusOK || !strings.Contains(body, `href="/agencies/ncb-fra"`) || !strings.Contains(body, `href="/agencies/ncb-deu"`) || !strings.Contains(text(body), "General Secretariat your agency") {
			t.Fatalf("secretariat's agencies: %d %s", status, text(body))
		}
		if status, body = ws.Get("/agencies/new"); status != http.StatusOK || !strings.Contains(body, `<option value="ncb"`) || strings.Contains(body, `<option value="agency"`) {
			t.Fatalf("new agency form: %d %s", status, body)
		}
		status, body = ws.Post("/agencies", url.Values{"kind": {"ncb"}, "country": {"ita"}, "name": {"NCB Roma"}, "id": {"ncb-ita"}, "grants": {"documents:check", "hits:follow", "agencies:manage"}})
		token := tokenOnPage.FindString(body)
		if status != http.StatusCreated || token == "" || !strings.Contains(text(body), "shown only this once") {
			t.Fatalf("create NCB: %d %s", status, text(body))
		}
		mustAllStrings(t, body)
		a, err := m.hub.Agency(ctx, "ncb-ita")
		if err != nil || a.Kind != lookout.KindNCB || a.Country != "ITA" || a.ParentID != "secretariat" || len(a.Grants) != 3 {
			t.Fatalf("stored NCB: %v %+v", err, a)
		}
		var who struct {
			Agency lookout.Agency `json:"agency"`
		}
		if status := (&client{tb: t, url: m.URL, token: token}).do("GET", "/v1/whoami", nil, &who); status != http.StatusOK || who.Agency.ID != "ncb-ita" {
			t.Fatalf("the token shown: %d %+v", status, who)
		}
		if _, body := ws.Get("/agencies/ncb-ita"); !strings.Contains(text(body), "NCB Roma") || strings.Contains(body, token) {
			t.Fatalf("the NCB's page shows the token again, or not the NCB:\n%s", text(body))
		}
	})

	var jeanID, jeanPassword, jeanSecret string
	t.Run("NCBCreatesAgencyAndAccount", func(t *testing.T) {
		status, body := wf.Get("/agencies")
		if status != http.StatusOK || !strings.Contains(text(body), "NCB FRA your agency") || strings.Contains(body, "ncb-deu") {
			t.Fatalf("NCB's agencies: %d %s", status, text(body))
		}
		if status, body = wf.Get("/agencies/new"); status != http.StatusOK || !strings.Contains(body, `value="FRA" readonly`) || strings.Contains(body, `<option value="ncb"`) {
			t.Fatalf("NCB's new agency form: %d %s", status, body)
		}
		// The country is the NCB's own whatever the form says.
		status, body = wf.Post("/agencies", url.Values{"kind": {"agency"}, "country": {"DEU"}, "name": {"PAF Roissy"}, "id": {"fra-cdg"}, "grants": {"documents:check", "hits:follow"}})
		if status != http.StatusCreated || tokenOnPage.FindString(body) == "" {
			t.Fatalf("create agency: %d %s", status, text(body))
		}
		a, err := m.hub.Agency(ctx, "fra-cdg")
		if err != nil || a.Country != "FRA" || a.ParentID != "ncb-fra" || !slices.Equal(a.Grants, []lookout.Grant{"documents:check", "hits:follow"}) {
			t.Fatalf("stored agency: %v %+v", err, a)
		}
		if _, body = wf.Get("/agencies"); !strings.Contains(body, `href="/agencies/fra-cdg"`) {
			t.Fatal("the new agency is not listed")
		}
		mustAllStrings(t, body)

		status, body = wf.Get("/agencies/fra-cdg/accounts/new")
		if status != http.StatusOK || !strings.Contains(body, `value="documents:check"`) || strings.Contains(body, `value="dna:search"`) {
			t.Fatalf("account form offers other grants than the agency's: %d %s", status, body)
		}
		status, body = wf.Post("/agencies/fra-cdg/accounts", url.Values{"username": {"jean"}, "name": {"Jean Dupont"}, "grants": {"documents:check"}})
		if status != http.StatusCreated || !strings.Contains(text(body), "shown only this once") || !strings.Contains(body, `src="data:image/png;base64,`) || !strings.Contains(body, "otpauth://totp/") {
			t.Fatalf("create account: %d %s", status, text(body))
		}
		mustAllStrings(t, body)
		jeanID, jeanPassword, jeanSecret = mustCredentials(t, body)

		wj := signInAs(t, m, "jean", jeanPassword, jeanSecret)
		_, body = wj.Get("/")
		if !strings.Contains(text(body), "jean") || !strings.Contains(text(body), "PAF Roissy") {
			t.Fatalf("jean's dashboard: %s", text(body))
		}
		t.Run("ErrForbiddenWithoutGrant", func(t *testing.T) {
			if strings.Contains(body, `href="/agencies"`) {
				t.Error("the menu offers Agencies to an account without agencies:manage")
			}
			for _, path := range []string{"/agencies", "/agencies/fra-cdg", "/accounts/" + jeanID} {
				if status, _ := wj.Get(path); status != http.StatusForbidden {
					t.Errorf("GET %s without agencies:manage: %d", path, status)
				}
			}
			if status, _ := wj.Post("/agencies/fra-cdg/tokens", nil); status != http.StatusForbidden {
				t.Errorf("token without agencies:manage: %d", status)
			}
		})

		status, body = wf.Get("/accounts/" + jeanID)
		if status != http.StatusOK || !strings.Contains(text(body), "Jean Dupont") || strings.Contains(text(body), "Last sign-in never") {
			t.Fatalf("account page after a sign-in: %d %s", status, text(body))
		}
		if strings.Contains(body, jeanPassword) || strings.Contains(body, jeanSecret) {
			t.Fatal("the account page shows the credentials again")
		}
		mustAllStrings(t, body)
		if _, body = wf.Get("/agencies/fra-cdg"); !strings.Contains(body, `href="/accounts/`+jeanID+`"`) {
			t.Fatal("the agency's page does not list its account")
		}
		mustAllStrings(t, body)
	})

	t.Run("ErrGrantNotHeld", func(t *testing.T) {
		narrow := MustOfficer(t, m, "ncb-fra", "fra-narrow", []lookout.Grant{lookout.GrantAgenciesManage, lookout.GrantDocumentsCheck}).MustSignIn(t)
		if _, body := narrow.Get("/agencies/new"); strings.Contains(body, `value="dna:search"`) || !strings.Contains(body, `value="documents:check"`) {
			t.Fatalf("form offers grants the person does not hold:\n%s", body)
		}
		status, body := narrow.Post("/agencies", url.Values{"kind": {"agency"}, "name": {"Douane"}, "id": {"fra-douane"}, "grants": {"documents:check", "dna:search"}})
		if status != http.StatusForbidden || !strings.Contains(text(body), "dna:search") || !strings.Contains(body, `value="Douane"`) {
			t.Fatalf("giving a grant not held: %d %s", status, text(body))
		}
		if _, err := m.hub.Agency(ctx, "fra-douane"); lookout.ErrorCode(err) != lookout.ENOTFOUND {
			t.Fatalf("the refused agency was stored: %v", err)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		status, body := wf.Post("/agencies", url.Values{"kind": {"agency"}, "name": {"Gendarmerie"}, "id": {"fra-gend"}, "grants": {"documents:check", "bogus:grant"}})
		if status != http.StatusBadRequest || !regexp.MustCompile(`class="field-error"[^>]*>grant &#34;bogus:grant&#34; is unknown`).MatchString(body) {
			t.Fatalf("unknown grant: %d %s", status, body)
		}
		status, body = wf.Post("/agencies", url.Values{"kind": {"agency"}, "name": {"  "}, "id": {"fra-blank"}})
		if status != http.StatusBadRequest || !strings.Contains(body, `aria-invalid="true"`) || !strings.Contains(text(body), "name must be 1 to 200 characters") {
			t.Fatalf("blank name: %d %s", status, text(body))
		}
		status, body = wf.Post("/agencies", url.Values{"kind": {"agency"}, "name": {"Bad id"}, "id": {"Fra CDG!"}})
		if status != http.StatusBadRequest || !strings.Contains(text(body), `id "Fra CDG!" must be`) {
			t.Fatalf("bad id: %d %s", status, text(body))
		}
		for _, id := range []string{"fra-gend", "fra-blank"} {
			if _, err := m.hub.Agency(ctx, id); lookout.ErrorCode(err) != lookout.ENOTFOUND {
				t.Fatalf("the refused agency %s was stored: %v", id, err)
			}
		}
		status, body = wf.Post("/agencies/fra-cdg/accounts", url.Values{"username": {"pierre"}, "name": {"Pierre"}, "grants": {"dna:search"}})
		if status != http.StatusBadRequest || !strings.Contains(text(body), "does not hold the grant dna:search") || !strings.Contains(body, `class="field-error"`) {
			t.Fatalf("account grant beyond its agency's: %d %s", status, text(body))
		}
		if _, err := m.hub.AccountID(ctx, "pierre"); lookout.ErrorCode(err) != lookout.ENOTFOUND {
			t.Fatalf("the refused account was stored: %v", err)
		}
		status, body = wf.Post("/accounts/"+jeanID, url.Values{"op": {"update"}, "name": {"Jean Dupont"}, "grants": {"documents:check", "stats:read"}})
		if status != http.StatusBadRequest || !strings.Contains(text(body), "does not hold the grant stats:read") {
			t.Fatalf("account update beyond its agency's grants: %d %s", status, text(body))
		}
		status, body = wf.Post("/agencies/fra-cdg/accounts", url.Values{"username": {"Not Valid"}, "name": {"X"}})
		if status != http.StatusBadRequest || !strings.Contains(body, `id="username"`) || !strings.Contains(text(body), `username "Not Valid" must be`) {
			t.Fatalf("bad username: %d %s", status, text(body))
		}
	})

	t.Run("ErrOtherCountry", func(t *testing.T) {
		if _, body := wd.Get("/agencies"); strings.Contains(body, "fra-cdg") || strings.Contains(body, "ncb-fra") {
			t.Fatalf("DEU's list shows FRA's agencies:\n%s", text(body))
		}
		for _, path := range []string{"/agencies/fra-cdg", "/agencies/ncb-fra", "/accounts/" + jeanID, "/agencies/fra-cdg/accounts/new"} {
			if status, body := wd.Get(path); status != http.StatusNotFound || strings.Contains(body, "PAF Roissy") || strings.Contains(body, "Jean Dupont") {
				t.Errorf("GET %s by DEU: %d", path, status)
			}
		}
		posts := []struct {
			path string
			form url.Values
		}{
			{"/agencies/fra-cdg", url.Values{"op": {"update"}, "name": {"Taken"}, "grants": {"documents:check"}}},
			{"/agencies/fra-cdg", url.Values{"op": {"disable"}}},
			{"/agencies/fra-cdg/tokens", nil},
			{"/agencies/fra-cdg/accounts", url.Values{"username": {"spy"}, "name": {"Spy"}}},
			{"/agencies/fra-cdg/certificates", nil},
			{"/accounts/" + jeanID, url.Values{"op": {"disable"}}},
			{"/accounts/" + jeanID + "/reset", nil},
		}
		for _, p := range posts {
			if status, body := wd.Post(p.path, p.form); status != http.StatusNotFound && status != http.StatusForbidden || tokenOnPage.MatchString(body) {
				t.Errorf("POST %s by DEU: %d", p.path, status)
			}
		}
		if a, _ := m.hub.Agency(ctx, "fra-cdg"); a.Name != "PAF Roissy" || a.Disabled {
			t.Fatalf("DEU changed FRA's agency: %+v", a)
		}
		if id, err := m.hub.AccountID(ctx, "spy"); err == nil {
			t.Fatalf("DEU opened account %d in FRA's agency", id)
		}
	})

	t.Run("TokenShownOnce", func(t *testing.T) {
		status, body := wf.Post("/agencies/fra-cdg/tokens", nil)
		token := tokenOnPage.FindString(body)
		if status != http.StatusCreated || token == "" {
			t.Fatalf("issue token: %d %s", status, text(body))
		}
		var who struct {
			Agency lookout.Agency `json:"agency"`
		}
		if status := (&client{tb: t, url: m.URL, token: token}).do("GET", "/v1/whoami", nil, &who); status != http.StatusOK || who.Agency.ID != "fra-cdg" {
			t.Fatalf("the token shown: %d %+v", status, who)
		}
		if _, body = wf.Get("/agencies/fra-cdg"); strings.Contains(body, token) || tokenOnPage.MatchString(body) {
			t.Fatal("the agency's page shows a token")
		}
	})

	t.Run("EditAgency", func(t *testing.T) {
		status, body := wf.Post("/agencies/fra-cdg", url.Values{"op": {"update"}, "name": {"PAF Roissy-CDG"}, "grants": {"documents:check"}})
		if status != http.StatusOK || !strings.Contains(text(body), "name and grants are saved") || !strings.Contains(text(body), "PAF Roissy-CDG") {
			t.Fatalf("edit agency: %d %s", status, text(body))
		}
		if a, _ := m.hub.Agency(ctx, "fra-cdg"); !slices.Equal(a.Grants, []lookout.Grant{"documents:check"}) {
			t.Fatalf("grants after edit: %v", a.Grants)
		}
		if status, _ := wf.Post("/agencies/ncb-fra", url.Values{"op": {"update"}, "name": {"Mine"}, "grants": {"documents:check"}}); status != http.StatusForbidden {
			t.Fatalf("an NCB changed its own agency: %d", status)
		}
	})

	t.Run("ResetCredentials", func(t *testing.T) {
		status, body := wf.Post("/accounts/"+jeanID+"/reset", nil)
		if status != http.StatusCreated {
			t.Fatalf("reset: %d %s", status, text(body))
		}
		_, password, secret := mustCredentials(t, body)
		if password == jeanPassword || secret == jeanSecret {
			t.Fatal("reset kept the old credentials")
		}
		jeanPassword, jeanSecret = password, secret
		if _, body = wf.Get("/accounts/" + jeanID); strings.Contains(body, password) || strings.Contains(body, secret) {
			t.Fatal("the account page shows the new credentials")
		}
	})

	t.Run("DisableEndsSession", func(t *testing.T) {
		wj := signInAs(t, m, "jean", jeanPassword, jeanSecret)
		if status, body := wj.Get("/"); status != http.StatusOK || !strings.Contains(body, `data-page="dashboard"`) {
			t.Fatalf("jean signed in: %d", status)
		}
		status, body := wf.Post("/accounts/"+jeanID, url.Values{"op": {"disable"}})
		if status != http.StatusOK || !strings.Contains(text(body), "The account is disabled") || !strings.Contains(text(body), "Enable the account") {
			t.Fatalf("disable: %d %s", status, text(body))
		}
		if _, body := wj.Get("/"); !strings.Contains(body, `data-page="signin"`) {
			t.Fatal("a disabled account's session goes on")
		}
		if status, body = wf.Post("/accounts/"+jeanID, url.Values{"op": {"enable"}}); status != http.StatusOK || !strings.Contains(text(body), "The account is enabled") {
			t.Fatalf("enable: %d %s", status, text(body))
		}
	})

	t.Run("DisableAgency", func(t *testing.T) {
		status, body := wf.Post("/agencies/fra-cdg", url.Values{"op": {"disable"}})
		if status != http.StatusOK || !strings.Contains(text(body), "The agency is disabled") {
			t.Fatalf("disable agency: %d %s", status, text(body))
		}
		if a, _ := m.hub.Agency(ctx, "fra-cdg"); !a.Disabled {
			t.Fatal("the agency is not disabled")
		}
	})

	t.Run("SecretariatSeesNCBTree", func(t *testing.T) {
		status, body := ws.Get("/agencies/ncb-fra")
		mustAllStrings(t, body)
		if status != http.StatusOK || !strings.Contains(body, `href="/agencies/fra-cdg"`) || !strings.Contains(body, `href="/accounts/`) {
			t.Fatalf("secretariat's view of an NCB: %d %s", status, text(body))
		}
	})

	t.Run("ErrNoCertificateAuthority", func(t *testing.T) {
		if _, body := wf.Get("/agencies/fra-cdg"); !strings.Contains(text(body), "This hub has no certificate authority") || strings.Contains(body, `action="/agencies/fra-cdg/certificates"`) {
			t.Fatalf("plaintext hub offers certificates:\n%s", text(body))
		}
		status, body := wf.Post("/agencies/fra-cdg/certificates", nil)
		if status != http.StatusConflict || !strings.Contains(text(body), "no certificate authority") || strings.Contains(body, "BEGIN") {
			t.Fatalf("certificate without a CA: %d %s", status, text(body))
		}
	})
}

// TestConsoleAdminCertificates runs the hub with TLS from its own CA, so
// that the console can issue client certificates.
func TestConsoleAdminCertificates(t *testing.T) {
	m, pool, _ := mustTLSNetwork(t)
	ctx := secretariatCtx(t, m)
	for _, c := range []string{"FRA", "DEU"} {
		if _, _, err := m.hub.CreateAgency(ctx, &lookout.Agency{ID: "ncb-" + strings.ToLower(c), Kind: lookout.KindNCB, Country: c, Name: "NCB " + c}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := m.hub.CreateAgency(lookout.NewContext(context.Background(), mustCaller(t, m, "ncb-fra")), &lookout.Agency{ID: "fra-cdg", Kind: lookout.KindAgency, Country: "FRA", Name: "PAF", Grants: []lookout.Grant{"documents:check"}}); err != nil {
		t.Fatal(err)
	}
	signIn := func(o *officer) *web {
		w := MustWeb(t, m)
		w.client.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
		if status, body := w.Post("/sign-in", url.Values{"username": {o.Username}, "password": {o.Password}, "code": {o.Code(t)}}); status != http.StatusOK || !strings.Contains(body, `data-page="dashboard"`) {
			t.Fatalf("sign in over TLS: %d %s", status, text(body))
		}
		return w
	}
	wf := signIn(MustOfficer(t, m, "ncb-fra", "fra-certs", nil))
	wd := signIn(MustOfficer(t, m, "ncb-deu", "deu-certs", nil))

	var certPEM, keyPEM []byte
	t.Run("Issue", func(t *testing.T) {
		if _, body := wf.Get("/agencies/fra-cdg"); !strings.Contains(body, `action="/agencies/fra-cdg/certificates"`) {
			t.Fatalf("no certificate button:\n%s", text(body))
		}
		status, body := wf.Post("/agencies/fra-cdg/certificates", nil)
		area := regexp.MustCompile(`(?s)<textarea id="(cert|key)-pem"[^>]*>(.*?)</textarea>`).FindAllStringSubmatch(body, -1)
		if status != http.StatusCreated || len(area) != 2 || !strings.Contains(text(body), "shown only this once") {
			t.Fatalf("issue: %d %s", status, text(body))
		}
		mustAllStrings(t, body)
		certPEM, keyPEM = []byte(html.UnescapeString(area[0][2])), []byte(html.UnescapeString(area[1][2]))
		b, _ := pem.Decode(certPEM)
		if b == nil {
			t.Fatalf("no PEM certificate: %q", certPEM)
		}
		cert, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		if cert.Subject.CommonName != "fra-cdg" {
			t.Fatalf("certificate of %q, want fra-cdg", cert.Subject.CommonName)
		}
		if _, err := cert.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
			t.Fatalf("not a client certificate of the hub's CA: %v", err)
		}
		if _, err := tls.X509KeyPair(certPEM, keyPEM); err != nil {
			t.Fatalf("the key does not go with the certificate: %v", err)
		}
		if !strings.Contains(body, `download="fra-cdg.key"`) || !strings.Contains(body, `href="data:application/x-pem-file;base64,`) {
			t.Fatal("no download links")
		}
		entries, err := m.hub.AuditEntries(ctx, lookout.AuditFilter{Action: "agency.certificate_issue"})
		if err != nil || len(entries) != 1 || entries[0].Object != "fra-cdg" || entries[0].Account != "fra-certs" || entries[0].Outcome != "ok" {
			t.Fatalf("audit: %v %+v", err, entries)
		}
		if _, body := wf.Get("/agencies/fra-cdg"); strings.Contains(body, "BEGIN") {
			t.Fatal("the agency's page shows the certificate or key again")
		}
	})

	border := func() int {
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			t.Fatal(err)
		}
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{pair}}}, Timeout: 10 * time.Second}
		return get(t, c, m.MTLSURL+"/v1/whoami", "")
	}
	t.Run("CertificateAuthenticates", func(t *testing.T) {
		if status := border(); status != http.StatusOK {
			t.Fatalf("the issued certificate on the mTLS listener: %d", status)
		}
	})
	t.Run("ErrOtherCountry", func(t *testing.T) {
		for _, path := range []string{"/agencies/fra-cdg/certificates", "/agencies/fra-cdg/certificates/revoke"} {
			if status, body := wd.Post(path, nil); status != http.StatusNotFound || strings.Contains(body, "BEGIN") {
				t.Errorf("POST %s by DEU: %d", path, status)
			}
		}
		if status := border(); status != http.StatusOK {
			t.Fatalf("DEU revoked FRA's certificate: %d", status)
		}
	})
	t.Run("Revoke", func(t *testing.T) {
		status, body := wf.Post("/agencies/fra-cdg/certificates/revoke", nil)
		if status != http.StatusOK || !strings.Contains(text(body), "Every certificate of the agency is revoked") {
			t.Fatalf("revoke: %d %s", status, text(body))
		}
		if status := border(); status != http.StatusUnauthorized {
			t.Fatalf("revoked certificate accepted: %d", status)
		}
		entries, _ := m.hub.AuditEntries(ctx, lookout.AuditFilter{Action: "agency.certificate_revoke"})
		if len(entries) != 1 || entries[0].Object != "fra-cdg" || entries[0].Account != "fra-certs" {
			t.Fatalf("audit: %+v", entries)
		}
	})
}
