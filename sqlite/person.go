package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lookout-network/lookout"
)

const personColumns = `id, reference, data, owner_country, restriction, review_date, created_by, created_at, updated_at, version`

// personData is the part of a person kept as one JSON document: nothing in
// it is searched by SQL (the name index is in memory).
type personData struct {
	Name                string                     `json:"name"`
	NameLatin           string                     `json:"name_latin,omitempty"`
	Aliases             []string                   `json:"aliases,omitempty"`
	DateOfBirth         string                     `json:"date_of_birth,omitempty"`
	Sex                 string                     `json:"sex"`
	Nationalities       []string                   `json:"nationalities,omitempty"`
	PlaceOfBirth        string                     `json:"place_of_birth,omitempty"`
	IdentityDocuments   []lookout.IdentityDocument `json:"identity_documents,omitempty"`
	DistinguishingMarks string                     `json:"distinguishing_marks,omitempty"`
	DNAProfiles         lookout.IDList             `json:"dna_profiles,omitempty"`
	Fingerprints        lookout.IDList             `json:"fingerprints,omitempty"`
}

func encodePerson(p *lookout.Person) (string, error) {
	b, err := json.Marshal(personData{Name: p.Name, NameLatin: p.NameLatin, Aliases: p.Aliases, DateOfBirth: p.DateOfBirth, Sex: p.Sex,
		Nationalities: p.Nationalities, PlaceOfBirth: p.PlaceOfBirth, IdentityDocuments: p.IdentityDocuments,
		DistinguishingMarks: p.DistinguishingMarks, DNAProfiles: p.DNAProfiles, Fingerprints: p.Fingerprints})
	return string(b), err
}

