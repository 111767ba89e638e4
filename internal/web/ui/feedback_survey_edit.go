package ui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// A survey's own page: edit it (the rules of an answered survey are package
// feedback's), copy it, archive it, preview it.

type surveyEditView struct {
	Survey   *fresco.Survey
	Answers  int64
	Rows     []questionRow
	Ticked   map[string]bool // question sets ticked to add
	Blocks   any
	Error    string
	Conflict bool // someone else saved it meanwhile
	// Invite is the "Sent by itself" section (feedback_survey_invite.go);
	// InviteError what to correct in a form of it.
	Invite      *inviteView
	InviteError string
	// Languages are the survey's translations (feedback_survey_translate.go).
	Languages *surveyLanguagesView
}

// questionRow is a question of the edit form, as typed.
type questionRow struct {
	fresco.Question
	N      int // its number on the form, from 1
	Kind   string
	Remove bool
}

// surveyOfPage reads the survey the URL names; on false the error page is
// written.
func (u *UI) surveyOfPage(w http.ResponseWriter, r *http.Request) (*fresco.Survey, bool) {
	id, ok := u.pageID(w, r)
	if !ok {
		return nil, false
	}
	sv, err := u.db.Survey(r.Context(), id)
	if err != nil {
		u.fail(w, r, err)
		return nil, false
	}
	return sv, true
}

// FeedbackSurvey is GET /feedback/surveys/{id}: the survey's edit page.
func (u *UI) FeedbackSurvey(w http.ResponseWriter, r *http.Request) {
	sv, ok := u.surveyOfPage(w, r)
	if !ok {
		return
	}
	view := surveyEditViewOf(sv)
	view.Languages = u.surveyLanguages(r, sv, r.URL.Query().Get("lang"))
	u.renderSurveyEdit(w, r, http.StatusOK, view)
}

// surveyEditViewOf is the edit page of sv as stored.
func surveyEditViewOf(sv *fresco.Survey) surveyEditView {
	view := surveyEditView{Survey: sv, Ticked: map[string]bool{}}
	for _, q := range sv.Questions {
		view.Rows = append(view.Rows, questionRow{Question: q, Kind: questionKind(q)})
	}
	return view
}

func (u *UI) renderSurveyEdit(w http.ResponseWriter, r *http.Request, status int, view surveyEditView) {
	counts, err := u.db.CountSurveyAnswers(r.Context())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	view.Answers, view.Blocks = counts.BySurvey[view.Survey.ID], surveyBlocks
	if view.Invite, err = u.inviteSection(r, view.Survey.ID); err != nil {
		u.fail(w, r, err)
		return
	}
	if view.Languages == nil {
		view.Languages = u.surveyLanguages(r, view.Survey, "")
	}
	for i := range view.Rows {
		view.Rows[i].N = i + 1
	}
	u.render(w, r, status, "feedback_survey", view.Survey.Name, view)
}

// FeedbackSaveSurvey is POST /feedback/surveys/{id}: the edit form. A
// refused form comes back as typed, with what to correct.
func (u *UI) FeedbackSaveSurvey(w http.ResponseWriter, r *http.Request) {
	id, ok := u.idAndForm(w, r, maxFormBytes)
	if !ok {
		return
	}
	ctx := r.Context()
	stored, err := u.db.Survey(ctx, id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	f := r.PostForm
	sv := *stored
	sv.Name, sv.Slug, sv.Intro = strings.TrimSpace(f.Get("name")), strings.TrimSpace(f.Get("slug")), strings.TrimSpace(f.Get("intro"))
	sv.Thanks = strings.TrimSpace(f.Get("thanks"))
	sv.WidgetEnabled = f.Get("widget") == "on"
	view := surveyEditView{Survey: &sv, Ticked: map[string]bool{}}
	sv.Questions = nil
	for i := 0; f.Has("key_" + strconv.Itoa(i)); i++ {
		n := strconv.Itoa(i)
		j := indexOfKey(stored.Questions, f.Get("key_"+n))
		if j < 0 {
			continue // a question the form did not come with
		}
		q := stored.Questions[j]
		q.Text, q.Required = strings.TrimSpace(f.Get("text_"+n)), f.Get("required_"+n) == "on"
		row := questionRow{Question: q, Kind: questionKind(q), Remove: f.Get("remove_"+n) == "on"}
		view.Rows = append(view.Rows, row)
		if !row.Remove {
			sv.Questions = append(sv.Questions, q)
		}
	}
	for _, b := range surveyBlocks {
		view.Ticked["block_"+b.Key] = f.Get("block_"+b.Key) == "on"
	}
	sv.Questions = addBlocks(sv.Questions, func(k string) bool { return view.Ticked[k] })
	version, err := strconv.ParseInt(f.Get("version"), 10, 64)
	if err != nil || version <= 0 {
		version = stored.Version
	}
	err = u.feedback.UpdateSurvey(ctx, &sv, version, viewerFrom(ctx).actor())
	switch fresco.ErrorCode(err) {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/feedback/surveys/%d?done=survey-saved", id), http.StatusSeeOther)
	case fresco.EINVALID, fresco.ECONFLICT:
		view.Error = surveyErrors(err)
		u.renderSurveyEdit(w, r, http.StatusUnprocessableEntity, view)
	case fresco.ESTALE:
		sv.Version = stored.Version // the form as typed, against what is stored now
		view.Error, view.Conflict = "Someone else changed this survey while you were editing it. Your changes are below, not saved: check them against the survey as it is now and save again.", true
		u.renderSurveyEdit(w, r, http.StatusPreconditionFailed, view) // as the API answers a stale If-Match
	default:
		u.fail(w, r, err)
	}
}

func indexOfKey(qs []fresco.Question, key string) int {
	for i, q := range qs {
		if q.Key == key {
			return i
		}
	}
	return -1
}

// FeedbackCopySurvey is POST /feedback/surveys/{id}/copy: a new survey with
// the same questions, opened for editing.
func (u *UI) FeedbackCopySurvey(w http.ResponseWriter, r *http.Request) {
	id, ok := u.idAndForm(w, r, maxFormBytes)
	if !ok {
		return
	}
	sv, err := u.feedback.CopySurvey(r.Context(), id, viewerFrom(r.Context()).actor())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/feedback/surveys/%d?done=survey-copied", sv.ID), http.StatusSeeOther)
}

// FeedbackArchiveSurvey is POST /feedback/surveys/{id}/archive: archived=1
// archives the survey, archived=0 brings it back.
func (u *UI) FeedbackArchiveSurvey(w http.ResponseWriter, r *http.Request) {
	id, ok := u.idAndForm(w, r, maxFormBytes)
	if !ok {
		return
	}
	archive := r.PostForm.Get("archived") != "0"
	if _, err := u.feedback.ArchiveSurvey(r.Context(), id, archive, viewerFrom(r.Context()).actor()); err != nil {
		u.fail(w, r, err)
		return
	}
	done := "survey-archived"
	if !archive {
		done = "survey-unarchived"
	}
	http.Redirect(w, r, "/feedback/surveys?done="+done, http.StatusSeeOther)
}

// FeedbackPreviewSurvey is GET /feedback/surveys/{id}/preview: the survey
// exactly as a customer's link shows it, under a banner; its form sends
// nothing, so nothing is recorded.
func (u *UI) FeedbackPreviewSurvey(w http.ResponseWriter, r *http.Request) {
	sv, ok := u.surveyOfPage(w, r)
	if !ok {
		return
	}
	if u.previewSurvey == nil {
		u.NotFound(w, r)
		return
	}
	u.previewSurvey(w, r, sv)
}
