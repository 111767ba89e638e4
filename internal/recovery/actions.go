package recovery

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Action is something staff do to a case. CaseAllows is the one rule of
// which action a case's state allows: the service refuses the others with a
// conflict, and the case page offers only the allowed ones.
type Action string

// The actions on a case.
const (
	ActNote          Action = "note"
	ActRespond       Action = "respond"
	ActCustomerReply Action = "reply"
	ActTransfer      Action = "transfer"
	ActWait          Action = "wait"
	ActResume        Action = "resume"
	ActResolve       Action = "resolve"
	ActClose         Action = "close"
	ActReopen        Action = "reopen"
	ActGesture       Action = "gesture"
	ActMerge         Action = "merge"
	ActHold          Action = "hold" // the customer waits on the line
)

// Actions lists every action on a case, for tests and pages that walk them.
var Actions = []Action{ActNote, ActRespond, ActCustomerReply, ActTransfer, ActWait, ActResume,
	ActResolve, ActClose, ActReopen, ActGesture, ActMerge, ActHold}

// CaseAllows reports whether case c's state allows action at now, and when
// it does not, why, in words for the person who tried. A case that is
// resolved or closed reopens only within reopenWindow of its resolution; a
// closed case allows nothing but that (as a Zendesk ticket, it is done with),
// and a merged one nothing at all: its story goes on in the survivor.
func CaseAllows(c *fresco.Case, action Action, now time.Time, reopenWindow time.Duration) (bool, string) {
	switch c.Status {
	case fresco.CaseMerged:
		return false, fmt.Sprintf("case %d was merged into case %d; work on that case", c.ID, ptrVal(c.MergedInto))
	case fresco.CaseOpen:
		switch action {
		case ActReopen:
			return false, fmt.Sprintf("case %d is open; only a resolved or closed case reopens", c.ID)
		case ActResume:
			if c.State == "open" {
				return false, fmt.Sprintf("case %d is not waiting", c.ID)
			}
		}
		return true, ""
	case fresco.CaseResolved:
		switch action {
		case ActReopen, ActCustomerReply: // a customer coming back reopens the case
			return withinReopenWindow(c, now, reopenWindow)
		case ActNote, ActTransfer, ActClose, ActGesture, ActMerge:
			return true, ""
		}
		return false, fmt.Sprintf("case %d is resolved; reopen it to %s", c.ID, actionWords[action])
	case fresco.CaseClosed:
		ok, why := withinReopenWindow(c, now, reopenWindow)
		if action == ActReopen || !ok {
			return ok, why
		}
		return false, fmt.Sprintf("case %d is closed; reopen it to %s", c.ID, actionWords[action])
	}
	return false, fmt.Sprintf("case %d is %s", c.ID, c.Status)
}

// actionWords says what an action does, to finish "reopen it to ...".
var actionWords = map[Action]string{
	ActNote: "add a note", ActRespond: "respond", ActCustomerReply: "log a customer reply", ActTransfer: "hand it over",
	ActWait: "wait", ActResume: "resume", ActResolve: "resolve it", ActClose: "close it", ActReopen: "reopen it",
	ActGesture: "make a gesture", ActMerge: "merge it", ActHold: "put the customer on hold",
}

func withinReopenWindow(c *fresco.Case, now time.Time, window time.Duration) (bool, string) {
	if c.ResolvedAt != nil && now.Sub(*c.ResolvedAt) > window {
		return false, fmt.Sprintf("case %d was resolved %s ago, beyond the reopen window of %s; open a new case",
			c.ID, inWords(now.Sub(*c.ResolvedAt)), inWords(window))
	}
	return true, ""
}

// inWords says a span of time as staff would: "5 hours", "30 days", "23
// months" — never Go's "16682h0m0s".
func inWords(d time.Duration) string {
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	hours := int(d.Round(time.Hour).Hours())
	days := int(math.Round(d.Hours() / 24))
	switch {
	case hours < 48:
		return plural(hours, "hour")
	case days < 60:
		return plural(days, "day")
	case days < 730:
		return plural(int(math.Round(float64(days)/30.44)), "month")
	}
	return plural(int(math.Round(float64(days)/365.25)), "year")
}

// Allows applies CaseAllows with the service's clock and reopen window.
func (s *Service) Allows(c *fresco.Case, action Action) (bool, string) {
	return CaseAllows(c, action, s.Now(), s.opts.ReopenWindow)
}

