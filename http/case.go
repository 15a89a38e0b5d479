package http

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"

	"github.com/lookout-network/lookout"
)

func (s *Server) getHitCase(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := s.hub.HitCase(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) actOnHit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var a lookout.CaseAction
	if err := decode(w, r, &a); err != nil {
		return err
	}
	c, err := s.hub.ActOnHit(r.Context(), id, a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// statsReport answers JSON, or CSV with Accept: text/csv or format=csv.
func (s *Server) statsReport(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	query := lookout.StatsQuery{From: q.Get("from"), To: q.Get("to"), Country: q.Get("country")}
	if by := q.Get("by"); by != "" {
		query.By = strings.Split(by, ",")
	}
	format := q.Get("format")
	if format == "" && strings.Contains(r.Header.Get("Accept"), "text/csv") {
		format = "csv"
	}
	if format != "" && format != "csv" && format != "json" {
		return lookout.FieldErrorf("format", "format %q is not one of json, csv", format)
	}
	rep, err := s.hub.StatsReport(r.Context(), query)
	if err != nil {
		return err
	}
	if format != "csv" {
		writeJSON(w, http.StatusOK, struct {
			*lookout.StatsReport
			NextCursor string `json:"next_cursor"`
		}{rep, ""})
		return nil
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="lookout-stats-%s-%s.csv"`, rep.From, rep.To))
	cw := csv.NewWriter(w)
	cw.Write([]string{"day", "database", "country", "agency_id", "checks", "hits"})
	for _, row := range rep.Rows {
		cw.Write([]string{row.Day, row.Database, row.Country, row.AgencyID, fmt.Sprint(row.Checks), fmt.Sprint(row.Hits)})
	}
	cw.Flush()
	return cw.Error()
}

func (s *Server) extendReview(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var body struct {
		ReviewDate string `json:"review_date"`
		Reason     string `json:"reason"`
	}
	if err := decode(w, r, &body); err != nil {
		return err
	}
	d, err := s.hub.ExtendReview(r.Context(), id, body.ReviewDate, body.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) runReview(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.hub.ReviewNow(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}
