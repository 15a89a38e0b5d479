// Package http is Lookout's JSON API over HTTPS: routing, authentication of
// every /v1 request, the error format, NDJSON batches, the OpenAPI document,
// health and Prometheus metrics.
package http

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/hub"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Body limits: single JSON objects are small; batches are streamed.
const (
	maxBody      = 1 << 20
	maxBatchBody = 512 << 20
	maxBatchRows = 1_000_000
)

// Server routes HTTP requests to the hub.
type Server struct {
	hub     *hub.Hub
	log     *slog.Logger
	mux     *http.ServeMux
	metrics *metrics
	limits  *limiter
	// Ready reports whether the server may take traffic (indexes loaded).
	Ready func() bool
	// Revoked reports whether a client certificate is revoked.
	Revoked func(agency string, notBefore time.Time) bool
	// NoTokens refuses bearer tokens: client certificates only.
	NoTokens bool
	// Checkpoint returns the latest signed checkpoint of the audit chain.
	Checkpoint func() (any, error)
	// Console serves everything outside /v1 and the probes: the web
	// console for people (nil: those paths answer 404).
	Console http.Handler
	// routes lists every /v1 route for the OpenAPI test.
	routes []string
}

// NewServer returns the HTTP handler of a hub.
func NewServer(h *hub.Hub, log *slog.Logger, reg *prometheus.Registry) *Server {
	s := &Server{hub: h, log: log, mux: http.NewServeMux(), metrics: newMetrics(reg), limits: newLimiter(DefaultLimits), Ready: func() bool { return true }}
	h.Observe = s.metrics.observe

	s.handle("POST /v1/agencies", s.createAgency)
	s.handle("GET /v1/agencies", s.listAgencies)
	s.handle("GET /v1/agencies/{id}", s.getAgency)
	s.handle("PATCH /v1/agencies/{id}", s.updateAgency)
	s.handle("POST /v1/agencies/{id}/tokens", s.issueToken)
	s.handle("GET /v1/whoami", s.whoami)

	s.handle("POST /v1/documents", s.createDocument)
	s.handle("GET /v1/documents", s.listDocuments)
	s.handle("POST /v1/documents/batch", s.createDocumentBatch)
	s.handle("GET /v1/documents/{id}", s.getDocument)
	s.handle("PATCH /v1/documents/{id}", s.updateDocument)
	s.handle("DELETE /v1/documents/{id}", s.deleteDocument)
	s.handle("POST /v1/documents/check", s.checkDocument)
	s.handle("POST /v1/documents/check/batch", s.checkDocumentBatch)

	s.handle("POST /v1/dna/profiles", s.createDNAProfile)
	s.handle("GET /v1/dna/profiles/{id}", s.getDNAProfile)
	s.handle("DELETE /v1/dna/profiles/{id}", s.deleteDNAProfile)
	s.handle("POST /v1/dna/search", s.searchDNA)

	s.handle("POST /v1/fingerprints", s.createFingerprint)
	s.handle("GET /v1/fingerprints/{id}", s.getFingerprint)
	s.handle("DELETE /v1/fingerprints/{id}", s.deleteFingerprint)
	s.handle("POST /v1/fingerprints/search", s.searchFingerprints)
	s.handle("POST /v1/fingerprints/searches/{search_id}/decisions", s.decideFingerprint)

	s.handle("POST /v1/persons", s.createPerson)
	s.handle("GET /v1/persons", s.listPersons)
	s.handle("POST /v1/persons/batch", s.createPersonBatch)
	s.handle("POST /v1/persons/search", s.searchPersons)
	s.handle("GET /v1/persons/{id}", s.getPerson)
	s.handle("PATCH /v1/persons/{id}", s.updatePerson)
	s.handle("DELETE /v1/persons/{id}", s.deletePerson)
	s.handle("POST /v1/notices", s.createNotice)
	s.handle("GET /v1/notices", s.listNotices)
	s.handle("GET /v1/notices/{id}", s.getNotice)
	s.handle("POST /v1/notices/{id}/review", s.reviewNotice)
	s.handle("POST /v1/notices/{id}/cancel", s.cancelNotice)
	s.handle("POST /v1/diffusions", s.createDiffusion)
	s.handle("POST /v1/screenings", s.createScreening)
	s.handle("GET /v1/screenings/{id}", s.getScreening)
	s.handle("GET /v1/screenings/{id}/results", s.screeningResults)

	s.handle("GET /v1/hits", s.listHits)
	s.handle("GET /v1/hits/{id}", s.getHitCase)
	s.handle("POST /v1/hits/{id}/actions", s.actOnHit)
	s.handle("GET /v1/stats", s.statsReport)
	s.handle("POST /v1/messages", s.sendMessage)
	s.handle("GET /v1/messages", s.listMessages)
	s.handle("GET /v1/messages/{id}", s.getMessage)
	s.handle("GET /v1/events", s.events)
	s.handle("POST /v1/webhooks", s.createWebhook)
	s.handle("GET /v1/webhooks/{id}/deliveries", s.webhookDeliveries)
	s.handle("DELETE /v1/webhooks/{id}", s.deleteWebhook)
	s.handle("PATCH /v1/agencies/{id}/notifications", s.setNotifications)
	s.handle("POST /v1/documents/{id}/review", s.extendReview)
	s.handle("POST /v1/review/run", s.runReview)
	s.handle("GET /v1/changes", s.changes)
	s.handle("GET /v1/audit", s.audit)
	s.handle("GET /v1/audit/checkpoint", s.checkpoint)

	s.mux.HandleFunc("GET /v1/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(openAPI)
	})
	s.mux.HandleFunc("/v1/", func(w http.ResponseWriter, r *http.Request) {
		s.error(w, r, lookout.Errorf(lookout.ENOTFOUND, "no route %s %s", r.Method, r.URL.Path))
	})
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	s.mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if !s.Ready() {
			http.Error(w, "not ready\n", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ready\n")
	})
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if s.Console == nil {
			s.error(w, r, lookout.Errorf(lookout.ENOTFOUND, "no route %s %s", r.Method, r.URL.Path))
			return
		}
		s.Console.ServeHTTP(w, r)
	})
	return s
}

