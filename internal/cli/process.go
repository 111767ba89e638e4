package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fresco-cx/fresco/internal/eventlog"
	"github.com/fresco-cx/fresco/internal/mining"
)

func init() {
	commands["process"] = command{
		summary: "process mining of event logs (XES, CSV): stats, dfg, variants",
		run:     runProcess,
	}
}

// processSubcommand is a verb of 'fresco process'. The verbs that read a log file are in
// this file; the ones working on the database (import, export) register themselves in
// processSubcommands from their own file's init.
type processSubcommand struct {
	summary string
	run     func(ctx context.Context, args []string, env Env) error
}

var processSubcommands = map[string]processSubcommand{
	"stats":    {"cases, events, activities, variants and time span of a log", runProcessStats},
	"dfg":      {"directly-follows graph: arc counts and waiting times, start and end activities", runProcessDFG},
	"variants": {"variants (activity sequences) with counts and share", runProcessVariants},
	"conform":  {"fitness of each case to a designed flow (allowed arcs, start and end activities) and the deviations", runProcessConform},
}

func processHelp() string {
	var b strings.Builder
	b.WriteString("usage: fresco process SUBCOMMAND [flags]\n\nSubcommands:\n")
	names := make([]string, 0, len(processSubcommands))
	for n := range processSubcommands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "  %-9s %s\n", n, processSubcommands[n].summary)
	}
	b.WriteString("\nRun 'fresco process SUBCOMMAND -h' for its flags.")
	return b.String()
}

func runProcess(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 {
		return usageError("missing subcommand\n%s", processHelp())
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(env.Stdout, processHelp())
		return nil
	}
	sub, ok := processSubcommands[args[0]]
	if !ok {
		return usageError("unknown subcommand %q\n%s", args[0], processHelp())
	}
	return sub.run(ctx, args[1:], env)
}

// logFlags are the flags of every subcommand that mines a log file.
type logFlags struct {
	input, format                                    string
	caseCol, activity, timeCol, resource, role, life string
	start                                            string
	timeFormat                                       string
	from, to, periodMode                             string
	where                                            multiFlag
}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// newLogFlagSet is the flag set of a subcommand that mines a log file: the log flags and --json.
func newLogFlagSet(name string, env Env) (*flag.FlagSet, *logFlags, *bool) {
	fs := newFlagSet(name, env)
	lf := &logFlags{}
	lf.register(fs)
	return fs, lf, fs.Bool("json", false, "print JSON")
}

func (f *logFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.input, "input", "", "event log file: .xes, .xes.gz, .csv or .csv.gz (required)")
	fs.StringVar(&f.format, "format", "", "xes or csv (default: from the file name)")
	// Column defaults are left to eventlog (empty here), which then treats the optional
	// columns as optional; a column named on the command line must be there.
	fs.StringVar(&f.caseCol, "case", "", "CSV: case id column (default "+eventlog.DefaultCaseColumn+")")
	fs.StringVar(&f.activity, "activity", "", "CSV: activity column (default "+eventlog.DefaultActivityColumn+")")
	fs.StringVar(&f.timeCol, "time", "", `CSV: timestamp column ("-" for none; default `+eventlog.DefaultTimeColumn+")")
	fs.StringVar(&f.resource, "resource", "", "CSV: resource (who) column, optional (default "+eventlog.DefaultResourceColumn+")")
	fs.StringVar(&f.role, "role", "", "CSV: role column, optional (default "+eventlog.DefaultRoleColumn+")")
	fs.StringVar(&f.life, "lifecycle", "", "CSV: lifecycle transition column, optional (default "+eventlog.DefaultLifecycleColumn+")")
	fs.StringVar(&f.start, "start", "", "CSV: column of the time each activity began, optional (default "+eventlog.DefaultStartColumn+")")
	fs.StringVar(&f.timeFormat, "time-format", "", "CSV: Go time layout of the time column (default: ISO 8601 forms)")
	fs.StringVar(&f.from, "from", "", "keep cases in the period from this date or RFC 3339 time")
	fs.StringVar(&f.to, "to", "", "keep cases in the period up to this date (whole day) or RFC 3339 time")
	fs.StringVar(&f.periodMode, "period-mode", "contained", "with --from/--to: contained, intersecting, started, completed or trim (events)")
	fs.Var(&f.where, "where", "keep cases whose attribute KEY=VALUE (repeatable; several values of one key: KEY=V1|V2)")
}

