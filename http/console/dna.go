package console

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/dna"
)

// maxDNAUpload bounds a DNA search form with its file: a CMF file or an
// ANSI/NIST-ITL transaction of one case is a few kilobytes.
const maxDNAUpload = 4 << 20

// routesDNA registers the DNA screens.
func (c *Console) routesDNA() {
	c.handle("GET /dna", lookout.GrantDNASearch, c.dnaPage)
	c.upload("POST /dna", lookout.GrantDNASearch, maxDNAUpload, c.searchDNA)
}

// dnaCategories and dnaRelationships are the API names the form offers.
var (
	dnaCategories    = []string{"crime_scene", "crime_scene_mixture", "offender", "arrestee", "missing_person", "unidentified_remains", "relative"}
	dnaRelationships = []string{"mother", "father", "child", "sibling", "half_sibling", "spouse", "maternal_relative", "paternal_relative"}
	dnaRules         = []string{"high", "moderate", "low", "prum", "parent_child", "sibling"}
)

// dnaForm is the search form as filled in.
type dnaForm struct {
	Loci, Specimen, Category, Relationship, Rule, Population string
}

// dnaData is the DNA page: the form, its choices, and after a search the
// candidates best first.
type dnaData struct {
	Form          dnaForm
	Categories    []string
	Relationships []string
	Rules         []string
	Populations   []string
	Searched      bool
	Result        *lookout.DNASearchResult
	Candidates    []dnaCandidate
	// Notes say what the console made of the input: the specimen taken
	// from a file, loci that no standard set knows.
	Notes []string
	Loci  int
}

// dnaCandidate is one candidate as the page shows it.
type dnaCandidate struct {
	lookout.DNACandidate
	LR, RMP dnaNumber
}

// dnaNumber is a likelihood ratio or probability for the page: as is when
// it reads well, else mantissa × 10^exponent.
type dnaNumber struct {
	Plain    string
	Mantissa string
	Exponent int
}

// sciNumber formats a positive number from its log10, which stays exact
// where the number itself overflows.
func sciNumber(log10 float64) dnaNumber {
	if math.IsNaN(log10) || math.IsInf(log10, 0) {
		if math.IsInf(log10, 1) {
			return dnaNumber{Plain: "∞"}
		}
		return dnaNumber{Plain: "0"}
	}
	if log10 >= -2 && log10 < 4 {
		v := math.Pow(10, log10)
		return dnaNumber{Plain: strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.3f", v), "0"), ".")}
	}
	exp := int(math.Floor(log10))
	m := math.Pow(10, log10-float64(exp))
	if s := fmt.Sprintf("%.1f", m); s == "10.0" {
		exp, m = exp+1, 1
	}
	return dnaNumber{Mantissa: fmt.Sprintf("%.1f", m), Exponent: exp}
}

func (c *Console) newDNAData(r *http.Request, f dnaForm) dnaData {
	d := dnaData{Form: f, Categories: dnaCategories, Relationships: dnaRelationships, Rules: dnaRules}
	// The form still works without the list: the default population.
	if pops, err := c.hub.DNAPopulations(r.Context()); err == nil {
		d.Populations = pops
	}
	return d
}

func (c *Console) dnaPage(w http.ResponseWriter, r *http.Request) error {
	c.render(w, r, http.StatusOK, "dna", c.newDNAData(r, dnaForm{Category: "crime_scene", Rule: "moderate"}), nil)
	return nil
}

func (c *Console) searchDNA(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseMultipartForm(maxDNAUpload); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return err
	}
	f := dnaForm{
		Loci:         r.FormValue("loci"),
		Specimen:     strings.TrimSpace(r.FormValue("specimen")),
		Category:     r.FormValue("category"),
		Relationship: r.FormValue("relationship"),
		Rule:         r.FormValue("rule"),
		Population:   r.FormValue("population"),
	}
	data := c.newDNAData(r, f)
	fail := func(err error) error {
		if code := lookout.ErrorCode(err); code == lookout.EINVALID || code == lookout.ETOOLARGE {
			c.render(w, r, statusOf(err), "dna", data, keepOnForm(err, "loci", "file", "specimen", "category", "relationship", "rule", "population", "targets"))
			return nil
		}
		return err
	}
	var file []byte
	if fh, _, err := r.FormFile("file"); err == nil {
		defer fh.Close()
		if file, err = io.ReadAll(fh); err != nil {
			return err
		}
	} else if !errors.Is(err, http.ErrMissingFile) && !errors.Is(err, http.ErrNotMultipart) {
		return err
	}
	req := lookout.DNASearchRequest{Category: f.Category, Rule: f.Rule, Population: f.Population}
	if f.Category == "relative" {
		req.Relationship = f.Relationship
	}
	var err error
	switch {
	case len(bytes.TrimSpace(file)) > 0 && strings.TrimSpace(f.Loci) != "":
		return fail(lookout.FieldErrorf("file", "%s", c.text.T("dna.error.both")))
	case len(bytes.TrimSpace(file)) > 0:
		var sp dnaSpecimen
		if sp, err = c.readDNAFile(file, f.Specimen); err != nil {
			return fail(err)
		}
		req.Loci = sp.profile.LociMap()
		if req.Category == "" {
			if !sp.mapped {
				return fail(lookout.FieldErrorf("category", "%s", c.text.T("dna.error.file_category", sp.id, sp.category)))
			}
			req.Category, req.Relationship = sp.profile.Category.String(), sp.profile.Relationship.String()
			data.Form.Category, data.Form.Relationship = req.Category, req.Relationship
		}
		data.Notes = append(data.Notes, c.text.T("dna.note.specimen", sp.id, sp.of, len(sp.profile.Loci)))
	default:
		var notes []string
		if req.Loci, notes, err = c.parseLociText(f.Loci, c.knownLoci(r)); err != nil {
			return fail(err)
		}
		data.Notes = append(data.Notes, notes...)
	}
	if req.Category == "" {
		return fail(lookout.FieldErrorf("category", "%s", c.text.T("dna.error.category")))
	}
	res, err := c.hub.SearchDNA(r.Context(), req)
	if err != nil {
		return fail(err)
	}
	data.Searched, data.Result, data.Loci = true, res, len(req.Loci)
	for _, cand := range res.Candidates {
		dc := dnaCandidate{DNACandidate: cand, LR: sciNumber(cand.Log10LR)}
		if cand.Log10LR == 0 && cand.LikelihoodRatio > 0 {
			dc.LR = sciNumber(math.Log10(cand.LikelihoodRatio))
		}
		if cand.RandomMatchProbability > 0 {
			dc.RMP = sciNumber(math.Log10(1 / cand.RandomMatchProbability))
		}
		data.Candidates = append(data.Candidates, dc)
	}
	c.render(w, r, http.StatusOK, "dna", data, nil)
	return nil
}

