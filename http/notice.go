package http

import (
	"net/http"

	"github.com/lookout-network/lookout"
)

// noticeBody is what a requester writes of a notice or diffusion.
type noticeBody struct {
	PersonID           string   `json:"person_id"`
	Type               string   `json:"type"`
	Summary            string   `json:"summary"`
	Offence            string   `json:"offence"`
	Purpose            string   `json:"purpose"`
	PenaltyYears       float64  `json:"penalty_years"`
	SentenceMonthsLeft int      `json:"sentence_months_left"`
	ArrestWarrant      string   `json:"arrest_warrant"`
	WarrantIssuedBy    string   `json:"warrant_issued_by"`
	Recipients         []string `json:"recipients"`
	ExpiresOn          string   `json:"expires_on"`
}

func (b *noticeBody) notice() (*lookout.Notice, error) {
	var ids lookout.IDList
	if b.PersonID == "" {
		return nil, lookout.FieldErrorf("person_id", "person_id is required")
	}
	if err := ids.UnmarshalJSON([]byte(`["` + b.PersonID + `"]`)); err != nil || len(ids) != 1 {
		return nil, lookout.FieldErrorf("person_id", "person_id %q is not a record ID", b.PersonID)
	}
	return &lookout.Notice{PersonID: ids[0], Type: b.Type, Summary: b.Summary, Offence: b.Offence, Purpose: b.Purpose, PenaltyYears: b.PenaltyYears,
		SentenceMonthsLeft: b.SentenceMonthsLeft, ArrestWarrant: b.ArrestWarrant, WarrantIssuedBy: b.WarrantIssuedBy,
		Recipients: b.Recipients, ExpiresOn: b.ExpiresOn}, nil
}

func (s *Server) createNotice(w http.ResponseWriter, r *http.Request) error {
	return s.newNotice(w, r, false)
}

func (s *Server) createDiffusion(w http.ResponseWriter, r *http.Request) error {
	return s.newNotice(w, r, true)
}

func (s *Server) newNotice(w http.ResponseWriter, r *http.Request, diffusion bool) error {
	var b noticeBody
	if err := decode(w, r, &b); err != nil {
		return err
	}
	n, err := b.notice()
	if err != nil {
		return err
	}
	if diffusion {
		n, err = s.hub.IssueDiffusion(r.Context(), n)
	} else {
		n, err = s.hub.RequestNotice(r.Context(), n)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, n)
	return nil
}

func (s *Server) listNotices(w http.ResponseWriter, r *http.Request) error {
	after, err := queryInt(r, "cursor")
	if err != nil {
		return err
	}
	person, err := queryInt(r, "person_id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	list, next, err := s.hub.Notices(r.Context(), lookout.NoticeFilter{After: after, PersonID: person, Status: q.Get("status"), Type: q.Get("type"), Kind: q.Get("kind")})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"notices": list, "next_cursor": cursor(next)})
	return nil
}

func (s *Server) getNotice(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	n, err := s.hub.Notice(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, n)
	return nil
}

func (s *Server) reviewNotice(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var req lookout.ReviewRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	n, err := s.hub.ReviewNotice(r.Context(), id, req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, n)
	return nil
}

func (s *Server) cancelNotice(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var b struct {
		Reason string `json:"reason"`
	}
	if r.ContentLength != 0 { // the reason is optional, and so is the body
		if err := decode(w, r, &b); err != nil {
			return err
		}
	}
	n, err := s.hub.CancelNotice(r.Context(), id, b.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, n)
	return nil
}