// load reads, prepares and filters the log the flags name.
func (f *logFlags) load() (*mining.Log, error) {
	if f.input == "" {
		return nil, usageError("--input is required")
	}
	opt := eventlog.Options{CSV: eventlog.CSVColumns{
		Case: f.caseCol, Activity: f.activity, Time: f.timeCol, Resource: f.resource, Role: f.role, Lifecycle: f.life, Start: f.start,
		TimeLayout: f.timeFormat,
	}}
	if f.format != "" {
		ff, err := eventlog.ParseFormat(f.format)
		if err != nil {
			return nil, usageError("--format: %v", err)
		}
		opt.Format = ff
	} else if _, err := eventlog.DetectFormat(f.input); err != nil {
		return nil, usageError("%v (--format xes|csv)", err)
	}
	var from, to time.Time
	var err error
	if from, err = parseDayOrTime(f.from, false); err != nil {
		return nil, usageError("--from: %v", err)
	}
	if to, err = parseDayOrTime(f.to, true); err != nil {
		return nil, usageError("--to: %v", err)
	}
	modes := map[string]mining.PeriodMode{"contained": mining.Contained, "intersecting": mining.Intersecting,
		"started": mining.StartedIn, "completed": mining.CompletedIn, "trim": mining.TrimEvents}
	mode, ok := modes[f.periodMode]
	if !ok {
		return nil, usageError("--period-mode %q: want contained, intersecting, started, completed or trim", f.periodMode)
	}
	type cond struct {
		key    string
		values []string
	}
	var conds []cond
	for _, w := range f.where {
		k, v, ok := strings.Cut(w, "=")
		if !ok || k == "" {
			return nil, usageError("--where %q: want KEY=VALUE", w)
		}
		conds = append(conds, cond{k, strings.Split(v, "|")})
	}
	raw, err := eventlog.ReadFile(f.input, opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.input, err)
	}
	l := mining.New(raw)
	if !from.IsZero() || !to.IsZero() {
		l = l.FilterPeriod(from, to, mode)
	}
	for _, c := range conds {
		l = l.FilterAttr(c.key, c.values...)
	}
	return l, nil
}

// parseDayOrTime reads 2024-03-01 (the day's start, or with endOfDay its last instant) or an
// RFC 3339 time; "" is the zero time.
func parseDayOrTime(s string, endOfDay bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		if endOfDay {
			return d.AddDate(0, 0, 1).Add(-time.Nanosecond), nil
		}
		return d, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither a date (2024-03-01) nor an RFC 3339 time", s)
	}
	return t, nil
}

// processStatsJSON is the exact shape 'fresco process stats --json' promises.
type processStatsJSON struct {
	Cases      int     `json:"cases"`
	Events     int     `json:"events"`
	Activities int     `json:"activities"`
	Variants   int     `json:"variants"`
	Start      *string `json:"start"` // RFC 3339; null when no event has a time
	End        *string `json:"end"`
}

func rfc3339(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339Nano)
	return &s
}

func writeJSON(w io.Writer, v any) error {
	return json.NewEncoder(w).Encode(v)
}

