package console

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lookout-network/lookout"
)

// maxTemplateUpload bounds the fingerprint search form: the hub refuses
// templates over 1 MiB, and the form adds a little.
const maxTemplateUpload = 2 << 20

// routesFingerprints registers the Fingerprints screens: a probe upload,
// the ranked candidate list of a search, and the examiner's decision on
// each candidate.
func (c *Console) routesFingerprints() {
	c.handle("GET /fingerprints", lookout.GrantFingerprintsSearch, c.fingerprintsPage)
	c.upload("POST /fingerprints", lookout.GrantFingerprintsSearch, maxTemplateUpload, c.searchFingerprints)
	c.handle("GET /fingerprints/searches/{search_id}", lookout.GrantFingerprintsSearch, c.fingerprintSearchPage)
	c.handle("POST /fingerprints/searches/{search_id}/decisions", lookout.GrantFingerprintsSearch, c.decideFingerprint)
}

// fingerprintForm is the upload form as filled in.
type fingerprintForm struct {
	Position, Reference string
}

// fingerprintsData is the upload page, with the person's recent searches
// to come back to.
type fingerprintsData struct {
	Form      fingerprintForm
	Positions []int
	Recent    []recentFingerprintSearch
}

// recentFingerprintSearch is a search of the person's, newest first.
type recentFingerprintSearch struct {
	ID, Reference       string
	At                  time.Time
	Candidates, Decided int
}

var fingerPositions = []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}

func (c *Console) fingerprintsPage(w http.ResponseWriter, r *http.Request) error {
	data := fingerprintsData{Positions: fingerPositions, Recent: c.fingerprintSearches().recent(lookout.CallerFrom(r.Context()), c.opts.Now(), 10)}
	c.render(w, r, http.StatusOK, "fingerprints", data, nil)
	return nil
}

func (c *Console) searchFingerprints(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseMultipartForm(maxTemplateUpload); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return err
	}
	data := fingerprintsData{Positions: fingerPositions, Form: fingerprintForm{Position: r.FormValue("position"), Reference: strings.TrimSpace(r.FormValue("reference"))}}
	fail := func(err error) error {
		if code := lookout.ErrorCode(err); code == lookout.EINVALID || code == lookout.ETOOLARGE {
			c.render(w, r, statusOf(err), "fingerprints", data, keepOnForm(err, "template", "position", "reference"))
			return nil
		}
		return err
	}
	req := lookout.FingerprintSearchRequest{Reference: data.Form.Reference}
	if data.Form.Position != "" {
		p, err := strconv.Atoi(data.Form.Position)
		if err != nil {
			return fail(lookout.FieldErrorf("position", "%s", c.text.T("fingerprints.error.position", data.Form.Position)))
		}
		req.Position = &p
	}
	fh, _, err := r.FormFile("template")
	switch {
	case errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart):
		return fail(lookout.FieldErrorf("template", "%s", c.text.T("fingerprints.error.no_file")))
	case err != nil:
		return err
	}
	defer fh.Close()
	if req.Template, err = io.ReadAll(fh); err != nil {
		return err
	}
	res, err := c.hub.SearchFingerprints(r.Context(), req)
	if err != nil {
		return fail(err)
	}
	caller := lookout.CallerFrom(r.Context())
	s := &fingerprintSearch{account: caller.Account, agency: caller.Agency.ID, at: c.opts.Now(), reference: req.Reference, decided: map[string]*lookout.Decision{}}
	for _, cand := range res.Candidates {
		s.candidates = append(s.candidates, fingerprintHit{rank: cand.Rank, id: cand.Fingerprint.ID, position: cand.Position, score: cand.Score})
	}
	c.fingerprintSearches().put(res.SearchID, s, c.opts.Now())
	http.Redirect(w, r, "/fingerprints/searches/"+res.SearchID, http.StatusSeeOther)
	return nil
}

// fingerprintSearch is what the console keeps of a search so that the
// examiner can come back to its list and decide candidate after candidate:
// the ranking alone. The records are read again through the hub on every
// view, so that what an owner deletes or restricts meanwhile disappears.
type fingerprintSearch struct {
	account, agency string
	at              time.Time
	reference       string
	candidates      []fingerprintHit
	decided         map[string]*lookout.Decision // by candidateKey
}

type fingerprintHit struct {
	rank, position int
	id             int64
	score          float64
}

func candidateKey(id int64, position int) string { return fmt.Sprintf("%d-%d", id, position) }

// fingerprintCache holds recent searches, bounded in number and age: the
// hub keeps the candidates for checking decisions but has no call that
// lists them back.
type fingerprintCache struct {
	mu sync.Mutex
	m  map[string]*fingerprintSearch
}

const (
	fingerprintCacheMax = 2000
	fingerprintCacheAge = 12 * time.Hour
)

// fingerprintCaches holds each console's cache (the Console type is
// shared by every screen; a test process runs several consoles).
var fingerprintCaches sync.Map // *Console → *fingerprintCache

func (c *Console) fingerprintSearches() *fingerprintCache {
	v, _ := fingerprintCaches.LoadOrStore(c, &fingerprintCache{m: map[string]*fingerprintSearch{}})
	return v.(*fingerprintCache)
}

func (fc *fingerprintCache) put(id string, s *fingerprintSearch, now time.Time) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if len(fc.m) >= fingerprintCacheMax {
		var oldest string
		for k, v := range fc.m {
			if now.Sub(v.at) > fingerprintCacheAge {
				delete(fc.m, k)
			} else if oldest == "" || v.at.Before(fc.m[oldest].at) {
				oldest = k
			}
		}
		if len(fc.m) >= fingerprintCacheMax {
			delete(fc.m, oldest)
		}
	}
	fc.m[id] = s
}

