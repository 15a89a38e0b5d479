package lookout_test

import (
	"testing"

	"github.com/lookout-network/lookout"
)

func TestNoticeVisible(t *testing.T) {
	const today = "2026-11-27"
	notice := func(kind, status, expires string, recipients ...string) *lookout.Notice {
		return &lookout.Notice{Kind: kind, Status: status, OwnerCountry: "DEU", ExpiresOn: expires, Recipients: recipients}
	}
	for _, tc := range []struct {
		name    string
		n       *lookout.Notice
		country string
		visible bool
		inForce bool
	}{
		{"PublishedToAll", notice(lookout.KindNotice, lookout.NoticePublished, "2030-01-01"), "FRA", true, true},
		{"RequestedOwner", notice(lookout.KindNotice, lookout.NoticeRequested, "2030-01-01"), "DEU", true, false},
		{"RequestedSecretariat", notice(lookout.KindNotice, lookout.NoticeRequested, "2030-01-01"), lookout.SecretariatCountry, true, false},
		{"ErrRequestedOther", notice(lookout.KindNotice, lookout.NoticeRequested, "2030-01-01"), "FRA", false, false},
		{"ErrRefusedOther", notice(lookout.KindNotice, lookout.NoticeRefused, "2030-01-01"), "FRA", false, false},
		{"ErrCancelledOther", notice(lookout.KindNotice, lookout.NoticeCancelled, "2030-01-01"), "FRA", false, false},
		{"ErrExpiredOther", notice(lookout.KindNotice, lookout.NoticePublished, today), "FRA", false, false},
		{"ExpiredOwner", notice(lookout.KindNotice, lookout.NoticePublished, "2026-01-01"), "DEU", true, false},
		{"DiffusionRecipient", notice(lookout.KindDiffusion, lookout.NoticeActive, "2030-01-01", "ESP", "FRA"), "FRA", true, true},
		{"ErrDiffusionUnnamed", notice(lookout.KindDiffusion, lookout.NoticeActive, "2030-01-01", "ESP", "FRA"), "GBR", false, true},
		{"ErrDiffusionCancelled", notice(lookout.KindDiffusion, lookout.NoticeCancelled, "2030-01-01", "FRA"), "FRA", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := lookout.NoticeVisible(tc.n, tc.country, today); got != tc.visible {
				t.Errorf("visible to %s: %v, want %v", tc.country, got, tc.visible)
			}
			if got := tc.n.InForce(today); got != tc.inForce {
				t.Errorf("in force: %v, want %v", got, tc.inForce)
			}
		})
	}
}

func TestIDList(t *testing.T) {
	var l lookout.IDList
	if err := l.UnmarshalJSON([]byte(`["12", 13]`)); err != nil || len(l) != 2 || l[0] != 12 || l[1] != 13 {
		t.Fatalf("%v %v", l, err)
	}
	if b, _ := l.MarshalJSON(); string(b) != `["12","13"]` {
		t.Fatalf("%s", b)
	}
	for _, bad := range []string{`["x"]`, `[0]`, `["-1"]`, `{}`} {
		if err := l.UnmarshalJSON([]byte(bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