// dnaSpecimen is the specimen of an uploaded file that is searched.
type dnaSpecimen struct {
	id, category string
	mapped       bool
	of           int
	profile      dna.Profile
}

// readDNAFile reads a CODIS CMF file or an ANSI/NIST-ITL transaction (told
// apart by content, as lookout dna import does) and returns the specimen
// named id, or the first.
func (c *Console) readDNAFile(file []byte, id string) (dnaSpecimen, error) {
	var all []dnaSpecimen
	if bytes.HasPrefix(bytes.TrimSpace(file), []byte("<")) {
		cmf, err := dna.ParseCMF(bytes.NewReader(file))
		if err != nil {
			return dnaSpecimen{}, lookout.FieldErrorf("file", "%s", c.text.T("dna.error.file", err))
		}
		for _, s := range cmf.Specimens {
			all = append(all, dnaSpecimen{id: s.ID, category: s.Category, mapped: s.Mapped, profile: s.Profile})
		}
	} else {
		recs, err := dna.ParseANSINIST(file)
		if err != nil {
			return dnaSpecimen{}, lookout.FieldErrorf("file", "%s", c.text.T("dna.error.file", err))
		}
		for _, rec := range recs {
			all = append(all, dnaSpecimen{id: rec.ProfileID, category: rec.DonorCategory, mapped: rec.Mapped, profile: rec.Profile})
		}
	}
	if len(all) == 0 {
		return dnaSpecimen{}, lookout.FieldErrorf("file", "%s", c.text.T("dna.error.file_empty"))
	}
	i := 0
	if id != "" {
		if i = slices.IndexFunc(all, func(s dnaSpecimen) bool { return s.id == id }); i < 0 {
			ids := make([]string, 0, min(len(all), 20))
			for _, s := range all[:min(len(all), 20)] {
				ids = append(ids, s.id)
			}
			return dnaSpecimen{}, lookout.FieldErrorf("specimen", "%s", c.text.T("dna.error.specimen", id, strings.Join(ids, ", ")))
		}
	}
	s := all[i]
	s.of = len(all)
	if len(s.profile.Loci) == 0 {
		return dnaSpecimen{}, lookout.FieldErrorf("file", "%s", c.text.T("dna.error.file_no_loci", s.id))
	}
	return s, nil
}

