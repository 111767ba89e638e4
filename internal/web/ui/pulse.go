package ui

// The employee pulse's pages (internal/pulse): answering this month's
// pulse (every employee), its results behind the anonymity floor (owners,
// managers, analysts) and the owner's question set.

import (
	"cmp"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/pulse"
)

func init() {
	flashes["pulse-answered"] = "Thank you. Your answer is in, without your name."
	flashes["pulse-questions-saved"] = "Questions saved. The next pulse asks them; earlier ones keep their wording."
}

// pulseView is the answer page.
type pulseView struct {
	Pulse     *fresco.Pulse
	Month     string // "March 2025"
	Closes    string
	Questions []pulseQuestionView
	Answered  bool
	Results   bool // the viewer may read results
	Error     string
	MinN      int
}

type pulseQuestionView struct {
	fresco.PulseQuestion
	Scores []int  // the choices of a scored question
	Value  string // what was posted, kept when the form is refused
}

// PulsePage shows this month's pulse to answer, or says it is answered or
// that none is open.
func (u *UI) PulsePage(w http.ResponseWriter, r *http.Request) {
	u.renderPulse(w, r, http.StatusOK, nil, "")
}

func (u *UI) renderPulse(w http.ResponseWriter, r *http.Request, status int, posted map[string]string, problem string) {
	v := viewerFrom(r.Context())
	p, qs, answered, err := u.pulse.Current(r.Context(), v.ID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	view := pulseView{Pulse: p, Answered: answered, Error: problem, MinN: pulse.MinN,
		Results: v.Role != fresco.RoleAgent}
	if p != nil {
		f := u.format()
		view.Month = monthName(p.Period)
		view.Closes = f.Date(p.ClosesAt.Add(-1))
		for _, q := range qs.Questions {
			qv := pulseQuestionView{PulseQuestion: q, Value: posted[q.Key]}
			switch q.Kind {
			case fresco.PulseScale:
				qv.Scores = []int{1, 2, 3, 4, 5}
			case fresco.PulseENPS:
				qv.Scores = []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
			}
			view.Questions = append(view.Questions, qv)
		}
	}
	u.render(w, r, status, "pulse", "Staff pulse", view)
}

// AnswerPulse records the viewer's answer to the open pulse.
func (u *UI) AnswerPulse(w http.ResponseWriter, r *http.Request) {
	if !u.readForm(w, r, maxFormBytes) {
		return
	}
	v := viewerFrom(r.Context())
	id := optionalNumber(r.PostFormValue("pulse"))
	posted := map[string]string{}
	answers := map[string]fresco.PulseAnswer{}
	var bad fresco.Validation
	for name, values := range r.PostForm {
		key, ok := strings.CutPrefix(name, "q_")
		if !ok || len(values) == 0 || strings.TrimSpace(values[0]) == "" {
			continue
		}
		posted[key] = values[0]
		if r.PostFormValue("kind_"+key) == string(fresco.PulseText) {
			answers[key] = fresco.PulseAnswer{Text: strings.TrimSpace(values[0])}
			continue
		}
		n, err := strconv.Atoi(values[0])
		if err != nil {
			bad.Add("answers."+key, "must be one of the numbers offered")
			continue
		}
		answers[key] = fresco.PulseAnswer{Score: &n}
	}
	err := bad.Err()
	if err == nil {
		err = u.pulse.Answer(r.Context(), v.ID, id, answers)
	}
	switch fresco.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/pulse?done=pulse-answered", http.StatusSeeOther)
	case fresco.EINVALID, fresco.ECONFLICT, fresco.ENOTFOUND:
		u.renderPulse(w, r, http.StatusUnprocessableEntity, posted, pulseProblem(err))
	default:
		u.fail(w, r, err)
	}
}

// pulseProblem puts a refused answer in words: every question to fix.
func pulseProblem(err error) string {
	fields := fresco.ErrorFields(err)
	if len(fields) == 0 {
		return sentence(fresco.ErrorMessage(err))
	}
	var parts []string
	for _, f := range fields {
		parts = append(parts, strings.TrimPrefix(f.Field, "answers.")+": "+f.Message)
	}
	return "Please check: " + strings.Join(parts, "; ") + "."
}

// monthName writes 2025-03 as "March 2025".
func monthName(period string) string {
	if y, q, ok := strings.Cut(period, "-Q"); ok { // a quarter: "2025-Q1"
		return "Q" + q + " " + y
	}
	var y, m int
	if _, err := fmt.Sscanf(period, "%d-%d", &y, &m); err != nil || m < 1 || m > 12 {
		return period
	}
	return fmt.Sprintf("%s %d", [...]string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}[m-1], y)
}

// pulseResultsView is the results page.
type pulseResultsView struct {
	By, Period string
	From, To   string
	Rule       string
	Months     []pulseMonthView
	Error      string
}

type pulseMonthView struct {
	Period, Name string
	Columns      []string // the scale questions' wording, then eNPS
	Rows         []pulseRowView
	Comments     []pulseCommentsView
}

type pulseRowView struct {
	Unit   string
	All    bool
	Hidden bool
	Reason string
	N      int
	Values []string // "3.8 (3.4–4.2)" per scale question, then eNPS
}

