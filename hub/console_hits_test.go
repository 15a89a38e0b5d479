package hub_test

import (
	"context"
	"strings"
	"testing"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/hub"
)

// mustNCB adds the NCB of a country to the hub of MustHub and returns its
// context.
func mustNCB(tb testing.TB, h *hub.Hub, id, country string) context.Context {
	tb.Helper()
	sec, err := h.AuthenticateAgency(context.Background(), "secretariat")
	if err != nil {
		tb.Fatal(err)
	}
	a, _, err := h.CreateAgency(lookout.NewContext(context.Background(), sec), &lookout.Agency{ID: id, Kind: lookout.KindNCB, Country: country, Name: "NCB " + country})
	if err != nil {
		tb.Fatal(err)
	}
	return lookout.NewContext(context.Background(), &lookout.Caller{Agency: a})
}

func TestInboxUnread(t *testing.T) {
	h, deu := MustHub(t)
	fra := mustNCB(t, h, "ncb-fra", "FRA")
	if err := h.SetMessageKey(make([]byte, 32)); err != nil {
		t.Fatal(err)
	}
	var sent []*lookout.Message
	for _, subject := range []string{"first", "second", "third"} {
		m, err := h.SendMessage(fra, &lookout.Message{To: []string{"ncb-deu"}, Subject: subject, Body: "body"})
		if err != nil {
			t.Fatal(err)
		}
		sent = append(sent, m)
	}

	t.Run("OK", func(t *testing.T) {
		if n, more, err := h.InboxUnread(deu); err != nil || n != 3 || more {
			t.Fatalf("recipient: %d %v %v, want 3 unread", n, more, err)
		}
		// What the sender sent is not in its inbox.
		if n, _, err := h.InboxUnread(fra); err != nil || n != 0 {
			t.Fatalf("sender: %d %v, want 0", n, err)
		}
	})
	t.Run("ReadIsNotCounted", func(t *testing.T) {
		if _, err := h.Message(deu, sent[1].ID); err != nil {
			t.Fatal(err)
		}
		if n, _, err := h.InboxUnread(deu); err != nil || n != 2 {
			t.Fatalf("after reading one: %d %v, want 2", n, err)
		}
		// Counting is not reading: no receipt for the sender.
		h.InboxUnread(deu)
		if m, err := h.Message(fra, sent[0].ID); err != nil || m.Receipts[0].ReadAt != nil {
			t.Fatalf("counting marked a message read: %+v %v", m, err)
		}
	})
	t.Run("ErrUnauthenticated", func(t *testing.T) {
		if _, _, err := h.InboxUnread(context.Background()); lookout.ErrorCode(err) != lookout.EUNAUTHENTICATED {
			t.Fatalf("no caller: %v", err)
		}
	})
	t.Run("MoreThanTheWindow", func(t *testing.T) {
		for range hub.UnreadWindow {
			if _, err := h.SendMessage(fra, &lookout.Message{To: []string{"ncb-deu"}, Subject: "more", Body: "body"}); err != nil {
				t.Fatal(err)
			}
		}
		if n, more, err := h.InboxUnread(deu); err != nil || n != hub.UnreadWindow || !more {
			t.Fatalf("%d %v %v, want %d and more", n, more, err, hub.UnreadWindow)
		}
	})
}

func TestNCBOfCountry(t *testing.T) {
	h, deu := MustHub(t)
	mustNCB(t, h, "ncb-fra", "FRA")
	t.Run("OK", func(t *testing.T) {
		a, err := h.NCBOfCountry(deu, "FRA")
		if err != nil || a.ID != "ncb-fra" || a.Kind != lookout.KindNCB {
			t.Fatalf("%+v %v", a, err)
		}
		// ICAO's D is Germany.
		if a, err := h.NCBOfCountry(deu, "D"); err != nil || a.ID != "ncb-deu" {
			t.Fatalf("D: %+v %v", a, err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := h.NCBOfCountry(deu, "GBR"); lookout.ErrorCode(err) != lookout.ENOTFOUND {
			t.Fatalf("GBR: %v", err)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		if _, err := h.NCBOfCountry(deu, "XX1"); lookout.ErrorCode(err) != lookout.EINVALID {
			t.Fatalf("XX1: %v", err)
		}
	})
	t.Run("ErrUnauthenticated", func(t *testing.T) {
		if _, err := h.NCBOfCountry(context.Background(), "FRA"); lookout.ErrorCode(err) != lookout.EUNAUTHENTICATED {
			t.Fatalf("no caller: %v", err)
		}
	})
}

// BenchmarkInboxUnread counts the unread messages of an inbox holding a full
// window of messages, as the dashboard does at each view.
func BenchmarkInboxUnread(b *testing.B) {
	h, deu := MustHub(b)
	fra := mustNCB(b, h, "ncb-fra", "FRA")
	if err := h.SetMessageKey(make([]byte, 32)); err != nil {
		b.Fatal(err)
	}
	body := strings.Repeat("A traveller held at the border with a passport recorded as stolen. ", 15)
	for range hub.UnreadWindow + 10 {
		if _, err := h.SendMessage(fra, &lookout.Message{To: []string{"ncb-deu"}, Subject: "Hit on a passport", Body: body}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if n, _, err := h.InboxUnread(deu); err != nil || n != hub.UnreadWindow {
			b.Fatal(n, err)
		}
	}
}
