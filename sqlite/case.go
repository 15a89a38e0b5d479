package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"github.com/lookout-network/lookout"
)

// formatOptTime stores a zero time as the empty string.
func formatOptTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeFormat)
}

func parseOptTime(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := parseTime(s)
	return &t, err
}

// scanFollowup sets the follow-up times of a hit from their stored text.
func scanFollowup(h *lookout.Hit, deadline, acknowledged, decided, closed string) error {
	d, err := parseOptTime(deadline)
	if err != nil {
		return err
	}
	if d != nil {
		h.Deadline = *d
	}
	if h.AcknowledgedAt, err = parseOptTime(acknowledged); err != nil {
		return err
	}
	if h.DecidedAt, err = parseOptTime(decided); err != nil {
		return err
	}
	h.ClosedAt, err = parseOptTime(closed)
	return err
}

func optTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return formatOptTime(*t)
}

// ApplyCaseChange stores one step of a case, guarded by the status the hub
// saw, so that two officers acting at once cannot both move the case.
func (db *DB) ApplyCaseChange(ctx context.Context, ch *lookout.CaseChange) error {
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		h, ev := ch.Hit, ch.Event
		stamp := now
		switch ev.Action {
		case lookout.ActionAcknowledge:
			h.AcknowledgedAt = &stamp
		case lookout.ActionConfirm, lookout.ActionReject:
			h.DecidedAt = &stamp
		case lookout.ActionClose:
			h.ClosedAt = &stamp
		}
		h.UpdatedAt = now
		q := `UPDATE hits SET status = ?, overdue = ?, outcome = ?, acknowledged_at = ?, decided_at = ?, closed_at = ?, updated_at = ? WHERE id = ? AND status = ?`
		if ev.Action == "overdue" {
			q += ` AND overdue = 0` // flag once
		}
		res, err := tx.ExecContext(ctx, q, h.Status, h.Overdue, h.Outcome, optTime(h.AcknowledgedAt), optTime(h.DecidedAt), optTime(h.ClosedAt), now.Format(timeFormat), h.ID, ch.From)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return lookout.Errorf(lookout.ECONFLICT, "hit %d changed meanwhile (it is no longer %s); read it again", h.ID, ch.From)
		}
		ev.HitID, ev.Time = h.ID, now
		if err := tx.QueryRowContext(ctx, `INSERT INTO case_events (hit_id, time, agency_id, country, action, from_status, to_status, note, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			ev.HitID, now.Format(timeFormat), ev.AgencyID, ev.Country, ev.Action, ev.FromStatus, ev.ToStatus, ev.Note, ev.Outcome).Scan(&ev.ID); err != nil {
			return err
		}
		day := now.Format(lookout.DateLayout)
		latency := func(kind string) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO stats_latency (day, database, country, owner_country, kind, bucket, count) VALUES (?, ?, ?, ?, ?, ?, 1)
				ON CONFLICT (day, database, country, owner_country, kind, bucket) DO UPDATE SET count = count + 1`,
				day, h.Database, h.SearchingCountry, h.OwnerCountry, kind, lookout.LatencyBucket(now.Sub(h.CreatedAt)))
			return err
		}
		switch ev.Action {
		case lookout.ActionAcknowledge:
			err = latency(lookout.LatencyAcknowledge)
		case lookout.ActionConfirm, lookout.ActionReject:
			err = latency(lookout.LatencyConfirm)
		case lookout.ActionClose:
			_, err = tx.ExecContext(ctx, `INSERT INTO stats_outcomes (day, database, country, owner_country, outcome, hits) VALUES (?, ?, ?, ?, ?, 1)
				ON CONFLICT (day, database, country, owner_country, outcome) DO UPDATE SET hits = hits + 1`,
				day, h.Database, h.SearchingCountry, h.OwnerCountry, h.Outcome)
		}
		if err != nil {
			return err
		}
		if err := insertEvents(ctx, tx, now, ch.Notify...); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, now, ch.Audit)
	})
}

