package http

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/lookout-network/lookout"
)

// manifestColumns are the CSV columns of a manifest; name is required.
var manifestColumns = []string{"name", "date_of_birth", "sex", "nationality", "document_number", "document_country"}

// ParseManifest reads a passenger manifest or accreditation list, CSV with
// a header line (columns of manifestColumns in any order) or NDJSON (one
// traveller object a line). Lines that cannot be read become results with
// an error naming the line and field; they do not stop the others. The
// error is for the whole list (no header, too many lines).
func ParseManifest(r io.Reader, isCSV bool) ([]lookout.Traveller, []*lookout.ScreeningResult, error) {
	var out []lookout.Traveller
	var bad []*lookout.ScreeningResult
	fail := func(line int, err error) {
		bad = append(bad, &lookout.ScreeningResult{Line: line, Outcome: "invalid", Error: &lookout.ScreeningError{Code: lookout.ErrorCode(err), Message: lookout.ErrorMessage(err), Field: lookout.ErrorField(err)}})
	}
	count := func() error {
		if len(out)+len(bad) > maxBatchRows {
			return lookout.Errorf(lookout.ETOOLARGE, "a list holds at most %d travellers", maxBatchRows)
		}
		return nil
	}
	if !isCSV {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		line := 0
		for sc.Scan() {
			line++
			if len(bytes.TrimSpace(sc.Bytes())) == 0 {
				continue
			}
			var t lookout.Traveller
			if err := decodeLine(sc.Bytes(), &t); err != nil {
				fail(line, err)
			} else {
				t.Line = line
				out = append(out, t)
			}
			if err := count(); err != nil {
				return nil, nil, err
			}
		}
		if err := sc.Err(); err != nil {
			return nil, nil, lookout.Errorf(lookout.EINVALID, "line %d: %v", line+1, jsonError(err))
		}
		return out, bad, nil
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, lookout.Errorf(lookout.EINVALID, "the list is empty: a CSV header line is required")
	} else if err != nil {
		return nil, nil, lookout.Errorf(lookout.EINVALID, "line 1: %v", err)
	}
	col := make([]int, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		col[i] = slices.Index(manifestColumns, h)
		if col[i] < 0 {
			return nil, nil, lookout.FieldErrorf(h, "line 1: column %q is not one of %s", h, strings.Join(manifestColumns, ", "))
		}
		if seen[h] {
			return nil, nil, lookout.FieldErrorf(h, "line 1: column %q appears twice", h)
		}
		seen[h] = true
	}
	if !seen["name"] {
		return nil, nil, lookout.FieldErrorf("name", "line 1: the header has no name column")
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, nil, err
			}
			fail(max(pe.StartLine, 1), lookout.Errorf(lookout.EINVALID, "%v", pe.Err))
			if err := count(); err != nil {
				return nil, nil, err
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			fail(line, lookout.Errorf(lookout.EINVALID, "line has %d fields, the header %d", len(rec), len(header)))
		} else {
			t := lookout.Traveller{Line: line}
			for i, v := range rec {
				v = strings.TrimSpace(v)
				switch manifestColumns[col[i]] {
				case "name":
					t.Name = v
				case "date_of_birth":
					t.DateOfBirth = v
				case "sex":
					t.Sex = v
				case "nationality":
					t.Nationality = v
				case "document_number":
					t.DocumentNumber = v
				case "document_country":
					t.DocumentCountry = v
				}
			}
			out = append(out, t)
		}
		if err := count(); err != nil {
			return nil, nil, err
		}
	}
	return out, bad, nil
}

func (s *Server) createScreening(w http.ResponseWriter, r *http.Request) error {
	body := bufio.NewReader(http.MaxBytesReader(w, r.Body, maxBatchBody))
	ct := r.Header.Get("Content-Type")
	isCSV := strings.HasPrefix(ct, "text/csv")
	if !isCSV && !strings.Contains(ct, "json") {
		// No telling type: NDJSON starts with an object.
		for {
			b, err := body.Peek(1)
			if err != nil || (b[0] != ' ' && b[0] != '\n' && b[0] != '\r' && b[0] != '\t') {
				isCSV = err != nil || b[0] != '{'
				break
			}
			body.ReadByte()
		}
	}
	travellers, bad, err := ParseManifest(body, isCSV)
	if err != nil {
		return jsonError(err)
	}
	sc, err := s.hub.StartScreening(r.Context(), r.URL.Query().Get("reference"), travellers, bad)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/v1/screenings/%d", sc.ID))
	writeJSON(w, http.StatusAccepted, sc)
	return nil
}

func (s *Server) getScreening(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sc, err := s.hub.Screening(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sc)
	return nil
}

// screeningResults streams every result of a job as NDJSON, in line order.
func (s *Server) screeningResults(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	after := 0
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	started := false
	for {
		list, err := s.hub.ScreeningResults(r.Context(), id, after, 5000)
		if err != nil {
			if !started {
				return err
			}
			enc.Encode(map[string]any{"error": errorObject(err)})
			break
		}
		if !started {
			w.Header().Set("Content-Type", "application/x-ndjson")
			w.WriteHeader(http.StatusOK)
			started = true
		}
		for _, res := range list {
			enc.Encode(res)
			after = res.Line
		}
		if len(list) < 5000 {
			break
		}
	}
	return bw.Flush()
}
