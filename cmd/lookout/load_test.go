package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lookout-network/lookout/synth"
)

// MustLoadNetwork runs the real server with an NCB for every synthetic
// country, the first records synthetic documents of seed 1 recorded through
// POST /v1/documents/batch by their NCBs, and a French border post; it
// returns the server's URL and the border post's token.
func MustLoadNetwork(tb testing.TB, records int) (string, string) {
	tb.Helper()
	m, token := MustRunMain(tb)
	sec := &client{tb: tb, url: m.URL, token: token}
	ncbs := map[string]*client{}
	for _, c := range synth.Countries() {
		ncbs[c] = MustCreateAgency(tb, sec, map[string]any{"id": "ncb-" + lowerASCII(c), "kind": "ncb", "country": c, "name": "NCB " + c})
	}
	border := MustCreateAgency(tb, ncbs["FRA"], map[string]any{"id": "fra-cdg", "kind": "agency", "country": "FRA", "name": "PAF Roissy", "grants": []string{"documents:check"}})
	bodies := map[string]*bytes.Buffer{}
	synth.Documents(1, records, func(d synth.Document) {
		if bodies[d.IssuingCountry] == nil {
			bodies[d.IssuingCountry] = &bytes.Buffer{}
		}
		b, _ := json.Marshal(map[string]string{"number": d.Number, "number_to": d.NumberTo, "issuing_country": d.IssuingCountry, "type": d.Type, "status": d.Status, "event_date": d.EventDay()})
		bodies[d.IssuingCountry].Write(append(b, '\n'))
	})
	for c, body := range bodies {
		req, _ := http.NewRequest("POST", m.URL+"/v1/documents/batch", body)
		req.Header.Set("Authorization", "Bearer "+ncbs[c].token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			tb.Fatal(err)
		}
		answer, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || bytes.Contains(answer, []byte(`"error"`)) {
			tb.Fatalf("import of %s: %s %.300s", c, resp.Status, answer)
		}
	}
	return m.URL, border.token
}

// runLoadCommand runs lookout load in-process and decodes the JSON of its
// last line.
func runLoadCommand(t *testing.T, args ...string) (int, loadReport, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), &Env{Stdout: &stdout, Stderr: &stderr}, append([]string{"load"}, args...))
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	var rep loadReport
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &rep); err != nil && code != 2 {
		t.Fatalf("last line of %q is not the JSON report: %v (stderr %q)", stdout.String(), err, stderr.String())
	}
	return code, rep, stderr.String()
}

func TestLoad(t *testing.T) {
	const records = 400
	url, token := MustLoadNetwork(t, records)
	common := []string{"--url", url, "--records", strconv.Itoa(records), "--probes", "200", "--duration", "1s", "--concurrency", "4"}

	t.Run("OKSingle", func(t *testing.T) {
		code, rep, stderr := runLoadCommand(t, append(common, "--token", token, "--mode", "single")...)
		if code != 0 || rep.Errors != 0 || rep.Hits == 0 || rep.NoHits == 0 || rep.Checks != rep.Requests || rep.ChecksPerSecond <= 0 || rep.P99 < rep.P50 {
			t.Fatalf("exit %d, report %+v, stderr %q", code, rep, stderr)
		}
	})
	t.Run("OKSingleNetHTTP", func(t *testing.T) {
		code, rep, stderr := runLoadCommand(t, append(common, "--token", token, "--mode", "single", "--client", "net", "--duration", "300ms")...)
		if code != 0 || rep.Errors != 0 || rep.Hits == 0 || rep.NoHits == 0 || rep.Checks != rep.Requests {
			t.Fatalf("exit %d, report %+v, stderr %q", code, rep, stderr)
		}
	})
	t.Run("OKBatch", func(t *testing.T) {
		code, rep, stderr := runLoadCommand(t, append(common, "--token", token, "--mode", "batch", "--batch", "150")...)
		if code != 0 || rep.Errors != 0 || rep.Hits == 0 || rep.NoHits == 0 || rep.Checks != 150*rep.Requests {
			t.Fatalf("exit %d, report %+v, stderr %q", code, rep, stderr)
		}
	})
	t.Run("ErrUnauthenticated", func(t *testing.T) {
		code, rep, stderr := runLoadCommand(t, append(common, "--token", "lk_not-a-token", "--duration", "200ms")...)
		if code != 1 || rep.Errors == 0 || rep.Errors != rep.Requests || rep.Hits+rep.NoHits+rep.Possible != 0 || !strings.Contains(rep.FirstError, "401") {
			t.Fatalf("exit %d, report %+v, stderr %q", code, rep, stderr)
		}
	})
	t.Run("ErrTransport", func(t *testing.T) {
		code, rep, _ := runLoadCommand(t, "--url", "http://127.0.0.1:1", "--token", token, "--duration", "100ms", "--concurrency", "1", "--records", "10", "--probes", "4")
		if code != 1 || rep.Errors == 0 {
			t.Fatalf("exit %d, report %+v", code, rep)
		}
	})
	t.Run("ErrUsage", func(t *testing.T) {
		for _, args := range [][]string{
			{"--token", token},
			{"--url", url},
			{"--url", url, "--token", token, "--mode", "stream"},
			{"--url", url, "--token", token, "--concurrency", "0"},
			{"--url", url, "--token", token, "--client", "curl"},
		} {
			if code, _, _ := runLoadCommand(t, args...); code != 2 {
				t.Errorf("%v: exit %d, want 2", args, code)
			}
		}
	})
}

