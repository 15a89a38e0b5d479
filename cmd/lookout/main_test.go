package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// MustRunMain initialises a store in a temporary directory and runs the real
// server on a loopback port; it returns the server and the secretariat token.
func MustRunMain(tb testing.TB) (*Main, string) {
	tb.Helper()
	dir := tb.TempDir()
	_, token, err := initStore(context.Background(), dir)
	if err != nil {
		tb.Fatal(err)
	}
	// The review runs only when a test asks: a scheduled run racing a test's
	// own would make its counts depend on timing.
	m := &Main{DataDir: dir, Listen: "127.0.0.1:0", Plaintext: true, DNAFrequencies: "../../../shared/data/dna", ReviewEvery: -1, Log: slog.New(slog.NewTextHandler(tbWriter{tb}, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	if err := m.Run(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { m.Close() })
	return m, token
}

// client calls the API as one agency.
type client struct {
	tb    testing.TB
	url   string
	token string
}

// do sends a request and decodes the JSON answer into out (when not nil);
// it returns the HTTP status.
func (c *client) do(method, path string, body any, out any) int {
	c.tb.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		buf, _ := json.Marshal(b)
		r = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, c.url+path, r)
	if err != nil {
		c.tb.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.tb.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			c.tb.Fatalf("%s %s: decode %q: %v", method, path, data, err)
		}
	}
	return resp.StatusCode
}

type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"error"`
}

// MustCreateAgency creates an agency as parent and returns a client for it.
func MustCreateAgency(tb testing.TB, parent *client, body map[string]any) *client {
	tb.Helper()
	var out struct {
		Token  string `json:"token"`
		Agency struct {
			ID string `json:"id"`
		} `json:"agency"`
	}
	if status := parent.do("POST", "/v1/agencies", body, &out); status != http.StatusCreated {
		tb.Fatalf("create agency %v: status %d", body, status)
	}
	return &client{tb: tb, url: parent.url, token: out.Token}
}

// tbWriter sends the server's log to the test log.
type tbWriter struct{ tb testing.TB }

func (w tbWriter) Write(p []byte) (int, error) {
	w.tb.Helper()
	w.tb.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
