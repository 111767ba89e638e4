package rewards

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/stats"
	"github.com/fresco-cx/fresco/internal/store"
)

// Tally counts one measure's chances: N decided ones, Count of them good,
// and Pending not decided yet (a window still running, a task not yet due).
type Tally struct {
	N, Count, Pending int
}

func (t *Tally) add(decided, good bool) {
	switch {
	case !decided:
		t.Pending++
	case good:
		t.N++
		t.Count++
	default:
		t.N++
	}
}

// Tallies are the five measures' tallies of one employee or team.
type Tallies map[fresco.Measure]*Tally

func newTallies() Tallies {
	t := Tallies{}
	for _, m := range fresco.Measures {
		t[m] = &Tally{}
	}
	return t
}

// Facts are what the store found for a set of employees in a period.
type Facts struct {
	Cases    []store.CaseOutcome
	Due      []store.DueItem
	Served   []store.ServedCount
	Comments []store.CommentCount
}

// Count turns facts into tallies per employee (every employee in ids gets
// a row). A chance counts only once its outcome is settled, so that a
// recent period is not flattered by early successes while its failures are
// still undecided:
//
//   - recovered: a resolved case is settled window after the resolution;
//     good when the customer bought (total > 0) within it;
//   - promoters after a case: a resolved case whose customer has answered
//     NPS since; good when that next answer is 9 or 10;
//   - follow-ups in time: a follow-up or call is settled once due; good
//     when it was closed by then;
//   - retention: a customer served is settled window after the first
//     purchase the employee served in the period; good when they bought
//     again within it (the store counts these: store.ServedCounts);
//   - kind words: every comment attributed to them; good when kind.
func Count(ids []int64, f Facts, now time.Time, window time.Duration) map[int64]Tallies {
	out := map[int64]Tallies{}
	for _, id := range ids {
		out[id] = newTallies()
	}
	row := func(id int64) Tallies {
		if out[id] == nil {
			out[id] = newTallies()
		}
		return out[id]
	}
	within := func(from time.Time, next *time.Time) bool { return next != nil && !next.After(from.Add(window)) }
	for _, c := range f.Cases {
		t := row(c.EmployeeID)
		t[fresco.MeasureRecovered].add(!now.Before(c.ResolvedAt.Add(window)), within(c.ResolvedAt, c.NextPurchaseAt))
		if c.NextNPS != nil {
			t[fresco.MeasurePromotersAfterCase].add(true, *c.NextNPS >= 9)
		}
	}
	for _, d := range f.Due {
		row(d.EmployeeID)[fresco.MeasureFollowUpsInTime].add(now.After(d.DueAt), d.ClosedAt != nil && !d.ClosedAt.After(d.DueAt))
	}
	for _, s := range f.Served { // counted by the store, over its 90-day window
		t := row(s.EmployeeID)[fresco.MeasureRetention]
		t.N, t.Count, t.Pending = t.N+s.Settled, t.Count+s.Retained, t.Pending+s.Pending
	}
	for _, c := range f.Comments {
		t := row(c.EmployeeID)[fresco.MeasureKindWords]
		t.N += c.Comments
		t.Count += c.KindComments
	}
	return out
}

// Sum adds tallies up: a team's are its members' together.
func Sum(rows ...Tallies) Tallies {
	out := newTallies()
	for _, r := range rows {
		for m, t := range r {
			o := out[m]
			o.N, o.Count, o.Pending = o.N+t.N, o.Count+t.Count, o.Pending+t.Pending
		}
	}
	return out
}

// Result is one measure on a scorecard. Below MinN it is Hidden and
// carries no figure: showing a percentage of so few would invite exactly
// the comparison the floor exists to prevent.
type Result struct {
	Measure fresco.Measure
	N       int // settled chances
	Count   int // good ones among them
	Pending int // chances not settled yet
	Hidden  bool
	Percent float64 // Count/N in percent, with its Wilson 95% interval
	CILow   float64
	CIHigh  float64
}

// Results turns tallies into the scorecard's results, in fresco.Measures
// order.
func Results(t Tallies) []Result {
	out := make([]Result, 0, len(fresco.Measures))
	for _, m := range fresco.Measures {
		c := t[m]
		r := Result{Measure: m, N: c.N, Count: c.Count, Pending: c.Pending, Hidden: c.N < MinN}
		if !r.Hidden {
			w, err := stats.Wilson(c.Count, c.N, 0)
			if err != nil { // impossible: counts come from the rows counted
				r.Hidden = true
			} else {
				r.Percent, r.CILow, r.CIHigh = w.Percent, w.CILow, w.CIHigh
			}
		}
		out = append(out, r)
	}
	return out
}

// Of returns the result of measure m.
func Of(results []Result, m fresco.Measure) Result {
	for _, r := range results {
		if r.Measure == m {
			return r
		}
	}
	return Result{Measure: m, Hidden: true}
}

// tallies returns the tallies of employees ids in period p: of every
// measure, or of measure only (a reward's). A period the job keeps is read
// from its stored row, as of the job's run (at, zero when live); any other
// is counted now, each query only when needed.
func (s *Service) tallies(ctx context.Context, ids []int64, p Period, only fresco.Measure) (out map[int64]Tallies, at time.Time, err error) {
	from, to := p.instants(s.zone(ctx))
	out, at, ok, err := s.storedTallies(ctx, ids, span{from, to})
	if err != nil || ok {
		return out, at, err
	}
	q := store.ScorecardQuery{Employees: ids, From: from, To: to}
	var f Facts
	if only == "" || only == fresco.MeasureRetention {
		if f.Served, err = s.db.Reports().ServedCounts(ctx, q, s.now().Add(-s.window)); err != nil {
			return nil, time.Time{}, err
		}
	}
	if err := s.cheapFacts(ctx, q, &f, only); err != nil {
		return nil, time.Time{}, err
	}
	return Count(ids, f, s.now(), s.window), time.Time{}, nil
}

