package main

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/lookout-network/lookout"
)

// recordsUpload posts a file to the import form as a browser does: the
// token in the form (the plain post) or in the X-CSRF-Token header (the
// script's post with progress).
func recordsUpload(w *web, name, content string, tokenInHeader bool) (int, string) {
	w.tb.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if !tokenInHeader {
		mw.WriteField("csrf", w.csrf)
	}
	if name != "" {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write([]byte(content))
	}
	mw.Close()
	req, _ := http.NewRequest("POST", w.url+"/records/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if tokenInHeader {
		req.Header.Set("X-CSRF-Token", w.csrf)
	}
	return w.do(req)
}

var recordsIDLink = regexp.MustCompile(`action="/records/(\d+)/delete"`)

var recordsMissingString = regexp.MustCompile(`\[(check|records|done)\.[a-z0-9_.-]+\]`)

// recordsAllStrings fails when a page shows a catalogue key instead of its
// string.
func recordsAllStrings(t *testing.T, body string) {
	t.Helper()
	if m := recordsMissingString.FindString(body); m != "" {
		t.Errorf("the page shows %s: a string missing from the catalogue", m)
	}
}

// recordsOwn lists what a country recorded, straight from the hub.
func recordsOwn(t *testing.T, m *Main, agencyID string) map[string]*lookout.Document {
	t.Helper()
	docs, _, err := m.hub.Documents(lookout.NewContext(context.Background(), mustCaller(t, m, agencyID)), lookout.DocumentFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*lookout.Document{}
	for _, d := range docs {
		out[d.Number] = d
	}
	return out
}

func TestConsoleRecords(t *testing.T) {
	m, sec := MustConsoleNCBs(t)
	deu := MustTokenClient(t, sec, "ncb-deu")
	var german struct {
		ID string `json:"id"`
	}
	if status := deu.do("POST", "/v1/documents", map[string]any{"number": "C01X00T47", "issuing_country": "DEU", "type": "passport", "status": "stolen"}, &german); status != http.StatusCreated {
		t.Fatalf("record the German passport: %d", status)
	}
	w := MustOfficer(t, m, "ncb-fra", "records.claire", nil).MustSignIn(t)
	var id string

	t.Run("OKCreate", func(t *testing.T) {
		status, body := w.Get("/records/new")
		if status != http.StatusOK || !strings.Contains(body, `id="issuing_country" class="mono" value="FRA" readonly`) {
			t.Fatalf("new record form: %d\n%s", status, body)
		}
		recordsAllStrings(t, body)
		status, body = w.Post("/records", url.Values{"number": {"14fr 12345"}, "type": {"passport"}, "status": {"lost"}, "event_date": {"2025-05-01"},
			"restriction": {"deny"}, "countries": {"deu, gbr"}, "remarks": {"lost on the TGV"},
			// The issuing country is the officer's whatever the form says.
			"issuing_country": {"DEU"}})
		txt := text(body)
		if status != http.StatusOK || !strings.Contains(txt, "The document is recorded.") || !strings.Contains(txt, "All but DEU, GBR") {
			t.Fatalf("create: %d %s", status, txt)
		}
		m := recordsIDLink.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no record page: %s", txt)
		}
		id = m[1]
		recordsAllStrings(t, body)
	})
	if id == "" {
		t.FailNow()
	}
	t.Run("OKStored", func(t *testing.T) {
		d := recordsOwn(t, m, "ncb-fra")["14FR12345"]
		if d == nil || strconv.FormatInt(d.ID, 10) != id || d.IssuingCountry != "FRA" || d.Status != "lost" || d.EventDate != "2025-05-01" ||
			d.Restriction == nil || strings.Join(d.Restriction.Deny, " ") != "DEU GBR" || d.Remarks != "lost on the TGV" {
			t.Fatalf("stored: %+v", d)
		}
	})
	t.Run("OKList", func(t *testing.T) {
		status, body := w.Get("/records")
		txt := text(body)
		if status != http.StatusOK || !strings.Contains(body, `href="/records/`+id+`"`) || !strings.Contains(txt, "14FR12345") || !strings.Contains(txt, "Lost") {
			t.Fatalf("list: %d %s", status, txt)
		}
		recordsAllStrings(t, body)
		if strings.Contains(txt, "C01X00T47") {
			t.Errorf("Germany's record is listed among France's")
		}
		if _, body := w.Get("/records?number=C01X00T47"); strings.Contains(body, "C01X00T47</a>") || !strings.Contains(text(body), "No record matches") {
			t.Errorf("a search by number finds Germany's record among France's")
		}
		if _, body := w.Get("/records?number=14FR-12345"); !strings.Contains(body, `href="/records/`+id+`"`) {
			t.Errorf("search by number does not find the record")
		}
		if _, body := w.Get("/records?status=stolen"); strings.Contains(body, `href="/records/`+id+`"`) || !strings.Contains(text(body), "No record matches") {
			t.Errorf("a lost document is listed among the stolen")
		}
		if status, body := w.Get("/records?number=AB%3C12"); status != http.StatusBadRequest || !strings.Contains(text(body), "filler") {
			t.Errorf("bad number search: %d %s", status, text(body))
		}
	})
	t.Run("OKPaging", func(t *testing.T) {
		ctx := lookout.NewContext(context.Background(), mustCaller(t, m, "ncb-fra"))
		var docs []*lookout.Document
		for i := range 60 {
			docs = append(docs, &lookout.Document{Number: "PG" + strconv.Itoa(100000+i), IssuingCountry: "FRA", Type: "id_card", Status: "stolen"})
		}
		if errs, err := m.hub.CreateDocuments(ctx, docs); err != nil || errs[0] != nil {
			t.Fatal(err, errs)
		}
		_, body := w.Get("/records?status=stolen")
		next := regexp.MustCompile(`href="(/records\?after=\d+&amp;status=stolen)" rel="next"`).FindStringSubmatch(body)
		if n := strings.Count(body, `<th scope="row" class="mono">`); n != 50 || next == nil {
			t.Fatalf("first page: %d rows, next %v", n, next)
		}
		_, body = w.Get(strings.ReplaceAll(next[1], "&amp;", "&"))
		if n := strings.Count(body, `<th scope="row" class="mono">`); n != 10 || strings.Contains(body, `rel="next"`) || !strings.Contains(body, "PG100059") {
			t.Fatalf("second page: %d rows", n)
		}
	})
	t.Run("OKEdit", func(t *testing.T) {
		status, body := w.Get("/records/" + id)
		if status != http.StatusOK || !strings.Contains(body, `name="version" value="1"`) || !strings.Contains(body, `data-confirm=`) {
			t.Fatalf("record page: %d\n%s", status, body)
		}
		recordsAllStrings(t, body)
		status, body = w.Post("/records/"+id, url.Values{"version": {"1"}, "type": {"passport"}, "status": {"stolen"}, "event_date": {"2025-05-02"},
			"restriction": {"none"}, "remarks": {"stolen, not lost"}})
		if status != http.StatusOK || !strings.Contains(text(body), "The record is saved.") || !strings.Contains(body, `name="version" value="2"`) {
			t.Fatalf("edit: %d %s", status, text(body))
		}
		d := recordsOwn(t, m, "ncb-fra")["14FR12345"]
		if d.Status != "stolen" || d.EventDate != "2025-05-02" || d.Restriction != nil || d.Remarks != "stolen, not lost" || d.Version != 2 {
			t.Fatalf("after the edit: %+v", d)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		// A form read before the last save does not overwrite it.
		status, body := w.Post("/records/"+id, url.Values{"version": {"1"}, "type": {"passport"}, "status": {"revoked"}, "restriction": {"none"}})
		if status != http.StatusConflict || !strings.Contains(text(body), "Someone changed this record") || !strings.Contains(body, `name="version" value="2"`) {
			t.Fatalf("stale edit: %d %s", status, text(body))
		}
		if d := recordsOwn(t, m, "ncb-fra")["14FR12345"]; d.Status != "stolen" || d.Version != 2 {
			t.Fatalf("a stale form changed the record: %+v", d)
		}
	})
	t.Run("ErrBadFields", func(t *testing.T) {
		before := len(recordsOwn(t, m, "ncb-fra"))
		good := url.Values{"number": {"14FR99999"}, "type": {"passport"}, "status": {"lost"}, "restriction": {"none"}}
		for field, change := range map[string]url.Values{
			"number":      {"number": {"14FR<9999"}},
			"type":        {"type": {"canoe"}},
			"status":      {"status": {"misplaced"}},
			"event_date":  {"event_date": {"2025-13-45"}},
			"number_to":   {"number_to": {"14FR99999X"}, "status": {"stolen"}},
			"restriction": {"restriction": {"allow"}, "countries": {"FRA XYZ"}},
			"remarks":     {"remarks": {strings.Repeat("x", 2001)}},
		} {
			form := url.Values{}
			for k, v := range good {
				form[k] = v
			}
			for k, v := range change {
				form[k] = v
			}
			status, body := w.Post("/records", form)
			if status != http.StatusBadRequest || !regexp.MustCompile(`id="`+field+`" name="`+field+`"[^>]*aria-invalid="true"`).MatchString(body) && field != "restriction" ||
				field == "restriction" && !regexp.MustCompile(`<fieldset aria-invalid="true">`).MatchString(body) {
				t.Errorf("bad %s: %d, the field is not named\n%s", field, status, text(body))
			}
			if !strings.Contains(body, `class="field-error"`) {
				t.Errorf("bad %s: no message beside the field", field)
			}
			// The form keeps what was typed.
			if !strings.Contains(body, `value="`+form.Get("number")+`"`) && field != "number" {
				t.Errorf("bad %s: the form lost the number", field)
			}
		}
		// An edit with a bad field changes nothing either.
		status, body := w.Post("/records/"+id, url.Values{"version": {"2"}, "type": {"passport"}, "status": {"stolen"}, "event_date": {"tomorrow"}, "restriction": {"none"}})
		if status != http.StatusBadRequest || !regexp.MustCompile(`id="event_date" name="event_date"[^>]*aria-invalid="true"`).MatchString(body) {
			t.Errorf("bad edit: %d %s", status, text(body))
		}
		after := recordsOwn(t, m, "ncb-fra")
		if len(after) != before || after["14FR12345"].Version != 2 {
			t.Errorf("bad forms stored something: %d records before, %d after", before, len(after))
		}
	})
	t.Run("ErrOtherCountry", func(t *testing.T) {
		for _, try := range []struct {
			method, path string
		}{{"GET", "/records/" + german.ID}, {"POST", "/records/" + german.ID}, {"POST", "/records/" + german.ID + "/delete"}} {
			var status int
			var body string
			if try.method == "GET" {
				status, body = w.Get(try.path)
			} else {
				w.Get("/records")
				status, body = w.Post(try.path, url.Values{"version": {"1"}, "type": {"id_card"}, "status": {"lost"}, "restriction": {"none"}})
			}
			if status != http.StatusNotFound && status != http.StatusForbidden || strings.Contains(body, "C01X00T47") {
				t.Errorf("%s %s: %d, want 404 or 403 and nothing of the record", try.method, try.path, status)
			}
		}
		var d lookout.Document
		if status := deu.do("GET", "/v1/documents/"+german.ID, nil, &d); status != http.StatusOK || d.Version != 1 || d.Type != "passport" || d.Status != "stolen" {
			t.Fatalf("Germany's record after France's attempts: %d %+v", status, d)
		}
		if status, _ := w.Get("/records/99999999"); status != http.StatusNotFound {
			t.Errorf("no such record: %d", status)
		}
	})
	t.Run("OKDelete", func(t *testing.T) {
		w.Get("/records/" + id)
		status, body := w.Post("/records/"+id+"/delete", nil)
		if status != http.StatusOK || !strings.Contains(text(body), "The record is deleted.") || strings.Contains(body, `href="/records/`+id+`"`) {
			t.Fatalf("delete: %d %s", status, text(body))
		}
		if _, ok := recordsOwn(t, m, "ncb-fra")["14FR12345"]; ok {
			t.Fatal("the record is still there")
		}
		if status, _ := w.Get("/records/" + id); status != http.StatusNotFound {
			t.Errorf("deleted record: %d", status)
		}
	})
}

func TestConsoleRecordsImport(t *testing.T) {
	m, _ := MustConsoleNCBs(t)
	w := MustOfficer(t, m, "ncb-fra", "records.import", nil).MustSignIn(t)

	t.Run("OKGoodAndBadRows", func(t *testing.T) {
		status, body := w.Get("/records/import")
		if status != http.StatusOK || !strings.Contains(body, `enctype="multipart/form-data"`) || !strings.Contains(body, "<progress") {
			t.Fatalf("import form: %d", status)
		}
		recordsAllStrings(t, body)
		csv := "number,issuing_country,type,status,event_date,number_to,remarks\n" +
			"IM0000001,FRA,passport,stolen,2025-01-02,,\"stolen, with a wallet\"\n" + // 2: good
			"IM0000002,FRA,canoe,stolen,,,\n" + // 3: bad type
			"IM0000003,DEU,passport,stolen,,,\n" + // 4: another country's
			"IM0000004,FRA,passport\n" + // 5: too few fields
			"ZZ0001000,FRA,passport,stolen_blank,,ZZ0001999,\n" + // 6: good batch
			"IM0000001,FRA,passport,lost,,,\n" + // 7: duplicate of line 2
			"IM0000005,FRA,id_card,lost,2025-02-30,,\n" // 8: bad date
		status, body = recordsUpload(w, "stolen.csv", csv, false)
		txt := text(body)
		if status != http.StatusOK || !strings.Contains(txt, "Imported from stolen.csv") || !strings.Contains(txt, "2 records stored.") || !strings.Contains(txt, "5 rows refused.") {
			t.Fatalf("import: %d %s", status, txt)
		}
		for line, why := range map[int]string{3: "type", 4: "DEU", 5: "fields", 7: "recorded already", 8: "event_date"} {
			if !regexp.MustCompile(`<th scope="row" class="num">` + strconv.Itoa(line) + `</th><td class="mono">[a-z_]*</td><td>[^<]*` + regexp.QuoteMeta(why)).MatchString(body) {
				t.Errorf("line %d is not reported with %q:\n%s", line, why, body)
			}
		}
		for _, line := range []string{"2", "6"} {
			if strings.Contains(body, `<th scope="row" class="num">`+line+`</th>`) {
				t.Errorf("the good line %s is reported", line)
			}
		}
		docs := recordsOwn(t, m, "ncb-fra")
		if len(docs) != 2 || docs["IM0000001"] == nil || docs["IM0000001"].Remarks != "stolen, with a wallet" || docs["ZZ0001000"] == nil || docs["ZZ0001000"].NumberTo != "ZZ0001999" {
			t.Fatalf("stored: %v", docs)
		}
		if len(recordsOwn(t, m, "ncb-deu")) != 0 {
			t.Fatal("France imported a German record")
		}
		recordsAllStrings(t, body)
		// A number inside the imported batch finds the batch.
		if _, body := w.Get("/records?number=ZZ0001500"); !strings.Contains(body, `ZZ0001000 – ZZ0001999</a>`) {
			t.Errorf("a number of the batch does not find it: %s", text(body))
		}
	})
	t.Run("OKNDJSONWithProgress", func(t *testing.T) {
		w.Get("/records/import")
		nd := `{"number": "ND0000001", "issuing_country": "FRA", "type": "visa", "status": "revoked", "restriction": {"allow": ["DEU"]}}` + "\n" +
			`{"number": "ND0000002", "colour": "red"}` + "\n"
		status, body := recordsUpload(w, "revoked.ndjson", nd, true)
		txt := text(body)
		if status != http.StatusOK || !strings.Contains(txt, "1 records stored.") || !strings.Contains(txt, "1 rows refused.") || !strings.Contains(body, `<th scope="row" class="num">2</th>`) {
			t.Fatalf("NDJSON import: %d %s", status, txt)
		}
		if d := recordsOwn(t, m, "ncb-fra")["ND0000001"]; d == nil || d.Restriction == nil || d.Restriction.Allow[0] != "DEU" {
			t.Fatalf("stored: %+v", d)
		}
	})
	t.Run("ErrBadFile", func(t *testing.T) {
		before := len(recordsOwn(t, m, "ncb-fra"))
		w.Get("/records/import")
		status, body := recordsUpload(w, "", "", false)
		if status != http.StatusBadRequest || !regexp.MustCompile(`id="file" name="file"[^>]*aria-invalid="true"`).MatchString(body) {
			t.Errorf("no file: %d %s", status, text(body))
		}
		status, body = recordsUpload(w, "bad.csv", "number,issuing_country,type,colour\nX1,FRA,passport,red\n", false)
		if status != http.StatusBadRequest || !strings.Contains(text(body), `unknown column "colour"`) || !strings.Contains(body, `aria-invalid="true"`) {
			t.Errorf("bad header: %d %s", status, text(body))
		}
		if after := len(recordsOwn(t, m, "ncb-fra")); after != before {
			t.Errorf("a bad file stored %d records", after-before)
		}
		// A forged token is refused before the file is read.
		req, _ := http.NewRequest("POST", w.url+"/records/import", strings.NewReader("x"))
		req.Header.Set("Content-Type", "text/csv")
		req.Header.Set("X-CSRF-Token", "forged")
		if status, _ := w.do(req); status != http.StatusForbidden {
			t.Errorf("forged token: %d", status)
		}
	})
}

func TestConsoleRecordsForbidden(t *testing.T) {
	m, _ := MustConsoleNCBs(t)
	ctx := lookout.NewContext(context.Background(), mustCaller(t, m, "ncb-fra"))
	d, err := m.hub.CreateDocument(ctx, &lookout.Document{Number: "FB0000001", IssuingCountry: "FRA", Type: "passport", Status: "lost"})
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(d.ID, 10)
	// A border officer checks documents but does not keep the records.
	w := MustOfficer(t, m, "ncb-fra", "border.only", []lookout.Grant{lookout.GrantDocumentsCheck}).MustSignIn(t)
	_, dash := w.Get("/")
	if strings.Contains(dash, `href="/records"`) {
		t.Errorf("the menu offers Our records to an account without documents:write")
	}
	for _, route := range []struct{ method, path string }{
		{"GET", "/records"}, {"GET", "/records/new"}, {"POST", "/records"},
		{"GET", "/records/import"}, {"POST", "/records/import"},
		{"GET", "/records/" + id}, {"POST", "/records/" + id}, {"POST", "/records/" + id + "/delete"},
	} {
		var status int
		var body string
		switch {
		case route.method == "GET":
			status, body = w.Get(route.path)
		case route.path == "/records/import":
			status, body = recordsUpload(w, "x.csv", "number,issuing_country,type,status\nFB0000002,FRA,passport,lost\n", false)
		default:
			status, body = w.Post(route.path, url.Values{"number": {"FB0000003"}, "version": {"1"}, "type": {"id_card"}, "status": {"stolen"}, "restriction": {"none"}})
		}
		if status != http.StatusForbidden || !strings.Contains(text(body), "documents:write") {
			t.Errorf("%s %s: %d, want 403 naming the grant", route.method, route.path, status)
		}
	}
	docs := recordsOwn(t, m, "ncb-fra")
	if len(docs) != 1 || docs["FB0000001"].Version != 1 || docs["FB0000001"].Type != "passport" {
		t.Fatalf("records after the refused requests: %v", docs)
	}
}

// TestConsoleRecordsBrowser records a document and imports a file in a real
// browser: the upload goes through the script, with its progress bar, and
// the result replaces the form without leaving the page.
func TestConsoleRecordsBrowser(t *testing.T) {
	browser := MustBrowser(t)
	m, _ := MustConsoleNCBs(t)
	w := MustTab(t, browser, m)
	w.signIn(MustOfficer(t, m, "ncb-fra", "records.anne", nil))
	w.open("/records")
	w.accessible()

	w.open("/records/new")
	w.accessible()
	w.do("record a document",
		chromedp.SendKeys("#number", "14FR77777"),
		chromedp.SetValue("#status", "lost"),
		chromedp.Click("#restriction-deny"),
		chromedp.SendKeys("#countries", "GBR"),
		chromedp.Click(".record-form button[type=submit]"),
		chromedp.WaitVisible(".flash.ok"),
	)
	w.accessible()
	if txt := w.text(); !strings.Contains(txt, "The document is recorded.") || !strings.Contains(txt, "All but GBR") {
		t.Fatalf("record page: %s", txt)
	}
	w.shot("record")

	var csv strings.Builder
	csv.WriteString("number,issuing_country,type,status\n")
	for i := range 3000 {
		csv.WriteString("BR" + strconv.Itoa(1000000+i) + ",FRA,passport,stolen\n")
	}
	csv.WriteString("BR9999999,FRA,canoe,stolen\n")
	file := filepath.Join(t.TempDir(), "stolen.csv")
	if err := os.WriteFile(file, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	w.open("/records/import")
	w.accessible()
	// A mark that a page load would wipe, and a watch on the progress box.
	evalIn[bool](w, `window.stayed = true; window.progressShown = false;
		new MutationObserver(() => { if (!document.getElementById("upload-progress").hidden) window.progressShown = true; })
			.observe(document.getElementById("upload-progress"), {attributes: true}); true`)
	w.do("import a file",
		chromedp.SetUploadFiles("#file", []string{file}),
		chromedp.Click("#import-submit"),
		chromedp.WaitVisible("#import-result"),
	)
	if !evalIn[bool](w, `window.stayed === true`) {
		t.Errorf("the upload loaded a new page: the script did not send it")
	}
	if !evalIn[bool](w, `window.progressShown === true`) {
		t.Errorf("the upload showed no progress bar")
	}
	w.accessible()
	if txt := w.text(); !strings.Contains(txt, "3000 records stored.") || !strings.Contains(txt, "1 rows refused.") || !strings.Contains(txt, "3002") {
		t.Fatalf("import result: %s", txt)
	}
	w.shot("records-import")
	w.open("/records")
	w.shot("records")
}