// CaseEvents returns a hit's timeline in order.
func (db *DB) CaseEvents(ctx context.Context, hitID int64) ([]*lookout.CaseEvent, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, hit_id, time, agency_id, country, action, from_status, to_status, note, outcome FROM case_events WHERE hit_id = ? ORDER BY id`, hitID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*lookout.CaseEvent{}
	for rows.Next() {
		var e lookout.CaseEvent
		var t string
		if err := rows.Scan(&e.ID, &e.HitID, &t, &e.AgencyID, &e.Country, &e.Action, &e.FromStatus, &e.ToStatus, &e.Note, &e.Outcome); err != nil {
			return nil, err
		}
		if e.Time, err = parseTime(t); err != nil {
			return nil, err
		}
		out = append(out, &e)
	}
	return out, rows.Err()
}

// DueHits returns hits past their deadline still awaiting the owner.
func (db *DB) DueHits(ctx context.Context, t time.Time, n int) ([]*lookout.Hit, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+hitColumns+` FROM hits WHERE overdue = 0 AND status IN ('open', 'acknowledged') AND deadline != '' AND deadline < ? ORDER BY deadline LIMIT ?`,
		t.UTC().Format(timeFormat), limit(n, 100, 1000))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*lookout.Hit
	for rows.Next() {
		h, err := scanHit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// statsDimensions maps the groupings of a StatsQuery to columns.
var statsDimensions = map[string]string{"day": "day", "database": "database", "country": "country", "agency": "agency_id"}

// StatsRollup reads the rolled-up counters: one indexed range per table,
// whatever the number of checks logged.
func (db *DB) StatsRollup(ctx context.Context, q lookout.StatsQuery) (*lookout.StatsRollup, error) {
	by := q.By
	if len(by) == 0 {
		by = []string{"day", "database", "country"}
	}
	var cols []string
	for _, d := range by {
		c, ok := statsDimensions[d]
		if !ok {
			return nil, lookout.FieldErrorf("by", "by %q is not one of day, database, country, agency", d)
		}
		cols = append(cols, c)
	}
	agency := slices.Contains(cols, "agency_id")
	daily, monthly := "stats_country_daily", "stats_country_monthly"
	if agency {
		daily, monthly = "stats_daily", "stats_monthly"
	}
	// Without a day dimension, whole months come from the monthly rollup
	// and only the days at either end from the daily one.
	dayRanges := [][2]string{{q.From, q.To}}
	var months [2]string
	if !slices.Contains(cols, "day") {
		dayRanges, months = splitMonths(q.From, q.To)
	}
	country := ""
	var countryArgs []any
	if q.Country != "" {
		country, countryArgs = ` AND country = ?`, []any{q.Country}
	}
	var parts []string
	var args []any
	for _, r := range dayRanges {
		parts = append(parts, `SELECT `+strings.Join(cols, ", ")+`, checks, hits FROM `+daily+` WHERE day >= ? AND day <= ?`+country)
		args = append(append(args, r[0], r[1]), countryArgs...)
	}
	if months[0] != "" {
		parts = append(parts, `SELECT `+strings.Join(cols, ", ")+`, checks, hits FROM `+monthly+` WHERE month >= ? AND month <= ?`+country)
		args = append(append(args, months[0], months[1]), countryArgs...)
	}
	group := strings.Join(cols, ", ")
	rows, err := db.r.QueryContext(ctx, `SELECT `+group+`, SUM(checks), SUM(hits) FROM (`+strings.Join(parts, ` UNION ALL `)+`) GROUP BY `+group+` ORDER BY `+group, args...)
	if err != nil {
		return nil, err
	}
	out := &lookout.StatsRollup{Rows: []lookout.StatsCount{}, Outcomes: []lookout.OutcomeCount{}, Latency: map[string]lookout.LatencyBuckets{}}
	for rows.Next() {
		var r lookout.StatsCount
		dest := make([]any, 0, len(cols)+2)
		for _, c := range cols {
			switch c {
			case "day":
				dest = append(dest, &r.Day)
			case "database":
				dest = append(dest, &r.Database)
			case "country":
				dest = append(dest, &r.Country)
			case "agency_id":
				dest = append(dest, &r.AgencyID)
			}
		}
		if err := rows.Scan(append(dest, &r.Checks, &r.Hits)...); err != nil {
			rows.Close()
			return nil, err
		}
		out.Rows = append(out.Rows, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// A case counts for both of its countries.
	where := ` WHERE day >= ? AND day <= ?`
	args = []any{q.From, q.To}
	if q.Country != "" {
		where += ` AND (country = ? OR owner_country = ?)`
		args = append(args, q.Country, q.Country)
	}
	rows, err = db.r.QueryContext(ctx, `SELECT outcome, SUM(hits) FROM stats_outcomes`+where+` GROUP BY outcome ORDER BY outcome`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var o lookout.OutcomeCount
		if err := rows.Scan(&o.Outcome, &o.Hits); err != nil {
			rows.Close()
			return nil, err
		}
		out.Outcomes = append(out.Outcomes, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = db.r.QueryContext(ctx, `SELECT kind, bucket, SUM(count) FROM stats_latency`+where+` GROUP BY kind, bucket`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var bucket int
		var n int64
		if err := rows.Scan(&kind, &bucket, &n); err != nil {
			return nil, err
		}
		if out.Latency[kind] == nil {
			out.Latency[kind] = lookout.LatencyBuckets{}
		}
		out.Latency[kind][bucket] += n
	}
	return out, rows.Err()
}

// splitMonths splits from..to (dates, inclusive) into the whole months it
// covers and the day ranges before and after them.
func splitMonths(from, to string) (days [][2]string, months [2]string) {
	f, err1 := time.Parse(lookout.DateLayout, from)
	t, err2 := time.Parse(lookout.DateLayout, to)
	if err1 != nil || err2 != nil {
		return [][2]string{{from, to}}, months
	}
	first := time.Date(f.Year(), f.Month(), 1, 0, 0, 0, 0, time.UTC)
	if !first.Equal(f) {
		first = first.AddDate(0, 1, 0)
	}
	end := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1, -1) // last day of to's month
	if !end.Equal(t) {
		end = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	}
	if first.After(end) {
		return [][2]string{{from, to}}, months
	}
	if f.Before(first) {
		days = append(days, [2]string{from, first.AddDate(0, 0, -1).Format(lookout.DateLayout)})
	}
	if t.After(end) {
		days = append(days, [2]string{end.AddDate(0, 0, 1).Format(lookout.DateLayout), to})
	}
	return days, [2]string{first.Format("2006-01"), end.Format("2006-01")}
}

// DocumentsForReview lists documents due for review by date.
func (db *DB) DocumentsForReview(ctx context.Context, date string, unnoticed bool, n int) ([]*lookout.Document, error) {
	q := `SELECT ` + documentColumns + ` FROM documents d WHERE review_date <= ?`
	if unnoticed {
		q += ` AND NOT EXISTS (SELECT 1 FROM review_notices r WHERE r.database = 'documents' AND r.record_id = d.id AND r.review_date = d.review_date)`
	}
	rows, err := db.r.QueryContext(ctx, q+` ORDER BY review_date, id LIMIT ?`, date, limit(n, 1000, 10000))
	if err != nil {
		return nil, err
	}
	return collectDocuments(rows)
}

// reviewTables names the table of each database with a review date.
var reviewTables = map[string]string{lookout.DatabaseDocuments: "documents", lookout.DatabasePersons: "persons", lookout.DatabaseDNA: "dna_profiles", lookout.DatabaseFingerprints: "fingerprints"}

// RecordsForReview lists records of any database due for review by date.
func (db *DB) RecordsForReview(ctx context.Context, database, date string, unnoticed bool, n int) ([]lookout.ReviewItem, error) {
	table, ok := reviewTables[database]
	if !ok {
		return nil, lookout.FieldErrorf("database", "database %q has no review dates", database)
	}
	q := `SELECT id, owner_country, review_date FROM ` + table + ` t WHERE review_date <= ?`
	if unnoticed {
		q += ` AND NOT EXISTS (SELECT 1 FROM review_notices r WHERE r.database = ? AND r.record_id = t.id AND r.review_date = t.review_date)`
	}
	args := []any{date}
	if unnoticed {
		args = append(args, database)
	}
	rows, err := db.r.QueryContext(ctx, q+` ORDER BY review_date, id LIMIT ?`, append(args, limit(n, 1000, 10000))...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []lookout.ReviewItem
	for rows.Next() {
		r := lookout.ReviewItem{Database: database}
		if err := rows.Scan(&r.ID, &r.OwnerCountry, &r.ReviewDate); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// NoteRecordReviewDue records that the owner was told of a review date.
func (db *DB) NoteRecordReviewDue(ctx context.Context, r lookout.ReviewItem, notify []*lookout.Event, audit *lookout.AuditEntry) error {
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO review_notices (database, record_id, review_date, time) VALUES (?, ?, ?, ?)`, r.Database, r.ID, r.ReviewDate, now.Format(timeFormat)); isUnique(err) {
			return lookout.Errorf(lookout.ECONFLICT, "%s record %d: owner told of review date %s already", r.Database, r.ID, r.ReviewDate)
		} else if err != nil {
			return err
		}
		if err := insertEvents(ctx, tx, now, notify...); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, now, audit)
	})
}

