package recovery

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/store"
)

// Incident is the Guest Incident Form: what happened, where, who was
// involved and what the customer expects to be done.
type Incident struct {
	WhatHappened string `json:"what_happened,omitempty"`
	Where        string `json:"where,omitempty"`
	Who          string `json:"who,omitempty"`
}

// OpenInput opens a case.
type OpenInput struct {
	CustomerID  int64
	PurchaseID  *int64
	LocationID  *int64 // defaults to the purchase's location
	ProductID   *int64
	OwnerID     *int64 // defaults to the caller, else the location's manager
	Source      string // defaults to "staff" for an employee, "api" for a token
	Summary     string
	Expectation string
	Category    string
	Incident    Incident
	Involved    []int64 // employees involved
	OpenedAt    time.Time
	// SourceResponseID is the response the case is opened from, if any. A
	// response gets at most one case: a second Open for it fails with
	// store.ErrResponseHasCase and changes nothing.
	SourceResponseID *int64
}

// change is one transaction on one case: it locks the case, lets fn append
// events, then recomputes the cached SLA state and schedules the next check.
type change struct {
	s      *Service
	tx     *store.Tx
	c      *fresco.Case
	actor  Actor
	at     time.Time
	notify []fresco.CaseNotification
	last   int64 // the id of the last event appended: the case's version after the change
}

func (ch *change) event(ctx context.Context, kind string, body any) (*fresco.CaseEvent, error) {
	e, err := ch.tx.AppendCaseEvent(ctx, ch.c.ID, ch.at, ch.actor.Ref, kind, body)
	if err != nil {
		return nil, err
	}
	ch.last = e.ID
	if err := ch.tx.Audit(ctx, ch.actor.Ref, "case."+kind, "case", strconv.FormatInt(ch.c.ID, 10), body); err != nil {
		return nil, err
	}
	return e, nil
}

func (ch *change) notifyEmployee(ctx context.Context, employeeID int64, kind, msg string) error {
	n := fresco.CaseNotification{CaseID: ch.c.ID, EmployeeID: &employeeID, Kind: kind, Message: msg}
	if err := ch.tx.InsertCaseNotification(ctx, &n); err != nil {
		return err
	}
	ch.notify = append(ch.notify, n)
	return nil
}

func (ch *change) enqueue(ctx context.Context, j jobs.Job) error {
	_, err := jobs.Enqueue(ctx, ch.tx, j)
	return err
}

