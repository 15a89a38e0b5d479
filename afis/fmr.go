package afis

import (
	"encoding/binary"
	"fmt"
	"math"
)

// ISO/IEC 19794-2:2005 and ANSI INCITS 378-2004 share the magic, the version
// and the layout of finger views; they differ in the header (24 bytes for
// ISO; 26 or 30 for ANSI, with a CBEFF product id) and in the angle unit
// (1.40625° for ISO, 2° for ANSI).

const (
	isoHeaderLen    = 24
	ansiHeaderLen   = 26
	minResolution   = 99 // px/cm; below it the record cannot be a fingerprint scan
	isoAngleUnit    = 2 * math.Pi / 256
	ansiAngleUnit   = 2 * math.Pi / 180
	maxCoordinate   = 1<<14 - 1
	maxMinutiaCount = 255
)

// parseFMR reads an "FMR\0" record, telling ISO from ANSI by the length
// field: an ISO record keeps a 4-byte length at offset 8, whose high half is
// tiny, while an ANSI record keeps a 2-byte length (at least 26) there, or 0
// followed by a 4-byte length whose high half is tiny.
func parseFMR(data []byte) (*Record, error) {
	if len(data) < 12 {
		return nil, fmt.Errorf("%w: %d bytes, shorter than the 12-byte record prefix", ErrTruncated, len(data))
	}
	switch v := string(data[4:8]); v {
	case " 20\x00":
	case "030\x00":
		return nil, fmt.Errorf("%w: version %q (ISO/IEC 19794-2:2011 or ANSI INCITS 378-2009)", ErrUnsupportedVersion, v)
	default:
		return nil, fmt.Errorf("%w: version %q", ErrUnsupportedVersion, v)
	}
	hi := binary.BigEndian.Uint16(data[8:])
	lo := binary.BigEndian.Uint16(data[10:])
	switch {
	case hi >= ansiHeaderLen:
		return parseFMRBody(data, FormatANSI378, int(hi), 10)
	case hi > 0:
		return parseFMRBody(data, FormatISO19794, int(binary.BigEndian.Uint32(data[8:])), 12)
	case lo >= isoHeaderLen:
		return parseFMRBody(data, FormatISO19794, int(lo), 12)
	default:
		if len(data) < 14 {
			return nil, fmt.Errorf("%w: %d bytes, shorter than the ANSI 6-byte length field", ErrTruncated, len(data))
		}
		return parseFMRBody(data, FormatANSI378, int(binary.BigEndian.Uint32(data[10:])), 14)
	}
}

// reader walks a byte slice and remembers the first overrun, so a parser can
// read a whole header and check once.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) need(n int, what string) bool {
	if r.err != nil {
		return false
	}
	if n < 0 || len(r.b)-r.off < n {
		r.err = fmt.Errorf("%w: %s needs %d bytes at offset %d, %d left", ErrTruncated, what, n, r.off, len(r.b)-r.off)
		return false
	}
	return true
}

func (r *reader) u8(what string) int {
	if !r.need(1, what) {
		return 0
	}
	r.off++
	return int(r.b[r.off-1])
}

func (r *reader) u16(what string) int {
	if !r.need(2, what) {
		return 0
	}
	r.off += 2
	return int(binary.BigEndian.Uint16(r.b[r.off-2:]))
}

func (r *reader) bytes(n int, what string) []byte {
	if !r.need(n, what) {
		return nil
	}
	r.off += n
	return r.b[r.off-n : r.off]
}

