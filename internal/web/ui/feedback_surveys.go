package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
)

type fbSurveysView struct {
	Surveys   []*fresco.Survey
	Origin    string
	CanManage bool
	CanWrite  bool
	Link      string
	LinkFor   int64
	Error     string
	Message   string // written here, never taken from the URL
	Form      map[string]string
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

// FeedbackSurveys is GET /feedback/surveys: surveys, their widget snippet
// and survey links.
func (u *UI) FeedbackSurveys(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	u.renderSurveys(w, r, v, http.StatusOK, fbSurveysView{})
}

func (u *UI) renderSurveys(w http.ResponseWriter, r *http.Request, v *viewer, status int, view fbSurveysView) {
	list, err := u.db.ListSurveys(r.Context())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	view.Surveys, view.Origin = list, requestOrigin(r)
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
	http.Redirect(w, r, "/feedback/surveys?done=survey-created", http.StatusSeeOther)
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
