package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/sqlite"
)

func init() {
	register(command{name: "audit", summary: "check the audit chain: lookout audit verify --data DIR", run: runAudit})
}

// verifyAudit walks the whole chain of a store.
func verifyAudit(ctx context.Context, dataDir string) (*lookout.AuditVerifier, error) {
	path := filepath.Join(dataDir, "lookout.db")
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("no store at %s", path)
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	v := &lookout.AuditVerifier{}
	err = db.ScanAudit(ctx, v.Next)
	return v, err
}

func runAudit(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(env.Stderr, "usage: lookout audit verify --data DIR")
		return 2
	}
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	data := fs.String("data", "", "data directory")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *data == "" {
		fmt.Fprintln(env.Stderr, "usage: lookout audit verify --data DIR")
		return 2
	}
	v, err := verifyAudit(ctx, *data)
	if err != nil {
		fmt.Fprintln(env.Stderr, "lookout audit verify: BROKEN:", err)
		if v != nil && v.Head() != nil {
			fmt.Fprintf(env.Stderr, "the chain is intact up to entry %d\n", v.Head().Seq)
		}
		return 1
	}
	summary := map[string]any{"intact": true, "entries": v.Count}
	if h := v.Head(); h != nil {
		summary["head_seq"] = h.Seq
		summary["head_hash"] = hex.EncodeToString(h.Hash)
		summary["head_time"] = h.Time
	}
	fmt.Fprintf(env.Stdout, "audit chain intact: %d entries\n", v.Count)
	json.NewEncoder(env.Stdout).Encode(summary)
	return 0
}