func runProcessStats(_ context.Context, args []string, env Env) error {
	fs, lf, asJSON := newLogFlagSet("process stats", env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	l, err := lf.load()
	if err != nil {
		return err
	}
	s := l.Stats()
	out := processStatsJSON{Cases: s.Cases, Events: s.Events, Activities: s.Activities, Variants: s.Variants, Start: rfc3339(s.Start), End: rfc3339(s.End)}
	if *asJSON {
		return writeJSON(env.Stdout, out)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "cases\t%d\nevents\t%d\nactivities\t%d\nvariants\t%d\n", s.Cases, s.Events, s.Activities, s.Variants)
	fmt.Fprintf(tw, "start\t%s\nend\t%s\n", orDash(out.Start), orDash(out.End))
	return tw.Flush()
}

func orDash(s *string) string {
	if s == nil {
		return "-"
	}
	return *s
}

// processArcJSON is one arc of 'fresco process dfg --json'.
type processArcJSON struct {
	From                string   `json:"from"`
	To                  string   `json:"to"`
	Count               int      `json:"count"`
	Cases               int      `json:"cases"`
	MedianWaitS         *float64 `json:"median_wait_s"`
	P90WaitS            *float64 `json:"p90_wait_s"`
	MeanWaitS           *float64 `json:"mean_wait_s"`
	BusinessMedianWaitS *float64 `json:"business_median_wait_s,omitempty"`
	BusinessP90WaitS    *float64 `json:"business_p90_wait_s,omitempty"`
}

// processDFGJSON is what 'fresco process dfg --json' prints.
type processDFGJSON struct {
	Arcs            []processArcJSON `json:"arcs"`
	StartActivities map[string]int   `json:"start_activities"`
	EndActivities   map[string]int   `json:"end_activities"`
	Activities      map[string]int   `json:"activities"`
}

func runProcessDFG(_ context.Context, args []string, env Env) error {
	fs, lf, asJSON := newLogFlagSet("process dfg", env)
	hours := fs.String("business-hours", "", "also measure waiting in business hours, Monday to Friday, e.g. 09:00-17:00")
	tz := fs.String("tz", "UTC", "time zone of --business-hours (IANA name)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var opt mining.DFGOptions
	if *hours != "" {
		cal, err := businessCalendar(*hours, *tz)
		if err != nil {
			return err
		}
		opt.Calendar = cal
	}
	l, err := lf.load()
	if err != nil {
		return err
	}
	g := l.DFG(opt)
	out := processDFGJSON{Arcs: make([]processArcJSON, len(g.Arcs)), StartActivities: g.Start, EndActivities: g.End, Activities: g.Activities}
	for i, a := range g.Arcs {
		out.Arcs[i] = processArcJSON{From: a.From, To: a.To, Count: a.Count, Cases: a.Cases,
			MedianWaitS: a.MedianWaitS, P90WaitS: a.P90WaitS, MeanWaitS: a.MeanWaitS,
			BusinessMedianWaitS: a.BusinessMedianS, BusinessP90WaitS: a.BusinessP90S}
	}
	if *asJSON {
		return writeJSON(env.Stdout, out)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	head := "FROM\tTO\tCOUNT\tCASES\tMEDIAN WAIT\tP90 WAIT"
	if opt.Calendar != nil {
		head += "\tMEDIAN (BUSINESS)\tP90 (BUSINESS)"
	}
	fmt.Fprintln(tw, head)
	for _, a := range g.Arcs {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s", a.From, a.To, a.Count, a.Cases, fmtWait(a.MedianWaitS), fmtWait(a.P90WaitS))
		if opt.Calendar != nil {
			fmt.Fprintf(tw, "\t%s\t%s", fmtWait(a.BusinessMedianS), fmtWait(a.BusinessP90S))
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "START ACTIVITY\tCASES")
	for _, c := range sortedCountMap(g.Start) {
		fmt.Fprintf(tw, "%s\t%d\n", c.Name, c.Count)
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "END ACTIVITY\tCASES")
	for _, c := range sortedCountMap(g.End) {
		fmt.Fprintf(tw, "%s\t%d\n", c.Name, c.Count)
	}
	return tw.Flush()
}

// businessCalendar reads --business-hours "09:00-17:00" (Monday to Friday) in zone tz.
func businessCalendar(hours, tz string) (mining.Calendar, error) {
	cal, err := mining.WeekdayHours(hours, tz)
	if err != nil {
		return nil, usageError("--business-hours with --tz: %v", err)
	}
	return cal, nil
}

func sortedCountMap(m map[string]int) []mining.Count {
	out := make([]mining.Count, 0, len(m))
	for k, v := range m {
		out = append(out, mining.Count{Name: k, Count: v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// fmtWait writes seconds as a short duration ("3h12m", "2d4h").
func fmtWait(s *float64) string {
	if s == nil {
		return "-"
	}
	d := time.Duration(*s * float64(time.Second))
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%dd%dh", d/(24*time.Hour), (d%(24*time.Hour))/time.Hour)
	case d >= time.Hour:
		return d.Round(time.Minute).String()
	default:
		return d.Round(time.Second).String()
	}
}

// processVariantJSON is one variant of 'fresco process variants --json'.
type processVariantJSON struct {
	Variant    string   `json:"variant"` // activities joined by ",", as PM4Py keys them
	Activities []string `json:"activities"`
	Count      int      `json:"count"`
	Share      float64  `json:"share"`
}

// processVariantsJSON is what 'fresco process variants --json' prints.
type processVariantsJSON struct {
	Cases         int                  `json:"cases"`
	VariantsTotal int                  `json:"variants_total"`
	Variants      []processVariantJSON `json:"variants"`
}

func runProcessVariants(_ context.Context, args []string, env Env) error {
	fs, lf, asJSON := newLogFlagSet("process variants", env)
	top := fs.Int("top", 10, "show the K most frequent variants (0: all)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *top < 0 {
		return usageError("--top must be 0 (all) or more")
	}
	l, err := lf.load()
	if err != nil {
		return err
	}
	all := l.Variants(0)
	vs := all
	if *top > 0 && len(vs) > *top {
		vs = vs[:*top]
	}
	out := processVariantsJSON{Cases: len(l.Cases), VariantsTotal: len(all), Variants: make([]processVariantJSON, len(vs))}
	for i, v := range vs {
		out.Variants[i] = processVariantJSON{Variant: v.Key(), Activities: v.Activities, Count: v.Count, Share: v.Share}
	}
	if *asJSON {
		return writeJSON(env.Stdout, out)
	}
	fmt.Fprintf(env.Stdout, "%d cases, %d variants", out.Cases, out.VariantsTotal)
	if len(vs) < len(all) {
		fmt.Fprintf(env.Stdout, " (the %d most frequent shown)", len(vs))
	}
	fmt.Fprintln(env.Stdout)
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tCASES\tSHARE\tSTEPS\tACTIVITIES")
	for i, v := range vs {
		fmt.Fprintf(tw, "%d\t%d\t%.1f%%\t%d\t%s\n", i+1, v.Count, 100*v.Share, len(v.Activities), strings.Join(v.Activities, " → "))
	}
	return tw.Flush()
}

// processConformJSON is what 'fresco process conform --json' prints.
type processConformJSON struct {
	Cases      int                    `json:"cases"`
	Fitting    int                    `json:"fitting"`
	Fitness    float64                `json:"fitness"` // mean case fitness
	Deviations []processDeviationJSON `json:"deviations"`
}

type processDeviationJSON struct {
	Kind     string   `json:"kind"` // start, end, arc, activity
	Activity string   `json:"activity,omitempty"`
	From     string   `json:"from,omitempty"`
	To       string   `json:"to,omitempty"`
	Count    int      `json:"count"`
	Cases    []string `json:"cases"`
}

func runProcessConform(_ context.Context, args []string, env Env) error {
	fs, lf, asJSON := newLogFlagSet("process conform", env)
	designPath := fs.String("design", "", `designed flow, JSON: {"arcs":[{"from":"A","to":"B"}],"start":["A"],"end":["B"]} (required)`)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *designPath == "" {
		return usageError("--design is required")
	}
	data, err := os.ReadFile(*designPath)
	if err != nil {
		return fmt.Errorf("design: %w", err)
	}
	var d mining.Design
	if err := json.Unmarshal(data, &d); err != nil {
		return fmt.Errorf("design %s: %w", *designPath, err)
	}
	if err := d.Validate(); err != nil {
		return fmt.Errorf("design %s: %w", *designPath, err)
	}
	l, err := lf.load()
	if err != nil {
		return err
	}
	c := l.Conform(d)
	out := processConformJSON{Cases: len(c.Cases), Fitting: c.Fitting, Fitness: c.Fitness, Deviations: make([]processDeviationJSON, len(c.Deviations))}
	for i, dv := range c.Deviations {
		out.Deviations[i] = processDeviationJSON{Kind: dv.Kind, Activity: dv.Activity, From: dv.From, To: dv.To, Count: dv.Count, Cases: dv.CaseIDs}
	}
	if *asJSON {
		return writeJSON(env.Stdout, out)
	}
	fmt.Fprintf(env.Stdout, "%d cases, %d fit the design (mean fitness %.3f)\n", out.Cases, out.Fitting, out.Fitness)
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DEVIATION\tCASES\tTIMES\tEXAMPLE CASES")
	for _, dv := range c.Deviations {
		what := dv.Kind + " " + dv.Activity
		if dv.Kind == mining.DeviationArc {
			what = "arc " + dv.From + " → " + dv.To
		}
		ex := dv.CaseIDs
		if len(ex) > 5 {
			ex = ex[:5]
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\n", what, len(dv.CaseIDs), dv.Count, strings.Join(ex, ", "))
	}
	return tw.Flush()
}
