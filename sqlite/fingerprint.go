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

const fingerprintColumns = `id, reference, format, fingers, template, owner_country, restriction, review_date, created_by, created_at, updated_at, version`

// InsertFingerprint stores a record.
func (db *DB) InsertFingerprint(ctx context.Context, f *lookout.Fingerprint, audit *lookout.AuditEntry) error {
	fingers, err := json.Marshal(f.Fingers)
	if err != nil {
		return err
	}
	restriction, err := encodeRestriction(f.Restriction)
	if err != nil {
		return err
	}
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		f.CreatedAt, f.UpdatedAt, f.Version = now, now, 1
		err := tx.QueryRowContext(ctx, `INSERT INTO fingerprints (reference, format, fingers, template, owner_country, restriction, review_date, created_by, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`,
			f.Reference, f.Format, string(fingers), f.Template, f.OwnerCountry, restriction, f.ReviewDate, f.CreatedBy, now.Format(timeFormat), now.Format(timeFormat)).Scan(&f.ID)
		if isUnique(err) {
			return lookout.Errorf(lookout.ECONFLICT, "%s has a fingerprint record with reference %q already", f.OwnerCountry, f.Reference)
		} else if err != nil {
			return err
		}
		if err := addChange(ctx, tx, now, lookout.DatabaseFingerprints, f.ID, "put"); err != nil {
			return err
		}
		audit.Object = fmt.Sprint(f.ID)
		return db.appendAudit(ctx, tx, now, audit)
	})
}

// FingerprintsByID returns the records of ids that exist.
func (db *DB) FingerprintsByID(ctx context.Context, ids []int64) ([]*lookout.Fingerprint, error) {
	return byIDs(ctx, db, "fingerprints", fingerprintColumns, ids, scanFingerprint)
}

// DeleteFingerprint deletes a record.
func (db *DB) DeleteFingerprint(ctx context.Context, id int64, audit *lookout.AuditEntry) error {
	return db.deleteRecord(ctx, "fingerprints", lookout.DatabaseFingerprints, "fingerprint record", id, audit, nil)
}

// ScanFingerprints calls fn for every record in ID order.
func (db *DB) ScanFingerprints(ctx context.Context, fn func(*lookout.Fingerprint) error) error {
	return eachRow(ctx, db, `SELECT `+fingerprintColumns+` FROM fingerprints ORDER BY id`, nil, scanFingerprint, fn)
}

func scanFingerprint(s scanner) (*lookout.Fingerprint, error) {
	var f lookout.Fingerprint
	var fingers, restriction, created, updated string
	if err := s.Scan(&f.ID, &f.Reference, &f.Format, &fingers, &f.Template, &f.OwnerCountry, &restriction, &f.ReviewDate, &f.CreatedBy, &created, &updated, &f.Version); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(fingers), &f.Fingers); err != nil {
		return nil, fmt.Errorf("fingerprint record %d fingers: %w", f.ID, err)
	}
	if restriction != "" {
		f.Restriction = new(lookout.Restriction)
		if err := json.Unmarshal([]byte(restriction), f.Restriction); err != nil {
			return nil, err
		}
	}
	var err error
	if f.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	f.UpdatedAt, err = parseTime(updated)
	return &f, err
}

// insertCandidates keeps the candidates of searches; db.mu is held.
func insertCandidates(ctx context.Context, tx *sql.Tx, cs []lookout.SearchCandidate) error {
	ins := &multiRow{head: `INSERT INTO search_candidates (search_id, database, record_id, position, score, rank, searching_agency, searching_country) VALUES `, row: `(?, ?, ?, ?, ?, ?, ?, ?)`}
	defer ins.close()
	for lo := 0; lo < len(cs); lo += insertRows {
		chunk := cs[lo:min(lo+insertRows, len(cs))]
		args := make([]any, 0, 8*len(chunk))
		for _, c := range chunk {
			args = append(args, c.SearchID, c.Database, c.RecordID, c.Position, c.Score, c.Rank, c.SearchingAgency, c.SearchingCountry)
		}
		if err := ins.exec(ctx, tx, len(chunk), args); err != nil {
			return fmt.Errorf("keep search candidates: %w", err)
		}
	}
	return nil
}

// SearchCandidate returns a candidate a search returned.
func (db *DB) SearchCandidate(ctx context.Context, searchID string, recordID int64, position int) (*lookout.SearchCandidate, error) {
	c := lookout.SearchCandidate{SearchID: searchID, RecordID: recordID, Position: position}
	err := db.r.QueryRowContext(ctx, `SELECT database, score, rank, searching_agency, searching_country FROM search_candidates WHERE search_id = ? AND record_id = ? AND position = ?`,
		searchID, recordID, position).Scan(&c.Database, &c.Score, &c.Rank, &c.SearchingAgency, &c.SearchingCountry)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "search %s returned no candidate %d at position %d", searchID, recordID, position)
	}
	return &c, err
}

