package hub

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lookout-network/lookout"
)

// Limits on messages.
const (
	maxRecipients     = 200
	maxSubjectLen     = 200
	maxBodyLen        = 64 << 10
	maxAttachments    = 10
	MaxAttachmentSize = 4 << 20
	maxAttachmentsSum = 10 << 20
	maxTerms          = 1000
)

// AttachmentTypes are the content types an attachment may have; the data
// must sniff as the type declared.
var AttachmentTypes = []string{"application/pdf", "image/jpeg", "image/png", "image/gif", "text/plain"}

// MessageKeyEnv names the environment variable that may hold the master key
// of messages (64 hex digits) instead of the key file.
const MessageKeyEnv = "LOOKOUT_MESSAGE_KEY"

// MessageKeyPath is where the master key of messages lives in a data
// directory: beside the store, never in it.
func MessageKeyPath(dataDir string) string { return filepath.Join(dataDir, "keys", "messages.key") }

// LoadMessageKey returns the master key of messages: from $LOOKOUT_MESSAGE_KEY
// when set, else from DATA/keys/messages.key, which it creates (mode 0600)
// when missing. It refuses a key file that others than its owner can read.
func LoadMessageKey(dataDir string) ([]byte, error) {
	if v := os.Getenv(MessageKeyEnv); v != "" {
		key, err := hex.DecodeString(strings.TrimSpace(v))
		if err != nil || len(key) != 32 {
			return nil, fmt.Errorf("%s must be 64 hexadecimal digits (a 256-bit key)", MessageKeyEnv)
		}
		return key, nil
	}
	path := MessageKeyPath(dataDir)
	if st, err := os.Stat(path); err == nil {
		if st.Mode().Perm()&0o077 != 0 {
			return nil, fmt.Errorf("message key %s has mode %v: it must be readable by its owner only (chmod 600)", path, st.Mode().Perm())
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		key, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(key) != 32 {
			return nil, fmt.Errorf("message key %s must hold 64 hexadecimal digits", path)
		}
		return key, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	key := make([]byte, 32)
	rand.Read(key)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create message key: %w", err)
	}
	if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return key, f.Close()
}

// messageKeys derives separate keys from the master key: one wraps data
// keys, one keys the blind search index, one seals webhook secrets.
type messageKeys struct {
	id            string
	wrap, secrets cipher.AEAD
	terms         []byte
}

func derive(master []byte, label string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte("lookout/" + label))
	return m.Sum(nil)
}

func newAEAD(key []byte) cipher.AEAD {
	b, err := aes.NewCipher(key)
	if err != nil {
		panic(err) // key is always 32 bytes
	}
	a, err := cipher.NewGCM(b)
	if err != nil {
		panic(err)
	}
	return a
}

// SetMessageKey installs the 256-bit master key of messages and webhook
// secrets. Without it the hub refuses to send messages.
func (h *Hub) SetMessageKey(master []byte) error {
	if len(master) != 32 {
		return fmt.Errorf("message key is %d bytes, want 32", len(master))
	}
	id := sha256.Sum256(derive(master, "key-id"))
	h.keys = &messageKeys{id: hex.EncodeToString(id[:4]), wrap: newAEAD(derive(master, "wrap")), secrets: newAEAD(derive(master, "webhook-secrets")), terms: derive(master, "terms")}
	return nil
}

func (h *Hub) messageKeys() (*messageKeys, error) {
	if h.keys == nil {
		return nil, lookout.Errorf(lookout.EINTERNAL, "messages are not available: the hub has no message key")
	}
	return h.keys, nil
}

// seal encrypts with AES-256-GCM under a fresh nonce; aad binds the
// ciphertext to its place.
func seal(a cipher.AEAD, plain []byte, aad string) []byte {
	nonce := make([]byte, a.NonceSize(), a.NonceSize()+len(plain)+a.Overhead())
	rand.Read(nonce)
	return a.Seal(nonce, nonce, plain, []byte(aad))
}

