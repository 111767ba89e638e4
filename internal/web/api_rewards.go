package web

import (
	"context"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/rewards"
)

// Rewards for results (package rewards): scorecards per employee and team,
// rewards tied to team goals, nominations and the recognition feed.

// MeasureResult is one result on a scorecard. Below min_n the figure is
// withheld: percent, ci_low and ci_high are null and hidden is true.
type MeasureResult struct {
	Measure string   `json:"measure" enum:"recovered,promoters_after_case,followups_in_time,retention,kind_words"`
	N       int      `json:"n" doc:"Chances whose outcome is settled."`
	Count   int      `json:"count" doc:"Good outcomes among them."`
	Pending int      `json:"pending" doc:"Chances not settled yet: a window still running, a task not yet due."`
	Hidden  bool     `json:"hidden" doc:"n is below min_n: no figure is shown."`
	Percent *float64 `json:"percent" doc:"100·count/n; null when hidden."`
	CILow   *float64 `json:"ci_low" doc:"Wilson 95% interval, percent; null when hidden."`
	CIHigh  *float64 `json:"ci_high"`
}

func measureOut(r rewards.Result) MeasureResult {
	out := MeasureResult{Measure: string(r.Measure), N: r.N, Count: r.Count, Pending: r.Pending, Hidden: r.Hidden}
	if !r.Hidden {
		out.Percent, out.CILow, out.CIHigh = new(r.Percent), new(r.CILow), new(r.CIHigh)
	}
	return out
}

func measuresOut(list []rewards.Result) []MeasureResult {
	out := make([]MeasureResult, len(list))
	for i, r := range list {
		out[i] = measureOut(r)
	}
	return out
}

// Scorecard is an employee's results in a period.
type Scorecard struct {
	EmployeeID int64           `json:"employee_id"`
	Name       string          `json:"name"`
	From       string          `json:"from" format:"date"`
	To         string          `json:"to" format:"date"`
	MinN       int             `json:"min_n" doc:"Results with fewer settled chances are hidden."`
	WindowDays int             `json:"window_days" doc:"How long a customer has to buy again to count as recovered or retained."`
	Measures   []MeasureResult `json:"measures"`
	AsOf       *time.Time      `json:"as_of" doc:"When these results were worked out, when they are not live: the scorecards of the default period and of rewards' periods are stored by a job and worked out again every 15 minutes; null: counted on this request."`
}

// TeamMember is one member's row on a team scorecard.
type TeamMember struct {
	EmployeeID int64           `json:"employee_id"`
	Name       string          `json:"name"`
	Active     bool            `json:"active"`
	Rank       *int            `json:"rank" doc:"On rank_by; shared by members whose intervals overlap (directly or through others). Null when hidden."`
	Tied       bool            `json:"tied" doc:"The rank is shared: the data cannot order these members."`
	Measures   []MeasureResult `json:"measures"`
}

// TeamScorecard is a team's pooled results and its members'.
type TeamScorecard struct {
	TeamID     int64           `json:"team_id"`
	Name       string          `json:"name"`
	From       string          `json:"from" format:"date"`
	To         string          `json:"to" format:"date"`
	MinN       int             `json:"min_n"`
	WindowDays int             `json:"window_days"`
	RankBy     string          `json:"rank_by"`
	Measures   []MeasureResult `json:"measures"`
	Members    []TeamMember    `json:"members" doc:"Ranked members first (by rank, then name: no order inside a tie), then those hidden on rank_by."`
	AsOf       *time.Time      `json:"as_of" doc:"When these results were worked out, when they are not live: the scorecards of the default period and of rewards' periods are stored by a job and worked out again every 15 minutes; null: counted on this request."`
}

// ScorecardQuery is the period of a scorecard.
type ScorecardQuery struct {
	From string `query:"from" doc:"First day, YYYY-MM-DD; default: 89 days before to."`
	To   string `query:"to" doc:"Last day, YYYY-MM-DD; default: 90 days ago (the window_days), so that every result is settled."`
}

func (q ScorecardQuery) period(ctx context.Context, s *Server, v *fresco.Validation) rewards.Period {
	p := s.rewards.DefaultPeriod(ctx)
	from, to := parseDate(v, "query.from", q.From), parseDate(v, "query.to", q.To)
	if !to.IsZero() {
		p.From, p.To = to.AddDate(0, 0, -89), to
	}
	if !from.IsZero() {
		p.From = from
	}
	v.Merge("query", p.Validate())
	return p
}

func days(d time.Duration) int { return int(d / (24 * time.Hour)) }