// SetLimits replaces the default limits (before serving).
func (s *Server) SetLimits(l Limits) { s.limits = newLimiter(l) }

// Routes returns the pattern of every authenticated /v1 route.
func (s *Server) Routes() []string { return s.routes }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	// The API serves data, never pages: nothing may frame, script or refer.
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	if r.TLS != nil {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	s.mux.ServeHTTP(w, r)
}

// handle registers an authenticated route.
func (s *Server) handle(pattern string, fn func(w http.ResponseWriter, r *http.Request) error) {
	s.routes = append(s.routes, pattern)
	route := pattern[strings.Index(pattern, " ")+1:]
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ctx, err := s.authenticate(r)
		if err == nil {
			if wait, ok := s.limits.allow(lookout.CallerFrom(ctx).Agency.ID, 1); !ok {
				err = rateLimited(w, wait)
			}
		}
		if err == nil {
			err = fn(w, r.WithContext(ctx))
		}
		if err != nil {
			s.error(w, r, err)
		}
		s.metrics.requests.WithLabelValues(r.Method, route).Observe(time.Since(start).Seconds())
	})
}

// authenticate establishes the caller from a verified client certificate or
// a bearer token; with both, they must name the same agency.
func (s *Server) authenticate(r *http.Request) (context.Context, error) {
	var byCert *lookout.Caller
	if r.TLS != nil && len(r.TLS.VerifiedChains) > 0 {
		cert := r.TLS.VerifiedChains[0][0]
		id := cert.Subject.CommonName
		if s.Revoked != nil && s.Revoked(id, cert.NotBefore) {
			return nil, lookout.Errorf(lookout.EUNAUTHENTICATED, "the client certificate of agency %s is revoked", id)
		}
		c, err := s.hub.AuthenticateAgency(r.Context(), id)
		if err != nil {
			return nil, err
		}
		byCert = c
	}
	auth := r.Header.Get("Authorization")
	if auth == "" {
		if byCert == nil {
			return nil, lookout.Errorf(lookout.EUNAUTHENTICATED, "authentication required: send Authorization: Bearer TOKEN or a client certificate")
		}
		return lookout.NewContext(r.Context(), byCert), nil
	}
	if s.NoTokens {
		return nil, lookout.Errorf(lookout.EUNAUTHENTICATED, "bearer tokens are switched off on this server: use a client certificate")
	}
	token, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || token == "" {
		return nil, lookout.Errorf(lookout.EUNAUTHENTICATED, "the Authorization header must be Bearer TOKEN")
	}
	c, err := s.hub.Authenticate(r.Context(), token)
	if err != nil {
		return nil, err
	}
	if byCert != nil && byCert.Agency.ID != c.Agency.ID {
		return nil, lookout.Errorf(lookout.EUNAUTHENTICATED, "the token belongs to another agency than the client certificate")
	}
	return lookout.NewContext(r.Context(), c), nil
}

