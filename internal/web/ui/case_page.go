package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/web/httperr"
)

type timelineEntry struct {
	At     time.Time
	Actor  string
	Kind   string
	Text   string
	Merged bool // from a case merged into this one
}

// caseTask is a task on the case page with its re-survey result in words.
type caseTask struct {
	*fresco.CaseTask
	Scores string // "Score after recovery 9, before 3 (+6)"; empty without a score
}

// caseGesture is a gesture on the case page with what the viewer may decide.
type caseGesture struct {
	*fresco.Gesture
	CanApprove, CanReject bool
}

type caseView struct {
	Case      *fresco.Case
	Customer  *fresco.Customer
	Notes     *notesPanel // the customer's current preference notes
	Owner     string
	Timeline  []timelineEntry
	Tasks     []caseTask
	Gestures  []caseGesture
	Watchers  []string
	Incident  map[string]string
	Attention bool
	// What the case came from and where: the customer's own words (when
	// opened from a response), the purchase, the location and the
	// employees involved.
	Said     *saidView
	Purchase *fresco.Purchase
	Location string
	Involved []string

	CanWrite bool
	// Can holds the actions the case's state allows (recovery.CaseAllows),
	// for a viewer who may write; Cannot says why the others are not offered
	// when none is.
	Can              map[string]bool // by recovery.Action
	Cannot           string
	Outcomes         []string
	Staff            []*fresco.Employee // who the case can be handed to
	GestureKinds     []string
	RootCauseSources []string
	Error            string

	// The e-mail conversation (ui/case_thread.go): the thread, and for a
	// case that allows a response to a customer with a usable address, the
	// reply form with its templates.
	Thread    caseThread
	CanEmail  bool
	Templates []recovery.FilledTemplate
	Reply     recovery.ReplyInput // a reply refused, kept for correction

	// Collision detection (case_seen.go): the version the page's forms
	// carry, what changed while the viewer's previous page was open, and
	// what they typed into a form that was refused (Unplaced: text whose
	// form the case's new state no longer offers).
	Version  int64
	Changed  string
	Kept     keptForm
	Unplaced string
}

