-- Console accounts and sessions (issue 8), and the person who acted in
-- every audit entry made from the console.

CREATE TABLE accounts (
	id              INTEGER PRIMARY KEY,
	agency_id       TEXT NOT NULL REFERENCES agencies (id),
	username        TEXT NOT NULL UNIQUE,
	name            TEXT NOT NULL,
	grants          TEXT NOT NULL,
	disabled        INTEGER NOT NULL DEFAULT 0,
	password_hash   TEXT NOT NULL,
	totp_secret     BLOB NOT NULL,
	totp_step       INTEGER NOT NULL DEFAULT 0,
	failed_sign_ins INTEGER NOT NULL DEFAULT 0,
	locked_until    TEXT NOT NULL DEFAULT '',
	last_sign_in    TEXT NOT NULL DEFAULT '',
	created_at      TEXT NOT NULL,
	updated_at      TEXT NOT NULL
);
CREATE INDEX accounts_agency ON accounts (agency_id, username);

-- Only the SHA-256 of a session token is stored.
CREATE TABLE sessions (
	hash        BLOB PRIMARY KEY,
	account_id  INTEGER NOT NULL REFERENCES accounts (id),
	created_at  TEXT NOT NULL,
	last_seen   TEXT NOT NULL,
	expires_at  TEXT NOT NULL,
	remote_addr TEXT NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);

ALTER TABLE audit ADD COLUMN account TEXT NOT NULL DEFAULT '';
