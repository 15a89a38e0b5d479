package afis

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ANSI/NIST-ITL 1-2011 traditional encoding: tagged text fields "T.NNN:value"
// separated by GS, subfields by RS, items by US, records ended by FS. Binary
// records (types 3–8) start with a 4-byte length instead.
const (
	sepFS = 0x1c
	sepGS = 0x1d
	sepRS = 0x1e
	sepUS = 0x1f
)

// Type9Block selects which Type-9 minutiae block [Record.MarshalType9] writes.
type Type9Block uint8

// The Type-9 blocks the package reads and writes.
const (
	// BlockINCITS is the INCITS 378 block, fields 9.126–9.141 (pixels, 2° angles).
	BlockINCITS Type9Block = iota
	// BlockEFS is the Extended Feature Set, field 9.331 (10 µm, degrees).
	BlockEFS
	// BlockFBI is the FBI/IAFIS block, field 9.023 (0.01 mm, degrees, y down).
	BlockFBI
	// BlockLegacy is the legacy standard block, field 9.012 (0.01 mm,
	// degrees, origin bottom-left with y up, directions 180° from 9.023).
	BlockLegacy
)

// field is one tagged field of a text record.
type field struct {
	num   int
	value string
}

type taggedRecord struct {
	typ    int
	fields []field
}

func (t *taggedRecord) get(num int) (string, bool) {
	for _, f := range t.fields {
		if f.num == num {
			return f.value, true
		}
	}
	return "", false
}

// parseTagged splits one text record (ending with FS) into fields. Field 999
// holds binary data to the end of the record and is not split.
func parseTagged(b []byte) (*taggedRecord, error) {
	rec := &taggedRecord{typ: -1}
	p := 0
	for p < len(b) {
		colon := bytes.IndexByte(b[p:], ':')
		if colon < 0 || colon > 12 {
			return nil, fmt.Errorf("%w: field at offset %d has no tag", ErrInvalidField, p)
		}
		tag := string(b[p : p+colon])
		dot := strings.IndexByte(tag, '.')
		if dot < 0 {
			return nil, fmt.Errorf("%w: tag %q has no dot", ErrInvalidField, tag)
		}
		typ, err1 := strconv.Atoi(tag[:dot])
		num, err2 := strconv.Atoi(tag[dot+1:])
		if err1 != nil || err2 != nil || typ < 0 || num < 0 {
			return nil, fmt.Errorf("%w: tag %q is not TYPE.NUMBER", ErrInvalidField, tag)
		}
		if rec.typ < 0 {
			rec.typ = typ
		} else if typ != rec.typ {
			return nil, fmt.Errorf("%w: tag %q in a type-%d record", ErrInvalidField, tag, rec.typ)
		}
		p += colon + 1
		var end int
		if num == 999 {
			end = len(b) - 1
			if end < p || b[end] != sepFS {
				return nil, fmt.Errorf("%w: field %s does not end the record with FS", ErrTruncated, tag)
			}
		} else {
			end = bytes.IndexAny(b[p:], "\x1c\x1d")
			if end < 0 {
				return nil, fmt.Errorf("%w: field %s has no GS or FS after it", ErrTruncated, tag)
			}
			end += p
		}
		rec.fields = append(rec.fields, field{num: num, value: string(b[p:end])})
		if b[end] == sepFS {
			if end != len(b)-1 {
				return nil, fmt.Errorf("%w: FS after field %s at offset %d, record is %d bytes", ErrLength, tag, end, len(b))
			}
			return rec, nil
		}
		p = end + 1
	}
	return nil, fmt.Errorf("%w: record has no FS", ErrTruncated)
}

