package docfile_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/docfile"
)

// readAll returns every record of a file, or the error that stopped it.
func readAll(tb testing.TB, r *docfile.Reader) ([]docfile.Record, error) {
	tb.Helper()
	var out []docfile.Record
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, rec)
	}
}

func TestCSV(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		in := "\ufeffnumber, issuing_country ,type,status,event_date,number_to,remarks\n" +
			"C01X00T47,DEU,passport,stolen,2024-01-02,,\"at the station, platform 3\"\n" +
			"\n" +
			"Z1000,DEU,passport,stolen_blank,,Z1999,\n"
		r, err := docfile.NewCSV(strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := readAll(t, r)
		if err != nil || len(recs) != 2 {
			t.Fatalf("records %+v, err %v", recs, err)
		}
		d := recs[0].Document
		if recs[0].Line != 2 || d.Number != "C01X00T47" || d.IssuingCountry != "DEU" || d.Type != "passport" || d.Status != "stolen" ||
			d.EventDate != "2024-01-02" || d.NumberTo != "" || d.Remarks != "at the station, platform 3" {
			t.Errorf("first record: line %d %+v", recs[0].Line, d)
		}
		if _, ok := recs[0].Fields["number_to"]; ok || len(recs[0].Fields) != 6 {
			t.Errorf("fields %v: the empty column must be left out", recs[0].Fields)
		}
		if recs[1].Line != 4 || recs[1].Document.NumberTo != "Z1999" {
			t.Errorf("second record: line %d %+v", recs[1].Line, recs[1].Document)
		}
	})
	t.Run("ErrBadRowsDoNotStopTheFile", func(t *testing.T) {
		in := "number,issuing_country,type,status\n" +
			"A1,DEU,passport\n" +
			"A2,DEU,passport,lost\n" +
			"A\"3,DEU,passport,lost\n" +
			"A4,DEU,passport,lost\n"
		r, err := docfile.NewCSV(strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := readAll(t, r)
		if err != nil || len(recs) != 4 {
			t.Fatalf("records %+v, err %v", recs, err)
		}
		want := []struct {
			line int
			bad  string
		}{{2, "3 fields, the header has 4"}, {3, ""}, {4, "bare"}, {5, ""}}
		for i, w := range want {
			rec := recs[i]
			if rec.Line != w.line {
				t.Errorf("record %d: line %d, want %d", i, rec.Line, w.line)
			}
			if w.bad == "" && (rec.Err != nil || rec.Document == nil) {
				t.Errorf("line %d: %v", rec.Line, rec.Err)
			}
			if w.bad != "" && (rec.Document != nil || lookout.ErrorCode(rec.Err) != lookout.EINVALID || !strings.Contains(lookout.ErrorMessage(rec.Err), w.bad)) {
				t.Errorf("line %d: %v, want an error saying %q", rec.Line, rec.Err, w.bad)
			}
		}
	})
	for name, in := range map[string]string{
		"ErrEmpty":         "",
		"ErrUnknownColumn": "number,issuing_country,type,status,colour\n",
		"ErrMissingColumn": "number,issuing_country,type\n",
		"ErrColumnTwice":   "number,issuing_country,type,status,number\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := docfile.NewCSV(strings.NewReader(in)); lookout.ErrorCode(err) != lookout.EINVALID {
				t.Fatalf("header %q: %v", in, err)
			}
		})
	}
}

