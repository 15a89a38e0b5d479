package checkpoint_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/checkpoint"
)

func head(seq int64) *lookout.AuditEntry {
	var prev *lookout.AuditEntry
	var e *lookout.AuditEntry
	for i := int64(1); i <= seq; i++ {
		e = &lookout.AuditEntry{Time: time.Unix(i, 0).UTC(), AgencyID: "secretariat", Country: "XPO", Action: "test"}
		e.Chain(prev)
		prev = e
	}
	return e
}

func TestCheckpoint(t *testing.T) {
	dir := t.TempDir()
	s, err := checkpoint.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(checkpoint.KeyPath(dir)); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("signing key mode: %v %v", st.Mode(), err)
	}
	e := head(5)
	c, err := s.Sign(e, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if latest, err := checkpoint.Latest(dir); err != nil || latest.Seq != 5 || latest.Signature != c.Signature {
		t.Fatalf("latest: %+v %v", latest, err)
	}
	again, _ := checkpoint.Open(dir) // the key persists across opens
	t.Run("OK", func(t *testing.T) {
		if err := c.Verify(again.PublicKey(), e); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrRewrittenEntry", func(t *testing.T) {
		other := *e
		other.Detail = "rewritten"
		other.Hash = other.ComputeHash()
		if err := c.Verify(s.PublicKey(), &other); err == nil || !strings.Contains(err.Error(), "rewritten") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("ErrMissingEntry", func(t *testing.T) {
		if err := c.Verify(s.PublicKey(), nil); err == nil || !strings.Contains(err.Error(), "missing") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("ErrAlteredCheckpoint", func(t *testing.T) {
		bad := *c
		bad.Seq = 4
		if err := bad.Verify(s.PublicKey(), head(4)); err == nil || !strings.Contains(err.Error(), "signature") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("ErrReplacedKey", func(t *testing.T) {
		other, _ := checkpoint.Open(t.TempDir())
		if err := c.Verify(other.PublicKey(), e); err == nil || !strings.Contains(err.Error(), "key") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("ErrDamagedKey", func(t *testing.T) {
		d := t.TempDir()
		checkpoint.Open(d)
		os.WriteFile(checkpoint.KeyPath(d), []byte("not a key"), 0o600)
		if _, err := checkpoint.Open(d); err == nil {
			t.Fatal("a damaged key was accepted")
		}
	})
}