// taggedLength reads the LEN field at the start of a text record.
func taggedLength(b []byte, typ int) (int, error) {
	prefix := strconv.Itoa(typ) + ".001:"
	if !bytes.HasPrefix(b, []byte(prefix)) {
		n := min(len(b), 8)
		return 0, fmt.Errorf("%w: type-%d record starts with %q, not %q", ErrInvalidField, typ, b[:n], prefix)
	}
	end := bytes.IndexByte(b, sepGS)
	if end < 0 || end > len(prefix)+12 {
		return 0, fmt.Errorf("%w: type-%d record length field is not ended by GS", ErrTruncated, typ)
	}
	n, err := strconv.Atoi(string(b[len(prefix):end]))
	if err != nil || n <= end {
		return 0, fmt.Errorf("%w: type-%d record length %q", ErrInvalidField, typ, b[len(prefix):end])
	}
	if n > len(b) {
		return 0, fmt.Errorf("%w: type-%d record says %d bytes, %d left", ErrTruncated, typ, n, len(b))
	}
	return n, nil
}

// imageSize is an image's height in 0.01 mm, known from a linked image
// record or from the Type-9 INCITS fields; legacy 9.012 needs it to flip y.
type imageSize struct{ heightMM100 float64 }

// ParseType9 reads an ANSI/NIST-ITL 1-2011 transaction (Type-1 first) or a
// bare Type-9 record and returns one template per Type-9 record. Of the
// blocks in a record the most precise is used: INCITS 9.137, then EFS 9.331,
// then FBI 9.023, then legacy 9.012.
func ParseType9(data []byte) (*Record, error) {
	out := &Record{Format: FormatType9, ResolutionX: int(math.Round(PPCM500)), ResolutionY: int(math.Round(PPCM500))}
	if bytes.HasPrefix(data, []byte("9.001:")) {
		n, err := taggedLength(data, 9)
		if err != nil {
			return nil, err
		}
		if n != len(data) {
			return nil, fmt.Errorf("%w: type-9 record says %d bytes, data has %d", ErrLength, n, len(data))
		}
		t, err := parseTagged(data)
		if err != nil {
			return nil, err
		}
		tpl, err := type9Template(t, nil)
		if err != nil {
			return nil, err
		}
		out.Templates = append(out.Templates, tpl)
		return out, nil
	}
	n, err := taggedLength(data, 1)
	if err != nil {
		return nil, err
	}
	t1, err := parseTagged(data[:n])
	if err != nil {
		return nil, fmt.Errorf("type-1 record: %w", err)
	}
	cnt, ok := t1.get(3)
	if !ok {
		return nil, fmt.Errorf("%w: type-1 field 1.003 CNT", ErrMissingField)
	}
	subs := strings.Split(cnt, string(rune(sepRS)))
	// Image sizes by IDC, from image records, for legacy 9.012 positions.
	images := map[int]imageSize{}
	var nines []*taggedRecord
	off := n
	for i, s := range subs[1:] {
		items := strings.Split(s, string(rune(sepUS)))
		typ, err := strconv.Atoi(items[0])
		if err != nil {
			return nil, fmt.Errorf("%w: 1.003 CNT subfield %d record type %q", ErrInvalidField, i+2, items[0])
		}
		rest := data[off:]
		switch typ {
		case 3, 4, 5, 6, 7, 8:
			if len(rest) < 4 {
				return nil, fmt.Errorf("%w: type-%d record %d has no length", ErrTruncated, typ, i+2)
			}
			l := int(binary.BigEndian.Uint32(rest))
			if l < 4 || l > len(rest) {
				return nil, fmt.Errorf("%w: type-%d record %d says %d bytes, %d left", ErrTruncated, typ, i+2, l, len(rest))
			}
			if typ == 4 && l >= 18 {
				// Type-4: LEN(4) IDC(1) IMP(1) FGP(6) ISR(1) HLL(2) VLL(2)
				// GCA(1), scanned at 19.69 px/mm.
				vll := float64(binary.BigEndian.Uint16(rest[15:]))
				images[int(rest[4])] = imageSize{heightMM100: vll / 19.69 * 100}
			}
			off += l
		default:
			l, err := taggedLength(rest, typ)
			if err != nil {
				return nil, fmt.Errorf("record %d: %w", i+2, err)
			}
			if typ == 9 || typ == 13 || typ == 14 {
				rec, err := parseTagged(rest[:l])
				if err != nil {
					return nil, fmt.Errorf("type-%d record %d: %w", typ, i+2, err)
				}
				if typ == 9 {
					nines = append(nines, rec)
				} else if sz, ok := taggedImageSize(rec); ok {
					if idc, err := atoiField(rec, 2); err == nil {
						images[idc] = sz
					}
				}
			}
			off += l
		}
	}
	if off != len(data) {
		return nil, fmt.Errorf("%w: %d bytes after the records listed in 1.003 CNT", ErrLength, len(data)-off)
	}
	if len(nines) == 0 {
		return nil, fmt.Errorf("%w: transaction holds no type-9 record", ErrMissingField)
	}
	for i, rec := range nines {
		var size *imageSize
		if idc, err := atoiField(rec, 2); err != nil {
			return nil, fmt.Errorf("type-9 record %d: %w", i+1, err)
		} else if sz, ok := images[idc]; ok {
			size = &sz
		}
		tpl, err := type9Template(rec, size)
		if err != nil {
			return nil, fmt.Errorf("type-9 record %d: %w", i+1, err)
		}
		out.Templates = append(out.Templates, tpl)
	}
	return out, nil
}

