package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/lookout-network/lookout"
)

const eventColumns = `seq, type, time, country, agency_id, hit_id, message_id, database, record_id, data`

// insertEvents appends events to the sequence, setting their Seq and Time.
func insertEvents(ctx context.Context, tx *sql.Tx, now time.Time, events ...*lookout.Event) error {
	for _, e := range events {
		if e.Time.IsZero() {
			e.Time = now
		}
		data := string(e.Data)
		if err := tx.QueryRowContext(ctx, `INSERT INTO events (type, time, country, agency_id, hit_id, message_id, database, record_id, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
			e.Type, e.Time.Format(timeFormat), e.Country, e.AgencyID, e.HitID, e.MessageID, e.Database, e.RecordID, data).Scan(&e.Seq); err != nil {
			return err
		}
	}
	return nil
}

// hitOpened tells the record's creator of a hit when it asked to hear of
// searches of its records. The hit.opened events of both parties come from
// the trigger hits_opened, which every code path that opens hits shares.
func hitOpened(ctx context.Context, tx *sql.Tx, now time.Time, h *lookout.Hit) error {
	if h.Database != lookout.DatabaseDocuments {
		return nil
	}
	var creator, country string
	err := tx.QueryRowContext(ctx, `SELECT a.id, a.country FROM documents d JOIN agencies a ON a.id = d.created_by WHERE d.id = ? AND a.notify_on_search = 1`, h.RecordID).Scan(&creator, &country)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return err
	}
	notice, _ := json.Marshal(map[string]any{"search_id": h.SearchID, "searching_country": h.SearchingCountry, "match": h.Match, "summary": h.Summary})
	return insertEvents(ctx, tx, now, &lookout.Event{Type: lookout.EventRecordSearched, Country: country, AgencyID: creator, HitID: h.ID, Database: h.Database, RecordID: h.RecordID, Data: notice})
}

// AppendEvents stores notifications with their audit entry.
func (db *DB) AppendEvents(ctx context.Context, events []*lookout.Event, audit *lookout.AuditEntry) error {
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		if err := insertEvents(ctx, tx, now, events...); err != nil {
			return err
		}
		if audit == nil {
			return nil
		}
		return db.appendAudit(ctx, tx, now, audit)
	})
}

// Events lists events in sequence order.
func (db *DB) Events(ctx context.Context, f lookout.EventFilter) ([]*lookout.Event, error) {
	q := `SELECT ` + eventColumns + ` FROM events WHERE seq > ?`
	args := []any{f.After}
	switch {
	case f.AgencyID != "" && f.Country != "":
		q += ` AND (agency_id = ? OR (agency_id = '' AND country = ?))`
		args = append(args, f.AgencyID, f.Country)
	case f.AgencyID != "":
		q += ` AND agency_id = ?`
		args = append(args, f.AgencyID)
	}
	q += ` ORDER BY seq LIMIT ?`
	args = append(args, limit(f.Limit, 1000, 10000))
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*lookout.Event
	for rows.Next() {
		var e lookout.Event
		var t, data string
		if err := rows.Scan(&e.Seq, &e.Type, &t, &e.Country, &e.AgencyID, &e.HitID, &e.MessageID, &e.Database, &e.RecordID, &data); err != nil {
			return nil, err
		}
		if e.Time, err = parseTime(t); err != nil {
			return nil, err
		}
		if data != "" {
			e.Data = json.RawMessage(data)
		}
		out = append(out, &e)
	}
	return out, rows.Err()
}

// EventHead returns the sequence number of the last event.
func (db *DB) EventHead(ctx context.Context) (int64, error) {
	var seq int64
	err := db.r.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM events`).Scan(&seq)
	return seq, err
}

// SetNotifyOnSearch stores an agency's NotifyOnSearch.
func (db *DB) SetNotifyOnSearch(ctx context.Context, agencyID string, on bool, audit *lookout.AuditEntry) error {
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		res, err := tx.ExecContext(ctx, `UPDATE agencies SET notify_on_search = ?, updated_at = ? WHERE id = ?`, on, now.Format(timeFormat), agencyID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return lookout.Errorf(lookout.ENOTFOUND, "agency %q not found", agencyID)
		}
		return db.appendAudit(ctx, tx, now, audit)
	})
}

