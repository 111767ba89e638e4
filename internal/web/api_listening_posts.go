package web

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/stats"
	"github.com/fresco-cx/fresco/internal/value"
)

// ListeningPostOut is a listening post with its activity.
type ListeningPostOut struct {
	ID               int64                    `json:"id"`
	Slug             string                   `json:"slug"`
	Name             string                   `json:"name"`
	Description      string                   `json:"description"`
	UsedFor          string                   `json:"used_for" doc:"How this post's feedback is used."`
	Solicited        bool                     `json:"solicited" doc:"The business asks (counts against the contact-frequency rule)."`
	Active           bool                     `json:"active"`
	Responses        int                      `json:"responses" doc:"Volume in the period."`
	Asked            int                      `json:"asked"`
	Answered         int                      `json:"answered"`
	ResponseRate     *stats.Proportion        `json:"response_rate" doc:"answered / asked with its 95% interval; null when nothing was asked."`
	MedianDelayHours *float64                 `json:"median_hours_purchase_to_feedback" doc:"Median time from purchase to feedback, each delay counted in whole hours (to the nearest); null without purchase-linked responses."`
	WithPurchase     int                      `json:"with_purchase"`
	Uses             []FeedbackUseOut         `json:"recent_uses"`
	Invitations      InvitationCountsOut      `json:"invitations" doc:"What the invitation rules of the post's surveys did with the invitations due in the period; its response_rate is answered / sent."`
	Purpose          string                   `json:"purpose" doc:"What the business wants to know at this post."`
	OwnerEmployeeID  *int64                   `json:"owner_employee_id" doc:"The employee who looks after the post."`
	Questions        []string                 `json:"questions" doc:"The question(s) asked there."`
	RetiredAt        *time.Time               `json:"retired_at" doc:"When the post was retired: it takes no feedback answered after it; null while in use."`
	Checklist        []feedback.ChecklistItem `json:"checklist" doc:"The seed's steps for improving listening posts, each with its tick, note and (in the list and GET) the evidence Fresco has."`
}

// FeedbackUseOut is one entry of a post's "used for" trail.
type FeedbackUseOut struct {
	ID         int64     `json:"id"`
	ResponseID *int64    `json:"response_id"`
	Note       string    `json:"note"`
	Actor      string    `json:"actor"`
	At         time.Time `json:"at"`
}

func useOut(u *fresco.FeedbackUse) FeedbackUseOut {
	return FeedbackUseOut{ID: u.ID, ResponseID: u.ResponseID, Note: u.Note, Actor: u.Actor, At: u.At}
}

// postOut is a post with its activity; evidence, when not empty, is the
// period the activity covers, for the checklist's evidence ("" leaves the
// evidence out: the post's activity was not read).
func postOut(ps feedback.PostStats, evidence string) ListeningPostOut {
	p := ps.Post
	out := ListeningPostOut{ID: p.ID, Slug: p.Slug, Name: p.Name, Description: p.Description, UsedFor: p.UsedFor,
		Solicited: p.Solicited, Active: p.Active, Responses: ps.Responses, Asked: ps.Asked, Answered: ps.Answered,
		ResponseRate: ps.ResponseRate, WithPurchase: ps.WithPurchase, Uses: []FeedbackUseOut{},
		Invitations: invitationCountsOut(ps.Invitations, ps.InvitationRate),
		Purpose:     p.Purpose, OwnerEmployeeID: p.OwnerEmployeeID, Questions: p.Questions, RetiredAt: p.RetiredAt,
		Checklist: feedback.Checklist(ps, evidence)}
	if out.Questions == nil {
		out.Questions = []string{}
	}
	if evidence == "" {
		for i := range out.Checklist {
			out.Checklist[i].Evidence = ""
		}
	}
	if ps.MedianDelay != nil {
		h := ps.MedianDelay.Hours()
		out.MedianDelayHours = &h
	}
	for _, u := range ps.Uses {
		out.Uses = append(out.Uses, useOut(u))
	}
	return out
}

// ListeningPostPatch changes a post.
type ListeningPostPatch struct {
	Name            *string            `json:"name,omitempty"`
	Description     *string            `json:"description,omitempty"`
	UsedFor         *string            `json:"used_for,omitempty"`
	Solicited       *bool              `json:"solicited,omitempty"`
	Active          *bool              `json:"active,omitempty"`
	Purpose         *string            `json:"purpose,omitempty"`
	OwnerEmployeeID *int64             `json:"owner_employee_id,omitempty" minimum:"0" doc:"0 clears the owner."`
	Questions       *[]string          `json:"questions,omitempty"`
	Checklist       *map[string]string `json:"checklist,omitempty" doc:"The ticked steps of the improvement checklist, by key (review, timing, want_to_know, design, questions_built_in, new_posts), each with a note; replaces the ticks."`
	Retired         *bool              `json:"retired,omitempty" doc:"true retires the post (it stops taking new feedback, its history stays); false puts it back in use."`
}

