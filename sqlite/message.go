package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/lookout-network/lookout"
)

const messageColumns = `m.id, m.sender_agency, m.sender_country, m.priority, m.hit_id, m.notice_id, m.thread_id, m.reply_to, m.record_db, m.record_id, m.key_id, m.wrapped_key, m.header, m.attachments, m.created_at`

// InsertMessage stores a sealed message with its recipients, attachments,
// search terms, notifications and audit entry.
func (db *DB) InsertMessage(ctx context.Context, m *lookout.SealedMessage, notify func(*lookout.SealedMessage) []*lookout.Event, audit func(*lookout.SealedMessage) *lookout.AuditEntry) error {
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		m.CreatedAt = now
		if err := tx.QueryRowContext(ctx, `INSERT INTO messages (sender_agency, sender_country, priority, hit_id, notice_id, thread_id, reply_to, record_db, record_id, key_id, wrapped_key, header, attachments, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			m.From, m.FromCountry, m.Priority, m.HitID, m.NoticeID, m.ThreadID, m.ReplyTo, m.RecordDB, m.RecordID, m.KeyID, m.WrappedKey, m.Header, len(m.Attachments), now.Format(timeFormat)).Scan(&m.ID); err != nil {
			return err
		}
		if m.ThreadID == 0 {
			m.ThreadID = m.ID
			if _, err := tx.ExecContext(ctx, `UPDATE messages SET thread_id = ? WHERE id = ?`, m.ID, m.ID); err != nil {
				return err
			}
		}
		for i, to := range m.To {
			if _, err := tx.ExecContext(ctx, `INSERT INTO message_recipients (message_id, agency_id, country) VALUES (?, ?, ?)`, m.ID, to, m.ToCountries[i]); err != nil {
				return err
			}
		}
		for i, a := range m.Attachments {
			if _, err := tx.ExecContext(ctx, `INSERT INTO message_attachments (message_id, idx, content_type, size, sha256, data) VALUES (?, ?, ?, ?, ?, ?)`, m.ID, i, a.ContentType, a.Size, a.SHA256, a.Data); err != nil {
				return err
			}
		}
		for _, t := range m.Terms {
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO message_terms (term, message_id) VALUES (?, ?)`, t, m.ID); err != nil {
				return err
			}
		}
		if err := insertEvents(ctx, tx, now, notify(m)...); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, now, audit(m))
	})
}

// Message returns a sealed message with its attachments.
func (db *DB) Message(ctx context.Context, id int64) (*lookout.SealedMessage, error) {
	list, err := db.queryMessages(ctx, `SELECT `+messageColumns+` FROM messages m WHERE m.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "message %d not found", id)
	}
	m := list[0]
	rows, err := db.r.QueryContext(ctx, `SELECT content_type, size, sha256, data FROM message_attachments WHERE message_id = ? ORDER BY idx`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a lookout.SealedAttachment
		if err := rows.Scan(&a.ContentType, &a.Size, &a.SHA256, &a.Data); err != nil {
			return nil, err
		}
		m.Attachments = append(m.Attachments, a)
	}
	return m, rows.Err()
}

// Messages lists a box, newest first.
func (db *DB) Messages(ctx context.Context, f lookout.MessageFilter) ([]*lookout.SealedMessage, error) {
	var q string
	args := []any{f.AgencyID}
	switch f.Box {
	case "sent":
		q = `SELECT ` + messageColumns + ` FROM messages m WHERE m.sender_agency = ?`
	default:
		q = `SELECT ` + messageColumns + ` FROM messages m JOIN message_recipients r ON r.message_id = m.id WHERE r.agency_id = ?`
	}
	if f.Before > 0 {
		q += ` AND m.id < ?`
		args = append(args, f.Before)
	}
	if f.HitID > 0 {
		q += ` AND m.hit_id = ?`
		args = append(args, f.HitID)
	}
	if f.NoticeID > 0 {
		// "> 0" lets SQLite use the partial index of linked messages.
		q += ` AND m.notice_id = ? AND m.notice_id > 0`
		args = append(args, f.NoticeID)
	}
	for _, t := range f.Terms {
		q += ` AND m.id IN (SELECT message_id FROM message_terms WHERE term = ?)`
		args = append(args, t)
	}
	q += ` ORDER BY m.id DESC LIMIT ?`
	args = append(args, limit(f.Limit, 50, 500))
	return db.queryMessages(ctx, q, args...)
}

// MessagesOnHit lists the messages on a hit, oldest first.
func (db *DB) MessagesOnHit(ctx context.Context, hitID int64) ([]*lookout.SealedMessage, error) {
	return db.queryMessages(ctx, `SELECT `+messageColumns+` FROM messages m WHERE m.hit_id = ? ORDER BY m.id LIMIT 1000`, hitID)
}

func (db *DB) queryMessages(ctx context.Context, q string, args ...any) ([]*lookout.SealedMessage, error) {
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	var out []*lookout.SealedMessage
	byID := map[int64]*lookout.SealedMessage{}
	for rows.Next() {
		var m lookout.SealedMessage
		var n int
		var t string
		if err := rows.Scan(&m.ID, &m.From, &m.FromCountry, &m.Priority, &m.HitID, &m.NoticeID, &m.ThreadID, &m.ReplyTo, &m.RecordDB, &m.RecordID, &m.KeyID, &m.WrappedKey, &m.Header, &n, &t); err != nil {
			rows.Close()
			return nil, err
		}
		if m.CreatedAt, err = parseTime(t); err != nil {
			rows.Close()
			return nil, err
		}
		m.HasAttachment = n > 0
		m.ReadAt = map[string]time.Time{}
		out = append(out, &m)
		byID[m.ID] = &m
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]any, len(out))
	for i, m := range out {
		ids[i] = m.ID
	}
	rows, err = db.r.QueryContext(ctx, `SELECT message_id, agency_id, country, read_at FROM message_recipients WHERE message_id IN (?`+strings.Repeat(", ?", len(ids)-1)+`) ORDER BY message_id, rowid`, ids...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var agency, country, read string
		if err := rows.Scan(&id, &agency, &country, &read); err != nil {
			return nil, err
		}
		m := byID[id]
		m.To = append(m.To, agency)
		m.ToCountries = append(m.ToCountries, country)
		if read != "" {
			if m.ReadAt[agency], err = parseTime(read); err != nil {
				return nil, err
			}
		}
	}
	return out, rows.Err()
}

// MarkRead records the first read of a message by a recipient.
func (db *DB) MarkRead(ctx context.Context, id int64, agencyID string, notify []*lookout.Event, audit *lookout.AuditEntry) error {
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		res, err := tx.ExecContext(ctx, `UPDATE message_recipients SET read_at = ? WHERE message_id = ? AND agency_id = ? AND read_at = ''`, now.Format(timeFormat), id, agencyID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var one int
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM message_recipients WHERE message_id = ? AND agency_id = ?`, id, agencyID).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return lookout.Errorf(lookout.ENOTFOUND, "message %d not found", id)
			}
			return err // read before: nothing to record
		}
		if err := insertEvents(ctx, tx, now, notify...); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, now, audit)
	})
}