// cheapFacts reads into f the facts of every measure but retention in q:
// of every measure, or of measure only.
func (s *Service) cheapFacts(ctx context.Context, q store.ScorecardQuery, f *Facts, only fresco.Measure) error {
	db := s.db.Reports()
	need := func(ms ...fresco.Measure) bool { return only == "" || slices.Contains(ms, only) }
	var err error
	if need(fresco.MeasureRecovered, fresco.MeasurePromotersAfterCase) {
		if f.Cases, err = db.CaseOutcomes(ctx, q); err != nil {
			return err
		}
	}
	if need(fresco.MeasureFollowUpsInTime) {
		if f.Due, err = db.DueItems(ctx, q); err != nil {
			return err
		}
	}
	if need(fresco.MeasureKindWords) {
		f.Comments, err = db.KindWordCounts(ctx, q)
	}
	return err
}

// Scorecard is one employee's results in a period.
type Scorecard struct {
	Employee *fresco.Employee
	Period   Period
	Results  []Result
	// AsOf is when the results were worked out, when they come from a
	// period the job stores (stored.go); zero: now.
	AsOf time.Time
}

// EmployeeScorecard returns employee id's scorecard for period p.
func (s *Service) EmployeeScorecard(ctx context.Context, a Actor, id int64, p Period) (*Scorecard, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	e, err := s.db.Employee(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.checkEmployee(ctx, a, e); err != nil {
		return nil, err
	}
	rows, at, err := s.tallies(ctx, []int64{id}, p, "")
	if err != nil {
		return nil, err
	}
	return &Scorecard{Employee: e, Period: p, Results: Results(rows[id]), AsOf: at}, nil
}

// MemberRow is one member on a team's scorecard, with their rank on the
// measure the scorecard is ranked by.
type MemberRow struct {
	Employee *fresco.Employee
	Results  []Result
	// Rank is shared by every member whose interval on the ranked measure
	// overlaps another's (stats.TiedRanks); 0 when the measure is hidden.
	Rank int
	Tied bool // the rank is shared
}

// TeamScorecard is a team's results in a period, pooled over its members,
// and each member's.
type TeamScorecard struct {
	Team    *fresco.Team
	Period  Period
	Results []Result
	RankBy  fresco.Measure
	Members []MemberRow // ranked first (by rank, then name: no order inside a tie), hidden after, by name
	AsOf    time.Time   // as Scorecard's
}

// TeamScorecard returns team id's scorecard for period p, its members
// ranked by measure rankBy ("" : customers recovered).
func (s *Service) TeamScorecard(ctx context.Context, a Actor, id int64, p Period, rankBy fresco.Measure) (*TeamScorecard, error) {
	var v fresco.Validation
	v.Merge("", p.Validate())
	if rankBy == "" {
		rankBy = fresco.MeasureRecovered
	}
	_, ok := fresco.ParseMeasure(string(rankBy))
	v.Check(ok, "rank_by", "must be one of the measures: recovered, promoters_after_case, followups_in_time, retention, kind_words")
	if err := v.Err(); err != nil {
		return nil, err
	}
	t, err := s.db.Team(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.checkTeam(ctx, a, t); err != nil {
		return nil, err
	}
	sc, err := s.teamScorecard(ctx, t, p, "")
	if err != nil {
		return nil, err
	}
	sc.RankBy = rankBy
	rankMembers(sc.Members, rankBy)
	return sc, nil
}

// teamScorecard computes team t's results, unranked, without checking
// who asks (rewards are judged on it for everyone): of every measure, or
// of measure only.
func (s *Service) teamScorecard(ctx context.Context, t *fresco.Team, p Period, only fresco.Measure) (*TeamScorecard, error) {
	members, err := s.db.TeamMembers(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(members))
	for i, e := range members {
		ids[i] = e.ID
	}
	rows, at, err := s.tallies(ctx, ids, p, only)
	if err != nil {
		return nil, err
	}
	sc := &TeamScorecard{Team: t, Period: p, AsOf: at}
	all := make([]Tallies, 0, len(members))
	for _, e := range members {
		all = append(all, rows[e.ID])
		sc.Members = append(sc.Members, MemberRow{Employee: e, Results: Results(rows[e.ID])})
	}
	sc.Results = Results(Sum(all...))
	return sc, nil
}

// rankMembers ranks members on measure m, ties where intervals overlap,
// and orders them: ranked by rank then name, hidden after by name.
func rankMembers(members []MemberRow, m fresco.Measure) {
	var shown []int
	var intervals []stats.Interval
	for i := range members {
		members[i].Rank, members[i].Tied = 0, false
		if r := Of(members[i].Results, m); !r.Hidden {
			shown = append(shown, i)
			intervals = append(intervals, stats.Interval{Estimate: r.Percent, Low: r.CILow, High: r.CIHigh})
		}
	}
	ranks := stats.TiedRanks(intervals)
	count := map[int]int{}
	for j, i := range shown {
		members[i].Rank = ranks[j]
		count[ranks[j]]++
	}
	for _, i := range shown {
		members[i].Tied = count[members[i].Rank] > 1
	}
	slices.SortStableFunc(members, func(a, b MemberRow) int {
		ra, rb := a.Rank, b.Rank
		if ra == 0 {
			ra = len(members) + 1
		}
		if rb == 0 {
			rb = len(members) + 1
		}
		return cmp.Or(cmp.Compare(ra, rb), cmp.Compare(a.Employee.Name, b.Employee.Name), cmp.Compare(a.Employee.ID, b.Employee.ID))
	})
}