// ListeningPostNew is a new post.
type ListeningPostNew struct {
	Slug            string   `json:"slug" doc:"Lower-case letters, digits, - or _."`
	Name            string   `json:"name"`
	Description     string   `json:"description,omitempty"`
	UsedFor         string   `json:"used_for,omitempty"`
	Solicited       bool     `json:"solicited,omitempty" doc:"The business asks (counts against the contact-frequency rule); default false."`
	Purpose         string   `json:"purpose,omitempty"`
	OwnerEmployeeID *int64   `json:"owner_employee_id,omitempty" minimum:"1"`
	Questions       []string `json:"questions,omitempty"`
}

// AcquisitionReport answers "How did you hear about us?" and what each
// source cost and returned in the period.
type AcquisitionReport struct {
	From    string                 `json:"from" doc:"The period's first day."`
	To      string                 `json:"to" doc:"… and its last, inclusive."`
	Sources []AcquisitionSourceOut `json:"sources"`
	Months  []AcquisitionMonthOut  `json:"months" doc:"The same figures month by month (calendar months in UTC, cut to the period), the sources in the order above."`
	Losing  []string               `json:"losing_money" doc:"The sources that lose money, in words, most spend first."`
	Mapped  map[string]string      `json:"channel_sources" doc:"The owner's channel → source mapping in force (channels lower-cased); any other channel pays for the source of its own name, compared case-insensitively."`
}

// AcquisitionSourceOut is one source.
type AcquisitionSourceOut struct {
	Source       string           `json:"source"`
	Customers    int              `json:"customers" doc:"All customers with this source, whenever first seen."`
	Retention    stats.Proportion `json:"retention" doc:"Share of these customers who bought more than once, with its 95% interval."`
	AverageValue Money            `json:"average_value" doc:"Mean total net purchases per customer."`
	TotalValue   Money            `json:"total_value"`
	SourcePeriodOut
}

// SourcePeriodOut is what a source cost and returned in a period.
type SourcePeriodOut struct {
	NewCustomers  int      `json:"new_customers" doc:"Customers first seen in the period with this source."`
	Spend         Money    `json:"spend" doc:"Marketing spend of the channels mapped to the source: each record's amount × the share of its days in the period."`
	CAC           *Money   `json:"cac" doc:"spend ÷ new_customers; null when there are none."`
	CLV           *Money   `json:"clv" doc:"Mean predicted lifetime value of the new customers the last refit valued (clv_n of them); null when none was."`
	CLVLow        *Money   `json:"clv_ci_low" doc:"95% Student-t interval of clv; null with fewer than two."`
	CLVHigh       *Money   `json:"clv_ci_high"`
	CLVN          int      `json:"clv_n"`
	CLVToCAC      *float64 `json:"clv_to_cac" doc:"clv ÷ cac; null without both or when cac is 0."`
	CLVToCACLow   *float64 `json:"clv_to_cac_ci_low" doc:"clv's interval ÷ cac."`
	CLVToCACHigh  *float64 `json:"clv_to_cac_ci_high"`
	MonthlyGP     *Money   `json:"monthly_gross_profit" doc:"Mean observed gross profit a month of the same customers: each one's gross profit to the last refit ÷ the months since their first purchase (at least one)."`
	MonthlyGPLow  *Money   `json:"monthly_gross_profit_ci_low"`
	MonthlyGPHigh *Money   `json:"monthly_gross_profit_ci_high"`
	Payback       *float64 `json:"payback_months" doc:"cac ÷ monthly_gross_profit: months of their gross profit that repay cac; null without cac or when they made no gross profit."`
	PaybackLow    *float64 `json:"payback_months_ci_low" doc:"cac ÷ the profit interval's high end."`
	PaybackHigh   *float64 `json:"payback_months_ci_high" doc:"cac ÷ the profit interval's low end; null when that is not above 0."`
	LosesMoney    bool     `json:"loses_money" doc:"clv below cac, or spend that brought no new customer."`
}

// AcquisitionMonthOut is one month of the period.
type AcquisitionMonthOut struct {
	Month   string                  `json:"month" doc:"YYYY-MM."`
	Sources []AcquisitionMonthEntry `json:"sources"`
}

// AcquisitionMonthEntry is one source's month.
type AcquisitionMonthEntry struct {
	Source string `json:"source"`
	SourcePeriodOut
}

