package hub_test

import (
	"context"
	"testing"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/hub"
)

// TestMessageNotice links messages to a diffusion from DEU to FRA: its
// owner and its recipient may link to it, GBR may not, and an unknown
// notice answers as a hidden one does.
func TestMessageNotice(t *testing.T) {
	h, deu, fra, gbr := mustMessageNetwork(t)
	h.SetPersonIndex(hub.NewPersonIndex())
	p, err := h.CreatePerson(deu, &lookout.Person{Name: "Erika Mustermann", DateOfBirth: "1964-08-12", Sex: "F"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := h.IssueDiffusion(deu, &lookout.Notice{PersonID: p.ID, Type: "blue", Summary: "witness to a robbery", Recipients: []string{"FRA"}})
	if err != nil {
		t.Fatal(err)
	}
	sent := func(ctx context.Context) int {
		t.Helper()
		list, _, err := h.Messages(ctx, "sent", "", 0)
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	var first *lookout.Message

	t.Run("OK", func(t *testing.T) {
		first, err = h.SendMessage(deu, &lookout.Message{To: []string{"ncb-fra"}, Subject: "About our diffusion", Body: "She may be in Lyon.", NoticeID: d.ID})
		if err != nil || first.NoticeID != d.ID {
			t.Fatalf("the owner links its diffusion: %+v %v", first, err)
		}
		got, err := h.Message(fra, first.ID)
		if err != nil || got.NoticeID != d.ID {
			t.Fatalf("the recipient reads the link: %+v %v", got, err)
		}
		m, err := h.SendMessage(fra, &lookout.Message{To: []string{"ncb-deu"}, Subject: "Seen in Lyon", NoticeID: d.ID})
		if err != nil || m.NoticeID != d.ID {
			t.Fatalf("a recipient country links the diffusion: %+v %v", m, err)
		}
	})
	t.Run("OKReplyKeepsTheNotice", func(t *testing.T) {
		r, err := h.SendMessage(fra, &lookout.Message{To: []string{"ncb-deu"}, Subject: "Re: About our diffusion", ReplyTo: first.ID})
		if err != nil || r.NoticeID != d.ID {
			t.Fatalf("reply: %+v %v", r, err)
		}
		// GBR is not a recipient of the diffusion: its reply to a linked
		// message is sent, without the link it may not make.
		toGBR, err := h.SendMessage(deu, &lookout.Message{To: []string{"ncb-gbr"}, Subject: "A witness", NoticeID: d.ID})
		if err != nil {
			t.Fatal(err)
		}
		r, err = h.SendMessage(gbr, &lookout.Message{To: []string{"ncb-deu"}, Subject: "Re: A witness", ReplyTo: toGBR.ID})
		if err != nil || r.NoticeID != 0 {
			t.Fatalf("GBR's reply: %+v %v", r, err)
		}
	})
	t.Run("ErrUnknownNotice", func(t *testing.T) {
		before := sent(deu)
		_, err := h.SendMessage(deu, &lookout.Message{To: []string{"ncb-fra"}, Subject: "About nothing", NoticeID: d.ID + 1000})
		if lookout.ErrorCode(err) != lookout.ENOTFOUND || lookout.ErrorField(err) != "notice_id" {
			t.Fatalf("unknown notice: %v", err)
		}
		_, err = h.SendMessage(deu, &lookout.Message{To: []string{"ncb-fra"}, Subject: "About nothing", NoticeID: -1})
		if lookout.ErrorCode(err) != lookout.EINVALID || lookout.ErrorField(err) != "notice_id" {
			t.Fatalf("notice -1: %v", err)
		}
		if n := sent(deu); n != before {
			t.Fatalf("stored %d messages", n-before)
		}
	})
	t.Run("ErrNoticeHidden", func(t *testing.T) {
		before := sent(gbr)
		m, err := h.SendMessage(gbr, &lookout.Message{To: []string{"ncb-deu"}, Subject: "About your diffusion", NoticeID: d.ID})
		if lookout.ErrorCode(err) != lookout.ENOTFOUND || lookout.ErrorField(err) != "notice_id" || m != nil {
			t.Fatalf("GBR links a diffusion to FRA: %+v %v", m, err)
		}
		if n := sent(gbr); n != before {
			t.Fatalf("stored %d messages", n-before)
		}
	})
	t.Run("NoticeMessages", func(t *testing.T) {
		for who, tc := range map[string]struct {
			ctx  context.Context
			want []string
		}{
			// Newest first, each agency its own; GBR's reply is not linked.
			"DEU": {deu, []string{"A witness", "Re: About our diffusion", "Seen in Lyon", "About our diffusion"}},
			"FRA": {fra, []string{"Re: About our diffusion", "Seen in Lyon", "About our diffusion"}},
		} {
			list, err := h.NoticeMessages(tc.ctx, d.ID)
			if err != nil || len(list) != len(tc.want) {
				t.Fatalf("%s: %+v %v", who, list, err)
			}
			for i, m := range list {
				if m.Subject != tc.want[i] || m.NoticeID != d.ID || m.Body != "" {
					t.Errorf("%s, message %d: %+v, want %q", who, i, m, tc.want[i])
				}
			}
		}
		if list, err := h.NoticeMessages(gbr, d.ID); lookout.ErrorCode(err) != lookout.ENOTFOUND || list != nil {
			t.Fatalf("GBR lists the messages of a diffusion to FRA: %+v %v", list, err)
		}
	})
}
