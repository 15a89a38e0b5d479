package hub

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/names"
)

// Limits on person fields and searches.
const (
	maxNameLen      = 200
	maxAliases      = 50
	maxPersonDocs   = 20
	maxPersonLinks  = 20
	maxMarksLen     = 2000
	maxPersonLimit  = 100
	defPersonLimit  = 10
	overFetchFactor = 4 // candidates asked of the index per one returned, since restrictions drop some
)

// PersonIndex is the nominal database in memory: the name index, and for
// every person what visibility needs (owner, restriction) and the notices on
// it, so that a search or a screening filters candidates without the store.
type PersonIndex struct {
	names *names.Index

	mu      sync.RWMutex
	meta    map[int64]personMeta
	notices map[int64][]*lookout.Notice // by person
	byDoc   map[string][]int64          // identity document key → persons
}

type personMeta struct {
	owner       string
	restriction *lookout.Restriction
	docs        []string
}

func docKey(country, number string) string { return country + "|" + number }

// NewPersonIndex returns an empty person index.
func NewPersonIndex() *PersonIndex {
	return &PersonIndex{names: names.NewIndex(), meta: map[int64]personMeta{}, notices: map[int64][]*lookout.Notice{}, byDoc: map[string][]int64{}}
}

// OpenPersonIndex indexes every stored person and notice.
func OpenPersonIndex(ctx context.Context, store lookout.Store) (*PersonIndex, error) {
	ix := NewPersonIndex()
	if err := store.ScanPersons(ctx, func(p *lookout.Person) error { ix.put(p); return nil }); err != nil {
		return nil, fmt.Errorf("build person index: %w", err)
	}
	if err := store.ScanNotices(ctx, func(n *lookout.Notice) error { ix.putNotice(n); return nil }); err != nil {
		return nil, fmt.Errorf("build person index: %w", err)
	}
	return ix, nil
}

// Len is the number of persons indexed.
func (ix *PersonIndex) Len() int { return ix.names.Len() }

// SetPersonIndex gives the hub its person index; without one the persons,
// notices and screening routes answer that the database is not available.
func (h *Hub) SetPersonIndex(ix *PersonIndex) { h.persons = ix }

func (h *Hub) personIndex() (*PersonIndex, error) {
	if h.persons == nil {
		return nil, lookout.Errorf(lookout.EINTERNAL, "the persons database is not loaded on this server")
	}
	return h.persons, nil
}

// entryOf is what the name engine needs of a person.
func entryOf(p *lookout.Person) names.Entry {
	e := names.Entry{Names: make([]string, 0, 2+len(p.Aliases)), Sex: p.Sex, Nationalities: p.Nationalities}
	for _, n := range append([]string{p.Name, p.NameLatin}, p.Aliases...) {
		if n != "" {
			e.Names = append(e.Names, n)
		}
	}
	e.DateOfBirth, _ = names.ParseDate(p.DateOfBirth) // validated on the way in
	return e
}

func (ix *PersonIndex) put(p *lookout.Person) {
	ix.names.Add(uint64(p.ID), entryOf(p))
	m := personMeta{owner: p.OwnerCountry, restriction: p.Restriction}
	for _, d := range p.IdentityDocuments {
		m.docs = append(m.docs, docKey(d.IssuingCountry, d.Number))
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.dropDocs(p.ID)
	ix.meta[p.ID] = m
	for _, k := range m.docs {
		ix.byDoc[k] = append(ix.byDoc[k], p.ID)
	}
}

// dropDocs forgets the identity documents of person id; ix.mu is held.
func (ix *PersonIndex) dropDocs(id int64) {
	for _, k := range ix.meta[id].docs {
		list := slices.DeleteFunc(ix.byDoc[k], func(x int64) bool { return x == id })
		if len(list) == 0 {
			delete(ix.byDoc, k)
		} else {
			ix.byDoc[k] = list
		}
	}
}

func (ix *PersonIndex) remove(id int64) {
	ix.names.Remove(uint64(id))
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.dropDocs(id)
	delete(ix.meta, id)
}

// holders returns the persons who hold the identity document.
func (ix *PersonIndex) holders(country, number string) []int64 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return slices.Clone(ix.byDoc[docKey(country, number)])
}