func parseFMRBody(data []byte, format Format, length, off int) (*Record, error) {
	if length != len(data) {
		return nil, fmt.Errorf("%w: %v length field says %d bytes, data has %d", ErrLength, format, length, len(data))
	}
	r := &reader{b: data, off: off}
	rec := &Record{Format: format}
	if format == FormatANSI378 {
		rec.ProductOwner = uint16(r.u16("product owner"))
		rec.ProductType = uint16(r.u16("product type"))
	}
	rec.Equipment = uint16(r.u16("capture equipment"))
	rec.Width = r.u16("image width")
	rec.Height = r.u16("image height")
	rec.ResolutionX = r.u16("x resolution")
	rec.ResolutionY = r.u16("y resolution")
	views := r.u8("view count")
	r.u8("reserved byte")
	if r.err != nil {
		return nil, r.err
	}
	if rec.ResolutionX < minResolution || rec.ResolutionY < minResolution {
		return nil, fmt.Errorf("%w: resolution %d×%d px/cm, below %d", ErrInvalidField, rec.ResolutionX, rec.ResolutionY, minResolution)
	}
	angleUnit, maxAngle := isoAngleUnit, 255
	if format == FormatANSI378 {
		angleUnit, maxAngle = ansiAngleUnit, 179
	}
	seen := map[[2]int]bool{}
	for v := 0; v < views; v++ {
		var t Template
		t.Position = r.u8("finger position")
		vi := r.u8("view number and impression type")
		t.View, t.Impression = vi>>4, vi&0x0f
		t.Quality = r.u8("finger quality")
		n := r.u8("minutia count")
		if r.err != nil {
			return nil, fmt.Errorf("view %d: %w", v, r.err)
		}
		if t.Position > 10 {
			return nil, fmt.Errorf("%w: view %d finger position %d, above 10", ErrInvalidField, v, t.Position)
		}
		if t.Quality > 100 {
			return nil, fmt.Errorf("%w: view %d finger quality %d, above 100", ErrInvalidField, v, t.Quality)
		}
		key := [2]int{t.Position, t.View}
		if seen[key] {
			return nil, fmt.Errorf("%w: view %d repeats finger position %d view number %d", ErrInvalidField, v, t.Position, t.View)
		}
		seen[key] = true
		t.Width = toPixels500(float64(rec.Width), float64(rec.ResolutionX))
		t.Height = toPixels500(float64(rec.Height), float64(rec.ResolutionY))
		raw := r.bytes(6*n, "minutiae")
		if r.err != nil {
			return nil, fmt.Errorf("view %d: %w", v, r.err)
		}
		t.Minutiae = make([]Minutia, n)
		for i := range n {
			m := raw[6*i : 6*i+6]
			typ := m[0] >> 6
			x := int(binary.BigEndian.Uint16(m[0:]) & maxCoordinate)
			y := int(binary.BigEndian.Uint16(m[2:]) & maxCoordinate)
			a, q := int(m[4]), int(m[5])
			switch {
			case typ == 3:
				return nil, fmt.Errorf("%w: view %d minutia %d type code 3 is reserved", ErrInvalidField, v, i)
			case rec.Width > 0 && x >= rec.Width:
				return nil, fmt.Errorf("%w: view %d minutia %d x %d outside width %d", ErrInvalidField, v, i, x, rec.Width)
			case rec.Height > 0 && y >= rec.Height:
				return nil, fmt.Errorf("%w: view %d minutia %d y %d outside height %d", ErrInvalidField, v, i, y, rec.Height)
			case a > maxAngle:
				return nil, fmt.Errorf("%w: view %d minutia %d angle %d above %d", ErrInvalidField, v, i, a, maxAngle)
			case q > 100:
				return nil, fmt.Errorf("%w: view %d minutia %d quality %d above 100", ErrInvalidField, v, i, q)
			}
			t.Minutiae[i] = Minutia{
				X:       toPixels500(float64(x), float64(rec.ResolutionX)),
				Y:       toPixels500(float64(y), float64(rec.ResolutionY)),
				Angle:   float64(a) * angleUnit,
				Type:    MinutiaType(typ),
				Quality: q,
			}
		}
		extLen := r.u16("extended data length")
		ext := r.bytes(extLen, "extended data")
		if r.err != nil {
			return nil, fmt.Errorf("view %d: %w", v, r.err)
		}
		if err := parseExtensions(&t, ext); err != nil {
			return nil, fmt.Errorf("view %d: %w", v, err)
		}
		rec.Templates = append(rec.Templates, t)
	}
	if r.off != len(data) {
		return nil, fmt.Errorf("%w: %d bytes after the last of %d views", ErrLength, len(data)-r.off, views)
	}
	return rec, nil
}

// parseExtensions splits extended data into blocks, decoding ridge counts
// (type 1) and keeping every block for writing back.
func parseExtensions(t *Template, ext []byte) error {
	r := &reader{b: ext}
	for r.off < len(ext) {
		typ := r.u16("extension type")
		n := r.u16("extension length")
		if r.err != nil {
			return r.err
		}
		if n < 4 {
			return fmt.Errorf("%w: extension type %d length %d, below its 4-byte header", ErrInvalidField, typ, n)
		}
		body := r.bytes(n-4, "extension data")
		if r.err != nil {
			return r.err
		}
		t.Extensions = append(t.Extensions, Extension{Type: uint16(typ), Data: body})
		if typ == 1 && len(body) >= 1 {
			items := body[1:]
			if len(items)%3 != 0 {
				return fmt.Errorf("%w: ridge-count extension holds %d bytes, not a multiple of 3", ErrInvalidField, len(items))
			}
			for i := 0; i < len(items); i += 3 {
				a, b := int(items[i]), int(items[i+1])
				if a >= len(t.Minutiae) || b >= len(t.Minutiae) {
					return fmt.Errorf("%w: ridge count between minutiae %d and %d, template has %d", ErrInvalidField, a, b, len(t.Minutiae))
				}
				t.RidgeCounts = append(t.RidgeCounts, RidgeCount{A: a, B: b, Count: int(items[i+2])})
			}
		}
	}
	return nil
}

