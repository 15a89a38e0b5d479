package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lookout-network/lookout"
)

const documentColumns = `id, number, number_to, issuing_country, owner_country, type, status, event_date, restriction, remarks, review_date, created_by, created_at, updated_at, version`

// InsertDocuments stores docs; a duplicate is refused with ECONFLICT in errs.
func (db *DB) InsertDocuments(ctx context.Context, docs []*lookout.Document, audit func(*lookout.Document) *lookout.AuditEntry) ([]error, error) {
	errs := make([]error, len(docs))
	err := db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		clear(errs)
		nowText := now.Format(timeFormat)
		var stored []*lookout.Document
		ins := &multiRow{
			head: `INSERT INTO documents (number, number_to, issuing_country, owner_country, type, status, event_date, restriction, remarks, review_date, created_by, created_at, updated_at, version) VALUES `,
			row:  `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
			tail: ` ON CONFLICT DO NOTHING RETURNING id, issuing_country, number, type`,
		}
		defer ins.close()
		for lo := 0; lo < len(docs); lo += insertRows {
			chunk := docs[lo:min(lo+insertRows, len(docs))]
			args := make([]any, 0, 13*len(chunk))
			for _, d := range chunk {
				restriction, err := encodeRestriction(d.Restriction)
				if err != nil {
					return err
				}
				d.ID, d.CreatedAt, d.UpdatedAt, d.Version = 0, now, now, 1
				args = append(args, d.Number, d.NumberTo, d.IssuingCountry, d.OwnerCountry, d.Type, d.Status, d.EventDate, restriction, d.Remarks, d.ReviewDate, d.CreatedBy, nowText, nowText)
			}
			rows, err := ins.query(ctx, tx, len(chunk), args)
			if err != nil {
				return fmt.Errorf("insert documents: %w", err)
			}
			// RETURNING gives the stored rows only; match them to the chunk by
			// their unique key (the first of two equal rows is the stored one).
			type key struct{ country, number, typ string }
			ids := map[key]int64{}
			for rows.Next() {
				var k key
				var id int64
				if err := rows.Scan(&id, &k.country, &k.number, &k.typ); err != nil {
					rows.Close()
					return err
				}
				ids[k] = id
			}
			if err := rows.Close(); err != nil {
				return err
			}
			for i, d := range chunk {
				k := key{d.IssuingCountry, d.Number, d.Type}
				if id, ok := ids[k]; ok {
					d.ID = id
					delete(ids, k)
					stored = append(stored, d)
				} else {
					errs[lo+i] = lookout.Errorf(lookout.ECONFLICT, "%s %s of %s is recorded already", d.Type, d.Number, d.IssuingCountry)
				}
			}
		}
		changes := changeRows
		changes.db = db
		defer changes.close()
		for lo := 0; lo < len(stored); lo += insertRows {
			chunk := stored[lo:min(lo+insertRows, len(stored))]
			args := make([]any, 0, 2*len(chunk))
			for _, d := range chunk {
				args = append(args, d.ID, nowText)
			}
			if err := changes.exec(ctx, tx, len(chunk), args); err != nil {
				return err
			}
		}
		entries := make([]*lookout.AuditEntry, 0, len(stored))
		for _, d := range stored {
			if e := audit(d); e != nil {
				entries = append(entries, e)
			}
		}
		return db.appendAudit(ctx, tx, now, entries...)
	})
	if err != nil {
		for _, d := range docs {
			d.ID = 0
		}
		return nil, err
	}
	return errs, nil
}

// Document returns a document by ID.
func (db *DB) Document(ctx context.Context, id int64) (*lookout.Document, error) {
	d, err := scanDocument(db.r.QueryRowContext(ctx, `SELECT `+documentColumns+` FROM documents WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "document %d not found", id)
	}
	return d, err
}

// DocumentsByID returns the documents of ids that exist.
func (db *DB) DocumentsByID(ctx context.Context, ids []int64) ([]*lookout.Document, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if len(ids) == 1 && db.documentByID != nil {
		// The common case on the check path (one hit): a statement
		// prepared once instead of SQL parsed on every check.
		d, err := scanDocument(db.documentByID.QueryRowContext(ctx, ids[0]))
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return []*lookout.Document{d}, nil
	}
	return byIDs(ctx, db, "documents", documentColumns, ids, scanDocument)
}

