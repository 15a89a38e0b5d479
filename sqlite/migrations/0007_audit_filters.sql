-- The console's audit screen filters the trail by person, action, agency
-- and country, newest first: without these a filter that matches little
-- reads the whole chain (200 ms and more over a million entries). The
-- person's index holds only the console's entries, so the checks that
-- machines make add nothing to it.

CREATE INDEX audit_account ON audit (account, seq) WHERE account != '';
CREATE INDEX audit_action ON audit (action, seq);
CREATE INDEX audit_agency ON audit (agency_id, seq);
CREATE INDEX audit_country ON audit (country, seq);
