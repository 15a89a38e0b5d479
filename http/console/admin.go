package console

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"html/template"
	"image/png"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/hub"
	"github.com/pquerna/otp"
)

// routesAdmin registers the administration screens: the agencies a person's
// agency manages, their grants, tokens and certificates, and the console
// accounts in them. Every change goes through the hub, which checks that
// the person's agency manages the one changed and audits it.
func (c *Console) routesAdmin() {
	g := lookout.GrantAgenciesManage
	c.handle("GET /agencies", g, c.agencies)
	c.handle("GET /agencies/new", g, c.agencyNew)
	c.handle("POST /agencies", g, c.agencyCreate)
	c.handle("GET /agencies/{id}", g, c.agency)
	c.handle("POST /agencies/{id}", g, c.agencyUpdate)
	c.handle("POST /agencies/{id}/tokens", g, c.agencyToken)
	c.handle("POST /agencies/{id}/certificates", g, c.certificateIssue)
	c.handle("POST /agencies/{id}/certificates/revoke", g, c.certificateRevoke)
	c.handle("GET /agencies/{id}/accounts/new", g, c.accountNew)
	c.handle("POST /agencies/{id}/accounts", g, c.accountCreate)
	c.handle("GET /accounts/{id}", g, c.account)
	c.handle("POST /accounts/{id}", g, c.accountUpdate)
	c.handle("POST /accounts/{id}/reset", g, c.accountReset)
}

// adminPage is how many agencies a list shows at once; adminAccounts bounds
// the accounts shown on an agency's page (an agency has a handful).
const (
	adminPage     = 50
	adminAccounts = 200
)

// grantBox is one grant's checkbox.
type grantBox struct {
	Grant   lookout.Grant
	Checked bool
}

// grantBoxes returns a checkbox for each of offer, ticked when in checked.
func grantBoxes(offer, checked []lookout.Grant) []grantBox {
	boxes := make([]grantBox, 0, len(offer))
	for _, g := range lookout.AllGrants {
		if slices.Contains(offer, g) {
			boxes = append(boxes, grantBox{Grant: g, Checked: slices.Contains(checked, g)})
		}
	}
	return boxes
}

// formGrants returns the grants ticked in a form, never nil: an empty
// list means "none", not "as before".
func formGrants(r *http.Request) []lookout.Grant {
	grants := []lookout.Grant{}
	for _, v := range r.PostForm["grants"] {
		grants = append(grants, lookout.Grant(v))
	}
	return grants
}

// callerGrants are the grants the signed-in person holds: at most those
// they can give.
func callerGrants(caller *lookout.Caller) []lookout.Grant {
	var out []lookout.Grant
	for _, g := range lookout.AllGrants {
		if caller.Has(g) {
			out = append(out, g)
		}
	}
	return out
}

// fieldOf names the form field of a hub error: the hub names the n-th
// grant ("grants[2]"), the form has one set of checkboxes.
func fieldOf(err error) error {
	var e *lookout.Error
	if errors.As(err, &e) && strings.HasPrefix(e.Field, "grants[") {
		f := *e
		f.Field = "grants"
		return &f
	}
	return err
}

// adminAgency returns an agency the person's agency is or manages, and
// whether it manages it (may change it). The hub shows every NCB as the
// network's directory; these screens show only the person's own tree.
func (c *Console) adminAgency(r *http.Request, id string) (*lookout.Agency, bool, error) {
	caller := lookout.CallerFrom(r.Context())
	a, err := c.hub.Agency(r.Context(), id)
	if err != nil {
		return nil, false, err
	}
	own := a.ID == caller.Agency.ID
	manages := !own && (a.ParentID == caller.Agency.ID || caller.Agency.Kind == lookout.KindSecretariat)
	if !own && !manages {
		return nil, false, lookout.Errorf(lookout.ENOTFOUND, "%s", c.text.T("admin.error.no_agency", id))
	}
	return a, manages, nil
}