func TestNDJSON(t *testing.T) {
	in := `{"number": "C01X00T47", "issuing_country": "DEU", "type": "passport", "status": "stolen", "restriction": {"deny": ["GBR"]}}

{"number": "C01X00T48", "colour": "red"}
{"number": 12}
not json
{"number": "C01X00T49"} {"number": "C01X00T50"}
{"number": "C01X00T51", "issuing_country": "DEU", "type": "passport", "status": "lost"}
`
	r := docfile.NewNDJSON(strings.NewReader(in))
	recs, err := readAll(t, r)
	if err != nil || len(recs) != 6 {
		t.Fatalf("records %+v, err %v", recs, err)
	}
	if d := recs[0].Document; recs[0].Line != 1 || d == nil || d.Number != "C01X00T47" || d.Restriction == nil || d.Restriction.Deny[0] != "GBR" {
		t.Errorf("first record: %+v", recs[0])
	}
	for i, line := range []int{3, 4, 5, 6} {
		rec := recs[i+1]
		if rec.Line != line || rec.Document != nil || lookout.ErrorCode(rec.Err) != lookout.EINVALID {
			t.Errorf("record of line %d: %+v", line, rec)
		}
	}
	if lookout.ErrorField(recs[2].Err) != "number" {
		t.Errorf("a number of the wrong type: %v, want the field named", recs[2].Err)
	}
	if recs[5].Line != 7 || recs[5].Document == nil {
		t.Errorf("last record: %+v", recs[5])
	}
	t.Run("ErrLineTooLong", func(t *testing.T) {
		r := docfile.NewNDJSON(strings.NewReader(`{"number": "A1"}` + "\n" + `{"remarks": "` + strings.Repeat("x", docfile.MaxLine) + `"}` + "\n"))
		recs, err := readAll(t, r)
		if len(recs) != 1 || lookout.ErrorCode(err) != lookout.EINVALID || !strings.Contains(err.Error(), "line 2") {
			t.Fatalf("records %d, err %v", len(recs), err)
		}
	})
}

func TestNew(t *testing.T) {
	csv := "number,issuing_country,type,status\nA1,DEU,passport,lost\n"
	ndjson := "\n  " + `{"number": "A1", "issuing_country": "DEU", "type": "passport", "status": "lost"}` + "\n"
	for _, tc := range []struct{ name, in string }{
		{"stolen.csv", csv}, {"STOLEN.CSV", csv}, {"stolen.txt", csv}, {"stolen", csv},
		{"stolen.ndjson", ndjson}, {"stolen.jsonl", ndjson}, {"stolen.txt", ndjson}, {"", ndjson},
	} {
		r, err := docfile.New(strings.NewReader(tc.in), tc.name)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		recs, err := readAll(t, r)
		if err != nil || len(recs) != 1 || recs[0].Document == nil || recs[0].Document.Number != "A1" {
			t.Errorf("%s %q: %+v %v", tc.name, tc.in, recs, err)
		}
	}
	if _, err := docfile.New(strings.NewReader(" \n"), "stolen"); lookout.ErrorCode(err) != lookout.EINVALID {
		t.Errorf("empty file: %v", err)
	}
}

// FuzzReader feeds arbitrary files to both readers: they must never panic,
// every record has a line, and a record is either a document or an error.
func FuzzReader(f *testing.F) {
	f.Add("number,issuing_country,type,status\nC01X00T47,DEU,passport,stolen\n")
	f.Add("number,issuing_country,type,status,event_date,number_to,remarks\nX1,DEU,passport,stolen_blank,,X9,\"a, b\"\n\"broken\n")
	f.Add(`{"number": "C01X00T47", "issuing_country": "DEU", "type": "passport", "status": "stolen"}` + "\n{\"number\": 1}\n")
	f.Fuzz(func(t *testing.T, in string) {
		r, err := docfile.New(strings.NewReader(in), "")
		if err != nil {
			if lookout.ErrorCode(err) != lookout.EINVALID {
				t.Fatalf("open: %v", err)
			}
			return
		}
		last := 0
		for {
			rec, err := r.Read()
			if err != nil {
				break
			}
			if rec.Line < 1 || rec.Line < last {
				t.Fatalf("line %d after %d", rec.Line, last)
			}
			last = rec.Line
			if (rec.Err == nil) == (rec.Document == nil) {
				t.Fatalf("line %d: document %v and error %v", rec.Line, rec.Document, rec.Err)
			}
		}
	})
}
