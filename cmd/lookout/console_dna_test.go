package main

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/dna"
)

// screensUpload sends a multipart form with one file (none when name is
// empty) and the last page's token.
func screensUpload(w *web, path string, fields url.Values, field, name string, data []byte) (int, string) {
	w.tb.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if fields.Get("csrf") == "" {
		mw.WriteField("csrf", w.csrf)
	}
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if name != "" {
		fw, err := mw.CreateFormFile(field, name)
		if err != nil {
			w.tb.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", w.url+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return w.do(req)
}

// consoleGenotypes reads real genotypes of the NIST 1036 set.
func consoleGenotypes(t *testing.T) []dna.Sample {
	t.Helper()
	f, err := os.Open("../../../shared/data/dna/" + dna.NISTGenotypeFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	samples, err := dna.ReadGenotypes(f, dna.Offender)
	if err != nil || len(samples) < 2 {
		t.Fatalf("genotypes: %d %v", len(samples), err)
	}
	return samples
}

// lociText writes a profile as the DNA screen takes it pasted, dropping
// the loci in drop (a degraded stain).
func lociText(p dna.Profile, drop ...string) string {
	var lines []string
	for name, calls := range p.LociMap() {
		if !slices.Contains(drop, name) {
			lines = append(lines, name+" "+strings.Join(calls, ","))
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func TestConsoleDNA(t *testing.T) {
	m, sec := MustConsoleNCBs(t)
	deu := screensClient(t, sec, "ncb-deu")
	samples := consoleGenotypes(t)
	a, b := samples[0].Profile, samples[1].Profile
	screensCreate(t, deu, "/v1/dna/profiles", map[string]any{"reference": "BKA-DNA-A", "category": "offender", "kit": "GlobalFiler", "loci": a.LociMap()})
	// FRA may not see this one.
	screensCreate(t, deu, "/v1/dna/profiles", map[string]any{"reference": "BKA-DNA-B", "category": "offender", "loci": b.LociMap(), "restriction": map[string]any{"deny": []string{"FRA"}}})

	fra := MustOfficer(t, m, "ncb-fra", "marie", nil).MustSignIn(t)
	hitLink := regexp.MustCompile(`href="/hits/(\d+)"`)

	t.Run("OK", func(t *testing.T) {
		status, body := fra.Get("/dna")
		if status != http.StatusOK || !strings.Contains(body, `action="/dna"`) || !strings.Contains(body, `value="NIST_All"`) || !strings.Contains(text(body), "D3S1358 15,16") {
			t.Fatalf("search page: %d %s", status, text(body))
		}
		screensNoMissing(t, body, "dna.")
		// A stain: two loci lost, a comment, a kit spelling and a colon.
		stain := "# swab, door handle\n" + strings.Replace(lociText(a, "TPOX", "FGA"), "TH01 ", "THO1: ", 1) + "\nD3S135 15, 16"
		status, body = screensUpload(fra, "/dna", url.Values{"loci": {stain}, "category": {"crime_scene"}, "rule": {"moderate"}}, "", "", nil)
		page := text(body)
		if status != http.StatusOK || !strings.Contains(page, "BKA-DNA-A") || !hitLink.MatchString(body) || !strings.Contains(body, " × 10<sup>") {
			t.Fatalf("search: %d %s", status, page)
		}
		for _, want := range []string{"Candidates (1)", "full match", "DEU", "Convicted offender", "1 in", "locus D3S135 is not in the allele frequency tables"} {
			if !strings.Contains(page, want) {
				t.Errorf("results lack %q: %s", want, page)
			}
		}
		screensNoMissing(t, body, "dna.")
		hit := hitLink.FindStringSubmatch(body)[1]
		var h struct {
			Database     string `json:"database"`
			OwnerCountry string `json:"owner_country"`
		}
		if status := deu.do("GET", "/v1/hits/"+hit, nil, &h); status != http.StatusOK || h.Database != "dna" || h.OwnerCountry != "DEU" {
			t.Fatalf("the owner's view of the hit: %d %+v", status, h)
		}
	})
	t.Run("File", func(t *testing.T) {
		stain := a
		stain.Category = dna.CrimeScene
		var cmf bytes.Buffer
		if err := dna.WriteCMF(&cmf, &dna.CMFFile{SourceLab: "FR-LAB", Specimens: []dna.CMFSpecimen{
			{ID: "OTHER-1", Profile: b},
			{ID: "PJ-2026-118", Profile: stain},
		}}); err != nil {
			t.Fatal(err)
		}
		status, body := screensUpload(fra, "/dna", url.Values{"specimen": {"PJ-2026-118"}, "category": {""}, "rule": {"high"}}, "file", "case118.xml", cmf.Bytes())
		if page := text(body); status != http.StatusOK || !strings.Contains(page, "BKA-DNA-A") || !strings.Contains(page, "PJ-2026-118") || !strings.Contains(page, "Crime scene stain") {
			t.Fatalf("CMF upload: %d %s", status, page)
		}
		var an2 bytes.Buffer
		if err := dna.WriteANSINIST(&an2, "FRA000000", "TCN-1", []dna.Type18{{ProfileID: "PJ-2026-119", Profile: stain}}, time.Now()); err != nil {
			t.Fatal(err)
		}
		status, body = screensUpload(fra, "/dna", url.Values{"category": {"crime_scene"}, "rule": {"high"}}, "file", "case119.an2", an2.Bytes())
		if page := text(body); status != http.StatusOK || !strings.Contains(page, "BKA-DNA-A") || !strings.Contains(page, "PJ-2026-119") {
			t.Fatalf("ANSI/NIST upload: %d %s", status, page)
		}
	})
	t.Run("ErrRestricted", func(t *testing.T) {
		status, body := screensUpload(fra, "/dna", url.Values{"loci": {lociText(b)}, "category": {"crime_scene"}, "rule": {"high"}}, "", "", nil)
		if status != http.StatusOK || strings.Contains(body, "BKA-DNA-B") || !strings.Contains(text(body), "Candidates (0)") {
			t.Fatalf("FRA finds a profile denied to it: %d %s", status, text(body))
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		before := screensAudit(t, m, "dna.search", "marie")
		good := lociText(a)
		for _, tc := range []struct {
			form      url.Values
			file      []byte
			field     string
			wantParts []string
		}{
			{url.Values{"loci": {"D3S1358 15,16\nvWA 17,x\n" + good}, "category": {"crime_scene"}, "rule": {"high"}}, nil, "loci", []string{"Line 2", "vWA", `"x"`}},
			{url.Values{"loci": {"D3S1358? 15\n" + good}, "category": {"crime_scene"}, "rule": {"high"}}, nil, "loci", []string{"Line 1", "D3S1358?"}},
			{url.Values{"loci": {good + "\n\nvWA 18"}, "category": {"crime_scene"}, "rule": {"high"}}, nil, "loci", []string{"vWA", "given already on line"}},
			{url.Values{"loci": {"D8S1179\n"}, "category": {"crime_scene"}, "rule": {"high"}}, nil, "loci", []string{"Line 1", "D8S1179", "no allele"}},
			{url.Values{"loci": {"  \n# nothing\n"}, "category": {"crime_scene"}, "rule": {"high"}}, nil, "loci", []string{"Paste the loci"}},
			{url.Values{"loci": {good}, "category": {"crime_scene"}, "rule": {"strict"}}, nil, "rule", []string{"strict"}},
			{url.Values{"loci": {good}, "category": {"suspect"}, "rule": {"high"}}, nil, "category", []string{"suspect"}},
			{url.Values{"loci": {"D3S1358 15,16\nvWA 17"}, "category": {"crime_scene"}, "rule": {"high"}}, nil, "loci", []string{"too few loci"}},
			{url.Values{"category": {""}, "rule": {"high"}}, []byte("<CODISImportFile><SPECIMEN>"), "file", []string{"cannot be read"}},
			{url.Values{"category": {"crime_scene"}, "rule": {"high"}}, []byte("1.001:garbage"), "file", []string{"cannot be read"}},
		} {
			name := ""
			if tc.file != nil {
				name = "upload.xml"
			}
			status, body := screensUpload(fra, "/dna", tc.form, "file", name, tc.file)
			page := text(body)
			ok := status == http.StatusBadRequest && strings.Contains(body, `class="field-error"`) && strings.Contains(body, `id="`+tc.field+`"`)
			for _, w := range tc.wantParts {
				ok = ok && strings.Contains(page, w)
			}
			if !ok {
				t.Errorf("%v: %d, want 400 naming %s with %q: %s", tc.form, status, tc.field, tc.wantParts, page)
			}
			// The form keeps what was typed.
			if l := tc.form.Get("loci"); l != "" && !strings.Contains(body, strings.Split(l, "\n")[0]) {
				t.Errorf("the form lost the pasted loci")
			}
		}
		if after := screensAudit(t, m, "dna.search", "marie"); after != before {
			t.Fatalf("refused searches were logged: %d -> %d", before, after)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		w := MustOfficer(t, m, "ncb-fra", "jules", []lookout.Grant{lookout.GrantPersonsSearch, lookout.GrantDNAWrite}).MustSignIn(t)
		if _, home := w.Get("/"); strings.Contains(home, `href="/dna"`) {
			t.Fatalf("menu shows DNA without dna:search")
		}
		if status, body := w.Get("/dna"); status != http.StatusForbidden || !strings.Contains(text(body), "dna:search") {
			t.Fatalf("GET /dna without the grant: %d %s", status, text(body))
		}
		if status, _ := screensUpload(w, "/dna", url.Values{"loci": {lociText(a)}, "category": {"crime_scene"}, "rule": {"high"}}, "", "", nil); status != http.StatusForbidden {
			t.Fatalf("POST /dna without the grant: %d", status)
		}
	})
}