// knownLoci returns the loci the hub's frequency tables cover, with the
// standard sets when it has none: a pasted locus outside them is kept
// (the engine keeps unknown loci) but noted, since it is most likely a
// typing slip that will match nothing.
func (c *Console) knownLoci(r *http.Request) map[string]bool {
	m := map[string]bool{dna.LocusAMEL: true}
	for _, set := range [][]string{dna.CODIS20, dna.ESS12, dna.ISSOL7, dna.Prum24} {
		for _, l := range set {
			m[l] = true
		}
	}
	if loci, err := c.hub.DNALoci(r.Context()); err == nil {
		for _, l := range loci {
			m[l] = true
		}
	}
	return m
}

// alleleWords are the non-numeric allele calls a pasted line may hold.
var alleleWords = map[string]bool{"X": true, "Y": true, "OL": true, "O": true, "F": true, "R": true, "NA": true, "NR": true, "UN": true}

// isAlleleToken reports whether a word of a pasted line is an allele call
// rather than part of the locus name ("Penta D 9,12").
func isAlleleToken(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '<', '>', '*':
		return true
	}
	if s[0] >= '0' && s[0] <= '9' {
		return true
	}
	return alleleWords[strings.ToUpper(strings.TrimSuffix(s, "!"))]
}

// parseLociText reads pasted loci, one locus a line: the locus name, then
// its allele calls separated by commas, spaces or slashes ("D3S1358 15,16",
// "vWA: 17", "Penta D 9/12", "AMEL X,Y"); a call may end in "!" (obligate).
// Empty lines and lines starting with # are skipped. Errors name the line
// and the locus; notes name the loci outside the standard sets.
func (c *Console) parseLociText(text string, known map[string]bool) (loci map[string][]string, notes []string, err error) {
	loci = map[string][]string{}
	lineOf := map[string]int{}
	bad := func(n int, format string, args ...any) error {
		return lookout.FieldErrorf("loci", "%s", c.text.T("dna.error.line", n, fmt.Sprintf(format, args...)))
	}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i, line := range lines {
		n := i + 1
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var name string
		var calls []string
		if k := strings.IndexAny(line, ":="); k >= 0 {
			name, calls = strings.TrimSpace(line[:k]), splitCalls(line[k+1:])
		} else {
			words := strings.Fields(strings.NewReplacer(",", " , ", "/", " / ", ";", " ; ").Replace(line))
			j := 1
			for j < len(words) && !isAlleleToken(words[j]) && !strings.ContainsAny(words[j], ",/;") {
				j++
			}
			name, calls = strings.Join(words[:j], " "), splitCalls(strings.Join(words[j:], " "))
		}
		canon, err := dna.CanonicalLocus(name)
		if err != nil {
			return nil, nil, bad(n, "%v", err)
		}
		if prev, dup := lineOf[canon]; dup {
			return nil, nil, bad(n, "%s", c.text.T("dna.error.duplicate", canon, prev))
		}
		if len(calls) == 0 {
			return nil, nil, bad(n, "%s", c.text.T("dna.error.no_alleles", canon))
		}
		if len(calls) > dna.MaxAllelesPerLocus {
			return nil, nil, bad(n, "%s", c.text.T("dna.error.too_many_alleles", canon, len(calls), dna.MaxAllelesPerLocus))
		}
		for _, call := range calls {
			if _, _, err := dna.ParseAllele(canon, strings.TrimSuffix(call, "!")); err != nil {
				return nil, nil, bad(n, "%v", err)
			}
		}
		lineOf[canon] = n
		loci[canon] = calls
		if !known[canon] && dna.ClassOf(canon) == dna.Autosomal {
			notes = append(notes, c.text.T("dna.note.unknown_locus", n, canon))
		}
	}
	if len(loci) == 0 {
		return nil, nil, lookout.FieldErrorf("loci", "%s", c.text.T("dna.error.empty"))
	}
	if len(loci) > dna.MaxLoci {
		return nil, nil, lookout.FieldErrorf("loci", "%s", c.text.T("dna.error.too_many_loci", len(loci), dna.MaxLoci))
	}
	return loci, notes, nil
}

// splitCalls splits allele calls at commas, slashes, semicolons and spaces.
func splitCalls(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '/' || r == ';' || r == ' ' || r == '\t'
	})
}
