package hub

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/docindex"
	"github.com/lookout-network/lookout/sqlite"
)

// TestNoticeExpiry moves the hub's clock past a diffusion's expiry: it
// stops matching, and its owner sees it expired.
func TestNoticeExpiry(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "lookout.db"))
	if err != nil {
		t.Fatal(err)
	}
	sec, _, err := Bootstrap(ctx, db, "secretariat")
	if err != nil {
		t.Fatal(err)
	}
	h := New(db, NewDocumentIndex(docindex.New()), slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(func() { h.Close(); db.Close() })
	h.SetPersonIndex(NewPersonIndex())
	secCtx := lookout.NewContext(ctx, &lookout.Caller{Agency: sec})
	ncb := func(country string) context.Context {
		a, _, err := h.CreateAgency(secCtx, &lookout.Agency{ID: "ncb-" + country, Kind: lookout.KindNCB, Country: strings.ToUpper(country), Name: "NCB"})
		if err != nil {
			t.Fatal(err)
		}
		return lookout.NewContext(ctx, &lookout.Caller{Agency: a})
	}
	deu, fra := ncb("deu"), ncb("fra")
	p, err := h.CreatePerson(deu, &lookout.Person{Name: "Erika Mustermann", DateOfBirth: "1964-08-12", Sex: "F"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	d, err := h.IssueDiffusion(deu, &lookout.Notice{PersonID: p.ID, Type: "blue", Summary: "witness", Recipients: []string{"FRA"},
		ExpiresOn: now.Add(48 * time.Hour).Format(lookout.DateLayout)})
	if err != nil {
		t.Fatal(err)
	}
	notices := func() int {
		res, err := h.SearchPersons(fra, lookout.PersonSearchRequest{Name: "Erika Mustermann"})
		if err != nil || len(res.Candidates) == 0 {
			t.Fatalf("%+v %v", res, err)
		}
		return len(res.Candidates[0].Notices)
	}
	if notices() != 1 {
		t.Fatal("the recipient does not see the diffusion")
	}
	h.now = func() time.Time { return now.Add(72 * time.Hour) }
	if n := notices(); n != 0 {
		t.Fatalf("an expired diffusion still matches: %d", n)
	}
	got, err := h.Notice(deu, d.ID)
	if err != nil || got.Status != lookout.NoticeExpired {
		t.Fatalf("owner sees %+v %v", got, err)
	}
	if _, err := h.Notice(fra, d.ID); lookout.ErrorCode(err) != lookout.ENOTFOUND {
		t.Fatalf("recipient reads an expired diffusion: %v", err)
	}
}
