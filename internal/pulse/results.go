package pulse

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/stats"
)

// Query asks for pulse results: by team or location, per month or
// quarter, for the months From..To (YYYY-MM, inclusive; per quarter they
// widen to whole quarters).
type Query struct {
	By       string // UnitTeam or UnitLocation
	Period   string // PeriodMonth (also "") or PeriodQuarter
	From, To string
}

// Periods of results.
const (
	PeriodMonth   = "month"
	PeriodQuarter = "quarter"
)

// Unit is a team, a location, or all staff.
type Unit struct {
	Kind string `json:"kind" enum:"team,location,all"`
	ID   int64  `json:"id,omitempty"`
	Name string `json:"name"`
}

// ScaleResult is a 1–5 question's mean with its 95% Student-t interval.
type ScaleResult struct {
	Key      string  `json:"key"`
	Question string  `json:"question" doc:"The wording the pulse asked."`
	N        int     `json:"n"`
	Mean     float64 `json:"mean"`
	CILow    float64 `json:"ci_low"`
	CIHigh   float64 `json:"ci_high"`
}

// ENPSResult is the eNPS (−100..100) with its adjusted-Wald 95% interval,
// the one customer NPS uses (internal/stats).
type ENPSResult struct {
	Question   string  `json:"question"`
	N          int     `json:"n"`
	ENPS       float64 `json:"enps"`
	Promoters  int     `json:"promoters"`
	Passives   int     `json:"passives"`
	Detractors int     `json:"detractors"`
	CILow      float64 `json:"ci_low"`
	CIHigh     float64 `json:"ci_high"`
}

// Comments are the free-text answers to one question from a unit in a
// month, in alphabetical order: never dated, never with the answerer's
// scores.
type Comments struct {
	Key      string   `json:"key"`
	Question string   `json:"question"`
	Texts    []string `json:"texts"`
}

// Cell is one unit's results for one month. A hidden cell carries no
// figure, not even its n, only the reason.
type Cell struct {
	Unit            Unit          `json:"unit"`
	Period          string        `json:"period" doc:"The month, YYYY-MM, or the quarter, YYYY-Qn."`
	PulseID         int64         `json:"pulse_id" doc:"The month's pulse; for a quarter, its last month's."`
	QuestionVersion int           `json:"question_version" doc:"The wording asked; for a quarter, its last month's."`
	Hidden          bool          `json:"hidden"`
	Reason          string        `json:"reason,omitempty"`
	N               *int          `json:"n" doc:"Answers; null when hidden."`
	Scales          []ScaleResult `json:"scales,omitempty"`
	ENPS            *ENPSResult   `json:"enps,omitempty"`
	Comments        []Comments    `json:"comments,omitempty"`
	// TextsHidden: a quarter's figures are shown but its free text is not
	// (it would narrow a text's writer down to fewer than 5); the months'
	// cells list it where they can.
	TextsHidden bool `json:"texts_hidden,omitempty"`
}

// Results is the answer to a Query.
type Results struct {
	By     string `json:"by"`
	Period string `json:"period" enum:"month,quarter"`
	From   string `json:"from"`
	To     string `json:"to"`
	MinN   int    `json:"min_n"`
	Rule   string `json:"rule" doc:"How cells are hidden."`
	// Units are the teams or locations, month by month; All is all staff.
	Units []Cell `json:"units"`
	All   []Cell `json:"all"`
}

// Rule is the anonymity rule in words, as the API and the page state it.
const Rule = "A cell is shown only with at least 5 answers. Every month is treated as one family of groups (all staff, " +
	"locations, teams within them) whatever is asked for, and a cell is also hidden when a wider shown figure minus the " +
	"shown figures inside it would leave 1 to 4 answers. Months are whole cells, shown only once the pulse has closed; " +
	"a quarter is shown once it is over, and a quarter's cell is hidden too when it and the months' shown cells " +
	"together would single out 1 to 4 answers. Free text is listed per cell, unordered and undated."

// DefaultMonths is how many months results cover without from.
const DefaultMonths = 12

