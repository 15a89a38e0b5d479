package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lookout-network/lookout/synth"
)

func init() {
	register(command{name: "load", summary: "load generator: lookout load --url URL --token TOKEN [--mode single|batch]", run: runLoad})
}

// loadConfig is what one load run does.
type loadConfig struct {
	URL         string
	Token       string
	CA          string
	Duration    time.Duration
	Concurrency int
	Mode        string // single or batch
	Seed        int64
	Records     int    // records of the synthetic data set the server holds
	Probes      int    // distinct numbers checked, half present, half absent
	Batch       int    // checks per batch request
	Client      string // raw or net (net/http); batches always use net/http
	// Requests, when positive, stops the run after that many requests (for
	// benchmarks driven by b.N) instead of after Duration.
	Requests int64
}

// loadReport is the outcome of a load run; its JSON is the last line the
// command prints, for scripts.
type loadReport struct {
	Mode            string  `json:"mode"`
	Concurrency     int     `json:"concurrency"`
	Requests        int64   `json:"requests"`
	Checks          int64   `json:"checks"`
	Seconds         float64 `json:"seconds"`
	ChecksPerSecond float64 `json:"checks_per_second"`
	// P50 and P99 are request latencies: of one check in single mode, of a
	// whole batch request in batch mode.
	P50      float64 `json:"p50_ms"`
	P99      float64 `json:"p99_ms"`
	Errors   int64   `json:"errors"`
	Hits     int64   `json:"hits"`
	Possible int64   `json:"possible"`
	NoHits   int64   `json:"no_hits"`
	// FirstError is the first error seen, to say why a run failed.
	FirstError string `json:"first_error,omitempty"`
}

func runLoad(ctx context.Context, env *Env, args []string) int {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var cfg loadConfig
	fs.StringVar(&cfg.URL, "url", "", "base URL of the hub, e.g. http://127.0.0.1:8080")
	fs.StringVar(&cfg.Token, "token", os.Getenv("LOOKOUT_TOKEN"), "bearer token of an agency with documents:check (default $LOOKOUT_TOKEN)")
	fs.StringVar(&cfg.CA, "ca", "", "CA certificate to trust (the hub's ca.crt)")
	fs.DurationVar(&cfg.Duration, "duration", 20*time.Second, "how long to send checks")
	fs.IntVar(&cfg.Concurrency, "concurrency", 64, "concurrent connections, each with one request in flight")
	fs.StringVar(&cfg.Mode, "mode", "single", "single (POST /v1/documents/check) or batch (POST /v1/documents/check/batch)")
	fs.Int64Var(&cfg.Seed, "seed", 1, "seed of the synthetic data the server holds")
	fs.IntVar(&cfg.Records, "records", 1_000_000, "synthetic records the server holds (present numbers are drawn from them)")
	fs.IntVar(&cfg.Probes, "probes", 100_000, "distinct numbers to check, half present and half absent")
	fs.IntVar(&cfg.Batch, "batch", 10_000, "checks per request in batch mode")
	fs.StringVar(&cfg.Client, "client", "raw", "HTTP client of single checks: raw (lean HTTP/1.1 keep-alive, little CPU) or net (net/http)")
	emit := fs.String("emit", "", "instead of sending load, write the synthetic records and probes as CSV files into this directory")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "lookout load: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if cfg.Records < 2 || cfg.Probes < 2 {
		fmt.Fprintln(env.Stderr, "lookout load: --records and --probes must be at least 2")
		return 2
	}
	if *emit != "" {
		if err := emitLoadFiles(*emit, cfg.Seed, cfg.Records, cfg.Probes); err != nil {
			fmt.Fprintln(env.Stderr, "lookout load:", err)
			return 1
		}
		json.NewEncoder(env.Stdout).Encode(map[string]any{"dir": *emit, "records": cfg.Records, "probes": cfg.Probes, "seed": cfg.Seed})
		return 0
	}
	if cfg.URL == "" || cfg.Token == "" {
		fmt.Fprintln(env.Stderr, "usage: lookout load --url URL --token TOKEN [--ca FILE] [--duration 20s] [--concurrency 64] [--mode single|batch] [--seed 1] [--records 1000000] [--batch 10000]")
		return 2
	}
	if cfg.Client != "raw" && cfg.Client != "net" {
		fmt.Fprintf(env.Stderr, "lookout load: --client %q is neither raw nor net\n", cfg.Client)
		return 2
	}
	if cfg.Mode != "single" && cfg.Mode != "batch" {
		fmt.Fprintf(env.Stderr, "lookout load: --mode %q is neither single nor batch\n", cfg.Mode)
		return 2
	}
	if cfg.Concurrency < 1 || cfg.Batch < 1 || cfg.Duration <= 0 {
		fmt.Fprintln(env.Stderr, "lookout load: --concurrency, --batch and --duration must be positive")
		return 2
	}
	rep, err := sendLoad(ctx, cfg)
	if err != nil {
		fmt.Fprintln(env.Stderr, "lookout load:", err)
		return 2
	}
	printLoadReport(env.Stdout, rep)
	if rep.Errors > 0 {
		fmt.Fprintf(env.Stderr, "lookout load: %d errors, the first: %s\n", rep.Errors, rep.FirstError)
		return 1
	}
	return 0
}

