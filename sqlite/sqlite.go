// Package sqlite is Lookout's embedded store: the system of record in one
// SQLite file (modernc.org/sqlite, pure Go), in WAL mode with full
// synchronisation, foreign keys, one writer connection and a pool of readers.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lookout-network/lookout"
	_ "modernc.org/sqlite"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// insertRows is how many rows one multi-row INSERT carries.
const insertRows = 64

// timeFormat keeps microseconds and sorts as text.
const timeFormat = "2006-01-02T15:04:05.000000Z"

// DB is the embedded store. It implements lookout.Store.
type DB struct {
	path string
	w    *sql.DB // exactly one connection: SQLite has one writer
	r    *sql.DB

	// mu serialises write transactions and guards head, the last audit
	// entry, which every write chains onto.
	mu   sync.Mutex
	head *lookout.AuditEntry

	// stmts are the hot statements, prepared on w at open; documentByID
	// is the read of one document, prepared on r.
	stmts        map[string]*sql.Stmt
	documentByID *sql.Stmt

	// Now is the clock of every transaction; tests replace it.
	Now lookout.Clock
}

var _ lookout.Store = (*DB)(nil)

// Open opens (creating if needed) the store at path and brings its schema up
// to date. It refuses a store whose schema is newer than this binary knows.
func Open(ctx context.Context, path string) (*DB, error) {
	db := &DB{path: path, Now: lookout.Now}
	// The store holds police data: readable by its owner only.
	if f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600); err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	} else {
		f.Close()
	}
	dsn := func(extra string) string {
		q := url.Values{}
		for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)", "busy_timeout(10000)", "temp_store(MEMORY)", "cache_size(-65536)"} {
			q.Add("_pragma", p)
		}
		return "file:" + path + "?" + q.Encode() + extra
	}
	var err error
	if db.w, err = sql.Open("sqlite", dsn("&_txlock=immediate")); err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	db.w.SetMaxOpenConns(1)
	db.w.SetMaxIdleConns(1)
	db.w.SetConnMaxLifetime(0)
	if db.r, err = sql.Open("sqlite", dsn("&_pragma=query_only(1)")); err != nil {
		db.w.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	db.r.SetMaxOpenConns(8)
	db.r.SetMaxIdleConns(8)
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.loadHead(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.prepareHot(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.prepareReads(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the store.
func (db *DB) Close() error {
	var errs []error
	if db.r != nil {
		errs = append(errs, db.r.Close())
	}
	if db.w != nil {
		errs = append(errs, db.w.Close())
	}
	return errors.Join(errs...)
}

// Migrations returns the embedded migrations in order; their count is the
// schema version, which every backend must match.
func Migrations() ([]string, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	return names, nil
}

func (db *DB) migrate(ctx context.Context) error {
	names, err := Migrations()
	if err != nil {
		return err
	}
	if _, err := db.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	var current int
	if err := db.w.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if current > len(names) {
		return fmt.Errorf("store %s has schema version %d, newer than this binary knows (%d): upgrade lookout", db.path, current, len(names))
	}
	for i, name := range names[current:] {
		version := current + i + 1
		if n, err := strconv.Atoi(strings.SplitN(strings.TrimPrefix(name, "migrations/"), "_", 2)[0]); err != nil || n != version {
			return fmt.Errorf("migration %s is out of sequence: expected number %04d", name, version)
		}
		body, err := migrationFS.ReadFile(name)
		if err != nil {
			return err
		}
		tx, err := db.w.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, version, db.Now().Format(timeFormat)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

func (db *DB) loadHead(ctx context.Context) error {
	rows, err := db.w.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit ORDER BY seq DESC LIMIT 1`)
	if err != nil {
		return fmt.Errorf("read audit head: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if db.head, err = scanAudit(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// write runs fn in a write transaction with one now for all its timestamps.
// The audit head moves only if the transaction commits.
func (db *DB) write(ctx context.Context, fn func(tx *sql.Tx, now time.Time) error) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	head := db.head
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx, db.Now()); err != nil {
		tx.Rollback()
		db.head = head
		return err
	}
	if err := tx.Commit(); err != nil {
		db.head = head
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// multiRow is an INSERT of up to insertRows rows per statement, prepared
// once per transaction for full chunks: per-statement overhead, not the
// B-tree, dominates single-row inserts. With db set, the statements of one
// and of insertRows rows come prepared from db's cache (see hotStatements),
// so the hot paths parse no SQL at all.
type multiRow struct {
	head, row, tail string
	db              *DB
	full            *sql.Stmt
}

func (m *multiRow) text(n int) string {
	return m.head + strings.TrimSuffix(strings.Repeat(m.row+", ", n), ", ") + m.tail
}

// query runs the statement for n rows with args.
func (m *multiRow) query(ctx context.Context, tx *sql.Tx, n int, args []any) (*sql.Rows, error) {
	if m.db != nil && (n == 1 || n == insertRows) {
		if st := m.db.prepared(ctx, tx, m.text(n)); st != nil {
			return st.QueryContext(ctx, args...)
		}
	}
	if n < insertRows {
		return tx.QueryContext(ctx, m.text(n), args...)
	}
	if m.full == nil {
		var err error
		if m.full, err = tx.PrepareContext(ctx, m.text(insertRows)); err != nil {
			return nil, err
		}
	}
	return m.full.QueryContext(ctx, args...)
}

// exec runs the statement for n rows and discards any result rows. Short
// chunks run the prepared one-row statement n times rather than parse an
// n-row statement.
func (m *multiRow) exec(ctx context.Context, tx *sql.Tx, n int, args []any) error {
	if m.db != nil && n > 1 && n < insertRows {
		if one := m.db.prepared(ctx, tx, m.text(1)); one != nil {
			per := len(args) / n
			for i := range n {
				if _, err := one.ExecContext(ctx, args[i*per:(i+1)*per]...); err != nil {
					return err
				}
			}
			return nil
		}
	}
	rows, err := m.query(ctx, tx, n, args)
	if err != nil {
		return err
	}
	return rows.Close()
}

// Shapes of the inserts on the hot paths (checks, imports).
var (
	auditRows   = multiRow{head: `INSERT INTO audit (seq, time, agency_id, country, action, database, object, query, outcome, detail, account, prev_hash, hash) VALUES `, row: `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`}
	changeRows  = multiRow{head: `INSERT INTO changes (database, record_id, op, time) VALUES `, row: `('documents', ?, 'put', ?)`}
	statsUpsert = `INSERT INTO stats_daily (day, database, country, agency_id, checks, hits) VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT (day, database, country, agency_id) DO UPDATE SET checks = stats_daily.checks + excluded.checks, hits = stats_daily.hits + excluded.hits`
)

// hotStatements are prepared once at open on the writer connection.
func hotStatements() []string {
	var out []string
	for _, m := range []multiRow{auditRows, changeRows} {
		out = append(out, m.text(1), m.text(insertRows))
	}
	return append(out, statsUpsert)
}

// prepareHot prepares the hot statements; it runs before any transaction
// holds the single writer connection.
func (db *DB) prepareHot(ctx context.Context) error {
	db.stmts = map[string]*sql.Stmt{}
	for _, q := range hotStatements() {
		st, err := db.w.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("prepare %.40s: %w", q, err)
		}
		db.stmts[q] = st
	}
	return nil
}

// prepareReads prepares the hot reads on the read pool.
func (db *DB) prepareReads(ctx context.Context) (err error) {
	db.documentByID, err = db.r.PrepareContext(ctx, `SELECT `+documentColumns+` FROM documents WHERE id = ?`)
	return err
}

// prepared returns the cached statement of q bound to tx, or nil.
func (db *DB) prepared(ctx context.Context, tx *sql.Tx, q string) *sql.Stmt {
	st, ok := db.stmts[q]
	if !ok {
		return nil
	}
	return tx.StmtContext(ctx, st)
}

func (m *multiRow) close() {
	if m.full != nil {
		m.full.Close()
	}
}

// appendAudit chains entries onto the head and inserts them; db.mu is held.
func (db *DB) appendAudit(ctx context.Context, tx *sql.Tx, now time.Time, entries ...*lookout.AuditEntry) error {
	ins := auditRows
	ins.db = db
	defer ins.close()
	for lo := 0; lo < len(entries); lo += insertRows {
		chunk := entries[lo:min(lo+insertRows, len(entries))]
		args := make([]any, 0, 13*len(chunk))
		for _, e := range chunk {
			if e.Time.IsZero() {
				e.Time = now
			}
			e.Time = e.Time.UTC().Truncate(time.Microsecond)
			e.Chain(db.head)
			db.head = e
			args = append(args, e.Seq, e.Time.Format(timeFormat), e.AgencyID, e.Country, e.Action, e.Database, e.Object, e.Query, e.Outcome, e.Detail, e.Account, e.PrevHash, e.Hash)
		}
		if err := ins.exec(ctx, tx, len(chunk), args); err != nil {
			return fmt.Errorf("append audit entries %d-%d: %w", chunk[0].Seq, chunk[len(chunk)-1].Seq, err)
		}
	}
	return nil
}

func addChange(ctx context.Context, tx *sql.Tx, now time.Time, database string, id int64, op string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO changes (database, record_id, op, time) VALUES (?, ?, ?, ?)`, database, id, op, now.Format(timeFormat))
	return err
}

// AppendAudit appends entries that go with no other change.
func (db *DB) AppendAudit(ctx context.Context, entries ...*lookout.AuditEntry) error {
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		return db.appendAudit(ctx, tx, now, entries...)
	})
}

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeFormat, s)
	if err != nil {
		return t, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t, nil
}

func limit(n, def, max int) int {
	if n <= 0 {
		return def
	}
	return min(n, max)
}

// isUnique reports whether err is a unique-constraint violation.
func isUnique(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}
