package http

import (
	"net/http"

	"github.com/lookout-network/lookout"
)

func (s *Server) createAgency(w http.ResponseWriter, r *http.Request) error {
	var a lookout.Agency
	var body struct {
		ID      string          `json:"id"`
		Kind    string          `json:"kind"`
		Country string          `json:"country"`
		Name    string          `json:"name"`
		Grants  []lookout.Grant `json:"grants"`
	}
	if err := decode(w, r, &body); err != nil {
		return err
	}
	a = lookout.Agency{ID: body.ID, Kind: body.Kind, Country: body.Country, Name: body.Name, Grants: body.Grants}
	created, token, err := s.hub.CreateAgency(r.Context(), &a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"agency": created, "token": token})
	return nil
}

func (s *Server) listAgencies(w http.ResponseWriter, r *http.Request) error {
	list, next, err := s.hub.Agencies(r.Context(), lookout.AgencyFilter{After: r.URL.Query().Get("cursor"), Country: r.URL.Query().Get("country")})
	if err != nil {
		return err
	}
	if list == nil {
		list = []*lookout.Agency{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"agencies": list, "next_cursor": next})
	return nil
}

func (s *Server) getAgency(w http.ResponseWriter, r *http.Request) error {
	a, err := s.hub.Agency(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) updateAgency(w http.ResponseWriter, r *http.Request) error {
	var u lookout.AgencyUpdate
	if err := decode(w, r, &u); err != nil {
		return err
	}
	a, err := s.hub.UpdateAgency(r.Context(), r.PathValue("id"), u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) issueToken(w http.ResponseWriter, r *http.Request) error {
	token, err := s.hub.IssueToken(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": token})
	return nil
}

func (s *Server) whoami(w http.ResponseWriter, r *http.Request) error {
	c := lookout.CallerFrom(r.Context())
	writeJSON(w, http.StatusOK, map[string]any{"agency": c.Agency, "via": c.Via})
	return nil
}
