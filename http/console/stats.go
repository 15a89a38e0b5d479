package console

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lookout-network/lookout"
)

// routesStats registers the statistics screen and its CSV download.
func (c *Console) routesStats() {
	c.handle("GET /stats", lookout.GrantStatsRead, c.statsPage)
	c.handle("GET /stats.csv", lookout.GrantStatsRead, c.statsCSV)
}

// statsDatabases are the databases the form offers, in the order the
// charts and tables show them.
var statsDatabases = []string{lookout.DatabaseDocuments, lookout.DatabasePersons, lookout.DatabaseDNA, lookout.DatabaseFingerprints}

// The longest periods a page and a download cover: a page draws a point
// per day and database, a download is a file the analyst asked for.
const (
	statsPageDays = 366
	statsCSVDays  = 3660
	// statsAgencies bounds the per-agency table.
	statsAgencies = 50
)

// statsForm is the filter as typed, shown back in the form.
type statsForm struct {
	From, To, Country, Database string
}

// query returns the form's values for a link (the CSV's).
func (f statsForm) query() string {
	q := url.Values{}
	for k, v := range map[string]string{"from": f.From, "to": f.To, "country": f.Country, "database": f.Database} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q.Encode()
}

// statsFilter reads and checks the filter of r. Dates default to the last
// 30 days; a country is the secretariat's to choose (the hub reads an
// NCB's own); every fault names its field.
func (c *Console) statsFilter(r *http.Request, maxDays int) (statsForm, lookout.StatsQuery, error) {
	q := r.URL.Query()
	f := statsForm{
		From:     strings.TrimSpace(q.Get("from")),
		To:       strings.TrimSpace(q.Get("to")),
		Country:  strings.ToUpper(strings.TrimSpace(q.Get("country"))),
		Database: strings.TrimSpace(q.Get("database")),
	}
	caller := lookout.CallerFrom(r.Context())
	if caller.Agency.Kind != lookout.KindSecretariat {
		f.Country = ""
	}
	today := c.opts.Now().UTC()
	if f.To == "" {
		f.To = today.Format(lookout.DateLayout)
	}
	if f.From == "" {
		to, err := time.Parse(lookout.DateLayout, f.To)
		if err != nil {
			to = today
		}
		f.From = to.AddDate(0, 0, -30).Format(lookout.DateLayout)
	}
	from, err := time.Parse(lookout.DateLayout, f.From)
	if err != nil {
		return f, lookout.StatsQuery{}, lookout.FieldErrorf("from", "%s", c.text.T("stats.error.date", c.text.T("stats.from"), f.From))
	}
	to, err := time.Parse(lookout.DateLayout, f.To)
	if err != nil {
		return f, lookout.StatsQuery{}, lookout.FieldErrorf("to", "%s", c.text.T("stats.error.date", c.text.T("stats.to"), f.To))
	}
	if from.After(to) {
		return f, lookout.StatsQuery{}, lookout.FieldErrorf("from", "%s", c.text.T("stats.error.order", f.From, f.To))
	}
	if days := int(to.Sub(from).Hours()/24) + 1; days > maxDays {
		return f, lookout.StatsQuery{}, lookout.FieldErrorf("from", "%s", c.text.T("stats.error.range", days, maxDays))
	}
	if f.Country != "" && !statsAlpha3(f.Country) {
		return f, lookout.StatsQuery{}, lookout.FieldErrorf("country", "%s", c.text.T("stats.error.country", f.Country))
	}
	if f.Database != "" && !slices.Contains(statsDatabases, f.Database) {
		return f, lookout.StatsQuery{}, lookout.FieldErrorf("database", "%s", c.text.T("stats.error.database", f.Database))
	}
	return f, lookout.StatsQuery{From: f.From, To: f.To, Country: f.Country}, nil
}

