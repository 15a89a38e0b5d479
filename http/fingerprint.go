package http

import (
	"encoding/base64"
	"net/http"

	"github.com/lookout-network/lookout"
)

func (s *Server) createFingerprint(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		Reference   string               `json:"reference"`
		Template    string               `json:"template"`
		Restriction *lookout.Restriction `json:"restriction"`
		ReviewDate  string               `json:"review_date"`
	}
	if err := decode(w, r, &b); err != nil {
		return err
	}
	template, err := decodeBase64("template", b.Template)
	if err != nil {
		return err
	}
	f, err := s.hub.CreateFingerprint(r.Context(), &lookout.Fingerprint{Reference: b.Reference, Template: template, Restriction: b.Restriction, ReviewDate: b.ReviewDate})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, f)
	return nil
}

func (s *Server) getFingerprint(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f, err := s.hub.Fingerprint(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (s *Server) deleteFingerprint(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.hub.DeleteFingerprint(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) searchFingerprints(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		Template  string `json:"template"`
		Position  *int   `json:"position"`
		Limit     int    `json:"limit"`
		Reference string `json:"reference"`
	}
	if err := decode(w, r, &b); err != nil {
		return err
	}
	template, err := decodeBase64("template", b.Template)
	if err != nil {
		return err
	}
	var res *lookout.FingerprintSearchResult
	err = s.limits.expensive(r.Context(), func() (err error) {
		res, err = s.hub.SearchFingerprints(r.Context(), lookout.FingerprintSearchRequest{Template: template, Position: b.Position, Limit: b.Limit, Reference: b.Reference})
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (s *Server) decideFingerprint(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		FingerprintID int64  `json:"fingerprint_id,string"`
		Position      int    `json:"position"`
		Decision      string `json:"decision"`
		Note          string `json:"note"`
	}
	if err := decode(w, r, &b); err != nil {
		return err
	}
	d, err := s.hub.DecideFingerprint(r.Context(), &lookout.Decision{SearchID: r.PathValue("search_id"), RecordID: b.FingerprintID, Position: b.Position, Decision: b.Decision, Note: b.Note})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, d)
	return nil
}

// decodeBase64 reads a base64 field (standard alphabet, padding optional).
func decodeBase64(field, s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		if b, err = base64.RawStdEncoding.DecodeString(s); err != nil {
			return nil, lookout.FieldErrorf(field, "%s is not base64: %v", field, err)
		}
	}
	return b, nil
}
