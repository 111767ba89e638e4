package ui

// The reply templates page (managers and owners): the canned answers staff
// pick on a case's reply form, each with a name, a subject and a body with
// placeholders. A template refused keeps what was typed, with the reason
// next to the form.

import (
	"net/http"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/web/httperr"
)

// replyTemplatesView is the data of the page.
type replyTemplatesView struct {
	Templates    []*fresco.ReplyTemplate
	Placeholders []struct{ Name, Means string }
	// Editing is the form refused (ID 0: a new one), with its error.
	Editing *fresco.ReplyTemplate
	Error   string
}

func init() {
	flashes["template-saved"] = "Reply template saved."
	flashes["template-deleted"] = "Reply template deleted."
}

// ReplyTemplates lists the reply templates with a form for each and one
// for a new template.
func (u *UI) ReplyTemplates(w http.ResponseWriter, r *http.Request) {
	u.renderReplyTemplates(w, r, http.StatusOK, nil, "")
}

func (u *UI) renderReplyTemplates(w http.ResponseWriter, r *http.Request, status int, editing *fresco.ReplyTemplate, problem string) {
	list, err := u.db.ReplyTemplates(r.Context())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := replyTemplatesView{Templates: list, Placeholders: fresco.ReplyPlaceholders, Editing: editing, Error: problem}
	u.render(w, r, status, "reply_templates", "Reply templates", v)
}

// SaveReplyTemplate creates a template, or changes the one named by the
// form's id.
func (u *UI) SaveReplyTemplate(w http.ResponseWriter, r *http.Request) {
	if !u.readForm(w, r, maxFormBytes) {
		return
	}
	f := r.PostFormValue
	in := recovery.ReplyTemplateInput{Name: f("name"), Subject: f("subject"), Body: f("body")}
	actor := caseActor(viewerFrom(r.Context()))
	id := optionalNumber(f("id"))
	var err error
	if id > 0 {
		_, err = u.recovery.UpdateReplyTemplate(r.Context(), actor, id, in)
	} else {
		_, err = u.recovery.CreateReplyTemplate(r.Context(), actor, in)
	}
	u.afterTemplateChange(w, r, err, &fresco.ReplyTemplate{ID: id, Name: in.Name, Subject: in.Subject, Body: in.Body}, "template-saved")
}

// DeleteReplyTemplate removes a template.
func (u *UI) DeleteReplyTemplate(w http.ResponseWriter, r *http.Request) {
	id, ok := u.pageID(w, r)
	if !ok {
		return
	}
	err := u.recovery.DeleteReplyTemplate(r.Context(), caseActor(viewerFrom(r.Context())), id)
	u.afterTemplateChange(w, r, err, nil, "template-deleted")
}

func (u *UI) afterTemplateChange(w http.ResponseWriter, r *http.Request, err error, editing *fresco.ReplyTemplate, done string) {
	switch fresco.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/reply-templates?done="+done, http.StatusSeeOther)
	case fresco.EINVALID, fresco.ECONFLICT:
		problem := sentence(fresco.ErrorMessage(err))
		for _, fe := range fresco.ErrorFields(err) {
			problem += " — " + fe.Field + ": " + fe.Message
		}
		u.renderReplyTemplates(w, r, httperr.Status(err), editing, problem)
	default:
		u.fail(w, r, err)
	}
}