func open(a cipher.AEAD, sealed []byte, aad string) ([]byte, error) {
	if len(sealed) < a.NonceSize() {
		return nil, errors.New("sealed data too short")
	}
	return a.Open(nil, sealed[:a.NonceSize()], sealed[a.NonceSize():], []byte(aad))
}

func (h *Hub) sealSecret(secret []byte) ([]byte, error) {
	k, err := h.messageKeys()
	if err != nil {
		return nil, err
	}
	return seal(k.secrets, secret, "webhook-secret"), nil
}

func (h *Hub) openSecret(sealed []byte) ([]byte, error) {
	k, err := h.messageKeys()
	if err != nil {
		return nil, err
	}
	return open(k.secrets, sealed, "webhook-secret")
}

// header is the sealed part of a message besides attachment data.
type header struct {
	Subject string   `json:"s"`
	Body    string   `json:"b"`
	Names   []string `json:"n,omitempty"`
}

// terms returns the blind index of text: a keyed hash of each distinct
// word, so the store can match words it cannot read.
func (k *messageKeys) termsOf(text string) [][]byte {
	seen := map[string]bool{}
	var out [][]byte
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if utf8.RuneCountInString(w) < 2 || seen[w] || len(out) >= maxTerms {
			continue
		}
		seen[w] = true
		out = append(out, k.term(w))
	}
	return out
}

func (k *messageKeys) term(word string) []byte {
	m := hmac.New(sha256.New, k.terms)
	m.Write([]byte(word))
	return m.Sum(nil)[:16]
}

