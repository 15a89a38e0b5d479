package http

import (
	"net/http"

	"github.com/lookout-network/lookout"
)

func (s *Server) createDNAProfile(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		Reference    string               `json:"reference"`
		Category     string               `json:"category"`
		Relationship string               `json:"relationship"`
		Kit          string               `json:"kit"`
		Loci         map[string][]string  `json:"loci"`
		Restriction  *lookout.Restriction `json:"restriction"`
		ReviewDate   string               `json:"review_date"`
	}
	if err := decode(w, r, &b); err != nil {
		return err
	}
	p, err := s.hub.CreateDNAProfile(r.Context(), &lookout.DNAProfile{Reference: b.Reference, Category: b.Category, Relationship: b.Relationship,
		Kit: b.Kit, Loci: b.Loci, Restriction: b.Restriction, ReviewDate: b.ReviewDate})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func (s *Server) getDNAProfile(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.hub.DNAProfile(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) deleteDNAProfile(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.hub.DeleteDNAProfile(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) searchDNA(w http.ResponseWriter, r *http.Request) error {
	var req lookout.DNASearchRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	var res *lookout.DNASearchResult
	err := s.limits.expensive(r.Context(), func() (err error) {
		res, err = s.hub.SearchDNA(r.Context(), req)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}
