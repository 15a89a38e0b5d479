package console

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/docfile"
)

// routesRecords registers Our records: the travel documents the officer's
// own country recorded, listed, searched, created, edited, deleted and
// imported from a file. Every change goes through the hub, which keeps the
// owner's rules and writes the audit trail.
func (c *Console) routesRecords() {
	g := lookout.GrantDocumentsWrite
	c.handle("GET /records", g, c.recordsList)
	c.handle("GET /records/new", g, c.recordNew)
	c.handle("POST /records", g, c.recordCreate)
	c.handle("GET /records/import", g, c.recordsImportPage)
	c.upload("POST /records/import", g, maxImport, c.recordsImport)
	c.handle("GET /records/{id}", g, c.recordPage)
	c.handle("POST /records/{id}", g, c.recordUpdate)
	c.handle("POST /records/{id}/delete", g, c.recordDelete)
}

const (
	// recordsPage is the length of a page of the list.
	recordsPage = 50
	// maxImport bounds an imported file (about four million CSV rows).
	maxImport = 256 << 20
	// importChunk is how many records go to the hub in one call (one
	// transaction).
	importChunk = 2000
	// maxBadRows bounds the refused rows the result page lists; the rest
	// are counted.
	maxBadRows = 1000
)

// recordsListData is the list page.
type recordsListData struct {
	Number, Status string
	After          int64
	Docs           []*lookout.Document
	// NextURL is the next page's address, empty on the last page;
	// FirstURL goes back to the first page when this is not it.
	NextURL, FirstURL string
	Statuses          []string
}

func (c *Console) recordsList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	data := &recordsListData{Number: strings.TrimSpace(q.Get("number")), Status: q.Get("status"), Statuses: lookout.DocumentStatuses}
	data.After, _ = strconv.ParseInt(q.Get("after"), 10, 64)
	data.After = max(data.After, 0)
	if data.Status != "" && !slices.Contains(lookout.DocumentStatuses, data.Status) {
		err := lookout.FieldErrorf("status", "%s", c.text.T("records.bad_status", data.Status))
		c.render(w, r, statusOf(err), "records", data, err)
		return nil
	}
	var docs []*lookout.Document
	var next int64
	var err error
	if data.Number != "" {
		// A number is looked up in the document index, not by scanning
		// the country's records; it is held by a few records at most.
		docs, err = c.hub.OwnDocumentsByNumber(r.Context(), data.Number, data.Status)
	} else {
		docs, next, err = c.hub.Documents(r.Context(), lookout.DocumentFilter{
			OwnerCountry: lookout.CallerFrom(r.Context()).Country(), Status: data.Status, After: data.After, Limit: recordsPage,
		})
	}
	if err != nil {
		if lookout.ErrorCode(err) == lookout.EINVALID {
			c.render(w, r, statusOf(err), "records", data, err)
			return nil
		}
		return err
	}
	data.Docs = docs
	link := func(after int64) string {
		v := url.Values{}
		if data.Number != "" {
			v.Set("number", data.Number)
		}
		if data.Status != "" {
			v.Set("status", data.Status)
		}
		if after > 0 {
			v.Set("after", strconv.FormatInt(after, 10))
		}
		if len(v) == 0 {
			return "/records"
		}
		return "/records?" + v.Encode()
	}
	if next > 0 {
		data.NextURL = link(next)
	}
	if data.After > 0 {
		data.FirstURL = link(0)
	}
	c.render(w, r, http.StatusOK, "records", data, nil)
	return nil
}

// recordForm is a record's form as the officer filled it in.
type recordForm struct {
	Number, IssuingCountry, Type, Status, EventDate, NumberTo, Remarks string
	// Restriction is "", "allow" or "deny"; Countries the codes it names,
	// as typed.
	Restriction, Countries string
	Version                int64
}

// recordData is the page of one record (Doc set) or of a new one.
type recordData struct {
	Doc             *lookout.Document
	Form            recordForm
	Types, Statuses []string
}

func formOf(d *lookout.Document) recordForm {
	f := recordForm{Number: d.Number, IssuingCountry: d.IssuingCountry, Type: d.Type, Status: d.Status, EventDate: d.EventDate,
		NumberTo: d.NumberTo, Remarks: d.Remarks, Version: d.Version}
	if r := d.Restriction; r != nil {
		switch {
		case len(r.Allow) > 0:
			f.Restriction, f.Countries = "allow", strings.Join(r.Allow, " ")
		case len(r.Deny) > 0:
			f.Restriction, f.Countries = "deny", strings.Join(r.Deny, " ")
		}
	}
	return f
}