// taggedImageSize reads the height of a Type-13/14 image: x.007 VLL pixels,
// x.008 SLC scale units (1 ppi, 2 ppcm), x.010 VPS vertical pixel scale.
func taggedImageSize(r *taggedRecord) (imageSize, bool) {
	vll, e1 := atoiField(r, 7)
	slc, e2 := atoiField(r, 8)
	vps, e3 := atoiField(r, 10)
	if e1 != nil || e2 != nil || e3 != nil || vps <= 0 {
		return imageSize{}, false
	}
	var perCM float64
	switch slc {
	case 1:
		perCM = float64(vps) / 2.54
	case 2:
		perCM = float64(vps)
	default:
		return imageSize{}, false
	}
	return imageSize{heightMM100: float64(vll) / perCM * 1000}, true
}

func atoiField(r *taggedRecord, num int) (int, error) {
	v, ok := r.get(num)
	if !ok {
		return 0, fmt.Errorf("%w: field %d.%03d", ErrMissingField, r.typ, num)
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%w: field %d.%03d value %q is not a number", ErrInvalidField, r.typ, num, v)
	}
	return n, nil
}

func splitItems(sub string) []string { return strings.Split(sub, string(rune(sepUS))) }

func splitSubfields(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, string(rune(sepRS)))
}

// incitsScale reads 9.128–9.132: image size in pixels and pixels per cm.
func incitsScale(r *taggedRecord) (w, h int, perCMx, perCMy float64, err error) {
	if w, err = atoiField(r, 128); err != nil {
		return
	}
	if h, err = atoiField(r, 129); err != nil {
		return
	}
	var units, sx, sy int
	if units, err = atoiField(r, 130); err != nil {
		return
	}
	if sx, err = atoiField(r, 131); err != nil {
		return
	}
	if sy, err = atoiField(r, 132); err != nil {
		return
	}
	if sx <= 0 || sy <= 0 || w < 0 || h < 0 {
		err = fmt.Errorf("%w: 9.128–9.132 image %d×%d scale %d×%d", ErrInvalidField, w, h, sx, sy)
		return
	}
	switch units {
	case 1:
		perCMx, perCMy = float64(sx)/2.54, float64(sy)/2.54
	case 2:
		perCMx, perCMy = float64(sx), float64(sy)
	default:
		err = fmt.Errorf("%w: 9.130 scale units %d, want 1 (ppi) or 2 (ppcm)", ErrInvalidField, units)
	}
	if err == nil && (perCMx < minResolution || perCMy < minResolution) {
		err = fmt.Errorf("%w: 9.131/9.132 resolution %.0f×%.0f px/cm, below %d", ErrInvalidField, perCMx, perCMy, minResolution)
	}
	return
}

