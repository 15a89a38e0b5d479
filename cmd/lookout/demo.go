package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lookout-network/lookout"
	"github.com/lookout-network/lookout/afis"
	"github.com/lookout-network/lookout/dna"
	"github.com/lookout-network/lookout/docindex"
	lhttp "github.com/lookout-network/lookout/http"
	"github.com/lookout-network/lookout/hub"
	"github.com/lookout-network/lookout/names"
	"github.com/lookout-network/lookout/pki"
	"github.com/lookout-network/lookout/sqlite"
	"github.com/lookout-network/lookout/synth"
)

func init() {
	register(command{name: "demo", summary: "create a demo network with a million documents and serve it", run: runDemo})
}

// demoNCBs names the NCB of each country the synthetic data covers.
var demoNCBs = map[string]string{
	"DEU": "NCB Wiesbaden", "FRA": "NCB Paris", "GBR": "NCB Manchester", "USA": "NCB Washington",
	"ITA": "NCB Rome", "ESP": "NCB Madrid", "NLD": "NCB Zoetermeer", "POL": "NCB Warsaw",
	"CHE": "NCB Bern", "TUR": "NCB Ankara", "BEL": "NCB Brussels", "AUT": "NCB Vienna",
	"PRT": "NCB Lisbon", "SWE": "NCB Stockholm",
}

// demoAgencies are the border posts the demo creates, with their grants.
var demoAgencies = []lookout.Agency{
	{ID: "fra-cdg", Kind: lookout.KindAgency, Country: "FRA", Name: "Border police, Paris-Charles de Gaulle", Grants: []lookout.Grant{lookout.GrantDocumentsCheck, lookout.GrantHitsFollow}},
	{ID: "deu-fra", Kind: lookout.KindAgency, Country: "DEU", Name: "Federal Police, Frankfurt Airport", Grants: []lookout.Grant{lookout.GrantDocumentsCheck, lookout.GrantHitsFollow}},
	{ID: "gbr-lhr", Kind: lookout.KindAgency, Country: "GBR", Name: "Border Force, Heathrow", Grants: []lookout.Grant{lookout.GrantDocumentsCheck}},
	{ID: "esp-mad", Kind: lookout.KindAgency, Country: "ESP", Name: "Policía Nacional, Madrid-Barajas", Grants: []lookout.Grant{lookout.GrantDocumentsCheck}},
}

func runDemo(ctx context.Context, env *Env, args []string) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	data := fs.String("data", "lookout-demo", "data directory (reused when it exists)")
	listen := fs.String("listen", "127.0.0.1:8443", "loopback address to serve on")
	plaintext := fs.Bool("plaintext", false, "serve HTTP instead of HTTPS (loopback only)")
	records := fs.Int("records", 1_000_000, "synthetic travel documents to create")
	seed := fs.Int64("seed", 1, "seed of the synthetic data")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	log := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	tokens, sample, err := prepareDemo(ctx, *data, *records, *seed, env.Stderr)
	if err != nil {
		fmt.Fprintln(env.Stderr, "lookout demo:", err)
		return 1
	}
	var certs *demoCerts
	if !*plaintext {
		if certs, err = prepareDemoPKI(ctx, *data); err != nil {
			fmt.Fprintln(env.Stderr, "lookout demo:", err)
			return 1
		}
	}
	m := &Main{DataDir: *data, Listen: *listen, Plaintext: *plaintext, RateLimit: lhttp.DefaultLimits.Rate, Log: log}
	if err := m.Run(ctx); err != nil {
		fmt.Fprintln(env.Stderr, "lookout demo:", err)
		m.Close()
		return 1
	}
	accounts, err := demoAccounts(ctx, m.hub)
	if err != nil {
		fmt.Fprintln(env.Stderr, "lookout demo:", err)
		m.Close()
		return 1
	}
	printDemo(env.Stdout, m.URL, tokens, sample, certs)
	printDemoAccounts(env.Stdout, m.URL, sample.Number, accounts)
	<-ctx.Done()
	if err := m.Close(); err != nil {
		fmt.Fprintln(env.Stderr, "lookout demo: shutdown:", err)
		return 1
	}
	return 0
}

