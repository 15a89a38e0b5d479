package dna

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// ANSI/NIST-ITL traditional encoding separators.
const (
	sepFS = 0x1C // end of record
	sepGS = 0x1D // between fields
	sepRS = 0x1E // between subfields (repeats)
	sepUS = 0x1F // between items
)

// Type18 is one ANSI/NIST-ITL type-18 (DNA) record, traditional encoding.
// The fields read are 18.002 IDC, 18.004 SRC (source agency), 18.006 SDI
// (donor category, first item), 18.007 COPR (claimed relationship, first
// item), 18.015 DPD (profile type, profile id, partial flag, kit), 18.016
// STR (per locus: locus name, allele indicator, precise-call indicator,
// allele calls 1-3, batch, electropherogram reference) and 18.022 COM.
// DonorCategory and Relationship hold the text as written; Mapped says
// whether they map to a Lookout category, set on Profile.
type Type18 struct {
	IDC           int
	SourceAgency  string
	DonorCategory string
	Relationship  string
	ProfileType   string
	ProfileID     string
	Comment       string
	Mapped        bool
	Profile       Profile
}

// maxType18 bounds a transaction so that a hostile length cannot make the
// parser allocate: real DNA transactions are a few kilobytes.
const maxType18 = 16 << 20

// ParseANSINIST reads a traditional-encoding ANSI/NIST-ITL transaction and
// returns its type-18 records; other tagged records (type 1, 2, ...) are
// skipped. Each record is cut by its LEN field, which must end on the
// record separator.
func ParseANSINIST(data []byte) ([]Type18, error) {
	if len(data) > maxType18 {
		return nil, fmt.Errorf("ansi/nist: transaction of %d bytes is larger than %d", len(data), maxType18)
	}
	var out []Type18
	for pos := 0; pos < len(data); {
		rec, typ, err := nextRecord(data[pos:])
		if err != nil {
			return nil, fmt.Errorf("ansi/nist: record at byte %d: %w", pos, err)
		}
		pos += len(rec)
		if typ != 18 {
			continue
		}
		r, err := parseType18(rec)
		if err != nil {
			return nil, fmt.Errorf("ansi/nist: type-18 record at byte %d: %w", pos-len(rec), err)
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("ansi/nist: no type-18 record")
	}
	return out, nil
}

// nextRecord cuts one tagged record ("T.001:LEN<GS>...<FS>").
func nextRecord(b []byte) ([]byte, int, error) {
	dot := bytes.IndexByte(b, '.')
	if dot <= 0 || dot > 3 {
		return nil, 0, fmt.Errorf("does not start with a field tag")
	}
	typ, err := strconv.Atoi(string(b[:dot]))
	if err != nil || typ < 1 || typ > 99 {
		return nil, 0, fmt.Errorf("record type %q is not a number", b[:dot])
	}
	rest := b[dot+1:]
	if !bytes.HasPrefix(rest, []byte("001:")) {
		return nil, 0, fmt.Errorf("record type %d does not start with field %d.001", typ, typ)
	}
	rest = rest[4:]
	end := bytes.IndexAny(rest, "\x1d\x1c")
	if end < 0 {
		return nil, 0, fmt.Errorf("field %d.001 is not terminated", typ)
	}
	n, err := strconv.Atoi(string(rest[:end]))
	if err != nil || n <= 0 {
		return nil, 0, fmt.Errorf("field %d.001 LEN %q is not a number", typ, rest[:end])
	}
	if n > len(b) {
		return nil, 0, fmt.Errorf("field %d.001 LEN %d is longer than the %d bytes left", typ, n, len(b))
	}
	if b[n-1] != sepFS {
		return nil, 0, fmt.Errorf("field %d.001 LEN %d does not end on a record separator", typ, n)
	}
	return b[:n], typ, nil
}

func parseType18(rec []byte) (Type18, error) {
	var r Type18
	body := rec[:len(rec)-1]
	seen := map[string]bool{}
	for _, f := range bytes.Split(body, []byte{sepGS}) {
		tag, val, ok := bytes.Cut(f, []byte{':'})
		if !ok {
			return r, fmt.Errorf("field %q has no tag", truncate(f))
		}
		t := string(tag)
		if !strings.HasPrefix(t, "18.") {
			return r, fmt.Errorf("field %q does not belong to record type 18", t)
		}
		if seen[t] {
			return r, fmt.Errorf("field %s appears twice", t)
		}
		seen[t] = true
		subs := bytes.Split(val, []byte{sepRS})
		first := items(subs[0])
		switch t {
		case "18.002":
			n, err := strconv.Atoi(string(val))
			if err != nil || n < 0 {
				return r, fmt.Errorf("field 18.002 IDC %q is not a number", truncate(val))
			}
			r.IDC = n
		case "18.004":
			r.SourceAgency = first[0]
		case "18.006":
			r.DonorCategory = first[0]
		case "18.007":
			r.Relationship = first[0]
		case "18.015":
			r.ProfileType = item(first, 0)
			r.ProfileID = item(first, 1)
			switch item(first, 2) {
			case "", "0":
			case "1":
				r.Profile.Partial = true
			default:
				return r, fmt.Errorf("field 18.015 partial indicator %q is not 0 or 1", item(first, 2))
			}
			r.Profile.Kit = item(first, 3)
		case "18.016":
			names := map[string]bool{}
			if len(subs) > MaxLoci {
				return r, fmt.Errorf("field 18.016 has %d loci, more than %d", len(subs), MaxLoci)
			}
			for _, s := range subs {
				it := items(s)
				canon, err := CanonicalLocus(item(it, 0))
				if err != nil {
					return r, fmt.Errorf("field 18.016: %w", err)
				}
				if names[canon] {
					return r, fmt.Errorf("field 18.016 locus %q appears twice", canon)
				}
				names[canon] = true
				if item(it, 1) == "0" {
					continue // typed, no alleles reported
				}
				l := Locus{Name: canon}
				for i := 3; i < 6; i++ {
					if a := item(it, i); a != "" {
						if err := l.add(a, false); err != nil {
							return r, fmt.Errorf("field 18.016: %w", err)
						}
					}
				}
				if len(l.Alleles) == 0 {
					return r, fmt.Errorf("field 18.016 locus %q has no allele calls", canon)
				}
				r.Profile.Loci = append(r.Profile.Loci, l)
			}
		case "18.022":
			r.Comment = string(val)
		}
	}
	if !seen["18.016"] {
		return r, fmt.Errorf("field 18.016 (STR profile) is missing")
	}
	sortLoci(r.Profile.Loci)
	r.mapCategory()
	return r, nil
}

// mapCategory reads the donor category as a Lookout or CMF category name.
func (r *Type18) mapCategory() {
	d := strings.TrimSpace(r.DonorCategory)
	if c, err := ParseCategory(strings.ToLower(strings.ReplaceAll(d, " ", "_"))); err == nil {
		r.Profile.Category, r.Mapped = c, true
	} else if m, ok := cmfCategories[d]; ok {
		r.Profile.Category, r.Profile.Relationship, r.Mapped = m.c, m.r, true
	}
	if rel, err := ParseRelationship(strings.ToLower(strings.ReplaceAll(strings.TrimSpace(r.Relationship), " ", "_"))); err == nil && rel != NoRelationship {
		r.Profile.Relationship = rel
	}
}

func items(b []byte) []string {
	parts := bytes.Split(b, []byte{sepUS})
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = strings.TrimSpace(string(p))
	}
	return out
}