// putNotice adds or replaces a notice on its person.
func (ix *PersonIndex) putNotice(n *lookout.Notice) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	list := ix.notices[n.PersonID]
	if i := slices.IndexFunc(list, func(o *lookout.Notice) bool { return o.ID == n.ID }); i >= 0 {
		list[i] = n
	} else {
		ix.notices[n.PersonID] = append(list, n)
	}
}

// visible reports whether country may see person id, and its owner.
func (ix *PersonIndex) visible(id int64, country string) (string, bool) {
	ix.mu.RLock()
	m, ok := ix.meta[id]
	ix.mu.RUnlock()
	return m.owner, ok && lookout.Visible(m.restriction, m.owner, country)
}

// noticesFor returns the notices on person id that country may see on day
// today; with inForce, only those that may match.
func (ix *PersonIndex) noticesFor(id int64, country, today string, inForce bool) []*lookout.Notice {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var out []*lookout.Notice
	for _, n := range ix.notices[id] {
		if lookout.NoticeVisible(n, country, today) && (!inForce || n.InForce(today)) {
			out = append(out, n)
		}
	}
	return out
}

// personName checks a name given in field.
func personName(field, s string, required bool) error {
	switch {
	case s == "" && required:
		return lookout.FieldErrorf(field, "%s is required", field)
	case s == "":
		return nil
	case !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxNameLen:
		return lookout.FieldErrorf(field, "%s must be valid text of at most %d characters", field, maxNameLen)
	case names.Normalise(s) == "":
		return lookout.FieldErrorf(field, "%s %q has no letter or digit", field, s)
	}
	return nil
}

// dateOfBirth checks a possibly partial date of birth in field.
func dateOfBirth(field, s string, now time.Time) error {
	if s == "" {
		return nil
	}
	d, err := names.ParseDate(s)
	if err != nil || strings.Contains(s, "/") {
		return lookout.FieldErrorf(field, "%s %q is not YYYY, YYYY-MM or YYYY-MM-DD", field, s)
	}
	if d.Year < 1900 || d.String() > now.Format(lookout.DateLayout)[:len(s)] {
		return lookout.FieldErrorf(field, "%s %s is before 1900 or in the future", field, s)
	}
	return nil
}

// validatePerson checks and canonicalises a person of the caller's country.
func (h *Hub) validatePerson(ctx context.Context, c *lookout.Caller, p *lookout.Person, now time.Time) error {
	var err error
	if p.Reference != "" && !referencePattern.MatchString(p.Reference) {
		return lookout.FieldErrorf("reference", "reference %q must be 1 to 100 letters, digits and . _ / : -", p.Reference)
	}
	if err := personName("name", p.Name, true); err != nil {
		return err
	}
	if err := personName("name_latin", p.NameLatin, false); err != nil {
		return err
	}
	if len(p.Aliases) > maxAliases {
		return lookout.FieldErrorf("aliases", "a person has at most %d aliases", maxAliases)
	}
	for i, a := range p.Aliases {
		if err := personName(fmt.Sprintf("aliases[%d]", i), a, true); err != nil {
			return err
		}
	}
	if err := dateOfBirth("date_of_birth", p.DateOfBirth, now); err != nil {
		return err
	}
	if p.Sex == "" {
		p.Sex = "U"
	}
	if !slices.Contains(lookout.Sexes, p.Sex) {
		return lookout.FieldErrorf("sex", "sex %q is not one of M, F, X, U", p.Sex)
	}
	if p.Nationalities, err = countries("nationalities", p.Nationalities, 10); err != nil {
		return err
	}
	if !utf8.ValidString(p.PlaceOfBirth) || utf8.RuneCountInString(p.PlaceOfBirth) > maxNameLen {
		return lookout.FieldErrorf("place_of_birth", "place_of_birth must be valid text of at most %d characters", maxNameLen)
	}
	if !utf8.ValidString(p.DistinguishingMarks) || utf8.RuneCountInString(p.DistinguishingMarks) > maxMarksLen {
		return lookout.FieldErrorf("distinguishing_marks", "distinguishing_marks must be valid text of at most %d characters", maxMarksLen)
	}
	if len(p.IdentityDocuments) > maxPersonDocs {
		return lookout.FieldErrorf("identity_documents", "a person has at most %d identity documents", maxPersonDocs)
	}
	for i := range p.IdentityDocuments {
		d := &p.IdentityDocuments[i]
		field := fmt.Sprintf("identity_documents[%d]", i)
		if d.Number, err = canonicalNumber(field+".number", d.Number); err != nil {
			return err
		}
		if d.IssuingCountry, err = country(field+".issuing_country", d.IssuingCountry); err != nil {
			return err
		}
		if d.Type != "" && !slices.Contains(lookout.DocumentTypes, d.Type) {
			return lookout.FieldErrorf(field+".type", "%s.type %q is not one of %s", field, d.Type, strings.Join(lookout.DocumentTypes, ", "))
		}
	}
	if err := h.checkLinks(ctx, c, p); err != nil {
		return err
	}
	if p.ReviewDate == "" {
		p.ReviewDate = now.Add(lookout.ReviewPeriodPersons).Format(lookout.DateLayout)
	} else if err := date("review_date", p.ReviewDate, time.Time{}); err != nil {
		return err
	} else if p.ReviewDate <= now.Format(lookout.DateLayout) || p.ReviewDate > now.Add(lookout.ReviewPeriodPersons+48*time.Hour).Format(lookout.DateLayout) {
		return lookout.FieldErrorf("review_date", "review_date %s must be in the future and at most five years away", p.ReviewDate)
	}
	if p.Restriction, err = restriction(p.Restriction, c.Country()); err != nil {
		return err
	}
	p.OwnerCountry, p.CreatedBy = c.Country(), c.Agency.ID
	return nil
}