type demoToken struct{ agency, name, token string }

// prepareDemo creates the demo store on first run, or mints fresh tokens
// for the demo agencies of an existing one (tokens are kept only as hashes,
// so old ones cannot be shown again).
func prepareDemo(ctx context.Context, dir string, records int, seed int64, progress io.Writer) ([]demoToken, *synth.Document, error) {
	path := filepath.Join(dir, "lookout.db")
	fresh := false
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if _, _, err := initStore(ctx, dir); err != nil {
			return nil, nil, err
		}
		fresh = true
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	defer db.Close()
	var sample *synth.Document
	synth.Documents(seed, 50, func(d synth.Document) {
		if sample == nil && d.IssuingCountry == "DEU" && !d.IsRange() {
			sample = &d
		}
	})
	if fresh {
		if err := populateDemo(ctx, db, records, seed, progress); err != nil {
			return nil, nil, err
		}
	}
	var tokens []demoToken
	ids := []string{"secretariat", "ncb-deu", "ncb-fra", "ncb-gbr"}
	for _, a := range demoAgencies {
		ids = append(ids, a.ID)
	}
	for _, id := range ids {
		a, err := db.Agency(ctx, id)
		if err != nil {
			return nil, nil, fmt.Errorf("demo store %s lacks agency %s (remove the directory to start afresh): %w", dir, id, err)
		}
		token, hash := hub.NewToken()
		audit := &lookout.AuditEntry{AgencyID: "secretariat", Country: lookout.SecretariatCountry, Action: "agency.token", Object: id, Outcome: "ok", Detail: "demo token"}
		if err := db.AddToken(ctx, id, hash, audit); err != nil {
			return nil, nil, err
		}
		tokens = append(tokens, demoToken{id, a.Name, token})
	}
	return tokens, sample, nil
}

