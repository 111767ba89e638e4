package recovery

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Latitude within limits: every role (and, as an override, every employee)
// has limits per gesture kind and a total per case ("*"). Within them a
// gesture is granted at once; above them it waits for a manager or owner
// whose own limit covers it.

// Decision is the outcome of checking a gesture against authority limits.
type Decision struct {
	Within bool
	Reason string // why not, or which limit allowed it
}

// scopes lists the limit scopes of an actor, most specific first.
func scopes(a Actor) []string {
	var out []string
	if a.EmployeeID != nil {
		out = append(out, "employee:"+strconv.FormatInt(*a.EmployeeID, 10))
	}
	return append(out, "role:"+string(a.Role))
}

// scopeWords says whose limit a scope is, for the reason staff read:
// "role:agent" → "set for agents", "employee:5" → "set for this employee".
func scopeWords(scope string) string {
	if role, ok := strings.CutPrefix(scope, "role:"); ok {
		return "set for " + role + "s"
	}
	return "set for this employee"
}

// lookup finds the most specific limit for kind among the actor's scopes.
func lookup(limits []fresco.AuthorityLimit, actorScopes []string, kind string) (fresco.AuthorityLimit, bool) {
	for _, sc := range actorScopes {
		for _, l := range limits {
			if l.Scope == sc && l.Kind == kind {
				return l, true
			}
		}
	}
	return fresco.AuthorityLimit{}, false
}

// Decide checks a gesture of amount (with alreadyGranted on the case by the
// same person) against the limits. It is pure: the caller loads the limits.
// A kind limit caps one gesture; the "*" limit caps the person's total on
// the case, so a refund cannot be split to slip under the limit. Without any
// applicable limit the gesture needs approval.
func Decide(limits []fresco.AuthorityLimit, a Actor, kind string, amount, alreadyGranted fresco.Money) Decision {
	if amount == 0 {
		return Decision{Within: true, Reason: "costs nothing (an apology letter)"}
	}
	sc := scopes(a)
	kindLimit, hasKind := lookup(limits, sc, kind)
	total, hasTotal := lookup(limits, sc, "*")
	if !hasKind && !hasTotal {
		return Decision{Reason: fmt.Sprintf("no authority limit is set for %s", a.Role)}
	}
	if hasKind && kindLimit.Amount != nil && amount > *kindLimit.Amount {
		noun := strings.ReplaceAll(kind, "_", " ")
		return Decision{Reason: fmt.Sprintf("a %s of %s is above the %s limit of %s %s", noun, amount, noun, *kindLimit.Amount, scopeWords(kindLimit.Scope))}
	}
	if hasTotal && total.Amount != nil && alreadyGranted+amount > *total.Amount {
		return Decision{Reason: fmt.Sprintf("%s on this case (%s already granted) is above the limit of %s per case %s",
			alreadyGranted+amount, alreadyGranted, *total.Amount, scopeWords(total.Scope))}
	}
	return Decision{Within: true, Reason: "within authority"}
}

// GestureInput asks for a gesture.
type GestureInput struct {
	Kind       string
	Amount     fresco.Money
	PurchaseID *int64 // defaults to the case's purchase
	Note       string
}