const webhookColumns = `id, agency_id, country, url, secret, follows_hits, cursor, created_at`

// CreateWebhook stores a webhook with its cursor at the event head: it
// receives what happens from now on.
func (db *DB) CreateWebhook(ctx context.Context, w *lookout.Webhook, audit *lookout.AuditEntry) error {
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM events`).Scan(&w.Cursor); err != nil {
			return err
		}
		w.CreatedAt = now
		if err := tx.QueryRowContext(ctx, `INSERT INTO webhooks (agency_id, country, url, secret, follows_hits, cursor, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			w.AgencyID, w.Country, w.URL, w.Secret, w.FollowsHits, w.Cursor, now.Format(timeFormat)).Scan(&w.ID); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, now, audit)
	})
}

// Webhooks lists every webhook.
func (db *DB) Webhooks(ctx context.Context) ([]*lookout.Webhook, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+webhookColumns+` FROM webhooks ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*lookout.Webhook
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// Webhook returns one webhook.
func (db *DB) Webhook(ctx context.Context, id int64) (*lookout.Webhook, error) {
	w, err := scanWebhook(db.r.QueryRowContext(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "webhook %d not found", id)
	}
	return w, err
}

func scanWebhook(s scanner) (*lookout.Webhook, error) {
	var w lookout.Webhook
	var t string
	if err := s.Scan(&w.ID, &w.AgencyID, &w.Country, &w.URL, &w.Secret, &w.FollowsHits, &w.Cursor, &t); err != nil {
		return nil, err
	}
	var err error
	w.CreatedAt, err = parseTime(t)
	return &w, err
}

// RecordDelivery logs an attempt and, when delivered, advances the cursor.
func (db *DB) RecordDelivery(ctx context.Context, d *lookout.Delivery, delivered bool) error {
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		if d.Time.IsZero() {
			d.Time = now
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO webhook_deliveries (webhook_id, event_seq, attempt, time, status, error) SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM webhooks WHERE id = ?) RETURNING id`,
			d.WebhookID, d.EventSeq, d.Attempt, d.Time.Format(timeFormat), d.Status, d.Error, d.WebhookID).Scan(&d.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return lookout.Errorf(lookout.ENOTFOUND, "webhook %d not found", d.WebhookID)
		} else if err != nil {
			return err
		}
		if delivered {
			_, err := tx.ExecContext(ctx, `UPDATE webhooks SET cursor = MAX(cursor, ?) WHERE id = ?`, d.EventSeq, d.WebhookID)
			return err
		}
		return nil
	})
}

// DeleteWebhook deletes a webhook and its delivery log.
func (db *DB) DeleteWebhook(ctx context.Context, id int64, audit *lookout.AuditEntry) error {
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE webhook_id = ?`, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM webhooks WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return lookout.Errorf(lookout.ENOTFOUND, "webhook %d not found", id)
		}
		return db.appendAudit(ctx, tx, now, audit)
	})
}

// Deliveries lists a webhook's delivery log.
func (db *DB) Deliveries(ctx context.Context, webhookID, after int64, n int) ([]*lookout.Delivery, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, webhook_id, event_seq, attempt, time, status, error FROM webhook_deliveries WHERE webhook_id = ? AND id > ? ORDER BY id LIMIT ?`, webhookID, after, limit(n, 100, 1000))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*lookout.Delivery
	for rows.Next() {
		var d lookout.Delivery
		var t string
		if err := rows.Scan(&d.ID, &d.WebhookID, &d.EventSeq, &d.Attempt, &t, &d.Status, &d.Error); err != nil {
			return nil, err
		}
		if d.Time, err = parseTime(t); err != nil {
			return nil, err
		}
		out = append(out, &d)
	}
	return out, rows.Err()
}
