package dna

import (
	"fmt"
	"strings"
)

// Method is the family of a search rule.
type Method uint8

// The rule families.
const (
	CODIS   Method = iota // per-locus stringency, every compared locus must pass
	Prum                  // allele pairs, full or near (one allele off) matches
	Kinship               // kinship index ranking, no exclusion
)

// Stringency is the CODIS per-locus test.
type Stringency uint8

// The CODIS stringencies.
const (
	High     Stringency = iota // same allele set
	Moderate                   // one allele set inside the other
	Low                        // at least one shared allele
)

// Rule is one search rule. Rules are data: [Rules] holds the defaults and a
// request may lower MinSharedLoci.
type Rule struct {
	Name       string
	Method     Method
	Stringency Stringency
	// MinSharedLoci is the least number of autosomal loci typed in both
	// profiles (for Prüm: without wildcards) for a candidate to count.
	MinSharedLoci int
	// MaxMismatches is the number of differing alleles tolerated (Prüm: 1,
	// which yields near matches).
	MaxMismatches int
	// K0, K1 and K2 are the IBD probabilities of a kinship rule.
	K0, K1, K2 float64
	// Mutation is the per-meiosis single-step mutation rate of a
	// parent-child rule, so that a true parent with one mutated locus is not
	// excluded.
	Mutation float64
	// Relationships are the relationships of relative profiles a kinship
	// rule compares with.
	Relationships []Relationship
	// MinLog10LR drops candidates whose log10 likelihood ratio is below it
	// (kinship lists only candidates that favour relatedness).
	MinLog10LR float64
	// HitLog10LR is the log10 likelihood ratio from which a candidate opens a
	// hit; candidates below it are leads for a human.
	HitLog10LR float64
	// FullMatchOnly opens hits only for full matches (Prüm: near matches go
	// to a human).
	FullMatchOnly bool
}

// Rules are the search rules by API name; change them only before the
// first search (they are read without a lock). The hit thresholds follow the
// NDIS rarity floor (1 in 10 million) for identity rules and the published
// kinship index threshold of 10,000 for relatives.
var Rules = map[string]Rule{
	"high":         {Name: "high", Method: CODIS, Stringency: High, MinSharedLoci: 8, HitLog10LR: 7, MinLog10LR: noFloor},
	"moderate":     {Name: "moderate", Method: CODIS, Stringency: Moderate, MinSharedLoci: 8, HitLog10LR: 7, MinLog10LR: noFloor},
	"low":          {Name: "low", Method: CODIS, Stringency: Low, MinSharedLoci: 8, HitLog10LR: 7, FullMatchOnly: true, MinLog10LR: noFloor},
	"prum":         {Name: "prum", Method: Prum, MinSharedLoci: 6, MaxMismatches: 1, HitLog10LR: 7, FullMatchOnly: true, MinLog10LR: noFloor},
	"parent_child": {Name: "parent_child", Method: Kinship, MinSharedLoci: 8, K1: 1, Mutation: 0.002, Relationships: []Relationship{Mother, Father, Child}, MinLog10LR: 0, HitLog10LR: 4},
	"sibling":      {Name: "sibling", Method: Kinship, MinSharedLoci: 8, K0: 0.25, K1: 0.5, K2: 0.25, Relationships: []Relationship{Sibling}, MinLog10LR: 0, HitLog10LR: 4},
}

// noFloor is "no floor": identity rules list every candidate that passes
// the rule, whatever its likelihood ratio.
const noFloor = -1e9

// LookupRule finds a rule by API name.
func LookupRule(name string) (Rule, error) {
	r, ok := Rules[name]
	if !ok {
		names := make([]string, 0, len(Rules))
		for n := range Rules {
			names = append(names, n)
		}
		return Rule{}, fmt.Errorf("rule %q is not one of %s", name, strings.Join(sortedStrings(names), ", "))
	}
	return r, nil
}

// MatrixRow says which categories a query of one category is searched
// against under the listed rules.
type MatrixRow struct {
	Query   Category
	Rules   []string
	Targets []Category
}

var identityRules = []string{"high", "moderate", "low", "prum"}
var codisRules = []string{"high", "moderate", "low"}
var kinshipRules = []string{"parent_child", "sibling"}

// Matrix is the category matrix (change it only before the first search):
// a query is searched only against the
// targets of the row matching its category and rule. Relatives of missing
// persons are never compared with criminal categories, and mixtures take no
// part in Prüm searches (the annex forbids them).
var Matrix = []MatrixRow{
	{Offender, identityRules, []Category{Offender, Arrestee, CrimeScene, UnidentifiedRemains}},
	{Offender, codisRules, []Category{CrimeSceneMixture}},
	{Arrestee, identityRules, []Category{Offender, Arrestee, CrimeScene, UnidentifiedRemains}},
	{Arrestee, codisRules, []Category{CrimeSceneMixture}},
	{CrimeScene, identityRules, []Category{Offender, Arrestee, CrimeScene, UnidentifiedRemains}},
	{CrimeScene, codisRules, []Category{CrimeSceneMixture}},
	{CrimeSceneMixture, codisRules, []Category{Offender, Arrestee, CrimeScene, CrimeSceneMixture}},
	{MissingPerson, identityRules, []Category{UnidentifiedRemains, MissingPerson}},
	{UnidentifiedRemains, identityRules, []Category{MissingPerson, UnidentifiedRemains, Offender, Arrestee, CrimeScene}},
	{UnidentifiedRemains, kinshipRules, []Category{Relative}},
	{Relative, kinshipRules, []Category{UnidentifiedRemains}},
}

// Targets returns the categories a query of category q may be searched
// against under the rule; empty when the matrix allows none.
func Targets(q Category, rule string) CategorySet {
	var s CategorySet
	for _, row := range Matrix {
		if row.Query != q {
			continue
		}
		for _, r := range row.Rules {
			if r == rule {
				s |= Of(row.Targets...)
			}
		}
	}
	return s
}

func sortedStrings(s []string) []string {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}