// statsAlpha3 reports whether s looks like an alpha-3 code; the hub
// checks it is one.
func statsAlpha3(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// statsLine is one row of a summary table.
type statsLine struct {
	Label, Country string
	Checks, Hits   int64
	Rate           string
}

// statsDay is one day of the daily table: a cell per database shown.
type statsDay struct {
	Day   string
	Cells []statsLine
}

// statsChart is the JSON data block static/stats.js draws: one point per
// day (Unix seconds at midnight UTC) for every database.
type statsChart struct {
	Days      []int64           `json:"days"`
	Databases []string          `json:"databases"`
	Labels    []string          `json:"labels"`
	Checks    [][]int64         `json:"checks"`
	Hits      [][]int64         `json:"hits"`
	Text      map[string]string `json:"text"`
}

// statsLatency is a time-to row shown in words.
type statsLatency struct {
	Label, Median, P90 string
	Count              int64
}

// statsOutcome is a closed-case outcome with its label.
type statsOutcome struct {
	Label string
	Hits  int64
}

// statsData is the statistics page.
type statsData struct {
	Form        statsForm
	Secretariat bool
	Databases   []statsOption
	// Shown is false when the filter was refused: the form alone shows.
	Shown        bool
	Scope        string
	Total        statsLine
	PerDatabase  []statsLine
	DayHeads     []string
	Days         []statsDay
	Agencies     []statsLine
	AgenciesMore int
	Latency      []statsLatency
	Outcomes     []statsOutcome
	Chart        statsChart
	CSV          string
}

// statsOption is an entry of the database select.
type statsOption struct {
	Value, Label string
	Selected     bool
}

// statsFormPage returns the page with the form alone.
func (c *Console) statsFormPage(r *http.Request, f statsForm) *statsData {
	d := &statsData{Form: f, Secretariat: lookout.CallerFrom(r.Context()).Agency.Kind == lookout.KindSecretariat}
	for _, db := range statsDatabases {
		d.Databases = append(d.Databases, statsOption{Value: db, Label: c.statsDatabaseLabel(db), Selected: db == f.Database})
	}
	return d
}

func (c *Console) statsPage(w http.ResponseWriter, r *http.Request) error {
	caller := lookout.CallerFrom(r.Context())
	f, q, err := c.statsFilter(r, statsPageDays)
	d := c.statsFormPage(r, f)
	if err != nil {
		c.render(w, r, statusOf(err), "stats", d, err)
		return nil
	}
	q.By = []string{"day", "database"}
	daily, err := c.hub.StatsReport(r.Context(), q)
	if err != nil {
		if lookout.ErrorCode(err) == lookout.EINVALID {
			c.render(w, r, statusOf(err), "stats", d, err)
			return nil
		}
		return err
	}
	q.By = []string{"country", "agency", "database"}
	agencies, err := c.hub.StatsReport(r.Context(), q)
	if err != nil {
		return err
	}
	c.fillStats(d, daily, agencies, caller)
	c.render(w, r, http.StatusOK, "stats", d, nil)
	return nil
}

// fillStats arranges the reports for the page: totals, a table per
// database, per day and per agency, and the chart's series.
func (c *Console) fillStats(d *statsData, daily, agencies *lookout.StatsReport, caller *lookout.Caller) {
	f := d.Form
	d.Shown = true
	d.CSV = "/stats.csv?" + f.query()
	switch {
	case f.Country != "":
		d.Scope = f.Country
	case d.Secretariat:
		d.Scope = c.text.T("stats.scope_all")
	default:
		d.Scope = caller.Country()
	}
	// The databases shown: the one asked for, or every one with data
	// (known ones first, in their order).
	dbs := []string{f.Database}
	if f.Database == "" {
		dbs = slices.Clone(statsDatabases)
		for _, row := range daily.Rows {
			if !slices.Contains(dbs, row.Database) {
				dbs = append(dbs, row.Database)
			}
		}
	}
	index := map[string]int{}
	for i, db := range dbs {
		index[db] = i
		d.DayHeads = append(d.DayHeads, c.statsDatabaseLabel(db))
	}

	// Every day of the period has a point, zero when nothing happened.
	from, _ := time.Parse(lookout.DateLayout, daily.From)
	to, _ := time.Parse(lookout.DateLayout, daily.To)
	dayIndex := map[string]int{}
	ch := &d.Chart
	for t := from; !t.After(to); t = t.AddDate(0, 0, 1) {
		dayIndex[t.Format(lookout.DateLayout)] = len(ch.Days)
		ch.Days = append(ch.Days, t.Unix())
	}
	ch.Databases = dbs
	ch.Labels = d.DayHeads
	ch.Checks = make([][]int64, len(dbs))
	ch.Hits = make([][]int64, len(dbs))
	for i := range dbs {
		ch.Checks[i] = make([]int64, len(ch.Days))
		ch.Hits[i] = make([]int64, len(ch.Days))
	}
	ch.Text = map[string]string{"day": c.text.T("stats.day"), "checks": c.text.T("stats.checks"), "hits": c.text.T("stats.hits")}

	per := make([]statsLine, len(dbs))
	for i, db := range dbs {
		per[i].Label = c.statsDatabaseLabel(db)
	}
	days := map[string]*statsDay{}
	for _, row := range daily.Rows {
		i, ok := index[row.Database]
		if !ok {
			continue
		}
		if j, ok := dayIndex[row.Day]; ok {
			ch.Checks[i][j] += row.Checks
			ch.Hits[i][j] += row.Hits
		}
		per[i].Checks += row.Checks
		per[i].Hits += row.Hits
		day := days[row.Day]
		if day == nil {
			day = &statsDay{Day: row.Day, Cells: make([]statsLine, len(dbs))}
			days[row.Day] = day
		}
		day.Cells[i].Checks += row.Checks
		day.Cells[i].Hits += row.Hits
	}
	d.Total.Label = c.text.T("stats.total")
	for i := range per {
		per[i].Rate = c.statsRate(per[i].Checks, per[i].Hits)
		d.Total.Checks += per[i].Checks
		d.Total.Hits += per[i].Hits
	}
	d.Total.Rate = c.statsRate(d.Total.Checks, d.Total.Hits)
	d.PerDatabase = per
	// Only days with activity are listed, newest first; the chart shows
	// the quiet ones.
	for _, day := range days {
		for i := range day.Cells {
			day.Cells[i].Rate = c.statsRate(day.Cells[i].Checks, day.Cells[i].Hits)
		}
		d.Days = append(d.Days, *day)
	}
	slices.SortFunc(d.Days, func(a, b statsDay) int { return strings.Compare(b.Day, a.Day) })

	byAgency := map[string]*statsLine{}
	for _, row := range agencies.Rows {
		if f.Database != "" && row.Database != f.Database {
			continue
		}
		key := row.Country + "\x00" + row.AgencyID
		a := byAgency[key]
		if a == nil {
			a = &statsLine{Label: row.AgencyID, Country: row.Country}
			byAgency[key] = a
		}
		a.Checks += row.Checks
		a.Hits += row.Hits
	}
	for _, a := range byAgency {
		a.Rate = c.statsRate(a.Checks, a.Hits)
		d.Agencies = append(d.Agencies, *a)
	}
	slices.SortFunc(d.Agencies, func(a, b statsLine) int {
		return cmp.Or(cmp.Compare(b.Checks, a.Checks), cmp.Compare(b.Hits, a.Hits), strings.Compare(a.Country, b.Country), strings.Compare(a.Label, b.Label))
	})
	if len(d.Agencies) > statsAgencies {
		d.AgenciesMore = len(d.Agencies) - statsAgencies
		d.Agencies = d.Agencies[:statsAgencies]
	}

	for _, l := range []struct {
		key string
		v   lookout.Latency
	}{{"stats.time_to_acknowledge", daily.TimeToAcknowledge}, {"stats.time_to_confirm", daily.TimeToConfirm}} {
		d.Latency = append(d.Latency, statsLatency{Label: c.text.T(l.key), Count: l.v.Count, Median: c.statsDuration(l.v.Count, l.v.MedianSeconds), P90: c.statsDuration(l.v.Count, l.v.P90Seconds)})
	}
	for _, o := range daily.Outcomes {
		label, ok := c.text["stats.outcome."+o.Outcome]
		if !ok {
			label = o.Outcome
		}
		d.Outcomes = append(d.Outcomes, statsOutcome{Label: label, Hits: o.Hits})
	}
}

// statsDatabaseLabel names a database for people.
func (c *Console) statsDatabaseLabel(db string) string {
	if s, ok := c.text["stats.database."+db]; ok {
		return s
	}
	return db
}

// statsRate is hits per check as a percentage, or a dash without checks.
func (c *Console) statsRate(checks, hits int64) string {
	if checks == 0 {
		return c.text.T("stats.none")
	}
	return c.text.T("stats.rate", 100*float64(hits)/float64(checks))
}

// statsDuration shows seconds in the unit that reads best.
func (c *Console) statsDuration(count int64, s float64) string {
	switch {
	case count == 0:
		return c.text.T("stats.none")
	case s < 90:
		return c.text.T("stats.seconds", int(math.Round(s)))
	case s < 90*60:
		return c.text.T("stats.minutes", int(math.Round(s/60)))
	case s < 48*3600:
		return c.text.T("stats.hours", s/3600)
	}
	return c.text.T("stats.days", s/86400)
}

// statsCSV downloads one row per day and database for the same filter as
// the page.
func (c *Console) statsCSV(w http.ResponseWriter, r *http.Request) error {
	caller := lookout.CallerFrom(r.Context())
	f, q, err := c.statsFilter(r, statsCSVDays)
	if err == nil {
		q.By = []string{"day", "database"}
		var rep *lookout.StatsReport
		if rep, err = c.hub.StatsReport(r.Context(), q); err == nil {
			return c.writeStatsCSV(w, caller, f, rep)
		}
	}
	if lookout.ErrorCode(err) == lookout.EINVALID {
		// The form again, with the field at fault.
		c.render(w, r, statusOf(err), "stats", c.statsFormPage(r, f), err)
		return nil
	}
	return err
}

func (c *Console) writeStatsCSV(w http.ResponseWriter, caller *lookout.Caller, f statsForm, rep *lookout.StatsReport) error {
	scope := cmp.Or(f.Country, "all")
	if caller.Agency.Kind != lookout.KindSecretariat {
		scope = caller.Country()
	}
	name := "lookout-stats-" + scope + "-" + rep.From + "-" + rep.To
	if f.Database != "" {
		name += "-" + f.Database
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.csv"`, name))
	cw := csv.NewWriter(w)
	cw.Write([]string{"day", "database", "country", "checks", "hits", "hit_rate"})
	for _, row := range rep.Rows {
		if f.Database != "" && row.Database != f.Database {
			continue
		}
		rate := ""
		if row.Checks > 0 {
			rate = strconv.FormatFloat(float64(row.Hits)/float64(row.Checks), 'f', 4, 64)
		}
		cw.Write([]string{statsCSVCell(row.Day), statsCSVCell(row.Database), statsCSVCell(scope), strconv.FormatInt(row.Checks, 10), strconv.FormatInt(row.Hits, 10), rate})
	}
	cw.Flush()
	return cw.Error()
}

// statsCSVCell keeps a text cell from being read as a formula by a spreadsheet
// (CSV injection): a cell starting with = + - @ or a tab or carriage
// return gets a leading apostrophe, which spreadsheets show as text.
func statsCSVCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
