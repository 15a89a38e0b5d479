package synth_test

import (
	"slices"
	"strconv"
	"testing"

	"github.com/lookout-network/lookout/synth"
)

func collect(seed int64, n int) []synth.Document {
	var out []synth.Document
	synth.Documents(seed, n, func(d synth.Document) { out = append(out, d) })
	return out
}

func canonical(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

func TestDeterministic(t *testing.T) {
	a, b, c := collect(7, 2000), collect(7, 2000), collect(8, 2000)
	if !slices.Equal(a, b) {
		t.Error("same seed gave different documents")
	}
	if slices.Equal(a, c) {
		t.Error("different seeds gave the same documents")
	}
}

func TestDocuments(t *testing.T) {
	const n = 50000
	docs := collect(1, n)
	if len(docs) != n {
		t.Fatalf("got %d documents, want %d", len(docs), n)
	}
	types := map[string]bool{"passport": true, "id_card": true, "visa": true, "residence_permit": true, "travel_document": true, "other": true}
	statusCount := map[string]int{}
	countries := map[string]bool{}
	for _, d := range docs {
		statusCount[d.Status]++
		countries[d.IssuingCountry] = true
		if !canonical(d.Number) || len(d.Number) < 8 || len(d.Number) > 12 {
			t.Fatalf("document %+v: number not canonical or of odd length", d)
		}
		if !types[d.Type] {
			t.Fatalf("document %+v: unknown type", d)
		}
		if d.EventDate.After(synth.Epoch) || d.EventDate.Before(synth.Epoch.AddDate(-10, 0, -1)) {
			t.Fatalf("document %+v: event date out of the ten years", d)
		}
		if d.IsRange() != (d.Status == "stolen_blank") {
			t.Fatalf("document %+v: range and status disagree", d)
		}
		if d.IsRange() {
			if len(d.NumberTo) != len(d.Number) || d.NumberTo <= d.Number {
				t.Fatalf("batch %s..%s is not an increasing range of one length", d.Number, d.NumberTo)
			}
			p := len(d.Number) - 7
			if d.Number[0] == '9' {
				p = 1
			}
			lo, err1 := strconv.Atoi(d.Number[p:])
			hi, err2 := strconv.Atoi(d.NumberTo[p:])
			if err1 != nil || err2 != nil || d.Number[:p] != d.NumberTo[:p] || hi-lo+1 < 10 || hi-lo+1 > 2000 {
				t.Fatalf("batch %s..%s: not a prefix and numeric tail of 10-2000 numbers", d.Number, d.NumberTo)
			}
		}
	}
	for _, c := range synth.Countries() {
		if !countries[c] {
			t.Errorf("country %s never generated", c)
		}
	}
	if len(synth.Countries()) < 10 {
		t.Errorf("only %d countries", len(synth.Countries()))
	}
	// Lost and stolen dominate; every status appears; blanks are rare.
	if statusCount["lost"] < statusCount["stolen"] || statusCount["stolen"] < statusCount["revoked"] ||
		statusCount["revoked"] == 0 || statusCount["invalidated"] == 0 || statusCount["stolen_blank"] == 0 {
		t.Errorf("status mix %v", statusCount)
	}
	if b := float64(statusCount["stolen_blank"]) / n; b > 3*synth.BlankShare || b < synth.BlankShare/3 {
		t.Errorf("blank share %.4f, want about %.4f", b, synth.BlankShare)
	}
}

func TestAbsent(t *testing.T) {
	type key struct{ country, number string }
	present := map[string]bool{}
	var batches []synth.Document
	for seed := int64(1); seed <= 3; seed++ {
		synth.Documents(seed, 100000, func(d synth.Document) {
			if d.IsRange() {
				batches = append(batches, d)
			} else {
				present[d.Number] = true
			}
		})
	}
	n, countries := 0, map[string]bool{}
	synth.Absent(1, 100000, func(country, number string) {
		n++
		countries[country] = true
		if !canonical(number) {
			t.Fatalf("absent number %q not canonical", number)
		}
		if present[number] {
			t.Fatalf("absent number %s %s is a generated document", country, number)
		}
		for _, b := range batches {
			if len(b.Number) == len(number) && b.Number <= number && number <= b.NumberTo {
				t.Fatalf("absent number %s falls in batch %s..%s", number, b.Number, b.NumberTo)
			}
		}
	})
	if n != 100000 || len(countries) < 10 {
		t.Errorf("Absent gave %d numbers over %d countries", n, len(countries))
	}
}

func BenchmarkDocuments(b *testing.B) {
	synth.Documents(1, b.N, func(synth.Document) {})
}
