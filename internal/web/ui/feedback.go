package ui

// Listening posts and feedback (internal/feedback): the Feedback dashboard
// (NPS, CSAT and CES with their intervals, the NPS trend with its band, the
// score distribution, what moves NPS, rankings, listening posts and the
// acquisition report), the comments page (sentiment, categories, the
// classifier and its held-out accuracy) and the follow-up calls page.

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/stats"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/text"
)

type fbFilterForm struct {
	From, To, Location, Employee, Post, Period string
}

func (f fbFilterForm) Query() string {
	v := url.Values{}
	for k, s := range map[string]string{"from": f.From, "to": f.To, "location": f.Location, "employee": f.Employee, "post": f.Post, "period": f.Period} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v.Encode()
}

func fbFilterFrom(r *http.Request) (fbFilterForm, store.ResponseFilter, string) {
	q := r.URL.Query()
	form := fbFilterForm{From: q.Get("from"), To: q.Get("to"), Location: q.Get("location"), Employee: q.Get("employee"),
		Post: q.Get("post"), Period: q.Get("period")}
	var f store.ResponseFilter
	var problems []string
	if form.From != "" {
		if d, err := time.Parse(time.DateOnly, form.From); err == nil {
			f.From = d
		} else {
			problems = append(problems, "“From” is not a date.")
		}
	}
	if form.To != "" {
		if d, err := time.Parse(time.DateOnly, form.To); err == nil {
			f.To = d.AddDate(0, 0, 1)
		} else {
			problems = append(problems, "“To” is not a date.")
		}
	}
	id := func(s string) *int64 {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
			return &n
		}
		return nil
	}
	f.LocationID, f.EmployeeID, f.PostSlug = id(form.Location), id(form.Employee), form.Post
	switch form.Period {
	case feedback.PeriodDay, feedback.PeriodWeek, feedback.PeriodMonth:
	default:
		form.Period = feedback.PeriodMonth
	}
	return form, f, strings.Join(problems, " ")
}

type fbOption struct {
	Value, Label string
	Selected     bool
}

type fbDashboard struct {
	Form      fbFilterForm
	Problem   string
	Locations []fbOption
	Employees []fbOption
	Posts     []fbOption
	NPS       stats.NPSResult
	CSAT      stats.CSATResult
	CES       stats.CESResult
	Trend     []feedback.TrendPeriod
	Ranking   []feedback.GroupResult
	ByPost    []feedback.GroupResult
	BySegment []feedback.GroupResult
	LocRank   []feedback.GroupResult
	MinN      int
	PostStats []feedback.PostStats
	PostRows  []fbPostRow
	Acq       []feedback.AcquisitionRow
	Drivers   stats.DriverAnalysis
	Charts    fbCharts
}

type fbPostRow struct {
	Slug, Name, Description, UsedFor string
	Responses, Asked, Answered       int
	Rate                             *stats.Proportion
	Median                           string
	WithPurchase                     int
	Uses                             []*store.FeedbackUse
}

type fbCharts struct {
	Trend        []fbTrendPoint `json:"trend"`
	Distribution []int          `json:"distribution"`
	Drivers      []stats.Driver `json:"drivers"`
}

type fbTrendPoint struct {
	Label       string   `json:"label"`
	N           int      `json:"n"`
	NPS         *float64 `json:"nps"`
	Low         *float64 `json:"low"`
	High        *float64 `json:"high"`
	Significant bool     `json:"significant"`
}