func printLoadReport(w io.Writer, rep *loadReport) {
	fmt.Fprintf(w, "mode %s, %d connections, %.1fs: %d requests, %d checks\n", rep.Mode, rep.Concurrency, rep.Seconds, rep.Requests, rep.Checks)
	fmt.Fprintf(w, "  %.0f checks/s, request latency p50 %.2f ms, p99 %.2f ms\n", rep.ChecksPerSecond, rep.P50, rep.P99)
	fmt.Fprintf(w, "  hit %d, possible %d, no_hit %d, errors %d\n", rep.Hits, rep.Possible, rep.NoHits, rep.Errors)
	b, _ := json.Marshal(rep)
	fmt.Fprintf(w, "%s\n", b)
}

// probe is one number to check.
type probe struct {
	Country, Number string
	Present         bool
}

// loadProbes returns n probes from the synthetic data of seed and records:
// even ones are single documents spread evenly over the records (ranges are
// skipped: they are checked by numbers inside them, not by their first
// number), odd ones are numbers no record holds.
func loadProbes(seed int64, records, n int) []probe {
	present := n - n/2
	out := make([]probe, 0, n)
	stride := max(records/present, 1)
	i, want := 0, false
	synth.Documents(seed, records, func(d synth.Document) {
		if i%stride == 0 {
			want = true
		}
		i++
		if want && !d.IsRange() && len(out) < present {
			out = append(out, probe{Country: d.IssuingCountry, Number: d.Number, Present: true})
			want = false
		}
	})
	abs := make([]probe, 0, n/2)
	synth.Absent(seed, n/2, func(country, number string) {
		abs = append(abs, probe{Country: country, Number: number})
	})
	mixed := make([]probe, 0, len(out)+len(abs))
	for j := 0; j < len(out) || j < len(abs); j++ {
		if j < len(out) {
			mixed = append(mixed, out[j])
		}
		if j < len(abs) {
			mixed = append(mixed, abs[j])
		}
	}
	return mixed
}

// checkBody is the JSON of a check of p, built once so the send loop only
// copies bytes.
func checkBody(p probe) []byte {
	b := make([]byte, 0, 64)
	b = append(b, `{"number":`...)
	b = strconv.AppendQuote(b, p.Number)
	b = append(b, `,"issuing_country":`...)
	b = strconv.AppendQuote(b, p.Country)
	return append(b, '}')
}

// counts are one worker's tallies, merged at the end.
type counts struct {
	requests, checks, errors, hits, possible, noHits int64
	latencies                                        []time.Duration
	firstError                                       string
}

func (c *counts) fail(err string) {
	c.errors++
	if c.firstError == "" {
		c.firstError = err
	}
}

// outcome tallies one check answer by the outcome it names; an answer that
// names none (an error line of a batch) counts as an error.
func (c *counts) outcome(answer []byte) {
	i := bytes.Index(answer, []byte(`"outcome":"`))
	if i < 0 {
		c.fail(string(trimAnswer(answer)))
		return
	}
	rest := answer[i+len(`"outcome":"`):]
	switch {
	case bytes.HasPrefix(rest, []byte(`hit"`)):
		c.hits++
	case bytes.HasPrefix(rest, []byte(`no_hit"`)):
		c.noHits++
	case bytes.HasPrefix(rest, []byte(`possible"`)):
		c.possible++
	default:
		c.fail(string(trimAnswer(answer)))
	}
}

