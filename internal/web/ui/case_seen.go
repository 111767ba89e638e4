package ui

// Collision detection on the case page (recovery.Seen). Every form on the
// page carries the case's version as it was when the page was drawn (the
// hidden field "version"). An action sent from a page that someone else
// has changed since is refused unless recovery.StaleSafe lets it through
// (an internal note): the page comes back as the case is now, says who did
// what since, and keeps what the viewer typed in its form. A note that
// goes through is followed by the same account of what changed. A form
// without a version (an old page, a script) acts as before.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
)

// caseSeen reads the version the form was drawn at and returns the service
// that checks it, with the Seen it fills in; without a version, the
// service as it is and nil.
func (u *UI) caseSeen(id int64, action string, form url.Values) (*recovery.Service, *recovery.Seen) {
	version, err := strconv.ParseInt(form.Get("version"), 10, 64)
	if err != nil || version <= 0 {
		return u.recovery, nil
	}
	seen := &recovery.Seen{Version: version, For: recovery.Action(action)}
	return u.recovery.Seeing(id, seen), seen
}

// missedLink is where a case action that went through goes next: the
// case, with the changes it went through despite (since the page's
// version, up to the last of them) for the page to tell.
func missedLink(id int64, seen *recovery.Seen) string {
	link := fmt.Sprintf("/cases/%d?done=case-updated", id)
	if seen == nil || len(seen.Missed) == 0 {
		return link
	}
	last := seen.Missed[len(seen.Missed)-1].Event.ID
	return link + fmt.Sprintf("&since=%d&upto=%d", seen.Version, last)
}

// changedSince fills v.Changed from the page's ?since=&upto= (numbers
// only: the words come from the timeline, never from the link).
func (u *UI) changedSince(ctx context.Context, r *http.Request, v *caseView) error {
	q := r.URL.Query()
	since, err1 := strconv.ParseInt(q.Get("since"), 10, 64)
	upto, err2 := strconv.ParseInt(q.Get("upto"), 10, 64)
	if err1 != nil || err2 != nil || since <= 0 || upto <= since || u.recovery == nil {
		return nil
	}
	changes, err := u.recovery.ChangesSince(ctx, v.Case.ID, since, upto)
	if err != nil || len(changes) == 0 {
		return err
	}
	v.Changed = sentence("While you had this page open: " + recovery.ChangesText(changes))
	return nil
}

// refusedCaseForm puts a refused action's words on the page v: the error,
// what changed since the viewer's page (a stale page, or a note that went
// through onto a case that had moved on), and what they typed.
func refusedCaseForm(v *caseView, err error, action string, form url.Values, seen *recovery.Seen) {
	if stale, ok := errors.AsType[*recovery.StaleError](err); ok {
		v.Error = sentence("This case changed after you loaded the page, so nothing was saved: "+
			recovery.ChangesText(stale.Changes)) + " What you typed is kept below: check the case as it is now and send it again if it still makes sense."
	} else {
		v.Error = sentence(fresco.ErrorMessage(err))
		for _, fe := range fresco.ErrorFields(err) {
			v.Error += " — " + fe.Field + ": " + fe.Message
		}
		if seen != nil && len(seen.Missed) > 0 {
			v.Changed = sentence("While you had this page open: " + recovery.ChangesText(seen.Missed))
		}
	}
	v.Kept = keptForm{Action: action, Values: form}
	text, shown := form.Get("text"), v.formShown(caseForms[action])
	if action == "email" { // the reply form keeps its own (v.Reply) while the case allows one
		text, shown = form.Get("body"), v.CanEmail
	}
	if text != "" && !shown {
		v.Unplaced = text // its form is gone with the case's new state
	}
}

// keptForm is a refused form's action and values, put back in the form
// they came from so that nothing typed is lost.
type keptForm struct {
	Action string
	Values url.Values
}

// caseForms names the form of the case page each action is sent from.
var caseForms = map[string]string{"respond": "log", "reopen": "log", "reply": "log", "note": "log", "wait": "log",
	"resume": "log", "resolve": "log", "transfer": "transfer", "gesture": "gesture", "close": "close"}

// Get is the value of field name if the refused form was form, else "".
func (k keptForm) Get(form, name string) string {
	if k.Values == nil || caseForms[k.Action] != form {
		return ""
	}
	return k.Values.Get(name)
}

// formShown reports whether the page shows the form's text field, by the
// template's conditions (cases_case.html).
func (v *caseView) formShown(form string) bool {
	if !v.CanWrite || v.Cannot != "" {
		return false
	}
	can := v.Can
	switch form {
	case "log":
		return can["respond"] || can["reply"] || can["note"] || can["wait"] || can["resume"] || can["resolve"] || can["reopen"]
	case "transfer":
		return can["transfer"] && len(v.Staff) > 0
	case "close":
		return can["close"] && v.Case.Status == fresco.CaseOpen // the resolution is asked only of an open case
	}
	return false
}
