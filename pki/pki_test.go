package pki_test

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/lookout-network/lookout/pki"
)

func TestCA(t *testing.T) {
	dir := t.TempDir()
	ca, err := pki.Init(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, _, keyPath := pki.Paths(dir)
	if st, err := os.Stat(keyPath); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("CA key mode %v: %v", st.Mode(), err)
	}
	if _, err := pki.Init(dir); err == nil {
		t.Fatal("a second init replaced the CA")
	}
	certPEM, _, err := ca.ClientCertificate("fra-cdg", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pem.Decode(certPEM)
	cert, _ := x509.ParseCertificate(b.Bytes)
	if cert.Subject.CommonName != "fra-cdg" {
		t.Fatalf("subject %v", cert.Subject)
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: ca.Pool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Fatalf("client certificate does not verify: %v", err)
	}
	if _, err := pki.Load(t.TempDir()); err != pki.ErrNoCA {
		t.Fatalf("load without CA: %v", err)
	}
	t.Run("Revoke", func(t *testing.T) {
		r := pki.NewRevocations(dir)
		if r.Revoked("fra-cdg", cert.NotBefore) {
			t.Fatal("revoked before revocation")
		}
		if err := pki.Revoke(dir, "fra-cdg"); err != nil {
			t.Fatal(err)
		}
		if !r.Revoked("fra-cdg", cert.NotBefore) || r.Revoked("deu-fra", cert.NotBefore) {
			t.Fatal("revocation not seen at once, or too wide")
		}
		time.Sleep(1100 * time.Millisecond) // certificate times have whole seconds
		fresh, _, _ := ca.ClientCertificate("fra-cdg", time.Hour)
		b, _ := pem.Decode(fresh)
		c2, _ := x509.ParseCertificate(b.Bytes)
		if r.Revoked("fra-cdg", c2.NotBefore) {
			t.Fatal("a certificate issued after the revocation is refused")
		}
	})
	t.Run("ErrDamagedListFailsClosed", func(t *testing.T) {
		os.WriteFile(filepath.Join(dir, "pki", "revoked.json"), []byte("{broken"), 0o600)
		if !pki.NewRevocations(dir).Revoked("anyone", time.Now()) {
			t.Fatal("damaged revocation list accepted a certificate")
		}
	})
}