func trimAnswer(b []byte) []byte {
	b = bytes.TrimSpace(b)
	if len(b) > 300 {
		b = b[:300]
	}
	return b
}

// sendLoad runs cfg.Concurrency workers for cfg.Duration, each on its own
// keep-alive connection with one request in flight, and merges their counts.
func sendLoad(ctx context.Context, cfg loadConfig) (*loadReport, error) {
	base, err := url.Parse(cfg.URL)
	if err != nil || base.Host == "" {
		return nil, fmt.Errorf("--url %q is not a URL", cfg.URL)
	}
	client, err := loadClient(cfg.CA, cfg.Concurrency)
	if err != nil {
		return nil, err
	}
	defer client.CloseIdleConnections()
	probes := loadProbes(cfg.Seed, cfg.Records, cfg.Probes)
	header := http.Header{"Authorization": {"Bearer " + cfg.Token}, "Content-Type": {"application/json"}}
	var bodies [][]byte
	target := *base
	raw := cfg.Mode == "single" && cfg.Client != "net"
	tlsConfig := client.Transport.(*http.Transport).TLSClientConfig
	if tlsConfig == nil {
		tlsConfig = &tls.Config{MinVersion: tls.VersionTLS13}
	}
	if cfg.Mode == "single" {
		target.Path = base.Path + "/v1/documents/check"
		bodies = make([][]byte, len(probes))
		for i, p := range probes {
			bodies[i] = checkBody(p)
			if raw {
				bodies[i] = rawRequest(&target, cfg.Token, "application/json", bodies[i])
			}
		}
	} else {
		target.Path = base.Path + "/v1/documents/check/batch"
		header.Set("Content-Type", "application/x-ndjson")
		// A few distinct batches, starting at different probes, so that
		// concurrent batches do not all check the same numbers.
		n := min(cfg.Concurrency, 16)
		bodies = make([][]byte, n)
		for j := range bodies {
			var b []byte
			for k := 0; k < cfg.Batch; k++ {
				b = append(b, checkBody(probes[(j*cfg.Batch+k)%len(probes)])...)
				b = append(b, '\n')
			}
			bodies[j] = b
		}
	}

	start := time.Now()
	deadline := start.Add(cfg.Duration)
	results := make([]counts, cfg.Concurrency)
	var wg sync.WaitGroup
	var next atomic.Uint64
	var sent atomic.Int64
	for w := range cfg.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &results[w]
			rng := rand.New(rand.NewPCG(uint64(cfg.Seed), uint64(w)))
			buf := make([]byte, 64<<10)
			var rc *rawConn
			if raw {
				rc = newRawConn(&target, tlsConfig)
				defer rc.close()
			}
			for ctx.Err() == nil && time.Now().Before(deadline) {
				if cfg.Requests > 0 && sent.Add(1) > cfg.Requests {
					break
				}
				var body []byte
				if cfg.Mode == "single" {
					body = bodies[rng.IntN(len(bodies))]
				} else {
					body = bodies[next.Add(1)%uint64(len(bodies))]
				}
				t0 := time.Now()
				if raw {
					c.rawSingle(rc, body)
				} else {
					req := &http.Request{Method: "POST", URL: &target, Host: target.Host, Header: header, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
						Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body))}
					if cfg.Mode == "single" {
						buf = c.single(client, req, buf)
					} else {
						c.batch(client, req, cfg.Batch)
					}
				}
				c.latencies = append(c.latencies, time.Since(t0))
				c.requests++
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	rep := &loadReport{Mode: cfg.Mode, Concurrency: cfg.Concurrency, Seconds: elapsed.Seconds()}
	var lat []time.Duration
	for i := range results {
		c := &results[i]
		rep.Requests += c.requests
		rep.Checks += c.checks
		rep.Errors += c.errors
		rep.Hits += c.hits
		rep.Possible += c.possible
		rep.NoHits += c.noHits
		if rep.FirstError == "" {
			rep.FirstError = c.firstError
		}
		lat = append(lat, c.latencies...)
	}
	slices.Sort(lat)
	rep.P50, rep.P99 = quantileMS(lat, 0.50), quantileMS(lat, 0.99)
	if rep.Seconds > 0 {
		rep.ChecksPerSecond = float64(rep.Hits+rep.Possible+rep.NoHits) / rep.Seconds
	}
	if ctx.Err() != nil && rep.Errors == 0 {
		rep.Errors++
		rep.FirstError = "interrupted"
	}
	return rep, nil
}

