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
	"strings"
	"time"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/docindex"
	"github.com/lookout-network/lookout/hub"
	"github.com/lookout-network/lookout/sqlite"
)

func init() {
	register(command{name: "account", summary: "console accounts: lookout account create|reset --data DIR ... (the first accounts of a new hub; later ones from the console)", run: runAccount})
	register(command{name: "totp", summary: "print the current sign-in code of a TOTP secret: lookout totp SECRET (an authenticator app's job, for the demo and scripts)", run: runTOTP})
}

// runAccount opens or resets console accounts on a hub's data directory,
// acting as the secretariat: whoever holds the data directory holds the
// hub, and a new hub needs its first person somehow.
func runAccount(ctx context.Context, env *Env, args []string) int {
	usage := "usage: lookout account create --data DIR --agency ID --username NAME --name 'FULL NAME' [--grants g1,g2]\n       lookout account reset --data DIR --username NAME"
	if len(args) == 0 || (args[0] != "create" && args[0] != "reset") {
		fmt.Fprintln(env.Stderr, usage)
		return 2
	}
	fs := flag.NewFlagSet("account "+args[0], flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	data := fs.String("data", "", "data directory of the hub")
	agency := fs.String("agency", "", "agency the account belongs to (create)")
	username := fs.String("username", "", "username: a-z, 0-9, '.', '_', '-'")
	name := fs.String("name", "", "the person's full name (create)")
	grants := fs.String("grants", "", "comma-separated grants (create; default: all the agency holds)")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *data == "" || *username == "" || fs.NArg() > 0 || args[0] == "create" && (*agency == "" || *name == "") {
		fmt.Fprintln(env.Stderr, usage)
		return 2
	}
	h, closeHub, err := offlineHub(ctx, *data)
	if err != nil {
		fmt.Fprintln(env.Stderr, "lookout account:", err)
		return 1
	}
	defer closeHub()
	sec, err := h.AuthenticateAgency(ctx, "secretariat")
	if err != nil {
		fmt.Fprintln(env.Stderr, "lookout account:", err)
		return 1
	}
	sctx := lookout.NewContext(ctx, sec)
	var creds *lookout.AccountCredentials
	if args[0] == "create" {
		var gs []lookout.Grant
		if *grants == "" {
			a, err := h.AuthenticateAgency(ctx, *agency)
			if err != nil {
				fmt.Fprintln(env.Stderr, "lookout account:", err)
				return 1
			}
			gs = a.Agency.Grants
		} else {
			for _, g := range strings.Split(*grants, ",") {
				gs = append(gs, lookout.Grant(strings.TrimSpace(g)))
			}
		}
		creds, err = h.CreateAccount(sctx, lookout.NewAccount{AgencyID: *agency, Username: *username, Name: *name, Grants: gs})
	} else {
		creds, err = resetByUsername(sctx, h, *username)
	}
	if err != nil {
		fmt.Fprintln(env.Stderr, "lookout account:", describe(err))
		return 1
	}
	json.NewEncoder(env.Stdout).Encode(creds)
	return 0
}

// resetByUsername gives an account new credentials.
func resetByUsername(ctx context.Context, h *hub.Hub, username string) (*lookout.AccountCredentials, error) {
	id, err := h.AccountID(ctx, username)
	if err != nil {
		return nil, err
	}
	return h.ResetAccount(ctx, id)
}

// describe names the field of an invalid-input error.
func describe(err error) string {
	if f := lookout.ErrorField(err); f != "" {
		return f + ": " + lookout.ErrorMessage(err)
	}
	return err.Error()
}

// offlineHub opens a hub over a stopped hub's data directory, with its
// message key (which seals the TOTP secrets).
func offlineHub(ctx context.Context, dir string) (*hub.Hub, func(), error) {
	path := filepath.Join(dir, "lookout.db")
	if _, err := os.Stat(path); err != nil {
		return nil, nil, fmt.Errorf("no store at %s: run lookout init --data %s first", path, dir)
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	h := hub.New(db, hub.NewDocumentIndex(docindex.New()), slog.New(slog.NewTextHandler(io.Discard, nil)))
	key, err := hub.LoadMessageKey(dir)
	if err == nil {
		err = h.SetMessageKey(key)
	}
	if err != nil {
		h.Close()
		db.Close()
		return nil, nil, fmt.Errorf("message key: %w", err)
	}
	return h, func() { h.Close(); db.Close() }, nil
}

func runTOTP(ctx context.Context, env *Env, args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(env.Stderr, "usage: lookout totp SECRET")
		return 2
	}
	code, err := hub.TOTPCode(strings.ToUpper(strings.TrimSpace(args[0])), time.Now())
	if err != nil {
		fmt.Fprintln(env.Stderr, "lookout totp: the secret is not base32:", err)
		return 1
	}
	left := 30 - time.Now().Unix()%30
	fmt.Fprintf(env.Stdout, "%s\n", code)
	fmt.Fprintf(env.Stderr, "(valid for %d more seconds, and 30 seconds after)\n", left)
	return 0
}