// update runs fn on case id in a transaction.
func (s *Service) update(ctx context.Context, id int64, actor Actor, fn func(ctx context.Context, ch *change) error) (*fresco.Case, error) {
	var ch *change
	err := s.inTx(ctx, func(tx *store.Tx) error {
		var err error
		ch, err = s.applyChange(ctx, tx, id, actor, fn)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.committed(ctx, ch)
	if s.seen != nil && id == s.seenCase && ch.last > 0 {
		s.seen.After = ch.last
	}
	return ch.c, nil
}

// applyChange locks case id within tx, checks it against the version the
// caller saw (Seeing: a stale action is refused before fn writes
// anything), runs fn on it, then recomputes and stores the case. The caller commits and then calls afterCommit.
func (s *Service) applyChange(ctx context.Context, tx *store.Tx, id int64, actor Actor, fn func(ctx context.Context, ch *change) error) (*change, error) {
	c, err := tx.CaseForUpdate(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.checkSeen(ctx, tx, id); err != nil {
		return nil, err
	}
	before := *c
	ch := &change{s: s, tx: tx, c: c, actor: actor, at: s.Now()}
	if err := fn(ctx, ch); err != nil {
		return nil, err
	}
	if err := s.recompute(ctx, ch); err != nil {
		return nil, err
	}
	if err := tx.UpdateCase(ctx, &before, ch.c); err != nil {
		return nil, err
	}
	return ch, nil
}

func (s *Service) afterCommit(ctx context.Context, ch *change) {
	s.wake()
	for _, n := range ch.notify {
		if err := s.notif.Notify(ctx, n); err != nil {
			s.log.WarnContext(ctx, "recovery: notify", "case", n.CaseID, "kind", n.Kind, "err", err)
		}
	}
}

// maxCaseText is the longest free text a case accepts (summaries, notes).
const maxCaseText = 4000

// Open opens a case, flags the customer as needing special attention and
// tells the location's staff the same day.
func (s *Service) Open(ctx context.Context, actor Actor, in OpenInput) (*fresco.Case, error) {
	if err := s.checkOpen(actor, &in); err != nil {
		return nil, err
	}
	var ch *change
	err := s.inTx(ctx, func(tx *store.Tx) error {
		var err error
		ch, err = s.open(ctx, tx, actor, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.committed(ctx, ch)
	return ch.c, nil
}

// checkOpen checks the input of Open and fills in its defaults.
func (s *Service) checkOpen(actor Actor, in *OpenInput) error {
	var v fresco.Validation
	v.Check(in.CustomerID > 0, "customer_id", "is required")
	v.Text("summary", in.Summary, true, maxCaseText)
	v.Text("expectation", in.Expectation, false, maxCaseText)
	v.Text("category", in.Category, false, maxCaseText)
	v.Text("incident.what_happened", in.Incident.WhatHappened, false, maxCaseText)
	v.Text("incident.where", in.Incident.Where, false, maxCaseText)
	v.Text("incident.who", in.Incident.Who, false, maxCaseText)
	if in.Source == "" {
		in.Source = "api"
		if actor.EmployeeID != nil {
			in.Source = "staff"
		}
	}
	v.Check(oneOf(in.Source, Sources), "source", "must be one of %s", strings.Join(Sources, ", "))
	if in.OpenedAt.IsZero() {
		in.OpenedAt = s.Now()
	}
	v.Past("opened_at", in.OpenedAt, s.Now(), time.Minute)
	return v.Err()
}

// open is Open's work within tx, on input already checked; the caller
// commits and then calls afterCommit.
func (s *Service) open(ctx context.Context, tx *store.Tx, actor Actor, in OpenInput) (*change, error) {
	details, _ := json.Marshal(in.Incident)
	var ch *change
	err := func() error {
		if in.PurchaseID != nil {
			owner, loc, err := tx.PurchaseOwner(ctx, *in.PurchaseID)
			if err != nil {
				return err
			}
			if owner == nil || *owner != in.CustomerID {
				var v fresco.Validation
				v.Add("purchase_id", "purchase %d is not customer %d's", *in.PurchaseID, in.CustomerID)
				return v.Err()
			}
			if in.LocationID == nil {
				in.LocationID = loc
			}
		}
		ownerID, err := s.chooseOwner(ctx, tx, actor, in.OwnerID, in.LocationID)
		if err != nil {
			return err
		}
		c := &fresco.Case{CustomerID: in.CustomerID, PurchaseID: in.PurchaseID, LocationID: in.LocationID,
			ProductID: in.ProductID, Source: in.Source, Summary: strings.TrimSpace(in.Summary), Expectation: in.Expectation,
			Details: details, Category: strings.TrimSpace(in.Category), Status: fresco.CaseOpen, State: "open",
			OwnerID: ownerID, OpenedAt: in.OpenedAt, SLAStatus: "none", CreatedBy: actor.Ref}
		if err := tx.InsertCase(ctx, c); err != nil {
			return err
		}
		inserted := *c
		if in.SourceResponseID != nil {
			if err := tx.SetCaseSourceResponse(ctx, c.ID, *in.SourceResponseID); err != nil {
				return err
			}
		}
		ch = &change{s: s, tx: tx, c: c, actor: actor, at: c.OpenedAt}
		if _, err := ch.event(ctx, "opened", map[string]any{"source": c.Source, "summary": c.Summary,
			"expectation": c.Expectation, "incident": in.Incident, "owner_id": ownerID, "customer_id": c.CustomerID,
			"purchase_id": c.PurchaseID, "location_id": c.LocationID, "category": c.Category}); err != nil {
			return err
		}
		ch.at = s.Now()
		for _, e := range in.Involved {
			if err := tx.AddCasePerson(ctx, c.ID, e, "involved"); err != nil {
				var v fresco.Validation
				v.Merge("involved", err)
				return v.Err()
			}
		}
		if err := s.tellLocation(ctx, ch); err != nil {
			return err
		}
		if ownerID != ptrVal(actor.EmployeeID) {
			if err := ch.notifyEmployee(ctx, ownerID, "case_assigned",
				fmt.Sprintf("Case %d is yours: %s", c.ID, c.Summary)); err != nil {
				return err
			}
		}
		if err := s.detectRecurrence(ctx, ch); err != nil {
			return err
		}
		if err := s.recompute(ctx, ch); err != nil {
			return err
		}
		return tx.UpdateCase(ctx, &inserted, c)
	}()
	return ch, err
}

func ptrVal(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// chooseOwner picks the accountable owner: the one asked for, else the
// calling employee, else the location's manager.
func (s *Service) chooseOwner(ctx context.Context, tx *store.Tx, actor Actor, want, locationID *int64) (int64, error) {
	if want != nil {
		return *want, s.checkOwner(ctx, tx, *want, "owner_id")
	}
	if actor.EmployeeID != nil && actor.Role.CanWrite() {
		return *actor.EmployeeID, nil
	}
	managers, err := tx.LocationManagers(ctx, locationID)
	if err != nil {
		return 0, err
	}
	if len(managers) == 0 {
		var v fresco.Validation
		v.Add("owner_id", "is required: nobody else can own the case (no manager or owner on file)")
		return 0, v.Err()
	}
	return managers[0], nil
}

// checkOwner makes sure an employee can own cases: active, and not an analyst.
func (s *Service) checkOwner(ctx context.Context, tx *store.Tx, id int64, field string) error {
	_, role, active, err := tx.EmployeeBrief(ctx, id)
	var v fresco.Validation
	switch {
	case fresco.ErrorCode(err) == fresco.ENOTFOUND:
		v.Add(field, "employee %d does not exist", id)
	case err != nil:
		return err
	case !active:
		v.Add(field, "employee %d is not active", id)
	case !role.CanWrite():
		v.Add(field, "employee %d is an %s and cannot own cases", id, role)
	}
	return v.Err()
}

// tellLocation notifies the staff of the case's location, the same day, that
// the customer needs special attention.
func (s *Service) tellLocation(ctx context.Context, ch *change) error {
	if ch.c.LocationID == nil {
		return nil
	}
	staff, err := ch.tx.LocationStaff(ctx, *ch.c.LocationID)
	if err != nil {
		return err
	}
	name, err := ch.tx.CustomerName(ctx, ch.c.CustomerID)
	if err != nil {
		return err
	}
	for _, id := range staff {
		if err := ch.notifyEmployee(ctx, id, "special_attention",
			fmt.Sprintf("%s needs special attention (case %d: %s)", name, ch.c.ID, ch.c.Summary)); err != nil {
			return err
		}
	}
	return nil
}

// Transfer hands the case to a new owner with a handover note. The new owner
// reads the whole timeline; the previous owner keeps watching.
func (s *Service) Transfer(ctx context.Context, actor Actor, id, to int64, note string) (*fresco.Case, error) {
	var v fresco.Validation
	v.Text("note", note, true, maxCaseText)
	v.Check(to > 0, "owner_id", "is required")
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.update(ctx, id, actor, func(ctx context.Context, ch *change) error {
		if err := ch.allow(ActTransfer); err != nil {
			return err
		}
		if to == ch.c.OwnerID {
			return fresco.Errorf(fresco.ECONFLICT, "employee %d already owns case %d", to, id)
		}
		if err := s.checkOwner(ctx, ch.tx, to, "owner_id"); err != nil {
			return err
		}
		from := ch.c.OwnerID
		if err := ch.tx.AddCasePerson(ctx, id, from, "watcher"); err != nil {
			return err
		}
		ch.c.OwnerID = to
		if _, err := ch.event(ctx, "transferred", map[string]any{"from": from, "to": to, "note": note}); err != nil {
			return err
		}
		return ch.notifyEmployee(ctx, to, "case_transferred",
			fmt.Sprintf("Case %d handed over to you: %s. Handover note: %s", id, ch.c.Summary, note))
	})
}

// Note adds an internal note to the timeline.
func (s *Service) Note(ctx context.Context, actor Actor, id int64, text string) (*fresco.Case, error) {
	var v fresco.Validation
	v.Text("text", text, true, maxCaseText)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.update(ctx, id, actor, func(ctx context.Context, ch *change) error {
		if err := ch.allow(ActNote); err != nil {
			return err
		}
		_, err := ch.event(ctx, "note", map[string]any{"text": text})
		return err
	})
}

// Respond records a response to the customer (stops the response clocks). A
// response in a waiting state keeps the state.
func (s *Service) Respond(ctx context.Context, actor Actor, id int64, message, channel string) (*fresco.Case, error) {
	var v fresco.Validation
	v.Text("message", message, true, maxCaseText)
	v.Text("channel", channel, false, maxCaseText)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.update(ctx, id, actor, func(ctx context.Context, ch *change) error {
		if err := ch.allow(ActRespond); err != nil {
			return err
		}
		if ch.c.FirstResponseAt == nil {
			t := ch.at
			ch.c.FirstResponseAt = &t
		}
		_, err := ch.event(ctx, "agent_responded", map[string]any{"message": message, "channel": channel})
		return err
	})
}

// CustomerReply records what the customer said. A reply on a waiting case
// puts it back to open; a reply on a resolved or closed case within the
// reopen window reopens it.
func (s *Service) CustomerReply(ctx context.Context, actor Actor, id int64, message string) (*fresco.Case, error) {
	var v fresco.Validation
	v.Text("message", message, true, maxCaseText)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.update(ctx, id, actor, func(ctx context.Context, ch *change) error {
		return s.customerCameBack(ctx, ch, "the customer came back: "+message, "customer replied",
			"customer_replied", map[string]any{"message": message})
	})
}

// customerCameBack records the customer's word on the case being changed
// as event kind with body: on a resolved or closed case within the reopen
// window it reopens the case first (why), and a waiting case goes back to
// open (stateReason).
func (s *Service) customerCameBack(ctx context.Context, ch *change, why, stateReason, kind string, body map[string]any) error {
	// On a closed case the customer's coming back is a reopening.
	action := ActCustomerReply
	if ch.c.Status == fresco.CaseClosed {
		action = ActReopen
	}
	if err := ch.allow(action); err != nil {
		return err
	}
	if ch.c.Status != fresco.CaseOpen {
		if err := s.reopen(ctx, ch, why); err != nil {
			return err
		}
	}
	if _, err := ch.event(ctx, kind, body); err != nil {
		return err
	}
	if ch.c.State != "open" {
		return s.setState(ctx, ch, "open", stateReason)
	}
	return nil
}

func (s *Service) setState(ctx context.Context, ch *change, state, reason string) error {
	ch.c.State, ch.c.StateReason = state, reason
	_, err := ch.event(ctx, "state_changed", map[string]any{"state": state, "reason": reason})
	return err
}

// Wait puts an open case in a waiting state with a reason (e.g.
// waiting_on_customer: "asked for the receipt"); the SLA clocks pause when the
// policy lists the state.
func (s *Service) Wait(ctx context.Context, actor Actor, id int64, state, reason string) (*fresco.Case, error) {
	if state == "" {
		state = waitingOnCustomerState
	}
	var v fresco.Validation
	v.Text("reason", reason, true, maxCaseText)
	v.Check(state != "open" && state != "resolved" && len(state) <= 64 && !strings.ContainsAny(state, " \t\n"),
		"state", "must be a waiting state such as waiting_on_customer")
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.update(ctx, id, actor, func(ctx context.Context, ch *change) error {
		if err := ch.allow(ActWait); err != nil {
			return err
		}
		return s.setState(ctx, ch, state, reason)
	})
}

// Resume ends a waiting state.
func (s *Service) Resume(ctx context.Context, actor Actor, id int64, reason string) (*fresco.Case, error) {
	return s.update(ctx, id, actor, func(ctx context.Context, ch *change) error {
		if err := ch.allow(ActResume); err != nil {
			return err
		}
		return s.setState(ctx, ch, "open", reason)
	})
}

// Resolve marks the case resolved and schedules the follow-through task.
func (s *Service) Resolve(ctx context.Context, actor Actor, id int64, resolution string) (*fresco.Case, error) {
	var v fresco.Validation
	v.Text("resolution", resolution, true, maxCaseText)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.update(ctx, id, actor, func(ctx context.Context, ch *change) error {
		if err := ch.allow(ActResolve); err != nil {
			return err
		}
		return s.resolve(ctx, ch, resolution)
	})
}

func (s *Service) resolve(ctx context.Context, ch *change, resolution string) error {
	t := ch.at
	ch.c.Status, ch.c.State, ch.c.StateReason, ch.c.ResolvedAt = fresco.CaseResolved, "resolved", "", &t
	if _, err := ch.event(ctx, "resolved", map[string]any{"resolution": resolution}); err != nil {
		return err
	}
	owner := ch.c.OwnerID
	task := &fresco.CaseTask{CaseID: ch.c.ID, Kind: "follow_through", DueAt: t.Add(s.opts.FollowThroughAfter),
		AssigneeID: &owner, Note: "Confirm with the customer that the problem is solved"}
	return s.addTask(ctx, ch, task)
}

// CloseInput closes a case with its root causes.
type CloseInput struct {
	RootCauseCategory string // the problem's category
	RootCauseSource   string // the source in the recovery process (RootCauseSources)
	Resolution        string // required when closing a case that is still open
}

// Close closes the case; root causes are required. Closing an open case
// resolves it first. The customer's special-attention flag drops with the
// last case that closes.
func (s *Service) Close(ctx context.Context, actor Actor, id int64, in CloseInput) (*fresco.Case, error) {
	var v fresco.Validation
	v.Text("root_cause_category", in.RootCauseCategory, true, maxCaseText)
	v.Check(oneOf(in.RootCauseSource, RootCauseSources), "root_cause_source", "must be one of %s", strings.Join(RootCauseSources, ", "))
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.update(ctx, id, actor, func(ctx context.Context, ch *change) error {
		if err := ch.allow(ActClose); err != nil {
			return err
		}
		if ch.c.Status == fresco.CaseOpen {
			if strings.TrimSpace(in.Resolution) == "" {
				var v fresco.Validation
				v.Add("resolution", "is required to close a case that is not resolved yet")
				return v.Err()
			}
			if err := s.resolve(ctx, ch, in.Resolution); err != nil {
				return err
			}
		}
		t := ch.at
		ch.c.Status, ch.c.ClosedAt = fresco.CaseClosed, &t
		ch.c.RootCauseCategory, ch.c.RootCauseSource = strings.TrimSpace(in.RootCauseCategory), in.RootCauseSource
		if ch.c.Category == "" {
			ch.c.Category = ch.c.RootCauseCategory
		}
		_, err := ch.event(ctx, "closed", map[string]any{"root_cause_category": ch.c.RootCauseCategory,
			"root_cause_source": in.RootCauseSource})
		if err != nil {
			return err
		}
		return s.detectRecurrence(ctx, ch)
	})
}

// Reopen reopens a resolved or closed case within the reopen window.
func (s *Service) Reopen(ctx context.Context, actor Actor, id int64, reason string) (*fresco.Case, error) {
	var v fresco.Validation
	v.Text("reason", reason, true, maxCaseText)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.update(ctx, id, actor, func(ctx context.Context, ch *change) error {
		return s.reopen(ctx, ch, reason)
	})
}

func (s *Service) reopen(ctx context.Context, ch *change, reason string) error {
	c := ch.c
	if err := ch.allow(ActReopen); err != nil {
		return err
	}
	c.Status, c.State, c.StateReason, c.ClosedAt, c.ResolvedAt = fresco.CaseOpen, "open", "", nil, nil
	c.ReopenCount++
	c.FollowThroughOutcome = ""
	if _, err := ch.event(ctx, "reopened", map[string]any{"reason": reason}); err != nil {
		return err
	}
	// The follow-through of the previous resolution is moot.
	tasks, err := ch.tx.ListTasks(ctx, store.TaskFilter{CaseID: &c.ID, Kind: "follow_through", Status: "open"})
	if err != nil {
		return err
	}
	for _, t := range tasks {
		t.Status, t.Outcome = "cancelled", "case reopened"
		if err := ch.tx.UpdateTask(ctx, t); err != nil {
			return err
		}
	}
	return ch.notifyEmployee(ctx, c.OwnerID, "case_reopened", fmt.Sprintf("Case %d reopened: %s", c.ID, reason))
}

// Merge merges duplicate case id into case into (same customer): the
// duplicate's timeline shows in the survivor's, its tasks, gestures and
// people move across, and its owner watches the survivor.
func (s *Service) Merge(ctx context.Context, actor Actor, id, into int64) (*fresco.Case, error) {
	if id == into {
		var v fresco.Validation
		v.Add("into", "a case cannot be merged into itself")
		return nil, v.Err()
	}
	_, err := s.update(ctx, id, actor, func(ctx context.Context, ch *change) error {
		if err := ch.allow(ActMerge); err != nil {
			return err
		}
		t, err := ch.tx.CaseForUpdate(ctx, into)
		if fresco.ErrorCode(err) == fresco.ENOTFOUND {
			var v fresco.Validation
			v.Add("into", "case %d does not exist", into)
			return v.Err()
		}
		if err != nil {
			return err
		}
		if t.CustomerID != ch.c.CustomerID {
			var v fresco.Validation
			v.Add("into", "case %d is another customer's", into)
			return v.Err()
		}
		if ok, why := CaseAllows(t, ActMerge, ch.at, s.opts.ReopenWindow); !ok {
			return fresco.Errorf(fresco.ECONFLICT, "merge into a live case: %s", why)
		}
		ch.c.Status, ch.c.MergedInto = fresco.CaseMerged, &into
		if _, err := ch.event(ctx, "merged", map[string]any{"into": into}); err != nil {
			return err
		}
		if err := ch.tx.MoveCaseRecords(ctx, id, into); err != nil {
			return err
		}
		if ch.c.OwnerID != t.OwnerID {
			if err := ch.tx.AddCasePerson(ctx, into, ch.c.OwnerID, "watcher"); err != nil {
				return err
			}
		}
		if _, err := ch.tx.AppendCaseEvent(ctx, into, ch.at, actor.Ref, "merged_from", map[string]any{"case_id": id}); err != nil {
			return err
		}
		return ch.tx.Audit(ctx, actor.Ref, "case.merged_from", "case", strconv.FormatInt(into, 10), map[string]any{"case_id": id})
	})
	if err != nil {
		return nil, err
	}
	return s.db.Case(ctx, into)
}

// Involve records an employee as involved in the case.
func (s *Service) Involve(ctx context.Context, actor Actor, id, employeeID int64) (*fresco.Case, error) {
	return s.update(ctx, id, actor, func(ctx context.Context, ch *change) error {
		if err := ch.tx.AddCasePerson(ctx, id, employeeID, "involved"); err != nil {
			return err
		}
		_, err := ch.event(ctx, "employee_involved", map[string]any{"employee_id": employeeID})
		return err
	})
}