func quantileMS(sorted []time.Duration, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := min(int(q*float64(len(sorted))), len(sorted)-1)
	return float64(sorted[i].Microseconds()) / 1000
}

// loadClient keeps one idle connection per worker, so that no request pays
// for a new connection (or TLS handshake) once the run is warm.
func loadClient(caFile string, concurrency int) (*http.Client, error) {
	c, err := httpClient(caFile)
	if err != nil {
		return nil, err
	}
	tr := c.Transport.(*http.Transport)
	tr.Proxy = nil
	tr.MaxIdleConns = concurrency * 2
	tr.MaxIdleConnsPerHost = concurrency * 2
	tr.MaxConnsPerHost = 0
	tr.IdleConnTimeout = 5 * time.Minute
	tr.ResponseHeaderTimeout = time.Minute
	tr.DisableCompression = true
	tr.ForceAttemptHTTP2 = false // one request per connection at a time, like a pgbench client
	tr.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	return &http.Client{Transport: tr}, nil
}

// single sends one check and tallies its answer; buf is reused between
// requests to read the answer into.
func (c *counts) single(client *http.Client, req *http.Request, buf []byte) []byte {
	resp, err := client.Do(req)
	if err != nil {
		c.fail(err.Error())
		return buf
	}
	n := 0
	for {
		if n == len(buf) {
			buf = append(buf, make([]byte, len(buf))...)
		}
		m, err := resp.Body.Read(buf[n:])
		n += m
		if err == io.EOF {
			break
		}
		if err != nil {
			resp.Body.Close()
			c.fail(err.Error())
			return buf
		}
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		c.fail(fmt.Sprintf("%s: %s", resp.Status, trimAnswer(buf[:n])))
		return buf
	}
	c.checks++
	c.outcome(buf[:n])
	return buf
}

// rawSingle sends one pre-built check request on rc and tallies its answer.
func (c *counts) rawSingle(rc *rawConn, req []byte) {
	status, body, err := rc.do(req)
	if err != nil {
		c.fail(err.Error())
		return
	}
	if status/100 != 2 {
		c.fail(fmt.Sprintf("%d %s: %s", status, http.StatusText(status), trimAnswer(body)))
		return
	}
	c.checks++
	c.outcome(body)
}

// batch sends one NDJSON batch and tallies each answer line as it streams
// back; a batch that answers fewer lines than it sent counts the missing
// ones as errors.
func (c *counts) batch(client *http.Client, req *http.Request, lines int) {
	resp, err := client.Do(req)
	if err != nil {
		c.fail(err.Error())
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1000))
		c.fail(fmt.Sprintf("%s: %s", resp.Status, trimAnswer(b)))
		return
	}
	br := bufio.NewReaderSize(resp.Body, 64<<10)
	got := 0
	for {
		line, err := br.ReadSlice('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			got++
			c.checks++
			c.outcome(line)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			// An answer longer than the buffer: skip the rest of it.
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			c.fail(err.Error())
			return
		}
	}
	if got < lines {
		c.fail(fmt.Sprintf("batch of %d checks answered %d lines", lines, got))
		c.errors += int64(lines-got) - 1
	}
}

