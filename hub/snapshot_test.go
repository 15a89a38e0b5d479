package hub_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/hub"
	"github.com/lookout-network/lookout/sqlite"
)

func TestDocumentIndexSnapshot(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "documents.index")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	db, err := sqlite.Open(ctx, filepath.Join(dir, "lookout.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sec, _, _ := hub.Bootstrap(ctx, db, "secretariat")
	idx, err := hub.OpenDocumentIndex(ctx, db, path, log)
	if err != nil {
		t.Fatal(err)
	}
	h := hub.New(db, idx, log)
	ncb, _, _ := h.CreateAgency(lookout.NewContext(ctx, &lookout.Caller{Agency: sec}), &lookout.Agency{ID: "ncb-deu", Kind: lookout.KindNCB, Country: "DEU", Name: "NCB"})
	as := lookout.NewContext(ctx, &lookout.Caller{Agency: ncb})
	create := func(number string) int64 {
		d, err := h.CreateDocument(as, &lookout.Document{Number: number, IssuingCountry: "DEU", Type: "passport", Status: "lost"})
		if err != nil {
			t.Fatal(err)
		}
		return d.ID
	}
	a, b := create("C01X00T47"), create("C01X00T48")
	h.Close()
	if err := hub.SaveDocumentIndex(ctx, db, idx, path); err != nil {
		t.Fatal(err)
	}
	old, _ := os.ReadFile(path)

	// Changes after the snapshot, then a crash: the next start finds the
	// old snapshot and must catch up from the change feed.
	h = hub.New(db, idx, log)
	c := create("C01X00T49")
	if err := h.DeleteDocument(as, a); err != nil {
		t.Fatal(err)
	}
	h.Close()

	exact := func(idx hub.DocumentIndex, number string) []int64 { return idx.Exact("DEU", number) }
	t.Run("CatchUp", func(t *testing.T) {
		got, err := hub.OpenDocumentIndex(ctx, db, path, log)
		if err != nil {
			t.Fatal(err)
		}
		if len(exact(got, "C01X00T47")) != 0 || !slices.Equal(exact(got, "C01X00T48"), []int64{b}) || !slices.Equal(exact(got, "C01X00T49"), []int64{c}) {
			t.Fatalf("index not current: %v %v %v", exact(got, "C01X00T47"), exact(got, "C01X00T48"), exact(got, "C01X00T49"))
		}
	})
	t.Run("ErrCorruptSnapshotRebuilds", func(t *testing.T) {
		bad := slices.Clone(old)
		bad[len(bad)/2] ^= 0xff
		os.WriteFile(path, bad, 0o600)
		got, err := hub.OpenDocumentIndex(ctx, db, path, log)
		if err != nil {
			t.Fatal(err)
		}
		if got.Len() != 2 || !slices.Equal(exact(got, "C01X00T49"), []int64{c}) {
			t.Fatalf("rebuilt index has %d records", got.Len())
		}
	})
}
