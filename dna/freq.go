package dna

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// DefaultTheta is the NRC II 4.10 subpopulation correction used when none is
// given; 0.03 suits small or isolated groups.
const DefaultTheta = 0.01

// DefaultPopulation is the frequency table used when a search names none.
const DefaultPopulation = "NIST_All"

// Population is a table of allele frequencies per locus for one population,
// with a floor for rare alleles: frequencies below the floor are raised to
// it and alleles missing from the table get it.
type Population struct {
	Name   string
	Source string
	loci   map[string]*locusFreq
}

type locusFreq struct {
	freq  map[string]float64
	floor float64
}

// Populations are the frequency tables known to a search, by name.
type Populations map[string]*Population

// Lookup finds a population by name, ignoring case; "" is the default.
func (ps Populations) Lookup(name string) (*Population, error) {
	if name == "" {
		name = DefaultPopulation
	}
	if p, ok := ps[name]; ok {
		return p, nil
	}
	for n, p := range ps {
		if strings.EqualFold(n, name) {
			return p, nil
		}
	}
	return nil, fmt.Errorf("population %q is unknown (known: %s)", name, strings.Join(ps.Names(), ", "))
}

// Names lists the population names, sorted.
func (ps Populations) Names() []string {
	out := make([]string, 0, len(ps))
	for n := range ps {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Loci lists the canonical loci the table covers, sorted.
func (p *Population) Loci() []string {
	out := make([]string, 0, len(p.loci))
	for n := range p.loci {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Frequency returns the floored frequency of an allele (canonical text) at a
// canonical locus; ok is false when the table does not cover the locus, in
// which case the locus carries no weight.
func (p *Population) Frequency(locus, allele string) (f float64, ok bool) {
	lf := p.loci[locus]
	if lf == nil {
		return 0, false
	}
	if f, ok := lf.freq[allele]; ok && f > lf.floor {
		return f, true
	}
	return lf.floor, true
}

// populationNames maps the labels of the shared data files to API names.
var populationNames = map[string]string{
	"White_-_EA1_&_EA2":               "UK_White",
	"Black_African_&_Caribbean_-_EA3": "UK_Black",
	"Indian_-_EA4":                    "UK_Indian",
	"Chinese_-_EA5":                   "UK_Chinese",
	"African":                         "UK_African",
	"African_Caribbean":               "UK_African_Caribbean",
}

// The frequency files of the shared data folder.
const (
	NISTFrequencyFile   = "nist1036_allele_freqs.csv"
	UKFrequencyFile     = "uk_dna17_allele_freqs.csv"
	NorSTRFrequencyFile = "norstr_allele_freqs.csv"
	NISTGenotypeFile    = "nist1036_genotypes.csv"
)

// LoadPopulations reads the NIST 1036, UK DNA-17 and norSTR frequency tables
// from the shared data folder. NIST populations are named NIST_AfAm,
// NIST_Asian, NIST_Cauc, NIST_Hisp and NIST_All; UK ones UK_White, UK_Black,
// UK_Indian, UK_Chinese, UK_African and UK_African_Caribbean; norSTR ones
// Norway and Europe.
func LoadPopulations(dir string) (Populations, error) {
	ps := Populations{}
	for _, f := range []struct{ file, prefix string }{
		{NISTFrequencyFile, "NIST_"}, {UKFrequencyFile, ""}, {NorSTRFrequencyFile, ""},
	} {
		r, err := os.Open(filepath.Join(dir, f.file))
		if err != nil {
			return nil, fmt.Errorf("load populations: %w", err)
		}
		got, err := ReadFrequencies(r, f.file)
		r.Close()
		if err != nil {
			return nil, fmt.Errorf("load populations: %s: %w", f.file, err)
		}
		for _, p := range got {
			if n, ok := populationNames[p.Name]; ok {
				p.Name = n
			} else {
				p.Name = f.prefix + p.Name
			}
			ps[p.Name] = p
		}
	}
	return ps, nil
}

// NorSTRFloor is the minimum frequency of tables that give no counts.
const NorSTRFloor = 0.001

// ReadFrequencies reads a long-format frequency CSV with the header
// population,locus,allele[,count,n_alleles],frequency. With n_alleles the
// rare-allele floor is NRC II's 5/2N; without it, 0.001.
func ReadFrequencies(r io.Reader, source string) ([]*Population, error) {
	cr := csv.NewReader(r)
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimSpace(h)] = i
	}
	for _, need := range []string{"population", "locus", "allele", "frequency"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("header has no column %q", need)
		}
	}
	nCol, hasN := col["n_alleles"]
	byName := map[string]*Population{}
	var order []*Population
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		pop := rec[col["population"]]
		locus, err := CanonicalLocus(rec[col["locus"]])
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		allele, _, err := ParseAllele(locus, rec[col["allele"]])
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		f, err := strconv.ParseFloat(rec[col["frequency"]], 64)
		if err != nil || f < 0 || f > 1 || math.IsNaN(f) {
			return nil, fmt.Errorf("line %d: frequency %q is not between 0 and 1", line, rec[col["frequency"]])
		}
		floor := NorSTRFloor
		if hasN {
			n, err := strconv.Atoi(rec[nCol])
			if err != nil || n <= 0 {
				return nil, fmt.Errorf("line %d: n_alleles %q is not a positive number", line, rec[nCol])
			}
			floor = 5 / float64(n)
		}
		p := byName[pop]
		if p == nil {
			p = &Population{Name: pop, Source: source, loci: map[string]*locusFreq{}}
			byName[pop] = p
			order = append(order, p)
		}
		lf := p.loci[locus]
		if lf == nil {
			lf = &locusFreq{freq: map[string]float64{}, floor: floor}
			p.loci[locus] = lf
		}
		lf.freq[allele] += f
	}
	if len(order) == 0 {
		return nil, fmt.Errorf("no frequencies")
	}
	return order, nil
}

