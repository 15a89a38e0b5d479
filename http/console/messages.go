package console

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/hub"
)

// mailFormMax bounds a compose form: the hub's attachment total, its
// body limit, and room for the other fields and the multipart framing.
const mailFormMax = hub.MaxAttachmentsTotal + hub.MaxMessageBody + 1<<20

// mailSafeTypes are the content types an attachment is served with;
// anything else goes out as application/octet-stream. All are downloads
// (Content-Disposition: attachment), never rendered in a console page.
var mailSafeTypes = []string{"application/pdf", "image/png", "image/jpeg", "image/gif", "text/plain"}

// routesMessages registers the Messages screens.
func (c *Console) routesMessages() {
	c.handle("GET /messages", "", c.mailListPage)
	c.handle("GET /messages/new", lookout.GrantMessagesSend, c.mailNew)
	c.upload("POST /messages", lookout.GrantMessagesSend, mailFormMax, c.mailSend)
	c.handle("GET /messages/{id}", "", c.mailViewPage)
	c.handle("GET /messages/{id}/attachments/{n}", "", c.mailAttachment)
}

// mailBox is the inbox or the sent box.
type mailBox struct {
	Box      string
	Q        string
	Before   int64
	Messages []mailRow
	// Next is the cursor of the next page, 0 on the last.
	Next int64
}

// mailRow is one line of a box.
type mailRow struct {
	*lookout.Message
	Unread bool
	// Read counts the recipients who read a sent message.
	Read int
}

func (l mailBox) Link(box string, before int64) string {
	v := url.Values{}
	v.Set("box", box)
	if l.Q != "" && box == l.Box {
		v.Set("q", l.Q)
	}
	if before > 0 {
		v.Set("before", strconv.FormatInt(before, 10))
	}
	return "/messages?" + v.Encode()
}

func (c *Console) mailListPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	l := mailBox{Box: q.Get("box"), Q: strings.TrimSpace(q.Get("q"))}
	if l.Box != "sent" {
		l.Box = "inbox"
	}
	if s := q.Get("before"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return lookout.FieldErrorf("before", "%s", c.text.T("messages.error.before", s))
		}
		l.Before = n
	}
	list, next, err := c.hub.Mailbox(r.Context(), l.Box, l.Q, l.Before)
	if lookout.ErrorCode(err) == lookout.EINVALID {
		// A search without a word: the box again, with the reason.
		c.render(w, r, statusOf(err), "messages", l, lookout.FieldErrorf("q", "%s", c.text.T("messages.error.q")))
		return nil
	} else if err != nil {
		return err
	}
	l.Next = next
	for _, m := range list {
		row := mailRow{Message: m, Unread: l.Box == "inbox" && m.ReadAt == nil}
		for _, rc := range m.Receipts {
			if rc.ReadAt != nil {
				row.Read++
			}
		}
		l.Messages = append(l.Messages, row)
	}
	c.render(w, r, http.StatusOK, "messages", l, nil)
	return nil
}

// mailView is one message with its thread.
type mailView struct {
	M *lookout.Message
	// Sent says the caller's agency sent it (and sees the receipts).
	Sent   bool
	Thread []*lookout.Message
}

func (c *Console) mailByPath(r *http.Request) (*lookout.Message, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "%s", c.text.T("messages.error.not_found", r.PathValue("id")))
	}
	// The hub answers ENOTFOUND to anyone but the sender and recipients,
	// and records the first read of a recipient.
	return c.hub.Message(r.Context(), id)
}

func (c *Console) mailViewPage(w http.ResponseWriter, r *http.Request) error {
	m, err := c.mailByPath(r)
	if err != nil {
		return err
	}
	caller := lookout.CallerFrom(r.Context())
	v := mailView{M: m, Sent: m.From == caller.Agency.ID}
	if v.Thread, err = c.hub.MessageThread(r.Context(), m); err != nil {
		return err
	}
	c.render(w, r, http.StatusOK, "message", v, nil)
	return nil
}