// FeedbackPage is GET /feedback: the dashboard.
func (u *UI) FeedbackPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	form, f, problem := fbFilterFrom(r)
	d := fbDashboard{Form: form, Problem: problem, MinN: u.feedback.Options().MinN}
	var err error
	fail := func(e error) bool {
		if e != nil {
			u.fail(w, r, e)
			return true
		}
		return false
	}
	if d.NPS, err = u.feedback.NPS(ctx, f); fail(err) {
		return
	}
	if d.CSAT, err = u.feedback.CSAT(ctx, f); fail(err) {
		return
	}
	if d.CES, err = u.feedback.CES(ctx, f); fail(err) {
		return
	}
	if d.Trend, err = u.feedback.Trend(ctx, f, feedback.ScaleNPS, form.Period); fail(err) {
		return
	}
	if d.Ranking, err = u.feedback.Breakdown(ctx, f, feedback.ScaleNPS, store.GroupEmployee, 0); fail(err) {
		return
	}
	if d.LocRank, err = u.feedback.Breakdown(ctx, f, feedback.ScaleNPS, store.GroupLocation, 0); fail(err) {
		return
	}
	if d.ByPost, err = u.feedback.Breakdown(ctx, f, feedback.ScaleNPS, store.GroupPost, 0); fail(err) {
		return
	}
	if d.BySegment, err = u.feedback.Breakdown(ctx, f, feedback.ScaleNPS, store.GroupSegment, 0); fail(err) {
		return
	}
	if d.PostStats, err = u.feedback.PostStats(ctx, f.From, f.To); fail(err) {
		return
	}
	if d.Acq, err = u.feedback.Acquisition(ctx); fail(err) {
		return
	}
	if d.Drivers, err = u.feedback.Drivers(ctx, f); fail(err) {
		return
	}
	dist, err := u.feedback.Distribution(ctx, f, feedback.ScaleNPS)
	if fail(err) {
		return
	}
	d.Charts = fbCharts{Distribution: dist, Drivers: d.Drivers.Drivers}
	for _, p := range d.Trend {
		tp := fbTrendPoint{Label: p.Label, N: p.N, Significant: p.SignificantChange}
		if p.NPS != nil && !p.NPS.Result.NoData {
			v, lo, hi := p.NPS.Result.NPS, p.NPS.Result.CILow, p.NPS.Result.CIHigh
			tp.NPS, tp.Low, tp.High = &v, &lo, &hi
		}
		d.Charts.Trend = append(d.Charts.Trend, tp)
	}
	locs, _, err := u.db.ListLocations(ctx, store.LocationFilter{Limit: 500})
	if fail(err) {
		return
	}
	for _, l := range locs {
		v := strconv.FormatInt(l.ID, 10)
		d.Locations = append(d.Locations, fbOption{Value: v, Label: l.Name, Selected: v == form.Location})
	}
	emps, _, err := u.db.ListEmployees(ctx, store.EmployeeFilter{Limit: 1000})
	if fail(err) {
		return
	}
	for _, e := range emps {
		v := strconv.FormatInt(e.ID, 10)
		d.Employees = append(d.Employees, fbOption{Value: v, Label: e.Name, Selected: v == form.Employee})
	}
	for _, p := range d.PostStats {
		d.Posts = append(d.Posts, fbOption{Value: p.Post.Slug, Label: p.Post.Name, Selected: p.Post.Slug == form.Post})
		d.PostRows = append(d.PostRows, fbPostRow{Slug: p.Post.Slug, Name: p.Post.Name, Description: p.Post.Description,
			UsedFor: p.Post.UsedFor, Responses: p.Responses, Asked: p.Asked, Answered: p.Answered, Rate: p.ResponseRate,
			Median: fbHours(p.MedianDelay), WithPurchase: p.WithPurchase, Uses: p.Uses})
	}
	u.render(w, r, http.StatusOK, "feedback_dashboard", "Feedback", d)
}

type fbCommentsView struct {
	Taxonomy   string
	Rows       []fbCommentRow
	Categories text.Taxonomy
	Status     feedback.ClassifierStatus
	CanTrain   bool
	Filter     string
	Next       string
	Message    string
}

type fbCommentRow struct {
	R         *store.Response
	Suggested []string
	Assigned  map[string]bool
}

// Sentiment is the compound score with two decimals.
func (r fbCommentRow) Sentiment() string {
	if r.R.Sentiment == nil {
		return ""
	}
	return strconv.FormatFloat(*r.R.Sentiment, 'f', 2, 64)
}

// FeedbackComments is GET /feedback/comments: comments with sentiment and
// categories, and the classifier.
func (u *UI) FeedbackComments(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	ctx := r.Context()
	q := r.URL.Query()
	view := fbCommentsView{Filter: q.Get("show"), CanTrain: v.Role.CanManageEmployees(), Message: q.Get("msg")}
	f := store.ResponseFilter{WithComment: true, Limit: 50, Cursor: q.Get("cursor")}
	switch view.Filter {
	case "unlabelled":
		b := false
		f.Labelled = &b
	case "labelled":
		b := true
		f.Labelled = &b
	}
	list, next, err := u.db.ListResponses(ctx, f)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	view.Next = next
	if view.Categories, err = u.feedback.Taxonomy(ctx); err != nil {
		u.fail(w, r, err)
		return
	}
	view.Taxonomy = taxonomyText(view.Categories)
	if view.Status, err = u.feedback.ClassifierStatus(ctx); err != nil {
		u.fail(w, r, err)
		return
	}
	for _, resp := range list {
		row := fbCommentRow{R: resp, Assigned: map[string]bool{}}
		for _, c := range resp.Categories {
			row.Assigned[c] = true
		}
		_, row.Suggested, _ = u.feedback.Suggest(ctx, resp.Comment)
		view.Rows = append(view.Rows, row)
	}
	u.render(w, r, http.StatusOK, "feedback_comments", "Comments", view)
}

