package console

import "net/http"

// dashboard is the first page after sign-in.
func (c *Console) dashboard(w http.ResponseWriter, r *http.Request) error {
	c.render(w, r, http.StatusOK, "dashboard", nil, nil)
	return nil
}