// agencyList is the agencies page.
type agencyList struct {
	Own      *lookout.Agency
	Agencies []*lookout.Agency
	Next     string
	// CanCreate says whether the person's agency creates agencies at all
	// (the secretariat NCBs, an NCB its agencies and mirrors).
	CanCreate bool
}

func (c *Console) agencies(w http.ResponseWriter, r *http.Request) error {
	caller := lookout.CallerFrom(r.Context())
	own, err := c.hub.Agency(r.Context(), caller.Agency.ID)
	if err != nil {
		return err
	}
	// The secretariat manages every agency; its list is the NCBs, each
	// with its own agencies on its page.
	list, next, err := c.hub.Agencies(r.Context(), lookout.AgencyFilter{ParentID: caller.Agency.ID, After: r.URL.Query().Get("after"), Limit: adminPage})
	if err != nil {
		return err
	}
	c.render(w, r, http.StatusOK, "agencies", agencyList{Own: own, Agencies: list, Next: next, CanCreate: len(childKinds(caller)) > 0}, nil)
	return nil
}

// childKinds are the kinds of agency the person's agency may create.
func childKinds(caller *lookout.Caller) []string {
	switch caller.Agency.Kind {
	case lookout.KindSecretariat:
		return []string{lookout.KindNCB}
	case lookout.KindNCB:
		return []string{lookout.KindAgency, lookout.KindMirror}
	}
	return nil
}

// agencyForm is the form that creates an agency.
type agencyForm struct {
	ID, Kind, Country, Name string
	Kinds                   []string
	// FixedCountry is the NCB's own: its agencies are of its country.
	FixedCountry string
	Grants       []grantBox
}

func (c *Console) newAgencyForm(caller *lookout.Caller) agencyForm {
	f := agencyForm{Kinds: childKinds(caller)}
	if len(f.Kinds) > 0 {
		f.Kind = f.Kinds[0]
	}
	var ticked []lookout.Grant
	if caller.Agency.Kind == lookout.KindNCB {
		f.FixedCountry, f.Country = caller.Country(), caller.Country()
	} else {
		// An NCB holds every grant unless the secretariat narrows them.
		ticked = callerGrants(caller)
	}
	f.Grants = grantBoxes(callerGrants(caller), ticked)
	return f
}

func (c *Console) agencyNew(w http.ResponseWriter, r *http.Request) error {
	caller := lookout.CallerFrom(r.Context())
	if len(childKinds(caller)) == 0 {
		return lookout.Errorf(lookout.EFORBIDDEN, "%s", c.text.T("admin.error.no_children"))
	}
	c.render(w, r, http.StatusOK, "agency-new", c.newAgencyForm(caller), nil)
	return nil
}

// tokenPage shows a new API token, once.
type tokenPage struct {
	Agency  *lookout.Agency
	Token   string
	Created bool
}

func (c *Console) agencyCreate(w http.ResponseWriter, r *http.Request) error {
	caller := lookout.CallerFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		return lookout.Errorf(lookout.EINVALID, "%s", err)
	}
	f := c.newAgencyForm(caller)
	f.ID = strings.TrimSpace(r.PostForm.Get("id"))
	f.Kind = r.PostForm.Get("kind")
	f.Name = r.PostForm.Get("name")
	f.Country = strings.ToUpper(strings.TrimSpace(r.PostForm.Get("country")))
	if f.FixedCountry != "" {
		f.Country = f.FixedCountry
	}
	grants := formGrants(r)
	f.Grants = grantBoxes(callerGrants(caller), grants)
	a, token, err := c.hub.CreateAgency(r.Context(), &lookout.Agency{ID: f.ID, Kind: f.Kind, Country: f.Country, Name: f.Name, Grants: grants})
	if err != nil {
		if lookout.ErrorCode(err) == lookout.EINTERNAL {
			return err
		}
		err = fieldOf(err)
		c.render(w, r, statusOf(err), "agency-new", f, err)
		return nil
	}
	c.render(w, r, http.StatusCreated, "agency-token", tokenPage{Agency: a, Token: token, Created: true}, nil)
	return nil
}

