package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/lookout-network/lookout/mrz"
)

func init() {
	register(command{
		name:    "mrz",
		summary: "parse and validate an ICAO 9303 machine readable zone",
		run:     runMRZ,
	})
}

// maxMRZInput bounds what `lookout mrz` reads from stdin: an MRZ is at most
// 90 characters, so anything near this is not one.
const maxMRZInput = 64 << 10

// runMRZ parses the MRZ given as arguments (one line each; an argument may
// also hold several lines separated by newlines) or, without arguments, on
// stdin one line per line. Exit status: 0 valid, 1 parsed but invalid
// (structure errors included), 2 usage error.
func runMRZ(_ context.Context, env *Env, args []string) int {
	fs := flag.NewFlagSet("mrz", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	asJSON := fs.Bool("json", false, "print the result as one JSON object on one line")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: lookout mrz [--json] [LINE...]\n\n"+
			"Parses and validates an ICAO Doc 9303 MRZ (TD1, TD2, TD3, MRV-A, MRV-B), given as\n"+
			"arguments or on stdin, one line per line. Exit status: 0 valid, 1 invalid, 2 usage error.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	var lines []string
	for _, a := range fs.Args() {
		lines = append(lines, splitLines(a)...)
	}
	if fs.NArg() == 0 && env.Stdin != nil {
		var err error
		if lines, err = readMRZLines(env.Stdin); err != nil {
			fmt.Fprintf(env.Stderr, "lookout mrz: %v\n", err)
			return 2
		}
	}
	if len(lines) == 0 {
		fmt.Fprintln(env.Stderr, "lookout mrz: no MRZ line given (as arguments or on stdin)")
		fs.Usage()
		return 2
	}
	r := mrz.Parse(lines)
	if *asJSON {
		b, err := json.Marshal(r)
		if err != nil {
			fmt.Fprintf(env.Stderr, "lookout mrz: %v\n", err)
			return 1
		}
		fmt.Fprintf(env.Stdout, "%s\n", b)
	} else {
		writeMRZReport(env.Stdout, lines, &r)
	}
	if r.Valid {
		return 0
	}
	return 1
}

// splitLines splits s at newlines and drops blank lines.
func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func readMRZLines(r io.Reader) ([]string, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxMRZInput+1))
	if err != nil {
		return nil, fmt.Errorf("read stdin: %w", err)
	}
	if len(b) > maxMRZInput {
		return nil, fmt.Errorf("stdin holds more than %d bytes: not an MRZ", maxMRZInput)
	}
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	sc.Buffer(make([]byte, 0, 4096), maxMRZInput+1)
	var lines []string
	for sc.Scan() {
		lines = append(lines, splitLines(sc.Text())...)
	}
	return lines, sc.Err()
}