// emitLoadFiles writes the synthetic data set as CSV: documents.csv (all
// records, for PostgreSQL's COPY), documents-CCC.csv (each issuing
// country's, for lookout import by that country's NCB) and probes.csv (the
// numbers lookout load checks, keyed 1..n, for pgbench).
func emitLoadFiles(dir string, seed int64, records, probes int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	header := []string{"number", "issuing_country", "type", "status", "event_date", "number_to"}
	type out struct {
		f  *os.File
		bw *bufio.Writer
		w  *csv.Writer
	}
	files := map[string]*out{}
	open := func(name string) (*out, error) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		bw := bufio.NewWriterSize(f, 1<<20)
		return &out{f: f, bw: bw, w: csv.NewWriter(bw)}, nil
	}
	all, err := open("documents.csv")
	if err != nil {
		return err
	}
	all.w.Write(header)
	for _, c := range synth.Countries() {
		o, err := open("documents-" + c + ".csv")
		if err != nil {
			return err
		}
		o.w.Write(header)
		files[c] = o
	}
	var genErr error
	synth.Documents(seed, records, func(d synth.Document) {
		rec := []string{d.Number, d.IssuingCountry, d.Type, d.Status, d.EventDay(), d.NumberTo}
		all.w.Write(rec)
		o := files[d.IssuingCountry]
		if o == nil {
			genErr = fmt.Errorf("synthetic record of country %q outside synth.Countries", d.IssuingCountry)
			return
		}
		o.w.Write(rec)
	})
	p, err := open("probes.csv")
	if err != nil {
		return err
	}
	p.w.Write([]string{"k", "issuing_country", "number", "present"})
	for i, pr := range loadProbes(seed, records, probes) {
		p.w.Write([]string{strconv.Itoa(i + 1), pr.Country, pr.Number, strconv.FormatBool(pr.Present)})
	}
	errs := []error{genErr}
	for _, o := range append([]*out{all, p}, mapValues(files)...) {
		o.w.Flush()
		errs = append(errs, o.w.Error())
		errs = append(errs, o.bw.Flush())
		errs = append(errs, o.f.Close())
	}
	return errors.Join(errs...)
}

func mapValues[K comparable, V any](m map[K]V) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// rawConn is one keep-alive HTTP/1.1 connection that sends pre-built
// requests and reads their answers with no allocation per request. It is
// what `lookout load --client raw` uses for single checks: the load
// generator shares the machine with the server it measures, so its CPU per
// request is taken from the server (net/http's client costs several times
// more, like pgbench's libpq would if it were as heavy).
type rawConn struct {
	addr string
	tls  *tls.Config // nil for http
	conn net.Conn
	br   *bufio.Reader
	body []byte // the last answer's body, reused
}

func newRawConn(u *url.URL, tlsConfig *tls.Config) *rawConn {
	addr := u.Host
	if u.Port() == "" {
		if u.Scheme == "https" {
			addr = net.JoinHostPort(u.Hostname(), "443")
		} else {
			addr = net.JoinHostPort(u.Hostname(), "80")
		}
	}
	c := &rawConn{addr: addr, body: make([]byte, 0, 4096)}
	if u.Scheme == "https" {
		c.tls = tlsConfig.Clone()
		c.tls.ServerName = u.Hostname()
	}
	return c
}

