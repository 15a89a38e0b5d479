package http_test

import (
	"strings"
	"testing"

	lhttp "github.com/lookout-network/lookout/http"
)

func TestParseManifest(t *testing.T) {
	t.Run("CSV", func(t *testing.T) {
		in := "\ufeffName,Date_of_birth,document_number,document_country\n\"AL RAWI, Ahmed\",1980-05-01,A123,IRQ\nbroken,\"x\n"
		ts, bad, err := lhttp.ParseManifest(strings.NewReader(in), true)
		if err != nil || len(ts) != 1 || ts[0].Name != "AL RAWI, Ahmed" || ts[0].Line != 2 || ts[0].DocumentCountry != "IRQ" || len(bad) != 1 || bad[0].Line != 3 {
			t.Fatalf("%+v %+v %v", ts, bad, err)
		}
	})
	t.Run("NDJSON", func(t *testing.T) {
		in := `{"name": "Ahmed Al Rawi", "nationality": "IRQ"}` + "\n\n" + `{"name": 3}` + "\n" + `{"nom": "x"}` + "\n"
		ts, bad, err := lhttp.ParseManifest(strings.NewReader(in), false)
		if err != nil || len(ts) != 1 || ts[0].Line != 1 || len(bad) != 2 || bad[0].Line != 3 || bad[0].Error.Field != "name" || bad[1].Error.Field != "nom" {
			t.Fatalf("%+v %+v %v", ts, bad, err)
		}
	})
	t.Run("ErrHeader", func(t *testing.T) {
		for _, in := range []string{"", "date_of_birth\n1980\n", "name,name\nx,y\n", "name,colour\n"} {
			if _, _, err := lhttp.ParseManifest(strings.NewReader(in), true); err == nil {
				t.Errorf("%q: no error", in)
			}
		}
	})
}

// FuzzParseManifest: any upload is read without panicking, and every line
// it reports is a line of the input.
func FuzzParseManifest(f *testing.F) {
	f.Add("name,date_of_birth,nationality,document_number,document_country\nJohn Smith,1970,GBR,123,GBR\n", true)
	f.Add("name\n\"a\"\"b\",\n\"unterminated\n", true)
	f.Add(`{"name": "Владимир Петров", "date_of_birth": "1975-03"}`+"\n"+`{"name": 1}`+"\n", false)
	f.Fuzz(func(t *testing.T, in string, isCSV bool) {
		ts, bad, err := lhttp.ParseManifest(strings.NewReader(in), isCSV)
		if err != nil {
			return
		}
		lines := strings.Count(in, "\n") + 1
		for _, tr := range ts {
			if tr.Line < 1 || tr.Line > lines {
				t.Fatalf("traveller on line %d of %d", tr.Line, lines)
			}
		}
		for _, b := range bad {
			if b.Line < 1 || b.Line > lines || b.Error == nil {
				t.Fatalf("bad line %+v of %d", b, lines)
			}
		}
	})
}
