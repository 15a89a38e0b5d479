-- Follow-up of hits, secure messages, events, webhooks, statistics and
-- record review (issue 3).

ALTER TABLE hits ADD COLUMN deadline TEXT NOT NULL DEFAULT '';
ALTER TABLE hits ADD COLUMN overdue INTEGER NOT NULL DEFAULT 0;
ALTER TABLE hits ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
ALTER TABLE hits ADD COLUMN acknowledged_at TEXT NOT NULL DEFAULT '';
ALTER TABLE hits ADD COLUMN decided_at TEXT NOT NULL DEFAULT '';
ALTER TABLE hits ADD COLUMN closed_at TEXT NOT NULL DEFAULT '';
-- The deadline watcher reads only cases still awaiting the owner.
CREATE INDEX hits_due ON hits (deadline) WHERE overdue = 0 AND status IN ('open', 'acknowledged');

CREATE TABLE case_events (
	id          INTEGER PRIMARY KEY,
	hit_id      INTEGER NOT NULL REFERENCES hits (id),
	time        TEXT NOT NULL,
	agency_id   TEXT NOT NULL,
	country     TEXT NOT NULL,
	action      TEXT NOT NULL,
	from_status TEXT NOT NULL,
	to_status   TEXT NOT NULL,
	note        TEXT NOT NULL,
	outcome     TEXT NOT NULL
);
CREATE INDEX case_events_hit ON case_events (hit_id, id);

ALTER TABLE agencies ADD COLUMN notify_on_search INTEGER NOT NULL DEFAULT 0;

-- Notifications, in one sequence: SSE replays from Last-Event-ID, webhooks
-- keep a cursor into it.
CREATE TABLE events (
	seq        INTEGER PRIMARY KEY,
	type       TEXT NOT NULL,
	time       TEXT NOT NULL,
	country    TEXT NOT NULL,
	agency_id  TEXT NOT NULL,
	hit_id     INTEGER NOT NULL,
	message_id INTEGER NOT NULL,
	database   TEXT NOT NULL,
	record_id  INTEGER NOT NULL,
	data       TEXT NOT NULL
);
CREATE INDEX events_country ON events (country, seq);
CREATE INDEX events_agency ON events (agency_id, seq);

-- Every hit, whichever database and code path opened it, gets a deadline
-- (the hub's own when it gives one; else 10 minutes when urgent, a day
-- otherwise) and tells both parties, in the transaction that stores it.
CREATE TRIGGER hits_deadline AFTER INSERT ON hits WHEN NEW.deadline = '' BEGIN
	UPDATE hits SET deadline = strftime('%Y-%m-%dT%H:%M:%S', NEW.created_at, CASE WHEN NEW.urgent THEN '+10 minutes' ELSE '+24 hours' END) || substr(NEW.created_at, 20)
		WHERE id = NEW.id;
END;
CREATE TRIGGER hits_opened AFTER INSERT ON hits BEGIN
	INSERT INTO events (type, time, country, agency_id, hit_id, message_id, database, record_id, data)
		SELECT 'hit.opened', NEW.created_at, c.country, '', NEW.id, 0, NEW.database, NEW.record_id,
			json_object('id', CAST(NEW.id AS TEXT), 'database', NEW.database, 'search_id', NEW.search_id, 'match', NEW.match_kind, 'status', NEW.status,
				'record_id', CAST(NEW.record_id AS TEXT), 'searching_agency', NEW.searching_agency, 'searching_country', NEW.searching_country,
				'owner_country', NEW.owner_country, 'urgent', json(CASE WHEN NEW.urgent THEN 'true' ELSE 'false' END), 'query', NEW.query,
				'summary', NEW.summary, 'created_at', NEW.created_at,
				'deadline', CASE WHEN NEW.deadline != '' THEN NEW.deadline ELSE strftime('%Y-%m-%dT%H:%M:%S', NEW.created_at, CASE WHEN NEW.urgent THEN '+10 minutes' ELSE '+24 hours' END) || substr(NEW.created_at, 20) END)
		FROM (SELECT NEW.searching_country AS country UNION SELECT NEW.owner_country) c ORDER BY c.country = NEW.owner_country;
