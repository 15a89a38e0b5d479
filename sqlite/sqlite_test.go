package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/sqlite"
	"github.com/lookout-network/lookout/storetest"
)

func MustOpen(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "lookout.db"))
	if err != nil {
		tb.Fatal(err)
	}
	return db
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(tb testing.TB) lookout.Store { return MustOpen(tb) })
}

func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lookout.db")
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	storetest.MustAgency(t, db, "secretariat", lookout.KindSecretariat, lookout.SecretariatCountry, "")
	db.Close()
	// The chain goes on across restarts.
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.AppendAudit(ctx, &lookout.AuditEntry{AgencyID: "secretariat", Country: "XPO", Action: "test"})
	v := &lookout.AuditVerifier{}
	if err := db.ScanAudit(ctx, v.Next); err != nil || v.Count != 2 {
		t.Fatalf("%d entries: %v", v.Count, err)
	}
}

func TestErrNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lookout.db")
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	MustRawExec(t, path, `INSERT INTO schema_migrations (version, applied_at) VALUES (999, 'x')`)
	if _, err := sqlite.Open(ctx, path); err == nil {
		t.Fatal("opened a store with a schema newer than the binary")
	}
}

func TestFailInterruptedScreenings(t *testing.T) {
	db := MustOpen(t)
	defer db.Close()
	ctx := context.Background()
	storetest.MustAgency(t, db, "secretariat", lookout.KindSecretariat, lookout.SecretariatCountry, "")
	running := &lookout.Screening{Reference: "AF1", Status: lookout.ScreeningRunning, AgencyID: "secretariat", Country: "XPO", Total: 10}
	done := &lookout.Screening{Reference: "AF2", Status: lookout.ScreeningDone, AgencyID: "secretariat", Country: "XPO", Total: 10}
	for _, s := range []*lookout.Screening{running, done} {
		if err := db.InsertScreening(ctx, s, nil, &lookout.AuditEntry{AgencyID: "secretariat", Country: "XPO", Action: "screening.start"}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := db.FailInterruptedScreenings(ctx); err != nil || n != 1 {
		t.Fatalf("%d marked: %v", n, err)
	}
	if s, _ := db.Screening(ctx, running.ID); s.Status != lookout.ScreeningFailed || s.Error == "" {
		t.Fatalf("interrupted job: %+v", s)
	}
	if s, _ := db.Screening(ctx, done.ID); s.Status != lookout.ScreeningDone {
		t.Fatalf("finished job touched: %+v", s)
	}
}
