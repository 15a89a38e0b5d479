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

func (s *Server) getHit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	h, err := s.hub.Hit(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}

func (s *Server) stats(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	rows, err := s.hub.Stats(r.Context(), lookout.StatsFilter{From: q.Get("from"), To: q.Get("to"), Country: q.Get("country")})
	if err != nil {
		return err
	}
	var checks, hits int64
	for _, row := range rows {
		checks += row.Checks
		hits += row.Hits
	}
	writeJSON(w, http.StatusOK, map[string]any{"stats": rows, "total": map[string]int64{"checks": checks, "hits": hits}, "next_cursor": ""})
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
