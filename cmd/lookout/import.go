package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/docfile"
	"github.com/schollz/progressbar/v3"
)

func init() {
	register(command{name: "import", summary: "bulk import: lookout import documents --server URL --token TOKEN FILE", run: runImport})
}

// importRow is one record to send, with the line of the file it came from.
type importRow struct {
	line int
	json []byte
}

type importReport struct {
	Imported         int     `json:"imported"`
	Failed           int     `json:"failed"`
	Seconds          float64 `json:"seconds"`
	RecordsPerSecond float64 `json:"records_per_second"`
}

func runImport(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || args[0] != "documents" {
		fmt.Fprintln(env.Stderr, "usage: lookout import documents --server URL --token TOKEN [--ca FILE] FILE.csv|FILE.ndjson")
		return 2
	}
	fs := flag.NewFlagSet("import documents", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	server := fs.String("server", "", "base URL of the hub, e.g. https://localhost:8443")
	token := fs.String("token", os.Getenv("LOOKOUT_TOKEN"), "bearer token (default $LOOKOUT_TOKEN)")
	caFile := fs.String("ca", "", "CA certificate to trust (the hub's ca.crt)")
	chunk := fs.Int("chunk", 20000, "records per request")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *server == "" || *token == "" || fs.NArg() != 1 || *chunk < 1 {
		fmt.Fprintln(env.Stderr, "usage: lookout import documents --server URL --token TOKEN [--ca FILE] FILE")
		return 2
	}
	client, err := httpClient(*caFile)
	if err != nil {
		fmt.Fprintln(env.Stderr, "lookout import:", err)
		return 2
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(env.Stderr, "lookout import:", err)
		return 2
	}
	defer f.Close()
	st, _ := f.Stat()
	var in io.Reader = f
	if !*quiet {
		bar := progressbar.NewOptions64(st.Size(), progressbar.OptionSetWriter(env.Stderr), progressbar.OptionShowBytes(true),
			progressbar.OptionSetDescription("importing"), progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionClearOnFinish())
		pr := progressbar.NewReader(f, bar)
		in = &pr
		defer bar.Finish()
	}
	rows := make(chan importRow, *chunk)
	readErr := make(chan error, 1)
	go func() {
		defer close(rows)
		if strings.HasSuffix(strings.ToLower(fs.Arg(0)), ".csv") {
			readErr <- readCSV(in, rows, env.Stderr)
		} else {
			readErr <- readNDJSON(in, rows)
		}
	}()
	start := time.Now()
	var rep importReport
	batch := make([]importRow, 0, *chunk)
	send := func() error {
		ok, failed, err := postBatch(ctx, client, *server, *token, batch, env.Stderr)
		rep.Imported += ok
		rep.Failed += failed
		batch = batch[:0]
		return err
	}
	for r := range rows {
		if r.json == nil { // a row the reader refused, already reported
			rep.Failed++
			continue
		}
		batch = append(batch, r)
		if len(batch) == *chunk {
			if err := send(); err != nil {
				fmt.Fprintln(env.Stderr, "lookout import:", err)
				return 1
			}
		}
	}
	if len(batch) > 0 {
		if err := send(); err != nil {
			fmt.Fprintln(env.Stderr, "lookout import:", err)
			return 1
		}
	}
	if err := <-readErr; err != nil {
		fmt.Fprintln(env.Stderr, "lookout import:", err)
		return 2
	}
	rep.Seconds = time.Since(start).Seconds()
	if rep.Seconds > 0 {
		rep.RecordsPerSecond = float64(rep.Imported) / rep.Seconds
	}
	json.NewEncoder(env.Stdout).Encode(rep)
	if rep.Failed > 0 {
		return 1
	}
	return 0
}

// httpClient trusts caFile in addition to the system roots.
func httpClient(caFile string) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, err
		}
		pool, _ := x509.SystemCertPool()
		if pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("no certificate in %s", caFile)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS13}
	}
	return &http.Client{Transport: tr}, nil
}

// readCSV turns CSV rows into JSON records; a malformed row is reported with
// its line number and sent on as a nil record. The console's import reads
// files with the same reader (package docfile).
func readCSV(in io.Reader, rows chan<- importRow, stderr io.Writer) error {
	r, err := docfile.NewCSV(in)
	if err != nil {
		return plainError(err)
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return plainError(err)
		}
		if rec.Err != nil {
			fmt.Fprintf(stderr, "line %d: %s\n", rec.Line, lookout.ErrorMessage(rec.Err))
			rows <- importRow{line: rec.Line}
			continue
		}
		b, _ := json.Marshal(rec.Fields)
		rows <- importRow{line: rec.Line, json: b}
	}
}

// plainError is the message of an application error without its code, or
// err itself.
func plainError(err error) error {
	if lookout.ErrorCode(err) == lookout.EINTERNAL {
		return err
	}
	return errors.New(lookout.ErrorMessage(err))
}

// readNDJSON passes lines through; the server validates them.
func readNDJSON(in io.Reader, rows chan<- importRow) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		rows <- importRow{line: line, json: bytes.Clone(sc.Bytes())}
	}
	return sc.Err()
}

// postBatch sends rows to /v1/documents/batch and reports each refused row
// with its line in the file.
func postBatch(ctx context.Context, client *http.Client, server, token string, rows []importRow, stderr io.Writer) (ok, failed int, err error) {
	var body bytes.Buffer
	for _, r := range rows {
		body.Write(r.json)
		body.WriteByte('\n')
	}
	req, err := http.NewRequestWithContext(ctx, "POST", strings.TrimRight(server, "/")+"/v1/documents/batch", &body)
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/x-ndjson")
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error struct{ Code, Message string }
		}
		json.NewDecoder(resp.Body).Decode(&e)
		return 0, 0, fmt.Errorf("server answered %s: %s", resp.Status, e.Error.Message)
	}
	dec := json.NewDecoder(resp.Body)
	i := 0
	for ; dec.More(); i++ {
		var res struct {
			ID    string `json:"id"`
			Error *struct {
				Code, Message, Field string
				Line                 int
			} `json:"error"`
		}
		if err := dec.Decode(&res); err != nil {
			return ok, failed, fmt.Errorf("read results: %w", err)
		}
		switch {
		case res.Error != nil && res.Error.Line == 0:
			return ok, failed, fmt.Errorf("batch stopped: %s", res.Error.Message)
		case res.Error != nil && (res.Error.Line < 1 || res.Error.Line > len(rows)):
			return ok, failed, fmt.Errorf("server answered an error for line %d of a batch of %d", res.Error.Line, len(rows))
		case res.Error != nil:
			failed++
			line := rows[res.Error.Line-1].line
			if res.Error.Field != "" {
				fmt.Fprintf(stderr, "line %d: %s: %s\n", line, res.Error.Field, res.Error.Message)
			} else {
				fmt.Fprintf(stderr, "line %d: %s\n", line, res.Error.Message)
			}
		default:
			ok++
		}
	}
	if i != len(rows) {
		return ok, failed, fmt.Errorf("server answered %d results for %d records", i, len(rows))
	}
	return ok, failed, nil
}