func (s *Server) employeeScorecard(ctx context.Context, in *struct {
	IDParam
	ScorecardQuery
}) (*One[Scorecard], error) {
	var v fresco.Validation
	p := in.period(ctx, s, &v)
	if err := v.Err(); err != nil {
		return nil, err
	}
	sc, err := s.rewards.EmployeeScorecard(ctx, staffActor(ctx), in.ID, p)
	if err != nil {
		return nil, err
	}
	return &One[Scorecard]{Body: Scorecard{EmployeeID: sc.Employee.ID, Name: sc.Employee.Name,
		From: p.From.Format(time.DateOnly), To: p.To.Format(time.DateOnly), MinN: rewards.MinN,
		WindowDays: days(rewards.DefaultWindow), Measures: measuresOut(sc.Results), AsOf: asOf(sc.AsOf)}}, nil
}

func (s *Server) teamScorecard(ctx context.Context, in *struct {
	IDParam
	ScorecardQuery
	RankBy string `query:"rank_by" enum:"recovered,promoters_after_case,followups_in_time,retention,kind_words" doc:"The measure members are ranked on; default recovered."`
}) (*One[TeamScorecard], error) {
	var v fresco.Validation
	p := in.period(ctx, s, &v)
	if err := v.Err(); err != nil {
		return nil, err
	}
	sc, err := s.rewards.TeamScorecard(ctx, staffActor(ctx), in.ID, p, fresco.Measure(in.RankBy))
	if err != nil {
		return nil, err
	}
	out := TeamScorecard{TeamID: sc.Team.ID, Name: sc.Team.Name, From: p.From.Format(time.DateOnly),
		To: p.To.Format(time.DateOnly), MinN: rewards.MinN, WindowDays: days(rewards.DefaultWindow),
		RankBy: string(sc.RankBy), Measures: measuresOut(sc.Results), Members: []TeamMember{}, AsOf: asOf(sc.AsOf)}
	for _, m := range sc.Members {
		row := TeamMember{EmployeeID: m.Employee.ID, Name: m.Employee.Name, Active: m.Employee.Active, Tied: m.Tied,
			Measures: measuresOut(m.Results)}
		if m.Rank > 0 {
			row.Rank = new(m.Rank)
		}
		out.Members = append(out.Members, row)
	}
	return &One[TeamScorecard]{Body: out}, nil
}

// Reward is a team goal tied to a reward, with its verdict now.
type Reward struct {
	ID       int64         `json:"id"`
	Name     string        `json:"name"`
	TeamID   int64         `json:"team_id"`
	TeamName string        `json:"team_name"`
	Measure  string        `json:"measure"`
	Target   float64       `json:"target" doc:"Percent."`
	From     string        `json:"from" format:"date"`
	To       string        `json:"to" format:"date"`
	Status   string        `json:"status" enum:"met,not_met,cant_tell" doc:"met: the whole 95% interval is at or above the target; not_met: wholly below; cant_tell: it straddles the target or n is below min_n."`
	Running  bool          `json:"running" doc:"The period has not ended: the status may still change."`
	Result   MeasureResult `json:"result" doc:"The team's result on the measure over the period."`
	AsOf     *time.Time    `json:"as_of" doc:"When the result was worked out (the job stores the scorecards of rewards' periods and works them out again every 15 minutes); null: counted on this request."`
}

func rewardOut(st rewards.RewardStatus) Reward {
	r := st.Reward
	return Reward{ID: r.ID, Name: r.Name, TeamID: r.TeamID, TeamName: st.TeamName, Measure: string(r.Measure), Target: r.Target,
		From: r.From.Format(time.DateOnly), To: r.To.Format(time.DateOnly), Status: string(st.Verdict), Running: st.Running,
		Result: measureOut(st.Result), AsOf: asOf(st.AsOf)}
}