// genotypeProb is the Balding-Nichols (NRC II 4.10) probability that an
// untested person from the same subpopulation has genotype (x, y), given
// that the alleles seen were observed: seenX and seenY count x and y among
// the k seen alleles. With x == y pass px == py and seenX == seenY.
func genotypeProb(px, py float64, seenX, seenY, k int, het bool, theta float64) float64 {
	d := (1 + float64(k-1)*theta) * (1 + float64(k)*theta)
	ax := float64(seenX)*theta + (1-theta)*px
	if !het {
		return ax * (ax + theta) / d
	}
	ay := float64(seenY)*theta + (1-theta)*py
	return 2 * ax * ay / d
}

// bothIn is the probability that both alleles of an untested person fall in
// a set holding mass pq of the population and all k seen alleles.
func bothIn(pq float64, k int, theta float64) float64 {
	kf := float64(k)
	return (kf*theta + (1-theta)*pq) / (1 + (kf-1)*theta) * ((kf+1)*theta + (1-theta)*pq) / (1 + kf*theta)
}

// noneIn is the probability that neither allele of an untested person falls
// in a set holding mass pq and all k seen alleles.
func noneIn(pq float64, k int, theta float64) float64 {
	out := math.Max(0, 1-pq)
	kf := float64(k)
	return (1 - theta) * out / (1 + (kf-1)*theta) * (theta + (1-theta)*out) / (1 + kf*theta)
}

// CheckRarity applies the rarity floor of the profile's upload rule: the
// random match probability (single source) or the probability that a random
// person is included at every locus (mixtures) must not exceed
// MaxRandomMatch. Loci the population does not cover weigh nothing.
func CheckRarity(p Profile, pop *Population, theta float64) error {
	floor := UploadRules[p.Category].MaxRandomMatch
	if floor == 0 {
		return nil
	}
	lg := 0.0
	for _, l := range p.Loci {
		if ClassOf(l.Name) != Autosomal || len(l.Alleles) == 0 {
			continue
		}
		f := make([]float64, 0, len(l.Alleles))
		known := true
		for _, a := range l.Alleles {
			x, ok := pop.Frequency(l.Name, a.Text)
			known = known && ok && a.Text != "*"
			f = append(f, x)
		}
		if known {
			lg += codisLogs(f, theta)[High]
		}
	}
	if rmp := math.Pow(10, lg); rmp > floor {
		return fmt.Errorf("profile matches 1 in %.3g unrelated people in population %s; category %s needs 1 in %.3g or rarer", 1/rmp, pop.Name, p.Category, 1/floor)
	}
	return nil
}
