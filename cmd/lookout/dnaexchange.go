package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/lookout-network/lookout/dna"
)

// exchangeFlags are the flags of lookout dna import and export.
type exchangeFlags struct {
	server, token, ca string
}

func (f *exchangeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.server, "server", "", "base URL of the hub")
	fs.StringVar(&f.token, "token", os.Getenv("LOOKOUT_TOKEN"), "bearer token (default $LOOKOUT_TOKEN)")
	fs.StringVar(&f.ca, "ca", "", "CA certificate to trust (the hub's ca.crt)")
}

// call sends a JSON request and decodes the answer, turning an API error
// into a Go error with its message and field.
func (f *exchangeFlags) call(ctx context.Context, client *http.Client, method, path string, body, out any) (int, error) {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(f.server, "/")+path, r)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+f.token)
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		var e struct {
			Error struct{ Code, Message, Field string }
		}
		json.NewDecoder(resp.Body).Decode(&e)
		if e.Error.Field != "" {
			return resp.StatusCode, fmt.Errorf("%s: %s", e.Error.Field, e.Error.Message)
		}
		return resp.StatusCode, fmt.Errorf("%s: %s", resp.Status, e.Error.Message)
	}
	return resp.StatusCode, json.NewDecoder(resp.Body).Decode(out)
}

// profileBody is a profile as POST /v1/dna/profiles takes it.
func profileBody(reference string, p dna.Profile) map[string]any {
	loci := map[string][]string{}
	for _, l := range p.Loci {
		for _, a := range l.Alleles {
			loci[l.Name] = append(loci[l.Name], a.Text)
		}
	}
	b := map[string]any{"reference": reference, "category": p.Category.String(), "loci": loci}
	if p.Relationship != dna.NoRelationship {
		b["relationship"] = p.Relationship.String()
	}
	if p.Kit != "" {
		b["kit"] = p.Kit
	}
	return b
}

// runDNAImport reads a CODIS CMF file or an ANSI/NIST-ITL transaction
// (told apart by content) and records each profile through the API; a
// specimen that cannot be recorded is reported with its ID and does not stop
// the others.
func runDNAImport(ctx context.Context, env *Env, args []string) int {
	fs := flag.NewFlagSet("dna import", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var f exchangeFlags
	f.register(fs)
	if err := fs.Parse(args); err != nil || f.server == "" || f.token == "" || fs.NArg() != 1 {
		fmt.Fprintln(env.Stderr, "usage: lookout dna import --server URL --token TOKEN [--ca FILE] FILE.xml|FILE.an2")
		return 2
	}
	client, err := httpClient(f.ca)
	if err != nil {
		fmt.Fprintln(env.Stderr, "lookout dna import:", err)
		return 2
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(env.Stderr, "lookout dna import:", err)
		return 2
	}
	type item struct {
		id, category string
		mapped       bool
		profile      dna.Profile
	}
	var items []item
	switch trimmed := bytes.TrimSpace(data); {
	case bytes.HasPrefix(trimmed, []byte("<")):
		cmf, err := dna.ParseCMF(bytes.NewReader(data))
		if err != nil {
			fmt.Fprintln(env.Stderr, "lookout dna import:", err)
			return 1
		}
		for _, s := range cmf.Specimens {
			items = append(items, item{s.ID, s.Category, s.Mapped, s.Profile})
		}
	default:
		recs, err := dna.ParseANSINIST(data)
		if err != nil {
			fmt.Fprintln(env.Stderr, "lookout dna import:", err)
			return 1
		}
		for _, r := range recs {
			items = append(items, item{r.ProfileID, r.DonorCategory, r.Mapped, r.Profile})
		}
	}
	imported, failed := 0, 0
	for _, it := range items {
		if !it.mapped {
			fmt.Fprintf(env.Stderr, "specimen %s: category %q has no Lookout category\n", it.id, it.category)
			failed++
			continue
		}
		var out struct {
			ID string `json:"id"`
		}
		if _, err := f.call(ctx, client, "POST", "/v1/dna/profiles", profileBody(it.id, it.profile), &out); err != nil {
			fmt.Fprintf(env.Stderr, "specimen %s: %v\n", it.id, err)
			failed++
			continue
		}
		imported++
	}
	json.NewEncoder(env.Stdout).Encode(map[string]int{"imported": imported, "failed": failed})
	if failed > 0 {
		return 1
	}
	return 0
}

// runDNAExport fetches profiles by ID and writes them as a CODIS CMF file or
// an ANSI/NIST-ITL transaction on standard output.
func runDNAExport(ctx context.Context, env *Env, args []string) int {
	fs := flag.NewFlagSet("dna export", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var f exchangeFlags
	f.register(fs)
	format := fs.String("format", "cmf", "cmf (CODIS XML) or ansi-nist (type-18 records)")
	lab := fs.String("lab", "LOOKOUT", "source lab (CMF) or originating agency (ANSI/NIST)")
	if err := fs.Parse(args); err != nil || f.server == "" || f.token == "" || fs.NArg() == 0 || (*format != "cmf" && *format != "ansi-nist") {
		fmt.Fprintln(env.Stderr, "usage: lookout dna export --server URL --token TOKEN [--format cmf|ansi-nist] ID...")
		return 2
	}
	client, err := httpClient(f.ca)
	if err != nil {
		fmt.Fprintln(env.Stderr, "lookout dna export:", err)
		return 2
	}
	var profiles []dna.Profile
	var refs []string
	for _, id := range fs.Args() {
		var p struct {
			Reference    string              `json:"reference"`
			Category     string              `json:"category"`
			Relationship string              `json:"relationship"`
			Kit          string              `json:"kit"`
			Loci         map[string][]string `json:"loci"`
		}
		if _, err := f.call(ctx, client, "GET", "/v1/dna/profiles/"+id, nil, &p); err != nil {
			fmt.Fprintf(env.Stderr, "lookout dna export: profile %s: %v\n", id, err)
			return 1
		}
		cat, err1 := dna.ParseCategory(p.Category)
		rel, err2 := dna.ParseRelationship(p.Relationship)
		loci, err3 := dna.ParseLoci(p.Loci)
		if err := errors.Join(err1, err2, err3); err != nil {
			fmt.Fprintf(env.Stderr, "lookout dna export: profile %s: %v\n", id, err)
			return 1
		}
		profiles = append(profiles, dna.Profile{Category: cat, Relationship: rel, Kit: p.Kit, Loci: loci})
		refs = append(refs, p.Reference)
	}
	now := time.Now().UTC()
	if *format == "cmf" {
		file := &dna.CMFFile{HeaderVersion: "3.2", MessageType: "Import", DestinationORI: *lab, SourceLab: *lab, SubmitByUserID: "lookout", SubmitDateTime: now.Format("2006-01-02T15:04:05")}
		for i, p := range profiles {
			file.Specimens = append(file.Specimens, dna.CMFSpecimen{ID: refs[i], Profile: p})
		}
		err = dna.WriteCMF(env.Stdout, file)
	} else {
		recs := make([]dna.Type18, len(profiles))
		for i, p := range profiles {
			recs[i] = dna.Type18{IDC: i + 1, SourceAgency: *lab, ProfileID: refs[i], Profile: p}
		}
		err = dna.WriteANSINIST(env.Stdout, *lab, fmt.Sprintf("LOOKOUT%d", now.Unix()), recs, now)
	}
	if err != nil {
		fmt.Fprintln(env.Stderr, "lookout dna export:", err)
		return 1
	}
	return 0
}
