package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/lookout-network/lookout"
)

const screeningColumns = `id, reference, status, agency_id, country, total, done, hits, invalid, error, created_at, finished_at`

// InsertScreening stores a new job, setting its ID, with the results of the
// lines that could not be read and its audit entry.
func (db *DB) InsertScreening(ctx context.Context, s *lookout.Screening, bad []*lookout.ScreeningResult, audit *lookout.AuditEntry) error {
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		s.CreatedAt = now
		if err := tx.QueryRowContext(ctx, `INSERT INTO screenings (reference, status, agency_id, country, total, done, hits, invalid, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			s.Reference, s.Status, s.AgencyID, s.Country, s.Total, s.Done, s.Hits, s.Invalid, now.Format(timeFormat)).Scan(&s.ID); err != nil {
			return err
		}
		if err := insertScreeningResults(ctx, tx, s.ID, bad); err != nil {
			return err
		}
		audit.Object = strconv.FormatInt(s.ID, 10)
		return db.appendAudit(ctx, tx, now, audit)
	})
}

func insertScreeningResults(ctx context.Context, tx *sql.Tx, id int64, results []*lookout.ScreeningResult) error {
	ins := &multiRow{head: `INSERT INTO screening_results (screening_id, line, result) VALUES `, row: `(?, ?, ?)`}
	defer ins.close()
	for lo := 0; lo < len(results); lo += insertRows {
		chunk := results[lo:min(lo+insertRows, len(results))]
		args := make([]any, 0, 3*len(chunk))
		for _, r := range chunk {
			b, err := json.Marshal(r)
			if err != nil {
				return err
			}
			args = append(args, id, r.Line, string(b))
		}
		if err := ins.exec(ctx, tx, len(chunk), args); err != nil {
			return err
		}
	}
	return nil
}

// UpdateScreening stores a job's progress and status with the results found
// since the last update, and an audit entry when not nil.
func (db *DB) UpdateScreening(ctx context.Context, s *lookout.Screening, results []*lookout.ScreeningResult, audit *lookout.AuditEntry) error {
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		finished := ""
		if s.Status != lookout.ScreeningRunning {
			t := now
			s.FinishedAt = &t
			finished = now.Format(timeFormat)
		}
		res, err := tx.ExecContext(ctx, `UPDATE screenings SET status = ?, done = ?, hits = ?, invalid = ?, error = ?, finished_at = ? WHERE id = ?`,
			s.Status, s.Done, s.Hits, s.Invalid, s.Error, finished, s.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return lookout.Errorf(lookout.ENOTFOUND, "screening %d not found", s.ID)
		}
		if err := insertScreeningResults(ctx, tx, s.ID, results); err != nil {
			return err
		}
		if audit == nil {
			return nil
		}
		return db.appendAudit(ctx, tx, now, audit)
	})
}

// Screening returns a job by ID; ENOTFOUND.
func (db *DB) Screening(ctx context.Context, id int64) (*lookout.Screening, error) {
	var s lookout.Screening
	var created, finished string
	err := db.r.QueryRowContext(ctx, `SELECT `+screeningColumns+` FROM screenings WHERE id = ?`, id).Scan(&s.ID, &s.Reference, &s.Status, &s.AgencyID, &s.Country,
		&s.Total, &s.Done, &s.Hits, &s.Invalid, &s.Error, &created, &finished)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "screening %d not found", id)
	} else if err != nil {
		return nil, err
	}
	if s.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if finished != "" {
		t, err := parseTime(finished)
		if err != nil {
			return nil, err
		}
		s.FinishedAt = &t
	}
	return &s, nil
}

// ScreeningResults returns up to limit results of a job after line after,
// in line order.
func (db *DB) ScreeningResults(ctx context.Context, id int64, after, limit int) ([]*lookout.ScreeningResult, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT result FROM screening_results WHERE screening_id = ? AND line > ? ORDER BY line LIMIT ?`, id, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*lookout.ScreeningResult
	for rows.Next() {
		var b string
		if err := rows.Scan(&b); err != nil {
			return nil, err
		}
		var r lookout.ScreeningResult
		if err := json.Unmarshal([]byte(b), &r); err != nil {
			return nil, err
		}
		out = append(out, &r)
	}
	return out, rows.Err()
}

// FailInterruptedScreenings marks as failed the jobs a previous run of the
// server left running (it stopped or was killed while they ran): they will
// not finish, and their callers must be told so and screen again.
func (db *DB) FailInterruptedScreenings(ctx context.Context) (int64, error) {
	var n int64
	err := db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		res, err := tx.ExecContext(ctx, `UPDATE screenings SET status = ?, error = ?, finished_at = ? WHERE status = ?`,
			lookout.ScreeningFailed, "interrupted: the server stopped while the job ran; screen the manifest again", now.Format(timeFormat), lookout.ScreeningRunning)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