func type9Template(r *taggedRecord, img *imageSize) (Template, error) {
	t := Template{Quality: QualityUnknown}
	w, h, pcx, pcy, scaleErr := incitsScale(r)
	if scaleErr == nil {
		t.Width, t.Height = toPixels500(float64(w), pcx), toPixels500(float64(h), pcy)
		if img == nil {
			img = &imageSize{heightMM100: float64(h) / pcy * 1000}
		}
	} else if img != nil {
		t.Height = toPixels500(img.heightMM100, 1000)
	}
	var err error
	if v, ok := r.get(137); ok {
		if scaleErr != nil {
			return t, fmt.Errorf("9.137 needs the image scale: %w", scaleErr)
		}
		if p, e := atoiField(r, 134); e == nil {
			t.Position = p
		}
		if q, e := atoiField(r, 135); e == nil {
			t.Quality = q
		}
		if vw, e := atoiField(r, 133); e == nil {
			t.View = vw
		}
		t.Minutiae, err = parseINCITS9(v, w, h, pcx, pcy)
	} else if v, ok := r.get(331); ok {
		t.Minutiae, err = parseEFS9(v)
	} else if v, ok := r.get(23); ok {
		if p, e := firstItemInt(r, 14); e == nil {
			t.Position = p
		}
		t.Minutiae, err = parseXYT9(v, 23, nil)
	} else if v, ok := r.get(12); ok {
		if img == nil {
			return t, fmt.Errorf("%w: 9.012 has its origin at the bottom-left and needs the image height (9.129/9.132 or a linked image record)", ErrMissingField)
		}
		if p, e := firstItemInt(r, 6); e == nil {
			t.Position = p
		}
		t.Minutiae, err = parseXYT9(v, 12, img)
	} else {
		return t, fmt.Errorf("%w: type-9 record has none of 9.012, 9.023, 9.137, 9.331", ErrMissingField)
	}
	if err != nil {
		return t, err
	}
	if t.Position < 0 || t.Position > 10 {
		t.Position = 0
	}
	return t, nil
}

func firstItemInt(r *taggedRecord, num int) (int, error) {
	v, ok := r.get(num)
	if !ok {
		return 0, ErrMissingField
	}
	v, _, _ = strings.Cut(v, string(rune(sepRS)))
	v, _, _ = strings.Cut(v, string(rune(sepUS)))
	return strconv.Atoi(v)
}

func parseINCITS9(v string, w, h int, pcx, pcy float64) ([]Minutia, error) {
	var out []Minutia
	for i, s := range splitSubfields(v) {
		it := splitItems(s)
		if len(it) < 6 {
			return nil, fmt.Errorf("%w: 9.137 minutia %d has %d items, want 6", ErrInvalidField, i+1, len(it))
		}
		var n [6]int
		for k := 1; k < 6; k++ {
			x, err := strconv.Atoi(it[k])
			if err != nil {
				return nil, fmt.Errorf("%w: 9.137 minutia %d item %d %q is not a number", ErrInvalidField, i+1, k+1, it[k])
			}
			n[k] = x
		}
		x, y, a, typ, q := n[1], n[2], n[3], n[4], n[5]
		switch {
		case x < 0 || y < 0 || (w > 0 && x >= w) || (h > 0 && y >= h):
			return nil, fmt.Errorf("%w: 9.137 minutia %d position (%d, %d) outside %d×%d", ErrInvalidField, i+1, x, y, w, h)
		case a < 0 || a > 179:
			return nil, fmt.Errorf("%w: 9.137 minutia %d angle %d outside 0–179", ErrInvalidField, i+1, a)
		case typ < 0 || typ > 2:
			return nil, fmt.Errorf("%w: 9.137 minutia %d type %d outside 0–2", ErrInvalidField, i+1, typ)
		case q < 0 || q > 100:
			return nil, fmt.Errorf("%w: 9.137 minutia %d quality %d outside 0–100", ErrInvalidField, i+1, q)
		}
		out = append(out, Minutia{
			X: toPixels500(float64(x), pcx), Y: toPixels500(float64(y), pcy),
			Angle: float64(a) * ansiAngleUnit, Type: MinutiaType(typ), Quality: q,
		})
	}
	return out, nil
}