// Documents lists documents in ID order.
func (db *DB) Documents(ctx context.Context, f lookout.DocumentFilter) ([]*lookout.Document, error) {
	q := `SELECT ` + documentColumns + ` FROM documents WHERE id > ?`
	args := []any{f.After}
	if f.OwnerCountry != "" {
		q += ` AND owner_country = ?`
		args = append(args, f.OwnerCountry)
	}
	if f.Number != "" {
		q += ` AND number = ?`
		args = append(args, f.Number)
	}
	if f.Status != "" {
		q += ` AND status = ?`
		args = append(args, f.Status)
	}
	q += ` ORDER BY id LIMIT ?`
	args = append(args, limit(f.Limit, 100, 1000))
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return collectDocuments(rows)
}

// UpdateDocument stores d if nobody changed it since version d.Version-1.
func (db *DB) UpdateDocument(ctx context.Context, d *lookout.Document, audit *lookout.AuditEntry) error {
	restriction, err := encodeRestriction(d.Restriction)
	if err != nil {
		return err
	}
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		d.UpdatedAt = now
		res, err := tx.ExecContext(ctx, `UPDATE documents SET number_to = ?, type = ?, status = ?, event_date = ?, restriction = ?, remarks = ?, review_date = ?, updated_at = ?, version = ? WHERE id = ? AND version = ?`,
			d.NumberTo, d.Type, d.Status, d.EventDate, restriction, d.Remarks, d.ReviewDate, now.Format(timeFormat), d.Version, d.ID, d.Version-1)
		if isUnique(err) {
			return lookout.Errorf(lookout.ECONFLICT, "%s %s of %s is recorded already", d.Type, d.Number, d.IssuingCountry)
		} else if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return lookout.Errorf(lookout.ECONFLICT, "document %d was changed or deleted meanwhile; read it again", d.ID)
		}
		if err := addChange(ctx, tx, now, lookout.DatabaseDocuments, d.ID, "put"); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, now, audit)
	})
}

// DeleteDocument deletes a document.
func (db *DB) DeleteDocument(ctx context.Context, id int64, audit *lookout.AuditEntry) error {
	return db.deleteRecord(ctx, "documents", lookout.DatabaseDocuments, "document", id, audit, nil)
}

// ScanDocuments calls fn for every document in ID order.
func (db *DB) ScanDocuments(ctx context.Context, fn func(id int64, country, number, numberTo string) error) error {
	rows, err := db.r.QueryContext(ctx, `SELECT id, issuing_country, number, number_to FROM documents ORDER BY id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		id                        int64
		country, number, numberTo string
	)
	for rows.Next() {
		if err := rows.Scan(&id, &country, &number, &numberTo); err != nil {
			return err
		}
		if err := fn(id, country, number, numberTo); err != nil {
			return err
		}
	}
	return rows.Err()
}

func collectDocuments(rows *sql.Rows) ([]*lookout.Document, error) {
	defer rows.Close()
	var out []*lookout.Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func scanDocument(s scanner) (*lookout.Document, error) {
	var d lookout.Document
	var restriction, created, updated string
	if err := s.Scan(&d.ID, &d.Number, &d.NumberTo, &d.IssuingCountry, &d.OwnerCountry, &d.Type, &d.Status, &d.EventDate, &restriction, &d.Remarks, &d.ReviewDate, &d.CreatedBy, &created, &updated, &d.Version); err != nil {
		return nil, err
	}
	if restriction != "" {
		d.Restriction = new(lookout.Restriction)
		if err := json.Unmarshal([]byte(restriction), d.Restriction); err != nil {
			return nil, fmt.Errorf("document %d restriction: %w", d.ID, err)
		}
	}
	var err error
	if d.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if d.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	return &d, nil
}

func encodeRestriction(r *lookout.Restriction) (string, error) {
	if r == nil {
		return "", nil
	}
	b, err := json.Marshal(r)
	return string(b), err
}