// Status returns the HTTP status of an error: its code's in statusOf,
// 500 for anything that is not an application error. The console answers
// with the same statuses as the API.
func Status(err error) int { return statusOf[lookout.ErrorCode(err)] }

// statusOf maps error codes to HTTP statuses: the one table of them.
var statusOf = map[string]int{
	lookout.EINVALID:         http.StatusBadRequest,
	lookout.EUNAUTHENTICATED: http.StatusUnauthorized,
	lookout.EFORBIDDEN:       http.StatusForbidden,
	lookout.ENOTFOUND:        http.StatusNotFound,
	lookout.ECONFLICT:        http.StatusConflict,
	lookout.ETOOLARGE:        http.StatusRequestEntityTooLarge,
	lookout.ERATELIMITED:     http.StatusTooManyRequests,
	lookout.EINTERNAL:        http.StatusInternalServerError,
}

type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	Line    int    `json:"line,omitempty"`
}

func errorObject(err error) errorBody {
	return errorBody{Code: lookout.ErrorCode(err), Message: lookout.ErrorMessage(err), Field: lookout.ErrorField(err)}
}

// error writes err in the API's error format; internal errors are logged in
// full and shown only as "internal error".
func (s *Server) error(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	code := lookout.ErrorCode(err)
	if code == lookout.EINTERNAL {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeJSON(w, statusOf[code], map[string]any{"error": errorObject(err)})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// decode reads one JSON object of at most maxBody bytes into v and turns
// every decoding failure into an invalid-input error naming the field.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return lookout.Errorf(lookout.EINVALID, "body must hold one JSON object")
	}
	return nil
}

// jsonError turns an encoding/json error into an application error.
func jsonError(err error) error {
	var (
		typeErr *json.UnmarshalTypeError
		syntax  *json.SyntaxError
		tooBig  *http.MaxBytesError
	)
	switch {
	case errors.As(err, &tooBig):
		return lookout.Errorf(lookout.ETOOLARGE, "body is larger than %d bytes", tooBig.Limit)
	case errors.As(err, &typeErr):
		return lookout.FieldErrorf(typeErr.Field, "%s must be a JSON %s, not %s", typeErr.Field, jsonType(typeErr.Type.Kind().String()), typeErr.Value)
	case errors.As(err, &syntax):
		return lookout.Errorf(lookout.EINVALID, "body is not valid JSON at byte %d: %v", syntax.Offset, err)
	case errors.Is(err, io.EOF):
		return lookout.Errorf(lookout.EINVALID, "body is empty: a JSON object is required")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return lookout.Errorf(lookout.EINVALID, "body is truncated JSON")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return lookout.FieldErrorf(f, "field %q is not known", f)
	}
	var le *lookout.Error
	if errors.As(err, &le) {
		return le
	}
	return lookout.Errorf(lookout.EINVALID, "body is not valid: %v", err)
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "slice", "array":
		return "array"
	case "struct", "map", "ptr":
		return "object"
	case "bool":
		return "boolean"
	}
	return "number"
}

// pathID parses the {id} of a route as a record ID.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, lookout.FieldErrorf("id", "id %q is not a record ID", r.PathValue("id"))
	}
	return id, nil
}

// queryInt parses an optional integer query parameter.
func queryInt(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, lookout.FieldErrorf(name, "%s %q is not a non-negative integer", name, v)
	}
	return n, nil
}

func cursor(next int64) string {
	if next == 0 {
		return ""
	}
	return fmt.Sprint(next)
}

// checkpoint publishes the latest signed head of the audit chain to any
// member: the more parties keep one, the less a rewrite can hide.
func (s *Server) checkpoint(w http.ResponseWriter, r *http.Request) error {
	if s.Checkpoint == nil {
		return lookout.Errorf(lookout.ENOTFOUND, "this server signs no checkpoints")
	}
	c, err := s.Checkpoint()
	if errors.Is(err, os.ErrNotExist) {
		return lookout.Errorf(lookout.ENOTFOUND, "no checkpoint signed yet")
	} else if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}
