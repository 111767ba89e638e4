package ui

// Survey admin: the list of surveys with their answer counts, the quick
// survey form, a survey's edit page, copy, archive and a preview that shows
// exactly what the customer sees. The rules (what an answered survey may
// change, what archiving does, how slugs are made) are package feedback's,
// shared with the API.

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
)

type fbSurveysView struct {
	Surveys   []surveyRow
	Origin    string
	CanManage bool
	CanWrite  bool
	Error     string
	Message   string // written here, never taken from the URL
	Form      map[string]string
	// Unformed are the answers that came without a survey form, by post.
	Unformed      []postCount
	UnformedTotal int64
}

type surveyRow struct {
	*fresco.Survey
	Answers int64
}

type postCount struct {
	Name string
	N    int64
}

// surveyBlocks are the question sets the quick survey form offers.
var surveyBlocks = []struct {
	Key, Label string
	Questions  []fresco.Question
}{
	{"nps", "Net Promoter Score (0–10)", []fresco.Question{{Key: "nps", Type: feedback.TypeNPS, Required: true}}},
	{"csat", "Satisfaction (CSAT, 1–5)", []fresco.Question{{Key: "csat", Type: feedback.TypeCSAT}}},
	{"ces", "Customer effort (CES, 1–7)", []fresco.Question{{Key: "ces", Type: feedback.TypeCES}}},
	{"quality", "The five influences on process quality", func() []fresco.Question {
		var qs []fresco.Question
		for _, it := range feedback.ProcessQualityItems {
			qs = append(qs, fresco.Question{Key: it, Type: feedback.TypeProcessQuality, Item: it})
		}
		return qs
	}()},
	{"value", "Customer Value Equation (results, process quality, price, access costs)", func() []fresco.Question {
		var qs []fresco.Question
		for _, it := range feedback.ValueItems {
			qs = append(qs, fresco.Question{Key: "value_" + it, Type: feedback.TypeValue, Item: it})
		}
		return qs
	}()},
	{"heard", "How did you hear about us?", []fresco.Question{{Key: "heard", Type: feedback.TypeAcquisitionSource}}},
	{"better", "Free text: anything we could do better?", []fresco.Question{{Key: "better", Type: feedback.TypeText}}},
}

// addBlocks appends the question sets ticked on form f (block_KEY) to qs,
// giving a question whose key is taken the next free one (nps_2).
func addBlocks(qs []fresco.Question, ticked func(string) bool) []fresco.Question {
	for _, b := range surveyBlocks {
		if !ticked("block_" + b.Key) {
			continue
		}
		for _, q := range b.Questions {
			key := q.Key
			for n := 2; slices.ContainsFunc(qs, func(x fresco.Question) bool { return x.Key == key }); n++ {
				key = q.Key + "_" + strconv.Itoa(n)
			}
			q.Key = key
			qs = append(qs, q)
		}
	}
	return qs
}

// questionKind says what a question asks, in words.
func questionKind(q fresco.Question) string {
	switch q.Type {
	case feedback.TypeNPS:
		return "Would recommend us (0–10)"
	case feedback.TypeCSAT:
		return "Satisfaction (1–5)"
	case feedback.TypeCES:
		return "Effort (1–7, 7 very easy)"
	case feedback.TypeRating:
		return "Rating"
	case feedback.TypeSingleChoice:
		return "One choice of " + strings.Join(q.Choices, ", ")
	case feedback.TypeMultipleChoice:
		return "Any choices of " + strings.Join(q.Choices, ", ")
	case feedback.TypeText:
		return "Free text"
	case feedback.TypeAcquisitionSource:
		return "How they heard of us"
	case feedback.TypeProcessQuality:
		return "Service quality (1–5): " + strings.ReplaceAll(q.Item, "_", " ")
	case feedback.TypeValue:
		return "Value (1–5): " + strings.ReplaceAll(q.Item, "_", " ")
	}
	return q.Type
}

