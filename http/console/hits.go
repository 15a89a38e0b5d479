package console

import "net/http"

// routesHits registers the dashboard, the hits inbox and the case view.
func (c *Console) routesHits() {
	c.handle("GET /{$}", "", c.dashboard)
}

// dashboard is the first page after sign-in.
func (c *Console) dashboard(w http.ResponseWriter, r *http.Request) error {
	c.render(w, r, http.StatusOK, "dashboard", nil, nil)
	return nil
}
