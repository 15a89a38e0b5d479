package console

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
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
	searches, err := c.hub.FingerprintSearches(r.Context(), 10)
	if err != nil {
		return err
	}
	data := fingerprintsData{Positions: fingerPositions}
	for _, s := range searches {
		data.Recent = append(data.Recent, recentFingerprintSearch{ID: s.SearchID, Reference: s.Reference, At: s.At, Candidates: s.Kept, Decided: s.Decided})
	}
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
	http.Redirect(w, r, "/fingerprints/searches/"+res.SearchID, http.StatusSeeOther)
	return nil
}

func candidateKey(id int64, position int) string { return fmt.Sprintf("%d-%d", id, position) }

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
	Fingerprint *lookout.Fingerprint
	RecordID    int64
	Decision    *lookout.Decision
	// Decidable: the record is still visible and its decision, if any,
	// is inconclusive, which the next decision replaces.
	Decidable bool
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
	s, err := c.hub.FingerprintCandidates(r.Context(), id)
	if lookout.ErrorCode(err) == lookout.ENOTFOUND {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "%s", c.text.T("fingerprints.error.search_gone", id))
	} else if err != nil {
		return nil, err
	}
	data := &fingerprintSearchData{SearchID: id, Reference: s.Reference, At: s.At}
	for _, h := range s.Candidates {
		data.Candidates = append(data.Candidates, fingerprintCandidate{Key: candidateKey(h.Fingerprint.ID, h.Position), Rank: h.Rank, Position: h.Position,
			RecordID: h.Fingerprint.ID, Score: fmt.Sprintf("%.1f", h.Score), Strength: scoreStrength(h.Score), Fingerprint: h.Fingerprint, Decision: h.Decision,
			Decidable: h.Decision == nil || !h.Decision.Final()})
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
	redirect(w, r, "/fingerprints/searches/"+searchID, "fingerprint_"+d.Decision)
	return nil
}
