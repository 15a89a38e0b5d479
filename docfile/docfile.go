// Package docfile reads the files of travel-document records that
// `lookout import documents` sends and the console's import takes: CSV with
// a header row (number,issuing_country,type,status and optionally
// event_date,number_to,remarks), or NDJSON with one document object a line.
// It reads record by record with the line each came from, and a record it
// cannot read is returned with its error rather than stopping the file, so
// that one bad row never keeps the good ones out.
package docfile

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/lookout-network/lookout"
)

// Columns are the columns a documents CSV may have; the first four are
// required.
var Columns = []string{"number", "issuing_country", "type", "status", "event_date", "number_to", "remarks"}

// MaxLine bounds one NDJSON line.
const MaxLine = 1 << 20

// Record is one record of a file.
type Record struct {
	// Line is the line of the file the record starts on, from 1.
	Line int
	// Fields are a CSV row's non-empty values by column, trimmed; nil for
	// NDJSON and when Err is set.
	Fields map[string]string
	// Document is the record as a new document, not yet validated (the hub
	// does that); nil when Err is set.
	Document *lookout.Document
	// Err says why the record cannot be read (an EINVALID error).
	Err error
}

// Reader reads the records of one file.
type Reader struct {
	next func() (Record, error)
}

// Read returns the next record, or io.EOF after the last. Any other error
// means the rest of the file cannot be read (a line too long, a failed read).
func (r *Reader) Read() (Record, error) { return r.next() }

// New returns a reader for a file called name: CSV when it ends in .csv,
// NDJSON when it ends in .ndjson, .jsonl or .json, and otherwise whichever
// the first character says ('{' for NDJSON).
func New(in io.Reader, name string) (*Reader, error) {
	switch strings.ToLower(path.Ext(name)) {
	case ".csv":
		return NewCSV(in)
	case ".ndjson", ".jsonl", ".json":
		return NewNDJSON(in), nil
	}
	br := bufio.NewReader(in)
	for {
		b, err := br.Peek(1)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, lookout.Errorf(lookout.EINVALID, "the file is empty")
			}
			return nil, err
		}
		switch b[0] {
		case ' ', '\t', '\r', '\n':
			br.ReadByte()
			continue
		case '{':
			return NewNDJSON(br), nil
		}
		return NewCSV(br)
	}
}

// NewCSV reads the header of a CSV file and returns a reader of its rows.
// A header naming an unknown column or lacking a required one is an
// EINVALID error.
func NewCSV(in io.Reader) (*Reader, error) {
	r := csv.NewReader(in)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, lookout.Errorf(lookout.EINVALID, "read CSV header: the file is empty")
	}
	if err != nil {
		return nil, lookout.Errorf(lookout.EINVALID, "read CSV header: %v", err)
	}
	header = slices.Clone(header)
	for i, h := range header {
		header[i] = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if !slices.Contains(Columns, header[i]) {
			return nil, lookout.Errorf(lookout.EINVALID, "CSV header: unknown column %q (columns: %s)", h, strings.Join(Columns, ","))
		}
		if slices.Contains(header[:i], header[i]) {
			return nil, lookout.Errorf(lookout.EINVALID, "CSV header: the column %q is named twice", header[i])
		}
	}
	for _, c := range Columns[:4] {
		if !slices.Contains(header, c) {
			return nil, lookout.Errorf(lookout.EINVALID, "CSV header: the column %q is required", c)
		}
	}
	return &Reader{next: func() (Record, error) {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return Record{}, io.EOF
		}
		if err != nil {
			// FieldPos is undefined after a failed read: the error has the line.
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return Record{}, err
			}
			return Record{Line: pe.Line, Err: lookout.Errorf(lookout.EINVALID, "%v", err)}, nil
		}
		line, _ := r.FieldPos(0)
		if len(rec) != len(header) {
			return Record{Line: line, Err: lookout.Errorf(lookout.EINVALID, "%d fields, the header has %d", len(rec), len(header))}, nil
		}
		fields := make(map[string]string, len(rec))
		for i, v := range rec {
			if v = strings.TrimSpace(v); v != "" {
				fields[header[i]] = v
			}
		}
		return Record{Line: line, Fields: fields, Document: &lookout.Document{
			Number: fields["number"], IssuingCountry: fields["issuing_country"], Type: fields["type"], Status: fields["status"],
			EventDate: fields["event_date"], NumberTo: fields["number_to"], Remarks: fields["remarks"],
		}}, nil
	}}, nil
}

// Body is the writable part of a document, as the API takes it (one
// object of `POST /v1/documents`, one line of an NDJSON file).
type Body struct {
	Number         string               `json:"number"`
	NumberTo       string               `json:"number_to"`
	IssuingCountry string               `json:"issuing_country"`
	Type           string               `json:"type"`
	Status         string               `json:"status"`
	EventDate      string               `json:"event_date"`
	Restriction    *lookout.Restriction `json:"restriction"`
	Remarks        string               `json:"remarks"`
	ReviewDate     string               `json:"review_date"`
}

// NewNDJSON returns a reader of an NDJSON file: one document object a line,
// with the members of POST /v1/documents. Blank lines are skipped.
func NewNDJSON(in io.Reader) *Reader {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), MaxLine)
	line := 0
	return &Reader{next: func() (Record, error) {
		for sc.Scan() {
			line++
			if len(bytes.TrimSpace(sc.Bytes())) == 0 {
				continue
			}
			d, err := DecodeJSON(sc.Bytes())
			if err != nil {
				return Record{Line: line, Err: err}, nil
			}
			return Record{Line: line, Document: d}, nil
		}
		if err := sc.Err(); err != nil {
			if errors.Is(err, bufio.ErrTooLong) {
				return Record{}, lookout.Errorf(lookout.EINVALID, "line %d is longer than %d bytes", line+1, MaxLine)
			}
			return Record{}, err
		}
		return Record{}, io.EOF
	}}
}

// DecodeJSON decodes one document object strictly: an unknown member or
// anything after the object is an EINVALID error.
func DecodeJSON(line []byte) (*lookout.Document, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	var b Body
	if err := dec.Decode(&b); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return nil, lookout.FieldErrorf(te.Field, "%s must be a %s, not a %s", te.Field, jsonKind(te.Type.Kind().String()), te.Value)
		}
		return nil, lookout.Errorf(lookout.EINVALID, "not a document object: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if dec.More() {
		return nil, lookout.Errorf(lookout.EINVALID, "a line must hold one JSON object")
	}
	return b.Document(), nil
}

// Document returns the document b describes.
func (b *Body) Document() *lookout.Document {
	return &lookout.Document{
		Number: b.Number, NumberTo: b.NumberTo, IssuingCountry: b.IssuingCountry, Type: b.Type, Status: b.Status,
		EventDate: b.EventDate, Restriction: b.Restriction, Remarks: b.Remarks, ReviewDate: b.ReviewDate,
	}
}

func jsonKind(k string) string {
	switch k {
	case "ptr", "struct", "map":
		return "object"
	case "slice":
		return "list"
	}
	return k
}
