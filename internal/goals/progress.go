package goals

import (
	"context"
	"math"
	"strconv"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/stats"
	"github.com/fresco-cx/fresco/internal/store"
)

// Progress is where a goal stands in its current period.
type Progress struct {
	Goal      *fresco.Goal
	ScopeName string    // "Whole business", a location's or team's name, "Segment: repeat"
	From, To  time.Time // the period's first and last day (UTC midnights; days of the business's calendar)
	// Elapsed is the share of the period's days gone, today included (0–1).
	Elapsed float64
	// Value and its 95% interval; nil when there is nothing to show (no
	// answers, or pulse answers the anonymity floor hides).
	Value, CILow, CIHigh *float64
	N                    int    // observations the value stands on
	Status               string // stats.OnTrack, stats.OffTrack or stats.CantTell
	Reason               string // why the status is what it is, in words
	// NeededN estimates how many observations in all would tell the value
	// from the target if it stayed where it is (0: no estimate).
	NeededN int
	Unit    string // the unit of value and target: "points", "%", "hours", "of 7", "of 5"
	// Ended is true once the period's last day is past (a fixed goal's
	// period can end; a monthly or quarterly one always holds today).
	Ended bool
}

// measure is a value with its interval over n observations.
type measure struct {
	n                int
	value, low, high float64
	hidden           bool   // the pulse's floor hid every month
	reason           string // why hidden
	unit             string
}

// Period returns the first and last day of g's period that holds today
// (a UTC midnight standing for the business's current day): a fixed
// goal's own days, else the calendar month or quarter of today.
func Period(g *fresco.Goal, today time.Time) (from, to time.Time) {
	switch g.Period {
	case fresco.PeriodMonth:
		from = time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
		return from, from.AddDate(0, 1, -1)
	case fresco.PeriodQuarter:
		first := time.Month((int(today.Month())-1)/3*3 + 1)
		from = time.Date(today.Year(), first, 1, 0, 0, 0, 0, time.UTC)
		return from, from.AddDate(0, 3, -1)
	}
	if g.StartsOn == nil || g.EndsOn == nil {
		return today, today
	}
	return *g.StartsOn, *g.EndsOn
}

