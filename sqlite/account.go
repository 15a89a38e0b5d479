package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/lookout-network/lookout"
)

const accountColumns = `id, agency_id, username, name, grants, disabled, password_hash, totp_secret, totp_step, failed_sign_ins, locked_until, last_sign_in, created_at, updated_at`

// CreateAccount stores a new console account.
func (db *DB) CreateAccount(ctx context.Context, a *lookout.Account, audit *lookout.AuditEntry) error {
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		a.CreatedAt, a.UpdatedAt = now, now
		res, err := tx.ExecContext(ctx, `INSERT INTO accounts (agency_id, username, name, grants, disabled, password_hash, totp_secret, totp_step, failed_sign_ins, locked_until, last_sign_in, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.AgencyID, a.Username, a.Name, joinGrants(a.Grants), a.Disabled, a.PasswordHash, a.TOTPSecret, a.TOTPStep, a.FailedSignIns,
			formatOptTime(a.LockedUntil), formatOptTime(a.LastSignIn), now.Format(timeFormat), now.Format(timeFormat))
		if isUnique(err) {
			e := lookout.Errorf(lookout.ECONFLICT, "username %q is taken", a.Username)
			e.Field = "username"
			return e
		} else if err != nil {
			return err
		}
		if a.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, now, audit)
	})
}

// Account returns an account by ID.
func (db *DB) Account(ctx context.Context, id int64) (*lookout.Account, error) {
	a, err := scanAccount(db.r.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "account %d not found", id)
	}
	return a, err
}

// AccountByUsername returns an account by its username.
func (db *DB) AccountByUsername(ctx context.Context, username string) (*lookout.Account, error) {
	a, err := scanAccount(db.r.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE username = ?`, username))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "account %q not found", username)
	}
	return a, err
}

// Accounts lists the accounts of an agency by username.
func (db *DB) Accounts(ctx context.Context, agencyID string) ([]*lookout.Account, error) {
	return allRows(ctx, db, `SELECT `+accountColumns+` FROM accounts WHERE agency_id = ? ORDER BY username`, []any{agencyID}, scanAccount)
}

// UpdateAccount stores every field of a that may change: name, grants,
// disabled, credentials and sign-in state. With endSessions, every session
// of the account ends in the same transaction; with s, a new session starts
// in it. audit may be nil for changes that are not events (none yet).
func (db *DB) UpdateAccount(ctx context.Context, a *lookout.Account, endSessions bool, s *lookout.Session, audit *lookout.AuditEntry) error {
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		a.UpdatedAt = now
		res, err := tx.ExecContext(ctx, `UPDATE accounts SET name = ?, grants = ?, disabled = ?, password_hash = ?, totp_secret = ?, totp_step = ?,
			failed_sign_ins = ?, locked_until = ?, last_sign_in = ?, updated_at = ? WHERE id = ?`,
			a.Name, joinGrants(a.Grants), a.Disabled, a.PasswordHash, a.TOTPSecret, a.TOTPStep, a.FailedSignIns,
			formatOptTime(a.LockedUntil), formatOptTime(a.LastSignIn), now.Format(timeFormat), a.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return lookout.Errorf(lookout.ENOTFOUND, "account %d not found", a.ID)
		}
		if endSessions {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE account_id = ?`, a.ID); err != nil {
				return err
			}
		}
		if s != nil {
			s.AccountID = a.ID
			if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (hash, account_id, created_at, last_seen, expires_at, remote_addr) VALUES (?, ?, ?, ?, ?, ?)`,
				s.Hash, s.AccountID, s.CreatedAt.UTC().Format(timeFormat), s.LastSeen.UTC().Format(timeFormat), s.ExpiresAt.UTC().Format(timeFormat), s.RemoteAddr); err != nil {
				return err
			}
		}
		if audit == nil {
			return nil
		}
		return db.appendAudit(ctx, tx, now, audit)
	})
}

// Session returns a session by the hash of its token.
func (db *DB) Session(ctx context.Context, hash []byte) (*lookout.Session, error) {
	s, err := scanSession(db.r.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "session not found")
	}
	return s, err
}

const sessionColumns = `hash, account_id, created_at, last_seen, expires_at, remote_addr`

func scanSession(sc scanner) (*lookout.Session, error) {
	var s lookout.Session
	var created, seen, expires string
	if err := sc.Scan(&s.Hash, &s.AccountID, &created, &seen, &expires, &s.RemoteAddr); err != nil {
		return nil, err
	}
	var err error
	for _, t := range []struct {
		dst *time.Time
		s   string
	}{{&s.CreatedAt, created}, {&s.LastSeen, seen}, {&s.ExpiresAt, expires}} {
		if *t.dst, err = parseTime(t.s); err != nil {
			return nil, err
		}
	}
	return &s, nil
}

// AccountSessions lists an account's sessions, the last used first.
func (db *DB) AccountSessions(ctx context.Context, accountID int64) ([]*lookout.Session, error) {
	return allRows(ctx, db, `SELECT `+sessionColumns+` FROM sessions WHERE account_id = ? ORDER BY last_seen DESC LIMIT 100`, []any{accountID}, scanSession)
}

// DeleteOtherSessions ends every session of an account but keep's.
func (db *DB) DeleteOtherSessions(ctx context.Context, accountID int64, keep []byte, audit *lookout.AuditEntry) error {
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE account_id = ? AND hash != ?`, accountID, keep); err != nil {
			return err
		}
		if audit == nil {
			return nil
		}
		return db.appendAudit(ctx, tx, now, audit)
	})
}

// TouchSession records that a session was used at t.
func (db *DB) TouchSession(ctx context.Context, hash []byte, t time.Time) error {
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		_, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen = ? WHERE hash = ?`, t.UTC().Format(timeFormat), hash)
		return err
	})
}

// DeleteSession ends a session; ending one that is gone is not an error.
// Sessions past their end are swept in the same transaction.
func (db *DB) DeleteSession(ctx context.Context, hash []byte, audit *lookout.AuditEntry) error {
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE hash = ? OR expires_at <= ? OR last_seen <= ?`,
			hash, now.Format(timeFormat), now.Add(-lookout.SessionIdle).Format(timeFormat)); err != nil {
			return err
		}
		if audit == nil {
			return nil
		}
		return db.appendAudit(ctx, tx, now, audit)
	})
}

func scanAccount(s scanner) (*lookout.Account, error) {
	var a lookout.Account
	var grants, locked, last, created, updated string
	if err := s.Scan(&a.ID, &a.AgencyID, &a.Username, &a.Name, &grants, &a.Disabled, &a.PasswordHash, &a.TOTPSecret, &a.TOTPStep,
		&a.FailedSignIns, &locked, &last, &created, &updated); err != nil {
		return nil, err
	}
	a.Grants = splitGrants(grants)
	for _, t := range []struct {
		dst *time.Time
		s   string
	}{{&a.LockedUntil, locked}, {&a.LastSignIn, last}, {&a.CreatedAt, created}, {&a.UpdatedAt, updated}} {
		p, err := parseOptTime(t.s)
		if err != nil {
			return nil, err
		}
		if p != nil {
			*t.dst = *p
		}
	}
	return &a, nil
}