// MarshalISO encodes r as an ISO/IEC 19794-2:2005 record. Positions are
// converted back to r's resolution (197 px/cm when unset).
func (r *Record) MarshalISO() ([]byte, error) { return r.marshalFMR(FormatISO19794) }

// MarshalANSI encodes r as an ANSI INCITS 378-2004 record. Angles are
// rounded to the format's 2° unit.
func (r *Record) MarshalANSI() ([]byte, error) { return r.marshalFMR(FormatANSI378) }

func (r *Record) marshalFMR(format Format) ([]byte, error) {
	resX, resY := r.ResolutionX, r.ResolutionY
	if resX == 0 {
		resX = 197
	}
	if resY == 0 {
		resY = 197
	}
	w, h := r.Width, r.Height
	if w == 0 || h == 0 {
		for _, t := range r.Templates {
			w = max(w, int(math.Ceil(t.Width*float64(resX)/PPCM500)))
			h = max(h, int(math.Ceil(t.Height*float64(resY)/PPCM500)))
		}
	}
	if len(r.Templates) > 255 {
		return nil, fmt.Errorf("%w: %d views, at most 255", ErrInvalidField, len(r.Templates))
	}
	b := make([]byte, 0, 64)
	b = append(b, "FMR\x00 20\x00"...)
	lenAt := len(b)
	if format == FormatISO19794 {
		b = binary.BigEndian.AppendUint32(b, 0)
	} else {
		b = binary.BigEndian.AppendUint16(b, 0)
		b = binary.BigEndian.AppendUint16(b, r.ProductOwner)
		b = binary.BigEndian.AppendUint16(b, r.ProductType)
	}
	b = binary.BigEndian.AppendUint16(b, r.Equipment)
	for _, v := range []int{w, h, resX, resY} {
		b = binary.BigEndian.AppendUint16(b, uint16(v))
	}
	b = append(b, byte(len(r.Templates)), 0)
	for vi, t := range r.Templates {
		if len(t.Minutiae) > maxMinutiaCount {
			return nil, fmt.Errorf("%w: view %d has %d minutiae, at most %d", ErrInvalidField, vi, len(t.Minutiae), maxMinutiaCount)
		}
		q := t.Quality
		if q < 0 {
			q = 0
		}
		b = append(b, byte(t.Position), byte(t.View<<4|t.Impression&0x0f), byte(q), byte(len(t.Minutiae)))
		for i, m := range t.Minutiae {
			x, y := fromPixels500(m.X, float64(resX)), fromPixels500(m.Y, float64(resY))
			if x < 0 || y < 0 || x > maxCoordinate || y > maxCoordinate {
				return nil, fmt.Errorf("%w: view %d minutia %d position (%d, %d) outside 0–%d", ErrInvalidField, vi, i, x, y, maxCoordinate)
			}
			var a int
			if format == FormatISO19794 {
				a = int(math.Round(normAngle(m.Angle)/isoAngleUnit)) % 256
			} else {
				a = int(math.Round(normAngle(m.Angle)/ansiAngleUnit)) % 180
			}
			mq := m.Quality
			if mq < 0 {
				mq = 0
			}
			b = binary.BigEndian.AppendUint16(b, uint16(m.Type&3)<<14|uint16(x))
			b = binary.BigEndian.AppendUint16(b, uint16(y))
			b = append(b, byte(a), byte(mq))
		}
		ext := 0
		for _, e := range t.Extensions {
			ext += 4 + len(e.Data)
		}
		if ext > math.MaxUint16 {
			return nil, fmt.Errorf("%w: view %d extended data %d bytes, at most 65535", ErrInvalidField, vi, ext)
		}
		b = binary.BigEndian.AppendUint16(b, uint16(ext))
		for _, e := range t.Extensions {
			b = binary.BigEndian.AppendUint16(b, e.Type)
			b = binary.BigEndian.AppendUint16(b, uint16(4+len(e.Data)))
			b = append(b, e.Data...)
		}
	}
	if format == FormatISO19794 {
		binary.BigEndian.PutUint32(b[lenAt:], uint32(len(b)))
		return b, nil
	}
	if len(b) <= math.MaxUint16 {
		binary.BigEndian.PutUint16(b[lenAt:], uint16(len(b)))
		return b, nil
	}
	// The long form inserts 4 bytes: a zero short length then a uint32.
	long := make([]byte, 0, len(b)+4)
	long = append(long, b[:lenAt]...)
	long = binary.BigEndian.AppendUint16(long, 0)
	long = binary.BigEndian.AppendUint32(long, uint32(len(b)+4))
	long = append(long, b[lenAt+2:]...)
	return long, nil
}