END;

-- Messages: routing in the clear, content sealed (see hub/message.go).
CREATE TABLE messages (
	id             INTEGER PRIMARY KEY,
	sender_agency  TEXT NOT NULL REFERENCES agencies (id),
	sender_country TEXT NOT NULL,
	priority       TEXT NOT NULL,
	hit_id         INTEGER NOT NULL,
	thread_id      INTEGER NOT NULL,
	reply_to       INTEGER NOT NULL,
	record_db      TEXT NOT NULL,
	record_id      INTEGER NOT NULL,
	key_id         TEXT NOT NULL,
	wrapped_key    BLOB NOT NULL,
	header         BLOB NOT NULL,
	attachments    INTEGER NOT NULL,
	created_at     TEXT NOT NULL
);
CREATE INDEX messages_sender ON messages (sender_agency, id);
CREATE INDEX messages_hit ON messages (hit_id, id) WHERE hit_id > 0;
CREATE INDEX messages_thread ON messages (thread_id, id);

CREATE TABLE message_recipients (
	message_id INTEGER NOT NULL REFERENCES messages (id),
	agency_id  TEXT NOT NULL,
	country    TEXT NOT NULL,
	read_at    TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (message_id, agency_id)
);
CREATE INDEX message_recipients_agency ON message_recipients (agency_id, message_id);

CREATE TABLE message_attachments (
	message_id   INTEGER NOT NULL REFERENCES messages (id),
	idx          INTEGER NOT NULL,
	content_type TEXT NOT NULL,
	size         INTEGER NOT NULL,
	sha256       BLOB NOT NULL,
	data         BLOB NOT NULL,
	PRIMARY KEY (message_id, idx)
);

-- Blind index: keyed hashes of the words of subject and body.
CREATE TABLE message_terms (
	term       BLOB NOT NULL,
	message_id INTEGER NOT NULL,
	PRIMARY KEY (term, message_id)
) WITHOUT ROWID;

-- Rolled-up counters, so that statistics never scan the log: stats_daily
-- (per agency and day) feeds, by triggers whoever writes it, coarser
-- rollups per country and day, per agency and month, per country and month;
-- a year of the whole network then reads a few thousand rows.
CREATE INDEX stats_daily_country ON stats_daily (country, day);
CREATE TABLE stats_country_daily (
	day      TEXT NOT NULL,
	database TEXT NOT NULL,
	country  TEXT NOT NULL,
	checks   INTEGER NOT NULL,
	hits     INTEGER NOT NULL,
	PRIMARY KEY (day, database, country)
);
CREATE INDEX stats_country_daily_country ON stats_country_daily (country, day);
CREATE TABLE stats_monthly (
	month     TEXT NOT NULL,
	database  TEXT NOT NULL,
	country   TEXT NOT NULL,
	agency_id TEXT NOT NULL,
	checks    INTEGER NOT NULL,
	hits      INTEGER NOT NULL,
	PRIMARY KEY (month, database, country, agency_id)
);
CREATE TABLE stats_country_monthly (
	month    TEXT NOT NULL,
	database TEXT NOT NULL,
	country  TEXT NOT NULL,
	checks   INTEGER NOT NULL,
	hits     INTEGER NOT NULL,
	PRIMARY KEY (month, database, country)
);
INSERT INTO stats_country_daily SELECT day, database, country, SUM(checks), SUM(hits) FROM stats_daily GROUP BY day, database, country;
INSERT INTO stats_monthly SELECT substr(day, 1, 7), database, country, agency_id, SUM(checks), SUM(hits) FROM stats_daily GROUP BY substr(day, 1, 7), database, country, agency_id;
INSERT INTO stats_country_monthly SELECT substr(day, 1, 7), database, country, SUM(checks), SUM(hits) FROM stats_daily GROUP BY substr(day, 1, 7), database, country;
CREATE TRIGGER stats_daily_insert AFTER INSERT ON stats_daily BEGIN
	INSERT INTO stats_country_daily VALUES (NEW.day, NEW.database, NEW.country, NEW.checks, NEW.hits)
		ON CONFLICT DO UPDATE SET checks = checks + excluded.checks, hits = hits + excluded.hits;
	INSERT INTO stats_monthly VALUES (substr(NEW.day, 1, 7), NEW.database, NEW.country, NEW.agency_id, NEW.checks, NEW.hits)
		ON CONFLICT DO UPDATE SET checks = checks + excluded.checks, hits = hits + excluded.hits;
	INSERT INTO stats_country_monthly VALUES (substr(NEW.day, 1, 7), NEW.database, NEW.country, NEW.checks, NEW.hits)
		ON CONFLICT DO UPDATE SET checks = checks + excluded.checks, hits = hits + excluded.hits;
