package http

import (
	"fmt"
	"net/http"

	"github.com/lookout-network/lookout"
)

// personBody is the writable part of a person.
type personBody struct {
	Reference           string                     `json:"reference"`
	Name                string                     `json:"name"`
	NameLatin           string                     `json:"name_latin"`
	Aliases             []string                   `json:"aliases"`
	DateOfBirth         string                     `json:"date_of_birth"`
	Sex                 string                     `json:"sex"`
	Nationalities       []string                   `json:"nationalities"`
	PlaceOfBirth        string                     `json:"place_of_birth"`
	IdentityDocuments   []lookout.IdentityDocument `json:"identity_documents"`
	DistinguishingMarks string                     `json:"distinguishing_marks"`
	DNAProfiles         lookout.IDList             `json:"dna_profiles"`
	Fingerprints        lookout.IDList             `json:"fingerprints"`
	Restriction         *lookout.Restriction       `json:"restriction"`
	ReviewDate          string                     `json:"review_date"`
}

func (b *personBody) person() *lookout.Person {
	return &lookout.Person{Reference: b.Reference, Name: b.Name, NameLatin: b.NameLatin, Aliases: b.Aliases, DateOfBirth: b.DateOfBirth,
		Sex: b.Sex, Nationalities: b.Nationalities, PlaceOfBirth: b.PlaceOfBirth, IdentityDocuments: b.IdentityDocuments,
		DistinguishingMarks: b.DistinguishingMarks, DNAProfiles: b.DNAProfiles, Fingerprints: b.Fingerprints,
		Restriction: b.Restriction, ReviewDate: b.ReviewDate}
}

func (s *Server) createPerson(w http.ResponseWriter, r *http.Request) error {
	var b personBody
	if err := decode(w, r, &b); err != nil {
		return err
	}
	p, err := s.hub.CreatePerson(r.Context(), b.person())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func (s *Server) createPersonBatch(w http.ResponseWriter, r *http.Request) error {
	return s.ndjson(w, r, func(lines [][]byte, first int) ([]any, error) {
		results := make([]any, len(lines))
		var ps []*lookout.Person
		var where []int
		for i, line := range lines {
			var b personBody
			if err := decodeLine(line, &b); err != nil {
				results[i] = lineError(first+i, err)
				continue
			}
			ps = append(ps, b.person())
			where = append(where, i)
		}
		if len(ps) > 0 {
			errs, err := s.hub.CreatePersons(r.Context(), ps)
			if err != nil {
				return nil, err
			}
			for j, p := range ps {
				i := where[j]
				if errs[j] != nil {
					results[i] = lineError(first+i, errs[j])
				} else {
					results[i] = map[string]any{"id": fmt.Sprint(p.ID), "line": first + i}
				}
			}
		}
		return results, nil
	})
}

func (s *Server) listPersons(w http.ResponseWriter, r *http.Request) error {
	after, err := queryInt(r, "cursor")
	if err != nil {
		return err
	}
	list, next, err := s.hub.Persons(r.Context(), lookout.PersonFilter{After: after})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"persons": list, "next_cursor": cursor(next)})
	return nil
}

func (s *Server) getPerson(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.hub.Person(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) updatePerson(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var u lookout.PersonUpdate
	if err := decode(w, r, &u); err != nil {
		return err
	}
	p, err := s.hub.UpdatePerson(r.Context(), id, u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) deletePerson(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.hub.DeletePerson(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) searchPersons(w http.ResponseWriter, r *http.Request) error {
	var req lookout.PersonSearchRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	var res *lookout.PersonSearchResult
	err := s.limits.expensive(r.Context(), func() (err error) {
		res, err = s.hub.SearchPersons(r.Context(), req)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}
