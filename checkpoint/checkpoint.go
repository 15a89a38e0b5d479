// Package checkpoint signs the head of the audit chain, so that an operator
// who rewrites the whole chain (recomputing every hash) is caught by anyone
// who kept an earlier signed checkpoint: the rewritten chain no longer holds
// the signed hash at the signed sequence number.
package checkpoint

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/lookout-network/lookout"
)

// Checkpoint is a signed statement: "entry Seq of the audit chain has hash
// Hash", made at Time by the hub whose key is PublicKey.
type Checkpoint struct {
	Seq       int64     `json:"seq"`
	Hash      string    `json:"hash"`
	Time      time.Time `json:"time"`
	PublicKey string    `json:"public_key"`
	Signature string    `json:"signature"`
}

func (c *Checkpoint) message() []byte {
	return []byte("lookout audit checkpoint\n" + strconv.FormatInt(c.Seq, 10) + "\n" + c.Hash + "\n" + c.Time.UTC().Format(time.RFC3339Nano) + "\n")
}

// Signer holds the hub's signing key, kept in DATA/keys (mode 0600).
type Signer struct {
	key  ed25519.PrivateKey
	path string // where signed checkpoints are appended
}

// KeyPath is where a data directory keeps its signing key.
func KeyPath(dataDir string) string { return filepath.Join(dataDir, "keys", "audit-ed25519.key") }

// LogPath is where a data directory appends its published checkpoints.
func LogPath(dataDir string) string { return filepath.Join(dataDir, "audit-checkpoints.jsonl") }

// Open loads the signing key of a data directory, creating it on first use.
func Open(dataDir string) (*Signer, error) {
	path := KeyPath(dataDir)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		_, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(key.Seed())), 0o600); err != nil {
			return nil, err
		}
		return &Signer{key: key, path: LogPath(dataDir)}, nil
	} else if err != nil {
		return nil, err
	}
	seed, err := base64.StdEncoding.DecodeString(string(bytes.TrimSpace(b)))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("audit signing key %s is damaged", path)
	}
	return &Signer{key: ed25519.NewKeyFromSeed(seed), path: LogPath(dataDir)}, nil
}

// PublicKey returns the base64 public key checkpoints are verified with.
func (s *Signer) PublicKey() string {
	return base64.StdEncoding.EncodeToString(s.key.Public().(ed25519.PublicKey))
}

// Sign signs head and appends the checkpoint to the published log.
func (s *Signer) Sign(head *lookout.AuditEntry, now time.Time) (*Checkpoint, error) {
	c := &Checkpoint{Seq: head.Seq, Hash: hex.EncodeToString(head.Hash), Time: now.UTC(), PublicKey: s.PublicKey()}
	c.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(s.key, c.message()))
	b, _ := json.Marshal(c)
	f, err := os.OpenFile(s.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return c, f.Close()
}

// Latest returns the last checkpoint of a data directory's published log.
func Latest(dataDir string) (*Checkpoint, error) {
	b, err := os.ReadFile(LogPath(dataDir))
	if err != nil {
		return nil, err
	}
	lines := bytes.Split(bytes.TrimSpace(b), []byte("\n"))
	var c Checkpoint
	if err := json.Unmarshal(lines[len(lines)-1], &c); err != nil {
		return nil, fmt.Errorf("last checkpoint of %s: %w", LogPath(dataDir), err)
	}
	return &c, nil
}

// Read reads a checkpoint file an auditor kept.
func Read(path string) (*Checkpoint, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c Checkpoint
	if err := json.Unmarshal(bytes.TrimSpace(b), &c); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return &c, nil
}

// Verify checks that c is a valid signature by the key trusted (base64; the
// hub's current key) and that entry, the chain's entry at c.Seq, carries the
// signed hash.
func (c *Checkpoint) Verify(trusted string, entry *lookout.AuditEntry) error {
	if c.PublicKey != trusted {
		return fmt.Errorf("checkpoint of entry %d was signed by key %s, not by this hub's key %s (the key was replaced)", c.Seq, c.PublicKey, trusted)
	}
	pub, err := base64.StdEncoding.DecodeString(c.PublicKey)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("checkpoint public key is damaged")
	}
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	if err != nil || !ed25519.Verify(pub, c.message(), sig) {
		return fmt.Errorf("checkpoint of entry %d: the signature does not verify (the checkpoint was altered)", c.Seq)
	}
	if entry == nil || entry.Seq != c.Seq {
		return fmt.Errorf("audit entry %d, signed in a checkpoint of %s, is missing from the chain (the chain was cut or rewritten)", c.Seq, c.Time.Format(time.RFC3339))
	}
	if got := hex.EncodeToString(entry.Hash); got != c.Hash {
		return fmt.Errorf("audit entry %d has hash %s, but a checkpoint of %s signed %s: the chain was rewritten", c.Seq, got, c.Time.Format(time.RFC3339), c.Hash)
	}
	return nil
}