// RequestGesture adds a gesture to the case: granted at once within the
// requester's authority, pending approval above it.
func (s *Service) RequestGesture(ctx context.Context, actor Actor, caseID int64, in GestureInput) (*fresco.Gesture, error) {
	var v fresco.Validation
	v.Check(oneOf(in.Kind, GestureKinds), "kind", "must be one of %s", strings.Join(GestureKinds, ", "))
	v.Check(in.Amount >= 0, "amount", "must not be negative")
	v.Check(in.Kind == "apology_letter" || in.Amount > 0, "amount", "is required for a %s", in.Kind)
	v.Text("note", in.Note, false, maxCaseText)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var g *fresco.Gesture
	_, err := s.update(ctx, caseID, actor, func(ctx context.Context, ch *change) error {
		c := ch.c
		if err := ch.allow(ActGesture); err != nil {
			return err
		}
		purchase := c.PurchaseID
		if in.PurchaseID != nil {
			owner, _, err := ch.tx.PurchaseOwner(ctx, *in.PurchaseID)
			if err != nil {
				return err
			}
			if owner == nil || *owner != c.CustomerID {
				var v fresco.Validation
				v.Add("purchase_id", "purchase %d is not this customer's", *in.PurchaseID)
				return v.Err()
			}
			purchase = in.PurchaseID
		}
		limits, err := ch.tx.AuthorityLimitsFor(ctx, scopes(actor)...)
		if err != nil {
			return err
		}
		granted, err := ch.tx.GrantedOnCase(ctx, caseID, actor.Ref)
		if err != nil {
			return err
		}
		d := Decide(limits, actor, in.Kind, in.Amount, granted)
		g = &fresco.Gesture{CaseID: caseID, CustomerID: c.CustomerID, PurchaseID: purchase, Kind: in.Kind,
			Amount: in.Amount, Status: GesturePending, Note: in.Note, RequestedBy: actor.Ref,
			RequestedByEmployee: actor.EmployeeID, RequestedRole: actor.Role, LimitReason: d.Reason,
			CreatedAt: ch.at} // the case's clock, as its events: the wait for approval is decided_at − created_at
		if d.Within {
			g.Status = GestureGranted
			at := ch.at
			g.DecidedBy, g.DecidedAt = actor.Ref, &at
		}
		if g.Letter, err = s.renderLetter(ctx, ch, g); err != nil {
			return err
		}
		if err := ch.tx.InsertGesture(ctx, g); err != nil {
			return err
		}
		kind := "gesture_granted"
		if !d.Within {
			kind = "gesture_requested"
		}
		if _, err := ch.event(ctx, kind, map[string]any{"gesture_id": g.ID, "kind": g.Kind, "amount": g.Amount,
			"status": g.Status, "reason": d.Reason}); err != nil {
			return err
		}
		if !d.Within {
			managers, err := ch.tx.LocationManagers(ctx, c.LocationID)
			if err != nil {
				return err
			}
			for _, m := range managers {
				if err := ch.notifyEmployee(ctx, m, "approval_needed", fmt.Sprintf("Approve %s of %s on case %d? %s",
					gestureWords(g.Kind), s.opts.Format(ctx).Money(g.Amount), caseID, d.Reason)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return g, err
}

// gestureText names a gesture inside the letter's sentence "please accept
// …", with the right article: "a refund of 40.00", "an upgrade".
func gestureText(g *fresco.Gesture, money func(fresco.Money) string) string {
	noun := gestureWords(g.Kind)
	switch {
	case g.Kind == "apology_letter":
		return ""
	case g.Amount > 0 && (g.Kind == "refund" || g.Kind == "service_credit"):
		noun += " of " + money(g.Amount)
	case g.Amount > 0:
		noun += " worth " + money(g.Amount)
	}
	if strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an " + noun
	}
	return "a " + noun
}

// gestureWords is a gesture's kind in words: "service credit".
func gestureWords(kind string) string { return strings.ReplaceAll(kind, "_", " ") }

func (s *Service) renderLetter(ctx context.Context, ch *change, g *fresco.Gesture) (string, error) {
	if g.Kind != "apology_letter" && g.Status != GestureGranted {
		return "", nil
	}
	name, err := ch.tx.CustomerName(ctx, ch.c.CustomerID)
	if err != nil {
		return "", err
	}
	owner, _, _, err := ch.tx.EmployeeBrief(ctx, ch.c.OwnerID)
	if err != nil {
		return "", err
	}
	if name == "" {
		name = "customer"
	}
	var b bytes.Buffer
	err = s.letter.Execute(&b, LetterData{CustomerName: name, Summary: ch.c.Summary, Expectation: ch.c.Expectation,
		OwnerName: owner, Gesture: gestureText(g, s.opts.Format(ctx).Money)})
	if err != nil {
		return "", fmt.Errorf("recovery: apology letter: %w", err)
	}
	return b.String(), nil
}

// DecideGesture approves or rejects a pending gesture. The approver needs a
// role that may approve (manager or owner), may not approve their own
// request, and needs authority for the amount themselves.
func (s *Service) DecideGesture(ctx context.Context, actor Actor, gestureID int64, approve bool, note string) (*fresco.Gesture, error) {
	var v fresco.Validation
	v.Text("note", note, !approve, maxCaseText)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := decidesGestures(actor); err != nil {
		return nil, err // refused by role before any lookup
	}
	g0, err := s.db.Gesture(ctx, gestureID)
	if err != nil {
		return nil, err
	}
	var g *fresco.Gesture
	_, err = s.update(ctx, g0.CaseID, actor, func(ctx context.Context, ch *change) error {
		g, err = ch.tx.GestureForUpdate(ctx, gestureID)
		if err != nil {
			return err
		}
		limits, err := ch.tx.AuthorityLimitsFor(ctx, scopes(actor)...)
		if err != nil {
			return err
		}
		if err := GestureDecisionAllowed(g, actor, approve, limits); err != nil {
			return err
		}
		at := ch.at
		g.Status, g.DecidedBy, g.DecidedAt, g.DecisionNote = GestureRejected, actor.Ref, &at, note
		kind := "gesture_rejected"
		if approve {
			g.Status, kind = GestureGranted, "gesture_approved"
			if g.Letter, err = s.renderLetter(ctx, ch, g); err != nil {
				return err
			}
		}
		if err := ch.tx.DecideGesture(ctx, g); err != nil {
			return err
		}
		if _, err := ch.event(ctx, kind, map[string]any{"gesture_id": g.ID, "kind": g.Kind, "amount": g.Amount,
			"note": note}); err != nil {
			return err
		}
		if g.RequestedByEmployee != nil {
			return ch.notifyEmployee(ctx, *g.RequestedByEmployee, kind, fmt.Sprintf("%s of %s on case %d: %s",
				gestureWords(g.Kind), s.opts.Format(ctx).Money(g.Amount), g.CaseID, strings.TrimPrefix(kind, "gesture_")))
		}
		return nil
	})
	return g, err
}

// LimitInput sets one authority limit.
type LimitInput struct {
	Role       fresco.Role // one of Role or EmployeeID
	EmployeeID *int64
	Kind       string        // a gesture kind or "*"
	Amount     *fresco.Money // nil: unlimited
}

// SetLimit creates or replaces an authority limit (owners only: the web
// layer checks the permission).
func (s *Service) SetLimit(ctx context.Context, actor Actor, in LimitInput) (fresco.AuthorityLimit, error) {
	var v fresco.Validation
	var scope string
	switch {
	case in.EmployeeID != nil && in.Role != "":
		v.Add("role", "give role or employee_id, not both")
	case in.EmployeeID != nil:
		scope = "employee:" + strconv.FormatInt(*in.EmployeeID, 10)
	default:
		if _, err := fresco.ParseRole(string(in.Role)); err != nil {
			v.Add("role", "%s", err.Error())
		}
		scope = "role:" + string(in.Role)
	}
	v.Check(in.Kind == "*" || oneOf(in.Kind, GestureKinds), "kind", "must be * (total per case) or one of %s", strings.Join(GestureKinds, ", "))
	v.Check(in.Amount == nil || *in.Amount >= 0, "amount", "must not be negative")
	if err := v.Err(); err != nil {
		return fresco.AuthorityLimit{}, err
	}
	l := fresco.AuthorityLimit{Scope: scope, Kind: in.Kind, Amount: in.Amount}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if in.EmployeeID != nil {
			if _, _, _, err := tx.EmployeeBrief(ctx, *in.EmployeeID); err != nil {
				var v fresco.Validation
				v.Add("employee_id", "employee %d does not exist", *in.EmployeeID)
				return v.Err()
			}
		}
		if err := tx.SetAuthorityLimit(ctx, l); err != nil {
			return err
		}
		amount := "unlimited"
		if l.Amount != nil {
			amount = l.Amount.String()
		}
		return tx.Audit(ctx, actor.Ref, "authority_limit.set", "authority_limit", scope+"/"+in.Kind, map[string]any{"amount": amount})
	})
	return l, err
}
