package console

import (
	"net/http"

	"github.com/lookout-network/lookout"
)

// routesMyAccount registers the signed-in person's own page: who they
// are, what they hold, and the change of their password.
func (c *Console) routesMyAccount() {
	c.handle("GET /account", "", c.myAccount)
	c.handle("POST /account/password", "", c.changePassword)
}

type myAccountData struct {
	Account *lookout.Account
	// Effective are the grants the person holds now: the account's
	// narrowed by the agency's.
	Effective []lookout.Grant
}

func (c *Console) myAccount(w http.ResponseWriter, r *http.Request) error {
	return c.renderMyAccount(w, r, http.StatusOK, nil)
}

func (c *Console) renderMyAccount(w http.ResponseWriter, r *http.Request, status int, err error) error {
	a, aerr := c.hub.OwnAccount(r.Context())
	if aerr != nil {
		return aerr
	}
	c.render(w, r, status, "myaccount", &myAccountData{Account: a, Effective: lookout.CallerFrom(r.Context()).Agency.Grants}, err)
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
