package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/lookout-network/lookout/docindex"
	"github.com/lookout-network/lookout/hub"
	"github.com/lookout-network/lookout/sqlite"
)

// reviewEvery is how often serve runs the review of records.
const reviewEvery = time.Hour

func init() {
	register(command{name: "review", summary: "review of records: lookout review run --data DIR (tells owners six months ahead, expires records past their review date)", run: runReview})
}

// startFollowup gives the hub its message key (DATA/keys/messages.key or
// $LOOKOUT_MESSAGE_KEY) and starts the hourly review of records.
func (m *Main) startFollowup() error {
	key, err := hub.LoadMessageKey(m.DataDir)
	if err != nil {
		return fmt.Errorf("message key: %w", err)
	}
	if err := m.hub.SetMessageKey(key); err != nil {
		return err
	}
	switch {
	case m.ReviewEvery == 0:
		m.hub.ScheduleReview(reviewEvery)
	case m.ReviewEvery > 0:
		m.hub.ScheduleReview(m.ReviewEvery)
	}
	return nil
}

func runReview(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || args[0] != "run" {
		fmt.Fprintln(env.Stderr, "usage: lookout review run --data DIR")
		return 2
	}
	fs := flag.NewFlagSet("review run", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	data := fs.String("data", "", "data directory of a stopped hub (a running hub reviews every hour; POST /v1/review/run asks it now)")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *data == "" || fs.NArg() > 0 {
		fmt.Fprintln(env.Stderr, "usage: lookout review run --data DIR")
		return 2
	}
	path := filepath.Join(*data, "lookout.db")
	if _, err := os.Stat(path); err != nil {
		fmt.Fprintf(env.Stderr, "lookout review: no store at %s\n", path)
		return 1
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		fmt.Fprintln(env.Stderr, "lookout review:", err)
		return 1
	}
	defer db.Close()
	// The index of a stopped hub is rebuilt from the change feed when it
	// starts, which carries the deletions made here.
	h := hub.New(db, hub.NewDocumentIndex(docindex.New()), slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer h.Close()
	r, err := h.RunReview(ctx)
	if err != nil {
		fmt.Fprintln(env.Stderr, "lookout review:", err)
		return 1
	}
	json.NewEncoder(env.Stdout).Encode(r)
	return 0
}
