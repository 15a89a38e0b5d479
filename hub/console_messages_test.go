package hub_test

import (
	"context"
	"testing"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/hub"
)

// mustMessageNetwork returns a hub with a message key, NCBs of DEU, FRA and
// GBR, a disabled NCB of ITA and a national agency under each of DEU and
// FRA, and the contexts of the three NCBs.
func mustMessageNetwork(t *testing.T) (h *hub.Hub, deu, fra, gbr context.Context) {
	t.Helper()
	h, deu = MustHub(t)
	if err := h.SetMessageKey(make([]byte, 32)); err != nil {
		t.Fatal(err)
	}
	sec, err := h.AuthenticateAgency(context.Background(), "secretariat")
	if err != nil {
		t.Fatal(err)
	}
	secCtx := lookout.NewContext(context.Background(), sec)
	ctxOf := func(id string) context.Context {
		c, err := h.AuthenticateAgency(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		return lookout.NewContext(context.Background(), c)
	}
	for _, a := range []*lookout.Agency{
		{ID: "ncb-fra", Kind: lookout.KindNCB, Country: "FRA", Name: "NCB FRA"},
		{ID: "ncb-gbr", Kind: lookout.KindNCB, Country: "GBR", Name: "NCB GBR"},
		{ID: "ncb-ita", Kind: lookout.KindNCB, Country: "ITA", Name: "NCB ITA"},
	} {
		if _, _, err := h.CreateAgency(secCtx, a); err != nil {
			t.Fatal(err)
		}
	}
	disabled := true
	if _, err := h.UpdateAgency(secCtx, "ncb-ita", lookout.AgencyUpdate{Disabled: &disabled}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.CreateAgency(deu, &lookout.Agency{ID: "deu-bka", Kind: lookout.KindAgency, Country: "DEU", Name: "BKA", Grants: []lookout.Grant{lookout.GrantMessagesSend}}); err != nil {
		t.Fatal(err)
	}
	fra = ctxOf("ncb-fra")
	if _, _, err := h.CreateAgency(fra, &lookout.Agency{ID: "fra-paf", Kind: lookout.KindAgency, Country: "FRA", Name: "PAF", Grants: []lookout.Grant{lookout.GrantMessagesSend}}); err != nil {
		t.Fatal(err)
	}
	return h, ctxOf("ncb-deu"), fra, ctxOf("ncb-gbr")
}

func TestCorrespondents(t *testing.T) {
	h, deu, _, _ := mustMessageNetwork(t)
	t.Run("OK", func(t *testing.T) {
		list, err := h.Correspondents(deu)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, a := range list {
			ids = append(ids, a.ID)
		}
		// Not itself, not the disabled NCB, not FRA's national agency; its
		// own national agency, which it manages.
		want := []string{"secretariat", "ncb-fra", "ncb-gbr", "deu-bka"}
		if len(ids) != len(want) {
			t.Fatalf("correspondents %v, want %v", ids, want)
		}
		for i := range want {
			if ids[i] != want[i] {
				t.Fatalf("correspondents %v, want %v", ids, want)
			}
		}
	})
	t.Run("ErrUnauthenticated", func(t *testing.T) {
		if _, err := h.Correspondents(context.Background()); lookout.ErrorCode(err) != lookout.EUNAUTHENTICATED {
			t.Fatalf("no caller: %v", err)
		}
	})
}

func TestMailbox(t *testing.T) {
	h, deu, fra, gbr := mustMessageNetwork(t)
	plain, err := h.SendMessage(fra, &lookout.Message{To: []string{"ncb-deu"}, Subject: "no files", Body: "nothing attached"})
	if err != nil {
		t.Fatal(err)
	}
	files, err := h.SendMessage(fra, &lookout.Message{To: []string{"ncb-deu"}, Subject: "two files", Body: "see attached",
		Attachments: []lookout.Attachment{{Name: "a.txt", ContentType: "text/plain", Data: []byte("a")}, {Name: "b.txt", ContentType: "text/plain", Data: []byte("b")}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		list, next, err := h.Mailbox(deu, "inbox", "", 0)
		if err != nil || next != 0 || len(list) != 2 {
			t.Fatalf("inbox %v %d %v", list, next, err)
		}
		if list[0].ID != files.ID || len(list[0].AttachmentInfo) != 2 || list[0].AttachmentInfo[1].Name != "b.txt" || list[0].AttachmentInfo[0].Data != nil {
			t.Fatalf("message with files: %+v", list[0])
		}
		if list[1].ID != plain.ID || len(list[1].AttachmentInfo) != 0 || list[1].Body != "" || list[1].ReadAt != nil {
			t.Fatalf("message without files: %+v", list[1])
		}
	})
	t.Run("Search", func(t *testing.T) {
		list, _, err := h.Mailbox(fra, "sent", "attached", 0)
		if err != nil || len(list) != 2 {
			t.Fatalf("search: %v %v", list, err)
		}
		list, _, err = h.Mailbox(fra, "sent", "see", 0)
		if err != nil || len(list) != 1 || list[0].ID != files.ID {
			t.Fatalf("search: %v %v", list, err)
		}
	})
	t.Run("ErrNotTheirs", func(t *testing.T) {
		for _, box := range []string{"inbox", "sent"} {
			if list, _, err := h.Mailbox(gbr, box, "", 0); err != nil || len(list) != 0 {
				t.Fatalf("GBR's %s: %v %v", box, list, err)
			}
		}
	})
	t.Run("ErrBadQuery", func(t *testing.T) {
		if _, _, err := h.Mailbox(deu, "inbox", "a !", 0); lookout.ErrorCode(err) != lookout.EINVALID {
			t.Fatalf("q without a word: %v", err)
		}
		if _, _, err := h.Mailbox(deu, "trash", "", 0); lookout.ErrorCode(err) != lookout.EINVALID {
			t.Fatalf("box trash: %v", err)
		}
	})
}

func TestMessageThread(t *testing.T) {
	h, deu, fra, gbr := mustMessageNetwork(t)
	first, err := h.SendMessage(fra, &lookout.Message{To: []string{"ncb-deu", "ncb-gbr"}, Subject: "first", Body: "one"})
	if err != nil {
		t.Fatal(err)
	}
	second, err := h.SendMessage(deu, &lookout.Message{To: []string{"ncb-fra"}, Subject: "second", Body: "two", ReplyTo: first.ID})
	if err != nil {
		t.Fatal(err)
	}
	third, err := h.SendMessage(fra, &lookout.Message{To: []string{"ncb-deu", "ncb-gbr"}, Subject: "third", Body: "three", ReplyTo: second.ID})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		m, err := h.Message(deu, third.ID)
		if err != nil {
			t.Fatal(err)
		}
		thread, err := h.MessageThread(deu, m)
		if err != nil || len(thread) != 2 || thread[0].ID != first.ID || thread[1].ID != second.ID || thread[0].Body != "one" {
			t.Fatalf("thread %+v %v", thread, err)
		}
		// Showing the thread marks nothing read.
		inbox, _, _ := h.Mailbox(deu, "inbox", "", 0)
		for _, o := range inbox {
			if o.ID == first.ID && o.ReadAt != nil {
				t.Fatal("the thread marked the first message read")
			}
		}
	})
	t.Run("StopsAtWhatItWasNotSent", func(t *testing.T) {
		// GBR had the first and the third, not DEU's reply in between.
		m, err := h.Message(gbr, third.ID)
		if err != nil {
			t.Fatal(err)
		}
		if thread, err := h.MessageThread(gbr, m); err != nil || len(thread) != 0 {
			t.Fatalf("GBR's thread %+v %v", thread, err)
		}
	})
	t.Run("ErrMadeUp", func(t *testing.T) {
		// A caller naming a chain it is not on learns nothing.
		if thread, err := h.MessageThread(gbr, &lookout.Message{ID: 999, ReplyTo: second.ID}); err != nil || len(thread) != 0 {
			t.Fatalf("made-up message: %+v %v", thread, err)
		}
	})
}
