package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/lookout-network/lookout"
)

const agencyColumns = `id, kind, country, name, COALESCE(parent_id, ''), grants, disabled, notify_on_search, created_at, updated_at`

// CreateAgency stores a and the hash of its first token.
func (db *DB) CreateAgency(ctx context.Context, a *lookout.Agency, tokenHash []byte, audit *lookout.AuditEntry) error {
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		a.CreatedAt, a.UpdatedAt = now, now
		var parent any
		if a.ParentID != "" {
			parent = a.ParentID
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO agencies (id, kind, country, name, parent_id, grants, disabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, a.Kind, a.Country, a.Name, parent, joinGrants(a.Grants), a.Disabled, now.Format(timeFormat), now.Format(timeFormat))
		if isUnique(err) {
			if strings.Contains(err.Error(), "agencies.country") {
				return lookout.Errorf(lookout.ECONFLICT, "country %s already has an NCB", a.Country)
			}
			return lookout.Errorf(lookout.ECONFLICT, "agency %q exists already", a.ID)
		} else if err != nil {
			return err
		}
		if tokenHash != nil {
			if _, err := tx.ExecContext(ctx, `INSERT INTO tokens (hash, agency_id, created_at) VALUES (?, ?, ?)`, tokenHash, a.ID, now.Format(timeFormat)); err != nil {
				return err
			}
		}
		return db.appendAudit(ctx, tx, now, audit)
	})
}

// Agency returns an agency by ID.
func (db *DB) Agency(ctx context.Context, id string) (*lookout.Agency, error) {
	a, err := scanAgency(db.r.QueryRowContext(ctx, `SELECT `+agencyColumns+` FROM agencies WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "agency %q not found", id)
	}
	return a, err
}

// Agencies lists agencies in ID order.
func (db *DB) Agencies(ctx context.Context, f lookout.AgencyFilter) ([]*lookout.Agency, error) {
	q := `SELECT ` + agencyColumns + ` FROM agencies WHERE id > ?`
	args := []any{f.After}
	if f.Country != "" {
		q += ` AND country = ?`
		args = append(args, f.Country)
	}
	if f.ParentID != "" {
		q += ` AND parent_id = ?`
		args = append(args, f.ParentID)
	}
	q += ` ORDER BY id LIMIT ?`
	args = append(args, limit(f.Limit, 100, 1000))
	return allRows(ctx, db, q, args, scanAgency)
}

// UpdateAgency stores a's name, grants and disabled flag.
func (db *DB) UpdateAgency(ctx context.Context, a *lookout.Agency, audit *lookout.AuditEntry) error {
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		a.UpdatedAt = now
		res, err := tx.ExecContext(ctx, `UPDATE agencies SET name = ?, grants = ?, disabled = ?, updated_at = ? WHERE id = ?`,
			a.Name, joinGrants(a.Grants), a.Disabled, now.Format(timeFormat), a.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return lookout.Errorf(lookout.ENOTFOUND, "agency %q not found", a.ID)
		}
		return db.appendAudit(ctx, tx, now, audit)
	})
}

// AddToken stores the hash of a new token of an agency.
func (db *DB) AddToken(ctx context.Context, agencyID string, tokenHash []byte, audit *lookout.AuditEntry) error {
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO tokens (hash, agency_id, created_at) VALUES (?, ?, ?)`, tokenHash, agencyID, now.Format(timeFormat)); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, now, audit)
	})
}

// AgencyByToken returns the agency a token hash belongs to.
func (db *DB) AgencyByToken(ctx context.Context, tokenHash []byte) (*lookout.Agency, error) {
	a, err := scanAgency(db.r.QueryRowContext(ctx, `SELECT a.id, a.kind, a.country, a.name, COALESCE(a.parent_id, ''), a.grants, a.disabled, a.notify_on_search, a.created_at, a.updated_at FROM tokens t JOIN agencies a ON a.id = t.agency_id WHERE t.hash = ?`, tokenHash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "unknown token")
	}
	return a, err
}

type scanner interface{ Scan(...any) error }

func scanAgency(s scanner) (*lookout.Agency, error) {
	var a lookout.Agency
	var grants, created, updated string
	if err := s.Scan(&a.ID, &a.Kind, &a.Country, &a.Name, &a.ParentID, &grants, &a.Disabled, &a.NotifyOnSearch, &created, &updated); err != nil {
		return nil, err
	}
	a.Grants = splitGrants(grants)
	var err error
	if a.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if a.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	return &a, nil
}

func joinGrants(gs []lookout.Grant) string {
	s := make([]string, len(gs))
	for i, g := range gs {
		s[i] = string(g)
	}
	return strings.Join(s, " ")
}

func splitGrants(s string) []lookout.Grant {
	gs := []lookout.Grant{}
	for _, f := range strings.Fields(s) {
		gs = append(gs, lookout.Grant(f))
	}
	return gs
}