func (c *Console) mailAttachment(w http.ResponseWriter, r *http.Request) error {
	m, err := c.mailByPath(r)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 0 || n >= len(m.Attachments) {
		return lookout.Errorf(lookout.ENOTFOUND, "%s", c.text.T("messages.error.no_attachment", r.PathValue("n"), m.ID))
	}
	a := m.Attachments[n]
	ct, _, _ := mime.ParseMediaType(a.ContentType)
	if !slices.Contains(mailSafeTypes, ct) {
		ct = "application/octet-stream"
	} else if ct == "text/plain" {
		ct = "text/plain; charset=utf-8"
	}
	name := a.Name
	if name == "" {
		name = "attachment-" + strconv.Itoa(n+1)
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("X-Content-Type-Options", "nosniff")
	// Should a browser show it anyway, it runs nothing and loads nothing.
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Content-Length", strconv.Itoa(len(a.Data)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(a.Data)
	}
	return nil
}

// mailForm is the compose form, as typed.
type mailForm struct {
	To       []string
	Subject  string
	Body     string
	Priority string
	HitID    string
	NoticeID string
	ReplyTo  string
	// Files are the names of the files chosen before a failed send: a
	// browser cannot be made to choose them again.
	Files []string
	// Agencies are the correspondents to choose from.
	Agencies []*lookout.Agency
	AllNCBs  string
	// The hub's limits on files, for the hint and the script's warning.
	MaxFiles    int
	MaxMiB      int
	MaxFileMiB  int
	MaxBytes    int
	MaxFileSize int
}

func (c *Console) mailNewForm(r *http.Request) (*mailForm, error) {
	agencies, err := c.hub.Correspondents(r.Context())
	if err != nil {
		return nil, err
	}
	return &mailForm{Priority: lookout.PriorityRoutine, Agencies: agencies, AllNCBs: lookout.AllNCBs,
		MaxFiles: hub.MaxAttachments, MaxMiB: hub.MaxAttachmentsTotal >> 20, MaxFileMiB: hub.MaxAttachmentSize >> 20,
		MaxBytes: hub.MaxAttachmentsTotal, MaxFileSize: hub.MaxAttachmentSize}, nil
}

func (c *Console) mailNew(w http.ResponseWriter, r *http.Request) error {
	f, err := c.mailNewForm(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if s := q.Get("reply"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return lookout.Errorf(lookout.ENOTFOUND, "%s", c.text.T("messages.error.not_found", s))
		}
		parent, err := c.hub.Message(r.Context(), id)
		if err != nil {
			return err
		}
		me := lookout.CallerFrom(r.Context()).Agency.ID
		if parent.From == me {
			f.To = slices.Clone(parent.To)
		} else {
			f.To = []string{parent.From}
		}
		f.Subject = parent.Subject
		if prefix := c.text.T("messages.reply_prefix"); !strings.HasPrefix(f.Subject, prefix) {
			f.Subject = prefix + f.Subject
		}
		if utf8.RuneCountInString(f.Subject) > 200 {
			f.Subject = string([]rune(f.Subject)[:200])
		}
		f.Priority = parent.Priority
		f.ReplyTo = strconv.FormatInt(parent.ID, 10)
		if parent.HitID != 0 {
			f.HitID = strconv.FormatInt(parent.HitID, 10)
		}
		if parent.NoticeID != 0 {
			f.NoticeID = strconv.FormatInt(parent.NoticeID, 10)
		}
	}
	if s := q.Get("notice"); s != "" && f.NoticeID == "" {
		f.NoticeID = s
		// About another country's notice, its NCB is the usual recipient.
		if id, err := strconv.ParseInt(s, 10, 64); err == nil && id > 0 && len(f.To) == 0 {
			if n, err := c.hub.Notice(r.Context(), id); err == nil && n.OwnerCountry != lookout.CallerFrom(r.Context()).Country() {
				for _, a := range f.Agencies {
					if a.Kind == lookout.KindNCB && a.Country == n.OwnerCountry {
						f.To = append(f.To, a.ID)
					}
				}
			}
		}
	}
	if s := q.Get("hit"); s != "" && f.HitID == "" {
		f.HitID = s
		// On a case, the other country's NCB is the usual recipient.
		if id, err := strconv.ParseInt(s, 10, 64); err == nil && len(f.To) == 0 {
			if hit, err := c.hub.Hit(r.Context(), id); err == nil {
				other := hit.OwnerCountry
				if other == lookout.CallerFrom(r.Context()).Country() {
					other = hit.SearchingCountry
				}
				for _, a := range f.Agencies {
					if a.Kind == lookout.KindNCB && a.Country == other {
						f.To = append(f.To, a.ID)
					}
				}
			}
		}
	}
	c.render(w, r, http.StatusOK, "message_new", f, nil)
	return nil
}

