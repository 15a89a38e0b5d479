package hub_test

import (
	"context"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/hub"
)

func TestLoadMessageKey(t *testing.T) {
	t.Run("CreatedOwnerOnly", func(t *testing.T) {
		dir := t.TempDir()
		key, err := hub.LoadMessageKey(dir)
		if err != nil || len(key) != 32 {
			t.Fatalf("%x %v", key, err)
		}
		st, err := os.Stat(hub.MessageKeyPath(dir))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("%v %v", st, err)
		}
		again, err := hub.LoadMessageKey(dir)
		if err != nil || hex.EncodeToString(again) != hex.EncodeToString(key) {
			t.Fatalf("second load: %x %v", again, err)
		}
	})
	t.Run("ErrReadableByOthers", func(t *testing.T) {
		dir := t.TempDir()
		hub.LoadMessageKey(dir)
		os.Chmod(hub.MessageKeyPath(dir), 0o644)
		if _, err := hub.LoadMessageKey(dir); err == nil {
			t.Fatal("loaded a key file others can read")
		}
	})
	t.Run("ErrNotAKey", func(t *testing.T) {
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, "keys"), 0o700)
		os.WriteFile(hub.MessageKeyPath(dir), []byte("secret"), 0o600)
		if _, err := hub.LoadMessageKey(dir); err == nil {
			t.Fatal("loaded a key file without a key")
		}
	})
	t.Run("Env", func(t *testing.T) {
		want := "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
		t.Setenv(hub.MessageKeyEnv, want)
		key, err := hub.LoadMessageKey(t.TempDir())
		if err != nil || hex.EncodeToString(key) != want {
			t.Fatalf("%x %v", key, err)
		}
		t.Setenv(hub.MessageKeyEnv, "short")
		if _, err := hub.LoadMessageKey(t.TempDir()); err == nil {
			t.Fatal("accepted a short key")
		}
	})
}

// TestMessagesNeedTheKey: without the master key nothing is sent, and under
// another key nothing is read, rather than anything garbled.
func TestMessagesNeedTheKey(t *testing.T) {
	h, ctx := MustHub(t)
	m := &lookout.Message{To: []string{"ncb-deu"}, Subject: "note to self", Body: "body"}
	if _, err := h.SendMessage(ctx, m); lookout.ErrorCode(err) != lookout.EINTERNAL {
		t.Fatalf("sent without a key: %v", err)
	}
	k1, k2 := make([]byte, 32), make([]byte, 32)
	k2[0] = 1
	if err := h.SetMessageKey(k1); err != nil {
		t.Fatal(err)
	}
	sent, err := h.SendMessage(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := h.Message(ctx, sent.ID); err != nil || got.Body != "body" || got.ReadAt == nil {
		t.Fatalf("%+v %v", got, err)
	}
	h.SetMessageKey(k2)
	if _, err := h.Message(ctx, sent.ID); err == nil {
		t.Fatal("read under another key")
	}
	if err := h.SetMessageKey(k1[:16]); err == nil {
		t.Fatal("accepted a 128-bit key")
	}
}

// TestCheckDeadlinesNothingDue flags nothing on an empty store.
func TestCheckDeadlinesNothingDue(t *testing.T) {
	h, _ := MustHub(t)
	if n, err := h.CheckDeadlines(context.Background()); err != nil || n != 0 {
		t.Fatalf("%d %v", n, err)
	}
}

// FuzzSendMessage sends whatever a client might: the hub refuses it with an
// application error or stores it, and what it stores reads back exactly.
func FuzzSendMessage(f *testing.F) {
	f.Add("Hit on passport C01X00T47", "Traveller held at CDG.", "routine", "report.pdf", "application/pdf", []byte("%PDF-1.4\n%%EOF\n"))
	f.Add("x", "", "urgent", "scan.png", "image/png", []byte("\x89PNG\r\n\x1a\n\x00\x00"))
	f.Add("Привет", "тело", "flash", "a/b", "text/plain; charset=utf-8", []byte("hello"))
	f.Add("", "\xff", "", "", "", []byte{})
	h, ctx := MustHub(f)
	if err := h.SetMessageKey(make([]byte, 32)); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, subject, body, priority, name, contentType string, data []byte) {
		m := &lookout.Message{To: []string{"ncb-deu"}, Subject: subject, Body: body, Priority: priority}
		if name != "" || len(data) > 0 {
			m.Attachments = []lookout.Attachment{{Name: name, ContentType: contentType, Data: data}}
		}
		sent, err := h.SendMessage(ctx, m)
		if err != nil {
			if code := lookout.ErrorCode(err); code != lookout.EINVALID && code != lookout.ETOOLARGE {
				t.Fatalf("%q: %v", subject, err)
			}
			return
		}
		got, err := h.Message(ctx, sent.ID)
		if err != nil || got.Subject != sent.Subject || got.Body != body || len(got.Attachments) != len(m.Attachments) {
			t.Fatalf("read back %+v: %v", got, err)
		}
		if len(data) > 0 && string(got.Attachments[0].Data) != string(data) {
			t.Fatalf("attachment changed")
		}
	})
}
