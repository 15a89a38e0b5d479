-- Persons, notices and diffusions, manifest screenings (issue 5).

CREATE TABLE persons (
	id            INTEGER PRIMARY KEY,
	reference     TEXT NOT NULL DEFAULT '',
	data          TEXT NOT NULL, -- names, date of birth, documents, links: JSON
	owner_country TEXT NOT NULL,
	restriction   TEXT NOT NULL DEFAULT '',
	review_date   TEXT NOT NULL,
	created_by    TEXT NOT NULL REFERENCES agencies (id),
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	version       INTEGER NOT NULL
);
CREATE UNIQUE INDEX persons_reference ON persons (owner_country, reference) WHERE reference != '';
CREATE INDEX persons_owner ON persons (owner_country, id);

-- A deleted person's notices stay (withdrawn) for the audit: no foreign key.
CREATE TABLE notices (
	id            INTEGER PRIMARY KEY,
	kind          TEXT NOT NULL,
	person_id     INTEGER NOT NULL,
	type          TEXT NOT NULL,
	status        TEXT NOT NULL,
	data          TEXT NOT NULL, -- summary, judicial data, recipients, review: JSON
	owner_country TEXT NOT NULL,
	requested_by  TEXT NOT NULL REFERENCES agencies (id),
	expires_on    TEXT NOT NULL,
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	version       INTEGER NOT NULL
);
CREATE INDEX notices_person ON notices (person_id);
CREATE INDEX notices_status ON notices (status, id);

CREATE TABLE screenings (
	id          INTEGER PRIMARY KEY,
	reference   TEXT NOT NULL,
	status      TEXT NOT NULL,
	agency_id   TEXT NOT NULL REFERENCES agencies (id),
	country     TEXT NOT NULL,
	total       INTEGER NOT NULL,
	done        INTEGER NOT NULL,
	hits        INTEGER NOT NULL,
	invalid     INTEGER NOT NULL,
	error       TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	finished_at TEXT NOT NULL DEFAULT ''
);

-- Only travellers that were not clear have a row.
CREATE TABLE screening_results (
	screening_id INTEGER NOT NULL REFERENCES screenings (id),
	line         INTEGER NOT NULL,
	result       TEXT NOT NULL,
	PRIMARY KEY (screening_id, line)
);
