package http

import (
	"net/http"

	"github.com/lookout-network/lookout"
)

func (s *Server) listHits(w http.ResponseWriter, r *http.Request) error {
	after, err := queryInt(r, "cursor")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	list, next, err := s.hub.Hits(r.Context(), lookout.HitFilter{After: after, Status: q.Get("status"), Database: q.Get("database")})
	if err != nil {
		return err
	}
	if list == nil {
		list = []*lookout.Hit{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"hits": list, "next_cursor": cursor(next)})
	return nil
}

func (s *Server) changes(w http.ResponseWriter, r *http.Request) error {
	since, err := queryInt(r, "since")
	if err != nil {
		return err
	}
	list, err := s.hub.Changes(r.Context(), since, 1000)
	if err != nil {
		return err
	}
	next := ""
	if len(list) > 0 {
		next = cursor(list[len(list)-1].Seq)
	}
	writeJSON(w, http.StatusOK, map[string]any{"changes": list, "next_cursor": next})
	return nil
}

func (s *Server) audit(w http.ResponseWriter, r *http.Request) error {
	after, err := queryInt(r, "cursor")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	list, err := s.hub.AuditEntries(r.Context(), lookout.AuditFilter{AfterSeq: after, AgencyID: q.Get("agency_id"), Action: q.Get("action")})
	if err != nil {
		return err
	}
	if list == nil {
		list = []*lookout.AuditEntry{}
	}
	next := ""
	if len(list) == 100 {
		next = cursor(list[len(list)-1].Seq)
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": list, "next_cursor": next})
	return nil
}
