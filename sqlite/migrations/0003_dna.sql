CREATE TABLE dna_profiles (
	id            INTEGER PRIMARY KEY,
	reference     TEXT NOT NULL,
	category      TEXT NOT NULL,
	relationship  TEXT NOT NULL DEFAULT '',
	kit           TEXT NOT NULL DEFAULT '',
	loci          TEXT NOT NULL,
	owner_country TEXT NOT NULL,
	restriction   TEXT NOT NULL DEFAULT '',
	review_date   TEXT NOT NULL,
	created_by    TEXT NOT NULL REFERENCES agencies (id),
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	version       INTEGER NOT NULL
);
CREATE UNIQUE INDEX dna_profiles_reference ON dna_profiles (owner_country, reference);