// asOf is a stored figure's time for the API: null for one worked out now.
func asOf(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// RewardInput defines a reward.
type RewardInput struct {
	Name    string  `json:"name" doc:"What the team earns, e.g. \"Team dinner\"."`
	TeamID  int64   `json:"team_id"`
	Measure string  `json:"measure" doc:"recovered, promoters_after_case, followups_in_time, retention or kind_words."`
	Target  float64 `json:"target" doc:"The goal, in percent (0–100)."`
	From    string  `json:"from" doc:"First day of the period, YYYY-MM-DD."`
	To      string  `json:"to" doc:"Last day of the period, YYYY-MM-DD."`
}

// optionalTeam is the team query parameter: 0 (left out) is every team.
func optionalTeam(id int64) *int64 {
	if id <= 0 {
		return nil
	}
	return &id
}

func (s *Server) listRewards(ctx context.Context, in *struct {
	Team int64 `query:"team" minimum:"0" doc:"Only this team's rewards."`
}) (*itemsBody[Reward], error) {
	list, err := s.rewards.Rewards(ctx, optionalTeam(in.Team))
	if err != nil {
		return nil, err
	}
	return items(list, rewardOut), nil
}

func (s *Server) createReward(ctx context.Context, in *struct{ Body RewardInput }) (*Created[Reward], error) {
	var v fresco.Validation
	r := &fresco.Reward{Name: in.Body.Name, TeamID: in.Body.TeamID, Measure: fresco.Measure(in.Body.Measure),
		Target: in.Body.Target, From: parseDate(&v, "from", in.Body.From), To: parseDate(&v, "to", in.Body.To)}
	if err := v.Err(); err != nil {
		return nil, err
	}
	st, err := s.rewards.CreateReward(ctx, staffActor(ctx), r)
	if err != nil {
		return nil, err
	}
	return &Created[Reward]{Location: fmt.Sprintf("%s/rewards?team=%d", apiPrefix, r.TeamID), Body: rewardOut(st)}, nil
}

// NominationInput nominates a colleague, or records a customer's
// nomination.
type NominationInput struct {
	EmployeeID int64  `json:"employee_id" doc:"Who is nominated. Not yourself."`
	Reason     string `json:"reason" doc:"What they did (at most 1000 characters)."`
	Source     string `json:"source,omitempty" enum:"peer,customer" doc:"peer (default): you nominate a colleague; customer: a customer's nomination recorded on their behalf (a letter, a web form)."`
	CustomerID *int64 `json:"customer_id,omitempty" doc:"The customer who nominated (source customer), when known."`
}

// Nomination is a stored nomination.
type Nomination struct {
	ID          int64     `json:"id"`
	EmployeeID  int64     `json:"employee_id"`
	Source      string    `json:"source"`
	NominatorID *int64    `json:"nominator_id"`
	CustomerID  *int64    `json:"customer_id"`
	Reason      string    `json:"reason"`
	CreatedAt   time.Time `json:"created_at"`
}

func nominationOut(n *fresco.Nomination) Nomination {
	return Nomination{ID: n.ID, EmployeeID: n.NomineeID, Source: string(n.Source), NominatorID: n.NominatorID,
		CustomerID: n.CustomerID, Reason: n.Reason, CreatedAt: n.CreatedAt}
}

func (s *Server) createNomination(ctx context.Context, in *struct{ Body NominationInput }) (*Created[Nomination], error) {
	n := &fresco.Nomination{NomineeID: in.Body.EmployeeID, Reason: in.Body.Reason, CustomerID: in.Body.CustomerID,
		Source: fresco.NominationSource(in.Body.Source)}
	if n.Source == "" {
		n.Source = fresco.NominationPeer
	}
	if err := s.rewards.Nominate(ctx, staffActor(ctx), n); err != nil {
		return nil, err
	}
	return &Created[Nomination]{Location: apiPrefix + "/recognition", Body: nominationOut(n)}, nil
}

// RecognitionEntry is one entry of the recognition feed.
type RecognitionEntry struct {
	Kind         string      `json:"kind" enum:"nomination,recovered,kind_words"`
	At           time.Time   `json:"at"`
	EmployeeID   int64       `json:"employee_id"`
	EmployeeName string      `json:"employee_name"`
	Nomination   *Nomination `json:"nomination,omitempty" doc:"kind nomination."`
	CaseID       *int64      `json:"case_id,omitempty" doc:"kind recovered: the case they resolved, after which the customer bought again."`
	ResponseID   *int64      `json:"response_id,omitempty" doc:"kind kind_words."`
	AsOf         *time.Time  `json:"as_of,omitempty" doc:"kind recovered: when the recoveries were worked out (stored every 15 minutes, not on each view)."`
	Text         string      `json:"text" doc:"The nomination's reason, the case's summary or the customer's comment."`
}

func (s *Server) recognition(ctx context.Context, in *struct {
	Team int64 `query:"team" minimum:"0" doc:"Only this team's members."`
}) (*itemsBody[RecognitionEntry], error) {
	feed, err := s.rewards.Recognition(ctx, optionalTeam(in.Team))
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(feed))
	for i, e := range feed {
		ids[i] = e.EmployeeID
	}
	names, err := s.db.EmployeeNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	return items(feed, func(e rewards.FeedEntry) RecognitionEntry {
		out := RecognitionEntry{Kind: string(e.Kind), At: e.At, EmployeeID: e.EmployeeID, EmployeeName: names[e.EmployeeID]}
		switch {
		case e.Nomination != nil:
			n := nominationOut(e.Nomination)
			out.Nomination, out.Text = &n, n.Reason
		case e.Recovered != nil:
			out.CaseID, out.Text, out.AsOf = &e.Recovered.CaseID, e.Recovered.Summary, &e.AsOf
		case e.Response != nil:
			out.ResponseID, out.Text = &e.Response.ID, e.Response.Comment
		}
		return out
	}), nil
}