// get returns a search of the signed-in person, a copy safe to read.
func (fc *fingerprintCache) get(id string, c *lookout.Caller, now time.Time) (*fingerprintSearch, bool) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	s, ok := fc.m[id]
	if !ok || s.account != c.Account || s.agency != c.Agency.ID || now.Sub(s.at) > fingerprintCacheAge {
		return nil, false
	}
	cp := *s
	cp.decided = make(map[string]*lookout.Decision, len(s.decided))
	for k, v := range s.decided {
		cp.decided[k] = v
	}
	return &cp, true
}

// recent lists the person's searches, newest first, at most n.
func (fc *fingerprintCache) recent(c *lookout.Caller, now time.Time, n int) []recentFingerprintSearch {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	var out []recentFingerprintSearch
	for id, s := range fc.m {
		if s.account == c.Account && s.agency == c.Agency.ID && now.Sub(s.at) <= fingerprintCacheAge {
			out = append(out, recentFingerprintSearch{ID: id, Reference: s.reference, At: s.at, Candidates: len(s.candidates), Decided: len(s.decided)})
		}
	}
	slices.SortFunc(out, func(a, b recentFingerprintSearch) int { return b.At.Compare(a.At) })
	return out[:min(len(out), n)]
}

func (fc *fingerprintCache) decide(id string, d *lookout.Decision) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if s, ok := fc.m[id]; ok {
		s.decided[candidateKey(d.RecordID, d.Position)] = d
	}
}

// fingerprintSearchData is a search's candidate list.
type fingerprintSearchData struct {
	SearchID   string
	Reference  string
	At         time.Time
	Candidates []fingerprintCandidate
	// Failed is the candidate whose decision was refused, with Decision
	// and Note as the examiner wrote them.
	Failed, Decision, Note string
}

// fingerprintCandidate is one line of the list.
type fingerprintCandidate struct {
	Key         string
	Rank        int
	Position    int
	Score       string
	Strength    string
	Fingerprint *lookout.Fingerprint // nil when no longer visible
	RecordID    int64
	Decision    *lookout.Decision
}

// scoreStrength names the false match rate a score passes: the matcher is
// calibrated so that 20, 30 and 40 are the thresholds of 1 %, 0.1 % and
// 0.01 % (afis.Matcher.Score).
func scoreStrength(score float64) string {
	switch {
	case score >= 40:
		return "very_strong"
	case score >= 30:
		return "strong"
	case score >= 20:
		return "moderate"
	}
	return "weak"
}

func (c *Console) fingerprintSearchData(r *http.Request) (*fingerprintSearchData, error) {
	id := r.PathValue("search_id")
	s, ok := c.fingerprintSearches().get(id, lookout.CallerFrom(r.Context()), c.opts.Now())
	if !ok {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "%s", c.text.T("fingerprints.error.search_gone", id))
	}
	data := &fingerprintSearchData{SearchID: id, Reference: s.reference, At: s.at}
	for _, h := range s.candidates {
		fc := fingerprintCandidate{Key: candidateKey(h.id, h.position), Rank: h.rank, Position: h.position, RecordID: h.id,
			Score: fmt.Sprintf("%.1f", h.score), Strength: scoreStrength(h.score)}
		fc.Decision = s.decided[fc.Key]
		f, err := c.hub.Fingerprint(r.Context(), h.id)
		switch {
		case err == nil:
			fc.Fingerprint = f
		case lookout.ErrorCode(err) != lookout.ENOTFOUND:
			return nil, err
		}
		data.Candidates = append(data.Candidates, fc)
	}
	return data, nil
}

func (c *Console) fingerprintSearchPage(w http.ResponseWriter, r *http.Request) error {
	data, err := c.fingerprintSearchData(r)
	if err != nil {
		return err
	}
	c.render(w, r, http.StatusOK, "fingerprint", data, nil)
	return nil
}

func (c *Console) decideFingerprint(w http.ResponseWriter, r *http.Request) error {
	searchID := r.PathValue("search_id")
	id, err := strconv.ParseInt(r.PostFormValue("fingerprint_id"), 10, 64)
	if err != nil {
		return lookout.FieldErrorf("fingerprint_id", "%s", c.text.T("fingerprints.error.candidate"))
	}
	pos, err := strconv.Atoi(r.PostFormValue("position"))
	if err != nil {
		return lookout.FieldErrorf("position", "%s", c.text.T("fingerprints.error.candidate"))
	}
	d := &lookout.Decision{SearchID: searchID, RecordID: id, Position: pos, Decision: r.PostFormValue("decision"), Note: strings.TrimSpace(r.PostFormValue("note"))}
	if d.Decision == "" {
		err = lookout.FieldErrorf("decision", "%s", c.text.T("fingerprints.error.decision"))
	} else {
		d, err = c.hub.DecideFingerprint(r.Context(), d)
	}
	if err != nil {
		code := lookout.ErrorCode(err)
		if code != lookout.EINVALID && code != lookout.ECONFLICT {
			return err
		}
		// The list again, with the message beside the candidate.
		data, lerr := c.fingerprintSearchData(r)
		if lerr != nil {
			return err
		}
		data.Failed, data.Decision, data.Note = candidateKey(id, pos), r.PostFormValue("decision"), r.PostFormValue("note")
		c.render(w, r, statusOf(err), "fingerprint", data, keepOnForm(err, "decision", "note"))
		return nil
	}
	c.fingerprintSearches().decide(searchID, d)
	redirect(w, r, "/fingerprints/searches/"+searchID, "fingerprint_"+d.Decision)
	return nil
}