func sourcePeriodOut(f value.SourceFigures) SourcePeriodOut {
	out := SourcePeriodOut{NewCustomers: f.NewCustomers, Spend: moneyOut(f.Spend), CLVN: f.CLVN, LosesMoney: f.LosesMoney()}
	if f.CAC != nil {
		m := moneyOut(*f.CAC)
		out.CAC = &m
	}
	out.CLV, out.CLVLow, out.CLVHigh = intervalOut(f.CLV, centsOut)
	out.MonthlyGP, out.MonthlyGPLow, out.MonthlyGPHigh = intervalOut(f.MonthlyGrossProfit, centsOut)
	out.CLVToCAC, out.CLVToCACLow, out.CLVToCACHigh = intervalOut(f.CLVToCAC, ratioOut)
	out.Payback, out.PaybackLow, out.PaybackHigh = intervalOut(f.PaybackMonths, ratioOut)
	return out
}

// intervalOut is an interval's value and ends through out; all nil for no
// interval, an end nil where it has none.
func intervalOut[T any](in *value.Interval, out func(float64) T) (v, low, high *T) {
	if in == nil {
		return nil, nil, nil
	}
	at := func(x float64) *T {
		o := out(x)
		return &o
	}
	v = at(in.Value)
	if in.Low != nil {
		low = at(*in.Low)
	}
	if in.High != nil {
		high = at(*in.High)
	}
	return v, low, high
}

func centsOut(x float64) Money { return moneyOut(fresco.Money(math.Round(x))) }

func ratioOut(x float64) float64 { return math.Round(x*100) / 100 }

func (s *Server) listListeningPosts(ctx context.Context, in *struct {
	From string `query:"from"`
	To   string `query:"to"`
}) (*One[ItemList[ListeningPostOut]], error) {
	var v fresco.Validation
	from, to := parseTimeParam(&v, "from", in.From, false), parseTimeParam(&v, "to", in.To, true)
	if err := v.Err(); err != nil {
		return nil, err
	}
	list, err := s.feedback.PostStats(ctx, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]ListeningPostOut, len(list))
	for i, p := range list {
		out[i] = postOut(p, periodText(in.From, in.To))
	}
	return &One[ItemList[ListeningPostOut]]{Body: ItemList[ListeningPostOut]{Items: out}}, nil
}

