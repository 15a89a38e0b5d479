package hub

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/lookout-network/lookout"
)

// Limits on a message that a form sizes its upload on.
const (
	// MaxAttachments is how many files a message may carry.
	MaxAttachments = maxAttachments
	// MaxAttachmentsTotal bounds the sum of a message's attachments.
	MaxAttachmentsTotal = maxAttachmentsSum
	// MaxMessageBody bounds a message's body in bytes.
	MaxMessageBody = maxBodyLen
)

// maxThread bounds the messages of a thread shown beside one of them.
const maxThread = 20

// MaxNoticeMessages bounds the messages listed on a notice's page.
const MaxNoticeMessages = 20

// Correspondents returns the agencies the caller may write to: every NCB
// and the secretariat (the network's public directory) and the national
// agencies it manages, without its own agency and disabled ones, the secretariat first,
// then the NCBs by country, then the rest by ID. A network has one NCB per
// country and a few national agencies each: the whole list is read.
func (h *Hub) Correspondents(ctx context.Context) ([]*lookout.Agency, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var out []*lookout.Agency
	err = h.eachAgency(ctx, lookout.AgencyFilter{}, func(a *lookout.Agency) bool {
		if a.ID == c.Agency.ID || a.Disabled {
			return true
		}
		own := a.Kind == lookout.KindAgency && a.ParentID == c.Agency.ID && c.Has(lookout.GrantAgenciesManage)
		if a.Kind == lookout.KindNCB || a.Kind == lookout.KindSecretariat || own {
			out = append(out, a)
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	rank := func(a *lookout.Agency) int {
		switch a.Kind {
		case lookout.KindSecretariat:
			return 0
		case lookout.KindNCB:
			return 1
		}
		return 2
	}
	slices.SortFunc(out, func(a, b *lookout.Agency) int {
		if r := cmp.Compare(rank(a), rank(b)); r != 0 {
			return r
		}
		if a.Kind == lookout.KindNCB && b.Kind == lookout.KindNCB {
			if r := cmp.Compare(a.Country, b.Country); r != 0 {
				return r
			}
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}

// Mailbox is [Hub.Messages] with, in each message's AttachmentInfo, the
// names of its attachments (no data, no sizes), so that a listing can mark
// the messages that carry files. Error codes are those of Messages.
func (h *Hub) Mailbox(ctx context.Context, box, q string, before int64) ([]*lookout.Message, int64, error) {
	return h.mailbox(ctx, box, q, before, true)
}

// attachmentNames opens a sealed message's header for the names of its
// attachments, which listings do not load.
func (h *Hub) attachmentNames(sm *lookout.SealedMessage) ([]string, error) {
	k, err := h.messageKeys()
	if err != nil {
		return nil, err
	}
	dk, err := open(k.wrap, sm.WrappedKey, "message-key/"+k.id)
	if err != nil {
		return nil, fmt.Errorf("message %d: unwrap key: %w", sm.ID, err)
	}
	hb, err := open(newAEAD(dk), sm.Header, "header")
	if err != nil {
		return nil, fmt.Errorf("message %d: open header: %w", sm.ID, err)
	}
	var hd header
	if err := json.Unmarshal(hb, &hd); err != nil {
		return nil, fmt.Errorf("message %d header: %w", sm.ID, err)
	}
	return hd.Names, nil
}

// MessageThread returns the other messages of m's thread that the caller
// sent or received, oldest first, with bodies but without attachment data,
// and without marking any of them read. m is a message the caller read
// with [Hub.Message]; every message returned is checked again, so a made-up
// m reveals nothing. On a hit the whole thread is known (its messages are
// indexed by hit); otherwise it is the chain of messages m replies to. At
// most maxThread messages, the nearest to m.
func (h *Hub) MessageThread(ctx context.Context, m *lookout.Message) ([]*lookout.Message, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := h.messageKeys(); err != nil {
		return nil, err
	}
	out := []*lookout.Message{}
	if m.HitID != 0 {
		list, err := h.store.MessagesOnHit(ctx, m.HitID)
		if err != nil {
			return nil, err
		}
		for _, sm := range list {
			if sm.ID == m.ID || sm.ThreadID != m.ThreadID || !canRead(c, sm) {
				continue
			}
			o, err := h.unseal(c, sm, false)
			if err != nil {
				return nil, err
			}
			out = append(out, o)
		}
		if len(out) > maxThread {
			// Keep the nearest to m on both sides.
			i, _ := slices.BinarySearchFunc(out, m.ID, func(o *lookout.Message, id int64) int { return cmp.Compare(o.ID, id) })
			lo := max(0, min(i-maxThread/2, len(out)-maxThread))
			out = out[lo : lo+maxThread]
		}
		return out, nil
	}
	for id, n := m.ReplyTo, 0; id != 0 && n < maxThread; n++ {
		sm, err := h.store.Message(ctx, id)
		if isCode(err, lookout.ENOTFOUND) {
			break
		} else if err != nil {
			return nil, err
		}
		if !canRead(c, sm) {
			// The chain goes on among others: what the caller was not
			// sent stays hidden, and so does what it replies to.
			break
		}
		o, err := h.unseal(c, sm, false)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
		id = sm.ReplyTo
	}
	slices.Reverse(out)
	return out, nil
}

// NoticeMessages returns the messages linked to a notice that the caller
// sent or received, newest first, at most MaxNoticeMessages, with subjects
// but without bodies or attachments, and without marking any of them read.
// The notice must be one the caller may see (ENOTFOUND otherwise, as for
// an unknown notice). Each box is read through the index of linked
// messages, so the cost is that of the notice's messages, not the boxes'.
func (h *Hub) NoticeMessages(ctx context.Context, noticeID int64) ([]*lookout.Message, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := h.visibleNotice(ctx, c, noticeID); err != nil {
		return nil, err
	}
	out := []*lookout.Message{}
	if h.keys == nil {
		return out, nil
	}
	var list []*lookout.SealedMessage
	for _, box := range []string{"inbox", "sent"} {
		page, err := h.store.Messages(ctx, lookout.MessageFilter{AgencyID: c.Agency.ID, Box: box, NoticeID: noticeID, Limit: MaxNoticeMessages})
		if err != nil {
			return nil, err
		}
		list = append(list, page...)
	}
	slices.SortFunc(list, func(a, b *lookout.SealedMessage) int { return cmp.Compare(b.ID, a.ID) })
	// A message an agency sent to itself is in both boxes.
	list = slices.CompactFunc(list, func(a, b *lookout.SealedMessage) bool { return a.ID == b.ID })
	for _, sm := range list[:min(len(list), MaxNoticeMessages)] {
		m, err := h.unseal(c, sm, false)
		if err != nil {
			return nil, err
		}
		m.Body = ""
		out = append(out, m)
	}
	return out, nil
}