func item(it []string, i int) string {
	if i < len(it) {
		return it[i]
	}
	return ""
}

func truncate(b []byte) string {
	if len(b) > 20 {
		return string(b[:20]) + "..."
	}
	return string(b)
}

// WriteANSINIST writes a traditional-encoding transaction: a type-1 record
// (version 0500, originating agency ori, transaction control number tcn)
// followed by the type-18 records. Text is written as given; separators in
// it are refused.
func WriteANSINIST(w io.Writer, ori, tcn string, recs []Type18, now time.Time) error {
	for _, s := range []string{ori, tcn} {
		if strings.ContainsAny(s, "\x1c\x1d\x1e\x1f") {
			return fmt.Errorf("ansi/nist: value %q holds a separator", s)
		}
	}
	cnt := fmt.Sprintf("1\x1f%d", len(recs))
	for i := range recs {
		cnt += fmt.Sprintf("\x1e18\x1f%d", i+1)
	}
	var buf bytes.Buffer
	writeRecord(&buf, 1, [][2]string{
		{"002", "0500"}, {"003", cnt}, {"004", "DNA"}, {"005", now.UTC().Format("20060102")},
		{"007", ori}, {"008", ori}, {"009", tcn}, {"011", "00.00"}, {"012", "00.00"},
	})
	for i, r := range recs {
		f, err := r.fields(i + 1)
		if err != nil {
			return err
		}
		writeRecord(&buf, 18, f)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func (r Type18) fields(idc int) ([][2]string, error) {
	for _, s := range []string{r.SourceAgency, r.DonorCategory, r.Relationship, r.ProfileType, r.ProfileID, r.Comment, r.Profile.Kit} {
		if strings.ContainsAny(s, "\x1c\x1d\x1e\x1f") {
			return nil, fmt.Errorf("ansi/nist: value %q holds a separator", s)
		}
	}
	donor := r.DonorCategory
	if donor == "" {
		donor = r.Profile.Category.String()
	}
	rel := r.Relationship
	if rel == "" {
		rel = r.Profile.Relationship.String()
	}
	partial := "0"
	if r.Profile.Partial {
		partial = "1"
	}
	f := [][2]string{{"002", strconv.Itoa(idc)}}
	if r.SourceAgency != "" {
		f = append(f, [2]string{"004", r.SourceAgency})
	}
	f = append(f, [2]string{"006", donor})
	if rel != "" {
		f = append(f, [2]string{"007", rel})
	}
	f = append(f, [2]string{"015", strings.Join([]string{r.ProfileType, r.ProfileID, partial, r.Profile.Kit}, "\x1f")})
	var subs []string
	for _, l := range r.Profile.Loci {
		if len(l.Alleles) > 3 {
			return nil, fmt.Errorf("ansi/nist: locus %q has %d alleles; field 18.016 holds 3", l.Name, len(l.Alleles))
		}
		it := []string{l.Name, "1", "1", "", "", ""}
		for i, a := range l.Alleles {
			it[3+i] = a.Text
		}
		subs = append(subs, strings.Join(it, "\x1f"))
	}
	f = append(f, [2]string{"016", strings.Join(subs, "\x1e")})
	if r.Comment != "" {
		f = append(f, [2]string{"022", r.Comment})
	}
	return f, nil
}

// writeRecord writes one tagged record, computing its LEN field (whose own
// digits count towards the length).
func writeRecord(buf *bytes.Buffer, typ int, fields [][2]string) {
	var body strings.Builder
	for _, f := range fields {
		fmt.Fprintf(&body, "\x1d%d.%s:%s", typ, f[0], f[1])
	}
	body.WriteByte(sepFS)
	head := fmt.Sprintf("%d.001:", typ)
	n := len(head) + body.Len()
	for d := 1; ; d++ {
		if l := n + d; len(strconv.Itoa(l)) == d {
			n = l
			break
		}
	}
	fmt.Fprintf(buf, "%s%d%s", head, n, body.String())
}
