// Package dna holds anonymous STR DNA profiles and everything needed to
// search them the way national and international DNA databases do: locus
// names normalised across kits, CODIS stringencies (high, moderate, low),
// the Prüm rules (full and near matches, wildcards, microvariant windows),
// random match probabilities and likelihood ratios from population allele
// frequencies (Hardy-Weinberg with the NRC II 4.10 theta correction and a
// rare-allele floor), parent-child and full-sibling kinship indices, a compact
// in-memory index for tens of millions of profiles, and the CODIS CMF and
// ANSI/NIST-ITL type-18 exchange formats.
//
// The package is a pure library: it knows nothing of storage or HTTP. The
// store hands it profiles keyed by uint64 ids; the server asks it to search.
package dna

import (
	"fmt"
	"sort"
	"strings"
)

// Category is the kind of specimen a profile comes from. Which categories are
// searched against which is data: see [Matrix].
type Category uint8

// The specimen categories.
const (
	Offender Category = iota
	Arrestee
	CrimeScene
	CrimeSceneMixture
	MissingPerson
	Relative
	UnidentifiedRemains
	numCategories
)

var categoryNames = [...]string{"offender", "arrestee", "crime_scene", "crime_scene_mixture",
	"missing_person", "relative", "unidentified_remains"}

// String returns the API name of the category ("crime_scene").
func (c Category) String() string {
	if c < numCategories {
		return categoryNames[c]
	}
	return fmt.Sprintf("category(%d)", c)
}

// ParseCategory reads an API category name.
func ParseCategory(s string) (Category, error) {
	for i, n := range categoryNames {
		if n == s {
			return Category(i), nil
		}
	}
	return 0, fmt.Errorf("category %q is not one of %s", s, strings.Join(categoryNames[:], ", "))
}

// Mixed reports whether profiles of the category may hold more than one
// contributor (up to 8 alleles per locus).
func (c Category) Mixed() bool { return c == CrimeSceneMixture }

// CategorySet is a set of categories, one bit each.
type CategorySet uint16

// Of returns the set of the given categories.
func Of(cs ...Category) CategorySet {
	var s CategorySet
	for _, c := range cs {
		s |= 1 << c
	}
	return s
}

// Has reports whether c is in the set.
func (s CategorySet) Has(c Category) bool { return s&(1<<c) != 0 }

// Categories lists the members in order.
func (s CategorySet) Categories() []Category {
	var out []Category
	for c := Category(0); c < numCategories; c++ {
		if s.Has(c) {
			out = append(out, c)
		}
	}
	return out
}

// Relationship is how a relative's profile is related to the missing person.
type Relationship uint8

// The relationships. Parent-child searches use mothers, fathers and children;
// sibling searches use siblings.
const (
	NoRelationship Relationship = iota
	Mother
	Father
	Child
	Sibling
	HalfSibling
	Spouse
	MaternalRelative
	PaternalRelative
	numRelationships
)

var relationshipNames = [...]string{"", "mother", "father", "child", "sibling", "half_sibling",
	"spouse", "maternal_relative", "paternal_relative"}

// String returns the API name of the relationship ("mother"), empty for none.
func (r Relationship) String() string {
	if r < numRelationships {
		return relationshipNames[r]
	}
	return fmt.Sprintf("relationship(%d)", r)
}

// ParseRelationship reads an API relationship name; "" is no relationship.
func ParseRelationship(s string) (Relationship, error) {
	for i, n := range relationshipNames {
		if n == s {
			return Relationship(i), nil
		}
	}
	return 0, fmt.Errorf("relationship %q is not one of %s", s, strings.Join(relationshipNames[1:], ", "))
}

// Locus is one typed locus: its canonical name and the allele calls in the
// order the lab gave them, without duplicates.
type Locus struct {
	Name    string   `json:"name"`
	Alleles []Allele `json:"alleles"`
}

// Profile is an anonymous STR profile: no names, only the specimen category,
// the kit and the typed loci (sorted by canonical name). Reference and owner
// are the store's business.
type Profile struct {
	Category     Category
	Relationship Relationship
	Kit          string
	Partial      bool
	Loci         []Locus
}

// MaxAllelesPerLocus is the CMF limit on alleles at one locus (mixtures).
const MaxAllelesPerLocus = 8

// MaxLoci is the CMF limit on loci per specimen.
const MaxLoci = 32

