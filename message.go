package lookout

import (
	"context"
	"time"
)

// AllNCBs in a message's To addresses every NCB but the sender's: a
// diffusion to the whole network.
const AllNCBs = "ncb:*"

// Message priorities.
const (
	PriorityRoutine = "routine"
	PriorityUrgent  = "urgent"
)

// Message is a secure message between agencies. Subject, body and
// attachments are stored encrypted; only the sender and the recipients
// read them. It may be linked to a hit, to a notice or diffusion, and to a
// record, each of them one the sender may see.
type Message struct {
	ID             int64        `json:"id,string"`
	From           string       `json:"from"`
	FromCountry    string       `json:"from_country"`
	To             []string     `json:"to"`
	Subject        string       `json:"subject"`
	Body           string       `json:"body,omitempty"`
	Priority       string       `json:"priority"`
	HitID          int64        `json:"hit_id,string,omitempty"`
	NoticeID       int64        `json:"notice_id,string,omitempty"`
	ThreadID       int64        `json:"thread_id,string"`
	ReplyTo        int64        `json:"reply_to,string,omitempty"`
	RecordDatabase string       `json:"record_database,omitempty"`
	RecordID       int64        `json:"record_id,string,omitempty"`
	Attachments    []Attachment `json:"attachments,omitempty"`
	CreatedAt      time.Time    `json:"created_at"`
	Receipts       []Receipt    `json:"receipts,omitempty"`
	ReadAt         *time.Time   `json:"read_at,omitempty"`
	AttachmentInfo []Attachment `json:"-"`
}

// Attachment is a file sent with a message; Data is omitted from listings.
type Attachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	Data        []byte `json:"data,omitempty"`
}

// Receipt says when a recipient read a message; the sender sees them.
type Receipt struct {
	AgencyID string     `json:"agency_id"`
	ReadAt   *time.Time `json:"read_at"`
}

// SealedMessage is a message as the store keeps it: routing in the clear,
// content sealed under a per-message data key that is itself wrapped by a
// master key the store never holds.
type SealedMessage struct {
	ID            int64
	From          string
	FromCountry   string
	To            []string
	ToCountries   []string
	Priority      string
	HitID         int64
	NoticeID      int64 // a notice or diffusion the message is about
	ThreadID      int64
	ReplyTo       int64
	RecordDB      string // a record the message is about, in the clear:
	RecordID      int64  // the owner may follow its record's exchanges
	KeyID         string
	WrappedKey    []byte
	Header        []byte // sealed subject, body and attachment names
	Attachments   []SealedAttachment
	Terms         [][]byte // blind index of the words, for search
	CreatedAt     time.Time
	ReadAt        map[string]time.Time // recipient agency → read time
	HasAttachment bool
}

// SealedAttachment is an attachment's sealed data with its clear metadata.
type SealedAttachment struct {
	ContentType string
	Size        int64
	SHA256      []byte
	Data        []byte
}

// MessageFilter selects a box.
type MessageFilter struct {
	AgencyID string
	Box      string // "inbox" or "sent"
	HitID    int64
	NoticeID int64    // the messages linked to this notice
	Terms    [][]byte // every term must be indexed for the message
	Before   int64    // cursor: messages with a smaller ID (newest first)
	Limit    int
}

// MessageService sends and shows messages.
type MessageService interface {
	// SendMessage sends m from the caller; EFORBIDDEN without messages:send
	// or when m is on a hit the caller's country is not party to; ENOTFOUND
	// naming notice_id when m links a notice the caller may not see.
	SendMessage(ctx context.Context, m *Message) (*Message, error)
	// Messages lists the caller's inbox or sent box, newest first, with
	// subjects but no bodies or attachment data.
	Messages(ctx context.Context, box, q string, before int64) ([]*Message, int64, error)
	// Message returns one message to its sender or a recipient and marks it
	// read by the recipient; ENOTFOUND for anyone else.
	Message(ctx context.Context, id int64) (*Message, error)
}
