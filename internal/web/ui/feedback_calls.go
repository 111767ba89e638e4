package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

func init() {
	flashes["call-complaint"] = "Call recorded. The complaint opens a case, and the customer is flagged for special attention."
}

type fbCallsView struct {
	Tasks   []*fresco.CallTask
	Script  []fresco.Question
	Note    string
	Mine    bool
	Error   string
	ErrorID int64
	Notes   map[int64]*notesPanel // each customer's current preference notes
}

// FeedbackCalls is GET /feedback/calls: the viewer's follow-up calls.
func (u *UI) FeedbackCalls(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	u.renderCalls(w, r, v, http.StatusOK, "", 0)
}

func (u *UI) renderCalls(w http.ResponseWriter, r *http.Request, v *viewer, status int, errMsg string, errID int64) {
	view := fbCallsView{Script: feedback.CallScript, Note: feedback.CallScriptNote, Error: errMsg, ErrorID: errID}
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
	ids := make([]int64, len(tasks))
	for i, t := range tasks {
		ids[i] = t.CustomerID
	}
	view.Notes = u.notesOf(r.Context(), v, ids)
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
		Comment: r.PostForm.Get("comment"), Complaint: r.PostForm.Get("complaint") != "", Actor: v.actor()}
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
			u.renderCalls(w, r, v, http.StatusUnprocessableEntity, invalidOrMessage(err), id)
		default:
			u.fail(w, r, err)
		}
		return
	}
	done := "call-recorded"
	if out.Complaint {
		done = "call-complaint"
	}
	http.Redirect(w, r, "/feedback/calls?done="+done, http.StatusSeeOther)
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