func parseEFS9(v string) ([]Minutia, error) {
	var out []Minutia
	for i, s := range splitSubfields(v) {
		it := splitItems(s)
		if len(it) < 4 {
			return nil, fmt.Errorf("%w: 9.331 minutia %d has %d items, want at least 4", ErrInvalidField, i+1, len(it))
		}
		var n [3]int
		for k := range 3 {
			x, err := strconv.Atoi(it[k])
			if err != nil || x < 0 {
				return nil, fmt.Errorf("%w: 9.331 minutia %d item %d %q is not a number", ErrInvalidField, i+1, k+1, it[k])
			}
			n[k] = x
		}
		if n[2] > 359 {
			return nil, fmt.Errorf("%w: 9.331 minutia %d angle %d outside 0–359", ErrInvalidField, i+1, n[2])
		}
		var typ MinutiaType
		switch it[3] {
		case "E":
			typ = TypeEnding
		case "B":
			typ = TypeBifurcation
		case "X":
			typ = TypeOther
		default:
			return nil, fmt.Errorf("%w: 9.331 minutia %d type %q, want E, B or X", ErrInvalidField, i+1, it[3])
		}
		out = append(out, Minutia{
			X: toPixels500(float64(n[0]), 1000), Y: toPixels500(float64(n[1]), 1000),
			Angle: float64(n[2]) * math.Pi / 180, Type: typ, Quality: QualityUnknown,
		})
	}
	return out, nil
}

// parseXYT9 reads 9.012 or 9.023: items index, XXXXYYYYTTT, quality 0–63
// (low is good), type A/B/C/D, then ridge counts. For 9.012 the y axis and
// the direction are flipped into the internal frame.
func parseXYT9(v string, num int, img *imageSize) ([]Minutia, error) {
	var out []Minutia
	for i, s := range splitSubfields(v) {
		it := splitItems(s)
		if len(it) < 4 {
			return nil, fmt.Errorf("%w: 9.%03d minutia %d has %d items, want at least 4", ErrInvalidField, num, i+1, len(it))
		}
		xyt := it[1]
		if len(xyt) != 11 {
			return nil, fmt.Errorf("%w: 9.%03d minutia %d position %q, want XXXXYYYYTTT", ErrInvalidField, num, i+1, xyt)
		}
		x, e1 := strconv.Atoi(xyt[0:4])
		y, e2 := strconv.Atoi(xyt[4:8])
		a, e3 := strconv.Atoi(xyt[8:11])
		q, e4 := strconv.Atoi(it[2])
		if e1 != nil || e2 != nil || e3 != nil || x < 0 || y < 0 || a < 0 || a > 359 {
			return nil, fmt.Errorf("%w: 9.%03d minutia %d position %q, want XXXXYYYYTTT", ErrInvalidField, num, i+1, xyt)
		}
		if e4 != nil || q < 0 || q > 63 {
			return nil, fmt.Errorf("%w: 9.%03d minutia %d quality %q outside 0–63", ErrInvalidField, num, i+1, it[2])
		}
		var typ MinutiaType
		switch it[3] {
		case "A":
			typ = TypeEnding
		case "B":
			typ = TypeBifurcation
		case "C", "D":
			typ = TypeOther
		default:
			return nil, fmt.Errorf("%w: 9.%03d minutia %d type %q, want A, B, C or D", ErrInvalidField, num, i+1, it[3])
		}
		m := Minutia{
			X: toPixels500(float64(x), 1000), Y: toPixels500(float64(y), 1000),
			Angle: float64(a) * math.Pi / 180, Type: typ,
			// 0–63 with low meaning reliable, mapped onto 100–0.
			Quality: int(math.Round(float64(63-q) * 100 / 63)),
		}
		if num == 12 {
			fy := img.heightMM100 - float64(y)
			if fy < 0 {
				return nil, fmt.Errorf("%w: 9.012 minutia %d y %d above the image height %.0f", ErrInvalidField, i+1, y, img.heightMM100)
			}
			m.Y = toPixels500(fy, 1000)
			m.Angle = normAngle(m.Angle + math.Pi)
		}
		out = append(out, m)
	}
	return out, nil
}