// countries canonicalises a list of country codes named field, dropping
// repeats.
func countries(field string, list []string, most int) ([]string, error) {
	if len(list) > most {
		return nil, lookout.FieldErrorf(field, "%s holds at most %d countries", field, most)
	}
	var out []string
	for i, raw := range list {
		c, err := country(fmt.Sprintf("%s[%d]", field, i), raw)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out, nil
}

// checkLinks refuses links to DNA profiles and fingerprints that do not
// exist or that the caller may not see.
func (h *Hub) checkLinks(ctx context.Context, c *lookout.Caller, p *lookout.Person) error {
	if len(p.DNAProfiles) > maxPersonLinks || len(p.Fingerprints) > maxPersonLinks {
		return lookout.FieldErrorf("dna_profiles", "a person links at most %d DNA profiles and %d fingerprint records", maxPersonLinks, maxPersonLinks)
	}
	if len(p.DNAProfiles) > 0 {
		found, err := h.store.DNAProfilesByID(ctx, p.DNAProfiles)
		if err != nil {
			return err
		}
		for i, id := range p.DNAProfiles {
			if !slices.ContainsFunc(found, func(d *lookout.DNAProfile) bool {
				return d.ID == id && lookout.Visible(d.Restriction, d.OwnerCountry, c.Country())
			}) {
				return lookout.FieldErrorf(fmt.Sprintf("dna_profiles[%d]", i), "DNA profile %d not found", id)
			}
		}
	}
	if len(p.Fingerprints) > 0 {
		found, err := h.store.FingerprintsByID(ctx, p.Fingerprints)
		if err != nil {
			return err
		}
		for i, id := range p.Fingerprints {
			if !slices.ContainsFunc(found, func(f *lookout.Fingerprint) bool {
				return f.ID == id && lookout.Visible(f.Restriction, f.OwnerCountry, c.Country())
			}) {
				return lookout.FieldErrorf(fmt.Sprintf("fingerprints[%d]", i), "fingerprint record %d not found", id)
			}
		}
	}
	return nil
}

func personSummary(p *lookout.Person) string {
	s := fmt.Sprintf("%s %q", p.OwnerCountry, p.Name)
	if p.DateOfBirth != "" {
		s += " born " + p.DateOfBirth
	}
	return s
}

// CreatePerson records a person owned by the caller's country.
func (h *Hub) CreatePerson(ctx context.Context, p *lookout.Person) (*lookout.Person, error) {
	errs, err := h.CreatePersons(ctx, []*lookout.Person{p})
	if err != nil {
		return nil, err
	}
	if errs[0] != nil {
		return nil, errs[0]
	}
	return p, nil
}

// CreatePersons records many persons; bad ones are refused one by one.
func (h *Hub) CreatePersons(ctx context.Context, ps []*lookout.Person) ([]error, error) {
	c, err := require(ctx, lookout.GrantPersonsWrite)
	if err != nil {
		return nil, err
	}
	ix, err := h.personIndex()
	if err != nil {
		return nil, err
	}
	now := h.now()
	errs := make([]error, len(ps))
	valid := make([]*lookout.Person, 0, len(ps))
	where := make([]int, 0, len(ps))
	for i, p := range ps {
		if errs[i] = h.validatePerson(ctx, c, p, now); errs[i] == nil {
			valid = append(valid, p)
			where = append(where, i)
		}
	}
	if len(valid) == 0 {
		return errs, nil
	}
	stored, err := h.store.InsertPersons(ctx, valid, func(p *lookout.Person) *lookout.AuditEntry {
		e := entry(c, "persons.create", lookout.DatabasePersons, strconv.FormatInt(p.ID, 10))
		e.Outcome, e.Detail = "ok", personSummary(p)
		return e
	})
	if err != nil {
		return nil, err
	}
	for j, p := range valid {
		if errs[where[j]] = stored[j]; stored[j] == nil {
			ix.put(p)
		}
	}
	return errs, nil
}

// visiblePerson returns a person if the caller may see it.
func (h *Hub) visiblePerson(ctx context.Context, c *lookout.Caller, id int64) (*lookout.Person, error) {
	ps, err := h.store.PersonsByID(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 || !lookout.Visible(ps[0].Restriction, ps[0].OwnerCountry, c.Country()) {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "person %d not found", id)
	}
	return ps[0], nil
}

// requireAny returns the caller if it holds one of grants.
func requireAny(ctx context.Context, grants ...lookout.Grant) (*lookout.Caller, error) {
	var err error
	for _, g := range grants {
		var c *lookout.Caller
		if c, err = require(ctx, g); err == nil {
			return c, nil
		}
	}
	return nil, err
}

// Person returns a person the caller may see.
func (h *Hub) Person(ctx context.Context, id int64) (*lookout.Person, error) {
	c, err := requireAny(ctx, lookout.GrantPersonsSearch, lookout.GrantPersonsWrite)
	if err != nil {
		return nil, err
	}
	return h.visiblePerson(ctx, c, id)
}

// Persons lists the persons of the caller's country (every country's for
// the secretariat), a page at a time.
func (h *Hub) Persons(ctx context.Context, f lookout.PersonFilter) ([]*lookout.Person, int64, error) {
	c, err := require(ctx, lookout.GrantPersonsWrite)
	if err != nil {
		return nil, 0, err
	}
	if c.Agency.Kind != lookout.KindSecretariat {
		f.OwnerCountry = c.Country()
	}
	f.Limit = min(max(f.Limit, 0), 1000)
	if f.Limit == 0 {
		f.Limit = 100
	}
	list, err := h.store.Persons(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	var next int64
	if len(list) == f.Limit {
		next = list[len(list)-1].ID
	}
	if list == nil {
		list = []*lookout.Person{}
	}
	return list, next, nil
}

// ownedPerson returns a person the caller owns and may change.
func (h *Hub) ownedPerson(ctx context.Context, id int64) (*lookout.Caller, *lookout.Person, error) {
	c, err := require(ctx, lookout.GrantPersonsWrite)
	if err != nil {
		return nil, nil, err
	}
	p, err := h.visiblePerson(ctx, c, id)
	if err != nil {
		return nil, nil, err
	}
	if p.OwnerCountry != c.Country() {
		return nil, nil, lookout.Errorf(lookout.EFORBIDDEN, "person %d belongs to %s: only its owner changes it", id, p.OwnerCountry)
	}
	return c, p, nil
}

// UpdatePerson changes a person; only its owner may.
func (h *Hub) UpdatePerson(ctx context.Context, id int64, u lookout.PersonUpdate) (*lookout.Person, error) {
	ix, err := h.personIndex()
	if err != nil {
		return nil, err
	}
	c, p, err := h.ownedPerson(ctx, id)
	if err != nil {
		return nil, err
	}
	before := personSummary(p)
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&p.Reference, u.Reference)
	set(&p.Name, u.Name)
	set(&p.NameLatin, u.NameLatin)
	set(&p.DateOfBirth, u.DateOfBirth)
	set(&p.Sex, u.Sex)
	set(&p.PlaceOfBirth, u.PlaceOfBirth)
	set(&p.DistinguishingMarks, u.DistinguishingMarks)
	set(&p.ReviewDate, u.ReviewDate)
	if u.Aliases != nil {
		p.Aliases = *u.Aliases
	}
	if u.Nationalities != nil {
		p.Nationalities = *u.Nationalities
	}
	if u.IdentityDocuments != nil {
		p.IdentityDocuments = *u.IdentityDocuments
	}
	if u.DNAProfiles != nil {
		p.DNAProfiles = *u.DNAProfiles
	}
	if u.Fingerprints != nil {
		p.Fingerprints = *u.Fingerprints
	}
	if u.Restriction != nil {
		p.Restriction = *u.Restriction
	}
	version, created := p.Version, p.CreatedBy
	if err := h.validatePerson(ctx, c, p, h.now()); err != nil {
		return nil, err
	}
	p.Version, p.CreatedBy = version+1, created
	e := entry(c, "persons.update", lookout.DatabasePersons, strconv.FormatInt(id, 10))
	e.Outcome, e.Detail = "ok", before+" -> "+personSummary(p)
	if err := h.store.UpdatePerson(ctx, p, e); err != nil {
		return nil, err
	}
	ix.put(p)
	return p, nil
}

// DeletePerson deletes a person and withdraws its notices; only its owner
// may.
func (h *Hub) DeletePerson(ctx context.Context, id int64) error {
	ix, err := h.personIndex()
	if err != nil {
		return err
	}
	c, p, err := h.ownedPerson(ctx, id)
	if err != nil {
		return err
	}
	e := entry(c, "persons.delete", lookout.DatabasePersons, strconv.FormatInt(id, 10))
	e.Outcome, e.Detail = "ok", personSummary(p)
	if err := h.store.DeletePerson(ctx, id, e); err != nil {
		return err
	}
	ix.remove(id)
	ns, err := h.store.Notices(ctx, lookout.NoticeFilter{PersonID: id, Limit: 10000})
	if err != nil {
		return err
	}
	for _, n := range ns {
		ix.putNotice(n)
	}
	return nil
}

// personQuery validates a search request and turns it into an engine query.
func personQuery(req lookout.PersonSearchRequest, now time.Time) (names.Query, error) {
	var q names.Query
	if err := personName("name", req.Name, true); err != nil {
		return q, err
	}
	if err := dateOfBirth("date_of_birth", req.DateOfBirth, now); err != nil {
		return q, err
	}
	q.Name = req.Name
	q.DateOfBirth, _ = names.ParseDate(req.DateOfBirth)
	if req.Sex != "" && !slices.Contains(lookout.Sexes, req.Sex) {
		return q, lookout.FieldErrorf("sex", "sex %q is not one of M, F, X, U", req.Sex)
	}
	q.Sex = req.Sex
	if req.Nationality != "" {
		c, err := country("nationality", req.Nationality)
		if err != nil {
			return q, err
		}
		q.Nationality = c
	}
	return q, nil
}

// SearchPersons searches the persons by name. Candidates the caller may not
// see are dropped before anything is returned or counted; every match opens
// a hit, and the search is logged before it answers.
func (h *Hub) SearchPersons(ctx context.Context, req lookout.PersonSearchRequest) (*lookout.PersonSearchResult, error) {
	c, err := require(ctx, lookout.GrantPersonsSearch)
	if err != nil {
		return nil, err
	}
	ix, err := h.personIndex()
	if err != nil {
		return nil, err
	}
	now := h.now()
	q, err := personQuery(req, now)
	if err != nil {
		return nil, err
	}
	if req.Limit < 0 || req.Limit > maxPersonLimit {
		return nil, lookout.FieldErrorf("limit", "limit must be between 1 and %d", maxPersonLimit)
	}
	if req.Reference != "" && !referencePattern.MatchString(req.Reference) {
		return nil, lookout.FieldErrorf("reference", "reference %q must be 1 to 100 letters, digits and . _ / : -", req.Reference)
	}
	lim := req.Limit
	if lim == 0 {
		lim = defPersonLimit
	}
	// Most persons are not restricted: ask for what is wanted first, and
	// for more only when restrictions took some away (explanations cost).
	var cands []names.Candidate
	for want := lim; ; want = overFetchFactor * lim {
		cands = cands[:0]
		raw := ix.names.Search(q, want)
		for _, cand := range raw {
			if _, ok := ix.visible(int64(cand.ID), c.Country()); ok {
				cands = append(cands, cand)
				if len(cands) == lim {
					break
				}
			}
		}
		if len(cands) == lim || len(raw) < want || want > lim {
			break
		}
	}
	ids := make([]int64, len(cands))
	for i, cand := range cands {
		ids[i] = int64(cand.ID)
	}
	persons, err := h.store.PersonsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*lookout.Person, len(persons))
	for _, p := range persons {
		byID[p.ID] = p
	}
	today := now.Format(lookout.DateLayout)
	out := &lookout.PersonSearchResult{SearchID: newSearchID(), Candidates: []lookout.PersonCandidate{}}
	query := searchQuery(req)
	search := &lookout.Search{Audit: entry(c, "persons.search", lookout.DatabasePersons, out.SearchID)}
	search.Audit.Query = query
	var hitOf []int
	var detail []string
	for _, cand := range cands {
		p := byID[int64(cand.ID)]
		if p == nil || !lookout.Visible(p.Restriction, p.OwnerCountry, c.Country()) { // deleted or changed meanwhile
			continue
		}
		notices := ix.noticesFor(p.ID, c.Country(), today, false)
		if notices == nil {
			notices = []*lookout.Notice{}
		}
		out.Candidates = append(out.Candidates, lookout.PersonCandidate{Person: p, Score: cand.Score, Match: cand.Match, Explanation: cand.Explanation, Notices: notices})
		if cand.Match {
			hitOf = append(hitOf, len(out.Candidates)-1)
			search.Hits = append(search.Hits, personHit(c, out.SearchID, query, p, cand.Score, notices, today))
			detail = append(detail, fmt.Sprintf("match:%d", p.ID))
		}
	}
	search.Audit.Outcome = lookout.OutcomeNoHit
	if len(search.Hits) > 0 {
		search.Audit.Outcome = lookout.OutcomeHit
	}
	search.Audit.Detail = strings.TrimSpace(fmt.Sprintf("candidates=%d %s", len(out.Candidates), strings.Join(detail, " ")))
	if err := h.logSearch(ctx, search); err != nil {
		return nil, err
	}
	for i, at := range hitOf {
		out.Candidates[at].HitID = search.Hits[i].ID
	}
	return out, nil
}

