package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/lookout-network/lookout"
)

const noticeColumns = `id, kind, person_id, type, status, data, owner_country, requested_by, expires_on, created_at, updated_at, version`

// noticeData is the part of a notice kept as one JSON document.
type noticeData struct {
	Summary            string                `json:"summary"`
	Offence            string                `json:"offence,omitempty"`
	Purpose            string                `json:"purpose,omitempty"`
	PenaltyYears       float64               `json:"penalty_years,omitempty"`
	SentenceMonthsLeft int                   `json:"sentence_months_left,omitempty"`
	ArrestWarrant      string                `json:"arrest_warrant,omitempty"`
	WarrantIssuedBy    string                `json:"warrant_issued_by,omitempty"`
	Recipients         []string              `json:"recipients,omitempty"`
	Review             *lookout.NoticeReview `json:"review,omitempty"`
	CancelReason       string                `json:"cancel_reason,omitempty"`
}

func encodeNotice(n *lookout.Notice) (string, error) {
	b, err := json.Marshal(noticeData{Summary: n.Summary, Offence: n.Offence, Purpose: n.Purpose, PenaltyYears: n.PenaltyYears,
		SentenceMonthsLeft: n.SentenceMonthsLeft, ArrestWarrant: n.ArrestWarrant, WarrantIssuedBy: n.WarrantIssuedBy,
		Recipients: n.Recipients, Review: n.Review, CancelReason: n.CancelReason})
	return string(b), err
}

// InsertNotice stores a notice or diffusion, setting its ID; ENOTFOUND when
// its person does not exist (any more).
func (db *DB) InsertNotice(ctx context.Context, n *lookout.Notice, audit *lookout.AuditEntry) error {
	data, err := encodeNotice(n)
	if err != nil {
		return err
	}
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM persons WHERE id = ?`, n.PersonID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return lookout.Errorf(lookout.ENOTFOUND, "person %d not found", n.PersonID)
		} else if err != nil {
			return err
		}
		n.CreatedAt, n.UpdatedAt, n.Version = now, now, 1
		nowText := now.Format(timeFormat)
		if err := tx.QueryRowContext(ctx, `INSERT INTO notices (kind, person_id, type, status, data, owner_country, requested_by, expires_on, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`, n.Kind, n.PersonID, n.Type, n.Status, data, n.OwnerCountry, n.RequestedBy, n.ExpiresOn, nowText, nowText).Scan(&n.ID); err != nil {
			return fmt.Errorf("insert notice: %w", err)
		}
		if err := addChange(ctx, tx, now, lookout.DatabaseNotices, n.ID, "put"); err != nil {
			return err
		}
		audit.Object = strconv.FormatInt(n.ID, 10)
		return db.appendAudit(ctx, tx, now, audit)
	})
}

// Notice returns a notice by ID; ENOTFOUND.
func (db *DB) Notice(ctx context.Context, id int64) (*lookout.Notice, error) {
	n, err := scanNotice(db.r.QueryRowContext(ctx, `SELECT `+noticeColumns+` FROM notices WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "notice %d not found", id)
	}
	return n, err
}

// Notices lists notices in ID order.
func (db *DB) Notices(ctx context.Context, f lookout.NoticeFilter) ([]*lookout.Notice, error) {
	q := `SELECT ` + noticeColumns + ` FROM notices WHERE id > ?`
	args := []any{f.After}
	for _, c := range []struct {
		col, v string
	}{{"status", f.Status}, {"type", f.Type}, {"kind", f.Kind}} {
		if c.v != "" {
			q += ` AND ` + c.col + ` = ?`
			args = append(args, c.v)
		}
	}
	if f.PersonID != 0 {
		q += ` AND person_id = ?`
		args = append(args, f.PersonID)
	}
	q += ` ORDER BY id LIMIT ?`
	args = append(args, limit(f.Limit, 100, 10000))
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*lookout.Notice
	for rows.Next() {
		n, err := scanNotice(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// UpdateNotice stores n if nobody changed it since version n.Version-1
// (ECONFLICT otherwise), with its audit entry.
func (db *DB) UpdateNotice(ctx context.Context, n *lookout.Notice, audit *lookout.AuditEntry) error {
	data, err := encodeNotice(n)
	if err != nil {
		return err
	}
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		n.UpdatedAt = now
		res, err := tx.ExecContext(ctx, `UPDATE notices SET status = ?, data = ?, expires_on = ?, updated_at = ?, version = ? WHERE id = ? AND version = ?`,
			n.Status, data, n.ExpiresOn, now.Format(timeFormat), n.Version, n.ID, n.Version-1)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return lookout.Errorf(lookout.ECONFLICT, "notice %d was changed meanwhile; read it again", n.ID)
		}
		if err := addChange(ctx, tx, now, lookout.DatabaseNotices, n.ID, "put"); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, now, audit)
	})
}

// ScanNotices calls fn for every notice in ID order.
func (db *DB) ScanNotices(ctx context.Context, fn func(*lookout.Notice) error) error {
	return eachRow(ctx, db, `SELECT `+noticeColumns+` FROM notices ORDER BY id`, nil, scanNotice, fn)
}

func scanNotice(s scanner) (*lookout.Notice, error) {
	var n lookout.Notice
	var data, created, updated string
	if err := s.Scan(&n.ID, &n.Kind, &n.PersonID, &n.Type, &n.Status, &data, &n.OwnerCountry, &n.RequestedBy, &n.ExpiresOn, &created, &updated, &n.Version); err != nil {
		return nil, err
	}
	var d noticeData
	if err := json.Unmarshal([]byte(data), &d); err != nil {
		return nil, fmt.Errorf("notice %d data: %w", n.ID, err)
	}
	n.Summary, n.Offence, n.Purpose, n.PenaltyYears, n.SentenceMonthsLeft = d.Summary, d.Offence, d.Purpose, d.PenaltyYears, d.SentenceMonthsLeft
	n.ArrestWarrant, n.WarrantIssuedBy, n.Recipients, n.Review, n.CancelReason = d.ArrestWarrant, d.WarrantIssuedBy, d.Recipients, d.Review, d.CancelReason
	var err error
	if n.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	n.UpdatedAt, err = parseTime(updated)
	return &n, err
}