// InsertPersons stores persons; a reference the owner used already is
// refused with ECONFLICT in errs.
func (db *DB) InsertPersons(ctx context.Context, ps []*lookout.Person, audit func(*lookout.Person) *lookout.AuditEntry) ([]error, error) {
	errs := make([]error, len(ps))
	err := db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		clear(errs)
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO persons (reference, data, owner_country, restriction, review_date, created_by, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT DO NOTHING RETURNING id`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		nowText := now.Format(timeFormat)
		var entries []*lookout.AuditEntry
		for i, p := range ps {
			data, err := encodePerson(p)
			if err != nil {
				return err
			}
			restriction, err := encodeRestriction(p.Restriction)
			if err != nil {
				return err
			}
			p.ID, p.CreatedAt, p.UpdatedAt, p.Version = 0, now, now, 1
			err = stmt.QueryRowContext(ctx, p.Reference, data, p.OwnerCountry, restriction, p.ReviewDate, p.CreatedBy, nowText, nowText).Scan(&p.ID)
			if errors.Is(err, sql.ErrNoRows) {
				errs[i] = lookout.Errorf(lookout.ECONFLICT, "%s has a person with reference %q already", p.OwnerCountry, p.Reference)
				continue
			} else if err != nil {
				return fmt.Errorf("insert person %q: %w", p.Name, err)
			}
			if err := addChange(ctx, tx, now, lookout.DatabasePersons, p.ID, "put"); err != nil {
				return err
			}
			if e := audit(p); e != nil {
				entries = append(entries, e)
			}
		}
		return db.appendAudit(ctx, tx, now, entries...)
	})
	if err != nil {
		return nil, err
	}
	return errs, nil
}

// PersonsByID returns the persons of ids that exist, in any order.
func (db *DB) PersonsByID(ctx context.Context, ids []int64) ([]*lookout.Person, error) {
	return byIDs(ctx, db, "persons", personColumns, ids, scanPerson)
}

// Persons lists persons in ID order.
func (db *DB) Persons(ctx context.Context, f lookout.PersonFilter) ([]*lookout.Person, error) {
	q := `SELECT ` + personColumns + ` FROM persons WHERE id > ?`
	args := []any{f.After}
	if f.OwnerCountry != "" {
		q += ` AND owner_country = ?`
		args = append(args, f.OwnerCountry)
	}
	q += ` ORDER BY id LIMIT ?`
	args = append(args, limit(f.Limit, 100, 1000))
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return collectPersons(rows)
}

// UpdatePerson stores p if nobody changed it since version p.Version-1.
func (db *DB) UpdatePerson(ctx context.Context, p *lookout.Person, audit *lookout.AuditEntry) error {
	data, err := encodePerson(p)
	if err != nil {
		return err
	}
	restriction, err := encodeRestriction(p.Restriction)
	if err != nil {
		return err
	}
	return db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		p.UpdatedAt = now
		res, err := tx.ExecContext(ctx, `UPDATE persons SET reference = ?, data = ?, restriction = ?, review_date = ?, updated_at = ?, version = ? WHERE id = ? AND version = ?`,
			p.Reference, data, restriction, p.ReviewDate, now.Format(timeFormat), p.Version, p.ID, p.Version-1)
		if isUnique(err) {
			return lookout.Errorf(lookout.ECONFLICT, "%s has a person with reference %q already", p.OwnerCountry, p.Reference)
		} else if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return lookout.Errorf(lookout.ECONFLICT, "person %d was changed or deleted meanwhile; read it again", p.ID)
		}
		if err := addChange(ctx, tx, now, lookout.DatabasePersons, p.ID, "put"); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, now, audit)
	})
}

// DeletePerson deletes a person and cancels the notices and diffusions on
// it that are not over yet: deleted data is no longer consultable and what
// rests on it is withdrawn.
func (db *DB) DeletePerson(ctx context.Context, id int64, audit *lookout.AuditEntry) error {
	return db.deleteRecord(ctx, "persons", lookout.DatabasePersons, "person", id, audit, func(tx *sql.Tx, now time.Time) error {
		_, err := tx.ExecContext(ctx, `UPDATE notices SET status = ?, data = json_set(data, '$.cancel_reason', 'person record deleted'), updated_at = ?, version = version + 1
			WHERE person_id = ? AND status IN (?, ?, ?)`, lookout.NoticeCancelled, now.Format(timeFormat), id, lookout.NoticeRequested, lookout.NoticePublished, lookout.NoticeActive)
		return err
	})
}

// ScanPersons calls fn for every person in ID order.
func (db *DB) ScanPersons(ctx context.Context, fn func(*lookout.Person) error) error {
	return eachRow(ctx, db, `SELECT `+personColumns+` FROM persons ORDER BY id`, nil, scanPerson, fn)
}

func collectPersons(rows *sql.Rows) ([]*lookout.Person, error) {
	defer rows.Close()
	var out []*lookout.Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func scanPerson(s scanner) (*lookout.Person, error) {
	var p lookout.Person
	var data, restriction, created, updated string
	if err := s.Scan(&p.ID, &p.Reference, &data, &p.OwnerCountry, &restriction, &p.ReviewDate, &p.CreatedBy, &created, &updated, &p.Version); err != nil {
		return nil, err
	}
	var d personData
	if err := json.Unmarshal([]byte(data), &d); err != nil {
		return nil, fmt.Errorf("person %d data: %w", p.ID, err)
	}
	p.Name, p.NameLatin, p.Aliases, p.DateOfBirth, p.Sex = d.Name, d.NameLatin, d.Aliases, d.DateOfBirth, d.Sex
	p.Nationalities, p.PlaceOfBirth, p.IdentityDocuments = d.Nationalities, d.PlaceOfBirth, d.IdentityDocuments
	p.DistinguishingMarks, p.DNAProfiles, p.Fingerprints = d.DistinguishingMarks, d.DNAProfiles, d.Fingerprints
	if restriction != "" {
		p.Restriction = new(lookout.Restriction)
		if err := json.Unmarshal([]byte(restriction), p.Restriction); err != nil {
			return nil, err
		}
	}
	var err error
	if p.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	p.UpdatedAt, err = parseTime(updated)
	return &p, err
}