// ParseLoci normalises loci as the API receives them (locus name -> allele
// calls) into canonical, sorted [Locus] values. A locus name written twice
// under different spellings ("vWA" and "VWA") is an error, as are empty
// allele lists, invalid calls and more than [MaxAllelesPerLocus] alleles. A
// call may end in "!" to mark it obligate ("12!").
func ParseLoci(loci map[string][]string) ([]Locus, error) {
	out := make([]Locus, 0, len(loci))
	seen := make(map[string]string, len(loci))
	for name, calls := range loci {
		canon, err := CanonicalLocus(name)
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[canon]; dup {
			return nil, fmt.Errorf("locus %q and %q are the same locus %s", prev, name, canon)
		}
		seen[canon] = name
		l := Locus{Name: canon}
		for _, c := range calls {
			req := strings.HasSuffix(c, "!")
			if req {
				c = c[:len(c)-1]
			}
			if err := l.add(c, req); err != nil {
				return nil, err
			}
		}
		out = append(out, l)
	}
	if err := checkLoci(out); err != nil {
		return nil, err
	}
	sortLoci(out)
	return out, nil
}

// add appends one call; a repeated call merges (and keeps any obligate flag).
func (l *Locus) add(text string, required bool) error {
	canon, _, err := ParseAllele(l.Name, text)
	if err != nil {
		return err
	}
	for i := range l.Alleles {
		if l.Alleles[i].Text == canon {
			l.Alleles[i].Required = l.Alleles[i].Required || required
			return nil
		}
	}
	l.Alleles = append(l.Alleles, Allele{Text: canon, Required: required})
	return nil
}

func checkLoci(loci []Locus) error {
	if len(loci) > MaxLoci {
		return fmt.Errorf("profile has %d loci, more than %d", len(loci), MaxLoci)
	}
	for _, l := range loci {
		if len(l.Alleles) == 0 {
			return fmt.Errorf("locus %q has no alleles", l.Name)
		}
		if len(l.Alleles) > MaxAllelesPerLocus {
			return fmt.Errorf("locus %q has %d alleles, more than %d", l.Name, len(l.Alleles), MaxAllelesPerLocus)
		}
	}
	return nil
}

func sortLoci(loci []Locus) {
	sort.Slice(loci, func(i, j int) bool { return loci[i].Name < loci[j].Name })
}

// NewProfile builds a validated profile from API input. It applies
// [Profile.Validate], so the result obeys the upload rule of its category.
func NewProfile(cat Category, rel Relationship, kit string, loci map[string][]string) (Profile, error) {
	ls, err := ParseLoci(loci)
	if err != nil {
		return Profile{}, err
	}
	p := Profile{Category: cat, Relationship: rel, Kit: strings.TrimSpace(kit), Loci: ls}
	if err := p.Validate(); err != nil {
		return Profile{}, err
	}
	return p, nil
}

// Locus returns the locus with the canonical name, if typed.
func (p Profile) Locus(name string) (Locus, bool) {
	i := sort.Search(len(p.Loci), func(i int) bool { return p.Loci[i].Name >= name })
	if i < len(p.Loci) && p.Loci[i].Name == name {
		return p.Loci[i], true
	}
	return Locus{}, false
}

// LociMap returns the loci in the API shape (name -> calls), obligate calls
// marked with a trailing "!".
func (p Profile) LociMap() map[string][]string {
	m := make(map[string][]string, len(p.Loci))
	for _, l := range p.Loci {
		calls := make([]string, len(l.Alleles))
		for i, a := range l.Alleles {
			calls[i] = a.Text
			if a.Required {
				calls[i] += "!"
			}
		}
		m[l.Name] = calls
	}
	return m
}

// AutosomalLoci counts the typed autosomal loci (amelogenin and Y-STRs
// excluded).
func (p Profile) AutosomalLoci() int {
	n := 0
	for _, l := range p.Loci {
		if ClassOf(l.Name) == Autosomal {
			n++
		}
	}
	return n
}

// Mixed reports whether any autosomal locus holds more than two alleles.
func (p Profile) Mixed() bool {
	for _, l := range p.Loci {
		if ClassOf(l.Name) == Autosomal && len(l.Alleles) > 2 {
			return true
		}
	}
	return false
}