// allow refuses action on the case being changed with a conflict when its
// state does not allow it.
func (ch *change) allow(action Action) error {
	if ok, why := CaseAllows(ch.c, action, ch.at, ch.s.opts.ReopenWindow); !ok {
		return fresco.Errorf(fresco.ECONFLICT, "%s", why)
	}
	return nil
}

// GestureDecisionAllowed is the rule of who may approve or reject gesture g,
// given the decider's own authority limits: a manager or an owner, never on
// their own request, only while it is pending, and, to approve, only within
// their own authority. It returns nil or the refusal, coded forbidden or
// conflict; the service and the case page both apply it.
func GestureDecisionAllowed(g *fresco.Gesture, actor Actor, approve bool, limits []fresco.AuthorityLimit) error {
	if err := decidesGestures(actor); err != nil {
		return err
	}
	if g.Status != GesturePending {
		return fresco.Errorf(fresco.ECONFLICT, "gesture %d is already %s", g.ID, g.Status)
	}
	if g.RequestedBy == actor.Ref {
		return fresco.Errorf(fresco.EFORBIDDEN, "you cannot approve your own gesture")
	}
	if approve {
		if d := Decide(limits, actor, g.Kind, g.Amount, 0); !d.Within {
			return fresco.Errorf(fresco.EFORBIDDEN, "your own authority does not cover this: %s", d.Reason)
		}
	}
	return nil
}

// decidesGestures is the part of GestureDecisionAllowed that needs no
// gesture: the role.
func decidesGestures(actor Actor) error {
	if actor.Role != fresco.RoleManager && actor.Role != fresco.RoleOwner {
		return fresco.Errorf(fresco.EFORBIDDEN, "only a manager or an owner approves gestures")
	}
	return nil
}

// MayDecide applies GestureDecisionAllowed with the actor's limits as stored.
func (s *Service) MayDecide(ctx context.Context, actor Actor, g *fresco.Gesture, approve bool) error {
	if err := decidesGestures(actor); err != nil {
		return err // no limits to load: the role decides
	}
	var limits []fresco.AuthorityLimit
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		limits, err = tx.AuthorityLimitsFor(ctx, scopes(actor)...)
		return err
	})
	if err != nil {
		return err
	}
	return GestureDecisionAllowed(g, actor, approve, limits)
}

// Collision detection: two people may have one case open, and the one
// looking at an old page must not respond, resolve, hand over or close as
// if nothing had happened since. A caller says which version of the case it
// saw (Seen); the service checks it with the case locked, in the
// transaction of the change, and refuses a stale action with what changed
// since, naming who did what and when.

// Seen is the version of a case a caller saw before acting on it: the case
// page's forms carry it, an API call sends it as If-Match.
//
// A case's version is the id of the last event of its own timeline
// (store.CaseVersion), not a version column as customers and purchases
// have. A case's truth is its append-only event log — the case row is a
// cache the service rewrites after every event — so the log already orders
// every change, and every change appends under the case's row lock. And to
// say what changed since a version, the service needs the changes
// themselves: they are exactly the events after it. A counter would be a
// second record of the same thing, to keep in step in every UPDATE of the
// row (and would still need the events to say who did what).
type Seen struct {
	// Version is the version seen; 0 checks nothing (a caller that saw
	// none: an API call without If-Match), and only After is set.
	Version int64
	// For is the case page's action, whose rule (StaleSafe) decides
	// whether it goes through on a page that is out of date. Empty: an API
	// call with If-Match, which any change since refuses (RFC 9110: a
	// failed precondition performs nothing).
	For Action
	// Missed is set when the case changed since Version but the action
	// went ahead all the same (a note, or only the SLA clock moved): the
	// changes, for the caller to tell.
	Missed []Change
	// After is the case's version once the action is written (0 when it
	// was refused): the ETag of the case the API answers.
	After int64
}

// StaleSafe is the case page's rule of which actions go through on a page
// loaded before someone else changed the case: only an internal note, an
// addition that can neither undo nor repeat what the other person did.
// Everything else — a response or an e-mail to the customer, logging the
// customer's reply, a handover, waiting, resuming, resolving, closing,
// reopening, a gesture, a task's outcome, a decision on a gesture — was
// decided on a case that is no longer there (a second response or refund,
// resolving a case a colleague has just handed on) and is refused, with
// what changed. Either way the page then says what changed.
func StaleSafe(a Action) bool { return a == ActNote }

