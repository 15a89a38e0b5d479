package docindex_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/lookout-network/lookout/docindex"
)

// MustBuild builds an index of single records given as "COUNTRY NUMBER",
// with ids 1, 2, ... in order.
func MustBuild(tb testing.TB, recs ...string) *docindex.Index {
	tb.Helper()
	b := docindex.NewBuilder(len(recs))
	for i, r := range recs {
		country, number, _ := strings.Cut(r, " ")
		if err := b.Add(uint64(i+1), country, number); err != nil {
			tb.Fatal(err)
		}
	}
	x, err := b.Build()
	if err != nil {
		tb.Fatal(err)
	}
	return x
}

// MustCheck checks and fails the test on an error.
func MustCheck(tb testing.TB, x *docindex.Index, country, number string) docindex.Hits {
	tb.Helper()
	var h docindex.Hits
	var err error
	if country == "" {
		h, err = x.CheckAny(number)
	} else {
		h, err = x.Check(country, number)
	}
	if err != nil {
		tb.Fatal(err)
	}
	slices.Sort(h.Exact)
	slices.Sort(h.Range)
	return h
}

func TestCheck(t *testing.T) {
	x := MustBuild(t, "DEU C01X00T47", "FRA 12AB34567", "GBR 123456789", "USA 123456789", "D L01X00T47",
		"PRT 007777779ZZ9", "BEL 0123456789ABCDEF", "UNO X0000001")
	tests := []struct {
		name, country, number string
		want                  []uint64
	}{
		{"OK", "DEU", "C01X00T47", []uint64{1}},
		{"OKSpecialCode", "D", "L01X00T47", []uint64{5}},
		{"OKLongNumber", "PRT", "007777779ZZ9", []uint64{6}},
		{"OKOverlongNumber", "BEL", "0123456789ABCDEF", []uint64{7}},
		{"OKSameNumberTwoCountries", "USA", "123456789", []uint64{4}},
		{"OKAnyCountry", "", "123456789", []uint64{3, 4}},
		{"OKAnyCountryOne", "", "X0000001", []uint64{8}},
		{"NoHitOtherCountry", "FRA", "C01X00T47", nil},
		{"NoHitOCRConfusion", "DEU", "CO1X00T47", nil},
		{"NoHitPrefix", "DEU", "C01X00T4", nil},
		{"NoHitLongerNumber", "DEU", "C01X00T470", nil},
		{"NoHitOverlongVariant", "BEL", "0123456789ABCDEE", nil},
		{"NoHitAny", "", "999999999", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := MustCheck(t, x, tt.country, tt.number)
			if !slices.Equal(h.Exact, tt.want) || h.Range != nil {
				t.Errorf("check %s %s = %v, want exact %v", tt.country, tt.number, h, tt.want)
			}
			if h.Empty() != (tt.want == nil) {
				t.Errorf("Empty() = %v with %v", h.Empty(), h)
			}
		})
	}
}

