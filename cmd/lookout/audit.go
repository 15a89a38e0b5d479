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
	"github.com/lookout-network/lookout/checkpoint"
	"github.com/lookout-network/lookout/sqlite"
)

func init() {
	register(command{name: "audit", summary: "check the audit chain: lookout audit verify --data DIR", run: runAudit})
}

// verifyAudit walks the whole chain of a store; with a checkpoint, it also
// checks that the chain still holds the signed hash at the signed entry.
func verifyAudit(ctx context.Context, dataDir string, cp *checkpoint.Checkpoint) (*lookout.AuditVerifier, error) {
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
	var atCheckpoint *lookout.AuditEntry
	err = db.ScanAudit(ctx, func(e *lookout.AuditEntry) error {
		if err := v.Next(e); err != nil {
			return err
		}
		if cp != nil && e.Seq == cp.Seq {
			atCheckpoint = e
		}
		return nil
	})
	if err != nil || cp == nil {
		return v, err
	}
	signer, err := checkpoint.Open(dataDir)
	if err != nil {
		return v, err
	}
	return v, cp.Verify(signer.PublicKey(), atCheckpoint)
}

func runAudit(ctx context.Context, env *Env, args []string) int {
	if len(args) > 0 && args[0] == "checkpoint" {
		return runAuditCheckpoint(env, args[1:])
	}
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(env.Stderr, "usage: lookout audit verify --data DIR [--checkpoint FILE] | lookout audit checkpoint --data DIR")
		return 2
	}
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	data := fs.String("data", "", "data directory")
	cpFile := fs.String("checkpoint", "", "a signed checkpoint kept earlier (from lookout audit checkpoint or GET /v1/audit/checkpoint)")
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
	var cp *checkpoint.Checkpoint
	if *cpFile != "" {
		var err error
		if cp, err = checkpoint.Read(*cpFile); err != nil {
			fmt.Fprintln(env.Stderr, "lookout audit verify:", err)
			return 2
		}
	}
	v, err := verifyAudit(ctx, *data, cp)
	if err != nil {
		fmt.Fprintln(env.Stderr, "lookout audit verify: BROKEN:", err)
		if v != nil && v.Head() != nil {
			fmt.Fprintf(env.Stderr, "the chain is intact up to entry %d\n", v.Head().Seq)
		}
		return 1
	}
	summary := map[string]any{"intact": true, "entries": v.Count}
	if cp != nil {
		summary["checkpoint_seq"] = cp.Seq
	}
	if h := v.Head(); h != nil {
		summary["head_seq"] = h.Seq
		summary["head_hash"] = hex.EncodeToString(h.Hash)
		summary["head_time"] = h.Time
	}
	fmt.Fprintf(env.Stdout, "audit chain intact: %d entries\n", v.Count)
	json.NewEncoder(env.Stdout).Encode(summary)
	return 0
}

// runAuditCheckpoint prints the latest signed checkpoint, for an auditor to
// keep.
func runAuditCheckpoint(env *Env, args []string) int {
	fs := flag.NewFlagSet("audit checkpoint", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	data := fs.String("data", "", "data directory")
	if err := fs.Parse(args); err != nil || *data == "" {
		fmt.Fprintln(env.Stderr, "usage: lookout audit checkpoint --data DIR")
		return 2
	}
	c, err := checkpoint.Latest(*data)
	if err != nil {
		fmt.Fprintln(env.Stderr, "lookout audit checkpoint:", err)
		return 1
	}
	json.NewEncoder(env.Stdout).Encode(c)
	return 0
}