// TestRawConn reads the answer framings an HTTP/1.1 server may use, over
// one connection kept alive between requests.
func TestRawConn(t *testing.T) {
	answer := `{"search_id":"s_1","outcome":"hit","matches":[]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get("Authorization") != "Bearer tok" || string(body) != `{"number":"X1"}` {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		switch r.URL.Query().Get("framing") {
		case "chunked":
			io.WriteString(w, answer[:10])
			w.(http.Flusher).Flush()
			io.WriteString(w, answer[10:])
		case "close":
			w.Header().Set("Connection", "close")
			io.WriteString(w, answer)
		default:
			io.WriteString(w, answer)
		}
	}))
	defer srv.Close()
	base, _ := neturl.Parse(srv.URL)
	rc := newRawConn(base, nil)
	defer rc.close()
	for _, framing := range []string{"length", "chunked", "close", "length", "chunked"} {
		t.Run("OK"+framing, func(t *testing.T) {
			u, _ := neturl.Parse(srv.URL + "/v1/documents/check?framing=" + framing)
			status, body, err := rc.do(rawRequest(u, "tok", "application/json", []byte(`{"number":"X1"}`)))
			if err != nil || status != 200 || string(body) != answer {
				t.Fatalf("status %d, body %q, err %v", status, body, err)
			}
		})
	}
	t.Run("ErrStatus", func(t *testing.T) {
		status, body, err := rc.do(rawRequest(base, "other", "application/json", []byte(`{"number":"X1"}`)))
		if err != nil || status != http.StatusBadRequest || !strings.Contains(string(body), "bad request") {
			t.Fatalf("status %d, body %q, err %v", status, body, err)
		}
	})
}

func TestLoadEmit(t *testing.T) {
	const records, probes = 2000, 100
	dir := t.TempDir()
	if code, _, stderr := runLoadCommand(t, "--emit", dir, "--records", strconv.Itoa(records), "--probes", strconv.Itoa(probes)); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	read := func(name string) [][]string {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return rows
	}
	all := read("documents.csv")
	if len(all) != records+1 || strings.Join(all[0], ",") != "number,issuing_country,type,status,event_date,number_to" {
		t.Fatalf("documents.csv: %d rows, header %v", len(all), all[0])
	}
	held := map[string]bool{}
	for _, r := range all[1:] {
		if r[5] == "" {
			held[r[1]+" "+r[0]] = true
		}
	}
	perCountry := 0
	for _, c := range synth.Countries() {
		rows := read("documents-" + c + ".csv")
		for _, r := range rows[1:] {
			if r[1] != c {
				t.Fatalf("documents-%s.csv holds a record of %s", c, r[1])
			}
		}
		perCountry += len(rows) - 1
	}
	if perCountry != records {
		t.Errorf("the per-country files hold %d records, want %d", perCountry, records)
	}
	rows := read("probes.csv")
	if len(rows) != probes+1 {
		t.Fatalf("probes.csv: %d rows, want %d", len(rows), probes+1)
	}
	present := 0
	for i, r := range rows[1:] {
		if r[0] != strconv.Itoa(i+1) {
			t.Fatalf("probe %d has key %s", i+1, r[0])
		}
		want := r[3] == "true"
		if held[r[1]+" "+r[2]] != want {
			t.Errorf("probe %v: held %v", r, !want)
		}
		if want {
			present++
		}
	}
	if present != probes/2 {
		t.Errorf("%d of %d probes are present, want half", present, probes)
	}
}

// BenchmarkServeCheck measures single checks over HTTP against the real
// server in this process, so that `go test -cpuprofile` shows where the
// server (and the load generator, which shares the CPU) spends its time.
// LOOKOUT_BENCH_RECORDS sets the records loaded (default 20,000; they are
// recorded through the hub, as the demo does). LOOKOUT_BENCH_CPUPROFILE
// names a file for a CPU profile of the load phase alone (go test
// -cpuprofile would include loading the records).
func BenchmarkServeCheck(b *testing.B) {
	for _, mode := range []string{"single", "batch"} {
		b.Run(mode, func(b *testing.B) {
			records := 20_000
			if v, err := strconv.Atoi(os.Getenv("LOOKOUT_BENCH_RECORDS")); err == nil && v > 1 {
				records = v
			}
			url, token := mustDemoServer(b, records)
			cfg := loadConfig{URL: url, Token: token, Duration: time.Hour, Concurrency: 64, Mode: mode, Seed: 1, Records: records, Probes: min(records, 100_000), Batch: 2000}
			if mode == "batch" {
				cfg.Concurrency = 4
			}
			// b.N counts checks in both modes, so ns/op is per check.
			cfg.Requests = int64(b.N)
			if mode == "batch" {
				cfg.Requests = int64(max(1, b.N/cfg.Batch))
			}
			if path := os.Getenv("LOOKOUT_BENCH_CPUPROFILE"); path != "" {
				f, err := os.Create(strings.ReplaceAll(path, "MODE", mode))
				if err != nil {
					b.Fatal(err)
				}
				defer f.Close()
				if err := pprof.StartCPUProfile(f); err != nil {
					b.Fatal(err)
				}
				defer pprof.StopCPUProfile()
			}
			b.ResetTimer()
			rep, err := sendLoad(context.Background(), cfg)
			if err != nil {
				b.Fatal(err)
			}
			if rep.Errors > 0 {
				b.Fatalf("%d errors: %s", rep.Errors, rep.FirstError)
			}
			b.ReportMetric(rep.ChecksPerSecond, "checks/s")
			b.ReportMetric(rep.P99, "p99-ms")
		})
	}
}

// mustDemoServer prepares a demo store of records documents and serves it;
// it returns the URL and the token of the demo's French border post.
func mustDemoServer(tb testing.TB, records int) (string, string) {
	tb.Helper()
	dir := tb.TempDir()
	tokens, _, err := prepareDemo(context.Background(), dir, records, 1, io.Discard)
	if err != nil {
		tb.Fatal(err)
	}
	m := &Main{DataDir: dir, Listen: "127.0.0.1:0", Plaintext: true, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := m.Run(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { m.Close() })
	for _, t := range tokens {
		if t.agency == "fra-cdg" {
			return m.URL, t.token
		}
	}
	tb.Fatal(fmt.Errorf("the demo has no agency fra-cdg"))
	return "", ""
}

// FuzzReadAnswer feeds arbitrary bytes to the HTTP answer reader of
// lookout load (it must fail cleanly, never panic or allocate without
// bound), and frames arbitrary bodies by length and in chunks (it must
// return them unchanged).
func FuzzReadAnswer(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 49\r\n\r\n" + `{"search_id":"s_1","outcome":"hit","matches":[]}` + "\n"))
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n{\"search_i\r\n5\r\nd\":1}\r\n0\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n{\"error\":{\"code\":\"unauthenticated\"}}"))
	f.Add([]byte("HTTP/1.1 204 No Content\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffff\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		status, body, _, err := readAnswer(bufio.NewReader(bytes.NewReader(data)), nil)
		if err == nil && (status < 100 || status > 999 || len(body) > maxAnswer || len(body) > len(data)) {
			t.Fatalf("status %d, %d body bytes from %d bytes", status, len(body), len(data))
		}

		framed := fmt.Appendf(nil, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(data), data)
		if _, body, closing, err := readAnswer(bufio.NewReader(bytes.NewReader(framed)), nil); err != nil || closing || !bytes.Equal(body, data) {
			t.Fatalf("by length: body %q, closing %v, err %v; want %q", body, closing, err, data)
		}
		chunked := []byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
		for rest := data; len(rest) > 0; {
			n := min(len(rest), 1+int(rest[0])%7)
			chunked = fmt.Appendf(chunked, "%x\r\n%s\r\n", n, rest[:n])
			rest = rest[n:]
		}
		chunked = append(chunked, "0\r\n\r\n"...)
		if _, body, _, err := readAnswer(bufio.NewReader(bytes.NewReader(chunked)), []byte("kept")); err != nil || string(body) != "kept"+string(data) {
			t.Fatalf("chunked: body %q, err %v; want %q", body, err, data)
		}
	})
}
