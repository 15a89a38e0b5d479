package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lookout-network/lookout/hub"
)

// TestDemoAccounts signs in every demo account with the credentials the
// demo prints, and checks that a restart replaces them.
func TestDemoAccounts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a demo store: skipped with -short")
	}
	dir := t.TempDir()
	if _, _, err := prepareDemo(context.Background(), dir, 2000, 1, io.Discard); err != nil {
		t.Fatal(err)
	}
	m := &Main{DataDir: dir, Listen: "127.0.0.1:0", Plaintext: true, ReviewEvery: -1, DNAFrequencies: "../../../shared/data/dna", Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	first, err := demoAccounts(context.Background(), m.hub)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	printDemoAccounts(&out, m.URL, "YGKPHV115", first)
	for _, c := range first {
		if !strings.Contains(out.String(), c.Password) || !strings.Contains(out.String(), c.TOTPSecret) {
			t.Fatalf("the demo does not print the credentials of %s:\n%s", c.Account.Username, out.String())
		}
		o := &officer{m: m, Username: c.Account.Username, Password: c.Password, Secret: c.TOTPSecret}
		w := o.MustSignIn(t)
		if _, body := w.Get("/"); !strings.Contains(body, c.Account.Username) {
			t.Fatalf("%s: dashboard does not name the person", c.Account.Username)
		}
	}
	again, err := demoAccounts(context.Background(), m.hub)
	if err != nil {
		t.Fatal(err)
	}
	if again[0].Password == first[0].Password || again[0].TOTPSecret == first[0].TOTPSecret {
		t.Fatal("a restart of the demo kept the old credentials")
	}
	code, _ := hub.TOTPCode(first[0].TOTPSecret, time.Now().Add(30*time.Second))
	w := MustWeb(t, m)
	if status, _ := w.Post("/sign-in", url.Values{"username": {first[0].Account.Username}, "password": {first[0].Password}, "code": {code}}); status != http.StatusUnauthorized {
		t.Fatalf("old demo credentials still sign in: %d", status)
	}
}
