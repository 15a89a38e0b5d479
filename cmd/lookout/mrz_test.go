package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

type mrzCLICase struct {
	ID       string          `json:"id"`
	Format   *string         `json:"format"`
	Lines    []string        `json:"lines"`
	Expected json.RawMessage `json:"expected"`
}

// mustMRZCases reads the shared MRZ corpus in place.
func mustMRZCases(tb testing.TB) map[string]mrzCLICase {
	tb.Helper()
	f, err := os.Open("../../../shared/data/mrz/mrz_cases.jsonl")
	if err != nil {
		tb.Fatalf("open shared data: %v", err)
	}
	defer f.Close()
	out := map[string]mrzCLICase{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var c mrzCLICase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			tb.Fatal(err)
		}
		out[c.ID] = c
	}
	if len(out) == 0 {
		tb.Fatal("no MRZ case read")
	}
	return out
}

func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb}, args)
	return code, out.String(), errb.String()
}

func TestMRZCommandJSON(t *testing.T) {
	cases := mustMRZCases(t)
	tests := []struct {
		name  string
		id    string
		stdin bool
		code  int
	}{
		{"OK/TD3", "td3-icao-utopia-specimen", false, 0},
		{"OK/TD1Stdin", "td1-icao-long-docnum-stevenson", true, 0},
		{"OK/MRVB", "mrvb-deu-bih", false, 0},
		{"Invalid/CheckDigit", "td2-uto-bad-docnum-cd", false, 1},
		{"Invalid/FillerOnlyLenient", "td1-bel-prado-03003-filler-in-check", true, 1},
		{"Invalid/OCR", "td3-uto-ocr-corrupted", false, 1},
		{"Invalid/Charset", "derived-td3-lowercase-input", false, 1},
		{"Invalid/Shape", "bad-four-lines", true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := cases[tt.id]
			if !ok {
				t.Fatalf("case %s not in the corpus", tt.id)
			}
			args := []string{"mrz", "--json"}
			stdin := ""
			if tt.stdin {
				stdin = strings.Join(c.Lines, "\r\n") + "\n"
			} else {
				args = append(args, c.Lines...)
			}
			code, out, errs := runCLI(t, stdin, args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tt.code, errs)
			}
			if strings.Count(out, "\n") != 1 {
				t.Errorf("output is not one line: %q", out)
			}
			var got, want map[string]any
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("output %q: %v", out, err)
			}
			if err := json.Unmarshal(c.Expected, &want); err != nil {
				t.Fatal(err)
			}
			want["format"] = nil
			if c.Format != nil {
				want["format"] = *c.Format
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %s\nwant %s", out, c.Expected)
			}
		})
	}
}

func TestMRZCommandReport(t *testing.T) {
	cases := mustMRZCases(t)
	tests := []struct {
		name  string
		id    string
		code  int
		wants []string
	}{
		{"OK", "td3-icao-utopia-specimen", 0, []string{"TD3", "ERIKSSON", "ANNA MARIA", "L898902C3", "specimen", "VALID"}},
		{"Invalid/CheckDigit", "td3-uto-bad-composite", 1, []string{"composite", "printed 2 computed 0", "WRONG", "the composite check digit is '2', computed 0", "INVALID"}},
		{"Invalid/Lenient", "td1-bel-prado-03003-filler-in-check", 1, []string{"000590240601", "3 with the filler", "valid only if the filler"}},
		{"Invalid/Shape", "td3-line2-too-short", 1, []string{"44, 43", "match no layout", "INVALID"}},
		{"Invalid/OCRHint", "td1-che-ocr-corrupted", 1, []string{"INVALID", "after OCR correction", "G -> 6 in birth_date_check_digit", "7510256M2009018CHE<<<<<<<<<<<8"}},
		{"Invalid/Lowercase", "derived-td3-lowercase-input", 1, []string{"INVALID", "after OCR correction", "p -> P"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, "", append([]string{"mrz"}, cases[tt.id].Lines...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tt.code, errs)
			}
			for _, w := range tt.wants {
				if !strings.Contains(out, w) {
					t.Errorf("report lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestMRZCommandUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"ErrNoLines", []string{"mrz"}},
		{"ErrNoLinesJSON", []string{"mrz", "--json"}},
		{"ErrUnknownFlag", []string{"mrz", "--xml", "P<UTO"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, "\n\n", tt.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if out != "" || !strings.Contains(errs, "usage: lookout mrz") {
				t.Errorf("stdout %q stderr %q", out, errs)
			}
		})
	}
}