func TestCheckBadInput(t *testing.T) {
	x := MustBuild(t, "DEU C01X00T47")
	tests := []struct {
		name, country, number, want string
	}{
		{"ErrLowerCase", "DEU", "c01x00t47", "outside A-Z 0-9"},
		{"ErrFiller", "DEU", "C01X00T4<", "outside A-Z 0-9"},
		{"ErrEmptyNumber", "DEU", "", "empty"},
		{"ErrTooLong", "DEU", strings.Repeat("1", docindex.MaxNumberLen+1), "longer than"},
		{"ErrCountryLength", "DEUT", "C01X00T47", "1-3 letter"},
		{"ErrCountryEmpty", "", "C01X00T47", "1-3 letter"},
		{"ErrCountryDigits", "D3U", "C01X00T47", "outside A-Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := x.Check(tt.country, tt.number)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Check(%q, %q) error = %v, want one containing %q", tt.country, tt.number, err, tt.want)
			}
			if err := x.Put(9, tt.country, tt.number); err == nil {
				t.Fatalf("Put(%q, %q) accepted bad input", tt.country, tt.number)
			}
			if _, err := x.Similar(tt.country, tt.number, 5); err == nil && tt.country != "" {
				t.Fatalf("Similar(%q, %q) accepted bad input", tt.country, tt.number)
			}
		})
	}
	t.Run("ErrBuilder", func(t *testing.T) {
		b := docindex.NewBuilder(0)
		if err := b.Add(1, "DEU", "c1"); err == nil {
			t.Fatal("Builder.Add accepted a lower-case number")
		}
	})
	t.Run("ErrDuplicateID", func(t *testing.T) {
		b := docindex.NewBuilder(0)
		for _, n := range []string{"A1", "A2", "A3"} {
			if err := b.Add(7, "DEU", n); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := b.Build(); err == nil || !strings.Contains(err.Error(), "7") {
			t.Fatalf("Build with a repeated id: error = %v", err)
		}
	})
	t.Run("ErrDuplicateRangeID", func(t *testing.T) {
		b := docindex.NewBuilder(0)
		if err := b.Add(7, "DEU", "A1"); err != nil {
			t.Fatal(err)
		}
		if err := b.AddRange(7, "DEU", "X100", "X200"); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Build(); err == nil {
			t.Fatal("Build accepted a batch with the id of a record")
		}
	})
}

func TestRange(t *testing.T) {
	b := docindex.NewBuilder(0)
	mustAddRange := func(id uint64, country, from, to string) {
		t.Helper()
		if err := b.AddRange(id, country, from, to); err != nil {
			t.Fatal(err)
		}
	}
	mustAddRange(1, "DEU", "X1000000", "X1004999")
	mustAddRange(2, "DEU", "X1004000", "X1009999") // overlaps 1
	mustAddRange(3, "FRA", "X1000000", "X1000010")
	mustAddRange(4, "GBR", "500000000", "500000999")
	mustAddRange(5, "ITA", "YA12B0000", "YA12B0099")
	if err := b.Add(6, "DEU", "X1000001"); err != nil {
		t.Fatal(err)
	}
	x, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, country, number string
		exact, rng            []uint64
	}{
		{"OKStart", "DEU", "X1000000", nil, []uint64{1}},
		{"OKEnd", "DEU", "X1004999", nil, []uint64{1, 2}},
		{"OKOverlap", "DEU", "X1004500", nil, []uint64{1, 2}},
		{"OKSecondOnly", "DEU", "X1009999", nil, []uint64{2}},
		{"OKRecordInsideBatch", "DEU", "X1000001", []uint64{6}, []uint64{1}},
		{"OKDigitsOnly", "GBR", "500000500", nil, []uint64{4}},
		{"OKLetterInPrefix", "ITA", "YA12B0042", nil, []uint64{5}},
		{"OKAnyCountry", "", "X1000005", nil, []uint64{1, 3}},
		{"NoHitAfterEnd", "DEU", "X1010000", nil, nil},
		{"NoHitBeforeStart", "DEU", "X0999999", nil, nil},
		{"NoHitShorter", "DEU", "X100000", nil, nil},
		{"NoHitOtherPrefix", "DEU", "Y1000000", nil, nil},
		{"NoHitOtherCountry", "FRA", "X1000011", nil, nil},
		{"NoHitLetterTail", "ITA", "YA12B004C", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := MustCheck(t, x, tt.country, tt.number)
			if !slices.Equal(h.Exact, tt.exact) || !slices.Equal(h.Range, tt.rng) {
				t.Errorf("check %s %s = %+v, want exact %v range %v", tt.country, tt.number, h, tt.exact, tt.rng)
			}
		})
	}
	r, ok := x.Range(5)
	if !ok || r.Country != "ITA" || r.From != "YA12B0000" || r.To != "YA12B0099" {
		t.Errorf("Range(5) = %+v, %v", r, ok)
	}
}