// agencyPage is an agency's page.
type agencyPage struct {
	Agency *lookout.Agency
	// Own is the person's own agency (accounts only); Manages says the
	// person may change it, issue tokens and certificates.
	Own, Manages bool
	Name         string
	Grants       []grantBox
	// Kept are grants the agency holds that the person does not, and so
	// cannot give again: saving the grants drops them.
	Kept         []lookout.Grant
	Accounts     []*lookout.Account
	MoreAccounts bool
	// Children are an NCB's agencies, listed for the secretariat.
	ListChildren bool
	Children     []*lookout.Agency
	ChildrenNext string
	// CA says whether the hub has a certificate authority to issue from.
	CA bool
}

func (c *Console) agencyPageData(r *http.Request, id string) (*agencyPage, error) {
	caller := lookout.CallerFrom(r.Context())
	a, manages, err := c.adminAgency(r, id)
	if err != nil {
		return nil, err
	}
	p := &agencyPage{Agency: a, Own: !manages, Manages: manages, Name: a.Name, CA: c.opts.IssueCertificate != nil}
	offer := callerGrants(caller)
	p.Grants = grantBoxes(offer, a.Grants)
	for _, g := range a.Grants {
		if !slices.Contains(offer, g) {
			p.Kept = append(p.Kept, g)
		}
	}
	accounts, err := c.hub.Accounts(r.Context(), a.ID)
	if err != nil {
		return nil, err
	}
	if len(accounts) > adminAccounts {
		accounts, p.MoreAccounts = accounts[:adminAccounts], true
	}
	p.Accounts = accounts
	if caller.Agency.Kind == lookout.KindSecretariat && a.Kind == lookout.KindNCB {
		p.ListChildren = true
		if p.Children, p.ChildrenNext, err = c.hub.Agencies(r.Context(), lookout.AgencyFilter{ParentID: a.ID, After: r.URL.Query().Get("after"), Limit: adminPage}); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (c *Console) agency(w http.ResponseWriter, r *http.Request) error {
	p, err := c.agencyPageData(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	c.render(w, r, http.StatusOK, "agency", p, nil)
	return nil
}

func (c *Console) agencyUpdate(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	caller := lookout.CallerFrom(r.Context())
	if id == caller.Agency.ID {
		// Only the agency above may change it; the secretariat has none.
		return lookout.Errorf(lookout.EFORBIDDEN, "%s", c.text.T("admin.error.own_agency"))
	}
	if err := r.ParseForm(); err != nil {
		return lookout.Errorf(lookout.EINVALID, "%s", err)
	}
	var u lookout.AgencyUpdate
	done := "admin_agency_saved"
	name, grants := r.PostForm.Get("name"), formGrants(r)
	switch op := r.PostForm.Get("op"); op {
	case "disable", "enable":
		disabled := op == "disable"
		u.Disabled = &disabled
		done = "admin_agency_" + op + "d"
	case "update":
		u.Name, u.Grants = &name, &grants
	default:
		return lookout.FieldErrorf("op", "%s", c.text.T("admin.error.op", op))
	}
	if _, err := c.hub.UpdateAgency(r.Context(), id, u); err != nil {
		p, perr := c.agencyPageData(r, id)
		if perr != nil || lookout.ErrorCode(err) == lookout.EINTERNAL {
			return err
		}
		if u.Grants != nil {
			p.Name, p.Grants = name, grantBoxes(callerGrants(caller), grants)
		}
		err = fieldOf(err)
		c.render(w, r, statusOf(err), "agency", p, err)
		return nil
	}
	redirect(w, r, "/agencies/"+id, done)
	return nil
}

func (c *Console) agencyToken(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	token, err := c.hub.IssueToken(r.Context(), id)
	if err != nil {
		return err
	}
	a, err := c.hub.Agency(r.Context(), id)
	if err != nil {
		return err
	}
	c.render(w, r, http.StatusCreated, "agency-token", tokenPage{Agency: a, Token: token}, nil)
	return nil
}

// certificatePage shows a new client certificate and its key, once.
type certificatePage struct {
	Agency              *lookout.Agency
	Cert, Key           string
	CertURL, KeyURL     template.URL
	Subject, Serial     string
	NotBefore, NotAfter time.Time
}

// pemURL is a PEM file as a data: URL, so the browser can save it
// without the hub keeping a copy to serve.
func pemURL(b []byte) template.URL {
	return template.URL("data:application/x-pem-file;base64," + base64.StdEncoding.EncodeToString(b))
}

func (c *Console) certificateIssue(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	a, _, err := c.adminAgency(r, id)
	if err != nil {
		return err
	}
	if c.opts.IssueCertificate == nil {
		return lookout.Errorf(lookout.ECONFLICT, "%s", c.text.T("admin.cert.no_ca"))
	}
	var cert, key []byte
	err = c.hub.CertificateAction(r.Context(), a.ID, hub.CertificateIssue, func() error {
		var err error
		cert, key, err = c.opts.IssueCertificate(a.ID)
		return err
	})
	if err != nil {
		return err
	}
	p := certificatePage{Agency: a, Cert: string(cert), Key: string(key), CertURL: pemURL(cert), KeyURL: pemURL(key)}
	if b, _ := pem.Decode(cert); b != nil {
		if x, err := x509.ParseCertificate(b.Bytes); err == nil {
			p.Subject, p.Serial, p.NotBefore, p.NotAfter = x.Subject.CommonName, fmt.Sprintf("%X", x.SerialNumber), x.NotBefore, x.NotAfter
		}
	}
	c.render(w, r, http.StatusCreated, "certificate", p, nil)
	return nil
}

func (c *Console) certificateRevoke(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	a, _, err := c.adminAgency(r, id)
	if err != nil {
		return err
	}
	if c.opts.RevokeCertificates == nil {
		return lookout.Errorf(lookout.ECONFLICT, "%s", c.text.T("admin.cert.no_ca"))
	}
	if err := c.hub.CertificateAction(r.Context(), a.ID, hub.CertificateRevoke, func() error { return c.opts.RevokeCertificates(a.ID) }); err != nil {
		return err
	}
	redirect(w, r, "/agencies/"+a.ID, "admin_certificates_revoked")
	return nil
}

// accountForm is the form that opens an account in an agency.
type accountForm struct {
	Agency         *lookout.Agency
	Username, Name string
	Grants         []grantBox
}

func (c *Console) accountNew(w http.ResponseWriter, r *http.Request) error {
	a, _, err := c.adminAgency(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	c.render(w, r, http.StatusOK, "account-new", accountForm{Agency: a, Grants: grantBoxes(a.Grants, nil)}, nil)
	return nil
}

// credentialsPage shows an account's new password and TOTP secret, once.
type credentialsPage struct {
	Account  *lookout.Account
	Password string
	Secret   string
	URI      string
	// QR is the otpauth URI as a PNG image, for the authenticator app's
	// camera; empty when it could not be drawn.
	QR    template.URL
	Reset bool
}

func (c *Console) credentials(creds *lookout.AccountCredentials, reset bool) credentialsPage {
	p := credentialsPage{Account: creds.Account, Password: creds.Password, Secret: creds.TOTPSecret, URI: creds.TOTPURI, Reset: reset}
	if key, err := otp.NewKeyFromURL(creds.TOTPURI); err == nil {
		if img, err := key.Image(240, 240); err == nil {
			var buf bytes.Buffer
			if png.Encode(&buf, img) == nil {
				p.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()))
			}
		}
	}
	return p
}

func (c *Console) accountCreate(w http.ResponseWriter, r *http.Request) error {
	a, _, err := c.adminAgency(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return lookout.Errorf(lookout.EINVALID, "%s", err)
	}
	grants := formGrants(r)
	f := accountForm{Agency: a, Username: r.PostForm.Get("username"), Name: r.PostForm.Get("name"), Grants: grantBoxes(a.Grants, grants)}
	creds, err := c.hub.CreateAccount(r.Context(), lookout.NewAccount{AgencyID: a.ID, Username: f.Username, Name: f.Name, Grants: grants})
	if err != nil {
		if lookout.ErrorCode(err) == lookout.EINTERNAL {
			return err
		}
		err = fieldOf(err)
		c.render(w, r, statusOf(err), "account-new", f, err)
		return nil
	}
	c.render(w, r, http.StatusCreated, "account-credentials", c.credentials(creds, false), nil)
	return nil
}

// accountPage is an account's page.
type accountPage struct {
	Account *lookout.Account
	Agency  *lookout.Agency
	Locked  bool
	Name    string
	Grants  []grantBox
	// Kept are grants the account holds that its agency no longer does:
	// they give nothing, and saving the grants drops them.
	Kept []lookout.Grant
}

func accountID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, lookout.Errorf(lookout.ENOTFOUND, "account %q not found", r.PathValue("id"))
	}
	return id, nil
}

