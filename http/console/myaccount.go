package console

import (
	"net/http"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/hub"
)

// routesMyAccount registers the signed-in person's own page: who they
// are, what they hold, and the change of their password.
func (c *Console) routesMyAccount() {
	c.handle("GET /account", "", c.myAccount)
	c.handle("POST /account/password", "", c.changePassword)
	c.handle("POST /account/sessions/end-others", "", c.endOtherSessions)
}

type myAccountData struct {
	Account *lookout.Account
	// Effective are the grants the person holds now: the account's
	// narrowed by the agency's.
	Effective []lookout.Grant
	// Sessions are where the person is signed in, this one marked.
	Sessions []hub.SessionView
}

func (c *Console) myAccount(w http.ResponseWriter, r *http.Request) error {
	return c.renderMyAccount(w, r, http.StatusOK, nil)
}

func (c *Console) renderMyAccount(w http.ResponseWriter, r *http.Request, status int, err error) error {
	a, aerr := c.hub.OwnAccount(r.Context())
	if aerr != nil {
		return aerr
	}
	sessions, serr := c.hub.OwnSessions(r.Context(), sessionFrom(r.Context()).token)
	if serr != nil {
		return serr
	}
	c.render(w, r, status, "myaccount", &myAccountData{Account: a, Effective: lookout.CallerFrom(r.Context()).Agency.Grants, Sessions: sessions}, err)
	return nil
}

// endOtherSessions signs the person out everywhere but here.
func (c *Console) endOtherSessions(w http.ResponseWriter, r *http.Request) error {
	if err := c.hub.EndOtherSessions(r.Context(), sessionFrom(r.Context()).token); err != nil {
		return err
	}
	redirect(w, r, "/account", "sessions_ended")
	return nil
}

func (c *Console) changePassword(w http.ResponseWriter, r *http.Request) error {
	next := r.PostFormValue("new_password")
	if next != r.PostFormValue("new_password_again") {
		err := lookout.FieldErrorf("new_password_again", "%s", c.text.T("myaccount.mismatch"))
		return c.renderMyAccount(w, r, statusOf(err), err)
	}
	err := c.hub.ChangePassword(r.Context(), r.PostFormValue("current_password"), next, r.PostFormValue("code"))
	if lookout.ErrorCode(err) == lookout.EINVALID {
		return c.renderMyAccount(w, r, statusOf(err), err)
	} else if err != nil {
		return err
	}
	// Every session ended with the change, this one too.
	clearCookie(w, r)
	http.Redirect(w, r, "/sign-in?done=password_changed", http.StatusSeeOther)
	return nil
}