// writeMRZReport prints the result for a person: every field, every check
// digit, and why the MRZ is invalid when it is.
func writeMRZReport(w io.Writer, lines []string, r *mrz.Result) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	defer tw.Flush()
	format := string(r.Format)
	if format == "" {
		format = "none recognised"
	}
	fmt.Fprintf(tw, "format\t%s\n", format)
	if !r.StructureValid {
		fmt.Fprintf(tw, "structure\tinvalid: %s\n", describeMRZError(r.Error, lines))
		fmt.Fprintf(tw, "verdict\tINVALID\n")
		writeCorrectionHint(tw, lines, r)
		return
	}
	f, cs := r.Fields, r.CodeStatus
	fmt.Fprintf(tw, "document code\t%s\n", f.DocumentCode)
	fmt.Fprintf(tw, "issuing state\t%s\t(%s)\n", f.IssuingState, cs.IssuingState)
	fmt.Fprintf(tw, "primary identifier\t%s\n", f.PrimaryIdentifier)
	fmt.Fprintf(tw, "secondary identifier\t%s\n", f.SecondaryIdentifier)
	if f.NamePossiblyTruncated {
		fmt.Fprintf(tw, "\t(name fills its field: possibly truncated)\n")
	}
	fmt.Fprintf(tw, "document number\t%s\n", f.DocumentNumber)
	if f.DocumentNumberOverflow {
		fmt.Fprintf(tw, "\t(long number continued in the optional data)\n")
	}
	fmt.Fprintf(tw, "nationality\t%s\t(%s)\n", f.Nationality, cs.Nationality)
	fmt.Fprintf(tw, "birth date\t%s\n", f.BirthDate)
	fmt.Fprintf(tw, "sex\t%s\n", f.Sex)
	fmt.Fprintf(tw, "expiry date\t%s\n", f.ExpiryDate)
	fmt.Fprintf(tw, "optional data 1\t%s\n", f.OptionalData1)
	if f.OptionalData2 != nil {
		fmt.Fprintf(tw, "optional data 2\t%s\n", *f.OptionalData2)
	}
	fmt.Fprintf(tw, "check digits\t\n")
	cd := r.CheckDigits
	for _, d := range []struct {
		name string
		d    *mrz.Digit
	}{
		{"document number", cd.DocumentNumber}, {"birth date", cd.BirthDate}, {"expiry date", cd.ExpiryDate},
		{"optional data", cd.OptionalData}, {"composite", cd.Composite},
	} {
		if d.d == nil {
			continue
		}
		verdict := "ok"
		if !d.d.Valid {
			verdict = "WRONG"
		}
		extra := ""
		if d.d.ComputedIncludingFiller != "" {
			extra = "  (" + d.d.ComputedIncludingFiller + " with the filler)"
		}
		fmt.Fprintf(tw, "  %s\tprinted %s computed %s\t%s%s\n", d.name, d.d.Printed, d.d.Computed, verdict, extra)
	}
	if len(r.FormatIssues) > 0 {
		fmt.Fprintf(tw, "format issues\t%s\n", strings.Join(r.FormatIssues, ", "))
	}
	for _, p := range r.Problems() {
		fmt.Fprintf(tw, "problem\t%s\n", p)
	}
	defer writeCorrectionHint(tw, lines, r)
	switch {
	case r.Valid:
		fmt.Fprintf(tw, "verdict\tVALID\n")
	case r.CheckDigitsValidLenient != nil && *r.CheckDigitsValidLenient && r.Error == "" && len(r.FormatIssues) == 0:
		fmt.Fprintf(tw, "verdict\tINVALID (valid only if the filler counts in the document-number digit)\n")
	default:
		fmt.Fprintf(tw, "verdict\tINVALID\n")
	}
}

func describeMRZError(e mrz.ErrorCode, lines []string) string {
	switch e {
	case mrz.ErrLineCountOrLength:
		lens := make([]string, len(lines))
		for i, l := range lines {
			lens[i] = fmt.Sprint(len([]rune(l)))
		}
		return fmt.Sprintf("%d line(s) of %s characters match no layout (TD1 3x30, TD2/MRV-B 2x36, TD3/MRV-A 2x44)",
			len(lines), strings.Join(lens, ", "))
	case mrz.ErrCharset:
		return "a character outside A-Z 0-9 < (lower case is not allowed)"
	case mrz.ErrMalformedOverflow:
		return "the document-number check digit is '<' but no overflow characters follow in the optional data"
	}
	return string(e)
}

// writeCorrectionHint tells the officer, for an invalid read, whether the
// usual OCR misreadings explain it. The verdict above stays INVALID: a
// correction is a guess, and the document must be read again or typed.
func writeCorrectionHint(w io.Writer, lines []string, r *mrz.Result) {
	if r.Valid {
		return
	}
	fixed, fixes := mrz.CorrectOCR(lines)
	if len(fixes) == 0 {
		return
	}
	c := mrz.Parse(fixed)
	if !c.Valid {
		return
	}
	fmt.Fprintf(w, "after OCR correction\tvalid (%d change(s); read the document again to confirm)\n", len(fixes))
	for _, f := range fixes {
		fmt.Fprintf(w, "  line %d position %d\t%s -> %s in %s\n", f.Line, f.Pos, f.From, f.To, f.Field)
	}
	for _, l := range fixed {
		fmt.Fprintf(w, "  \t%s\n", l)
	}
}
