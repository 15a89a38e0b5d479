package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/lookout-network/lookout/pki"
	"github.com/lookout-network/lookout/sqlite"
)

func init() {
	register(command{name: "pki", summary: "the hub's certificate authority: pki init|issue|revoke --data DIR", run: runPKI})
}

func runPKI(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, "usage: lookout pki init --data DIR | lookout pki issue --data DIR --agency ID --out PREFIX | lookout pki revoke --data DIR --agency ID")
		return 2
	}
	fs := flag.NewFlagSet("pki "+args[0], flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	data := fs.String("data", "", "data directory")
	agency := fs.String("agency", "", "agency the certificate names (issue)")
	out := fs.String("out", "", "writes PREFIX.crt and PREFIX.key (issue)")
	days := fs.Int("days", 365, "validity in days (issue)")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *data == "" {
		fmt.Fprintln(env.Stderr, "lookout pki: --data is required")
		return 2
	}
	switch args[0] {
	case "init":
		if _, err := pki.Init(*data); err != nil {
			fmt.Fprintln(env.Stderr, "lookout pki init:", err)
			return 1
		}
		_, cert, _ := pki.Paths(*data)
		json.NewEncoder(env.Stdout).Encode(map[string]string{"ca_cert": cert})
	case "issue":
		if *agency == "" || *out == "" {
			fmt.Fprintln(env.Stderr, "usage: lookout pki issue --data DIR --agency ID --out PREFIX")
			return 2
		}
		ca, err := pki.Load(*data)
		if err != nil {
			fmt.Fprintln(env.Stderr, "lookout pki issue:", err)
			return 1
		}
		if err := agencyExists(ctx, *data, *agency); err != nil {
			fmt.Fprintln(env.Stderr, "lookout pki issue:", err)
			return 1
		}
		certPEM, keyPEM, err := ca.ClientCertificate(*agency, time.Duration(*days)*24*time.Hour)
		if err == nil {
			err = os.WriteFile(*out+".key", keyPEM, 0o600)
		}
		if err == nil {
			err = os.WriteFile(*out+".crt", certPEM, 0o644)
		}
		if err != nil {
			fmt.Fprintln(env.Stderr, "lookout pki issue:", err)
			return 1
		}
		json.NewEncoder(env.Stdout).Encode(map[string]string{"cert": *out + ".crt", "key": *out + ".key"})
	case "revoke":
		if *agency == "" {
			fmt.Fprintln(env.Stderr, "usage: lookout pki revoke --data DIR --agency ID")
			return 2
		}
		if err := pki.Revoke(*data, *agency); err != nil {
			fmt.Fprintln(env.Stderr, "lookout pki revoke:", err)
			return 1
		}
		json.NewEncoder(env.Stdout).Encode(map[string]string{"revoked": *agency})
	default:
		fmt.Fprintf(env.Stderr, "lookout pki: unknown subcommand %q\n", args[0])
		return 2
	}
	return 0
}

// agencyExists refuses a certificate for an agency the store does not know
// or has disabled.
func agencyExists(ctx context.Context, dataDir, id string) error {
	db, err := sqlite.Open(ctx, filepath.Join(dataDir, "lookout.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := db.Agency(ctx, id)
	if err != nil {
		return fmt.Errorf("agency %q: %w", id, err)
	}
	if a.Disabled {
		return fmt.Errorf("agency %q is disabled", id)
	}
	return nil
}
