package dna_test

import (
	"strings"
	"testing"

	"github.com/lookout-network/lookout/dna"
)

func TestCanonicalLocus(t *testing.T) {
	ok := []struct{ in, want string }{
		{"D3S1358", "D3S1358"}, {"d3s1358", "D3S1358"}, {"D3", "D3S1358"}, {"D18", "D18S51"},
		{"vWA", "vWA"}, {"VWA", "vWA"}, {"HUMVWFA31", "vWA"}, {"TH01", "TH01"}, {"THO1", "TH01"},
		{"TPOX", "TPOX"}, {"Penta D", "Penta_D"}, {"PENTA_D", "Penta_D"}, {"penta-e", "Penta_E"},
		{"FESFPS", "FES"}, {"FES/FPS", "FES"}, {"F13A01", "F13A1"}, {"AMEL", "AMEL"},
		{"Amelogenin", "AMEL"}, {"DYS391", "DYS391"}, {"D6S1043", "D6S1043"}, {"new locus", "NEWLOCUS"},
	}
	for _, c := range ok {
		t.Run("OK/"+c.in, func(t *testing.T) {
			got, err := dna.CanonicalLocus(c.in)
			if err != nil || got != c.want {
				t.Fatalf("CanonicalLocus(%q) = %q, %v; want %q", c.in, got, err, c.want)
			}
		})
	}
	bad := []struct{ in, want string }{
		{"", "empty"}, {"D2", "ambiguous"}, {"D3<", "character"}, {strings.Repeat("X", 40), "longer"}, {"__", "no letters"},
	}
	for _, c := range bad {
		t.Run("Err/"+c.want, func(t *testing.T) {
			_, err := dna.CanonicalLocus(c.in)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("CanonicalLocus(%q) error = %v; want it to mention %q", c.in, err, c.want)
			}
		})
	}
}

func TestClassOf(t *testing.T) {
	for name, want := range map[string]dna.LocusClass{"AMEL": dna.SexMarker, "DYS391": dna.YSTR, "Yindel": dna.YSTR, "FGA": dna.Autosomal} {
		if got := dna.ClassOf(name); got != want {
			t.Errorf("ClassOf(%q) = %d; want %d", name, got, want)
		}
	}
}

func TestParseAllele(t *testing.T) {
	ok := []struct {
		locus, in, want string
		kind            dna.AlleleKind
	}{
		{"TH01", "9.3", "9.3", dna.Repeat}, {"FGA", "22.2", "22.2", dna.Repeat}, {"FGA", " 22 ", "22", dna.Repeat},
		{"FGA", "22.0", "22", dna.Repeat}, {"D18S51", "<8", "<8", dna.Below}, {"D18S51", ">27", ">27", dna.Above},
		{"D18S51", "ol", "OL", dna.OffLadder}, {"D18S51", "*", "*", dna.Wildcard}, {"AMEL", "x", "X", dna.SexX},
		{"AMEL", "Y", "Y", dna.SexY}, {"D18S51", "nr", "NR", dna.OffLadder},
	}
	for _, c := range ok {
		t.Run("OK/"+c.in, func(t *testing.T) {
			got, kind, err := dna.ParseAllele(c.locus, c.in)
			if err != nil || got != c.want || kind != c.kind {
				t.Fatalf("ParseAllele(%q, %q) = %q, %d, %v; want %q, %d", c.locus, c.in, got, kind, err, c.want, c.kind)
			}
		})
	}
	bad := []struct{ locus, in, want string }{
		{"D3S1358", "1x", `locus "D3S1358" allele "1x"`},
		{"D3S1358", "", "empty"},
		{"D3S1358", "9.33", "one digit"},
		{"D3S1358", "X", `allele "X"`},
		{"AMEL", "12", "not X or Y"},
		{"D3S1358", "<", "not a repeat"},
		{"D3S1358", "12345678901", "longer than 10"},
		{"D3S1358", "-3", "not a repeat"},
	}
	for _, c := range bad {
		t.Run("Err/"+c.in, func(t *testing.T) {
			_, _, err := dna.ParseAllele(c.locus, c.in)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("ParseAllele(%q, %q) error = %v; want it to mention %q", c.locus, c.in, err, c.want)
			}
		})
	}
}