func searchQuery(req lookout.PersonSearchRequest) string {
	parts := []string{fmt.Sprintf("name=%q", req.Name)}
	for _, kv := range [][2]string{{"date_of_birth", req.DateOfBirth}, {"sex", req.Sex}, {"nationality", req.Nationality}, {"reference", req.Reference}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+"="+kv[1])
		}
	}
	return strings.Join(parts, " ")
}

// personHit is the hit a name match opens: a case between the searching
// country and the person's owner, naming the notices in force.
func personHit(c *lookout.Caller, searchID, query string, p *lookout.Person, score float64, notices []*lookout.Notice, today string) *lookout.Hit {
	summary := fmt.Sprintf("person %d %s: name score %.2f", p.ID, personSummary(p), score)
	var inForce []string
	for _, n := range notices {
		if n.InForce(today) {
			inForce = append(inForce, fmt.Sprintf("%s %s %d", n.Type, n.Kind, n.ID))
		}
	}
	if len(inForce) > 0 {
		summary += "; in force: " + strings.Join(inForce, ", ")
	}
	return &lookout.Hit{
		Database: lookout.DatabasePersons, SearchID: searchID, Match: "name", Status: lookout.HitOpen,
		RecordID: p.ID, SearchingAgency: c.Agency.ID, SearchingCountry: c.Country(), OwnerCountry: p.OwnerCountry,
		Query: query, Summary: summary,
	}
}
