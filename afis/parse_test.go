package afis_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lookout-network/lookout/afis"
)

var setNames = []string{"fvc2002/DB1_B", "fvc2002/DB2_B", "fvc2002/DB3_B", "fvc2004/DB1_B", "fvc2004/DB2_B", "fvc2004/DB3_B"}

// sharedFiles lists every valid shared template file, relative to dataDir.
func sharedFiles(tb testing.TB) []string {
	tb.Helper()
	var out []string
	for _, s := range setNames {
		m, err := filepath.Glob(filepath.Join(dataDir, s, "*.iso"))
		if err != nil {
			tb.Fatal(err)
		}
		for _, p := range m {
			rel, _ := filepath.Rel(dataDir, p)
			out = append(out, rel)
		}
	}
	if len(out) != 480 {
		tb.Fatalf("found %d shared templates, want 480", len(out))
	}
	return out
}

func TestParseSharedISO(t *testing.T) {
	for _, path := range sharedFiles(t) {
		data, err := os.ReadFile(filepath.Join(dataDir, path))
		if err != nil {
			t.Fatal(err)
		}
		rec, err := afis.Parse(data)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if rec.Format != afis.FormatISO19794 || len(rec.Templates) != 1 || len(rec.Templates[0].Minutiae) == 0 {
			t.Fatalf("%s: format %v, %d views", path, rec.Format, len(rec.Templates))
		}
		if rec.ResolutionX != 197 || rec.Width != 300 || rec.Height != 400 {
			t.Fatalf("%s: header %d×%d at %d px/cm", path, rec.Width, rec.Height, rec.ResolutionX)
		}
		out, err := rec.MarshalISO()
		if err != nil {
			t.Fatalf("%s: marshal: %v", path, err)
		}
		if !bytes.Equal(out, data) {
			t.Fatalf("%s: ISO round trip changed the bytes", path)
		}
	}
}

func TestParseDamaged(t *testing.T) {
	for _, name := range []string{"1_byte", "2_bytes", "3_bytes"} {
		t.Run("ErrLength/"+name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dataDir, "invalid/fvc2004/DB_1B/101_1_truncate_"+name+".iso"))
			if err != nil {
				t.Fatal(err)
			}
			_, err = afis.Parse(data)
			if !errors.Is(err, afis.ErrLength) {
				t.Fatalf("got %v, want ErrLength", err)
			}
		})
	}
	good := MustRead(t, "fvc2002/DB1_B/101_1.iso")
	edit := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	const minutia0 = 28 // first minutia: 24-byte header + 4-byte view header
	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"ErrUnknownFormat", []byte("GIF89a...."), afis.ErrUnknownFormat},
		{"ErrUnknownFormat/Empty", nil, afis.ErrUnknownFormat},
		{"ErrUnsupportedVersion/030", edit(func(b []byte) []byte { copy(b[4:], "030\x00"); return b }), afis.ErrUnsupportedVersion},
		{"ErrTruncated/Prefix", good[:10], afis.ErrTruncated},
		{"ErrLength/TrailingByte", edit(func(b []byte) []byte {
			b = append(b, 0)
			binary.BigEndian.PutUint32(b[8:], uint32(len(b)))
			return b
		}), afis.ErrLength},
		{"ErrTruncated/MinutiaCount", edit(func(b []byte) []byte { b[27]++; return b }), afis.ErrTruncated},
		{"ErrInvalidField/Resolution", edit(func(b []byte) []byte { binary.BigEndian.PutUint16(b[18:], 50); return b }), afis.ErrInvalidField},
		{"ErrInvalidField/TypeCode3", edit(func(b []byte) []byte { b[minutia0] |= 0xc0; return b }), afis.ErrInvalidField},
		{"ErrInvalidField/XOutsideWidth", edit(func(b []byte) []byte {
			binary.BigEndian.PutUint16(b[minutia0:], uint16(b[minutia0]&0xc0)<<8|1000)
			return b
		}), afis.ErrInvalidField},
		{"ErrInvalidField/Quality", edit(func(b []byte) []byte { b[minutia0+5] = 101; return b }), afis.ErrInvalidField},
		{"ErrInvalidField/FingerPosition", edit(func(b []byte) []byte { b[24] = 11; return b }), afis.ErrInvalidField},
		{"ErrTruncated/Extension", edit(func(b []byte) []byte { b[len(b)-1] = 4; return b }), afis.ErrTruncated},
		{"ErrMissingField/NoType9", []byte(type1Only()), afis.ErrMissingField},
		{"ErrTruncated/Type9NoFS", []byte("9.001:25\x1d9.002:01\x1d9.004:U"), afis.ErrTruncated},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := afis.Parse(c.data)
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "afis:") && !strings.Contains(err.Error(), "afis:") {
				t.Fatalf("error %q does not name the package", err)
			}
		})
	}
}