func (c *Console) accountPageData(r *http.Request, id int64) (*accountPage, error) {
	a, err := c.hub.Account(r.Context(), id)
	if err != nil {
		return nil, err
	}
	ag, err := c.hub.Agency(r.Context(), a.AgencyID)
	if err != nil {
		return nil, err
	}
	p := &accountPage{Account: a, Agency: ag, Locked: a.LockedUntil.After(c.opts.Now()), Name: a.Name, Grants: grantBoxes(ag.Grants, a.Grants)}
	for _, g := range a.Grants {
		if !slices.Contains(ag.Grants, g) {
			p.Kept = append(p.Kept, g)
		}
	}
	return p, nil
}

func (c *Console) account(w http.ResponseWriter, r *http.Request) error {
	id, err := accountID(r)
	if err != nil {
		return err
	}
	p, err := c.accountPageData(r, id)
	if err != nil {
		return err
	}
	c.render(w, r, http.StatusOK, "account", p, nil)
	return nil
}

func (c *Console) accountUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := accountID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return lookout.Errorf(lookout.EINVALID, "%s", err)
	}
	var u lookout.AccountUpdate
	name, grants := r.PostForm.Get("name"), formGrants(r)
	done := "admin_account_saved"
	switch op := r.PostForm.Get("op"); op {
	case "update":
		u.Name, u.Grants = &name, &grants
	case "disable", "enable":
		disabled := op == "disable"
		u.Disabled = &disabled
		done = "admin_account_" + op + "d"
	case "unlock":
		u.Unlock = true
		done = "admin_account_unlocked"
	default:
		return lookout.FieldErrorf("op", "%s", c.text.T("admin.error.op", op))
	}
	if _, err := c.hub.UpdateAccount(r.Context(), id, u); err != nil {
		p, perr := c.accountPageData(r, id)
		if perr != nil || lookout.ErrorCode(err) == lookout.EINTERNAL {
			return err
		}
		if u.Grants != nil {
			p.Name, p.Grants = name, grantBoxes(p.Agency.Grants, grants)
		}
		err = fieldOf(err)
		c.render(w, r, statusOf(err), "account", p, err)
		return nil
	}
	redirect(w, r, "/accounts/"+strconv.FormatInt(id, 10), done)
	return nil
}

func (c *Console) accountReset(w http.ResponseWriter, r *http.Request) error {
	id, err := accountID(r)
	if err != nil {
		return err
	}
	creds, err := c.hub.ResetAccount(r.Context(), id)
	if err != nil {
		return err
	}
	c.render(w, r, http.StatusCreated, "account-credentials", c.credentials(creds, true), nil)
	return nil
}