func (c *Console) mailSend(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return err
	}
	f, err := c.mailNewForm(r)
	if err != nil {
		return err
	}
	form := r.PostForm
	for _, id := range form["to"] {
		if id = strings.TrimSpace(id); id != "" && !slices.Contains(f.To, id) {
			f.To = append(f.To, id)
		}
	}
	f.Subject, f.Body, f.Priority = form.Get("subject"), form.Get("body"), form.Get("priority")
	f.HitID, f.NoticeID, f.ReplyTo = strings.TrimSpace(form.Get("hit_id")), strings.TrimSpace(form.Get("notice_id")), strings.TrimSpace(form.Get("reply_to"))
	m := &lookout.Message{To: f.To, Subject: f.Subject, Body: f.Body, Priority: f.Priority}
	fail := func(err error) error {
		c.render(w, r, statusOf(err), "message_new", f, err)
		return nil
	}
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["attachments"] {
			if fh.Filename == "" && fh.Size == 0 {
				continue // the empty file input
			}
			f.Files = append(f.Files, fh.Filename)
			file, err := fh.Open()
			if err != nil {
				return err
			}
			data, err := io.ReadAll(io.LimitReader(file, hub.MaxAttachmentSize+1))
			file.Close()
			if err != nil {
				return err
			}
			ct := fh.Header.Get("Content-Type")
			if ct == "" || strings.HasPrefix(ct, "application/octet-stream") {
				// Browsers say octet-stream for what they do not know;
				// the hub checks the content against the type anyway.
				ct = http.DetectContentType(data)
			}
			m.Attachments = append(m.Attachments, lookout.Attachment{Name: fh.Filename, ContentType: ct, Data: data})
		}
	}
	// The required fields first, each named, in the form's order.
	switch {
	case len(f.To) == 0:
		return fail(lookout.FieldErrorf("to", "%s", c.text.T("messages.error.to")))
	case strings.TrimSpace(f.Subject) == "":
		return fail(lookout.FieldErrorf("subject", "%s", c.text.T("messages.error.subject")))
	}
	if f.HitID != "" {
		if m.HitID, err = strconv.ParseInt(f.HitID, 10, 64); err != nil || m.HitID <= 0 {
			return fail(lookout.FieldErrorf("hit_id", "%s", c.text.T("messages.error.hit_id", f.HitID)))
		}
	}
	if f.NoticeID != "" {
		if m.NoticeID, err = strconv.ParseInt(f.NoticeID, 10, 64); err != nil || m.NoticeID <= 0 {
			return fail(lookout.FieldErrorf("notice_id", "%s", c.text.T("messages.error.notice_id", f.NoticeID)))
		}
	}
	if f.ReplyTo != "" {
		if m.ReplyTo, err = strconv.ParseInt(f.ReplyTo, 10, 64); err != nil || m.ReplyTo <= 0 {
			return fail(lookout.FieldErrorf("reply_to", "%s", c.text.T("messages.error.reply_to", f.ReplyTo)))
		}
	}
	sent, err := c.hub.SendMessage(r.Context(), m)
	if err != nil {
		var e *lookout.Error
		if !errors.As(err, &e) || e.Code == lookout.EINTERNAL {
			return err
		}
		e = &lookout.Error{Code: e.Code, Message: e.Message, Field: mailField(e.Field)}
		switch {
		case e.Code == lookout.ENOTFOUND && e.Field == "notice_id":
			e = lookout.FieldErrorf("notice_id", "%s", c.text.T("messages.error.notice_not_found", m.NoticeID))
		case e.Code == lookout.ENOTFOUND && m.HitID != 0:
			// Besides a notice, the only thing SendMessage does not find
			// is the hit.
			e = lookout.FieldErrorf("hit_id", "%s", c.text.T("messages.error.hit_not_found", m.HitID))
		}
		return fail(e)
	}
	redirect(w, r, "/messages/"+strconv.FormatInt(sent.ID, 10), "messages.sent")
	return nil
}

// mailField names the form's field for a field of the hub's message:
// "to[2]" is the recipients, "attachments[0].content_type" the files.
func mailField(field string) string {
	if i := strings.IndexByte(field, '['); i >= 0 {
		field = field[:i]
	}
	switch field {
	case "thread_id":
		return "reply_to"
	case "record_id", "record_database":
		return ""
	}
	return field
}