// readRecordForm reads the posted form; the restriction it names is
// checked here only for what the hub cannot see (a choice without
// countries), the rest is the hub's.
func (c *Console) readRecordForm(r *http.Request) (recordForm, *lookout.Restriction, error) {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := recordForm{Number: v("number"), Type: v("type"), Status: v("status"), EventDate: v("event_date"),
		NumberTo: v("number_to"), Remarks: strings.TrimSpace(strings.ReplaceAll(r.PostFormValue("remarks"), "\r\n", "\n")),
		Restriction: v("restriction"), Countries: v("countries")}
	f.Version, _ = strconv.ParseInt(v("version"), 10, 64)
	if f.Restriction == "none" {
		f.Restriction = ""
	}
	codes := strings.FieldsFunc(strings.ToUpper(f.Countries), func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' || r == '\r' })
	switch f.Restriction {
	case "":
		if len(codes) > 0 {
			return f, nil, lookout.FieldErrorf("restriction", "%s", c.text.T("records.restriction_choose"))
		}
		return f, nil, nil
	case "allow", "deny":
		if len(codes) == 0 {
			return f, nil, lookout.FieldErrorf("restriction", "%s", c.text.T("records.restriction_empty"))
		}
		if f.Restriction == "allow" {
			return f, &lookout.Restriction{Allow: codes}, nil
		}
		return f, &lookout.Restriction{Deny: codes}, nil
	}
	return f, nil, lookout.FieldErrorf("restriction", "%s", c.text.T("records.restriction_bad", f.Restriction))
}

// formError names the form's field for an error of the hub: the
// restriction's countries are one field in the form.
func formError(err error) error {
	var e *lookout.Error
	if errors.As(err, &e) && strings.HasPrefix(e.Field, "restriction") && e.Field != "restriction" {
		return lookout.FieldErrorf("restriction", "%s", e.Message)
	}
	return err
}

func (c *Console) recordNew(w http.ResponseWriter, r *http.Request) error {
	data := &recordData{Types: lookout.DocumentTypes, Statuses: lookout.DocumentStatuses,
		Form: recordForm{IssuingCountry: lookout.CallerFrom(r.Context()).Country(), Type: "passport", Status: "stolen"}}
	c.render(w, r, http.StatusOK, "record", data, nil)
	return nil
}

func (c *Console) recordCreate(w http.ResponseWriter, r *http.Request) error {
	country := lookout.CallerFrom(r.Context()).Country()
	f, restriction, err := c.readRecordForm(r)
	f.IssuingCountry = country
	data := &recordData{Types: lookout.DocumentTypes, Statuses: lookout.DocumentStatuses, Form: f}
	if err == nil {
		var d *lookout.Document
		d, err = c.hub.CreateDocument(r.Context(), &lookout.Document{
			Number: f.Number, IssuingCountry: country, Type: f.Type, Status: f.Status, EventDate: f.EventDate,
			NumberTo: f.NumberTo, Restriction: restriction, Remarks: f.Remarks,
		})
		if err == nil {
			redirect(w, r, "/records/"+strconv.FormatInt(d.ID, 10), "records_created")
			return nil
		}
	}
	if code := lookout.ErrorCode(err); code != lookout.EINVALID && code != lookout.ECONFLICT {
		return err
	}
	err = formError(err)
	c.render(w, r, statusOf(err), "record", data, err)
	return nil
}

// ownRecord returns a record of the caller's country; another country's
// is not found here, whether or not the caller may see it elsewhere.
func (c *Console) ownRecord(r *http.Request) (*lookout.Document, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "%s", c.text.T("records.not_found", r.PathValue("id")))
	}
	d, err := c.hub.Document(r.Context(), id)
	if lookout.ErrorCode(err) == lookout.ENOTFOUND || err == nil && d.OwnerCountry != lookout.CallerFrom(r.Context()).Country() {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "%s", c.text.T("records.not_found", r.PathValue("id")))
	}
	return d, err
}

func (c *Console) recordPage(w http.ResponseWriter, r *http.Request) error {
	d, err := c.ownRecord(r)
	if err != nil {
		return err
	}
	c.render(w, r, http.StatusOK, "record", &recordData{Doc: d, Form: formOf(d), Types: lookout.DocumentTypes, Statuses: lookout.DocumentStatuses}, nil)
	return nil
}

func (c *Console) recordUpdate(w http.ResponseWriter, r *http.Request) error {
	d, err := c.ownRecord(r)
	if err != nil {
		return err
	}
	f, restriction, err := c.readRecordForm(r)
	f.Number, f.IssuingCountry = d.Number, d.IssuingCountry
	data := &recordData{Doc: d, Form: f, Types: lookout.DocumentTypes, Statuses: lookout.DocumentStatuses}
	if err == nil {
		// The hub saves only over the version the form was read at, so a
		// change landing at any moment after that is never overwritten.
		u := lookout.DocumentUpdate{Type: &f.Type, Status: &f.Status, EventDate: &f.EventDate, NumberTo: &f.NumberTo,
			Restriction: &restriction, Remarks: &f.Remarks, Version: &f.Version}
		if _, err = c.hub.UpdateDocument(r.Context(), d.ID, u); err == nil {
			redirect(w, r, "/records/"+strconv.FormatInt(d.ID, 10), "records_updated")
			return nil
		}
	}
	code := lookout.ErrorCode(err)
	if code == lookout.ECONFLICT || code == lookout.EINVALID && f.Version < 1 {
		// Someone saved the record since this form was read (or the form
		// lost its version): show the record as it is now beside the
		// officer's changes, and let the next save apply them over it.
		// Another conflict (the type makes it a duplicate) is shown as is.
		now, rerr := c.ownRecord(r)
		if rerr != nil {
			return rerr
		}
		if now.Version != f.Version {
			err, code = lookout.Errorf(lookout.ECONFLICT, "%s", c.text.T("records.conflict")), lookout.ECONFLICT
			data.Doc, data.Form.Version = now, now.Version
		}
	}
	if code != lookout.EINVALID && code != lookout.ECONFLICT {
		return err
	}
	err = formError(err)
	c.render(w, r, statusOf(err), "record", data, err)
	return nil
}