// type1Only is a transaction whose CNT lists no Type-9 record.
func type1Only() string {
	body := "\x1d1.002:0500\x1d1.003:1\x1f0\x1c"
	n := len("1.001:") + len(body)
	return "1.001:" + itoa(n+2) + body
}

func itoa(n int) string {
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

// MustRead reads a shared template file.
func MustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(dataDir, path))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// sameMinutiae compares two templates within a position and angle tolerance.
func sameMinutiae(t *testing.T, got, want afis.Template, posTol, angTol float64, checkType bool) {
	t.Helper()
	if len(got.Minutiae) != len(want.Minutiae) {
		t.Fatalf("%d minutiae, want %d", len(got.Minutiae), len(want.Minutiae))
	}
	for i, w := range want.Minutiae {
		g := got.Minutiae[i]
		da := math.Abs(math.Remainder(g.Angle-w.Angle, 2*math.Pi))
		if math.Abs(g.X-w.X) > posTol || math.Abs(g.Y-w.Y) > posTol || da > angTol || (checkType && g.Type != w.Type) {
			t.Fatalf("minutia %d: got %+v, want %+v", i, g, w)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	const deg = math.Pi / 180
	src := MustParseFile(t, "fvc2004/DB2_B/103_4.iso")
	t.Run("ANSI", func(t *testing.T) {
		b, err := src.MarshalANSI()
		if err != nil {
			t.Fatal(err)
		}
		got, err := afis.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		if got.Format != afis.FormatANSI378 {
			t.Fatalf("format %v, want ANSI", got.Format)
		}
		sameMinutiae(t, got.Templates[0], src.Templates[0], 1e-9, 1.01*deg, true)
		again, err := got.MarshalANSI()
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("ANSI → ANSI changed the bytes (err %v)", err)
		}
	})
	t.Run("ANSILongForm", func(t *testing.T) {
		big := *src
		big.Templates = []afis.Template{src.Templates[0], src.Templates[0]}
		big.Templates[1].View = 1
		big.Templates[0].Extensions = []afis.Extension{{Type: 0x0100, Data: make([]byte, 40000)}}
		big.Templates[1].Extensions = []afis.Extension{{Type: 0x0100, Data: make([]byte, 40000)}}
		b, err := big.MarshalANSI()
		if err != nil {
			t.Fatal(err)
		}
		got, err := afis.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		if got.Format != afis.FormatANSI378 || len(got.Templates) != 2 || len(got.Templates[1].Extensions[0].Data) != 40000 {
			t.Fatalf("long-form ANSI read back as %v with %d views", got.Format, len(got.Templates))
		}
	})
	for _, c := range []struct {
		name   string
		block  afis.Type9Block
		posTol float64
		angTol float64
	}{
		{"Type9INCITS", afis.BlockINCITS, 1e-9, 1.01 * deg},
		{"Type9EFS", afis.BlockEFS, 0.1, 0.51 * deg},
		{"Type9FBI", afis.BlockFBI, 0.1, 0.51 * deg},
		{"Type9Legacy", afis.BlockLegacy, 0.2, 0.51 * deg},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := src.MarshalType9(c.block)
			if err != nil {
				t.Fatal(err)
			}
			got, err := afis.Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			if got.Format != afis.FormatType9 || len(got.Templates) != 1 {
				t.Fatalf("format %v with %d templates", got.Format, len(got.Templates))
			}
			sameMinutiae(t, got.Templates[0], src.Templates[0], c.posTol, c.angTol, true)
			// And back to ISO, where positions must land on the same pixels.
			got.Width, got.Height, got.ResolutionX, got.ResolutionY = src.Width, src.Height, src.ResolutionX, src.ResolutionY
			iso, err := got.MarshalISO()
			if err != nil {
				t.Fatal(err)
			}
			back, err := afis.Parse(iso)
			if err != nil {
				t.Fatal(err)
			}
			sameMinutiae(t, back.Templates[0], src.Templates[0], 1e-9, 1.41*deg, true)
		})
	}
}

