package afis

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// MarshalType9 encodes r as an ANSI/NIST-ITL 1-2011 transaction: a Type-1
// record and one Type-9 record per template, with the minutiae in the chosen
// block. Every record also carries the image size and scale (9.128–9.132) so
// that legacy 9.012 positions can be flipped back on reading.
func (r *Record) MarshalType9(block Type9Block) ([]byte, error) {
	rs, us := string(rune(sepRS)), string(rune(sepUS))
	cnt := []string{"1" + us + strconv.Itoa(len(r.Templates))}
	var nines []string
	for i, t := range r.Templates {
		idc := strconv.Itoa(i + 1)
		cnt = append(cnt, "9"+us+idc)
		rec, err := type9Record(t, idc, block)
		if err != nil {
			return nil, fmt.Errorf("template %d: %w", i, err)
		}
		nines = append(nines, rec)
	}
	t1 := taggedBytes(1, [][2]string{
		{"002", "0500"},
		{"003", strings.Join(cnt, rs)},
		{"004", "MIN"},
		{"005", "20110101"},
		{"007", "LOOKOUT00"},
		{"008", "LOOKOUT00"},
		{"009", "1"},
		{"011", "19.69"},
		{"012", "19.69"},
	})
	return []byte(t1 + strings.Join(nines, "")), nil
}

// taggedBytes renders a text record, computing the LEN field, whose value
// counts its own digits.
func taggedBytes(typ int, fields [][2]string) string {
	var b strings.Builder
	for _, f := range fields {
		b.WriteByte(sepGS)
		b.WriteString(strconv.Itoa(typ) + "." + f[0] + ":" + f[1])
	}
	b.WriteByte(sepFS)
	body := b.String()
	prefix := strconv.Itoa(typ) + ".001:"
	n := len(prefix) + len(body)
	for d := 1; ; d++ {
		total := n + d
		if len(strconv.Itoa(total)) == d {
			return prefix + strconv.Itoa(total) + body
		}
	}
}

func type9Record(t Template, idc string, block Type9Block) (string, error) {
	rs, us := string(rune(sepRS)), string(rune(sepUS))
	const ppcm = 197 // 500 ppi rounded, as image records state it
	h := int(math.Ceil(t.Height * ppcm / PPCM500))
	w := int(math.Ceil(t.Width * ppcm / PPCM500))
	for _, m := range t.Minutiae {
		w = max(w, fromPixels500(m.X, ppcm)+1)
		h = max(h, fromPixels500(m.Y, ppcm)+1)
	}
	fmtCode := "U"
	if block == BlockLegacy {
		fmtCode = "S"
	}
	fields := [][2]string{
		{"002", idc},
		{"003", strconv.Itoa(t.Impression)},
		{"004", fmtCode},
	}
	var subs []string
	add := func(num, v string) { fields = append(fields, [2]string{num, v}) }
	mm100 := func(v float64) int { return int(math.Round(v * 1000 / PPCM500)) }
	deg := func(a float64) int { return int(math.Round(normAngle(a)*180/math.Pi)) % 360 }
	heightMM100 := float64(h) / ppcm * 1000
	switch block {
	case BlockLegacy, BlockFBI:
		for i, m := range t.Minutiae {
			x, y, a := mm100(m.X), mm100(m.Y), deg(m.Angle)
			if block == BlockLegacy {
				y = int(math.Round(heightMM100 - m.Y*1000/PPCM500))
				a = deg(m.Angle + math.Pi)
			}
			if x > 9999 || y > 9999 || y < 0 {
				return "", fmt.Errorf("%w: minutia %d position (%d, %d) 0.01 mm does not fit XXXXYYYY", ErrInvalidField, i, x, y)
			}
			q := 63
			if m.Quality >= 0 {
				q = 63 - int(math.Round(float64(m.Quality)*63/100))
			}
			typ := [...]string{"D", "A", "B", "D"}[m.Type&3]
			subs = append(subs, fmt.Sprintf("%03d%s%04d%04d%03d%s%d%s%s", i+1, us, x, y, a, us, q, us, typ))
		}
		if block == BlockLegacy {
			add("006", strconv.Itoa(t.Position))
			add("010", strconv.Itoa(len(t.Minutiae)))
			add("011", "0")
			add("012", strings.Join(subs, rs))
		} else {
			add("014", strconv.Itoa(t.Position))
			add("015", strconv.Itoa(len(t.Minutiae)))
			add("023", strings.Join(subs, rs))
		}
	}
	add("128", strconv.Itoa(w))
	add("129", strconv.Itoa(h))
	add("130", "2")
	add("131", strconv.Itoa(ppcm))
	add("132", strconv.Itoa(ppcm))
	switch block {
	case BlockINCITS:
		q := t.Quality
		if q < 0 {
			q = 0
		}
		add("133", strconv.Itoa(t.View))
		add("134", strconv.Itoa(t.Position))
		add("135", strconv.Itoa(q))
		add("136", strconv.Itoa(len(t.Minutiae)))
		for i, m := range t.Minutiae {
			mq := m.Quality
			if mq < 0 {
				mq = 0
			}
			a := int(math.Round(normAngle(m.Angle)/ansiAngleUnit)) % 180
			subs = append(subs, fmt.Sprintf("%d%s%d%s%d%s%d%s%d%s%d", i+1, us, fromPixels500(m.X, ppcm), us, fromPixels500(m.Y, ppcm), us, a, us, m.Type&3%3, us, mq))
		}
		add("137", strings.Join(subs, rs))
	case BlockEFS:
		for i, m := range t.Minutiae {
			typ := [...]string{"X", "E", "B", "X"}[m.Type&3]
			x, y := mm100(m.X), mm100(m.Y)
			if x < 0 || y < 0 {
				return "", fmt.Errorf("%w: minutia %d position (%d, %d) is negative", ErrInvalidField, i, x, y)
			}
			subs = append(subs, fmt.Sprintf("%d%s%d%s%d%s%s", x, us, y, us, deg(m.Angle), us, typ))
		}
		add("331", strings.Join(subs, rs))
	}
	return taggedBytes(9, fields), nil
}
