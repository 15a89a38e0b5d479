package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/lookout-network/lookout/hub"
	"github.com/lookout-network/lookout/sqlite"
)

func init() {
	register(command{name: "init", summary: "create an empty store and its secretariat: lookout init --data DIR", run: runInit})
}

// initStore creates the store of dataDir and its secretariat.
func initStore(ctx context.Context, dataDir string) (agencyID, token string, err error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", "", err
	}
	db, err := sqlite.Open(ctx, filepath.Join(dataDir, "lookout.db"))
	if err != nil {
		return "", "", err
	}
	defer db.Close()
	a, token, err := hub.Bootstrap(ctx, db, "secretariat")
	if err != nil {
		return "", "", err
	}
	return a.ID, token, nil
}

func runInit(ctx context.Context, env *Env, args []string) int {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	data := fs.String("data", "", "data directory to create")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *data == "" || fs.NArg() > 0 {
		fmt.Fprintln(env.Stderr, "usage: lookout init --data DIR")
		return 2
	}
	id, token, err := initStore(ctx, *data)
	if err != nil {
		fmt.Fprintln(env.Stderr, "lookout init:", err)
		return 1
	}
	json.NewEncoder(env.Stdout).Encode(map[string]string{"agency_id": id, "token": token})
	return 0
}
