package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/lookout-network/lookout"
)

const dnaColumns = `id, reference, category, relationship, kit, loci, owner_country, restriction, review_date, created_by, created_at, updated_at, version`

// InsertDNAProfiles stores profiles; a reused reference is refused.
func (db *DB) InsertDNAProfiles(ctx context.Context, ps []*lookout.DNAProfile, audit func(*lookout.DNAProfile) *lookout.AuditEntry) ([]error, error) {
	errs := make([]error, len(ps))
	err := db.write(ctx, func(tx *sql.Tx, now time.Time) error {
		clear(errs)
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO dna_profiles (reference, category, relationship, kit, loci, owner_country, restriction, review_date, created_by, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT DO NOTHING RETURNING id`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		nowText := now.Format(timeFormat)
		var entries []*lookout.AuditEntry
		for i, p := range ps {
			loci, err := json.Marshal(p.Loci)
			if err != nil {
				return err
			}
			restriction, err := encodeRestriction(p.Restriction)
			if err != nil {
				return err
			}
			p.ID, p.CreatedAt, p.UpdatedAt, p.Version = 0, now, now, 1
			err = stmt.QueryRowContext(ctx, p.Reference, p.Category, p.Relationship, p.Kit, string(loci), p.OwnerCountry, restriction, p.ReviewDate, p.CreatedBy, nowText, nowText).Scan(&p.ID)
			if err == sql.ErrNoRows {
				errs[i] = lookout.Errorf(lookout.ECONFLICT, "%s has a DNA profile with reference %q already", p.OwnerCountry, p.Reference)
				continue
			} else if err != nil {
				return fmt.Errorf("insert DNA profile %q: %w", p.Reference, err)
			}
			if err := addChange(ctx, tx, now, lookout.DatabaseDNA, p.ID, "put"); err != nil {
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

// DNAProfilesByID returns the profiles of ids that exist.
func (db *DB) DNAProfilesByID(ctx context.Context, ids []int64) ([]*lookout.DNAProfile, error) {
	return byIDs(ctx, db, "dna_profiles", dnaColumns, ids, scanDNA)
}

// DeleteDNAProfile deletes a profile.
func (db *DB) DeleteDNAProfile(ctx context.Context, id int64, audit *lookout.AuditEntry) error {
	return db.deleteRecord(ctx, "dna_profiles", lookout.DatabaseDNA, "DNA profile", id, audit, nil)
}

// ScanDNAProfiles calls fn for every profile in ID order.
func (db *DB) ScanDNAProfiles(ctx context.Context, fn func(*lookout.DNAProfile) error) error {
	return eachRow(ctx, db, `SELECT `+dnaColumns+` FROM dna_profiles ORDER BY id`, nil, scanDNA, fn)
}

func scanDNA(s scanner) (*lookout.DNAProfile, error) {
	var p lookout.DNAProfile
	var loci, restriction, created, updated string
	if err := s.Scan(&p.ID, &p.Reference, &p.Category, &p.Relationship, &p.Kit, &loci, &p.OwnerCountry, &restriction, &p.ReviewDate, &p.CreatedBy, &created, &updated, &p.Version); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(loci), &p.Loci); err != nil {
		return nil, fmt.Errorf("DNA profile %d loci: %w", p.ID, err)
	}
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