// UploadRule is what a profile of one category must satisfy to be stored and
// searched.
type UploadRule struct {
	// MinLoci is the least number of typed autosomal loci.
	MinLoci int
	// MinOf and MinOfCount require at least MinOfCount loci of the set MinOf
	// (the Prüm rule for person profiles: 6 of the 7 ISSOL loci).
	MinOf      []string
	MinOfCount int
	// MaxAlleles is the most alleles at one autosomal locus: 3 allows
	// tri-allelic single-source patterns, 8 mixtures.
	MaxAlleles int
	// Relationship says whether a relationship is required (relatives) or
	// forbidden (every other category).
	NeedsRelationship bool
	// MaxRandomMatch is the rarity floor of partial forensic profiles: the
	// probability that an unrelated person matches (for mixtures, is
	// included) must not exceed it. Zero means no floor. It needs a
	// population, so [CheckRarity] applies it, not [Profile.Validate].
	MaxRandomMatch float64
}

// UploadRules holds the upload rule of each category. It is data: an
// operator may change it. The rarity floor of 1 in 10 million for forensic
// profiles follows the NDIS acceptance rule as reported (unverified). An
// operator may also tighten the loci (for instance to the 20 CODIS core loci for
// offenders, as NDIS does since 2017). Person profiles follow the Prüm rule
// of 6 ISSOL loci rather than CODIS-20 because the network takes profiles
// from ESS and older kits.
var UploadRules = map[Category]UploadRule{
	Offender:            {MinLoci: 10, MinOf: ISSOL7, MinOfCount: 6, MaxAlleles: 3},
	Arrestee:            {MinLoci: 10, MinOf: ISSOL7, MinOfCount: 6, MaxAlleles: 3},
	CrimeScene:          {MinLoci: 6, MaxAlleles: 3, MaxRandomMatch: 1e-7},
	CrimeSceneMixture:   {MinLoci: 6, MaxAlleles: MaxAllelesPerLocus, MaxRandomMatch: 1e-7},
	MissingPerson:       {MinLoci: 8, MaxAlleles: 3},
	Relative:            {MinLoci: 12, MaxAlleles: 3, NeedsRelationship: true},
	UnidentifiedRemains: {MinLoci: 6, MaxAlleles: 3},
}

// Validate checks the profile against the upload rule of its category and
// the per-locus rules (amelogenin holds X and Y only, no duplicate loci).
func (p Profile) Validate() error {
	if p.Category >= numCategories {
		return fmt.Errorf("category %d is unknown", p.Category)
	}
	rule := UploadRules[p.Category]
	if rule.NeedsRelationship && p.Relationship == NoRelationship {
		return fmt.Errorf("category %s needs a relationship", p.Category)
	}
	if !rule.NeedsRelationship && p.Relationship != NoRelationship {
		return fmt.Errorf("category %s cannot have relationship %q", p.Category, p.Relationship)
	}
	if p.Relationship >= numRelationships {
		return fmt.Errorf("relationship %d is unknown", p.Relationship)
	}
	if err := checkLoci(p.Loci); err != nil {
		return err
	}
	for i, l := range p.Loci {
		if i > 0 && p.Loci[i-1].Name >= l.Name {
			return fmt.Errorf("locus %q is duplicated or out of order", l.Name)
		}
		if canon, err := CanonicalLocus(l.Name); err != nil || canon != l.Name {
			return fmt.Errorf("locus %q is not a canonical locus name", l.Name)
		}
		for _, a := range l.Alleles {
			canon, _, err := ParseAllele(l.Name, a.Text)
			if err != nil {
				return err
			}
			if canon != a.Text {
				return fmt.Errorf("locus %q allele %q is not in canonical form %q", l.Name, a.Text, canon)
			}
		}
		if ClassOf(l.Name) == Autosomal && len(l.Alleles) > rule.MaxAlleles {
			return fmt.Errorf("locus %q has %d alleles; category %s allows %d", l.Name, len(l.Alleles), p.Category, rule.MaxAlleles)
		}
	}
	if n := p.AutosomalLoci(); n < rule.MinLoci {
		return fmt.Errorf("profile has %d autosomal loci; category %s needs %d", n, p.Category, rule.MinLoci)
	}
	if rule.MinOfCount > 0 {
		n := 0
		for _, name := range rule.MinOf {
			if _, ok := p.Locus(name); ok {
				n++
			}
		}
		if n < rule.MinOfCount {
			return fmt.Errorf("profile has %d of the loci %s; category %s needs %d", n, strings.Join(rule.MinOf, ", "), p.Category, rule.MinOfCount)
		}
	}
	return nil
}
