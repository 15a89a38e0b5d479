package console

import "testing"

// TestStatsCSVCell: no text cell of a download may start a spreadsheet
// formula (the page's filter keeps such text out today; this keeps the
// guard honest should a text column ever carry what someone typed).
func TestStatsCSVCell(t *testing.T) {
	for in, want := range map[string]string{
		"":                   "",
		"documents":          "documents",
		"2026-03-01":         "2026-03-01",
		"=cmd|' /C calc'!A0": "'=cmd|' /C calc'!A0",
		"+1+1":               "'+1+1",
		"-2+3":               "'-2+3",
		"@SUM(A1:A2)":        "'@SUM(A1:A2)",
		"\t=1":               "'\t=1",
		"\r=1":               "'\r=1",
		"a=1":                "a=1",
	} {
		if got := statsCSVCell(in); got != want {
			t.Errorf("statsCSVCell(%q) = %q, want %q", in, got, want)
		}
	}
}
