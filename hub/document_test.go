package hub_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/lookout-network/lookout"
)

func TestUpdateDocumentVersion(t *testing.T) {
	h, ctx := MustHub(t)
	d, err := h.CreateDocument(ctx, &lookout.Document{Number: "C01X00T47", IssuingCountry: "DEU", Type: "passport", Status: "stolen"})
	if err != nil {
		t.Fatal(err)
	}
	str := func(s string) *string { return &s }
	version := func(v int64) *int64 { return &v }
	must := func(t *testing.T, status string, v int64) {
		t.Helper()
		got, err := h.Document(ctx, d.ID)
		if err != nil || got.Status != status || got.Version != v {
			t.Fatalf("the record is %+v %v, want status %s at version %d", got, err, status, v)
		}
	}

	t.Run("OK", func(t *testing.T) {
		got, err := h.UpdateDocument(ctx, d.ID, lookout.DocumentUpdate{Status: str("lost"), Version: version(1)})
		if err != nil || got.Version != 2 || got.Status != "lost" {
			t.Fatalf("%+v %v", got, err)
		}
		must(t, "lost", 2)
	})
	t.Run("OKWithoutVersion", func(t *testing.T) {
		if _, err := h.UpdateDocument(ctx, d.ID, lookout.DocumentUpdate{Remarks: str("reported at Kehl")}); err != nil {
			t.Fatal(err)
		}
		must(t, "lost", 3)
	})
	t.Run("ErrConflict", func(t *testing.T) {
		// A form read at version 2, saved after the remarks above.
		got, err := h.UpdateDocument(ctx, d.ID, lookout.DocumentUpdate{Status: str("revoked"), Version: version(2)})
		var e *lookout.Error
		if !errors.As(err, &e) || e.Code != lookout.ECONFLICT || e.Field != "version" || !strings.Contains(e.Message, "at version 3, not 2") || got != nil {
			t.Fatalf("stale version: %+v %v", got, err)
		}
		must(t, "lost", 3)
		if after, _ := h.Document(ctx, d.ID); after.Remarks != "reported at Kehl" {
			t.Fatalf("a stale change overwrote the remarks: %+v", after)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, v := range []int64{0, -3} {
			if _, err := h.UpdateDocument(ctx, d.ID, lookout.DocumentUpdate{Status: str("revoked"), Version: version(v)}); lookout.ErrorCode(err) != lookout.EINVALID {
				t.Errorf("version %d: %v", v, err)
			}
		}
		must(t, "lost", 3)
	})
}