// clockKinds are the events the SLA clock records by itself. They change
// no status, owner or state, so on the case page they make no action
// stale, though they are told as changes; an If-Match counts them, as they
// move the ETag.
var clockKinds = map[string]bool{"sla_warning": true, "sla_breached": true, "escalated": true}

// Change is one thing done to a case, in words: Who What When, "Sam Lee
// resolved the case at 10:42".
type Change struct {
	Event fresco.CaseEvent
	Who   string
	What  string
	When  string
}

func (c Change) String() string { return c.Who + " " + c.What + " " + c.When }

// StaleError refuses an action on a case that has changed since the
// version its caller saw (fresco.ESTALE): Changes are the events since.
type StaleError struct {
	CaseID        int64
	Seen, Current int64
	Changes       []Change
	err           *fresco.Error
}

func (e *StaleError) Error() string { return e.err.Error() }
func (e *StaleError) Unwrap() error { return e.err }

// Seeing returns the service as it acts for a caller who saw case caseID
// at seen.Version: a change to that case checks the version first (and
// fills in seen.Missed). Other cases a change touches (a merge's
// survivor) are not checked. Like Batch, it is a copy, for one request.
func (s *Service) Seeing(caseID int64, seen *Seen) *Service {
	c := *s
	c.seenCase, c.seen = caseID, seen
	return &c
}

// checkSeen applies Seen to case id, locked in tx, before a change to it.
func (s *Service) checkSeen(ctx context.Context, tx *store.Tx, id int64) error {
	seen := s.seen
	if seen == nil || id != s.seenCase || seen.Version == 0 {
		return nil
	}
	current, err := tx.CaseVersion(ctx, id)
	if err != nil || current == seen.Version {
		return err
	}
	events, err := tx.CaseEventsSince(ctx, id, seen.Version, 0)
	if err != nil {
		return err
	}
	changes, err := s.describeChanges(ctx, tx, events)
	if err != nil {
		return err
	}
	if seen.For != "" && (StaleSafe(seen.For) || onlyClock(events)) {
		seen.Missed = changes
		return nil
	}
	return staleError(id, seen.Version, current, changes)
}

func onlyClock(events []fresco.CaseEvent) bool {
	for _, e := range events {
		if !clockKinds[e.Kind] {
			return false
		}
	}
	return true
}

// maxChangesTold is how many changes a refusal names; more are counted.
const maxChangesTold = 5

func staleError(id, seen, current int64, changes []Change) *StaleError {
	msg := fmt.Sprintf("case %d has changed since you read it (version %d, now %d); nothing was written", id, seen, current)
	if len(changes) > 0 {
		msg = fmt.Sprintf("case %d has changed since you read it: %s; nothing was written", id, ChangesText(changes))
	}
	return &StaleError{CaseID: id, Seen: seen, Current: current, Changes: changes,
		err: &fresco.Error{Code: fresco.ESTALE, Message: msg}}
}

// ChangesText tells changes in one line, "Sam Lee resolved the case and
// scheduled a task at 10:42; Meg added a note at 10:44": the events of one
// change (one actor, one instant) as one, the first few of many and how
// many more.
func ChangesText(changes []Change) string {
	var told []string
	for i := 0; i < len(changes); {
		j := i + 1
		for j < len(changes) && changes[j].Event.Actor == changes[i].Event.Actor && changes[j].Event.At.Equal(changes[i].Event.At) {
			j++
		}
		if len(told) == maxChangesTold {
			told = append(told, fmt.Sprintf("and %d more in the timeline", len(changes)-i))
			break
		}
		what := make([]string, 0, j-i)
		for _, c := range changes[i:j] {
			what = append(what, c.What)
		}
		told = append(told, changes[i].Who+" "+andList(what)+" "+changes[i].When)
		i = j
	}
	return strings.Join(told, "; ")
}

// andList joins "a", "b", "c" as "a, b and c".
func andList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// ChangesSince describes case id's events after version after, up to upTo
// (0: all): what changed while a page was open.
func (s *Service) ChangesSince(ctx context.Context, id, after, upTo int64) ([]Change, error) {
	events, err := s.db.CaseEventsSince(ctx, id, after, upTo)
	if err != nil {
		return nil, err
	}
	return s.describeChanges(ctx, s.db, events)
}