// SendMessage validates, seals and stores a message from the caller
// (messages:send). A message may be linked to a notice or diffusion the
// sender may see: an unknown notice and one hidden from the sender both
// answer ENOTFOUND naming notice_id, so a link tells nothing of the
// notices the sender cannot see. A reply that names no notice keeps its
// parent's when the sender may see it, as it keeps the parent's hit.
func (h *Hub) SendMessage(ctx context.Context, m *lookout.Message) (*lookout.Message, error) {
	c, err := require(ctx, lookout.GrantMessagesSend)
	if err != nil {
		return nil, err
	}
	k, err := h.messageKeys()
	if err != nil {
		return nil, err
	}
	if len(m.To) == 0 {
		return nil, lookout.FieldErrorf("to", "to must name at least one agency")
	} else if len(m.To) > maxRecipients {
		return nil, lookout.FieldErrorf("to", "to names %d agencies; at most %d", len(m.To), maxRecipients)
	}
	if m.Subject = strings.TrimSpace(m.Subject); m.Subject == "" || !utf8.ValidString(m.Subject) || utf8.RuneCountInString(m.Subject) > maxSubjectLen {
		return nil, lookout.FieldErrorf("subject", "subject must be 1 to %d characters of text", maxSubjectLen)
	}
	if !utf8.ValidString(m.Body) || len(m.Body) > maxBodyLen {
		return nil, lookout.FieldErrorf("body", "body must be valid text of at most %d bytes", maxBodyLen)
	}
	if m.Priority == "" {
		m.Priority = lookout.PriorityRoutine
	} else if m.Priority != lookout.PriorityRoutine && m.Priority != lookout.PriorityUrgent {
		return nil, lookout.FieldErrorf("priority", "priority %q is not one of routine, urgent", m.Priority)
	}
	var names []string
	var atts []lookout.SealedAttachment
	if len(m.Attachments) > maxAttachments {
		return nil, lookout.FieldErrorf("attachments", "at most %d attachments", maxAttachments)
	}
	total := 0
	for i, a := range m.Attachments {
		f := fmt.Sprintf("attachments[%d]", i)
		if a.Name = strings.TrimSpace(a.Name); a.Name == "" || len(a.Name) > 200 || strings.ContainsAny(a.Name, "/\\\x00") || !utf8.ValidString(a.Name) {
			return nil, lookout.FieldErrorf(f+".name", "%s.name must be a file name of 1 to 200 characters without / or \\", f)
		}
		if len(a.Data) == 0 {
			return nil, lookout.FieldErrorf(f+".data", "%s.data is empty", f)
		}
		if len(a.Data) > MaxAttachmentSize {
			return nil, lookout.Errorf(lookout.ETOOLARGE, "%s %q is %d bytes; an attachment holds at most %d", f, a.Name, len(a.Data), MaxAttachmentSize)
		}
		if total += len(a.Data); total > maxAttachmentsSum {
			return nil, lookout.Errorf(lookout.ETOOLARGE, "attachments total more than %d bytes", maxAttachmentsSum)
		}
		declared, _, err := mime.ParseMediaType(a.ContentType)
		if err != nil || !slices.Contains(AttachmentTypes, declared) {
			return nil, lookout.FieldErrorf(f+".content_type", "%s.content_type %q is not one of %s", f, a.ContentType, strings.Join(AttachmentTypes, ", "))
		}
		if sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(a.Data)); sniffed != declared {
			return nil, lookout.FieldErrorf(f+".content_type", "%s %q is declared %s but its content is %s", f, a.Name, declared, sniffed)
		}
		sum := sha256.Sum256(a.Data)
		names = append(names, a.Name)
		atts = append(atts, lookout.SealedAttachment{ContentType: declared, Size: int64(len(a.Data)), SHA256: sum[:], Data: a.Data})
	}
	sm := &lookout.SealedMessage{From: c.Agency.ID, FromCountry: c.Country(), Priority: m.Priority, HitID: m.HitID, ReplyTo: m.ReplyTo, KeyID: k.id}
	switch {
	case m.RecordDatabase == "" && m.RecordID == 0:
	case m.RecordDatabase != lookout.DatabaseDocuments:
		return nil, lookout.FieldErrorf("record_database", "record_database %q: messages link to records of documents in this release", m.RecordDatabase)
	default:
		if _, err := h.visibleDocument(ctx, c, m.RecordID); isCode(err, lookout.ENOTFOUND) {
			return nil, lookout.FieldErrorf("record_id", "record_id %d is not a document you may see", m.RecordID)
		} else if err != nil {
			return nil, err
		}
		sm.RecordDB, sm.RecordID = m.RecordDatabase, m.RecordID
	}
	if m.NoticeID < 0 {
		return nil, lookout.FieldErrorf("notice_id", "notice_id %d is not a notice number", m.NoticeID)
	} else if m.NoticeID != 0 {
		if err := h.linkNotice(ctx, c, m.NoticeID); err != nil {
			return nil, err
		}
		sm.NoticeID = m.NoticeID
	}
	to, err := h.expandRecipients(ctx, c, m.To)
	if err != nil {
		return nil, err
	}
	m.To = to
	if m.ReplyTo != 0 || m.ThreadID != 0 {
		parentID := m.ReplyTo
		if parentID == 0 {
			parentID = m.ThreadID
		}
		parent, err := h.store.Message(ctx, parentID)
		if err != nil || !canRead(c, parent) {
			field := "reply_to"
			if m.ReplyTo == 0 {
				field = "thread_id"
			}
			return nil, lookout.FieldErrorf(field, "%s %d is not a message you sent or received", field, parentID)
		}
		if m.ThreadID != 0 && parent.ThreadID != m.ThreadID {
			return nil, lookout.FieldErrorf("thread_id", "message %d is in thread %d, not %d", parentID, parent.ThreadID, m.ThreadID)
		}
		sm.ThreadID = parent.ThreadID
		if sm.HitID == 0 {
			sm.HitID = parent.HitID
		}
		if sm.NoticeID == 0 && parent.NoticeID != 0 {
			// The thread's notice, unless it is hidden from this sender
			// (a diffusion to other countries, a notice cancelled since).
			if err := h.linkNotice(ctx, c, parent.NoticeID); err == nil {
				sm.NoticeID = parent.NoticeID
			} else if !isCode(err, lookout.ENOTFOUND) {
				return nil, err
			}
		}
	}
	var hit *lookout.Hit
	if sm.HitID != 0 {
		if hit, err = h.store.Hit(ctx, sm.HitID); err != nil || (c.Country() != hit.SearchingCountry && c.Country() != hit.OwnerCountry) {
			if err == nil && c.Agency.Kind == lookout.KindSecretariat {
				return nil, lookout.Errorf(lookout.EFORBIDDEN, "only the agencies of hit %d's two countries post on it", sm.HitID)
			}
			return nil, lookout.Errorf(lookout.ENOTFOUND, "hit %d not found", sm.HitID)
		}
	}
	seen := map[string]bool{}
	for i, id := range m.To {
		f := fmt.Sprintf("to[%d]", i)
		if seen[id] {
			return nil, lookout.FieldErrorf(f, "agency %q is named twice", id)
		}
		seen[id] = true
		a, err := h.store.Agency(ctx, id)
		if isCode(err, lookout.ENOTFOUND) || err == nil && a.Disabled {
			return nil, lookout.FieldErrorf(f, "agency %q is not a member of the network", id)
		} else if err != nil {
			return nil, err
		}
		if hit != nil && a.Country != hit.SearchingCountry && a.Country != hit.OwnerCountry {
			return nil, lookout.Errorf(lookout.EFORBIDDEN, "a message on hit %d goes to the agencies of %s and %s only, not to %s of %s", hit.ID, hit.SearchingCountry, hit.OwnerCountry, id, a.Country)
		}
		sm.To = append(sm.To, a.ID)
		sm.ToCountries = append(sm.ToCountries, a.Country)
	}
	// A fresh data key per message, wrapped by the master key: the store
	// holds only ciphertext, and re-keying rewraps keys, not messages.
	dk := make([]byte, 32)
	rand.Read(dk)
	aead := newAEAD(dk)
	hb, _ := json.Marshal(header{Subject: m.Subject, Body: m.Body, Names: names})
	sm.WrappedKey = seal(k.wrap, dk, "message-key/"+k.id)
	sm.Header = seal(aead, hb, "header")
	for i := range atts {
		atts[i].Data = seal(aead, atts[i].Data, "attachment/"+strconv.Itoa(i))
	}
	sm.Attachments = atts
	sm.Terms = k.termsOf(m.Subject + " " + m.Body)
	notify := func(sm *lookout.SealedMessage) []*lookout.Event {
		data, _ := json.Marshal(map[string]any{"from": sm.From, "from_country": sm.FromCountry, "priority": sm.Priority, "thread_id": strconv.FormatInt(sm.ThreadID, 10)})
		var out []*lookout.Event
		for i, to := range sm.To {
			out = append(out, &lookout.Event{Type: lookout.EventMessage, Country: sm.ToCountries[i], AgencyID: to, MessageID: sm.ID, HitID: sm.HitID, Data: data})
		}
		return out
	}
	audit := func(sm *lookout.SealedMessage) *lookout.AuditEntry {
		e := entry(c, "messages.send", "", strconv.FormatInt(sm.ID, 10))
		// Routing only: the content is for the recipients, not the auditors.
		e.Outcome, e.Detail = "ok", fmt.Sprintf("to=%s priority=%s hit=%d notice=%d thread=%d attachments=%d", strings.Join(sm.To, ","), sm.Priority, sm.HitID, sm.NoticeID, sm.ThreadID, len(sm.Attachments))
		return e
	}
	if err := h.store.InsertMessage(ctx, sm, notify, audit); err != nil {
		return nil, err
	}
	h.wakeEvents()
	out, err := h.unseal(c, sm, false)
	if err != nil {
		return nil, err
	}
	for i := range out.Attachments {
		out.Attachments[i].Data = nil
	}
	return out, nil
}