func (c *Console) recordDelete(w http.ResponseWriter, r *http.Request) error {
	d, err := c.ownRecord(r)
	if err != nil {
		return err
	}
	if err := c.hub.DeleteDocument(r.Context(), d.ID); err != nil {
		return err
	}
	redirect(w, r, "/records", "records_deleted")
	return nil
}

// importData is the import form and, after a file, its result.
type importData struct {
	Country  string
	MaxMiB   int
	MaxBytes int64
	// The result: the file, what was stored, and each refused row.
	Done        bool
	FileName    string
	Stored      int
	Failed      int
	BadRows     []badRow
	MoreBadRows int
	Stopped     string
	Took        string
}

// badRow is a refused row of an imported file.
type badRow struct {
	Line           int
	Field, Message string
}

func (c *Console) newImportData(r *http.Request) *importData {
	return &importData{Country: lookout.CallerFrom(r.Context()).Country(), MaxMiB: maxImport >> 20, MaxBytes: maxImport}
}

func (c *Console) recordsImportPage(w http.ResponseWriter, r *http.Request) error {
	c.render(w, r, http.StatusOK, "records_import", c.newImportData(r), nil)
	return nil
}

// recordsImport stores the records of an uploaded file (the CSV or NDJSON
// of `lookout import documents`) in chunks; a bad row is reported with its
// line and does not stop the others.
func (c *Console) recordsImport(w http.ResponseWriter, r *http.Request) error {
	data := c.newImportData(r)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
			err = lookout.FieldErrorf("file", "%s", c.text.T("records.import.no_file"))
			c.render(w, r, statusOf(err), "records_import", data, err)
			return nil
		}
		return lookout.Errorf(lookout.EINVALID, "%s", c.text.T("records.import.unreadable"))
	}
	defer file.Close()
	data.FileName = hdr.Filename
	start := time.Now()
	rd, err := docfile.New(file, hdr.Filename)
	if err != nil {
		if lookout.ErrorCode(err) != lookout.EINVALID {
			return err
		}
		err = lookout.FieldErrorf("file", "%s", lookout.ErrorMessage(err))
		c.render(w, r, statusOf(err), "records_import", data, err)
		return nil
	}
	bad := func(line int, err error) {
		data.Failed++
		if len(data.BadRows) < maxBadRows {
			data.BadRows = append(data.BadRows, badRow{Line: line, Field: lookout.ErrorField(err), Message: lookout.ErrorMessage(err)})
		} else {
			data.MoreBadRows++
		}
	}
	docs := make([]*lookout.Document, 0, importChunk)
	lines := make([]int, 0, importChunk)
	flush := func() error {
		if len(docs) == 0 {
			return nil
		}
		errs, err := c.hub.CreateDocuments(r.Context(), docs)
		if err != nil {
			return err
		}
		for i, e := range errs {
			if e != nil {
				bad(lines[i], e)
			} else {
				data.Stored++
			}
		}
		docs, lines = docs[:0], lines[:0]
		return nil
	}
	status := http.StatusOK
	stop := func(err error) {
		// What was stored stays stored: say where the file stopped.
		if lookout.ErrorCode(err) == lookout.EINTERNAL {
			c.log.Error("console import", "file", hdr.Filename, "err", err)
		}
		data.Stopped = c.text.T("records.import.stopped", lookout.ErrorMessage(err))
		status = statusOf(err)
	}
	for data.Stopped == "" {
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			if err := flush(); err != nil {
				stop(err)
			}
			break
		}
		if err != nil {
			stop(err)
			break
		}
		if rec.Err != nil {
			bad(rec.Line, rec.Err)
			continue
		}
		docs, lines = append(docs, rec.Document), append(lines, rec.Line)
		if len(docs) == importChunk {
			if err := flush(); err != nil {
				stop(err)
			}
		}
	}
	data.Done = true
	data.Took = time.Since(start).Round(100 * time.Millisecond).String()
	if status == http.StatusOK && data.Stored == 0 && data.Failed > 0 {
		status = http.StatusBadRequest
	}
	c.render(w, r, status, "records_import", data, nil)
	return nil
}
