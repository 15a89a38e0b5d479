package dna_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/lookout-network/lookout/dna"
)

// fullLoci returns API-style loci for the 20 CODIS core loci.
func fullLoci() map[string][]string {
	m := map[string][]string{}
	for i, n := range dna.CODIS20 {
		m[n] = []string{"10", []string{"11", "12", "13"}[i%3]}
	}
	return m
}

func TestParseLoci(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		ls, err := dna.ParseLoci(map[string][]string{"D3": {"15", "16"}, "vWA": {"17", "17"}, "Amelogenin": {"X", "Y"}, "TH01": {"9.3", "6!"}})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, l := range ls {
			got[l.Name] = len(l.Alleles)
		}
		want := map[string]int{"D3S1358": 2, "vWA": 1, "AMEL": 2, "TH01": 2}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("locus %s has %d alleles; want %d (all: %v)", k, got[k], v, got)
			}
		}
		p := dna.Profile{Loci: ls}
		th, _ := p.Locus("TH01")
		if !th.Alleles[1].Required || th.Alleles[0].Required {
			t.Errorf("obligate flag lost: %+v", th)
		}
		if m := p.LociMap(); m["TH01"][1] != "6!" {
			t.Errorf("LociMap TH01 = %v; want the obligate mark kept", m["TH01"])
		}
	})
	bad := []struct {
		name string
		loci map[string][]string
		want string
	}{
		{"ErrDuplicateSpelling", map[string][]string{"vWA": {"15"}, "VWA": {"16"}}, "same locus vWA"},
		{"ErrBadAllele", map[string][]string{"D3S1358": {"1x"}}, `locus "D3S1358" allele "1x"`},
		{"ErrNoAlleles", map[string][]string{"FGA": {}}, `locus "FGA" has no alleles`},
		{"ErrTooManyAlleles", map[string][]string{"FGA": {"18", "19", "20", "21", "22", "23", "24", "25", "26"}}, "more than 8"},
		{"ErrAmelogenin", map[string][]string{"AMEL": {"X", "Z"}}, `allele "Z"`},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := dna.ParseLoci(c.loci)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error = %v; want it to mention %q", err, c.want)
			}
		})
	}
}

func TestNewProfile(t *testing.T) {
	short := map[string][]string{"FGA": {"20", "21"}, "TH01": {"6", "9.3"}, "vWA": {"16"}, "D3S1358": {"15", "16"}, "D8S1179": {"13"}, "D21S11": {"28", "30"}}
	mix := fullLoci()
	mix["FGA"] = []string{"20", "21", "22", "23"}
	cases := []struct {
		name string
		cat  dna.Category
		rel  dna.Relationship
		loci map[string][]string
		want string // "" for success
	}{
		{"OK", dna.Offender, dna.NoRelationship, fullLoci(), ""},
		{"OKCrimeSceneSixLoci", dna.CrimeScene, dna.NoRelationship, short, ""},
		{"OKMixture", dna.CrimeSceneMixture, dna.NoRelationship, mix, ""},
		{"OKRelative", dna.Relative, dna.Mother, fullLoci(), ""},
		{"ErrOffenderTooFewLoci", dna.Offender, dna.NoRelationship, short, "needs 10"},
		{"ErrMixtureAsSingleSource", dna.Offender, dna.NoRelationship, mix, `locus "FGA" has 4 alleles`},
		{"ErrRelativeWithoutRelationship", dna.Relative, dna.NoRelationship, fullLoci(), "needs a relationship"},
		{"ErrRelationshipOnOffender", dna.Offender, dna.Mother, fullLoci(), "cannot have relationship"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := dna.NewProfile(c.cat, c.rel, "GlobalFiler", c.loci)
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error = %v; want it to mention %q", err, c.want)
			}
		})
	}
	t.Run("ErrISSOL", func(t *testing.T) {
		m := fullLoci()
		for _, n := range []string{"FGA", "TH01"} {
			delete(m, n)
		}
		_, err := dna.NewProfile(dna.Arrestee, dna.NoRelationship, "", m)
		if err == nil || !strings.Contains(err.Error(), "5 of the loci") {
			t.Fatalf("error = %v; want the ISSOL rule", err)
		}
	})
}

func TestCategoryNames(t *testing.T) {
	for _, n := range []string{"offender", "arrestee", "crime_scene", "crime_scene_mixture", "missing_person", "relative", "unidentified_remains"} {
		c, err := dna.ParseCategory(n)
		if err != nil || c.String() != n {
			t.Errorf("ParseCategory(%q) = %v, %v", n, c, err)
		}
	}
	if _, err := dna.ParseCategory("suspect"); err == nil {
		t.Error("ParseCategory(suspect) succeeded")
	}
	if r, err := dna.ParseRelationship("sibling"); err != nil || r != dna.Sibling {
		t.Errorf("ParseRelationship(sibling) = %v, %v", r, err)
	}
	if _, err := dna.ParseRelationship("cousin"); err == nil {
		t.Error("ParseRelationship(cousin) succeeded")
	}
}

func TestTargets(t *testing.T) {
	cases := []struct {
		q    dna.Category
		rule string
		in   []dna.Category
		out  []dna.Category
	}{
		{dna.CrimeScene, "moderate", []dna.Category{dna.Offender, dna.Arrestee, dna.CrimeScene, dna.CrimeSceneMixture}, []dna.Category{dna.Relative, dna.MissingPerson}},
		{dna.CrimeScene, "prum", []dna.Category{dna.Offender, dna.Arrestee}, []dna.Category{dna.CrimeSceneMixture, dna.Relative}},
		{dna.CrimeSceneMixture, "prum", nil, []dna.Category{dna.Offender, dna.CrimeScene}},
		{dna.Relative, "moderate", nil, []dna.Category{dna.Offender, dna.CrimeScene, dna.UnidentifiedRemains}},
		{dna.Relative, "parent_child", []dna.Category{dna.UnidentifiedRemains}, []dna.Category{dna.Offender, dna.Relative}},
		{dna.UnidentifiedRemains, "sibling", []dna.Category{dna.Relative}, []dna.Category{dna.Offender}},
		{dna.Offender, "sibling", nil, []dna.Category{dna.Relative, dna.Offender}},
	}
	for _, c := range cases {
		s := dna.Targets(c.q, c.rule)
		for _, x := range c.in {
			if !s.Has(x) {
				t.Errorf("%s/%s: %s not searched; want it", c.q, c.rule, x)
			}
		}
		for _, x := range c.out {
			if s.Has(x) {
				t.Errorf("%s/%s: %s searched; the matrix must forbid it", c.q, c.rule, x)
			}
		}
	}
}

func FuzzParseLoci(f *testing.F) {
	f.Add("D3S1358", "15", "16!")
	f.Add("Penta D", "<2.2", "OL")
	f.Add("AMEL", "X", "Y")
	f.Add("TH01", "9.3", "*")
	f.Fuzz(func(t *testing.T, name, a, b string) {
		ls, err := dna.ParseLoci(map[string][]string{name: {a, b}})
		if err != nil {
			return
		}
		// canonical output parses to itself
		p := dna.Profile{Loci: ls}
		again, err := dna.ParseLoci(p.LociMap())
		if err != nil {
			t.Fatalf("canonical loci %v do not parse: %v", p.LociMap(), err)
		}
		if q := (dna.Profile{Loci: again}); !reflect.DeepEqual(q.LociMap(), p.LociMap()) {
			t.Fatalf("loci %v parse to %v", p.LociMap(), q.LociMap())
		}
	})
}
