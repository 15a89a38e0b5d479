package dna

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// CMFNamespace is the namespace of CODIS CMF 3.2 import files.
const CMFNamespace = "urn:CODISImportFile-schema"

// CMFFile is a CODIS CMF (CODIS Message Format) import file: a header and
// specimens. Header fields are kept as written; newer CMF versions are read
// as long as the element names match.
type CMFFile struct {
	HeaderVersion  string
	MessageType    string
	DestinationORI string
	SourceLab      string
	SubmitByUserID string
	SubmitDateTime string
	BatchID        string
	Kit            string
	Specimens      []CMFSpecimen
}

// CMFSpecimen is one specimen of a CMF file. Category is the CMF category
// text; Mapped says whether it maps to a Lookout category, in which case
// Profile.Category and Profile.Relationship are set.
type CMFSpecimen struct {
	ID       string
	Category string
	CaseID   string
	SourceID string
	Comment  string
	Mapped   bool
	Profile  Profile
}

type cmfXML struct {
	XMLName        xml.Name      `xml:"urn:CODISImportFile-schema CODISImportFile"`
	HeaderVersion  string        `xml:"HEADERVERSION"`
	MessageType    string        `xml:"MESSAGETYPE"`
	DestinationORI string        `xml:"DESTINATIONORI"`
	SourceLab      string        `xml:"SOURCELAB"`
	SubmitByUserID string        `xml:"SUBMITBYUSERID"`
	SubmitDateTime string        `xml:"SUBMITDATETIME"`
	BatchID        string        `xml:"BATCHID,omitempty"`
	Kit            string        `xml:"KIT,omitempty"`
	Specimens      []cmfSpecimen `xml:"SPECIMEN"`
}

type cmfSpecimen struct {
	SourceID string     `xml:"SOURCEID,attr,omitempty"`
	CaseID   string     `xml:"CASEID,attr,omitempty"`
	Partial  string     `xml:"PARTIAL,attr,omitempty"`
	ID       string     `xml:"SPECIMENID"`
	Category string     `xml:"SPECIMENCATEGORY"`
	Comment  string     `xml:"SPECIMENCOMMENT,omitempty"`
	Loci     []cmfLocus `xml:"LOCUS"`
}

type cmfLocus struct {
	BatchID string      `xml:"BATCHID,attr,omitempty"`
	Kit     string      `xml:"KIT,attr,omitempty"`
	Name    string      `xml:"LOCUSNAME"`
	Reading string      `xml:"READINGBY,omitempty"`
	Time    string      `xml:"READINGDATETIME,omitempty"`
	Alleles []cmfAllele `xml:"ALLELE"`
}

type cmfAllele struct {
	Required string `xml:"ALLELEREQUIRED,attr,omitempty"`
	Value    string `xml:"ALLELEVALUE"`
}

// cmfCategories maps CMF specimen categories to Lookout categories.
var cmfCategories = map[string]struct {
	c Category
	r Relationship
}{
	"Convicted Offender":  {Offender, NoRelationship},
	"Juvenile":            {Offender, NoRelationship},
	"Legal":               {Offender, NoRelationship},
	"CO Duplicate":        {Offender, NoRelationship},
	"Arrestee":            {Arrestee, NoRelationship},
	"Forensic, Unknown":   {CrimeScene, NoRelationship},
	"Forensic Mixture":    {CrimeSceneMixture, NoRelationship},
	"Missing Person":      {MissingPerson, NoRelationship},
	"Unidentified Person": {UnidentifiedRemains, NoRelationship},
	"Biological Mother":   {Relative, Mother},
	"Biological Father":   {Relative, Father},
	"Biological Sibling":  {Relative, Sibling},
	"Biological Child":    {Relative, Child},
	"Alleged Mother":      {Relative, Mother},
	"Alleged Father":      {Relative, Father},
	"Maternal Relative":   {Relative, MaternalRelative},
	"Paternal Relative":   {Relative, PaternalRelative},
	"Spouse":              {Relative, Spouse},
}

// CMFCategory returns the CMF category text for a Lookout category and
// relationship.
func CMFCategory(c Category, r Relationship) string {
	switch c {
	case Offender:
		return "Convicted Offender"
	case Arrestee:
		return "Arrestee"
	case CrimeScene:
		return "Forensic, Unknown"
	case CrimeSceneMixture:
		return "Forensic Mixture"
	case MissingPerson:
		return "Missing Person"
	case UnidentifiedRemains:
		return "Unidentified Person"
	}
	switch r {
	case Mother:
		return "Biological Mother"
	case Father:
		return "Biological Father"
	case Sibling, HalfSibling:
		return "Biological Sibling"
	case Child:
		return "Biological Child"
	case MaternalRelative:
		return "Maternal Relative"
	case PaternalRelative:
		return "Paternal Relative"
	case Spouse:
		return "Spouse"
	}
	return "Other"
}