// Results returns pulse results by team or location per month, behind the
// anonymity floor.
func (s *Service) Results(ctx context.Context, q Query) (*Results, error) {
	if err := s.checkQuery(ctx, &q); err != nil {
		return nil, err
	}
	pulses, err := s.db.Pulses(ctx, q.From, q.To)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(pulses))
	versions := make([]int, len(pulses))
	for i, p := range pulses {
		ids[i], versions[i] = p.ID, p.QuestionVersion
	}
	atoms, err := s.db.PulseAtoms(ctx, ids)
	if err != nil {
		return nil, err
	}
	comments, err := s.db.PulseComments(ctx, ids)
	if err != nil {
		return nil, err
	}
	sets, err := s.db.PulseQuestions(ctx, versions)
	if err != nil {
		return nil, err
	}
	names, err := s.db.UnitNames(ctx, q.By)
	if err != nil {
		return nil, err
	}
	out := &Results{By: q.By, Period: q.Period, From: q.From, To: q.To, MinN: MinN, Rule: Rule, Units: []Cell{}, All: []Cell{}}
	now := s.opts.Now()
	months := make([]*cellsOf, len(pulses))
	for i, p := range pulses {
		c := &cellsOf{pulse: p, period: p.Period, questions: sets[p.QuestionVersion], open: p.Open(now)}
		c.family = buildFamily(atomsOf(atoms, p.ID))
		c.family.suppress(MinN)
		c.comments = commentsOf(comments, p.ID)
		months[i] = c
	}
	cells := months
	if q.Period == PeriodQuarter {
		cells = quartersOf(months, s.quarterOver(ctx, now))
	}
	for _, c := range cells {
		out.All = append(out.All, c.cell(c.family.all, Unit{Kind: UnitAll, Name: "All staff"}))
		groups := c.family.locations
		if q.By == UnitTeam {
			groups = c.family.teams
		}
		for _, id := range slices.Sorted(maps.Keys(names)) {
			g := groups[id]
			if g == nil {
				g = &group{kind: q.By, id: id, reason: ReasonFewer}
			}
			out.Units = append(out.Units, c.cell(g, Unit{Kind: q.By, ID: id, Name: names[id]}))
		}
	}
	return out, nil
}

// checkQuery validates q and fills in its defaults: the last DefaultMonths
// months to this one. A date (YYYY-MM-DD) stands for its month; per
// quarter, from and to widen to the first and last month of theirs, so a
// quarter is always a whole cell.
func (s *Service) checkQuery(ctx context.Context, q *Query) error {
	var v fresco.Validation
	v.Check(q.By == UnitTeam || q.By == UnitLocation, "by", "must be team or location")
	if q.Period == "" {
		q.Period = PeriodMonth
	}
	v.Check(q.Period == PeriodMonth || q.Period == PeriodQuarter, "period", "must be month or quarter")
	this := s.Month(ctx, s.opts.Now())
	q.From, q.To = monthParam(&v, "from", q.From), monthParam(&v, "to", q.To)
	if q.To == "" {
		q.To = this
	}
	if q.From == "" {
		if to, err := time.Parse("2006-01", q.To); err == nil {
			q.From = to.AddDate(0, 1-DefaultMonths, 0).Format("2006-01")
		}
	}
	v.Check(q.From <= q.To, "from", "must not be after to")
	if q.Period == PeriodQuarter && v.Err() == nil {
		q.From, q.To = quarterStart(q.From), quarterEnd(q.To)
	}
	return v.Err()
}

// quarterOf names the quarter of a month (YYYY-MM): "2025-Q1".
func quarterOf(month string) string {
	if len(month) != 7 {
		return month
	}
	return fmt.Sprintf("%s-Q%d", month[:4], (int(month[5]-'0')*10+int(month[6]-'0')-1)/3+1)
}

// quarterStart is the first month of month's quarter; quarterEnd the last.
func quarterStart(month string) string {
	t, _ := time.Parse("2006-01", month)
	return t.AddDate(0, -int(t.Month()-1)%3, 0).Format("2006-01")
}

func quarterEnd(month string) string {
	t, _ := time.Parse("2006-01", quarterStart(month))
	return t.AddDate(0, 2, 0).Format("2006-01")
}

// quarterOver reports whether the quarter (YYYY-Qn) has ended at now in
// the business's zone.
func (s *Service) quarterOver(ctx context.Context, now time.Time) func(quarter string) bool {
	this := quarterOf(s.Month(ctx, now))
	return func(quarter string) bool { return quarter < this }
}

