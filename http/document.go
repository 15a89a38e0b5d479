package http

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/docfile"
)

func (s *Server) createDocument(w http.ResponseWriter, r *http.Request) error {
	var b docfile.Body
	if err := decode(w, r, &b); err != nil {
		return err
	}
	d, err := s.hub.CreateDocument(r.Context(), b.Document())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, d)
	return nil
}

func (s *Server) listDocuments(w http.ResponseWriter, r *http.Request) error {
	after, err := queryInt(r, "cursor")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	list, next, err := s.hub.Documents(r.Context(), lookout.DocumentFilter{After: after, Number: q.Get("number"), Status: q.Get("status")})
	if err != nil {
		return err
	}
	if list == nil {
		list = []*lookout.Document{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"documents": list, "next_cursor": cursor(next)})
	return nil
}

func (s *Server) getDocument(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := s.hub.Document(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) updateDocument(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var u lookout.DocumentUpdate
	if err := decode(w, r, &u); err != nil {
		return err
	}
	d, err := s.hub.UpdateDocument(r.Context(), id, u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) deleteDocument(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.hub.DeleteDocument(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) checkDocument(w http.ResponseWriter, r *http.Request) error {
	var req lookout.CheckRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	res, err := s.hub.Check(r.Context(), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// batchChunk is how many NDJSON lines are handled (and group-committed)
// together before their results are flushed.
const batchChunk = 2000

// ndjson reads an NDJSON body chunk by chunk and calls fn with each chunk of
// lines (their numbers from 1), writing the results fn returns in order. A
// line that fn cannot use gets an error result with its line number; it does
// not stop the others.
func (s *Server) ndjson(w http.ResponseWriter, r *http.Request, fn func(lines [][]byte, first int) ([]any, error)) error {
	// Results stream out while the request is still being read.
	http.NewResponseController(w).EnableFullDuplex()
	body := http.MaxBytesReader(w, r.Body, maxBatchBody)
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	started := false
	var lines [][]byte
	n, first := 0, 1
	flush := func() error {
		if len(lines) == 0 {
			return nil
		}
		results, err := fn(lines, first)
		if err != nil {
			return err
		}
		if !started {
			w.Header().Set("Content-Type", "application/x-ndjson")
			w.WriteHeader(http.StatusOK)
			started = true
		}
		for _, res := range results {
			enc.Encode(res)
		}
		first += len(lines)
		lines = lines[:0]
		if err := bw.Flush(); err != nil {
			return err
		}
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		return nil
	}
	for sc.Scan() {
		n++
		if n > maxBatchRows {
			err := lookout.Errorf(lookout.ETOOLARGE, "a batch holds at most %d lines", maxBatchRows)
			if started {
				enc.Encode(map[string]any{"error": errorObject(err)})
				bw.Flush()
				return nil
			}
			return err
		}
		lines = append(lines, bytes.Clone(sc.Bytes()))
		if len(lines) == batchChunk {
			if err := flush(); err != nil {
				return s.batchFailed(started, enc, bw, err)
			}
		}
	}
	if err := sc.Err(); err != nil {
		err = jsonError(err)
		if lookout.ErrorCode(err) == lookout.EINVALID {
			err = lookout.Errorf(lookout.EINVALID, "line %d: %v", n+1, sc.Err())
		}
		return s.batchFailed(started, enc, bw, err)
	}
	if err := flush(); err != nil {
		return s.batchFailed(started, enc, bw, err)
	}
	if !started {
		w.Header().Set("Content-Type", "application/x-ndjson")
		w.WriteHeader(http.StatusOK)
	}
	return nil
}

// batchFailed reports an error that stops a batch: as the HTTP answer if no
// result went out yet, else as a last NDJSON line.
func (s *Server) batchFailed(started bool, enc *json.Encoder, bw *bufio.Writer, err error) error {
	if !started {
		return err
	}
	if lookout.ErrorCode(err) == lookout.EINTERNAL {
		s.log.Error("batch failed", "err", err)
	}
	enc.Encode(map[string]any{"error": errorObject(err)})
	bw.Flush()
	return nil
}

// lineError is the result of a line that failed.
func lineError(line int, err error) map[string]any {
	e := errorObject(err)
	e.Line = line
	return map[string]any{"error": e}
}

// decodeLine decodes one NDJSON line strictly.
func decodeLine(line []byte, v any) error {
	if len(bytes.TrimSpace(line)) == 0 {
		return lookout.Errorf(lookout.EINVALID, "empty line: a JSON object is required")
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return lookout.Errorf(lookout.EINVALID, "a line must hold one JSON object")
	}
	return nil
}

func (s *Server) createDocumentBatch(w http.ResponseWriter, r *http.Request) error {
	return s.ndjson(w, r, func(lines [][]byte, first int) ([]any, error) {
		results := make([]any, len(lines))
		var docs []*lookout.Document
		var where []int
		for i, line := range lines {
			var b docfile.Body
			if err := decodeLine(line, &b); err != nil {
				results[i] = lineError(first+i, err)
				continue
			}
			docs = append(docs, b.Document())
			where = append(where, i)
		}
		if len(docs) > 0 {
			errs, err := s.hub.CreateDocuments(r.Context(), docs)
			if err != nil {
				return nil, err
			}
			for j, d := range docs {
				i := where[j]
				if errs[j] != nil {
					results[i] = lineError(first+i, errs[j])
				} else {
					results[i] = map[string]any{"id": fmt.Sprint(d.ID), "line": first + i}
				}
			}
		}
		return results, nil
	})
}

func (s *Server) checkDocumentBatch(w http.ResponseWriter, r *http.Request) error {
	return s.ndjson(w, r, func(lines [][]byte, first int) ([]any, error) {
		results := make([]any, len(lines))
		var reqs []lookout.CheckRequest
		var where []int
		for i, line := range lines {
			var req lookout.CheckRequest
			if err := decodeLine(line, &req); err != nil {
				results[i] = lineError(first+i, err)
				continue
			}
			reqs = append(reqs, req)
			where = append(where, i)
		}
		if len(reqs) > 0 {
			outs, err := s.hub.CheckBatch(r.Context(), reqs)
			if err != nil {
				return nil, err
			}
			for j, o := range outs {
				i := where[j]
				if o.Err != nil {
					results[i] = lineError(first+i, o.Err)
				} else {
					results[i] = o.Result
				}
			}
		}
		return results, nil
	})
}
