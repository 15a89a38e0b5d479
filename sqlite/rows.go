package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/lookout-network/lookout"
)

// eachRow runs a read and calls fn with every row that scan reads.
func eachRow[T any](ctx context.Context, db *DB, query string, args []any, scan func(scanner) (T, error), fn func(T) error) error {
	rows, err := db.r.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return err
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return rows.Err()
}

// byIDs reads the rows of table whose id is in ids, in any order; ids that
// do not exist are left out.
func byIDs[T any](ctx context.Context, db *DB, table, columns string, ids []int64, scan func(scanner) (T, error)) ([]T, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return allRows(ctx, db, `SELECT `+columns+` FROM `+table+` WHERE id IN (?`+strings.Repeat(",?", len(ids)-1)+`)`, args, scan)
}

// allRows runs a read and collects every row that scan reads.
func allRows[T any](ctx context.Context, db *DB, query string, args []any, scan func(scanner) (T, error)) ([]T, error) {
	var out []T
	err := eachRow(ctx, db, query, args, scan, func(v T) error { out = append(out, v); return nil })
	return out, err
}

// deleteRecord deletes row id of table, notes the deletion in the change
// feed of database and appends its audit entry, all in one transaction;
// also, when not nil, runs in that transaction after the delete. what names
// the record in the not-found error.
func (db *DB) deleteRecord(ctx context.Context, table, database, what string, id int64, audit *lookout.AuditEntry, also func(tx *sql.Tx, now time.Time) error) error {
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return lookout.Errorf(lookout.ENOTFOUND, "%s %d not found", what, id)
		}
		if err := addChange(ctx, tx, now, database, id, "delete"); err != nil {
			return err
		}
		if also != nil {
			if err := also(tx, now); err != nil {
				return err
			}
		}
		return db.appendAudit(ctx, tx, now, audit)
	})
}
