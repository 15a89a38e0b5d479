package hub

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/dna"
)

var referencePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/:-]{0,99}$`)

// compactEvery is how many profiles are added between two compactions of
// the DNA index: added profiles are scanned in full until compacted.
const compactEvery = 10000

// OpenDNAIndex builds the DNA index of every profile in store, compacted.
func OpenDNAIndex(ctx context.Context, store lookout.Store, pops dna.Populations) (*dna.Index, error) {
	ix := dna.NewIndex(dna.Options{Populations: pops})
	err := store.ScanDNAProfiles(ctx, func(p *lookout.DNAProfile) error {
		prof, err := dnaProfile(p.Category, p.Relationship, p.Kit, p.Loci)
		if err != nil {
			return fmt.Errorf("DNA profile %d: %w", p.ID, err)
		}
		return ix.Add(uint64(p.ID), prof)
	})
	if err != nil {
		return nil, fmt.Errorf("build DNA index: %w", err)
	}
	ix.Compact()
	return ix, nil
}

// SetDNAIndex gives the hub its DNA index and the allele frequencies its
// upload rules weigh profiles with; without an index the DNA routes answer
// that the database is not available.
func (h *Hub) SetDNAIndex(ix *dna.Index, pops dna.Populations) { h.dna, h.dnaPops = ix, pops }

func (h *Hub) dnaIndex() (*dna.Index, error) {
	if h.dna == nil {
		return nil, lookout.Errorf(lookout.EINTERNAL, "the DNA database is not loaded on this server")
	}
	return h.dna, nil
}

// dnaProfile turns API fields into an engine profile, with errors naming
// the field.
func dnaProfile(category, relationship, kit string, loci map[string][]string) (dna.Profile, error) {
	cat, err := dna.ParseCategory(category)
	if err != nil {
		return dna.Profile{}, lookout.FieldErrorf("category", "%v", err)
	}
	rel, err := dna.ParseRelationship(relationship)
	if err != nil {
		return dna.Profile{}, lookout.FieldErrorf("relationship", "%v", err)
	}
	if cat == dna.Relative && rel == dna.NoRelationship {
		return dna.Profile{}, lookout.FieldErrorf("relationship", "a relative's profile needs its relationship to the missing person")
	}
	if cat != dna.Relative && rel != dna.NoRelationship {
		return dna.Profile{}, lookout.FieldErrorf("relationship", "relationship is for category relative only")
	}
	if len(loci) == 0 {
		return dna.Profile{}, lookout.FieldErrorf("loci", "loci are required")
	}
	ls, err := dna.ParseLoci(loci)
	if err != nil {
		return dna.Profile{}, lookout.FieldErrorf("loci", "%v", err)
	}
	if len(kit) > 100 {
		return dna.Profile{}, lookout.FieldErrorf("kit", "kit is longer than 100 characters")
	}
	return dna.Profile{Category: cat, Relationship: rel, Kit: kit, Loci: ls}, nil
}

// CreateDNAProfile records a profile of the caller's country.
func (h *Hub) CreateDNAProfile(ctx context.Context, p *lookout.DNAProfile) (*lookout.DNAProfile, error) {
	c, err := require(ctx, lookout.GrantDNAWrite)
	if err != nil {
		return nil, err
	}
	ix, err := h.dnaIndex()
	if err != nil {
		return nil, err
	}
	if !referencePattern.MatchString(p.Reference) {
		return nil, lookout.FieldErrorf("reference", "reference %q must be 1 to 100 letters, digits and . _ / : - (and never a name)", p.Reference)
	}
	prof, err := dnaProfile(p.Category, p.Relationship, p.Kit, p.Loci)
	if err != nil {
		return nil, err
	}
	// The upload rules of the category: the loci it needs, and for
	// crime-scene profiles a floor on how common the profile may be.
	if err := prof.Validate(); err != nil {
		return nil, lookout.FieldErrorf("loci", "%v", err)
	}
	if pop, err := h.dnaPops.Lookup(dna.DefaultPopulation); err == nil {
		if err := dna.CheckRarity(prof, pop, dna.DefaultTheta); err != nil {
			return nil, lookout.FieldErrorf("loci", "%v", err)
		}
	}
	now := h.now()
	if p.Restriction, err = restriction(p.Restriction, c.Country()); err != nil {
		return nil, err
	}
	if p.ReviewDate == "" {
		p.ReviewDate = now.Add(lookout.ReviewPeriodDNA).Format(lookout.DateLayout)
	} else if err := date("review_date", p.ReviewDate, time.Time{}); err != nil {
		return nil, err
	}
	p.Loci, p.OwnerCountry, p.CreatedBy = prof.LociMap(), c.Country(), c.Agency.ID
	errs, err := h.store.InsertDNAProfiles(ctx, []*lookout.DNAProfile{p}, func(p *lookout.DNAProfile) *lookout.AuditEntry {
		e := entry(c, "dna.create", lookout.DatabaseDNA, strconv.FormatInt(p.ID, 10))
		e.Outcome, e.Detail = "ok", fmt.Sprintf("reference=%s category=%s loci=%d", p.Reference, p.Category, len(p.Loci))
		return e
	})
	if err != nil {
		return nil, err
	}
	if errs[0] != nil {
		return nil, errs[0]
	}
	if err := ix.Add(uint64(p.ID), prof); err != nil {
		h.log.Error("index DNA profile", "id", p.ID, "err", err)
	}
	if h.dnaAdded.Add(1)%compactEvery == 0 {
		ix.Compact()
	}
	return p, nil
}

func (h *Hub) visibleDNA(ctx context.Context, c *lookout.Caller, id int64) (*lookout.DNAProfile, error) {
	ps, err := h.store.DNAProfilesByID(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 || !lookout.Visible(ps[0].Restriction, ps[0].OwnerCountry, c.Country()) {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "DNA profile %d not found", id)
	}
	return ps[0], nil
}

// DNAProfile returns a profile the caller may see.
func (h *Hub) DNAProfile(ctx context.Context, id int64) (*lookout.DNAProfile, error) {
	c, err := require(ctx, lookout.GrantDNASearch)
	if err != nil {
		if c, err = require(ctx, lookout.GrantDNAWrite); err != nil {
			return nil, err
		}
	}
	return h.visibleDNA(ctx, c, id)
}

// DeleteDNAProfile deletes a profile; only its owner may.
func (h *Hub) DeleteDNAProfile(ctx context.Context, id int64) error {
	c, err := require(ctx, lookout.GrantDNAWrite)
	if err != nil {
		return err
	}
	p, err := h.visibleDNA(ctx, c, id)
	if err != nil {
		return err
	}
	if p.OwnerCountry != c.Country() {
		return lookout.Errorf(lookout.EFORBIDDEN, "DNA profile %d belongs to %s: only its owner deletes it", id, p.OwnerCountry)
	}
	e := entry(c, "dna.delete", lookout.DatabaseDNA, strconv.FormatInt(id, 10))
	e.Outcome, e.Detail = "ok", "reference="+p.Reference
	if err := h.store.DeleteDNAProfile(ctx, id, e); err != nil {
		return err
	}
	if h.dna != nil {
		h.dna.Remove(uint64(id))
	}
	return nil
}

// SearchDNA searches the profiles under a rule; every candidate past the
// rule's threshold opens a hit, and the search is logged before it answers.
func (h *Hub) SearchDNA(ctx context.Context, req lookout.DNASearchRequest) (*lookout.DNASearchResult, error) {
	c, err := require(ctx, lookout.GrantDNASearch)
	if err != nil {
		return nil, err
	}
	ix, err := h.dnaIndex()
	if err != nil {
		return nil, err
	}
	q, err := dnaProfile(req.Category, req.Relationship, "", req.Loci)
	if err != nil {
		return nil, err
	}
	if _, ok := dna.Rules[req.Rule]; !ok {
		return nil, lookout.FieldErrorf("rule", "rule %q is not one of high, moderate, low, prum, parent_child, sibling", req.Rule)
	}
	var targets dna.CategorySet
	for i, t := range req.Targets {
		cat, err := dna.ParseCategory(t)
		if err != nil {
			return nil, lookout.FieldErrorf(fmt.Sprintf("targets[%d]", i), "%v", err)
		}
		targets |= dna.Of(cat)
	}
	if req.Limit < 0 || req.Limit > 1000 {
		return nil, lookout.FieldErrorf("limit", "limit must be between 1 and 1000")
	}
	res, err := ix.Search(dna.Request{Query: q, Rule: req.Rule, Targets: targets, Population: req.Population, Limit: max(req.Limit, 0)})
	switch {
	case errors.Is(err, dna.ErrTooFewLoci):
		return nil, lookout.FieldErrorf("loci", "the profile has too few loci for rule %s", req.Rule)
	case errors.Is(err, dna.ErrNotAllowed):
		return nil, lookout.FieldErrorf("targets", "a %s profile is not searched against those categories", req.Category)
	case err != nil && strings.Contains(err.Error(), "population"):
		return nil, lookout.FieldErrorf("population", "%v", err)
	case err != nil:
		return nil, err
	}
	ids := make([]int64, len(res.Candidates))
	for i, cand := range res.Candidates {
		ids[i] = int64(cand.ID)
	}
	profiles, err := h.store.DNAProfilesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*lookout.DNAProfile, len(profiles))
	for _, p := range profiles {
		if lookout.Visible(p.Restriction, p.OwnerCountry, c.Country()) {
			byID[p.ID] = p
		}
	}
	out := &lookout.DNASearchResult{SearchID: newSearchID(), Rule: res.Rule, Population: res.Population, Candidates: []lookout.DNACandidate{}}
	query := fmt.Sprintf("category=%s rule=%s loci=%d", req.Category, req.Rule, len(q.Loci))
	if req.Reference != "" {
		query += " reference=" + req.Reference
	}
	search := &lookout.Search{Audit: entry(c, "dna.search", lookout.DatabaseDNA, out.SearchID)}
	search.Audit.Query = query
	var hitOf []int
	var detail []string
	for _, cand := range res.Candidates {
		p := byID[int64(cand.ID)]
		if p == nil {
			continue
		}
		dc := lookout.DNACandidate{Profile: p, Match: string(cand.Match), SharedLoci: cand.SharedLoci, Mismatches: cand.Mismatches,
			MatchingLoci: cand.MatchingLoci, RandomMatchProbability: cand.RandomMatchProbability, LikelihoodRatio: cand.LikelihoodRatio,
			Log10LR: cand.Log10LR, Hit: cand.Hit}
		if dc.MatchingLoci == nil {
			dc.MatchingLoci = []string{}
		}
		out.Candidates = append(out.Candidates, dc)
		if cand.Hit {
			hitOf = append(hitOf, len(out.Candidates)-1)
			search.Hits = append(search.Hits, &lookout.Hit{
				Database: lookout.DatabaseDNA, SearchID: out.SearchID, Match: string(cand.Match), Status: lookout.HitOpen,
				RecordID: p.ID, SearchingAgency: c.Agency.ID, SearchingCountry: c.Country(), OwnerCountry: p.OwnerCountry, Query: query,
				Summary: fmt.Sprintf("%s profile %s: %s match, %d shared loci, %d mismatches, LR %.3g, matching loci %s",
					p.Category, p.Reference, cand.Match, cand.SharedLoci, cand.Mismatches, cand.LikelihoodRatio, strings.Join(cand.MatchingLoci, " ")),
			})
			detail = append(detail, fmt.Sprintf("%s:%d", cand.Match, p.ID))
		}
	}
	search.Audit.Outcome = lookout.OutcomeNoHit
	if len(search.Hits) > 0 {
		search.Audit.Outcome = lookout.OutcomeHit
	}
	search.Audit.Detail = fmt.Sprintf("candidates=%d %s", len(out.Candidates), strings.Join(detail, " "))
	if err := h.logSearch(ctx, search); err != nil {
		return nil, err
	}
	for i, at := range hitOf {
		out.Candidates[at].HitID = search.Hits[i].ID
	}
	return out, nil
}