// SearchCandidates returns a search's candidates in rank order, with the
// decisions recorded on them.
func (db *DB) SearchCandidates(ctx context.Context, searchID string) ([]*lookout.SearchCandidate, error) {
	cs, err := allRows(ctx, db, `SELECT c.search_id, c.database, c.record_id, c.position, c.score, c.rank, c.searching_agency, c.searching_country,
			d.database, d.decision, d.note, d.agency_id, d.hit_id, d.created_at
		FROM search_candidates c LEFT JOIN search_decisions d ON d.search_id = c.search_id AND d.record_id = c.record_id AND d.position = c.position
		WHERE c.search_id = ? ORDER BY c.rank, c.record_id, c.position`, []any{searchID}, scanSearchCandidate)
	if err != nil {
		return nil, fmt.Errorf("candidates of search %s: %w", searchID, err)
	}
	if len(cs) == 0 {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "search %s kept no candidates", searchID)
	}
	return cs, nil
}

func scanSearchCandidate(s scanner) (*lookout.SearchCandidate, error) {
	var c lookout.SearchCandidate
	var database, decision, note, agency, created sql.NullString
	var hitID sql.NullInt64
	if err := s.Scan(&c.SearchID, &c.Database, &c.RecordID, &c.Position, &c.Score, &c.Rank, &c.SearchingAgency, &c.SearchingCountry,
		&database, &decision, &note, &agency, &hitID, &created); err != nil {
		return nil, err
	}
	if !decision.Valid {
		return &c, nil
	}
	c.Decision = &lookout.Decision{SearchID: c.SearchID, Database: database.String, RecordID: c.RecordID, Position: c.Position,
		Decision: decision.String, Note: note.String, AgencyID: agency.String, HitID: hitID.Int64}
	var err error
	c.Decision.CreatedAt, err = parseTime(created.String)
	return &c, err
}

// RecordDecision stores a decision with its hit and audit entry; one on a
// candidate decided inconclusive takes that decision's place.
func (db *DB) RecordDecision(ctx context.Context, d *lookout.Decision, hit *lookout.Hit, audit *lookout.AuditEntry) error {
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		d.CreatedAt = now
		var hitID any
		if hit != nil {
			hit.CreatedAt, hit.UpdatedAt = now, now
			if err := tx.QueryRowContext(ctx, `INSERT INTO hits (database, search_id, match_kind, status, record_id, searching_agency, searching_country, owner_country, urgent, query, summary, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				hit.Database, hit.SearchID, hit.Match, hit.Status, hit.RecordID, hit.SearchingAgency, hit.SearchingCountry, hit.OwnerCountry, hit.Urgent, hit.Query, hit.Summary, now.Format(timeFormat), now.Format(timeFormat)).Scan(&hit.ID); err != nil {
				return err
			}
			d.HitID, hitID = hit.ID, hit.ID
			if _, err := tx.ExecContext(ctx, `INSERT INTO stats_daily (day, database, country, agency_id, checks, hits) VALUES (?, ?, ?, ?, 0, 1)
				ON CONFLICT (day, database, country, agency_id) DO UPDATE SET hits = stats_daily.hits + 1`,
				now.Format(lookout.DateLayout), hit.Database, hit.SearchingCountry, hit.SearchingAgency); err != nil {
				return err
			}
		}
		// A final decision stays: the upsert then changes no row, and the
		// hit inserted above goes with the rolled-back transaction.
		res, err := tx.ExecContext(ctx, `INSERT INTO search_decisions (search_id, database, record_id, position, decision, note, agency_id, hit_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (search_id, record_id, position) DO UPDATE SET database = excluded.database, decision = excluded.decision, note = excluded.note,
				agency_id = excluded.agency_id, hit_id = excluded.hit_id, created_at = excluded.created_at
			WHERE search_decisions.decision = ?`,
			d.SearchID, d.Database, d.RecordID, d.Position, d.Decision, d.Note, d.AgencyID, hitID, now.Format(timeFormat), lookout.DecisionInconclusive)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return lookout.Errorf(lookout.ECONFLICT, "candidate %d at position %d of search %s is decided already", d.RecordID, d.Position, d.SearchID)
		}
		return db.appendAudit(ctx, tx, now, audit)
	})
}
