package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/lookout-network/lookout"
)

const hitColumns = `id, database, search_id, match_kind, status, record_id, searching_agency, searching_country, owner_country, urgent, query, summary, created_at, updated_at, deadline, overdue, outcome, acknowledged_at, decided_at, closed_at`

const auditColumns = `seq, time, agency_id, country, action, database, object, query, outcome, detail, account, prev_hash, hash`

// RecordSearches commits a group of searches: their audit entries, their hits
// and their counts, in one transaction and so one disk flush.
func (db *DB) RecordSearches(ctx context.Context, searches []*lookout.Search) error {
	type statKey struct{ day, database, country, agency string }
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		counts := map[statKey][2]int64{}
		var entries []*lookout.AuditEntry
		var hitStmt *sql.Stmt
		for _, s := range searches {
			e := s.Audit
			if e.Time.IsZero() {
				e.Time = now
			}
			entries = append(entries, e)
			k := statKey{e.Time.UTC().Format(lookout.DateLayout), e.Database, e.Country, e.AgencyID}
			c := counts[k]
			c[0]++
			c[1] += int64(len(s.Hits))
			counts[k] = c
			for _, h := range s.Hits {
				if hitStmt == nil {
					var err error
					hitStmt, err = tx.PrepareContext(ctx, `INSERT INTO hits (database, search_id, match_kind, status, record_id, searching_agency, searching_country, owner_country, urgent, query, summary, created_at, updated_at, deadline) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
					if err != nil {
						return err
					}
					defer hitStmt.Close()
				}
				h.CreatedAt, h.UpdatedAt = now, now
				if err := hitStmt.QueryRowContext(ctx, h.Database, h.SearchID, h.Match, h.Status, h.RecordID, h.SearchingAgency, h.SearchingCountry, h.OwnerCountry, h.Urgent, h.Query, h.Summary, now.Format(timeFormat), now.Format(timeFormat), formatOptTime(h.Deadline)).Scan(&h.ID); err != nil {
					return err
				}
				if err := hitOpened(ctx, tx, now, h); err != nil {
					return err
				}
			}
		}
		for _, s := range searches {
			if err := insertCandidates(ctx, tx, s.Candidates); err != nil {
				return err
			}
		}
		upsert := db.prepared(ctx, tx, statsUpsert)
		for k, c := range counts {
			if _, err := upsert.ExecContext(ctx, k.day, k.database, k.country, k.agency, c[0], c[1]); err != nil {
				return err
			}
		}
		return db.appendAudit(ctx, tx, now, entries...)
	})
}

// Hit returns a hit by ID.
func (db *DB) Hit(ctx context.Context, id int64) (*lookout.Hit, error) {
	h, err := scanHit(db.r.QueryRowContext(ctx, `SELECT `+hitColumns+` FROM hits WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "hit %d not found", id)
	}
	return h, err
}

// Hits lists hits in ID order.
func (db *DB) Hits(ctx context.Context, f lookout.HitFilter) ([]*lookout.Hit, error) {
	q := `SELECT ` + hitColumns + ` FROM hits WHERE id > ?`
	args := []any{f.After}
	if f.Country != "" {
		q += ` AND (searching_country = ? OR owner_country = ?)`
		args = append(args, f.Country, f.Country)
	}
	if f.Status != "" {
		q += ` AND status = ?`
		args = append(args, f.Status)
	}
	if f.Database != "" {
		q += ` AND database = ?`
		args = append(args, f.Database)
	}
	q += ` ORDER BY id LIMIT ?`
	args = append(args, limit(f.Limit, 100, 1000))
	return allRows(ctx, db, q, args, scanHit)
}

func scanHit(s scanner) (*lookout.Hit, error) {
	var h lookout.Hit
	var created, updated, deadline, acknowledged, decided, closed string
	if err := s.Scan(&h.ID, &h.Database, &h.SearchID, &h.Match, &h.Status, &h.RecordID, &h.SearchingAgency, &h.SearchingCountry, &h.OwnerCountry, &h.Urgent, &h.Query, &h.Summary, &created, &updated, &deadline, &h.Overdue, &h.Outcome, &acknowledged, &decided, &closed); err != nil {
		return nil, err
	}
	var err error
	if h.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if h.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	return &h, scanFollowup(&h, deadline, acknowledged, decided, closed)
}

// AuditEntries lists entries in sequence order.
func (db *DB) AuditEntries(ctx context.Context, f lookout.AuditFilter) ([]*lookout.AuditEntry, error) {
	q := `SELECT ` + auditColumns + ` FROM audit WHERE seq > ?`
	args := []any{f.AfterSeq}
	if f.BeforeSeq > 0 {
		q += ` AND seq < ?`
		args = append(args, f.BeforeSeq)
	}
	// The filters, most selective first: the first one set walks its index
	// (migration 0007) newest first; the others are only tested ("+col"
	// keeps SQLite from walking a broad index such as the country's).
	indexed := false
	for _, c := range []struct{ col, v string }{{"account", f.Account}, {"agency_id", f.AgencyID}, {"action", f.Action}, {"country", f.Country}} {
		if c.v == "" {
			continue
		}
		col := c.col
		if indexed {
			col = "+" + col
		}
		indexed = true
		q += ` AND ` + col + ` = ?`
		args = append(args, c.v)
		if c.col == "account" {
			// Lets SQLite use the partial index of the console's entries.
			q += ` AND account != ''`
		}
	}
	// Entries are appended in time order (to within a group commit), so a
	// time bound becomes a sequence bound found by bisection, with a
	// minute's margin; the time test itself stays exact.
	if !f.From.IsZero() || !f.To.IsZero() {
		var last int64
		if err := db.r.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM audit`).Scan(&last); err != nil {
			return nil, err
		}
		if !f.From.IsZero() {
			lo, err := db.auditSeqAt(ctx, f.From.Add(-time.Minute), last)
			if err != nil {
				return nil, err
			}
			q += ` AND seq >= ?`
			args = append(args, lo)
		}
		if !f.To.IsZero() {
			hi, err := db.auditSeqAt(ctx, f.To.Add(time.Minute), last)
			if err != nil {
				return nil, err
			}
			q += ` AND seq <= ?`
			args = append(args, hi)
		}
	}
	if !f.From.IsZero() {
		q += ` AND time >= ?`
		args = append(args, f.From.UTC().Format(timeFormat))
	}
	if !f.To.IsZero() {
		q += ` AND time < ?`
		args = append(args, f.To.UTC().Format(timeFormat))
	}
	if f.Newest {
		q += ` ORDER BY seq DESC LIMIT ?`
	} else {
		q += ` ORDER BY seq LIMIT ?`
	}
	args = append(args, limit(f.Limit, 100, 1000))
	return allRows(ctx, db, q, args, scanAudit)
}

// auditSeqAt returns the sequence number of the first entry at or after t
// (last+1 when none is), bisecting on the primary key up to entry last.
func (db *DB) auditSeqAt(ctx context.Context, t time.Time, last int64) (int64, error) {
	want := t.UTC().Format(timeFormat)
	lo, hi := int64(1), last+1
	for lo < hi {
		mid := lo + (hi-lo)/2
		var at string
		err := db.r.QueryRowContext(ctx, `SELECT time FROM audit WHERE seq >= ? ORDER BY seq LIMIT 1`, mid).Scan(&at)
		if errors.Is(err, sql.ErrNoRows) {
			hi = mid
			continue
		} else if err != nil {
			return 0, err
		}
		if at >= want {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo, nil
}

// ScanAudit calls fn for every entry in sequence order.
func (db *DB) ScanAudit(ctx context.Context, fn func(*lookout.AuditEntry) error) error {
	return eachRow(ctx, db, `SELECT `+auditColumns+` FROM audit ORDER BY seq`, nil, scanAudit, fn)
}

func scanAudit(s scanner) (*lookout.AuditEntry, error) {
	var e lookout.AuditEntry
	var t string
	if err := s.Scan(&e.Seq, &t, &e.AgencyID, &e.Country, &e.Action, &e.Database, &e.Object, &e.Query, &e.Outcome, &e.Detail, &e.Account, &e.PrevHash, &e.Hash); err != nil {
		return nil, err
	}
	var err error
	e.Time, err = parseTime(t)
	return &e, err
}

// Stats returns the rolled-up counters per day and database.
func (db *DB) Stats(ctx context.Context, f lookout.StatsFilter) ([]lookout.StatsRow, error) {
	q := `SELECT day, database, country, SUM(checks), SUM(hits) FROM stats_daily WHERE day >= ? AND day <= ?`
	args := []any{f.From, f.To}
	if f.Country != "" {
		q += ` AND country = ?`
		args = append(args, f.Country)
	}
	q += ` GROUP BY day, database, country ORDER BY day, database, country`
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []lookout.StatsRow{}
	for rows.Next() {
		var r lookout.StatsRow
		if err := rows.Scan(&r.Day, &r.Database, &r.Country, &r.Checks, &r.Hits); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Changes returns the change feed after seq.
func (db *DB) Changes(ctx context.Context, since int64, n int) ([]lookout.Change, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT seq, database, record_id, op, time FROM changes WHERE seq > ? ORDER BY seq LIMIT ?`, since, limit(n, 1000, 10000))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []lookout.Change{}
	for rows.Next() {
		var c lookout.Change
		var t string
		if err := rows.Scan(&c.Seq, &c.Database, &c.RecordID, &c.Op, &t); err != nil {
			return nil, err
		}
		if c.Time, err = parseTime(t); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ChangeHead returns the sequence number of the last change.
func (db *DB) ChangeHead(ctx context.Context) (int64, error) {
	var seq int64
	err := db.r.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM changes`).Scan(&seq)
	return seq, err
}

// AuditHead returns the last entry of the audit chain, or nil when empty.
func (db *DB) AuditHead(ctx context.Context) (*lookout.AuditEntry, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit ORDER BY seq DESC LIMIT 1`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var e *lookout.AuditEntry
	for rows.Next() {
		if e, err = scanAudit(rows); err != nil {
			return nil, err
		}
	}
	return e, rows.Err()
}
