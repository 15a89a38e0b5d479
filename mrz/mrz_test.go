package mrz_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/lookout-network/lookout/mrz"
)

// dataDir is the shared reference data, read in place (never copied).
const dataDir = "../../shared/data/mrz"

// mrzCase is one line of mrz_cases.jsonl.
type mrzCase struct {
	ID       string          `json:"id"`
	Format   *string         `json:"format"`
	Lines    []string        `json:"lines"`
	Expected json.RawMessage `json:"expected"`
	Tags     []string        `json:"tags"`
}

// MustReadJSONL decodes every line of a JSON-lines file of the shared data.
func MustReadJSONL[T any](tb testing.TB, name string) []T {
	tb.Helper()
	f, err := os.Open(filepath.Join(dataDir, name))
	if err != nil {
		tb.Fatalf("open shared data: %v", err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			tb.Fatalf("%s line %d: %v", name, n, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		tb.Fatalf("read %s: %v", name, err)
	}
	if len(out) == 0 {
		tb.Fatalf("%s holds no record", name)
	}
	return out
}

// MustCases returns every case of mrz_cases.jsonl.
func MustCases(tb testing.TB) []mrzCase {
	tb.Helper()
	return MustReadJSONL[mrzCase](tb, "mrz_cases.jsonl")
}

// TestParseCases compares the whole JSON object of each parse with the
// expected object of the corpus, plus the format member.
func TestParseCases(t *testing.T) {
	cases := MustCases(t)
	for _, c := range cases {
		name := "Valid"
		var exp map[string]any
		if err := json.Unmarshal(c.Expected, &exp); err != nil {
			t.Fatalf("%s: %v", c.ID, err)
		}
		if exp["valid"] != true {
			name = "Invalid"
		}
		t.Run(name+"/"+c.ID, func(t *testing.T) {
			exp["format"] = nil
			if c.Format != nil {
				exp["format"] = *c.Format
			}
			res := mrz.Parse(c.Lines)
			b, err := json.Marshal(res)
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, exp) {
				want, _ := json.Marshal(exp)
				t.Errorf("lines %q\n got: %s\nwant: %s", c.Lines, b, want)
			}
		})
	}
}

func TestParseStringSplitsLines(t *testing.T) {
	c := MustCases(t)[0]
	tests := []struct {
		name string
		in   string
	}{
		{"OK/LF", c.Lines[0] + "\n" + c.Lines[1]},
		{"OK/CRLFTrailing", c.Lines[0] + "\r\n" + c.Lines[1] + "\r\n"},
		{"OK/CR", c.Lines[0] + "\r" + c.Lines[1]},
		{"OK/Spaces", " " + c.Lines[0][:10] + " " + c.Lines[0][10:] + "\n\n" + c.Lines[1] + " "},
	}
	want := mrz.Parse(c.Lines)
	if !want.Valid {
		t.Fatalf("case %s should be valid", c.ID)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mrz.ParseString(tt.in)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("ParseString(%q) = %+v, want %+v", tt.in, got, want)
			}
		})
	}
}

func TestParseShapes(t *testing.T) {
	td3 := []string{
		"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
		"L898902C36UTO7408122F1204159ZE184226B<<<<<10",
	}
	tests := []struct {
		name   string
		lines  []string
		format mrz.Format
		err    mrz.ErrorCode
	}{
		{"ErrLineCountOrLength/None", nil, "", mrz.ErrLineCountOrLength},
		{"ErrLineCountOrLength/OneLine", td3[:1], "", mrz.ErrLineCountOrLength},
		{"ErrLineCountOrLength/Mixed", []string{td3[0], td3[1][:36]}, "", mrz.ErrLineCountOrLength},
		{"ErrCharset/NonASCII", []string{strings.Replace(td3[0], "E", "É", 1), td3[1][:43] + "é"}, mrz.TD3, mrz.ErrCharset},
		{"ErrCharset/Punctuation", []string{td3[0], "L898902C36UTO7408122F1204159ZE184226B<<<<-10"}, mrz.TD3, mrz.ErrCharset},
		{"OK/TD3", td3, mrz.TD3, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mrz.Parse(tt.lines)
			if r.Format != tt.format || r.Error != tt.err {
				t.Errorf("Parse(%q): format %q error %q, want %q %q", tt.lines, r.Format, r.Error, tt.format, tt.err)
			}
			if (tt.err == "") != r.Valid {
				t.Errorf("Parse(%q).Valid = %v", tt.lines, r.Valid)
			}
			if tt.err != "" && (r.Fields != nil || r.CheckDigits != nil || r.StructureValid) {
				t.Errorf("Parse(%q): structure error yet fields reported: %+v", tt.lines, r)
			}
		})
	}
}

func TestFormatIssues(t *testing.T) {
	base := []string{
		"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
		"L898902C36UTO7408122F1204159ZE184226B<<<<<10",
	}
	with := func(line, pos int, s string) []string {
		out := append([]string(nil), base...)
		out[line] = out[line][:pos] + s + out[line][pos+len(s):]
		return out
	}
	tests := []struct {
		name  string
		lines []string
		issue string
	}{
		{"ErrSex", with(1, 20, "Q"), "sex"},
		{"ErrDocumentCode", with(0, 0, "I"), "document_code"},
		{"ErrBirthMonth", with(1, 13, "741312"), "birth_date_format"},
		{"ErrExpiryFeb30", with(1, 21, "120230"), "expiry_date_format"},
		{"ErrExpiryFeb29NonLeap", with(1, 21, "130229"), "expiry_date_format"},
		{"ErrDocumentNumberCheckChar", with(1, 9, "A"), "document_number_check_char"},
		{"ErrOptionalDataCheckChar", with(1, 42, "X"), "optional_data_check_char"},
		{"ErrNationalityEmpty", with(1, 10, "<<<"), "nationality_chars"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mrz.Parse(tt.lines)
			found := false
			for _, is := range r.FormatIssues {
				found = found || is == tt.issue
			}
			if !found || r.Valid {
				t.Errorf("Parse(%q): issues %v valid %v, want %s and invalid", tt.lines, r.FormatIssues, r.Valid, tt.issue)
			}
		})
	}
	t.Run("OK/UnknownDateParts", func(t *testing.T) {
		r := mrz.Parse(with(1, 13, "74<<<<"))
		for _, is := range r.FormatIssues {
			if is == "birth_date_format" {
				t.Errorf("birth date 74<<<< flagged: %v", r.FormatIssues)
			}
		}
	})
	t.Run("OK/Feb29LeapYear", func(t *testing.T) {
		r := mrz.Parse(with(1, 13, "680229"))
		if len(r.FormatIssues) != 0 {
			t.Errorf("birth date 680229 flagged: %v", r.FormatIssues)
		}
	})
}

func TestProblems(t *testing.T) {
	for _, c := range MustCases(t) {
		r := mrz.Parse(c.Lines)
		name := "OK/"
		if !r.Valid {
			name = "Invalid/"
		}
		t.Run(name+c.ID, func(t *testing.T) {
			p := r.Problems()
			if r.Valid != (len(p) == 0) {
				t.Errorf("valid %v with problems %q", r.Valid, p)
			}
			for _, s := range p {
				if strings.HasSuffix(s, "_check_char") || strings.HasSuffix(s, "_format") || strings.HasSuffix(s, "_chars") {
					t.Errorf("problem %q is a code, not a sentence", s)
				}
			}
		})
	}
}