// quartersOf makes one cellsOf per quarter from its months' (in period
// order), under the quarter rule (floor.go). A quarter not over, or with
// a pulse still open, shows nothing.
func quartersOf(months []*cellsOf, over func(string) bool) []*cellsOf {
	var out []*cellsOf
	for i := 0; i < len(months); {
		quarter := quarterOf(months[i].period)
		j := i
		var fams []*family
		q := &cellsOf{period: quarter, open: !over(quarter)}
		for ; j < len(months) && quarterOf(months[j].period) == quarter; j++ {
			m := months[j]
			fams = append(fams, m.family)
			q.comments = append(q.comments, m.comments...)
			q.pulse, q.questions = m.pulse, m.questions
			q.open = q.open || m.open
		}
		qf := buildQuarter(fams)
		qf.suppress(MinN)
		q.family = &qf.family
		if q.open {
			q.reason = ReasonQuarterOpen
		}
		out = append(out, q)
		i = j
	}
	return out
}

// monthParam reads a month (YYYY-MM) or a date (YYYY-MM-DD, meaning its
// month); "" stays "".
func monthParam(v *fresco.Validation, field, s string) string {
	if s == "" {
		return ""
	}
	for _, layout := range []string{"2006-01", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil && t.Year() >= 1900 && t.Year() <= 9999 {
			return t.Format("2006-01")
		}
	}
	v.Add(field, "must be a month (2025-03) or a date (2025-03-01), got %q", s)
	return ""
}

// cellsOf makes the cells of one pulse, or of the pulses of one quarter.
type cellsOf struct {
	pulse     *fresco.Pulse // for a quarter, its last month's
	period    string        // YYYY-MM or YYYY-Qn
	reason    string        // why an open period shows nothing; "": ReasonOpen
	questions *fresco.PulseQuestionSet
	family    *family
	comments  []fresco.PulseComment
	open      bool
}

func (c *cellsOf) cell(g *group, u Unit) Cell {
	out := Cell{Unit: u, Period: c.period, PulseID: c.pulse.ID, QuestionVersion: c.pulse.QuestionVersion}
	switch {
	case c.open:
		out.Hidden, out.Reason = true, cmp.Or(c.reason, ReasonOpen)
		return out
	case !g.shown:
		out.Hidden, out.Reason = true, g.reason
		return out
	}
	n := g.n
	out.N = &n
	var qs []fresco.PulseQuestion
	if c.questions != nil {
		qs = c.questions.Questions
	}
	for _, q := range qs {
		switch q.Kind {
		case fresco.PulseScale:
			m, err := stats.MeanOfCounts(sumScores(g.atoms, q.Key), 1, 5, 0)
			if err == nil && !m.NoData {
				out.Scales = append(out.Scales, ScaleResult{Key: q.Key, Question: q.Text, N: m.N, Mean: m.Mean, CILow: m.CILow, CIHigh: m.CIHigh})
			}
		case fresco.PulseENPS:
			out.ENPS = enpsOf(q, sumScores(g.atoms, q.Key))
		case fresco.PulseText:
			if g.mute {
				out.TextsHidden = true
				continue
			}
			out.Comments = append(out.Comments, Comments{Key: q.Key, Question: q.Text, Texts: c.textsIn(g, q.Key)})
		}
	}
	return out
}

func enpsOf(q fresco.PulseQuestion, counts map[int]int) *ENPSResult {
	var t stats.Tally
	for score, n := range counts {
		for range n {
			if t.Add(score) != nil {
				return nil
			}
		}
	}
	r, err := stats.NPS(t, 0)
	if err != nil || r.NoData {
		return nil
	}
	return &ENPSResult{Question: q.Text, N: r.N, ENPS: r.NPS, Promoters: r.Promoters, Passives: r.Passives,
		Detractors: r.Detractors, CILow: r.CILow, CIHigh: r.CIHigh}
}

// sumScores adds up the atoms' counts of each score to one question.
func sumScores(atoms []*fresco.PulseAtom, key string) map[int]int {
	out := map[int]int{}
	for _, a := range atoms {
		for score, n := range a.Scores[key] {
			out[score] += n
		}
	}
	return out
}

// textsIn lists the texts answered to key within g, in alphabetical order.
func (c *cellsOf) textsIn(g *group, key string) []string {
	texts := []string{}
	for _, t := range c.comments {
		if t.Item == key && g.holds(t.TeamID, t.LocationID) {
			texts = append(texts, t.Text)
		}
	}
	slices.Sort(texts)
	return texts
}

// holds reports whether an answer from team and location is in g.
func (g *group) holds(team, location *int64) bool {
	switch g.kind {
	case UnitTeam:
		return team != nil && *team == g.id
	case UnitLocation:
		return location != nil && *location == g.id
	}
	return true
}

