package names

import (
	"encoding/csv"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
)

// Pair is one labelled row of a name-pair evaluation set such as
// nomenklatura's name_bench cases: a query name, a list name and whether
// they are the same person.
type Pair struct {
	Group, Schema, Query, Candidate string
	IsMatch                         bool
	Quality                         string // STRONG, MEDIUM or WEAK
	Category                        string
	// Baseline is the reference matcher's score, or -1 when it has none.
	Baseline float64
}

// Pair-set file names inside the shared data folder.
const (
	PairsFile    = "nomenklatura_name_pairs.csv"
	BaselineFile = "nomenklatura_name_pairs_logicv2_baseline.csv"
)

// LoadPairs reads the labelled pairs of schema (all schemas when empty) from
// dir, with the logic-v2 baseline scores where the baseline file has them.
func LoadPairs(dir, schema string) ([]Pair, error) {
	rows, err := readCSV(filepath.Join(dir, PairsFile), []string{"case_group", "schema", "name1", "name2", "is_match", "quality", "category"})
	if err != nil {
		return nil, err
	}
	base := map[[3]string]float64{}
	brows, err := readCSV(filepath.Join(dir, BaselineFile), []string{"schema", "name1", "name2", "score"})
	if err != nil {
		return nil, err
	}
	for _, r := range brows {
		s, err := strconv.ParseFloat(r["score"], 64)
		if err != nil {
			return nil, fmt.Errorf("%s: score %q is not a number", BaselineFile, r["score"])
		}
		base[[3]string{r["schema"], r["name1"], r["name2"]}] = s
	}
	var out []Pair
	for _, r := range rows {
		if schema != "" && r["schema"] != schema {
			continue
		}
		p := Pair{Group: r["case_group"], Schema: r["schema"], Query: r["name1"], Candidate: r["name2"],
			IsMatch: r["is_match"] == "true", Quality: r["quality"], Category: r["category"], Baseline: -1}
		if p.Quality == "" {
			p.Quality = "MEDIUM"
		}
		if s, ok := base[[3]string{p.Schema, p.Query, p.Candidate}]; ok {
			p.Baseline = s
		}
		out = append(out, p)
	}
	return out, nil
}

func readCSV(path string, need []string) ([]map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	for _, n := range need {
		if _, ok := col[n]; !ok {
			return nil, fmt.Errorf("%s: column %q is missing", path, n)
		}
	}
	var out []map[string]string
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", path, line, err)
		}
		m := make(map[string]string, len(head))
		for h, i := range col {
			if i < len(rec) {
				m[h] = rec[i]
			}
		}
		out = append(out, m)
	}
}

// Heldout reports whether a pair belongs to the held-out half: a fixed hash
// of its two names, so the split is the same on every run.
func (p Pair) Heldout() bool {
	h := fnv.New32a()
	h.Write([]byte(p.Query + "\x00" + p.Candidate))
	return h.Sum32()%2 == 1
}

// Counts are confusion counts with the derived measures.
type Counts struct {
	N, TP, FP, TN, FN int
}

// Add counts one prediction.
func (c *Counts) Add(truth, predicted bool) {
	c.N++
	switch {
	case truth && predicted:
		c.TP++
	case truth:
		c.FN++
	case predicted:
		c.FP++
	default:
		c.TN++
	}
}

// Precision is TP/(TP+FP), 0 when nothing was predicted.
func (c Counts) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is TP/(TP+FN), 0 when there were no positives.
func (c Counts) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// F1 is the harmonic mean of precision and recall.
func (c Counts) F1() float64 {
	p, r := c.Precision(), c.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// Accuracy is the share of right predictions.
func (c Counts) Accuracy() float64 { return ratio(c.TP+c.TN, c.N) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Scored is a pair with the matcher's score.
type Scored struct {
	Pair
	Score float64
}

// ScorePairs scores every pair with [CompareNames].
func ScorePairs(pairs []Pair) []Scored {
	out := make([]Scored, len(pairs))
	for i, p := range pairs {
		out[i] = Scored{Pair: p, Score: CompareNames(p.Query, p.Candidate).Score}
	}
	return out
}

// CountAt counts the predictions at threshold over the pairs keep accepts;
// with baseline set it counts the baseline's predictions (on the pairs the
// baseline scored) instead.
func CountAt(s []Scored, threshold float64, baseline bool, keep func(Pair) bool) Counts {
	var c Counts
	for _, p := range s {
		if keep != nil && !keep(p.Pair) {
			continue
		}
		score := p.Score
		if baseline {
			if p.Baseline < 0 {
				continue
			}
			score = p.Baseline
		}
		c.Add(p.IsMatch, score >= threshold)
	}
	return c
}

// BestThreshold is the threshold in [0.5, 0.95] (steps of 0.01) that
// maximises F1 over the pairs keep accepts; ties go to the higher threshold.
func BestThreshold(s []Scored, keep func(Pair) bool) (float64, Counts) {
	best, bestC := 0.0, Counts{}
	for t := 50; t <= 95; t++ {
		th := float64(t) / 100
		c := CountAt(s, th, false, keep)
		if c.F1() >= bestC.F1() {
			best, bestC = th, c
		}
	}
	return best, bestC
}

// Categories lists the category of each pair (the case group when the
// category is blank), most frequent first.
func Categories(s []Scored) []string {
	n := map[string]int{}
	for _, p := range s {
		n[CategoryOf(p.Pair)]++
	}
	out := make([]string, 0, len(n))
	for k := range n {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if n[out[i]] != n[out[j]] {
			return n[out[i]] > n[out[j]]
		}
		return out[i] < out[j]
	})
	return out
}

// CategoryOf is the pair's category, or its case group when it has none.
func CategoryOf(p Pair) string {
	if p.Category != "" {
		return p.Category
	}
	return p.Group
}

// CrossScriptFile is watchman's list of non-Latin names with their Latin
// form, all positives.
const CrossScriptFile = "watchman_cross_script_pairs.csv"

// LoadCrossScript reads the cross-script positives as pairs (query in its
// script, candidate in Latin; the description as category).
func LoadCrossScript(dir string) ([]Pair, error) {
	f, err := os.Open(filepath.Join(dir, CrossScriptFile))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	r.FieldsPerRecord = -1
	var out []Pair
	for line := 1; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", CrossScriptFile, err)
		}
		if len(rec) < 4 {
			return nil, fmt.Errorf("%s: record %d has %d fields, want 4", CrossScriptFile, line, len(rec))
		}
		out = append(out, Pair{Group: "watchman_cross_script", Schema: "Person", Query: rec[0], Candidate: rec[1], IsMatch: true, Quality: "MEDIUM", Category: rec[3], Baseline: -1})
	}
}