func (s *Server) updateListeningPost(ctx context.Context, in *struct {
	ID string `path:"id" doc:"An id or a slug."`
	IfMatchParam
	Body ListeningPostPatch
}) (*Tagged[ListeningPostOut], error) {
	p, err := s.postByKey(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	version, err := in.expectedVersion("listening post", p.ID, p.Version)
	if err != nil {
		return nil, err
	}
	if err := s.feedback.UpdatePost(ctx, p, version, feedback.PostChange(in.Body), principal(ctx).Actor()); err != nil {
		return nil, err
	}
	return tagged(postOut(feedback.PostStats{Post: p}, ""), p.Version), nil
}

func (s *Server) createListeningPost(ctx context.Context, in *struct {
	Body ListeningPostNew
}) (*Tagged[ListeningPostOut], error) {
	b := in.Body
	p := &fresco.ListeningPost{Slug: b.Slug, Name: b.Name, Description: b.Description, UsedFor: b.UsedFor,
		Solicited: b.Solicited, Purpose: b.Purpose, OwnerEmployeeID: b.OwnerEmployeeID, Questions: b.Questions}
	if err := s.feedback.CreatePost(ctx, p, principal(ctx).Actor()); err != nil {
		return nil, err
	}
	return tagged(postOut(feedback.PostStats{Post: p}, ""), p.Version), nil
}

func (s *Server) getListeningPost(ctx context.Context, in *struct {
	ID   string `path:"id" doc:"An id or a slug."`
	From string `query:"from"`
	To   string `query:"to"`
}) (*Tagged[ListeningPostOut], error) {
	var v fresco.Validation
	from, to := parseTimeParam(&v, "from", in.From, false), parseTimeParam(&v, "to", in.To, true)
	if err := v.Err(); err != nil {
		return nil, err
	}
	p, err := s.postByKey(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	list, err := s.feedback.PostStats(ctx, from, to)
	if err != nil {
		return nil, err
	}
	for _, ps := range list {
		if ps.Post.ID == p.ID {
			return tagged(postOut(ps, periodText(in.From, in.To)), ps.Post.Version), nil
		}
	}
	return tagged(postOut(feedback.PostStats{Post: p}, periodText(in.From, in.To)), p.Version), nil
}

// periodText describes the period of a report's from and to parameters.
func periodText(from, to string) string {
	switch {
	case from == "" && to == "":
		return "in all"
	case from == "":
		return "up to " + to
	case to == "":
		return "since " + from
	}
	return "from " + from + " to " + to
}

func (s *Server) addFeedbackUse(ctx context.Context, in *struct {
	ID   string `path:"id" doc:"An id or a slug."`
	Body struct {
		Note       string `json:"note" maxLength:"2000"`
		ResponseID *int64 `json:"response_id,omitempty"`
	}
}) (*One[FeedbackUseOut], error) {
	p, err := s.postByKey(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	u, err := s.feedback.AddUse(ctx, p.Slug, in.Body.Note, in.Body.ResponseID, principal(ctx).Actor())
	if err != nil {
		return nil, err
	}
	return &One[FeedbackUseOut]{Body: useOut(u)}, nil
}

func (s *Server) acquisitionReport(ctx context.Context, in *struct {
	From string `query:"from" doc:"The period's first day, YYYY-MM-DD (default: a year before to)."`
	To   string `query:"to" doc:"Its last day, inclusive (default: today, UTC)."`
}) (*One[AcquisitionReport], error) {
	from, to, err := reportDates(in.From, in.To, s.now())
	if err != nil {
		return nil, err
	}
	rows, err := s.feedback.Acquisition(ctx)
	if err != nil {
		return nil, err
	}
	econ, err := s.value.Sources(ctx, from, to)
	if err != nil {
		return nil, err
	}
	out := AcquisitionReport{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), Sources: []AcquisitionSourceOut{},
		Months: []AcquisitionMonthOut{}, Mapped: econ.Mapped, Losing: econ.Losing(func(m fresco.Money) string { return m.String() })}
	period := map[string]value.SourceFigures{}
	for _, f := range econ.Sources {
		period[strings.ToLower(f.Source)] = f
	}
	for _, r := range rows {
		k := strings.ToLower(r.Source)
		f, ok := period[k]
		if !ok {
			f = value.SourceFigures{Source: r.Source}
		}
		delete(period, k)
		out.Sources = append(out.Sources, AcquisitionSourceOut{Source: r.Source, Customers: r.Customers, Retention: r.Retention,
			AverageValue: moneyOut(r.AverageValue), TotalValue: moneyOut(r.TotalValue), SourcePeriodOut: sourcePeriodOut(f)})
	}
	for _, f := range econ.Sources { // spend on a source no customer names
		if _, left := period[strings.ToLower(f.Source)]; left {
			out.Sources = append(out.Sources, AcquisitionSourceOut{Source: f.Source, AverageValue: moneyOut(0), TotalValue: moneyOut(0),
				SourcePeriodOut: sourcePeriodOut(f)})
		}
	}
	for _, m := range econ.Months {
		mo := AcquisitionMonthOut{Month: m.Month.Format("2006-01"), Sources: []AcquisitionMonthEntry{}}
		for _, f := range m.Sources {
			mo.Sources = append(mo.Sources, AcquisitionMonthEntry{Source: f.Source, SourcePeriodOut: sourcePeriodOut(f)})
		}
		out.Months = append(out.Months, mo)
	}
	return &One[AcquisitionReport]{Body: out}, nil
}

// reportDates reads a report's from and to dates (YYYY-MM-DD, both
// inclusive): to defaults to today (UTC), from to a year before to.
func reportDates(fromParam, toParam string, now time.Time) (from, to time.Time, err error) {
	var v fresco.Validation
	parse := func(name, s string) time.Time {
		s = strings.TrimSpace(s)
		if s == "" {
			return time.Time{}
		}
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			v.Add("query."+name, "%q is not a date like 2025-01-31", s)
		}
		return t
	}
	from, to = parse("from", fromParam), parse("to", toParam)
	if err := v.Err(); err != nil {
		return from, to, err
	}
	if to.IsZero() {
		y, m, d := now.UTC().Date()
		to = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	if from.IsZero() {
		from = to.AddDate(-1, 0, 1)
	}
	v.Check(!to.Before(from), "query.to", "%s is before from (%s)", to.Format(time.DateOnly), from.Format(time.DateOnly))
	v.Check(!to.After(from.AddDate(10, 0, 0)), "query.from", "the period is longer than ten years")
	return from, to, v.Err()
}

func (s *Server) postByKey(ctx context.Context, key string) (*fresco.ListeningPost, error) {
	if id, err := strconv.ParseInt(key, 10, 64); err == nil {
		return s.db.ListeningPost(ctx, id)
	}
	return s.db.ListeningPostBySlug(ctx, key)
}