// rawRequest returns the bytes of a POST of body to u with the bearer token.
func rawRequest(u *url.URL, token, contentType string, body []byte) []byte {
	b := make([]byte, 0, 160+len(token)+len(body))
	b = append(b, "POST "...)
	b = append(b, u.RequestURI()...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, u.Host...)
	b = append(b, "\r\nUser-Agent: lookout-load\r\nAuthorization: Bearer "...)
	b = append(b, token...)
	b = append(b, "\r\nContent-Type: "...)
	b = append(b, contentType...)
	b = append(b, "\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(body)), 10)
	b = append(b, "\r\n\r\n"...)
	return append(b, body...)
}

func (c *rawConn) dial() error {
	conn, err := net.DialTimeout("tcp", c.addr, 10*time.Second)
	if err != nil {
		return err
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
	}
	if c.tls != nil {
		tc := tls.Client(conn, c.tls)
		if err := tc.Handshake(); err != nil {
			conn.Close()
			return err
		}
		conn = tc
	}
	c.conn = conn
	if c.br == nil {
		c.br = bufio.NewReaderSize(conn, 16<<10)
	} else {
		c.br.Reset(conn)
	}
	return nil
}

func (c *rawConn) close() {
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
}

// do sends req and returns the answer's status and body (valid until the
// next call). A connection the server closed while idle is redialled once.
func (c *rawConn) do(req []byte) (int, []byte, error) {
	for attempt := 0; ; attempt++ {
		fresh := c.conn == nil
		if fresh {
			if err := c.dial(); err != nil {
				return 0, nil, err
			}
		}
		status, body, err := c.roundTrip(req)
		if err == nil {
			return status, body, nil
		}
		c.close()
		if fresh || attempt > 0 {
			return 0, nil, err
		}
	}
}

var errMalformed = errors.New("malformed HTTP answer")

func (c *rawConn) roundTrip(req []byte) (int, []byte, error) {
	c.conn.SetDeadline(time.Now().Add(time.Minute))
	if _, err := c.conn.Write(req); err != nil {
		return 0, nil, err
	}
	status, body, closing, err := readAnswer(c.br, c.body[:0])
	if err != nil {
		return 0, nil, err
	}
	c.body = body
	if closing {
		c.close()
	}
	return status, body, nil
}

// maxAnswer bounds the body of one answer, so that a bad length cannot make
// the load generator allocate without limit.
const maxAnswer = 64 << 20

// readAnswer reads one HTTP/1.x answer from br, appending its body to body
// (chunked or not); closing says the server ends the connection after it.
func readAnswer(br *bufio.Reader, body []byte) (status int, _ []byte, closing bool, err error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return 0, nil, false, err
	}
	// HTTP/1.1 200 OK
	if len(line) < 13 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[12] != ' ' && line[12] != '\r' && line[12] != '\n' {
		return 0, nil, false, fmt.Errorf("%w: status line %q", errMalformed, line)
	}
	status, err = strconv.Atoi(string(line[9:12]))
	if err != nil || status < 100 {
		return 0, nil, false, fmt.Errorf("%w: status line %q", errMalformed, line)
	}
	length, chunked := -1, false
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return 0, nil, false, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return 0, nil, false, fmt.Errorf("%w: header %q", errMalformed, line)
		}
		value = bytes.TrimSpace(value)
		switch {
		case asciiEqualFold(name, "Content-Length"):
			if length, err = strconv.Atoi(string(value)); err != nil || length < 0 || length > maxAnswer {
				return 0, nil, false, fmt.Errorf("%w: Content-Length %q", errMalformed, value)
			}
		case asciiEqualFold(name, "Transfer-Encoding"):
			chunked = asciiEqualFold(value, "chunked")
		case asciiEqualFold(name, "Connection"):
			closing = asciiEqualFold(value, "close")
		}
	}
	switch {
	case status/100 == 1 || status == http.StatusNoContent || status == http.StatusNotModified:
		// No body, whatever the headers say.
	case chunked:
		for {
			line, err := br.ReadSlice('\n')
			if err != nil {
				return 0, nil, false, err
			}
			size, _, _ := bytes.Cut(bytes.TrimRight(line, "\r\n"), []byte(";"))
			n, err := strconv.ParseUint(string(bytes.TrimSpace(size)), 16, 32)
			if err != nil || len(body)+int(n) > maxAnswer {
				return 0, nil, false, fmt.Errorf("%w: chunk size %q", errMalformed, line)
			}
			if body, err = readBody(br, body, int(n)+2); err != nil { // the chunk and its CRLF
				return 0, nil, false, err
			}
			if !bytes.HasSuffix(body, []byte("\r\n")) {
				return 0, nil, false, fmt.Errorf("%w: chunk of %d bytes does not end with CRLF", errMalformed, n)
			}
			body = body[:len(body)-2]
			if n == 0 {
				// This server sends no trailers: the last chunk ends the answer.
				break
			}
		}
	case length >= 0:
		if body, err = readBody(br, body, length); err != nil {
			return 0, nil, false, err
		}
	default:
		closing = true
		b, err := io.ReadAll(io.LimitReader(br, maxAnswer+1))
		if err != nil {
			return 0, nil, false, err
		}
		if len(b) > maxAnswer {
			return 0, nil, false, fmt.Errorf("%w: answer longer than %d bytes", errMalformed, maxAnswer)
		}
		body = append(body, b...)
	}
	return status, body, closing, nil
}

// readBody appends the next n bytes of br to body.
func readBody(br *bufio.Reader, body []byte, n int) ([]byte, error) {
	start := len(body)
	body = append(body, make([]byte, n)...)
	if _, err := io.ReadFull(br, body[start:]); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return body, nil
}

func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
