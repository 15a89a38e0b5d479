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