// NoteReviewDue records that the owner was told of a review date.
func (db *DB) NoteReviewDue(ctx context.Context, d *lookout.Document, notify []*lookout.Event, audit *lookout.AuditEntry) error {
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO review_notices (database, record_id, review_date, time) VALUES ('documents', ?, ?, ?)`, d.ID, d.ReviewDate, now.Format(timeFormat)); isUnique(err) {
			return lookout.Errorf(lookout.ECONFLICT, "document %d: owner told of review date %s already", d.ID, d.ReviewDate)
		} else if err != nil {
			return err
		}
		if err := insertEvents(ctx, tx, now, notify...); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, now, audit)
	})
}

// ExpireDocument deletes a document whose review date passed unextended.
func (db *DB) ExpireDocument(ctx context.Context, id int64, reviewDate string, notify []*lookout.Event, audit *lookout.AuditEntry) error {
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM documents WHERE id = ? AND review_date = ?`, id, reviewDate)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return lookout.Errorf(lookout.ECONFLICT, "document %d was extended or deleted meanwhile", id)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM review_notices WHERE database = 'documents' AND record_id = ?`, id); err != nil {
			return err
		}
		if err := addChange(ctx, tx, now, lookout.DatabaseDocuments, id, "delete"); err != nil {
			return err
		}
		if err := insertEvents(ctx, tx, now, notify...); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, now, audit)
	})
}
