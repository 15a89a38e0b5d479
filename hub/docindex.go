package hub

import (
	"fmt"

	"github.com/lookout-network/lookout/docindex"
)

// NewDocumentIndex wraps a docindex.Index as the hub's DocumentIndex.
func NewDocumentIndex(x *docindex.Index) DocumentIndex { return docIndex{x} }

type docIndex struct{ x *docindex.Index }

func (d docIndex) Put(id int64, country, number, numberTo string) error {
	u := uint64(id)
	if numberTo == "" {
		if _, ok := d.x.Range(u); ok {
			d.x.Delete(u)
		}
		return d.x.Put(u, country, number)
	}
	if _, _, ok := d.x.Lookup(u); ok {
		d.x.Delete(u)
	}
	return d.x.PutRange(u, country, number, numberTo)
}

func (d docIndex) Delete(id int64) { d.x.Delete(uint64(id)) }

func (d docIndex) Len() int { return d.x.Len() }

func (d docIndex) Exact(country, number string) []int64 {
	var hits docindex.Hits
	var err error
	if country == "" {
		hits, err = d.x.CheckAny(number)
	} else {
		hits, err = d.x.Check(country, number)
	}
	if err != nil || hits.Empty() {
		return nil
	}
	out := make([]int64, 0, len(hits.Exact)+len(hits.Range))
	for _, id := range hits.Exact {
		out = append(out, int64(id))
	}
	for _, id := range hits.Range {
		out = append(out, int64(id))
	}
	return out
}

func (d docIndex) Similar(country, number string, limit int) []SimilarCandidate {
	cands, err := d.x.Similar(country, number, limit)
	if err != nil {
		return nil
	}
	out := make([]SimilarCandidate, len(cands))
	for i, c := range cands {
		diff := fmt.Sprintf("%s: %s read as %s", c.Kind, c.Number, number)
		if c.CheckDigitBlind {
			diff += " (the MRZ check digit cannot tell them apart)"
		}
		out[i] = SimilarCandidate{ID: int64(c.ID), Difference: diff}
	}
	return out
}
