package pki

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// revocationsFile lists, per agency, the time before which its certificates
// are no longer accepted. It lives beside the CA, outside the store, so that
// `lookout pki revoke` works with the server running and takes effect on the
// server's next handshake check.
const revocationsFile = "revoked.json"

// Revoke revokes every certificate issued to agency until now.
func Revoke(dataDir, agency string) error {
	dir, _, _ := Paths(dataDir)
	if _, err := os.Stat(dir); err != nil {
		return ErrNoCA
	}
	path := filepath.Join(dir, revocationsFile)
	list, err := readRevocations(path)
	if err != nil {
		return err
	}
	list[agency] = time.Now().UTC()
	b, _ := json.MarshalIndent(list, "", " ")
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func readRevocations(path string) (map[string]time.Time, error) {
	list := map[string]time.Time{}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return list, nil
	} else if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("%s is damaged: %w", path, err)
	}
	return list, nil
}

// Revocations answers whether a certificate was revoked, re-reading the list
// whenever the file changes.
type Revocations struct {
	path string
	mu   sync.Mutex
	mod  time.Time
	size int64
	list map[string]time.Time
}

// NewRevocations watches the revocation list of a data directory.
func NewRevocations(dataDir string) *Revocations {
	dir, _, _ := Paths(dataDir)
	return &Revocations{path: filepath.Join(dir, revocationsFile), list: map[string]time.Time{}}
}

// Revoked reports whether a certificate of agency issued at notBefore is
// revoked. A list it cannot read revokes everything: it fails closed.
func (r *Revocations) Revoked(agency string, notBefore time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	st, err := os.Stat(r.path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		r.list, r.mod = map[string]time.Time{}, time.Time{}
	case err != nil:
		return true
	case !st.ModTime().Equal(r.mod) || st.Size() != r.size:
		list, err := readRevocations(r.path)
		if err != nil {
			return true
		}
		r.list, r.mod, r.size = list, st.ModTime(), st.Size()
	}
	// Certificates are backdated at issue (clock skew): a revocation covers
	// every certificate issued up to it, and none issued after.
	t, ok := r.list[agency]
	return ok && !notBefore.Add(Backdate).After(t)
}