// ParseCMF reads a CODIS CMF import file. It checks the CMF limits (specimen
// id up to 24 characters and unique, up to 32 uniquely named loci per
// specimen, up to 8 alleles per locus, allele values up to 10 characters)
// and normalises locus names and allele calls; unknown loci are kept. It
// does not apply the upload rules: call [Profile.Validate] per specimen.
func ParseCMF(r io.Reader) (*CMFFile, error) {
	var x cmfXML
	dec := xml.NewDecoder(r)
	if err := dec.Decode(&x); err != nil {
		return nil, fmt.Errorf("cmf: %w", err)
	}
	f := &CMFFile{HeaderVersion: x.HeaderVersion, MessageType: x.MessageType, DestinationORI: x.DestinationORI,
		SourceLab: x.SourceLab, SubmitByUserID: x.SubmitByUserID, SubmitDateTime: x.SubmitDateTime,
		BatchID: x.BatchID, Kit: x.Kit}
	seen := map[string]bool{}
	for i, s := range x.Specimens {
		id := strings.TrimSpace(s.ID)
		if id == "" {
			return nil, fmt.Errorf("cmf: specimen %d has no SPECIMENID", i+1)
		}
		if len(id) > 24 {
			return nil, fmt.Errorf("cmf: SPECIMENID %q is longer than 24 characters", id)
		}
		if seen[id] {
			return nil, fmt.Errorf("cmf: SPECIMENID %q appears twice", id)
		}
		seen[id] = true
		sp := CMFSpecimen{ID: id, Category: strings.TrimSpace(s.Category), CaseID: s.CaseID, SourceID: s.SourceID, Comment: s.Comment}
		if m, ok := cmfCategories[sp.Category]; ok {
			sp.Mapped = true
			sp.Profile.Category, sp.Profile.Relationship = m.c, m.r
		}
		switch strings.ToLower(strings.TrimSpace(s.Partial)) {
		case "", "false", "0":
		case "true", "1":
			sp.Profile.Partial = true
		default:
			return nil, fmt.Errorf("cmf: specimen %q PARTIAL %q is not a boolean", id, s.Partial)
		}
		sp.Profile.Kit = x.Kit
		if len(s.Loci) > MaxLoci {
			return nil, fmt.Errorf("cmf: specimen %q has %d loci, more than %d", id, len(s.Loci), MaxLoci)
		}
		names := map[string]bool{}
		for _, l := range s.Loci {
			canon, err := CanonicalLocus(l.Name)
			if err != nil {
				return nil, fmt.Errorf("cmf: specimen %q: %w", id, err)
			}
			if names[canon] {
				return nil, fmt.Errorf("cmf: specimen %q locus %q appears twice", id, canon)
			}
			names[canon] = true
			if l.Kit != "" && sp.Profile.Kit == "" {
				sp.Profile.Kit = l.Kit
			}
			if len(l.Alleles) > MaxAllelesPerLocus {
				return nil, fmt.Errorf("cmf: specimen %q locus %q has %d alleles, more than %d", id, canon, len(l.Alleles), MaxAllelesPerLocus)
			}
			loc := Locus{Name: canon}
			for _, a := range l.Alleles {
				req := false
				switch strings.ToLower(strings.TrimSpace(a.Required)) {
				case "", "false", "0":
				case "true", "1":
					req = true
				default:
					return nil, fmt.Errorf("cmf: specimen %q locus %q ALLELEREQUIRED %q is not a boolean", id, canon, a.Required)
				}
				if err := loc.add(a.Value, req); err != nil {
					return nil, fmt.Errorf("cmf: specimen %q: %w", id, err)
				}
			}
			if len(loc.Alleles) == 0 {
				return nil, fmt.Errorf("cmf: specimen %q locus %q has no alleles", id, canon)
			}
			sp.Profile.Loci = append(sp.Profile.Loci, loc)
		}
		sortLoci(sp.Profile.Loci)
		f.Specimens = append(f.Specimens, sp)
	}
	return f, nil
}

// WriteCMF writes a CMF 3.2 import file. Specimens without a CMF category
// get the one of their profile's category.
func WriteCMF(w io.Writer, f *CMFFile) error {
	x := cmfXML{HeaderVersion: f.HeaderVersion, MessageType: f.MessageType, DestinationORI: f.DestinationORI,
		SourceLab: f.SourceLab, SubmitByUserID: f.SubmitByUserID, SubmitDateTime: f.SubmitDateTime,
		BatchID: f.BatchID, Kit: f.Kit}
	if x.HeaderVersion == "" {
		x.HeaderVersion = "3.2"
	}
	if x.MessageType == "" {
		x.MessageType = "Import"
	}
	for _, s := range f.Specimens {
		cat := s.Category
		if cat == "" {
			cat = CMFCategory(s.Profile.Category, s.Profile.Relationship)
		}
		xs := cmfSpecimen{SourceID: s.SourceID, CaseID: s.CaseID, ID: s.ID, Category: cat, Comment: s.Comment}
		if s.Profile.Partial {
			xs.Partial = "true"
		}
		for _, l := range s.Profile.Loci {
			xl := cmfLocus{Name: l.Name}
			if s.Profile.Kit != "" && s.Profile.Kit != f.Kit {
				xl.Kit = s.Profile.Kit
			}
			for _, a := range l.Alleles {
				xa := cmfAllele{Value: a.Text}
				if a.Required {
					xa.Required = "true"
				}
				xl.Alleles = append(xl.Alleles, xa)
			}
			xs.Loci = append(xs.Loci, xl)
		}
		x.Specimens = append(x.Specimens, xs)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(x); err != nil {
		return fmt.Errorf("cmf: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}
