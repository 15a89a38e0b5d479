package hub_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/docindex"
	"github.com/lookout-network/lookout/hub"
	"github.com/lookout-network/lookout/sqlite"
	"github.com/lookout-network/lookout/synth"
)

// MustHub returns a hub over a fresh store and the context of an NCB of DEU
// holding every grant.
func MustHub(tb testing.TB) (*hub.Hub, context.Context) {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "lookout.db"))
	if err != nil {
		tb.Fatal(err)
	}
	sec, _, err := hub.Bootstrap(ctx, db, "secretariat")
	if err != nil {
		tb.Fatal(err)
	}
	h := hub.New(db, hub.NewDocumentIndex(docindex.New()), slog.New(slog.NewTextHandler(io.Discard, nil)))
	tb.Cleanup(func() { h.Close(); db.Close() })
	ncb, _, err := h.CreateAgency(lookout.NewContext(ctx, &lookout.Caller{Agency: sec}), &lookout.Agency{ID: "ncb-deu", Kind: lookout.KindNCB, Country: "DEU", Name: "NCB"})
	if err != nil {
		tb.Fatal(err)
	}
	return h, lookout.NewContext(ctx, &lookout.Caller{Agency: ncb})
}

// BenchmarkCreateDocuments records documents in chunks of 5,000, as the
// batch route does; ns/op is per document.
func BenchmarkCreateDocuments(b *testing.B) {
	h, ctx := MustHub(b)
	var docs []*lookout.Document
	synth.Documents(1, b.N+5000, func(d synth.Document) {
		if d.IssuingCountry == "DEU" || true {
			docs = append(docs, &lookout.Document{Number: d.Number, NumberTo: d.NumberTo, IssuingCountry: "DEU", Type: d.Type, Status: d.Status, EventDate: d.EventDay()})
		}
	})
	b.ResetTimer()
	for i := 0; i < b.N; i += 5000 {
		if _, err := h.CreateDocuments(ctx, docs[i:min(i+5000, b.N)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheck is a single check through the hub, audit commit included.
func BenchmarkCheck(b *testing.B) {
	h, ctx := MustHub(b)
	var docs []*lookout.Document
	synth.Documents(1, 100_000, func(d synth.Document) {
		docs = append(docs, &lookout.Document{Number: d.Number, NumberTo: d.NumberTo, IssuingCountry: "DEU", Type: d.Type, Status: d.Status})
	})
	for i := 0; i < len(docs); i += 5000 {
		h.CreateDocuments(ctx, docs[i:i+5000])
	}
	var probes []string
	synth.Absent(2, 1000, func(_, n string) { probes = append(probes, n) })
	// Border posts check concurrently: many checks share a group commit.
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := h.Check(ctx, lookout.CheckRequest{Number: probes[i%len(probes)], IssuingCountry: "DEU"}); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
