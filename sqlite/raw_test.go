package sqlite_test

import (
	"database/sql"
	"testing"
)

// MustRawExec runs SQL on a store file behind the store's back.
func MustRawExec(tb testing.TB, path, stmt string) {
	tb.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(stmt); err != nil {
		tb.Fatal(err)
	}
}
