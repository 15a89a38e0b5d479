CREATE TABLE fingerprints (
	id            INTEGER PRIMARY KEY,
	reference     TEXT NOT NULL,
	format        TEXT NOT NULL,
	fingers       TEXT NOT NULL,
	template      BLOB NOT NULL,
	owner_country TEXT NOT NULL,
	restriction   TEXT NOT NULL DEFAULT '',
	review_date   TEXT NOT NULL,
	created_by    TEXT NOT NULL REFERENCES agencies (id),
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	version       INTEGER NOT NULL
);
CREATE UNIQUE INDEX fingerprints_reference ON fingerprints (owner_country, reference);

CREATE TABLE search_candidates (
	search_id         TEXT NOT NULL,
	database          TEXT NOT NULL,
	record_id         INTEGER NOT NULL,
	position          INTEGER NOT NULL,
	score             REAL NOT NULL,
	rank              INTEGER NOT NULL,
	searching_agency  TEXT NOT NULL,
	searching_country TEXT NOT NULL,
	PRIMARY KEY (search_id, record_id, position)
);

CREATE TABLE search_decisions (
	search_id  TEXT NOT NULL,
	database   TEXT NOT NULL,
	record_id  INTEGER NOT NULL,
	position   INTEGER NOT NULL,
	decision   TEXT NOT NULL,
	note       TEXT NOT NULL,
	agency_id  TEXT NOT NULL,
	hit_id     INTEGER,
	created_at TEXT NOT NULL,
	PRIMARY KEY (search_id, record_id, position)
);