// employeeReader is the database or a transaction, to name employees.
type employeeReader interface {
	Employee(ctx context.Context, id int64) (*fresco.Employee, error)
}

func (s *Service) describeChanges(ctx context.Context, q employeeReader, events []fresco.CaseEvent) ([]Change, error) {
	names := map[int64]string{}
	var failed error
	name := func(id int64) string {
		if n, ok := names[id]; ok {
			return n
		}
		e, err := q.Employee(ctx, id)
		switch {
		case fresco.ErrorCode(err) == fresco.ENOTFOUND:
			names[id] = "a former employee"
		case err != nil:
			failed = err
		default:
			names[id] = e.Name
		}
		return names[id]
	}
	f, now := s.opts.Format(ctx), s.Now()
	out := make([]Change, len(events))
	for i, e := range events {
		out[i] = Change{Event: e, Who: actorWords(e.Actor, name), What: changeWords(e, name), When: whenWords(f, e.At, now)}
	}
	return out, failed
}

// TokenWho is how ActorWho names an API token: a change names people, the
// audit log names the token.
const TokenWho = "an API token"

// ActorWho names an audit actor that is a person or a token: the
// employee's name ("employee:4") or TokenWho ("token:2"); ok is false for
// the others ("system", "customer", a name given by an import).
func ActorWho(actor string, employee func(int64) string) (who string, ok bool) {
	kind, rest, _ := strings.Cut(actor, ":")
	id, err := strconv.ParseInt(rest, 10, 64)
	switch {
	case kind == "employee" && err == nil:
		return employee(id), true
	case kind == "token" && err == nil:
		return TokenWho, true
	}
	return "", false
}

// actorWords names an event's actor as the changes tell it.
func actorWords(actor string, employee func(int64) string) string {
	if who, ok := ActorWho(actor, employee); ok {
		return who
	}
	switch actor {
	case "system":
		return "Fresco"
	case "customer":
		return "the customer"
	}
	return actor // a name given by an import
}

// changeWords says what an event did, to follow its actor.
func changeWords(e fresco.CaseEvent, employee func(int64) string) string {
	var b map[string]any
	_ = json.Unmarshal(e.Body, &b)
	switch e.Kind {
	case "transferred":
		to, _ := b["to"].(float64)
		return "handed the case over to " + employee(int64(to))
	case "state_changed":
		if s, _ := b["state"].(string); s != "open" {
			return "set the case to " + strings.ReplaceAll(s, "_", " ")
		}
		return "set the case back to open"
	case "merged":
		return fmt.Sprintf("merged the case into case %v", b["into"])
	case "merged_from":
		return fmt.Sprintf("merged case %v into this one", b["case_id"])
	}
	if w, ok := changeKinds[e.Kind]; ok {
		return w
	}
	return "changed the case (" + strings.ReplaceAll(e.Kind, "_", " ") + ")"
}

var changeKinds = map[string]string{
	"opened": "opened the case", "agent_responded": "responded to the customer",
	"customer_replied": "logged a reply from the customer", "note": "added a note",
	"resolved": "resolved the case", "closed": "closed the case", "reopened": "reopened the case",
	"gesture_granted": "granted a gesture", "gesture_requested": "asked for approval of a gesture",
	"gesture_approved": "approved a gesture", "gesture_rejected": "rejected a gesture",
	"sla_warning": "warned that an SLA deadline is near", "sla_breached": "recorded an SLA breach",
	"escalated": "escalated the case to the manager", "task_created": "scheduled a task",
	"task_completed": "completed a task", "hold_started": "put the customer on hold",
	"hold_ended": "took the customer off hold", "callback_scheduled": "scheduled a call-back",
	"reply_sent": "e-mailed the customer", "message_received": "sent an e-mail",
	"employee_involved": "recorded an employee as involved",
}

// whenWords is "at 10:42" today, in the business's zone, else "on 6 Dec
// 2026 10:42".
func whenWords(f fresco.Formatter, at, now time.Time) string {
	t, n := at.In(f.Zone), now.In(f.Zone)
	if t.Year() == n.Year() && t.YearDay() == n.YearDay() {
		return "at " + t.Format(f.Locale.Clock)
	}
	return "on " + f.DateTime(at)
}