// today is the business's current day as a UTC midnight.
func (s *Service) today(ctx context.Context) time.Time {
	y, m, d := s.opts.Now().In(s.opts.Zone(ctx)).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Progress works out where each goal a may see stands.
func (s *Service) Progress(ctx context.Context, a Actor) ([]Progress, error) {
	list, err := s.List(ctx, a)
	if err != nil {
		return nil, err
	}
	return s.progressOf(ctx, list)
}

// ProgressOf works out where one goal a may see stands.
func (s *Service) ProgressOf(ctx context.Context, a Actor, id int64) (*Progress, error) {
	g, err := s.Get(ctx, a, id)
	if err != nil {
		return nil, err
	}
	out, err := s.progressOf(ctx, []*fresco.Goal{g})
	if err != nil {
		return nil, err
	}
	return &out[0], nil
}

func (s *Service) progressOf(ctx context.Context, list []*fresco.Goal) ([]Progress, error) {
	today := s.today(ctx)
	names := scopeNames{}
	out := make([]Progress, 0, len(list))
	for _, g := range list {
		p, err := s.progress(ctx, g, today, names)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func (s *Service) progress(ctx context.Context, g *fresco.Goal, today time.Time, names scopeNames) (Progress, error) {
	from, to := Period(g, today)
	p := Progress{Goal: g, From: from, To: to, Status: stats.CantTell, Ended: today.After(to)}
	var err error
	if p.ScopeName, err = names.of(ctx, s.db, g); err != nil {
		return p, err
	}
	days := to.Sub(from).Hours()/24 + 1
	p.Elapsed = math.Min(1, math.Max(0, (today.Sub(from).Hours()/24+1)/days))
	if today.Before(from) {
		p.Reason = "the period has not started yet"
		p.Unit = unitOf(g.Metric)
		return p, nil
	}
	m, err := s.measure(ctx, g, from, to.AddDate(0, 0, 1))
	if err != nil {
		return p, err
	}
	p.Unit, p.N = m.unit, m.n
	switch {
	case m.hidden:
		p.N = 0
		p.Reason = "staff answers are shown only from 5 answers a month: " + m.reason
		return p, nil
	case m.n == 0:
		p.Reason = "no answers in the period yet"
		if p.Ended {
			p.Reason = "no answers in the period"
		}
		return p, nil
	}
	value, low, high := m.value, m.low, m.high
	p.Value, p.CILow = &value, &low
	if !math.IsInf(high, 1) {
		p.CIHigh = &high
	}
	p.Status = stats.GoalStatus(m.n, low, high, g.Target, g.Direction)
	switch p.Status {
	case stats.OnTrack:
		p.Reason = "the whole likely range meets the target"
	case stats.OffTrack:
		p.Reason = "the whole likely range misses the target"
	default:
		if m.n < stats.GoalMinN {
			p.Reason = "fewer than " + strconv.Itoa(stats.GoalMinN) + " answers so far"
		} else {
			p.Reason = "the likely range still includes the target"
		}
		p.NeededN = stats.NeededN(m.n, value, low, high, g.Target)
		if p.NeededN > 100*m.n { // no period brings that many: the figure sits on the target
			p.NeededN = 0
			p.Reason += ", and sits too close to it for more answers to settle soon"
		}
	}
	return p, nil
}

func unitOf(metric string) string {
	switch metric {
	case fresco.MetricNPS:
		return "points"
	case fresco.MetricCSAT, fresco.MetricSLAAttainment:
		return "%"
	case fresco.MetricCES:
		return "of 7"
	case fresco.MetricFollowUpClosure:
		return "hours"
	case fresco.MetricPulseSatisfaction:
		return "of 5"
	}
	return ""
}

// measure reads g's metric over [start, end) within its scope. The
// period's days are taken as UTC days, as the home page's scores are, so
// that the feedback rollups answer rather than the responses.
func (s *Service) measure(ctx context.Context, g *fresco.Goal, start, end time.Time) (measure, error) {
	m := measure{unit: unitOf(g.Metric)}
	scope := store.ScopeFilter{LocationID: g.LocationID, TeamID: g.TeamID, Segment: g.Segment}
	switch g.Metric {
	case fresco.MetricNPS, fresco.MetricCSAT, fresco.MetricCES:
		counts, err := s.scoreCounts(ctx, g, start, end)
		if err != nil {
			return m, err
		}
		return fromCounts(m, g.Metric, counts)
	case fresco.MetricFollowUpClosure:
		durations, err := s.db.Reports().FollowUpClosures(ctx, scope, start, end)
		if err != nil {
			return m, err
		}
		hours := make([]float64, len(durations))
		for i, d := range durations {
			hours[i] = max(0, d.Hours())
		}
		r, err := stats.MeanOfValues(hours, 0, 0)
		m.n, m.value, m.low, m.high = r.N, r.Mean, r.CILow, r.CIHigh
		return m, err
	case fresco.MetricSLAAttainment:
		tracked, met, err := s.db.Reports().SLACounts(ctx, scope, start, end)
		if err != nil {
			return m, err
		}
		r, err := stats.ProportionInterval(met, tracked, 0)
		m.n, m.value, m.low, m.high = r.N, r.Percent, r.CILow, r.CIHigh
		return m, err
	case fresco.MetricPulseSatisfaction:
		return s.pulseMeasure(ctx, m, g, start, end)
	}
	return m, fresco.Errorf(fresco.EINVALID, "goal %d has an unknown metric %q", g.ID, g.Metric)
}

// scoreCounts counts the answers to g's scale in its scope from the
// feedback rollups: a team's are those its current members served.
func (s *Service) scoreCounts(ctx context.Context, g *fresco.Goal, start, end time.Time) (map[int]int, error) {
	f := store.ResponseFilter{From: start, To: end, LocationID: g.LocationID, Segment: g.Segment}
	group := store.GroupNone
	members := map[string]bool{}
	if g.TeamID != nil {
		group = store.GroupEmployee
		ids, err := s.db.Reports().TeamMemberIDs(ctx, *g.TeamID)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			members[strconv.FormatInt(id, 10)] = true
		}
	}
	groups, err := s.db.Reports().ScoreCounts(ctx, f, g.Metric, group)
	if err != nil {
		return nil, err
	}
	counts := map[int]int{}
	for _, sg := range groups {
		if group == store.GroupEmployee && !members[sg.Key] {
			continue
		}
		for score, n := range sg.Counts {
			counts[score] += n
		}
	}
	return counts, nil
}

// fromCounts is NPS (adjusted Wald), CSAT (share of 4–5, Agresti–Coull)
// or CES (mean, Student t) of answers counted per score.
func fromCounts(m measure, metric string, counts map[int]int) (measure, error) {
	switch metric {
	case fresco.MetricNPS:
		r, err := stats.NPS(stats.TallyCounts(counts), 0)
		m.n, m.value, m.low, m.high = r.N, r.NPS, r.CILow, r.CIHigh
		return m, err
	case fresco.MetricCSAT:
		n := 0
		for _, c := range counts {
			n += c
		}
		r, err := stats.ProportionInterval(counts[4]+counts[5], n, 0)
		m.n, m.value, m.low, m.high = r.N, r.Percent, r.CILow, r.CIHigh
		return m, err
	}
	r, err := stats.MeanOfCounts(counts, 1, 7, 0)
	m.n, m.value, m.low, m.high = r.N, r.Mean, r.CILow, r.CIHigh
	return m, err
}

// pulseMeasure is staff job satisfaction (mean 1–5, Student t) over the
// pulse months the period touches, from published cells only.
func (s *Service) pulseMeasure(ctx context.Context, m measure, g *fresco.Goal, start, end time.Time) (measure, error) {
	if s.opts.Pulse == nil {
		m.hidden, m.reason = true, "the pulse is not running"
		return m, nil
	}
	kind, id := fresco.ScopeAll, int64(0)
	switch {
	case g.LocationID != nil:
		kind, id = fresco.ScopeLocation, *g.LocationID
	case g.TeamID != nil:
		kind, id = fresco.ScopeTeam, *g.TeamID
	}
	counts, hidden, reason, err := s.opts.Pulse(ctx, kind, id, start.Format("2006-01"), end.Add(-time.Nanosecond).Format("2006-01"))
	if err != nil {
		return m, err
	}
	n := 0
	for _, c := range counts {
		n += c
	}
	if n == 0 {
		if hidden > 0 {
			m.hidden, m.reason = true, reason
		}
		return m, nil
	}
	r, err := stats.MeanOfCounts(counts, 1, 5, 0)
	m.n, m.value, m.low, m.high = r.N, r.Mean, r.CILow, r.CIHigh
	return m, err
}

// scopeNames names scopes, each location and team read once per call.
type scopeNames map[string]string

func (c scopeNames) of(ctx context.Context, db *store.DB, g *fresco.Goal) (string, error) {
	switch g.Scope {
	case fresco.ScopeLocation:
		return c.cached(ctx, "l", *g.LocationID, func(ctx context.Context, id int64) (string, error) {
			l, err := db.Location(ctx, id)
			if err != nil {
				return "", err
			}
			return l.Name, nil
		})
	case fresco.ScopeTeam:
		return c.cached(ctx, "t", *g.TeamID, func(ctx context.Context, id int64) (string, error) {
			t, err := db.Team(ctx, id)
			if err != nil {
				return "", err
			}
			return t.Name, nil
		})
	case fresco.ScopeSegment:
		return "Customers: " + g.Segment, nil
	}
	return "Whole business", nil
}

func (c scopeNames) cached(ctx context.Context, kind string, id int64, read func(context.Context, int64) (string, error)) (string, error) {
	key := kind + strconv.FormatInt(id, 10)
	if name, ok := c[key]; ok {
		return name, nil
	}
	name, err := read(ctx, id)
	c[key] = name
	return name, err
}