END;
CREATE TRIGGER stats_daily_update AFTER UPDATE ON stats_daily BEGIN
	UPDATE stats_country_daily SET checks = checks + NEW.checks - OLD.checks, hits = hits + NEW.hits - OLD.hits
		WHERE day = NEW.day AND database = NEW.database AND country = NEW.country;
	UPDATE stats_monthly SET checks = checks + NEW.checks - OLD.checks, hits = hits + NEW.hits - OLD.hits
		WHERE month = substr(NEW.day, 1, 7) AND database = NEW.database AND country = NEW.country AND agency_id = NEW.agency_id;
	UPDATE stats_country_monthly SET checks = checks + NEW.checks - OLD.checks, hits = hits + NEW.hits - OLD.hits
		WHERE month = substr(NEW.day, 1, 7) AND database = NEW.database AND country = NEW.country;
END;
CREATE TRIGGER stats_daily_delete AFTER DELETE ON stats_daily BEGIN
	UPDATE stats_country_daily SET checks = checks - OLD.checks, hits = hits - OLD.hits
		WHERE day = OLD.day AND database = OLD.database AND country = OLD.country;
	UPDATE stats_monthly SET checks = checks - OLD.checks, hits = hits - OLD.hits
		WHERE month = substr(OLD.day, 1, 7) AND database = OLD.database AND country = OLD.country AND agency_id = OLD.agency_id;
	UPDATE stats_country_monthly SET checks = checks - OLD.checks, hits = hits - OLD.hits
		WHERE month = substr(OLD.day, 1, 7) AND database = OLD.database AND country = OLD.country;
END;
CREATE TABLE stats_outcomes (
	day           TEXT NOT NULL,
	database      TEXT NOT NULL,
	country       TEXT NOT NULL,
	owner_country TEXT NOT NULL,
	outcome       TEXT NOT NULL,
	hits          INTEGER NOT NULL,
	PRIMARY KEY (day, database, country, owner_country, outcome)
);
CREATE TABLE stats_latency (
	day           TEXT NOT NULL,
	database      TEXT NOT NULL,
	country       TEXT NOT NULL,
	owner_country TEXT NOT NULL,
	kind          TEXT NOT NULL,
	bucket        INTEGER NOT NULL,
	count         INTEGER NOT NULL,
	PRIMARY KEY (day, database, country, owner_country, kind, bucket)
);

CREATE TABLE webhooks (
	id           INTEGER PRIMARY KEY,
	agency_id    TEXT NOT NULL REFERENCES agencies (id),
	country      TEXT NOT NULL,
	url          TEXT NOT NULL,
	secret       BLOB NOT NULL,
	follows_hits INTEGER NOT NULL,
	cursor       INTEGER NOT NULL,
	created_at   TEXT NOT NULL
);
CREATE TABLE webhook_deliveries (
	id         INTEGER PRIMARY KEY,
	webhook_id INTEGER NOT NULL REFERENCES webhooks (id),
	event_seq  INTEGER NOT NULL,
	attempt    INTEGER NOT NULL,
	time       TEXT NOT NULL,
	status     INTEGER NOT NULL,
	error      TEXT NOT NULL
);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries (webhook_id, id);

-- Review notices sent: one per record and review date, so an extended
-- record is noticed again before its new date.
CREATE TABLE review_notices (
	database    TEXT NOT NULL,
	record_id   INTEGER NOT NULL,
	review_date TEXT NOT NULL,
	time        TEXT NOT NULL,
	PRIMARY KEY (database, record_id, review_date)
);
CREATE INDEX documents_review ON documents (review_date);
