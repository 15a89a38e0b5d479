package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/sqlite"
)

// The crash harness re-runs this test binary as the server (TestMain sees
// LOOKOUT_CHILD), so that it can kill a real process with SIGKILL.
func TestMain(m *testing.M) {
	if os.Getenv("LOOKOUT_CHILD") == "1" {
		ctx := context.Background()
		os.Exit(run(ctx, &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}, os.Args[len(os.Args)-len(childArgs()):]))
	}
	os.Exit(m.Run())
}

func childArgs() []string {
	var args []string
	json.Unmarshal([]byte(os.Getenv("LOOKOUT_CHILD_ARGS")), &args)
	return args
}

// startChild runs `lookout serve` in a child process on addr.
func startChild(t *testing.T, dir, addr string) *exec.Cmd {
	t.Helper()
	args := []string{"serve", "--data", dir, "--listen", addr, "--plaintext", "--rate-limit", "0", "--dna-frequencies", "../../../shared/data/dna"}
	b, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$"}, args...)...)
	cmd.Env = append(os.Environ(), "LOOKOUT_CHILD=1", "LOOKOUT_CHILD_ARGS="+string(b))
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + addr + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return cmd
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Kill()
	t.Fatalf("server did not start: %s", logs.String())
	return nil
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestCrashSafety kills the server with SIGKILL at random moments while
// clients write and check, and proves after each round that every
// acknowledged write and search is there, that no change is without its
// audit entry, and that the audit chain verifies. LOOKOUT_CRASH_ROUNDS sets
// the rounds (default 5; the figure in docs/benchmarks.md is from 100).
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("crash harness skipped in -short mode")
	}
	rounds := 5
	if n, err := strconv.Atoi(os.Getenv("LOOKOUT_CRASH_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	dir := t.TempDir()
	_, secToken, err := initStore(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	// Set up the network once.
	cmd := startChild(t, dir, addr)
	sec := &client{tb: t, url: "http://" + addr, token: secToken}
	deu := MustCreateAgency(t, sec, map[string]any{"id": "ncb-deu", "kind": "ncb", "country": "DEU", "name": "NCB"})
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()

	type acked struct {
		mu       sync.Mutex
		docs     map[int64]string // id → number
		searches []string
	}
	ack := &acked{docs: map[int64]string{}}
	rng := rand.New(rand.NewPCG(1, 2))
	seq := 0
	for round := 1; round <= rounds; round++ {
		cmd := startChild(t, dir, addr)
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for w := 0; w < 4; w++ {
			wg.Add(1)
			base := seq + w*100000
			go func(w int) {
				defer wg.Done()
				hc := &http.Client{Timeout: 5 * time.Second}
				for i := 0; ctx.Err() == nil; i++ {
					var body []byte
					path := "/v1/documents/check"
					if w%2 == 0 {
						path = "/v1/documents"
						body, _ = json.Marshal(map[string]any{"number": fmt.Sprintf("R%02dW%dN%06d", round, w, base+i), "issuing_country": "DEU", "type": "passport", "status": "stolen"})
					} else {
						body, _ = json.Marshal(map[string]any{"number": fmt.Sprintf("R%02dW%dN%06d", round, w-1, base+i), "issuing_country": "DEU"})
					}
					req, _ := http.NewRequestWithContext(ctx, "POST", "http://"+addr+path, bytes.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+deu.token)
					resp, err := hc.Do(req)
					if err != nil {
						continue // the server is dead: nothing was acknowledged
					}
					var out struct {
						ID       string `json:"id"`
						Number   string `json:"number"`
						SearchID string `json:"search_id"`
					}
					err = json.NewDecoder(resp.Body).Decode(&out)
					resp.Body.Close()
					if err != nil || resp.StatusCode >= 300 {
						continue
					}
					ack.mu.Lock()
					if out.ID != "" {
						id, _ := strconv.ParseInt(out.ID, 10, 64)
						ack.docs[id] = out.Number
					} else if out.SearchID != "" {
						ack.searches = append(ack.searches, out.SearchID)
					}
					ack.mu.Unlock()
				}
			}(w)
		}
		time.Sleep(time.Duration(100+rng.IntN(700)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		cancel()
		wg.Wait()
		seq += 1000000
		verifyAfterCrash(t, dir, round, ack.docs, ack.searches)
	}
	t.Logf("%d rounds, %d acknowledged documents and %d acknowledged checks, all present after SIGKILL", rounds, len(ack.docs), len(ack.searches))
}

func verifyAfterCrash(t *testing.T, dir string, round int, docs map[int64]string, searches []string) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "lookout.db"))
	if err != nil {
		t.Fatalf("round %d: reopen after SIGKILL: %v", round, err)
	}
	defer db.Close()
	ids := make([]int64, 0, len(docs))
	for id := range docs {
		ids = append(ids, id)
	}
	found := map[int64]bool{}
	for lo := 0; lo < len(ids); lo += 500 {
		got, err := db.DocumentsByID(ctx, ids[lo:min(lo+500, len(ids))])
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range got {
			if docs[d.ID] != d.Number {
				t.Fatalf("round %d: document %d has number %q, acknowledged %q", round, d.ID, d.Number, docs[d.ID])
			}
			found[d.ID] = true
		}
	}
	if len(found) != len(docs) {
		t.Fatalf("round %d: %d of %d acknowledged documents lost", round, len(docs)-len(found), len(docs))
	}
	// Every change has its audit entry (nothing half-written), every
	// acknowledged search is logged, and the chain verifies.
	audited := map[string]bool{}
	v := &lookout.AuditVerifier{}
	if err := db.ScanAudit(ctx, func(e *lookout.AuditEntry) error {
		audited[e.Action+" "+e.Object] = true
		return v.Next(e)
	}); err != nil {
		t.Fatalf("round %d: audit chain broken after SIGKILL: %v", round, err)
	}
	for _, s := range searches {
		if !audited["documents.check "+s] {
			t.Fatalf("round %d: acknowledged check %s is not in the audit trail", round, s)
		}
	}
	if err := db.ScanDocuments(ctx, func(id int64, _, _, _ string) error {
		if !audited["documents.create "+strconv.FormatInt(id, 10)] {
			return fmt.Errorf("document %d stored without its audit entry", id)
		}
		return nil
	}); err != nil {
		t.Fatalf("round %d: %v", round, err)
	}
}
