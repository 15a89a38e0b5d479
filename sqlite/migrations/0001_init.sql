CREATE TABLE agencies (
	id         TEXT PRIMARY KEY,
	kind       TEXT NOT NULL,
	country    TEXT NOT NULL,
	name       TEXT NOT NULL,
	parent_id  TEXT REFERENCES agencies (id),
	grants     TEXT NOT NULL,
	disabled   INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX agencies_one_ncb ON agencies (country) WHERE kind = 'ncb';
CREATE INDEX agencies_parent ON agencies (parent_id);

CREATE TABLE tokens (
	hash       BLOB PRIMARY KEY,
	agency_id  TEXT NOT NULL REFERENCES agencies (id),
	created_at TEXT NOT NULL
);

CREATE TABLE documents (
	id              INTEGER PRIMARY KEY,
	number          TEXT NOT NULL,
	number_to       TEXT NOT NULL DEFAULT '',
	issuing_country TEXT NOT NULL,
	owner_country   TEXT NOT NULL,
	type            TEXT NOT NULL,
	status          TEXT NOT NULL,
	event_date      TEXT NOT NULL DEFAULT '',
	restriction     TEXT NOT NULL DEFAULT '',
	remarks         TEXT NOT NULL DEFAULT '',
	review_date     TEXT NOT NULL,
	created_by      TEXT NOT NULL REFERENCES agencies (id),
	created_at      TEXT NOT NULL,
	updated_at      TEXT NOT NULL,
	version         INTEGER NOT NULL
);
CREATE UNIQUE INDEX documents_key ON documents (issuing_country, number, type);
CREATE INDEX documents_owner ON documents (owner_country, id);

CREATE TABLE hits (
	id                INTEGER PRIMARY KEY,
	database          TEXT NOT NULL,
	search_id         TEXT NOT NULL,
	match_kind        TEXT NOT NULL,
	status            TEXT NOT NULL,
	record_id         INTEGER NOT NULL,
	searching_agency  TEXT NOT NULL REFERENCES agencies (id),
	searching_country TEXT NOT NULL,
	owner_country     TEXT NOT NULL,
	urgent            INTEGER NOT NULL,
	query             TEXT NOT NULL,
	summary           TEXT NOT NULL,
	created_at        TEXT NOT NULL,
	updated_at        TEXT NOT NULL
);
CREATE INDEX hits_searching ON hits (searching_country, id);
CREATE INDEX hits_owner ON hits (owner_country, id);
CREATE INDEX hits_search ON hits (search_id);

CREATE TABLE audit (
	seq       INTEGER PRIMARY KEY,
	time      TEXT NOT NULL,
	agency_id TEXT NOT NULL,
	country   TEXT NOT NULL,
	action    TEXT NOT NULL,
	database  TEXT NOT NULL,
	object    TEXT NOT NULL,
	query     TEXT NOT NULL,
	outcome   TEXT NOT NULL,
	detail    TEXT NOT NULL,
	prev_hash BLOB NOT NULL,
	hash      BLOB NOT NULL
);

CREATE TABLE stats_daily (
	day       TEXT NOT NULL,
	database  TEXT NOT NULL,
	country   TEXT NOT NULL,
	agency_id TEXT NOT NULL,
	checks    INTEGER NOT NULL,
	hits      INTEGER NOT NULL,
	PRIMARY KEY (day, database, country, agency_id)
);

CREATE TABLE changes (
	seq       INTEGER PRIMARY KEY,
	database  TEXT NOT NULL,
	record_id INTEGER NOT NULL,
	op        TEXT NOT NULL,
	time      TEXT NOT NULL
);