func TestType9Legacy(t *testing.T) {
	// A legacy record states y from the bottom and the opposite direction:
	// a minutia 1 mm from the top of a 10 mm image pointing right (0°) is
	// written 9 mm up pointing left (180°).
	rec := "9.001:0\x1d9.002:01\x1d9.004:S\x1d9.012:001\x1f02000900180\x1f5\x1fA" +
		"\x1d9.128:197\x1d9.129:197\x1d9.130:2\x1d9.131:197\x1d9.132:197\x1c"
	rec = strings.Replace(rec, "9.001:0", "9.001:"+itoa(len(rec)+2), 1)
	got, err := afis.Parse([]byte(rec))
	if err != nil {
		t.Fatal(err)
	}
	m := got.Templates[0].Minutiae[0]
	if math.Abs(m.X-2*afis.PPCM500/10) > 1e-6 || math.Abs(m.Y-1*afis.PPCM500/10) > 1e-6 || m.Angle != 0 || m.Type != afis.TypeEnding {
		t.Fatalf("got %+v, want (%.2f, %.2f) angle 0 ending", m, 2*afis.PPCM500/10, afis.PPCM500/10)
	}
	t.Run("ErrMissingField/NoHeight", func(t *testing.T) {
		rec := "9.001:0\x1d9.002:01\x1d9.004:S\x1d9.012:001\x1f02000900180\x1f5\x1fA\x1c"
		rec = strings.Replace(rec, "9.001:0", "9.001:"+itoa(len(rec)+1), 1)
		if _, err := afis.Parse([]byte(rec)); !errors.Is(err, afis.ErrMissingField) {
			t.Fatalf("got %v, want ErrMissingField", err)
		}
	})
}

// legacyTransaction is a transaction: Type-1, a Type-4 image of 197 rows
// (19.69 px/mm) with IDC 1, and a legacy Type-9 record with no image size of
// its own.
func legacyTransaction() []byte {
	nine := "9.001:0\x1d9.002:01\x1d9.004:S\x1d9.012:001\x1f02000900180\x1f5\x1fA\x1c"
	nine = strings.Replace(nine, "9.001:0", "9.001:"+itoa(len(nine)+1), 1)
	four := make([]byte, 20)
	binary.BigEndian.PutUint32(four, 20)
	four[4] = 1                                // IDC
	binary.BigEndian.PutUint16(four[13:], 150) // HLL
	binary.BigEndian.PutUint16(four[15:], 197) // VLL
	body := "\x1d1.002:0500\x1d1.003:1\x1f2\x1e4\x1f01\x1e9\x1f01\x1c"
	one := "1.001:" + itoa(len("1.001:")+2+len(body)) + body
	return append(append([]byte(one), four...), nine...)
}

func TestType9LegacyHeightFromType4(t *testing.T) {
	data := legacyTransaction()
	rec, err := afis.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	m := rec.Templates[0].Minutiae[0]
	wantY := (197/19.69*100 - 900) * afis.PPCM500 / 1000
	if math.Abs(m.Y-wantY) > 1e-6 || math.Abs(m.Angle) > 1e-9 {
		t.Fatalf("got %+v, want y %.3f angle 0", m, wantY)
	}
	t.Run("ErrInvalidField/NonNumericIDC", func(t *testing.T) {
		bad := strings.Replace(string(data), "9.002:01", "9.002:xy", 1)
		if _, err := afis.Parse([]byte(bad)); !errors.Is(err, afis.ErrInvalidField) {
			t.Fatalf("got %v, want ErrInvalidField", err)
		}
	})
}
