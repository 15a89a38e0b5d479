package http

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/lookout-network/lookout"
)

// heartbeat keeps idle event streams open through proxies; recheck is how
// often a stream checks that its credentials still hold (a disabled agency
// or a revoked token loses its stream within that time); writeTimeout
// drops a client that stopped reading.
const (
	heartbeat    = 15 * time.Second
	recheck      = 5 * time.Second
	writeTimeout = 30 * time.Second
)

// events streams the caller's events as server-sent events. A client that
// reconnects with Last-Event-ID (or ?last_event_id=, for EventSource's
// first connection) gets every event it missed, in order, then the live
// stream, and never an event twice.
func (s *Server) events(w http.ResponseWriter, r *http.Request) error {
	return s.EventStream(w, r, func() error {
		_, err := s.authenticate(r)
		return err
	})
}

// EventStream serves the events of r's caller as server-sent events,
// calling reauth every few seconds and ending the stream when it fails (a
// disabled agency, a revoked token, a session signed out). The console
// serves its pages' live updates with it.
func (s *Server) EventStream(w http.ResponseWriter, r *http.Request, reauth func() error) error {
	last := int64(-1)
	raw := r.Header.Get("Last-Event-ID")
	if raw == "" {
		raw = r.URL.Query().Get("last_event_id")
	}
	if raw != "" {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 0 {
			return lookout.FieldErrorf("Last-Event-ID", "Last-Event-ID %q is not an event ID", raw)
		}
		last = n
	}
	ctx := r.Context()
	sub, err := s.hub.Subscribe(ctx)
	if err != nil {
		return err
	}
	defer sub.Close()
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n: lookout events\n\n")
	send := func(e *lookout.Event) error {
		data, _ := json.Marshal(e)
		_, err := fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", e.Seq, e.Type, data)
		return err
	}
	if last < 0 {
		last = sub.Start
	} else {
		for {
			missed, err := s.hub.Events(ctx, last, 1000)
			if err != nil {
				return nil // headers are sent: the client reconnects
			}
			if len(missed) == 0 {
				break
			}
			for _, e := range missed {
				if send(e) != nil {
					return nil
				}
				last = e.Seq
			}
		}
	}
	rc.SetWriteDeadline(time.Now().Add(writeTimeout))
	if rc.Flush() != nil {
		return nil
	}
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	auth := time.NewTicker(recheck)
	defer auth.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-auth.C:
			if reauth() != nil {
				return nil
			}
			continue
		case <-tick.C:
			fmt.Fprint(w, ": keep-alive\n\n")
		case e, ok := <-sub.C:
			if !ok {
				return nil // dropped or shutting down: the client resumes from last
			}
			if e.Seq <= last {
				continue
			}
			if send(e) != nil {
				return nil
			}
			last = e.Seq
			// Send what is queued in one flush.
		drain:
			for {
				select {
				case e, ok := <-sub.C:
					if !ok {
						rc.Flush()
						return nil
					}
					if e.Seq > last {
						if send(e) != nil {
							return nil
						}
						last = e.Seq
					}
				default:
					break drain
				}
			}
		}
		rc.SetWriteDeadline(time.Now().Add(writeTimeout))
		if rc.Flush() != nil {
			return nil
		}
	}
}

func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		URL    string `json:"url"`
		Secret string `json:"secret"`
	}
	if err := decode(w, r, &body); err != nil {
		return err
	}
	hook, secret, err := s.hub.CreateWebhook(r.Context(), body.URL, body.Secret)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"webhook": hook, "secret": secret})
	return nil
}

func (s *Server) webhookDeliveries(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	after, err := queryInt(r, "cursor")
	if err != nil {
		return err
	}
	list, err := s.hub.Deliveries(r.Context(), id, after)
	if err != nil {
		return err
	}
	if list == nil {
		list = []*lookout.Delivery{}
	}
	next := ""
	if len(list) == 100 {
		next = cursor(list[len(list)-1].ID)
	}
	writeJSON(w, http.StatusOK, map[string]any{"deliveries": list, "next_cursor": next})
	return nil
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.hub.DeleteWebhook(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) setNotifications(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		NotifyOnSearch *bool `json:"notify_on_search"`
	}
	if err := decode(w, r, &body); err != nil {
		return err
	}
	if body.NotifyOnSearch == nil {
		return lookout.FieldErrorf("notify_on_search", "notify_on_search is required: true or false")
	}
	a, err := s.hub.SetNotifyOnSearch(r.Context(), r.PathValue("id"), *body.NotifyOnSearch)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}
