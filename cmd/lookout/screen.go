package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

func init() {
	register(command{name: "screen", summary: "screen a manifest: lookout screen --server URL --token TOKEN [--out FILE] FILE.csv|FILE.ndjson", run: runScreen})
}

// screeningJob is the progress of a screening as the API reports it.
type screeningJob struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Total   int64  `json:"total"`
	Done    int64  `json:"done"`
	Hits    int64  `json:"hits"`
	Invalid int64  `json:"invalid"`
	Error   string `json:"error"`
}

const screenUsage = "usage: lookout screen --server URL --token TOKEN [--ca FILE] [--out FILE] [--reference REF] FILE.csv|FILE.ndjson"

// runScreen uploads a manifest, follows the job's progress on stderr, writes
// the results (one NDJSON line per traveller with a hit or an unreadable
// line) to the out file and prints the job's summary as JSON. Exit status
// 0 when no traveller hit, 1 when some did, 2 on usage or transport errors.
func runScreen(ctx context.Context, env *Env, args []string) int {
	fs := flag.NewFlagSet("screen", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	server := fs.String("server", "", "base URL of the hub, e.g. https://localhost:8443")
	token := fs.String("token", os.Getenv("LOOKOUT_TOKEN"), "bearer token (default $LOOKOUT_TOKEN)")
	caFile := fs.String("ca", "", "CA certificate to trust (the hub's ca.crt)")
	out := fs.String("out", "", "result file (default FILE.results.ndjson)")
	reference := fs.String("reference", "", "the job's reference, e.g. a flight number and date")
	poll := fs.Duration("poll", 500*time.Millisecond, "how often to ask for progress")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *server == "" || *token == "" || fs.NArg() != 1 || *poll <= 0 {
		fmt.Fprintln(env.Stderr, screenUsage)
		return 2
	}
	path := fs.Arg(0)
	if *out == "" {
		*out = strings.TrimSuffix(strings.TrimSuffix(path, ".csv"), ".ndjson") + ".results.ndjson"
	}
	fail := func(err error) int {
		fmt.Fprintln(env.Stderr, "lookout screen:", err)
		return 2
	}
	client, err := httpClient(*caFile)
	if err != nil {
		return fail(err)
	}
	f, err := os.Open(path)
	if err != nil {
		return fail(err)
	}
	defer f.Close()
	contentType := "application/x-ndjson"
	if strings.HasSuffix(strings.ToLower(path), ".csv") {
		contentType = "text/csv"
	}
	base := strings.TrimSuffix(*server, "/")
	call := func(method, path string, body io.Reader, ct string) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, method, base+path, body)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+*token)
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode >= 300 {
			defer resp.Body.Close()
			var e struct {
				Error struct{ Code, Message, Field string } `json:"error"`
			}
			json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&e)
			return nil, fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, e.Error.Message)
		}
		return resp, nil
	}
	getJob := func(path string, body io.Reader, ct string) (*screeningJob, error) {
		method := "GET"
		if body != nil {
			method = "POST"
		}
		resp, err := call(method, path, body, ct)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		var job screeningJob
		if err := json.NewDecoder(resp.Body).Decode(&job); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return &job, nil
	}
	start := time.Now()
	job, err := getJob("/v1/screenings?reference="+url.QueryEscape(*reference), bufio.NewReaderSize(f, 1<<20), contentType)
	if err != nil {
		return fail(err)
	}
	for job.Status == "running" {
		fmt.Fprintf(env.Stderr, "\rscreening %s: %d/%d travellers, %d hits", job.ID, job.Done, job.Total, job.Hits)
		select {
		case <-ctx.Done():
			return fail(ctx.Err())
		case <-time.After(*poll):
		}
		if job, err = getJob("/v1/screenings/"+job.ID, nil, ""); err != nil {
			return fail(err)
		}
	}
	fmt.Fprintf(env.Stderr, "\rscreening %s: %d/%d travellers, %d hits\n", job.ID, job.Done, job.Total, job.Hits)
	if job.Status != "done" {
		return fail(fmt.Errorf("screening %s %s: %s", job.ID, job.Status, job.Error))
	}
	resp, err := call("GET", "/v1/screenings/"+job.ID+"/results", nil, "")
	if err != nil {
		return fail(err)
	}
	defer resp.Body.Close()
	w, err := os.OpenFile(*out, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600) // personal data: owner only
	if err != nil {
		return fail(err)
	}
	if _, err := io.Copy(w, resp.Body); err != nil {
		w.Close()
		return fail(err)
	}
	if err := w.Close(); err != nil {
		return fail(err)
	}
	json.NewEncoder(env.Stdout).Encode(map[string]any{"screening_id": job.ID, "travellers": job.Total, "hits": job.Hits, "invalid": job.Invalid,
		"results": *out, "seconds": time.Since(start).Seconds()})
	if job.Hits > 0 {
		return 1
	}
	return 0
}
