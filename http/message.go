package http

import (
	"encoding/json"
	"net/http"

	"github.com/lookout-network/lookout"
)

// maxMessageBody leaves room for the attachments, base64-encoded.
const maxMessageBody = 16 << 20

type messageInput struct {
	To          []string `json:"to"`
	Subject     string   `json:"subject"`
	Body        string   `json:"body"`
	Priority    string   `json:"priority"`
	HitID       int64    `json:"hit_id,string"`
	NoticeID    int64    `json:"notice_id,string"`
	ThreadID    int64    `json:"thread_id,string"`
	ReplyTo     int64    `json:"reply_to,string"`
	RecordDB    string   `json:"record_database"`
	RecordID    int64    `json:"record_id,string"`
	Attachments []struct {
		Name        string `json:"name"`
		ContentType string `json:"content_type"`
		Data        []byte `json:"data"`
	} `json:"attachments"`
}

func (s *Server) sendMessage(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxMessageBody)
	var in messageInput
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return jsonError(err)
	}
	m := &lookout.Message{To: in.To, Subject: in.Subject, Body: in.Body, Priority: in.Priority, HitID: in.HitID, NoticeID: in.NoticeID, ThreadID: in.ThreadID, ReplyTo: in.ReplyTo, RecordDatabase: in.RecordDB, RecordID: in.RecordID}
	for _, a := range in.Attachments {
		m.Attachments = append(m.Attachments, lookout.Attachment{Name: a.Name, ContentType: a.ContentType, Data: a.Data})
	}
	sent, err := s.hub.SendMessage(r.Context(), m)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, sent)
	return nil
}

func (s *Server) listMessages(w http.ResponseWriter, r *http.Request) error {
	before, err := queryInt(r, "cursor")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	list, next, err := s.hub.Messages(r.Context(), q.Get("box"), q.Get("q"), before)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": list, "next_cursor": cursor(next)})
	return nil
}

func (s *Server) getMessage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	m, err := s.hub.Message(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}
