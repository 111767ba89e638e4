package recovery

import (
	"context"
	"fmt"
	"math"
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