func atomsOf(atoms []*fresco.PulseAtom, pulseID int64) []*fresco.PulseAtom {
	var out []*fresco.PulseAtom
	for _, a := range atoms {
		if a.PulseID == pulseID {
			out = append(out, a)
		}
	}
	return out
}

func commentsOf(comments []fresco.PulseComment, pulseID int64) []fresco.PulseComment {
	var out []fresco.PulseComment
	for _, c := range comments {
		if c.PulseID == pulseID {
			out = append(out, c)
		}
	}
	return out
}

// UnitMonth is the pulse of one unit in one month, for the service-profit
// chain: n and the three scales' means with intervals, and eNPS. A hidden
// cell (fewer than MinN answers, or hidden by the complementary rule, or
// the pulse still open) has Hidden set, a Reason and nothing else.
type UnitMonth struct {
	Unit         Unit
	Month        string // YYYY-MM
	Hidden       bool
	Reason       string
	N            int
	Satisfaction *ScaleResult
	Capability   *ScaleResult
	Latitude     *ScaleResult
	ENPS         *ENPSResult
}

// UnitMonths returns the pulse per unit (by UnitTeam or UnitLocation) and
// month from..to (YYYY-MM), under the same floor as Results: the figures
// the chain (issue 13, item 4) correlates with retention and customer
// satisfaction.
func (s *Service) UnitMonths(ctx context.Context, by, from, to string) ([]UnitMonth, error) {
	r, err := s.Results(ctx, Query{By: by, From: from, To: to})
	if err != nil {
		return nil, err
	}
	out := make([]UnitMonth, 0, len(r.Units))
	for _, c := range r.Units {
		um := UnitMonth{Unit: c.Unit, Month: c.Period, Hidden: c.Hidden, Reason: c.Reason, ENPS: c.ENPS}
		if c.N != nil {
			um.N = *c.N
		}
		for i := range c.Scales {
			switch sc := &c.Scales[i]; sc.Key {
			case KeySatisfaction:
				um.Satisfaction = sc
			case KeyCapability:
				um.Capability = sc
			case KeyLatitude:
				um.Latitude = sc
			}
		}
		out = append(out, um)
	}
	return out, nil
}

// Pooled is one unit's answers to one scale question summed over the
// months of a range whose cell is shown, for a goal (internal/goals).
// Months hidden by the floor, or still open, are left out whole, so the
// sum is only ever a sum of published cells and reveals nothing they do
// not.
type Pooled struct {
	Counts map[int]int // answers per score, 1–5
	N      int         // answers in the shown months
	Shown  int         // months shown
	Hidden int         // months with a pulse but hidden (fewer than MinN, complementary, or open)
	Reason string      // why the last hidden month was hidden
}

// PooledScale sums a unit's answers to the scale question key over the
// months from..to (YYYY-MM): kind is UnitAll, UnitTeam or UnitLocation.
func (s *Service) PooledScale(ctx context.Context, kind string, id int64, from, to, key string) (Pooled, error) {
	out := Pooled{Counts: map[int]int{}}
	pulses, err := s.db.Reports().Pulses(ctx, from, to)
	if err != nil || len(pulses) == 0 {
		return out, err
	}
	ids := make([]int64, len(pulses))
	for i, p := range pulses {
		ids[i] = p.ID
	}
	atoms, err := s.db.Reports().PulseAtoms(ctx, ids)
	if err != nil {
		return out, err
	}
	now := s.opts.Now()
	for _, p := range pulses {
		f := buildFamily(atomsOf(atoms, p.ID))
		f.suppress(MinN)
		g := f.all
		switch kind {
		case UnitTeam:
			g = f.teams[id]
		case UnitLocation:
			g = f.locations[id]
		}
		switch {
		case p.Open(now):
			out.Hidden, out.Reason = out.Hidden+1, ReasonOpen
			continue
		case g == nil: // none answered: told apart from 1 to 4 answers nowhere (as in Results)
			out.Hidden, out.Reason = out.Hidden+1, ReasonFewer
			continue
		case !g.shown:
			out.Hidden, out.Reason = out.Hidden+1, g.reason
			continue
		}
		out.Shown++
		for score, n := range sumScores(g.atoms, key) {
			out.Counts[score] += n
			out.N += n
		}
	}
	return out, nil
}
