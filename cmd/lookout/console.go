package main

import (
	"context"
	"encoding/hex"
	"errors"
	"sync"
	"time"

	"github.com/lookout-network/lookout"

	lhttp "github.com/lookout-network/lookout/http"
	"github.com/lookout-network/lookout/http/console"
	"github.com/lookout-network/lookout/pki"
)

// clientCertificateDays is how long a certificate issued from the console
// is valid, as `lookout pki issue` by default.
const clientCertificateDays = 365

// console builds the web console served beside the API at /.
func (m *Main) console(api *lhttp.Server, withCA bool) (*console.Console, error) {
	// One verification at a time: each reads the whole chain.
	var verifying sync.Mutex
	opts := console.Options{
		EventStream: api.EventStream,
		Allow:       api.Allow,
		VerifyAudit: func(ctx context.Context) (console.AuditReport, error) {
			if !verifying.TryLock() {
				return console.AuditReport{}, lookout.Errorf(lookout.ERATELIMITED, "a verification of the audit chain is running already: try again when it ends")
			}
			defer verifying.Unlock()
			start := time.Now()
			v, err := verifyAudit(ctx, m.DataDir, nil)
			rep := console.AuditReport{Took: time.Since(start)}
			if v != nil {
				rep.Entries = int64(v.Count)
				if head := v.Head(); head != nil {
					rep.HeadSeq, rep.HeadHash = head.Seq, hex.EncodeToString(head.Hash)
				}
			}
			if err != nil {
				rep.Broken = err.Error()
			}
			return rep, nil
		},
	}
	if withCA {
		opts.IssueCertificate = func(agencyID string) ([]byte, []byte, error) {
			ca, err := pki.Load(m.DataDir)
			if err != nil {
				return nil, nil, err
			}
			return ca.ClientCertificate(agencyID, clientCertificateDays*24*time.Hour)
		}
		opts.RevokeCertificates = func(agencyID string) error { return pki.Revoke(m.DataDir, agencyID) }
	}
	c, err := console.New(m.hub, m.Log, opts)
	if err != nil {
		return nil, errors.Join(errors.New("console"), err)
	}
	return c, nil
}