// linkNotice checks that a message from c may be linked to notice id: one
// c may see (visibleNotice); ENOTFOUND naming notice_id otherwise, the
// same for a notice that does not exist.
func (h *Hub) linkNotice(ctx context.Context, c *lookout.Caller, id int64) error {
	_, err := h.visibleNotice(ctx, c, id)
	if isCode(err, lookout.ENOTFOUND) {
		return &lookout.Error{Code: lookout.ENOTFOUND, Field: "notice_id", Message: fmt.Sprintf("notice_id %d is not a notice you may see", id)}
	}
	return err
}

// expandRecipients replaces AllNCBs by the NCB of every country but the
// sender's, for a diffusion; a message has at most maxRecipients.
func (h *Hub) expandRecipients(ctx context.Context, c *lookout.Caller, to []string) ([]string, error) {
	i := slices.Index(to, lookout.AllNCBs)
	if i < 0 {
		return to, nil
	}
	out := slices.Delete(slices.Clone(to), i, i+1)
	err := h.eachAgency(ctx, lookout.AgencyFilter{}, func(a *lookout.Agency) bool {
		if a.Kind == lookout.KindNCB && a.Country != c.Country() && !a.Disabled && !slices.Contains(out, a.ID) {
			out = append(out, a.ID)
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, lookout.FieldErrorf(fmt.Sprintf("to[%d]", i), "%s: the network has no other NCB", lookout.AllNCBs)
	}
	return out, nil
}

// eachAgency calls fn for every agency f selects, in ID order, a page of
// the store at a time, until fn returns false.
func (h *Hub) eachAgency(ctx context.Context, f lookout.AgencyFilter, fn func(*lookout.Agency) bool) error {
	const page = 1000
	f.Limit = page
	for {
		list, err := h.store.Agencies(ctx, f)
		if err != nil {
			return err
		}
		for _, a := range list {
			if !fn(a) {
				return nil
			}
		}
		if len(list) < page {
			return nil
		}
		f.After = list[len(list)-1].ID
	}
}

func canRead(c *lookout.Caller, m *lookout.SealedMessage) bool {
	return m.From == c.Agency.ID || slices.Contains(m.To, c.Agency.ID)
}

// unseal opens a message for c; with data, the attachments' content too.
func (h *Hub) unseal(c *lookout.Caller, sm *lookout.SealedMessage, data bool) (*lookout.Message, error) {
	k, err := h.messageKeys()
	if err != nil {
		return nil, err
	}
	if sm.KeyID != k.id {
		return nil, fmt.Errorf("message %d is sealed under key %s, the hub holds key %s", sm.ID, sm.KeyID, k.id)
	}
	dk, err := open(k.wrap, sm.WrappedKey, "message-key/"+k.id)
	if err != nil {
		return nil, fmt.Errorf("message %d: unwrap key: %w", sm.ID, err)
	}
	aead := newAEAD(dk)
	hb, err := open(aead, sm.Header, "header")
	if err != nil {
		return nil, fmt.Errorf("message %d: open header: %w", sm.ID, err)
	}
	var hd header
	if err := json.Unmarshal(hb, &hd); err != nil {
		return nil, fmt.Errorf("message %d header: %w", sm.ID, err)
	}
	m := &lookout.Message{ID: sm.ID, From: sm.From, FromCountry: sm.FromCountry, To: sm.To, Subject: hd.Subject, Body: hd.Body, Priority: sm.Priority,
		HitID: sm.HitID, NoticeID: sm.NoticeID, ThreadID: sm.ThreadID, ReplyTo: sm.ReplyTo, RecordDatabase: sm.RecordDB, RecordID: sm.RecordID, CreatedAt: sm.CreatedAt}
	if m.To == nil {
		m.To = []string{}
	}
	if t, ok := sm.ReadAt[c.Agency.ID]; ok {
		m.ReadAt = &t
	}
	if sm.From == c.Agency.ID {
		for _, to := range sm.To {
			r := lookout.Receipt{AgencyID: to}
			if t, ok := sm.ReadAt[to]; ok {
				r.ReadAt = &t
			}
			m.Receipts = append(m.Receipts, r)
		}
	}
	for i, a := range sm.Attachments {
		out := lookout.Attachment{ContentType: a.ContentType, Size: a.Size, SHA256: hex.EncodeToString(a.SHA256)}
		if i < len(hd.Names) {
			out.Name = hd.Names[i]
		}
		if data {
			if out.Data, err = open(aead, a.Data, "attachment/"+strconv.Itoa(i)); err != nil {
				return nil, fmt.Errorf("message %d attachment %d: %w", sm.ID, i, err)
			}
			if sum := sha256.Sum256(out.Data); !hmac.Equal(sum[:], a.SHA256) {
				return nil, fmt.Errorf("message %d attachment %d does not match its SHA-256", sm.ID, i)
			}
		}
		m.Attachments = append(m.Attachments, out)
	}
	return m, nil
}

// Messages lists the caller's inbox or sent box, newest first; q keeps the
// messages holding every word of it.
func (h *Hub) Messages(ctx context.Context, box, q string, before int64) ([]*lookout.Message, int64, error) {
	return h.mailbox(ctx, box, q, before, false)
}

// mailbox lists a box, with the attachments' names when names is set
// (they cost opening each header that has some).
func (h *Hub) mailbox(ctx context.Context, box, q string, before int64, names bool) ([]*lookout.Message, int64, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, 0, err
	}
	k, err := h.messageKeys()
	if err != nil {
		return nil, 0, err
	}
	if box == "" {
		box = "inbox"
	} else if box != "inbox" && box != "sent" {
		return nil, 0, lookout.FieldErrorf("box", "box %q is not one of inbox, sent", box)
	}
	f := lookout.MessageFilter{AgencyID: c.Agency.ID, Box: box, Before: before, Limit: 50}
	if q != "" {
		if f.Terms = k.termsOf(q); len(f.Terms) == 0 {
			return nil, 0, lookout.FieldErrorf("q", "q %q has no word of two or more letters or digits", q)
		}
	}
	list, err := h.store.Messages(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	out := make([]*lookout.Message, 0, len(list))
	for _, sm := range list {
		m, err := h.unseal(c, sm, false)
		if err != nil {
			return nil, 0, err
		}
		m.Body = ""
		if names && sm.HasAttachment {
			names, err := h.attachmentNames(sm)
			if err != nil {
				return nil, 0, err
			}
			for _, n := range names {
				m.AttachmentInfo = append(m.AttachmentInfo, lookout.Attachment{Name: n})
			}
		}
		out = append(out, m)
	}
	var next int64
	if len(list) == f.Limit {
		next = list[len(list)-1].ID
	}
	return out, next, nil
}

// Message returns one message to its sender or a recipient, and records the
// first read of a recipient, which the sender sees as a receipt.
func (h *Hub) Message(ctx context.Context, id int64) (*lookout.Message, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	sm, err := h.store.Message(ctx, id)
	if err != nil {
		return nil, err
	}
	if !canRead(c, sm) {
		// Not the secretariat either: it runs the network, not the exchanges.
		return nil, lookout.Errorf(lookout.ENOTFOUND, "message %d not found", id)
	}
	if _, read := sm.ReadAt[c.Agency.ID]; !read && slices.Contains(sm.To, c.Agency.ID) {
		data, _ := json.Marshal(map[string]any{"reader": c.Agency.ID})
		ev := &lookout.Event{Type: lookout.EventMessageRead, Country: sm.FromCountry, AgencyID: sm.From, MessageID: sm.ID, HitID: sm.HitID, Data: data}
		audit := entry(c, "messages.read", "", strconv.FormatInt(id, 10))
		audit.Outcome = "ok"
		if err := h.store.MarkRead(ctx, id, c.Agency.ID, []*lookout.Event{ev}, audit); err != nil {
			return nil, err
		}
		h.wakeEvents()
		sm.ReadAt[c.Agency.ID] = h.now()
	}
	return h.unseal(c, sm, true)
}

// messagesOnHit returns the messages on a hit that c may read, oldest
// first, without attachment data.
func (h *Hub) messagesOnHit(ctx context.Context, c *lookout.Caller, hitID int64) ([]*lookout.Message, error) {
	out := []*lookout.Message{}
	if h.keys == nil {
		return out, nil
	}
	list, err := h.store.MessagesOnHit(ctx, hitID)
	if err != nil {
		return nil, err
	}
	for _, sm := range list {
		if !canRead(c, sm) {
			continue
		}
		m, err := h.unseal(c, sm, false)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}
