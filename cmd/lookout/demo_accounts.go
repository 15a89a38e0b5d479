package main

import (
	"context"
	"fmt"
	"io"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/hub"
)

// demoAccount is one person of the demo, one per role of PRODUCT.md.
type demoAccount struct {
	role, agency, username, name string
	grants                       []lookout.Grant // nil: all the agency holds
}

var demoPeople = []demoAccount{
	{"Border officer, France (checks passports)", "fra-cdg", "border.cdg", "Camille Laurent", nil},
	{"NCB officer, France (follows up French hits)", "ncb-fra", "officer.fra", "Julien Moreau", nil},
	{"NCB officer, Germany (owns the German records)", "ncb-deu", "officer.deu", "Anna Becker", nil},
	{"Secretariat operator (admits countries, reviews notices)", "secretariat", "operator", "Sam Okafor", nil},
	{"Auditor, Germany (reads and verifies the audit trail)", "ncb-deu", "auditor.deu", "Petra Vogel", []lookout.Grant{lookout.GrantAuditRead, lookout.GrantStatsRead}},
}

// demoAccounts opens the demo's console accounts, or gives them fresh
// credentials at each start (passwords are kept only as hashes, so old ones
// cannot be shown again).
func demoAccounts(ctx context.Context, h *hub.Hub) ([]*lookout.AccountCredentials, error) {
	sec, err := h.AuthenticateAgency(ctx, "secretariat")
	if err != nil {
		return nil, err
	}
	sctx := lookout.NewContext(ctx, sec)
	var out []*lookout.AccountCredentials
	for _, p := range demoPeople {
		var creds *lookout.AccountCredentials
		if id, err := h.AccountID(sctx, p.username); err == nil {
			creds, err = h.ResetAccount(sctx, id)
			if err != nil {
				return nil, fmt.Errorf("demo account %s: %w", p.username, err)
			}
		} else if lookout.ErrorCode(err) != lookout.ENOTFOUND {
			return nil, err
		} else {
			grants := p.grants
			if grants == nil {
				a, err := h.AuthenticateAgency(ctx, p.agency)
				if err != nil {
					return nil, err
				}
				grants = a.Agency.Grants
			}
			if creds, err = h.CreateAccount(sctx, lookout.NewAccount{AgencyID: p.agency, Username: p.username, Name: p.name, Grants: grants}); err != nil {
				return nil, fmt.Errorf("demo account %s: %w", p.username, err)
			}
		}
		out = append(out, creds)
	}
	return out, nil
}

func printDemoAccounts(w io.Writer, url, number string, accounts []*lookout.AccountCredentials) {
	fmt.Fprintf(w, "\nThe web console: open %s/ and sign in as one of these (new credentials at each start):\n", url)
	for i, c := range accounts {
		fmt.Fprintf(w, "  %s\n    username %-12s password %s   TOTP secret %s\n", demoPeople[i].role, c.Account.Username, c.Password, c.TOTPSecret)
	}
	fmt.Fprintf(w, "The code asked at sign-in is what an authenticator app shows for the secret (add it to yours), or:\n    ./lookout totp SECRET\n")
	fmt.Fprintf(w, "Try it: sign in as border.cdg, check the German passport %s on the Check page, open the hit and\n"+
		"acknowledge it; in a private window sign in as officer.deu (the owner) and confirm it; back as border.cdg (or as\n"+
		"officer.fra) close the case with an outcome. Each window shows the other's steps as they happen.\n", number)
	fmt.Fprintf(w, "\nStop with Ctrl-C.\n")
}
