package hub

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/docindex"
)

// snapshotMagic starts a document-index snapshot file; the change sequence
// number the snapshot is current to follows it.
const snapshotMagic = "LOOKOUT-DOCINDEX\n"

// OpenDocumentIndex returns the document index of store: from the snapshot
// at path when there is a valid one, brought up to date from the change
// feed, or else built from every document of the store. A damaged snapshot
// is logged and ignored: the store is the system of record.
func OpenDocumentIndex(ctx context.Context, store lookout.Store, path string, log *slog.Logger) (DocumentIndex, error) {
	start := time.Now()
	if x, seq, err := readSnapshot(path); err == nil {
		idx := docIndex{x}
		n, err := catchUp(ctx, store, idx, seq)
		if err != nil {
			return nil, err
		}
		log.Info("document index loaded from snapshot", "records", idx.Len(), "changes_applied", n, "seconds", time.Since(start).Seconds())
		return idx, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		log.Warn("document index snapshot ignored; rebuilding from the store", "path", path, "err", err)
	}
	seq, err := store.ChangeHead(ctx)
	if err != nil {
		return nil, err
	}
	b := docindex.NewBuilder(0)
	err = store.ScanDocuments(ctx, func(id int64, country, number, numberTo string) error {
		if numberTo != "" {
			return b.AddRange(uint64(id), country, number, numberTo)
		}
		return b.Add(uint64(id), country, number)
	})
	if err != nil {
		return nil, fmt.Errorf("build document index: %w", err)
	}
	x, err := b.Build()
	if err != nil {
		return nil, fmt.Errorf("build document index: %w", err)
	}
	idx := docIndex{x}
	// Writes that landed during the scan are in the feed after seq.
	if _, err := catchUp(ctx, store, idx, seq); err != nil {
		return nil, err
	}
	log.Info("document index built from the store", "records", idx.Len(), "seconds", time.Since(start).Seconds())
	return idx, nil
}

// catchUp applies the change feed after seq to idx.
func catchUp(ctx context.Context, store lookout.Store, idx DocumentIndex, seq int64) (int, error) {
	applied := 0
	for {
		changes, err := store.Changes(ctx, seq, 10000)
		if err != nil {
			return applied, err
		}
		if len(changes) == 0 {
			return applied, nil
		}
		var ids []int64
		for _, c := range changes {
			if c.Database == lookout.DatabaseDocuments {
				ids = append(ids, c.RecordID)
			}
		}
		docs, err := store.DocumentsByID(ctx, ids)
		if err != nil {
			return applied, err
		}
		byID := make(map[int64]*lookout.Document, len(docs))
		for _, d := range docs {
			byID[d.ID] = d
		}
		for _, c := range changes {
			if c.Database != lookout.DatabaseDocuments {
				continue
			}
			// The record as it is now decides, whatever the change said:
			// replaying an old "put" of a since-deleted record deletes it.
			if d := byID[c.RecordID]; d != nil {
				if err := idx.Put(d.ID, d.IssuingCountry, d.Number, d.NumberTo); err != nil {
					return applied, fmt.Errorf("index document %d: %w", d.ID, err)
				}
			} else {
				idx.Delete(c.RecordID)
			}
			applied++
		}
		seq = changes[len(changes)-1].Seq
	}
}

// SaveDocumentIndex writes a snapshot of idx to path, current to the
// store's change head. Call it when no writes are in flight (at shutdown);
// it writes a temporary file and renames it, so a crash leaves the old one.
func SaveDocumentIndex(ctx context.Context, store lookout.Store, idx DocumentIndex, path string) error {
	d, ok := idx.(docIndex)
	if !ok {
		return fmt.Errorf("document index of type %T has no snapshots", idx)
	}
	seq, err := store.ChangeHead(ctx)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(snapshotMagic)
	binary.Write(w, binary.LittleEndian, seq)
	if _, err := d.x.WriteTo(w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func readSnapshot(path string) (*docindex.Index, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	magic := make([]byte, len(snapshotMagic))
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != snapshotMagic {
		return nil, 0, fmt.Errorf("%s is not a document index snapshot", path)
	}
	var seq int64
	if err := binary.Read(r, binary.LittleEndian, &seq); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	x := new(docindex.Index)
	if _, err := x.ReadFrom(r); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	return x, seq, nil
}
