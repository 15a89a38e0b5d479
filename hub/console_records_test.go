package hub_test

import (
	"context"
	"testing"

	"github.com/lookout-network/lookout"
)

func TestOwnDocumentsByNumber(t *testing.T) {
	h, ctx := MustHub(t)
	sec := lookout.NewContext(context.Background(), &lookout.Caller{Agency: &lookout.Agency{ID: "secretariat", Kind: lookout.KindSecretariat, Country: lookout.SecretariatCountry, Grants: lookout.AllGrants}})
	fra, _, err := h.CreateAgency(sec, &lookout.Agency{ID: "ncb-fra", Kind: lookout.KindNCB, Country: "FRA", Name: "NCB FRA"})
	if err != nil {
		t.Fatal(err)
	}
	fctx := lookout.NewContext(context.Background(), &lookout.Caller{Agency: fra})
	mk := func(ctx context.Context, d *lookout.Document) *lookout.Document {
		t.Helper()
		d, err := h.CreateDocument(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	passport := mk(ctx, &lookout.Document{Number: "C01X00T47", IssuingCountry: "DEU", Type: "passport", Status: "stolen"})
	card := mk(ctx, &lookout.Document{Number: "C01X00T47", IssuingCountry: "DEU", Type: "id_card", Status: "lost"})
	batch := mk(ctx, &lookout.Document{Number: "Z0001000", NumberTo: "Z0001999", IssuingCountry: "DEU", Type: "passport", Status: "stolen_blank"})
	mk(ctx, &lookout.Document{Number: "C01X00T48", IssuingCountry: "DEU", Type: "passport", Status: "stolen"})
	mk(fctx, &lookout.Document{Number: "C01X00T47", IssuingCountry: "FRA", Type: "passport", Status: "stolen"})
	ids := func(docs []*lookout.Document) []int64 {
		var out []int64
		for _, d := range docs {
			out = append(out, d.ID)
		}
		return out
	}

	t.Run("OK", func(t *testing.T) {
		docs, err := h.OwnDocumentsByNumber(ctx, "c01x-00t47", "")
		if err != nil || len(docs) != 2 || docs[0].ID != passport.ID || docs[1].ID != card.ID {
			t.Fatalf("by number: %v %v, want %d and %d (not France's of the same number)", ids(docs), err, passport.ID, card.ID)
		}
		docs, err = h.OwnDocumentsByNumber(ctx, "C01X00T47", "lost")
		if err != nil || len(docs) != 1 || docs[0].ID != card.ID {
			t.Fatalf("by number and status: %v %v", ids(docs), err)
		}
		docs, err = h.OwnDocumentsByNumber(ctx, "Z0001500", "")
		if err != nil || len(docs) != 1 || docs[0].ID != batch.ID {
			t.Fatalf("a number in a batch: %v %v", ids(docs), err)
		}
		docs, err = h.OwnDocumentsByNumber(ctx, "C01X00T49", "")
		if err != nil || docs == nil || len(docs) != 0 {
			t.Fatalf("no such number: %v %v", docs, err)
		}
	})
	t.Run("OKAfterChanges", func(t *testing.T) {
		if err := h.DeleteDocument(ctx, card.ID); err != nil {
			t.Fatal(err)
		}
		if docs, _ := h.OwnDocumentsByNumber(ctx, "C01X00T47", ""); len(docs) != 1 || docs[0].ID != passport.ID {
			t.Fatalf("after a delete: %v", ids(docs))
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		if _, err := h.OwnDocumentsByNumber(ctx, "AB<12", ""); lookout.ErrorField(err) != "number" {
			t.Errorf("bad number: %v", err)
		}
		if _, err := h.OwnDocumentsByNumber(ctx, "", ""); lookout.ErrorField(err) != "number" {
			t.Errorf("no number: %v", err)
		}
		if _, err := h.OwnDocumentsByNumber(ctx, "C01X00T47", "misplaced"); lookout.ErrorField(err) != "status" {
			t.Errorf("bad status: %v", err)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		border := lookout.NewContext(context.Background(), &lookout.Caller{Agency: &lookout.Agency{ID: "deu-border", Kind: lookout.KindAgency, Country: "DEU", Grants: []lookout.Grant{lookout.GrantDocumentsCheck}}})
		if _, err := h.OwnDocumentsByNumber(border, "C01X00T47", ""); lookout.ErrorCode(err) != lookout.EFORBIDDEN {
			t.Errorf("without documents:write: %v", err)
		}
	})
}