func TestPutRangeBadInput(t *testing.T) {
	tests := []struct {
		name, from, to, want string
	}{
		{"ErrLengths", "X100", "X1000", "differ in length"},
		{"ErrPrefix", "X100", "Y100", "differ before the numeric tail"},
		{"ErrPrefixLength", "XA10", "X110", "differ before the numeric tail"},
		{"ErrNoTail", "X10A", "X10B", "does not end in"},
		{"ErrTailTooLong", "1" + strings.Repeat("0", 18), "1" + strings.Repeat("9", 18), "does not end in"},
		{"ErrReversed", "X200", "X100", "start is after end"},
		{"ErrBadCharacter", "X1-0", "X120", "outside A-Z 0-9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := docindex.New()
			err := x.PutRange(1, "DEU", tt.from, tt.to)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("PutRange(%q, %q) error = %v, want one containing %q", tt.from, tt.to, err, tt.want)
			}
		})
	}
}

func TestPutDeleteMove(t *testing.T) {
	x := MustBuild(t, "DEU C01X00T47", "FRA 12AB34567")
	mustPut := func(id uint64, country, number string) {
		t.Helper()
		if err := x.Put(id, country, number); err != nil {
			t.Fatal(err)
		}
	}
	wantExact := func(country, number string, want ...uint64) {
		t.Helper()
		if h := MustCheck(t, x, country, number); !slices.Equal(h.Exact, want) {
			t.Errorf("check %s %s = %v, want %v", country, number, h.Exact, want)
		}
	}
	mustPut(3, "GBR", "123456789")
	wantExact("GBR", "123456789", 3)
	// Move a bulk-loaded record.
	mustPut(1, "DEU", "C01X00T48")
	wantExact("DEU", "C01X00T47")
	wantExact("DEU", "C01X00T48", 1)
	// Move a record written live, then move it again.
	mustPut(3, "GBR", "123456780")
	mustPut(3, "USA", "123456780")
	wantExact("GBR", "123456789")
	wantExact("GBR", "123456780")
	wantExact("USA", "123456780", 3)
	// Unchanged put.
	mustPut(2, "FRA", "12AB34567")
	wantExact("FRA", "12AB34567", 2)
	if c, n, ok := x.Lookup(3); !ok || c != "USA" || n != "123456780" {
		t.Errorf("Lookup(3) = %s %s %v", c, n, ok)
	}
	// A record turned into a batch and back.
	if err := x.PutRange(2, "FRA", "12AB30000", "12AB39999"); err != nil {
		t.Fatal(err)
	}
	if h := MustCheck(t, x, "FRA", "12AB34567"); h.Exact != nil || !slices.Equal(h.Range, []uint64{2}) {
		t.Errorf("after PutRange: %+v", h)
	}
	mustPut(2, "FRA", "12AB34568")
	if h := MustCheck(t, x, "FRA", "12AB34567"); !h.Empty() {
		t.Errorf("batch kept after Put: %+v", h)
	}
	if !x.Delete(1) || x.Delete(1) {
		t.Error("Delete(1) twice did not report present then absent")
	}
	wantExact("DEU", "C01X00T48")
	if x.Delete(99) {
		t.Error("Delete(99) reported an absent id present")
	}
	// Enough writes to force rebuilds, then check everything survived.
	for i := uint64(10); i < 40; i++ {
		mustPut(i, "ESP", fmt.Sprintf("PAA%06d", i))
	}
	for i := uint64(10); i < 40; i += 3 {
		x.Delete(i)
	}
	for i := uint64(10); i < 40; i++ {
		want := []uint64{i}
		if (i-10)%3 == 0 {
			want = nil
		}
		wantExact("ESP", fmt.Sprintf("PAA%06d", i), want...)
	}
	wantExact("USA", "123456780", 3)
	if s := x.Stats(); s.Records != 2+20 || s.Ranges != 0 {
		t.Errorf("Stats() = %+v, want 22 records", s)
	}
}

// TestModel runs random operations against an index and a plain map and
// compares every check, with rebuilds in the foreground and, as large
// indexes do them, in the background while writes go on.
func TestModel(t *testing.T) {
	t.Run("OKForegroundRebuilds", func(t *testing.T) { testModel(t, 1) })
	t.Run("OKBackgroundRebuilds", func(t *testing.T) {
		defer docindex.SetBackgroundMin(docindex.SetBackgroundMin(0))
		for seed := uint64(1); seed <= 5; seed++ {
			testModel(t, seed)
		}
	})
}