// FeedbackCategorise is POST /feedback/comments/{id}: staff assign categories.
func (u *UI) FeedbackCategorise(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	id, ok := u.idAndForm(w, r, 64<<10)
	if !ok {
		return
	}
	if err := u.feedback.Categorise(r.Context(), id, r.PostForm["category"], v.actor()); err != nil {
		u.fail(w, r, err)
		return
	}
	back := "/feedback/comments"
	if s := r.PostForm.Get("show"); s == "labelled" || s == "unlabelled" {
		back += "?show=" + s
	}
	http.Redirect(w, r, back+"#r"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// FeedbackTrain is POST /feedback/classifier: retrain the classifier.
func (u *UI) FeedbackTrain(w http.ResponseWriter, r *http.Request) {
	msg := "Classifier retrained."
	if _, err := u.feedback.TrainClassifier(r.Context()); err != nil {
		if fresco.ErrorCode(err) != fresco.ECONFLICT {
			u.fail(w, r, err)
			return
		}
		msg = fresco.ErrorMessage(err)
	}
	http.Redirect(w, r, "/feedback/comments?msg="+url.QueryEscape(msg), http.StatusSeeOther)
}

type fbCallsView struct {
	Tasks   []*store.CallTask
	Script  []store.Question
	Note    string
	Mine    bool
	Message string
	Error   string
	ErrorID int64
}

// FeedbackCalls is GET /feedback/calls: the viewer's follow-up calls.
func (u *UI) FeedbackCalls(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	u.renderCalls(w, r, v, http.StatusOK, r.URL.Query().Get("msg"), "", 0)
}

func (u *UI) renderCalls(w http.ResponseWriter, r *http.Request, v *viewer, status int, msg, errMsg string, errID int64) {
	view := fbCallsView{Script: feedback.CallScript, Note: feedback.CallScriptNote, Message: msg, Error: errMsg, ErrorID: errID}
	f := store.CallTaskFilter{Status: feedback.CallOpen, Limit: 200}
	if !v.Role.CanManageEmployees() || r.URL.Query().Get("all") == "" {
		view.Mine = true
		id := v.ID
		f.EmployeeID = &id
		if p, ok := auth.PrincipalFrom(r.Context()); ok && p.Employee != nil {
			f.TeamID = p.Employee.TeamID
		}
	}
	tasks, _, err := u.db.ListCallTasks(r.Context(), f)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	view.Tasks = tasks
	u.render(w, r, status, "feedback_calls", "Follow-up calls", view)
}

// FeedbackCallOutcome is POST /feedback/calls/{id}: record a call.
func (u *UI) FeedbackCallOutcome(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	id, ok := u.idAndForm(w, r, 64<<10)
	if !ok {
		return
	}
	out := feedback.CallOutcome{Status: r.PostForm.Get("status"), Outcome: r.PostForm.Get("outcome"),
		Comment: r.PostForm.Get("comment"), Actor: v.actor()}
	if out.Status == feedback.CallDone {
		for _, q := range feedback.CallScript {
			val := strings.TrimSpace(r.PostForm.Get("q_" + q.Key))
			if val == "" {
				continue
			}
			a := feedback.AnswerInput{Question: q.Key, Type: q.Type}
			switch q.Type {
			case feedback.TypeText:
				a.Text = val
			case feedback.TypeSingleChoice:
				a.Choice = val
			default:
				n, err := strconv.Atoi(val)
				if err != nil {
					continue
				}
				a.Score = &n
			}
			out.Answers = append(out.Answers, a)
		}
	}
	if _, err := u.feedback.CompleteCallTask(r.Context(), id, out); err != nil {
		switch fresco.ErrorCode(err) {
		case fresco.EINVALID, fresco.ECONFLICT:
			u.renderCalls(w, r, v, http.StatusUnprocessableEntity, "", invalidOrMessage(err), id)
		default:
			u.fail(w, r, err)
		}
		return
	}
	http.Redirect(w, r, "/feedback/calls?msg="+url.QueryEscape("Call recorded."), http.StatusSeeOther)
}

func invalidOrMessage(err error) string {
	fields := fresco.ErrorFields(err)
	if len(fields) == 0 {
		return fresco.ErrorMessage(err)
	}
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return strings.Join(parts, "; ")
}

func fbHours(d *time.Duration) string {
	if d == nil {
		return "–"
	}
	h := d.Hours()
	if h < 48 {
		return fmt.Sprintf("%.0f hours", h)
	}
	return fmt.Sprintf("%.1f days", h/24)
}

type fbSurveysView struct {
	Surveys   []*store.Survey
	Origin    string
	CanManage bool
	CanWrite  bool
	Link      string
	LinkFor   int64
	Error     string
	Message   string
	Form      map[string]string
}

// surveyBlocks are the question sets the quick survey form offers.
var surveyBlocks = []struct {
	Key, Label string
	Questions  []store.Question
}{
	{"nps", "Net Promoter Score (0–10)", []store.Question{{Key: "nps", Type: feedback.TypeNPS, Required: true}}},
	{"csat", "Satisfaction (CSAT, 1–5)", []store.Question{{Key: "csat", Type: feedback.TypeCSAT}}},
	{"ces", "Customer effort (CES, 1–7)", []store.Question{{Key: "ces", Type: feedback.TypeCES}}},
	{"quality", "The five influences on process quality", func() []store.Question {
		var qs []store.Question
		for _, it := range feedback.ProcessQualityItems {
			qs = append(qs, store.Question{Key: it, Type: feedback.TypeProcessQuality, Item: it})
		}
		return qs
	}()},
	{"value", "Customer Value Equation (results, process quality, price, access costs)", func() []store.Question {
		var qs []store.Question
		for _, it := range feedback.ValueItems {
			qs = append(qs, store.Question{Key: "value_" + it, Type: feedback.TypeValue, Item: it})
		}
		return qs
	}()},
	{"heard", "How did you hear about us?", []store.Question{{Key: "heard", Type: feedback.TypeAcquisitionSource}}},
	{"better", "Free text: anything we could do better?", []store.Question{{Key: "better", Type: feedback.TypeText}}},
}

// FeedbackSurveys is GET /feedback/surveys: surveys, their widget snippet
// and survey links.
func (u *UI) FeedbackSurveys(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	u.renderSurveys(w, r, v, http.StatusOK, fbSurveysView{Message: r.URL.Query().Get("msg")})
}

func (u *UI) renderSurveys(w http.ResponseWriter, r *http.Request, v *viewer, status int, view fbSurveysView) {
	list, err := u.db.ListSurveys(r.Context())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	view.Surveys, view.Origin = list, scheme+"://"+r.Host
	view.CanManage, view.CanWrite = v.Role.CanManageEmployees(), v.Role.CanWrite()
	if view.Form == nil {
		view.Form = map[string]string{}
	}
	u.render(w, r, status, "feedback_surveys", "Surveys", struct {
		fbSurveysView
		Blocks any
	}{view, surveyBlocks})
}

// FeedbackCreateSurvey is POST /feedback/surveys: the quick survey form.
func (u *UI) FeedbackCreateSurvey(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	if !u.readForm(w, r, 64<<10) {
		return
	}
	f := r.PostForm
	sv := &store.Survey{Slug: strings.TrimSpace(f.Get("slug")), Name: strings.TrimSpace(f.Get("name")),
		Intro: strings.TrimSpace(f.Get("intro")), Active: true, WidgetEnabled: f.Get("widget") == "on"}
	post := f.Get("post")
	if post == "" {
		post = feedback.PostSurvey
	}
	p, err := u.db.ListeningPostBySlug(r.Context(), post)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	sv.PostID, sv.PostSlug = p.ID, p.Slug
	for _, b := range surveyBlocks {
		if f.Get("block_"+b.Key) == "on" {
			sv.Questions = append(sv.Questions, b.Questions...)
		}
	}
	if err := u.feedback.CreateSurvey(r.Context(), sv, v.actor()); err != nil {
		if c := fresco.ErrorCode(err); c == fresco.EINVALID || c == fresco.ECONFLICT {
			form := map[string]string{"slug": sv.Slug, "name": sv.Name, "intro": sv.Intro}
			u.renderSurveys(w, r, v, http.StatusUnprocessableEntity, fbSurveysView{Error: invalidOrMessage(err), Form: form})
			return
		}
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/feedback/surveys?msg="+url.QueryEscape("Survey “"+sv.Name+"” created."), http.StatusSeeOther)
}

// FeedbackCreateLink is POST /feedback/surveys/{id}/links: a signed,
// single-use, expiring link for a customer or a purchase.
func (u *UI) FeedbackCreateLink(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	id, ok := u.idAndForm(w, r, 16<<10)
	if !ok {
		return
	}
	in := feedback.InvitationInput{SurveyID: id, Channel: "ui"}
	var problems []string
	for _, fld := range []struct {
		name string
		dst  **int64
	}{{"customer_id", &in.CustomerID}, {"purchase_id", &in.PurchaseID}} {
		s := strings.TrimSpace(r.PostForm.Get(fld.name))
		if s == "" {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			problems = append(problems, fld.name+": not an id")
			continue
		}
		*fld.dst = &n
	}
	if len(problems) > 0 {
		u.renderSurveys(w, r, v, http.StatusUnprocessableEntity, fbSurveysView{Error: strings.Join(problems, "; "), LinkFor: id})
		return
	}
	inv, err := u.feedback.CreateInvitation(r.Context(), in)
	if err != nil {
		if c := fresco.ErrorCode(err); c == fresco.EINVALID || c == fresco.ECONFLICT {
			u.renderSurveys(w, r, v, http.StatusUnprocessableEntity, fbSurveysView{Error: invalidOrMessage(err), LinkFor: id})
			return
		}
		u.fail(w, r, err)
		return
	}
	u.renderSurveys(w, r, v, http.StatusOK, fbSurveysView{Link: inv.Path, LinkFor: id,
		Message: "Link created; it works once and expires on " + inv.ExpiresAt.Format("2 Jan 2006") + "."})
}

// taxonomyText writes the taxonomy one category a line:
// "slug | Name | keyword, keyword | description".
func taxonomyText(t text.Taxonomy) string {
	var b strings.Builder
	for _, c := range t {
		fmt.Fprintf(&b, "%s | %s | %s | %s\n", c.Slug, c.Name, strings.Join(c.Keywords, ", "), c.Description)
	}
	return b.String()
}

// parseTaxonomy reads taxonomyText's format, naming the line at fault.
func parseTaxonomy(s string) (text.Taxonomy, error) {
	var t text.Taxonomy
	for i, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		parts := strings.SplitN(line, "|", 4)
		for len(parts) < 4 {
			parts = append(parts, "")
		}
		c := text.Category{Slug: strings.TrimSpace(parts[0]), Name: strings.TrimSpace(parts[1]), Description: strings.TrimSpace(parts[3])}
		for _, k := range strings.Split(parts[2], ",") {
			if k = strings.TrimSpace(k); k != "" {
				c.Keywords = append(c.Keywords, k)
			}
		}
		if c.Slug == "" || c.Name == "" {
			return nil, fresco.Errorf(fresco.EINVALID, "line %d: write “slug | Name | keywords | description”", i+1)
		}
		t = append(t, c)
	}
	if len(t) == 0 {
		return nil, fresco.Errorf(fresco.EINVALID, "the taxonomy needs at least one category")
	}
	if err := t.Validate(); err != nil {
		return nil, fresco.Errorf(fresco.EINVALID, "%s", err.Error())
	}
	return t, nil
}

// FeedbackTaxonomy is POST /feedback/categories: managers edit the taxonomy.
func (u *UI) FeedbackTaxonomy(w http.ResponseWriter, r *http.Request) {
	if !u.readForm(w, r, 256<<10) {
		return
	}
	msg := "Categories saved."
	t, err := parseTaxonomy(r.PostForm.Get("taxonomy"))
	if err == nil {
		err = u.feedback.SetTaxonomy(r.Context(), t)
	}
	if err != nil {
		if fresco.ErrorCode(err) != fresco.EINVALID {
			u.fail(w, r, err)
			return
		}
		msg = "Categories not saved: " + fresco.ErrorMessage(err)
	}
	http.Redirect(w, r, "/feedback/comments?msg="+url.QueryEscape(msg), http.StatusSeeOther)
}
