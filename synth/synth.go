// Package synth generates synthetic but realistic stolen and lost travel
// document records for demos, load tests and benchmarks: national number
// formats of a dozen issuing states, a plausible mix of document types and
// statuses, event dates, and blank-document batches as number ranges.
//
// Everything is deterministic for a given seed, and generation streams: a
// caller can produce a hundred million records without holding them.
//
// Numbers that [Absent] returns are guaranteed never to be produced by
// [Documents] (under any seed, in any country, as a single number or inside
// a batch), so a benchmark can check "no-hit" numbers that look real. Two
// rules make this hold: every single number has a hash parity of 0 and every
// absent number a parity of 1; and blank batches use series no single
// number uses (a leading Z, or for the all-digit British numbers a leading 9).
package synth

import (
	"math/rand/v2"
	"time"
)

// Document is one synthetic record, in the shape of the store's import rows.
type Document struct {
	Number         string // canonical (A–Z 0–9)
	NumberTo       string // last number of a blank batch; "" for a single document
	IssuingCountry string // ISO 3166-1 alpha-3
	Type           string // passport, id_card, visa, residence_permit, travel_document, other
	Status         string // stolen, lost, revoked, invalidated, stolen_blank
	EventDate      time.Time
}

// IsRange reports whether the document is a blank batch.
func (d Document) IsRange() bool { return d.NumberTo != "" }

// EventDay returns the event date as YYYY-MM-DD.
func (d Document) EventDay() string { return d.EventDate.Format(time.DateOnly) }

// BlankShare is the fraction of generated records that are blank batches.
const BlankShare = 0.001

// Epoch is the latest event date generated; dates spread over the ten years
// before it, more of them recent. It is fixed so output does not depend on
// when it runs.
var Epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Documents calls fn with n records generated from seed.
func Documents(seed int64, n int, fn func(Document)) {
	g := newGen(seed, 0)
	for i := 0; i < n; i++ {
		fn(g.document())
	}
}

// Absent calls fn with n plausible (country, number) pairs, in the formats
// of [Documents], that no record of [Documents] holds.
func Absent(seed int64, n int, fn func(country, number string)) {
	g := newGen(seed, 1)
	for i := 0; i < n; i++ {
		f := g.pickFormat()
		fn(f.country, g.single(f, 1))
	}
}

// Countries returns the issuing states the generator uses.
func Countries() []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range formats {
		if !seen[f.country] {
			seen[f.country] = true
			out = append(out, f.country)
		}
	}
	return out
}

type gen struct {
	r     *rand.Rand
	buf   [24]byte
	total int // sum of format weights
}

func newGen(seed int64, stream uint64) *gen {
	g := &gen{r: rand.New(rand.NewPCG(uint64(seed), 0x5eed0000+stream))}
	for _, f := range formats {
		g.total += f.weight
	}
	return g
}

func (g *gen) pickFormat() *format {
	w := g.r.IntN(g.total)
	for i := range formats {
		if w < formats[i].weight {
			return &formats[i]
		}
		w -= formats[i].weight
	}
	return &formats[len(formats)-1]
}

var statuses = [...]struct {
	name   string
	weight int
}{{"lost", 55}, {"stolen", 33}, {"revoked", 7}, {"invalidated", 5}}

func (g *gen) document() Document {
	d := Document{EventDate: g.eventDate()}
	if g.r.Float64() < BlankShare {
		f := &formats[g.r.IntN(len(formats))]
		for f.blank == "" {
			f = &formats[g.r.IntN(len(formats))]
		}
		d.IssuingCountry, d.Type, d.Status = f.country, f.docType, "stolen_blank"
		d.Number, d.NumberTo = g.batch(f)
		return d
	}
	f := g.pickFormat()
	d.IssuingCountry, d.Type = f.country, f.docType
	d.Number = g.single(f, 0)
	w := g.r.IntN(100)
	for _, s := range statuses {
		if w < s.weight {
			d.Status = s.name
			break
		}
		w -= s.weight
	}
	return d
}

// eventDate is skewed to recent years, as a database of ten years' reports
// that expire after ten years would be.
func (g *gen) eventDate() time.Time {
	u := g.r.Float64()
	days := int(u * u * 3652)
	return Epoch.AddDate(0, 0, -days)
}

// single draws numbers of format f until one has the wanted parity.
func (g *gen) single(f *format, parity uint64) string {
	for {
		b := f.gen(g, g.buf[:0])
		if numberParity(b) == parity {
			return string(b)
		}
	}
}

// batch draws a blank batch of 10 to 2,000 numbers in f's blank series:
// the series prefix, then a 7-digit tail (8 for an all-digit series).
func (g *gen) batch(f *format) (from, to string) {
	size := uint64(10 + g.r.IntN(1991))
	width := 9 - len(f.blank)
	limit := uint64(1)
	for range width {
		limit *= 10
	}
	lo := g.r.Uint64N(limit - size)
	hi := lo + size - 1
	return f.blank + digits(lo, width), f.blank + digits(hi, width)
}

func digits(v uint64, width int) string {
	b := make([]byte, width)
	for i := width - 1; i >= 0; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return string(b)
}

// numberParity is one bit of an FNV-1a hash of the number.
func numberParity(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h = (h ^ uint64(c)) * 1099511628211
	}
	h ^= h >> 29
	return h & 1
}