func testModel(t *testing.T, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 2))
	countries := []string{"DEU", "FRA", "D", "GBD"}
	number := func() string {
		const alpha = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		n := 1 + rng.IntN(4)
		if rng.IntN(20) == 0 {
			n = 13 + rng.IntN(4) // hashed long numbers
		}
		b := make([]byte, n)
		for i := range b {
			b[i] = alpha[rng.IntN(6)] // small alphabet: many collisions
		}
		return string(b)
	}
	type rec struct{ country, number string }
	model := map[uint64]rec{}
	b := docindex.NewBuilder(0)
	for id := uint64(1); id <= 300; id++ {
		r := rec{countries[rng.IntN(len(countries))], number()}
		model[id] = r
		if err := b.Add(id*7%1000, r.country, r.number); err != nil { // unsorted ids
			t.Fatal(err)
		}
	}
	// Re-key the model to the ids actually used.
	m2 := map[uint64]rec{}
	for id, r := range model {
		m2[id*7%1000] = r
	}
	model = m2
	x, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	for step := 0; step < 3000; step++ {
		id := uint64(rng.IntN(1200))
		switch op := rng.IntN(10); {
		case op < 6:
			r := rec{countries[rng.IntN(len(countries))], number()}
			if err := x.Put(id, r.country, r.number); err != nil {
				t.Fatal(err)
			}
			model[id] = r
		case op < 9:
			_, had := model[id]
			if got := x.Delete(id); got != had {
				t.Fatalf("step %d: Delete(%d) = %v, model has it: %v", step, id, got, had)
			}
			delete(model, id)
		default:
			x.Compact()
		}
		if step%100 != 0 {
			continue
		}
		for id, r := range model {
			h := MustCheck(t, x, r.country, r.number)
			if !slices.Contains(h.Exact, id) {
				t.Fatalf("step %d: check %s %s = %v, missing id %d", step, r.country, r.number, h.Exact, id)
			}
			for _, got := range h.Exact {
				if g := model[got]; g != r {
					t.Fatalf("step %d: check %s %s returned id %d holding %v", step, r.country, r.number, got, g)
				}
			}
			if c, n, ok := x.Lookup(id); !ok || c != r.country || n != r.number {
				t.Fatalf("step %d: Lookup(%d) = %s %s %v, want %v", step, id, c, n, ok, r)
			}
		}
		if s := x.Stats(); s.Records != len(model) {
			t.Fatalf("step %d: Stats().Records = %d, model %d", step, s.Records, len(model))
		}
	}
}

func TestCheckBatch(t *testing.T) {
	x := MustBuild(t, "DEU C01X00T47", "FRA 12AB34567", "GBR 123456789", "USA 123456789")
	if err := x.PutRange(9, "GBR", "900000000", "900000999"); err != nil {
		t.Fatal(err)
	}
	var qs []docindex.Query
	for i := 0; i < 40; i++ { // more than one group
		qs = append(qs,
			docindex.Query{Country: "DEU", Number: "C01X00T47"},
			docindex.Query{Country: "", Number: "123456789"},
			docindex.Query{Country: "GBR", Number: "900000500"},
			docindex.Query{Country: "FRA", Number: fmt.Sprintf("12AB%05d", i)},
			docindex.Query{Country: "FRA", Number: "12ab34567"},
			docindex.Query{Country: "DEUT", Number: "C01X00T47"},
		)
	}
	res := x.CheckBatch(qs, nil)
	if len(res) != len(qs) {
		t.Fatalf("%d results for %d queries", len(res), len(qs))
	}
	for i, q := range qs {
		var want docindex.Hits
		var err error
		if q.Country == "" {
			want, err = x.CheckAny(q.Number)
		} else {
			want, err = x.Check(q.Country, q.Number)
		}
		got := res[i]
		if (err == nil) != (got.Err == nil) || !slices.Equal(got.Exact, want.Exact) || !slices.Equal(got.Range, want.Range) {
			t.Fatalf("query %d %+v: batch %+v, single %+v, %v", i, q, got, want, err)
		}
	}
}