// populateDemo creates the NCBs and border posts and records the synthetic
// documents through the hub, each by its own country's NCB, as a real
// network would.
func populateDemo(ctx context.Context, db *sqlite.DB, records int, seed int64, progress io.Writer) error {
	h := hub.New(db, hub.NewDocumentIndex(docindex.New()), slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer h.Close()
	sec, err := db.Agency(ctx, "secretariat")
	if err != nil {
		return err
	}
	as := func(a *lookout.Agency) context.Context {
		return lookout.NewContext(ctx, &lookout.Caller{Agency: a, Via: "demo"})
	}
	ncbs := map[string]*lookout.Agency{}
	for _, c := range synth.Countries() {
		name := demoNCBs[c]
		if name == "" {
			name = "NCB " + c
		}
		a, _, err := h.CreateAgency(as(sec), &lookout.Agency{ID: "ncb-" + lowerASCII(c), Kind: lookout.KindNCB, Country: c, Name: name})
		if err != nil {
			return fmt.Errorf("create NCB of %s: %w", c, err)
		}
		ncbs[c] = a
	}
	for _, a := range demoAgencies {
		a := a
		if _, _, err := h.CreateAgency(as(ncbs[a.Country]), &a); err != nil {
			return fmt.Errorf("create agency %s: %w", a.ID, err)
		}
	}
	start := time.Now()
	pending := map[string][]*lookout.Document{}
	stored, refused := 0, 0
	flush := func(c string) error {
		errs, err := h.CreateDocuments(as(ncbs[c]), pending[c])
		if err != nil {
			return err
		}
		for _, e := range errs {
			if e == nil {
				stored++
			} else {
				refused++
			}
		}
		pending[c] = pending[c][:0]
		return nil
	}
	var genErr error
	synth.Documents(seed, records, func(d synth.Document) {
		if genErr != nil {
			return
		}
		c := d.IssuingCountry
		pending[c] = append(pending[c], &lookout.Document{Number: d.Number, NumberTo: d.NumberTo, IssuingCountry: c, Type: d.Type, Status: d.Status, EventDate: d.EventDay()})
		if len(pending[c]) == 5000 {
			genErr = flush(c)
			if stored%100_000 < 5000 {
				fmt.Fprintf(progress, "demo: %d documents recorded (%.0f/s)\n", stored, float64(stored)/time.Since(start).Seconds())
			}
		}
	})
	if genErr != nil {
		return genErr
	}
	for c := range pending {
		if len(pending[c]) > 0 {
			if err := flush(c); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(progress, "demo: %d documents recorded in %.1fs (%d duplicates skipped)\n", stored, time.Since(start).Seconds(), refused)
	countries := synth.Countries()
	ncbOf := func(i int) context.Context { return as(ncbs[countries[i%len(countries)]]) }
	return populateDemoOthers(ctx, h, as(sec), ncbOf, seed, progress)
}

// populateDemoOthers records persons, DNA profiles and fingerprints, spread
// over the demo's NCBs. DNA profiles are the 1,036 real genotypes of the NIST
// set and fingerprints the FVC templates of the shared reference data beside
// the project; without it those two databases stay empty.
func populateDemoOthers(ctx context.Context, h *hub.Hub, secCtx context.Context, ncbOf func(int) context.Context, seed int64, progress io.Writer) error {
	h.SetPersonIndex(hub.NewPersonIndex())
	persons := names.Synthetic(uint64(seed), 10_000)
	byOwner := map[int][]*lookout.Person{}
	for i, e := range persons {
		var aliases []string
		for _, a := range e.Names[1:] {
			// The generator can cut a multi-byte letter; such an alias is
			// skipped rather than the person refused.
			if utf8.ValidString(a) {
				aliases = append(aliases, a)
			}
		}
		p := &lookout.Person{Name: e.Names[0], Aliases: aliases, Sex: e.Sex, Reference: fmt.Sprintf("P-%05d", i)}
		if !e.DateOfBirth.IsZero() {
			p.DateOfBirth = e.DateOfBirth.String()
		}
		if j := len(byOwner[i%7]); j < 60 && j%3 == 0 {
			// A red notice needs something beyond the name to identify by.
			p.DistinguishingMarks = "scar above the left eyebrow; tattoo of an anchor on the right forearm"
			if p.DateOfBirth == "" {
				p.DateOfBirth = fmt.Sprint(1960 + i%40)
			}
		}
		byOwner[i%7] = append(byOwner[i%7], p)
	}
	recorded := 0
	for i, ps := range byOwner {
		errs, err := h.CreatePersons(ncbOf(i), ps)
		if err != nil {
			return fmt.Errorf("demo persons: %w", err)
		}
		for _, e := range errs {
			if e == nil {
				recorded++
			}
		}
	}
	fmt.Fprintf(progress, "demo: %d persons recorded\n", recorded)
	published := 0
	for i, ps := range byOwner {
		for j, p := range ps {
			if j >= 60 || p.ID == 0 {
				continue
			}
			n, err := demoNotice(ncbOf(i), secCtx, h, p.ID, j)
			if err != nil {
				return fmt.Errorf("demo notice on person %d: %w", p.ID, err)
			}
			if n.Status == lookout.NoticePublished {
				published++
			}
		}
	}
	fmt.Fprintf(progress, "demo: %d notices requested by the NCBs and published by the secretariat\n", published)

	if pops, err := dna.LoadPopulations(defaultDNAFrequencies); err != nil {
		fmt.Fprintf(progress, "demo: no DNA profiles (%v)\n", err)
	} else {
		h.SetDNAIndex(dna.NewIndex(dna.Options{Populations: pops}), pops)
		n, err := demoDNA(ctx, h, ncbOf)
		if err != nil {
			return err
		}
		fmt.Fprintf(progress, "demo: %d DNA profiles recorded (NIST 1036 genotypes, as offenders)\n", n)
	}
	h.SetFingerprintIndex(afis.NewIndex())
	files, _ := filepath.Glob(filepath.Join(demoFingerprints, "*", "*", "*_1.iso"))
	enrolled := 0
	for i, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		set := filepath.Base(filepath.Dir(filepath.Dir(f))) + "-" + filepath.Base(filepath.Dir(f))
		ref := fmt.Sprintf("%s-%s", set, strings.TrimSuffix(filepath.Base(f), "_1.iso"))
		if _, err := h.CreateFingerprint(ncbOf(i), &lookout.Fingerprint{Reference: ref, Template: b}); err == nil {
			enrolled++
		}
	}
	fmt.Fprintf(progress, "demo: %d fingerprint records enrolled (first impression of each FVC finger)\n", enrolled)
	return nil
}

// demoFingerprints is where the FVC templates sit beside a checkout.
const demoFingerprints = "../shared/data/fingerprints"

// demoDNA records the NIST 1036 genotypes as offender profiles.
func demoDNA(ctx context.Context, h *hub.Hub, ncbOf func(int) context.Context) (int, error) {
	f, err := os.Open(filepath.Join(defaultDNAFrequencies, "nist1036_genotypes.csv"))
	if err != nil {
		return 0, nil
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return 0, fmt.Errorf("demo DNA: %w", err)
	}
	n := 0
	for i := 0; ; i++ {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return n, fmt.Errorf("demo DNA: %w", err)
		}
		loci := map[string][]string{}
		for j := 2; j+1 < len(row) && j+1 < len(header); j += 2 {
			locus := strings.TrimSuffix(header[j], "_1")
			if row[j] != "" {
				loci[locus] = append(loci[locus], row[j])
			}
			if row[j+1] != "" && row[j+1] != row[j] {
				loci[locus] = append(loci[locus], row[j+1])
			}
		}
		if _, err := h.CreateDNAProfile(ncbOf(i), &lookout.DNAProfile{Reference: "NIST-" + row[0], Category: "offender", Loci: loci}); err == nil {
			n++
		}
	}
	return n, nil
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// demoCerts are the files a demo border post uses for mutual TLS.
type demoCerts struct{ ca, cert, key string }

// prepareDemoPKI creates the demo's certificate authority on first run and
// issues the border post fra-cdg a fresh client certificate.
func prepareDemoPKI(ctx context.Context, dir string) (*demoCerts, error) {
	ca, err := pki.Load(dir)
	if errors.Is(err, pki.ErrNoCA) {
		ca, err = pki.Init(dir)
	}
	if err != nil {
		return nil, err
	}
	certPEM, keyPEM, err := ca.ClientCertificate("fra-cdg", 30*24*time.Hour)
	if err != nil {
		return nil, err
	}
	out := filepath.Join(dir, "demo-certs")
	if err := os.MkdirAll(out, 0o700); err != nil {
		return nil, err
	}
	c := &demoCerts{cert: filepath.Join(out, "fra-cdg.crt"), key: filepath.Join(out, "fra-cdg.key")}
	_, c.ca, _ = pki.Paths(dir)
	if err := os.WriteFile(c.key, keyPEM, 0o600); err != nil {
		return nil, err
	}
	return c, os.WriteFile(c.cert, certPEM, 0o644)
}

func printDemo(w io.Writer, url string, tokens []demoToken, sample *synth.Document, certs *demoCerts) {
	curl := "curl -s"
	if certs != nil {
		curl += " --cacert " + certs.ca
		fmt.Fprintf(w, "\nLookout demo is serving at %s (TLS 1.3, loopback only; the hub's CA is %s)\n", url, certs.ca)
	} else {
		fmt.Fprintf(w, "\nLookout demo is serving at %s (plaintext, loopback only)\n", url)
	}
	fmt.Fprintf(w, "API reference: %s/v1/openapi.json   metrics: %s/metrics\n\nTokens (new at each start, shown once):\n", url, url)
	for _, t := range tokens {
		fmt.Fprintf(w, "  %-12s %-45s %s\n", t.agency, t.name, t.token)
	}
	border := tokens[len(tokens)-4].token // fra-cdg
	body := func(n string) string { return fmt.Sprintf(`'{"number": "%s", "issuing_country": "DEU"}'`, n) }
	fmt.Fprintf(w, "\nA French border post checks a German %s recorded as %s:\n", strings.ReplaceAll(sample.Type, "_", " "), sample.Status)
	if certs != nil {
		fmt.Fprintf(w, "  with its client certificate (mutual TLS, no token):\n    %s --cert %s --key %s %s/v1/documents/check -d %s\n", curl, certs.cert, certs.key, url, body(sample.Number))
		fmt.Fprintf(w, "  or with its token:\n")
	}
	fmt.Fprintf(w, "    %s %s/v1/documents/check -H 'Authorization: Bearer %s' -d %s\n", curl, url, border, body(sample.Number))
	fmt.Fprintf(w, "The same number with an OCR error (a possible match):\n")
	fmt.Fprintf(w, "    %s %s/v1/documents/check -H 'Authorization: Bearer %s' -d %s\n", curl, url, border, body(ocrSlip(sample.Number)))
	fmt.Fprintf(w, "The hits of the German NCB:\n    %s %s/v1/hits -H 'Authorization: Bearer %s'\n", curl, url, tokens[1].token)
	fmt.Fprintf(w, "The French NCB searches a name (any script, any order) among the persons:\n    %s %s/v1/persons/search -H 'Authorization: Bearer %s' -d '{\"name\": \"%s\"}'\n",
		curl, url, tokens[2].token, demoPersonName(sample))
	fmt.Fprintf(w, "and a fingerprint among the enrolled FVC templates (another impression of the same finger):\n    %s %s/v1/fingerprints/search -H 'Authorization: Bearer %s' -d \"{\\\"template\\\": \\\"$(base64 -w0 %s)\\\"}\"\n",
		curl, url, tokens[2].token, filepath.Join(demoFingerprints, "fvc2002", "DB1_B", "101_2.iso"))
}

// ocrSlip misreads one character of a number the way OCR does.
func ocrSlip(n string) string {
	b := []byte(n)
	swap := map[byte]byte{'0': 'O', 'O': '0', '1': 'I', 'I': '1', '5': 'S', 'S': '5', '8': 'B', 'B': '8', '2': 'Z', 'Z': '2', '6': 'G', 'G': '6'}
	for i := len(b) - 1; i >= 0; i-- {
		if r, ok := swap[b[i]]; ok {
			b[i] = r
			return string(b)
		}
	}
	b[len(b)-1] = '0' + (b[len(b)-1]-'0'+1)%10
	return string(b)
}

// demoPersonName is a synthetic person of the demo, written surname first
// and in lower case, as a search may be.
func demoPersonName(*synth.Document) string {
	parts := strings.Fields(names.Synthetic(1, 1)[0].Names[0])
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.ToLower(strings.Join(parts, " "))
}

// demoNotice has an NCB request a notice on one of its persons (a red notice
// for one in three, else a yellow one for a missing person) and the
// secretariat review and publish it.
func demoNotice(ncb, sec context.Context, h *hub.Hub, person int64, i int) (*lookout.Notice, error) {
	n := &lookout.Notice{PersonID: person, Type: "yellow", Summary: "missing since " + time.Date(2025, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC).Format(lookout.DateLayout)}
	checklist := map[string]bool{"neutrality": true, "human_rights": true, "data_quality": true}
	if i%3 == 0 {
		n.Type, n.Summary = "red", "wanted for prosecution"
		n.Offence, n.Purpose, n.PenaltyYears = "armed robbery", "prosecution", 10
		n.ArrestWarrant, n.WarrantIssuedBy = fmt.Sprintf("AW-2026-%04d", i), "Investigating judge"
		checklist["seriousness"], checklist["judicial_data"] = true, true
	}
	n, err := h.RequestNotice(ncb, n)
	if err != nil {
		return nil, err
	}
	return h.ReviewNotice(sec, n.ID, lookout.ReviewRequest{Decision: "publish", Checklist: checklist, Reasons: "demo data"})
}