type pulseCommentsView struct {
	Unit, Question string
	Texts          []string
}

// PulseResults shows the results per team or location and month.
func (u *UI) PulseResults(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	by := q.Get("by")
	if by == "" {
		by = pulse.UnitTeam
	}
	view := pulseResultsView{By: by, Period: cmp.Or(q.Get("period"), pulse.PeriodMonth), From: q.Get("from"), To: q.Get("to"), Rule: pulse.Rule}
	res, err := u.pulse.Results(r.Context(), pulse.Query{By: by, Period: view.Period, From: view.From, To: view.To})
	switch fresco.ErrorCode(err) {
	case "":
		view.From, view.To = res.From, res.To
		view.Months = pulseMonths(res)
	case fresco.EINVALID:
		view.Error = pulseProblem(err)
	default:
		u.fail(w, r, err)
		return
	}
	u.render(w, r, http.StatusOK, "pulse_results", "Pulse results", view)
}

// pulseMonths lays the cells out as one table per month, newest first.
func pulseMonths(res *pulse.Results) []pulseMonthView {
	var months []pulseMonthView
	for i := len(res.All) - 1; i >= 0; i-- {
		all := res.All[i]
		m := pulseMonthView{Period: all.Period, Name: monthName(all.Period)}
		cells := append([]pulse.Cell{all}, unitsOf(res, all.Period)...)
		for _, c := range cells {
			if !c.Hidden && m.Columns == nil {
				for _, s := range c.Scales {
					m.Columns = append(m.Columns, s.Question)
				}
				m.Columns = append(m.Columns, "eNPS")
			}
			m.Rows = append(m.Rows, pulseRow(c))
			for _, cm := range c.Comments {
				if len(cm.Texts) > 0 {
					m.Comments = append(m.Comments, pulseCommentsView{Unit: c.Unit.Name, Question: cm.Question, Texts: cm.Texts})
				}
			}
		}
		months = append(months, m)
	}
	return months
}

func unitsOf(res *pulse.Results, period string) []pulse.Cell {
	var out []pulse.Cell
	for _, c := range res.Units {
		if c.Period == period {
			out = append(out, c)
		}
	}
	return out
}

func pulseRow(c pulse.Cell) pulseRowView {
	row := pulseRowView{Unit: c.Unit.Name, All: c.Unit.Kind == pulse.UnitAll, Hidden: c.Hidden, Reason: c.Reason}
	if c.Hidden {
		return row
	}
	row.N = *c.N
	for _, s := range c.Scales {
		row.Values = append(row.Values, fmt.Sprintf("%.1f (%.1f–%.1f)", s.Mean, s.CILow, s.CIHigh))
	}
	if e := c.ENPS; e != nil {
		row.Values = append(row.Values, fmt.Sprintf("%+.0f (%+.0f to %+.0f) · %d/%d/%d", e.ENPS, e.CILow, e.CIHigh,
			e.Promoters, e.Passives, e.Detractors))
	}
	return row
}

// pulseQuestionsView is the owner's question editor.
type pulseQuestionsView struct {
	Set       *fresco.PulseQuestionSet
	Questions []fresco.PulseQuestion
	Core      map[string]bool
	Error     string
}

// PulseQuestions shows the question set with a form to change it.
func (u *UI) PulseQuestions(w http.ResponseWriter, r *http.Request) {
	u.renderPulseQuestions(w, r, http.StatusOK, nil, "")
}

func (u *UI) renderPulseQuestions(w http.ResponseWriter, r *http.Request, status int, edited []fresco.PulseQuestion, problem string) {
	qs, err := u.pulse.Questions(r.Context())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	view := pulseQuestionsView{Set: qs, Questions: edited, Error: problem, Core: map[string]bool{}}
	if view.Questions == nil {
		view.Questions = qs.Questions
	}
	for _, q := range pulse.DefaultQuestions {
		view.Core[q.Key] = true
	}
	u.render(w, r, status, "pulse_questions", "Pulse questions", view)
}

// SavePulseQuestions stores the edited set as a new version. Rows are
// key_N, kind_N, text_N; a row with remove_N set or no key is left out.
func (u *UI) SavePulseQuestions(w http.ResponseWriter, r *http.Request) {
	if !u.readForm(w, r, maxFormBytes) {
		return
	}
	var qs []fresco.PulseQuestion
	for i := range pulse.MaxQuestions + 1 {
		n := strconv.Itoa(i)
		key := strings.TrimSpace(r.PostFormValue("key_" + n))
		if key == "" || r.PostFormValue("remove_"+n) != "" {
			continue
		}
		qs = append(qs, fresco.PulseQuestion{Key: key, Kind: fresco.PulseQuestionKind(r.PostFormValue("kind_" + n)),
			Text: r.PostFormValue("text_" + n)})
	}
	_, err := u.pulse.SaveQuestions(r.Context(), viewerFrom(r.Context()).actor(), qs)
	switch fresco.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/pulse/questions?done=pulse-questions-saved", http.StatusSeeOther)
	case fresco.EINVALID:
		u.renderPulseQuestions(w, r, http.StatusUnprocessableEntity, qs, pulseProblem(err))
	default:
		u.fail(w, r, err)
	}
}