// FeedbackSurveys is GET /feedback/surveys: surveys with their answer
// counts, the quick survey form, and links and the widget snippet.
func (u *UI) FeedbackSurveys(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	u.renderSurveys(w, r, v, http.StatusOK, fbSurveysView{})
}

func (u *UI) renderSurveys(w http.ResponseWriter, r *http.Request, v *viewer, status int, view fbSurveysView) {
	ctx := r.Context()
	list, err := u.db.ListSurveys(ctx)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	counts, err := u.db.CountSurveyAnswers(ctx)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	posts, err := u.db.ListeningPosts(ctx)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	// Open surveys first, each group in the order they were made.
	slices.SortStableFunc(list, func(a, b *fresco.Survey) int {
		if a.Active != b.Active {
			if a.Active {
				return -1
			}
			return 1
		}
		return 0
	})
	for _, sv := range list {
		view.Surveys = append(view.Surveys, surveyRow{Survey: sv, Answers: counts.BySurvey[sv.ID]})
	}
	for _, p := range posts {
		if n := counts.Unformed[p.Slug]; n > 0 {
			view.Unformed = append(view.Unformed, postCount{Name: p.Name, N: n})
			view.UnformedTotal += n
		}
	}
	view.Origin = requestOrigin(r)
	view.CanManage, view.CanWrite = v.Role.CanManageEmployees(), v.Role.CanWrite()
	if view.Form == nil {
		view.Form = map[string]string{"block_nps": "on"}
	}
	u.render(w, r, status, "feedback_surveys", "Surveys", struct {
		fbSurveysView
		Blocks any
	}{view, surveyBlocks})
}

// FeedbackCreateSurvey is POST /feedback/surveys: the quick survey form. An
// empty short name is made from the name; a refused form comes back as typed.
func (u *UI) FeedbackCreateSurvey(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	if !u.readForm(w, r, 64<<10) {
		return
	}
	f := r.PostForm
	sv := &fresco.Survey{Slug: strings.TrimSpace(f.Get("slug")), Name: strings.TrimSpace(f.Get("name")),
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
	sv.Questions = addBlocks(nil, func(k string) bool { return f.Get(k) == "on" })
	if err := u.feedback.CreateSurvey(r.Context(), sv, v.actor()); err != nil {
		if c := fresco.ErrorCode(err); c == fresco.EINVALID || c == fresco.ECONFLICT {
			form := map[string]string{"slug": f.Get("slug"), "name": f.Get("name"), "intro": f.Get("intro"), "widget": f.Get("widget")}
			for _, b := range surveyBlocks {
				form["block_"+b.Key] = f.Get("block_" + b.Key)
			}
			u.renderSurveys(w, r, v, http.StatusUnprocessableEntity, fbSurveysView{Error: surveyErrors(err), Form: form})
			return
		}
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/feedback/surveys/%d?done=survey-created", sv.ID), http.StatusSeeOther)
}

// surveyErrors says what is wrong with a survey form, naming its fields as
// the form does ("Question 2", not "questions[1].type").
func surveyErrors(err error) string {
	fields := fresco.ErrorFields(err)
	if len(fields) == 0 {
		return sentence(fresco.ErrorMessage(err))
	}
	names := map[string]string{"name": "Name", "slug": "Short name", "intro": "Introduction", "thanks": "Thank-you",
		"questions": "Questions", "language": "Language"}
	parts := make([]string, len(fields))
	for i, f := range fields {
		name, ok := names[f.Field]
		if rest, found := strings.CutPrefix(f.Field, "questions["); found {
			n, _, _ := strings.Cut(rest, "]")
			i, _ := strconv.Atoi(n)
			name, ok = "Question "+strconv.Itoa(i+1), true
		}
		if !ok {
			name = f.Field
		}
		parts[i] = name + ": " + f.Message + "."
	}
	return strings.Join(parts, " ")
}