func (u *UI) caseView(ctx context.Context, id int64, viewer *viewer) (*caseView, error) {
	// The version first: a change between the two reads leaves the forms
	// a version older than the page, which refuses them (safe), never a
	// newer one that would pass a stale page for current.
	version, err := u.db.CaseVersion(ctx, id)
	if err != nil {
		return nil, err
	}
	c, err := u.db.Case(ctx, id)
	if err != nil {
		return nil, err
	}
	v := &caseView{Case: c, Version: version, Incident: map[string]string{}, CanWrite: viewer.Role.CanWrite() && u.recovery != nil,
		Can: map[string]bool{}, Outcomes: recovery.Outcomes,
		GestureKinds: recovery.GestureKinds, RootCauseSources: recovery.RootCauseSources}
	if v.CanWrite {
		v.Cannot = u.allowedActions(c, v.Can)
	}
	if v.Customer, err = u.db.Customer(ctx, c.CustomerID); err != nil {
		return nil, err
	}
	if v.Attention, err = u.db.CustomerNeedsAttention(ctx, c.CustomerID); err != nil {
		return nil, err
	}
	name := u.employeeNames(ctx)
	v.Owner = name(c.OwnerID)
	_ = json.Unmarshal(c.Details, &v.Incident)
	events, err := u.db.CaseTimeline(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range events {
		v.Timeline = append(v.Timeline, timelineEntry{At: e.At, Actor: actorName(e.Actor, name), Kind: e.Kind, Text: eventText(e, name, u.formatDateTime, u.format().Money), Merged: e.CaseID != c.ID})
	}
	tasks, err := u.db.ListTasks(ctx, store.TaskFilter{CaseID: &c.ID, Limit: 200})
	if err != nil {
		return nil, err
	}
	for _, t := range tasks {
		v.Tasks = append(v.Tasks, caseTask{CaseTask: t, Scores: scoreComparison(t.Result)})
	}
	gestures, err := u.db.ListGestures(ctx, store.GestureFilter{CaseID: &c.ID, Limit: 200})
	if err != nil {
		return nil, err
	}
	for _, g := range gestures {
		cg := caseGesture{Gesture: g}
		if v.CanWrite && g.Status == recovery.GesturePending {
			actor := caseActor(viewer)
			cg.CanApprove = u.recovery.MayDecide(ctx, actor, g, true) == nil
			cg.CanReject = u.recovery.MayDecide(ctx, actor, g, false) == nil
		}
		v.Gestures = append(v.Gestures, cg)
	}
	involved, watchers, err := u.db.CasePeople(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, id := range watchers {
		v.Watchers = append(v.Watchers, name(id))
	}
	for _, id := range involved {
		v.Involved = append(v.Involved, name(id))
	}
	if err := u.caseOrigin(ctx, v); err != nil {
		return nil, err
	}
	if v.Thread, err = u.caseThread(ctx, c.ID, viewer); err != nil {
		return nil, err
	}
	if err := u.replyForm(ctx, v, viewer); err != nil {
		return nil, err
	}
	if v.Can[string(recovery.ActTransfer)] {
		active := true
		staff, _, err := u.db.ListEmployees(ctx, store.EmployeeFilter{Active: &active, Limit: 1000})
		if err != nil {
			return nil, err
		}
		for _, e := range staff {
			if e.Role.CanWrite() && e.ID != c.OwnerID {
				v.Staff = append(v.Staff, e)
			}
		}
	}
	return v, nil
}

// allowedActions marks in can the actions case c's state allows now, by the
// recovery service's rule, and, when it allows none, returns why.
func (u *UI) allowedActions(c *fresco.Case, can map[string]bool) string {
	var why string
	some := false
	for _, a := range recovery.Actions {
		ok, reason := u.recovery.Allows(c, a)
		can[string(a)] = ok
		some = some || ok
		if !ok && why == "" {
			why = reason
		}
	}
	if some {
		return ""
	}
	return sentence(why)
}

// employeeNames returns a function naming employees by id, for pages that
// name the same few people many times (a timeline); an id no employee has
// (a record from an import) is "a former employee", never a number.
func (u *UI) employeeNames(ctx context.Context) func(int64) string {
	names := map[int64]string{}
	return func(id int64) string {
		if n, ok := names[id]; ok {
			return n
		}
		n := "a former employee"
		if e, err := u.db.Employee(ctx, id); err == nil {
			n = e.Name
		}
		names[id] = n
		return n
	}
}

// caseActor is the viewer as the recovery service records them.
func caseActor(v *viewer) recovery.Actor {
	id := v.ID
	return recovery.Actor{Ref: v.actor(), Name: v.Name, Role: v.Role, EmployeeID: &id}
}

// caseOrigin fills in what the case came from: the response in full, the
// purchase and the location's name. A response or purchase erased since (a
// customer's data deleted) is left out, not an error.
func (u *UI) caseOrigin(ctx context.Context, v *caseView) error {
	c := v.Case
	gone := func(err error) bool { return fresco.ErrorCode(err) == fresco.ENOTFOUND }
	if c.SourceResponseID != nil {
		said, err := u.responseSaid(ctx, *c.SourceResponseID, questionTexts{})
		if err != nil && !gone(err) {
			return err
		}
		v.Said = said
	}
	if c.PurchaseID != nil {
		p, err := u.db.Purchase(ctx, *c.PurchaseID)
		if err != nil && !gone(err) {
			return err
		}
		v.Purchase = p
	}
	if c.LocationID != nil {
		l, err := u.db.Location(ctx, *c.LocationID)
		if err != nil && !gone(err) {
			return err
		}
		if l != nil {
			v.Location = l.Name
		}
	}
	return nil
}

// Case shows one case: the customer (with the special-attention flag), the
// owner, SLA state and the whole story a new owner needs, with forms to act
// on it for the roles that may.
func (u *UI) Case(w http.ResponseWriter, r *http.Request) {
	viewer := viewerFrom(r.Context())
	id, ok := u.pageID(w, r)
	if !ok {
		return
	}
	v, err := u.caseView(r.Context(), id, viewer)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v.Notes = u.customerNotes(r.Context(), viewer, v.Customer.ID)
	if err := u.changedSince(r.Context(), r, v); err != nil {
		u.fail(w, r, err)
		return
	}
	u.render(w, r, http.StatusOK, "cases_case", fmt.Sprintf("Case %d", id), v)
}

func init() { flashes["case-updated"] = "Case updated." }

// CaseAction applies one form on the case page (note, response, customer
// reply, transfer, wait, resume, resolve, close, reopen, gesture) through the
// recovery service, then shows the case again. The form's version is
// checked as case_seen.go describes.
func (u *UI) CaseAction(w http.ResponseWriter, r *http.Request) {
	viewer := viewerFrom(r.Context())
	id, ok := u.pageID(w, r)
	if !ok {
		return
	}
	if u.recovery == nil {
		u.serverError(w, r, fmt.Errorf("case actions need the recovery service (ui.Deps.Recovery)"))
		return
	}
	if !u.readForm(w, r, maxFormBytes) {
		return
	}
	ctx := r.Context()
	actor := caseActor(viewer)
	f := r.PostFormValue
	svc, seen := u.caseSeen(id, f("action"), r.PostForm)
	var err error
	var reply recovery.ReplyInput
	switch f("action") {
	case "email":
		reply = recovery.ReplyInput{Subject: f("subject"), Body: f("body")}
		if tid := optionalNumber(f("template_id")); tid > 0 {
			reply.TemplateID = &tid
		}
		_, err = svc.Reply(ctx, actor, id, reply)
	case "note":
		_, err = svc.Note(ctx, actor, id, f("text"))
	case "respond":
		_, err = svc.Respond(ctx, actor, id, f("text"), f("channel"))
	case "reply":
		_, err = svc.CustomerReply(ctx, actor, id, f("text"))
	case "transfer":
		to, _ := strconv.ParseInt(f("owner_id"), 10, 64)
		_, err = svc.Transfer(ctx, actor, id, to, f("text"))
	case "wait":
		_, err = svc.Wait(ctx, actor, id, f("state"), f("text"))
	case "resume":
		_, err = svc.Resume(ctx, actor, id, f("text"))
	case "resolve":
		_, err = svc.Resolve(ctx, actor, id, f("text"))
	case "close":
		_, err = svc.Close(ctx, actor, id, recovery.CloseInput{RootCauseCategory: f("root_cause_category"),
			RootCauseSource: f("root_cause_source"), Resolution: f("text")})
	case "reopen":
		_, err = svc.Reopen(ctx, actor, id, f("text"))
	case "approve", "reject":
		gid, _ := strconv.ParseInt(f("gesture_id"), 10, 64)
		if g, gerr := u.db.Gesture(ctx, gid); gerr != nil || g.CaseID != id {
			err = fresco.Errorf(fresco.ENOTFOUND, "gesture %d is not on case %d", gid, id)
		} else {
			_, err = svc.DecideGesture(ctx, actor, gid, f("action") == "approve", f("text"))
		}
	case "complete":
		tid, _ := strconv.ParseInt(f("task_id"), 10, 64)
		if t, terr := u.db.Task(ctx, tid); terr != nil || t.CaseID != id {
			err = fresco.Errorf(fresco.ENOTFOUND, "task %d is not on case %d", tid, id)
		} else {
			var score *int
			if score, err = formScore(f("score")); err == nil {
				_, err = svc.CompleteTask(ctx, actor, tid, recovery.CompleteInput{Outcome: f("outcome"), Note: f("text"), Score: score})
			}
		}
	case "gesture":
		var amount fresco.Money
		if a := f("amount"); a != "" {
			if amount, err = fresco.ParseMoney(a); err != nil {
				err = &fresco.Error{Code: fresco.EINVALID, Message: "invalid input",
					Fields: []fresco.FieldError{{Field: "amount", Message: err.Error()}}}
			}
		}
		if err == nil {
			_, err = svc.RequestGesture(ctx, actor, id, recovery.GestureInput{Kind: f("kind"), Amount: amount, Note: f("text")})
		}
	default:
		err = &fresco.Error{Code: fresco.EINVALID, Message: "invalid input",
			Fields: []fresco.FieldError{{Field: "action", Message: "is not an action on a case"}}}
	}
	switch fresco.ErrorCode(err) {
	case "":
		http.Redirect(w, r, missedLink(id, seen), http.StatusSeeOther)
		return
	case fresco.EINVALID, fresco.ECONFLICT, fresco.EFORBIDDEN, fresco.ESTALE:
		v, verr := u.caseView(ctx, id, viewer)
		if verr != nil {
			u.fail(w, r, verr)
			return
		}
		v.Reply = reply
		refusedCaseForm(v, err, f("action"), r.PostForm, seen)
		u.render(w, r, httperr.Status(err), "cases_case", fmt.Sprintf("Case %d", id), v)
	default:
		u.fail(w, r, err)
	}
}

// eventText is one line describing an event for people, amounts in the
// business's currency.
func eventText(e fresco.CaseEvent, employee func(int64) string, when func(any) string, money func(fresco.Money) string) string {
	var b map[string]any
	_ = json.Unmarshal(e.Body, &b)
	s := func(k string) string {
		if v, ok := b[k]; ok && v != nil {
			return fmt.Sprint(v)
		}
		return ""
	}
	switch e.Kind {
	case "opened":
		return "Opened: " + s("summary") + expect(s("expectation"))
	case "transferred":
		return fmt.Sprintf("Handed over from %s to %s. Note: %s", person(b["from"], employee), person(b["to"], employee), s("note"))
	case "agent_responded":
		return "Responded: " + s("message")
	case "customer_replied":
		return "Customer: " + s("message")
	case "note":
		return "Note: " + s("text")
	case "state_changed":
		return "State: " + label(s("state")) + paren(s("reason"))
	case "resolved":
		return "Resolved: " + s("resolution")
	case "closed":
		return "Closed. Root cause: " + s("root_cause_category") + ", source in recovery: " + label(s("root_cause_source"))
	case "reopened":
		return "Reopened: " + s("reason")
	case "gesture_granted", "gesture_requested", "gesture_approved", "gesture_rejected":
		what := label(s("kind"))
		if m, err := fresco.ParseMoney(s("amount")); err == nil && m > 0 {
			what += " of " + money(m)
		}
		return fmt.Sprintf("Gesture %s: %s%s", e.Kind[len("gesture_"):], what, paren(s("reason")+s("note")))
	case "sla_warning":
		return "SLA warning: " + label(s("clock")) + " due " + stampWords(s("deadline"), when)
	case "sla_breached":
		return "SLA breached: " + label(s("clock"))
	case "escalated":
		return "Escalated to the manager"
	case "task_created":
		return fmt.Sprintf("Task: %s due %s", label(s("kind")), stampWords(s("due_at"), when))
	case "task_completed":
		var done struct {
			Result json.RawMessage `json:"result"`
		}
		_ = json.Unmarshal(e.Body, &done)
		text := "Task done: " + label(s("kind"))
		if o := s("outcome"); o != "" { // the outcome apart from the task's name: "Check it stayed fixed — Solved"
			text += " — " + label(o)
		}
		return text + paren(scoreComparison(done.Result))
	case "hold_started":
		return "Customer on hold"
	case "hold_ended":
		return "Off hold after " + s("held_for")
	case "callback_scheduled":
		return "On hold too long: call-back scheduled for " + stampWords(s("due_at"), when)
	case "merged":
		return "Merged into case " + s("into")
	case "merged_from":
		return "Case " + s("case_id") + " merged into this one"
	case "reply_sent":
		return "E-mailed the customer: " + s("subject")
	case "message_received":
		return "The customer wrote: " + s("subject")
	}
	return label(e.Kind)
}

// scoreComparison says what a re-survey found: the customer's score after
// recovery and, when the result has it, the score before and the change.
func scoreComparison(result json.RawMessage) string {
	var r struct {
		Score         *int `json:"score"`
		PreviousScore *int `json:"previous_score"`
	}
	if json.Unmarshal(result, &r) != nil || r.Score == nil {
		return ""
	}
	if r.PreviousScore == nil {
		return fmt.Sprintf("Score after recovery %d", *r.Score)
	}
	return fmt.Sprintf("Score after recovery %d, before %d (%+d)", *r.Score, *r.PreviousScore, *r.Score-*r.PreviousScore)
}

// formScore reads the optional 0–10 score of a re-survey form; the range is
// the recovery service's to check.
func formScore(s string) (*int, error) {
	if s == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return nil, &fresco.Error{Code: fresco.EINVALID, Message: "invalid input",
			Fields: []fresco.FieldError{{Field: "score", Message: "must be a whole number from 0 to 10"}}}
	}
	return &n, nil
}

// person names the employee whose id an event's body holds.
func person(id any, employee func(int64) string) string {
	if f, ok := id.(float64); ok && f > 0 {
		return employee(int64(f))
	}
	return "nobody"
}

func expect(s string) string {
	if s == "" {
		return ""
	}
	return " — expects: " + s
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// actorName shows an audit actor ("employee:4", "token:2", "system") as
// people read it: the employee's name, the API token, or in labels.go's
// words Fresco itself, the classifier, the customer.
func actorName(actor string, employee func(int64) string) string {
	if who, ok := recovery.ActorWho(actor, employee); ok {
		if who == recovery.TokenWho {
			return "An API token" // at the head of a timeline entry
		}
		return who
	}
	if w, ok := labels[actor]; ok { // "system" is Fresco, "model" the comment classifier
		return w
	}
	return actor // a name given by an import, say
}
