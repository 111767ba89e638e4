package web

// Service recovery API (internal/recovery): cases, their timeline and SLA
// clocks. Gestures, tasks, SLA policies, authority limits and the reports
// have their own api_*.go files.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
)

// CaseSLA is the cached summary of a case's SLA clocks.
type CaseSLA struct {
	Status   string     `json:"status" enum:"none,running,paused,warning,breached,met" doc:"none: no policy applies."`
	Deadline *time.Time `json:"deadline" doc:"The next deadline of a live clock."`
	Breached bool       `json:"breached"`
}

// Case is a service-recovery case as the API shows it.
type Case struct {
	ID                   int64          `json:"id"`
	CustomerID           int64          `json:"customer_id"`
	PurchaseID           *int64         `json:"purchase_id"`
	LocationID           *int64         `json:"location_id"`
	ProductID            *int64         `json:"product_id"`
	Source               string         `json:"source"`
	Summary              string         `json:"summary"`
	Expectation          string         `json:"expectation" doc:"What the customer expects to be done."`
	Incident             map[string]any `json:"incident" doc:"The incident form: what_happened, where, who."`
	Category             string         `json:"category"`
	Status               string         `json:"status" enum:"open,resolved,closed,merged"`
	State                string         `json:"state" doc:"open, a waiting state such as waiting_on_customer, or resolved."`
	StateReason          string         `json:"state_reason"`
	OwnerID              int64          `json:"owner_id" doc:"The one accountable owner."`
	MergedInto           *int64         `json:"merged_into"`
	OpenedAt             time.Time      `json:"opened_at"`
	FirstResponseAt      *time.Time     `json:"first_response_at"`
	ResolvedAt           *time.Time     `json:"resolved_at"`
	ClosedAt             *time.Time     `json:"closed_at"`
	ReopenCount          int            `json:"reopen_count"`
	RootCauseCategory    string         `json:"root_cause_category"`
	RootCauseSource      string         `json:"root_cause_source"`
	FollowThroughOutcome string         `json:"follow_through_outcome"`
	SLA                  CaseSLA        `json:"sla"`
	CreatedBy            string         `json:"created_by"`
	CreatedAt            time.Time      `json:"created_at"`
	UpdatedAt            time.Time      `json:"updated_at"`

	// On GET /cases/{id} only.
	Timeline []CaseEvent    `json:"timeline,omitempty" doc:"The whole story, including cases merged into this one."`
	Watchers []int64        `json:"watchers,omitempty"`
	Involved []int64        `json:"involved,omitempty"`
	Tasks    []CaseTask     `json:"tasks,omitempty"`
	Gestures []Gesture      `json:"gestures,omitempty"`
	Clocks   map[string]any `json:"clocks,omitempty" doc:"The SLA clocks evaluated now (internal/sla)."`
}

// CaseEvent is one entry of a case's timeline.
type CaseEvent struct {
	ID     int64          `json:"id"`
	CaseID int64          `json:"case_id"`
	At     time.Time      `json:"at"`
	Actor  string         `json:"actor"`
	Kind   string         `json:"kind"`
	Body   map[string]any `json:"body"`
}

func jsonMap(raw []byte) map[string]any {
	m := map[string]any{}
	_ = json.Unmarshal(raw, &m)
	return m
}

func caseOut(c *fresco.Case) Case {
	return Case{ID: c.ID, CustomerID: c.CustomerID, PurchaseID: c.PurchaseID, LocationID: c.LocationID, ProductID: c.ProductID,
		Source: c.Source, Summary: c.Summary, Expectation: c.Expectation, Incident: jsonMap(c.Details), Category: c.Category,
		Status: c.Status, State: c.State, StateReason: c.StateReason, OwnerID: c.OwnerID, MergedInto: c.MergedInto,
		OpenedAt: c.OpenedAt, FirstResponseAt: c.FirstResponseAt, ResolvedAt: c.ResolvedAt, ClosedAt: c.ClosedAt,
		ReopenCount: c.ReopenCount, RootCauseCategory: c.RootCauseCategory, RootCauseSource: c.RootCauseSource,
		FollowThroughOutcome: c.FollowThroughOutcome, SLA: CaseSLA{Status: c.SLAStatus, Deadline: c.SLADeadline, Breached: c.SLABreached},
		CreatedBy: c.CreatedBy, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

// recoveryActor is the caller as the recovery service sees it.
func recoveryActor(ctx context.Context) recovery.Actor {
	p := principal(ctx)
	a := recovery.Actor{Ref: p.Actor(), Name: p.Name(), Role: p.Role}
	if p.Employee != nil {
		id := p.Employee.ID
		a.EmployeeID = &id
	}
	return a
}

// CaseInput opens a case.
type CaseInput struct {
	CustomerID  int64             `json:"customer_id" minimum:"1"`
	PurchaseID  *int64            `json:"purchase_id,omitempty"`
	LocationID  *int64            `json:"location_id,omitempty" doc:"Defaults to the purchase's location."`
	ProductID   *int64            `json:"product_id,omitempty"`
	OwnerID     *int64            `json:"owner_id,omitempty" doc:"Defaults to the caller, else the location's manager."`
	Source      string            `json:"source,omitempty" enum:"complaint,detractor,low_csat,incident,api,staff"`
	Summary     string            `json:"summary"`
	Expectation string            `json:"expectation,omitempty" doc:"What the customer expects to be done."`
	Category    string            `json:"category,omitempty"`
	Incident    recovery.Incident `json:"incident,omitempty"`
	Involved    []int64           `json:"involved,omitempty" doc:"Employees involved."`
	OpenedAt    *time.Time        `json:"opened_at,omitempty" doc:"Defaults to now."`
}

type caseListInput struct {
	ListParams
	View       string `query:"view" enum:"all,mine,team,breaching" default:"all" doc:"mine: owned or watched by the caller; team: owned by the caller's team; breaching: live cases whose next deadline is within 'within' or already breached."`
	Within     string `query:"within" default:"4h" doc:"For view=breaching, e.g. 4h."`
	Status     string `query:"status" doc:"Comma-separated statuses, e.g. open,resolved."`
	OwnerID    int64  `query:"owner_id" minimum:"0"`
	CustomerID int64  `query:"customer_id" minimum:"0"`
	LocationID int64  `query:"location_id" minimum:"0"`
	// The cases behind a count of the recovery-sources report.
	RootCauseSource   string `query:"root_cause_source" doc:"Closed cases whose problem came from this source of the recovery process."`
	RootCauseCategory string `query:"root_cause_category" doc:"Closed cases with this root-cause category."`
	ClosedFrom        string `query:"closed_from" doc:"Cases closed from this date or time."`
	ClosedTo          string `query:"closed_to" doc:"… until this date (inclusive) or before this time."`
}

// caseIDBody is the request of an action on a case: If-Match is optional
// (seeing, below).
type caseIDBody[B any] struct {
	IDParam
	IfMatchParam
	Body B
}

// caseIDInput is the request of an action on a case without a body.
type caseIDInput struct {
	IDParam
	IfMatchParam
}

type transferBody struct {
	OwnerID int64  `json:"owner_id" minimum:"1"`
	Note    string `json:"note" doc:"The handover note: required."`
}
type textBody struct {
	Text string `json:"text"`
}
type messageBody struct {
	Message string `json:"message"`
	Channel string `json:"channel,omitempty"`
}
type waitBody struct {
	State  string `json:"state,omitempty" doc:"Defaults to waiting_on_customer."`
	Reason string `json:"reason"`
}
type reasonBody struct {
	Reason string `json:"reason"`
}
type resolveBody struct {
	Resolution string `json:"resolution"`
}
type closeBody struct {
	RootCauseCategory string `json:"root_cause_category" doc:"The problem's category."`
	RootCauseSource   string `json:"root_cause_source" enum:"selection,support_systems,training,latitude,recognition,none" doc:"The source of the problem in the recovery process itself."`
	Resolution        string `json:"resolution,omitempty" doc:"Required when the case is not resolved yet."`
}
type mergeBody struct {
	Into int64 `json:"into" minimum:"1" doc:"The case that survives."`
}
type involveBody struct {
	EmployeeID int64 `json:"employee_id" minimum:"1"`
}

// HoldOut is a started hold.
type HoldOut struct {
	HoldID   int64  `json:"hold_id"`
	CaseID   int64  `json:"case_id"`
	Callback string `json:"callback" doc:"When the hold becomes a call-back task."`
}

type itemsBody[T any] struct {
	Body struct {
		Items []T `json:"items"`
	}
}

func items[T, D any](list []D, conv func(D) T) *itemsBody[T] {
	out := &itemsBody[T]{}
	out.Body.Items = make([]T, len(list))
	for i, d := range list {
		out.Body.Items[i] = conv(d)
	}
	return out
}

func (s *Server) caseDetail(ctx context.Context, c *fresco.Case) (*One[Case], error) {
	out := caseOut(c)
	timeline, err := s.db.CaseTimeline(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	out.Timeline = make([]CaseEvent, len(timeline))
	for i, e := range timeline {
		out.Timeline[i] = CaseEvent{ID: e.ID, CaseID: e.CaseID, At: e.At, Actor: e.Actor, Kind: e.Kind, Body: jsonMap(e.Body)}
	}
	if out.Involved, out.Watchers, err = s.db.CasePeople(ctx, c.ID); err != nil {
		return nil, err
	}
	tasks, err := s.db.ListTasks(ctx, store.TaskFilter{CaseID: &c.ID, Limit: 1000})
	if err != nil {
		return nil, err
	}
	for _, t := range tasks {
		out.Tasks = append(out.Tasks, taskOut(t))
	}
	gestures, err := s.db.ListGestures(ctx, store.GestureFilter{CaseID: &c.ID, Limit: 1000})
	if err != nil {
		return nil, err
	}
	for _, g := range gestures {
		out.Gestures = append(out.Gestures, gestureOut(g))
	}
	ev, err := s.recovery.Evaluate(ctx, c)
	if err != nil {
		s.log.WarnContext(ctx, "recovery: evaluate SLA", "case", c.ID, "err", err)
	} else if ev != nil {
		raw, _ := json.Marshal(ev)
		out.Clocks = jsonMap(raw)
	}
	return &One[Case]{Body: out}, nil
}

func createdCase(c *fresco.Case) *Created[Case] {
	return &Created[Case]{Location: fmt.Sprintf("%s/cases/%d", apiPrefix, c.ID), Body: caseOut(c)}
}

// oneCase is the answer of an operation that changes a case.
func oneCase(c *fresco.Case, err error) (*One[Case], error) {
	if err != nil {
		return nil, err
	}
	return &One[Case]{Body: caseOut(c)}, nil
}

func (s *Server) listCases(ctx context.Context, in *caseListInput) (*PageBody[Case], error) {
	f := store.CaseFilter{Cursor: in.Cursor, Limit: in.Limit, OwnerID: idPtr(in.OwnerID),
		CustomerID: idPtr(in.CustomerID), LocationID: idPtr(in.LocationID)}
	if in.Status != "" {
		f.Statuses = strings.Split(in.Status, ",")
	}
	p := principal(ctx)
	var v fresco.Validation
	f.RootCauseSource, f.RootCauseCategory = in.RootCauseSource, in.RootCauseCategory
	f.ClosedFrom, f.ClosedTo = timePtr(parseTimeParam(&v, "closed_from", in.ClosedFrom, false)), timePtr(parseTimeParam(&v, "closed_to", in.ClosedTo, true))
	switch in.View {
	case "mine", "team":
		if p.Employee == nil {
			v.Add("query.view", "view=%s needs a logged-in employee, not an API token", in.View)
		} else if in.View == "mine" {
			f.WatcherID = &p.Employee.ID
		} else if p.Employee.TeamID == nil {
			v.Add("query.view", "you are in no team")
		} else {
			f.TeamID = p.Employee.TeamID
		}
	case "breaching":
		d, err := time.ParseDuration(in.Within)
		if err != nil || d < 0 {
			v.Add("query.within", "%q is not a duration such as 4h", in.Within)
		}
		t := s.now().Add(d)
		f.DeadlineBefore = &t
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	list, next, err := s.db.ListCases(ctx, f)
	if err != nil {
		return nil, err
	}
	return page(list, next, caseOut), nil
}

func (s *Server) createCase(ctx context.Context, in *struct{ Body CaseInput }) (*Created[Case], error) {
	b := in.Body
	oi := recovery.OpenInput{CustomerID: b.CustomerID, PurchaseID: b.PurchaseID, LocationID: b.LocationID,
		ProductID: b.ProductID, OwnerID: b.OwnerID, Source: b.Source, Summary: b.Summary, Expectation: b.Expectation,
		Category: b.Category, Incident: b.Incident, Involved: b.Involved}
	if b.OpenedAt != nil {
		oi.OpenedAt = *b.OpenedAt
	}
	c, err := s.recovery.Open(ctx, recoveryActor(ctx), oi)
	if err != nil {
		return nil, err
	}
	return createdCase(c), nil
}

// getCase answers the case with its version as the ETag, read before the
// case: a change in between makes the ETag older than the body, so that an
// If-Match with it is refused (412) rather than a stale body passing for
// current.
func (s *Server) getCase(ctx context.Context, in *IDParam) (*Tagged[Case], error) {
	version, err := s.db.CaseVersion(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	c, err := s.db.Case(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	one, err := s.caseDetail(ctx, c)
	if err != nil {
		return nil, err
	}
	return tagged(one.Body, version), nil
}

func (s *Server) transferCase(ctx context.Context, in *caseIDBody[transferBody]) (*Tagged[Case], error) {
	return caseAct(s, ctx, in, func(svc *recovery.Service, a recovery.Actor) (*fresco.Case, error) {
		return svc.Transfer(ctx, a, in.ID, in.Body.OwnerID, in.Body.Note)
	})
}

func (s *Server) addCaseNote(ctx context.Context, in *caseIDBody[textBody]) (*Tagged[Case], error) {
	return caseAct(s, ctx, in, func(svc *recovery.Service, a recovery.Actor) (*fresco.Case, error) {
		return svc.Note(ctx, a, in.ID, in.Body.Text)
	})
}

func (s *Server) respondCase(ctx context.Context, in *caseIDBody[messageBody]) (*Tagged[Case], error) {
	return caseAct(s, ctx, in, func(svc *recovery.Service, a recovery.Actor) (*fresco.Case, error) {
		return svc.Respond(ctx, a, in.ID, in.Body.Message, in.Body.Channel)
	})
}

func (s *Server) customerReplyCase(ctx context.Context, in *caseIDBody[messageBody]) (*Tagged[Case], error) {
	return caseAct(s, ctx, in, func(svc *recovery.Service, a recovery.Actor) (*fresco.Case, error) {
		return svc.CustomerReply(ctx, a, in.ID, in.Body.Message)
	})
}

func (s *Server) waitCase(ctx context.Context, in *caseIDBody[waitBody]) (*Tagged[Case], error) {
	return caseAct(s, ctx, in, func(svc *recovery.Service, a recovery.Actor) (*fresco.Case, error) {
		return svc.Wait(ctx, a, in.ID, in.Body.State, in.Body.Reason)
	})
}

func (s *Server) resumeCase(ctx context.Context, in *caseIDBody[reasonBody]) (*Tagged[Case], error) {
	return caseAct(s, ctx, in, func(svc *recovery.Service, a recovery.Actor) (*fresco.Case, error) {
		return svc.Resume(ctx, a, in.ID, in.Body.Reason)
	})
}

func (s *Server) resolveCase(ctx context.Context, in *caseIDBody[resolveBody]) (*Tagged[Case], error) {
	return caseAct(s, ctx, in, func(svc *recovery.Service, a recovery.Actor) (*fresco.Case, error) {
		return svc.Resolve(ctx, a, in.ID, in.Body.Resolution)
	})
}

func (s *Server) closeCase(ctx context.Context, in *caseIDBody[closeBody]) (*Tagged[Case], error) {
	return caseAct(s, ctx, in, func(svc *recovery.Service, a recovery.Actor) (*fresco.Case, error) {
		return svc.Close(ctx, a, in.ID, recovery.CloseInput{RootCauseCategory: in.Body.RootCauseCategory,
			RootCauseSource: in.Body.RootCauseSource, Resolution: in.Body.Resolution})
	})
}

func (s *Server) reopenCase(ctx context.Context, in *caseIDBody[reasonBody]) (*Tagged[Case], error) {
	return caseAct(s, ctx, in, func(svc *recovery.Service, a recovery.Actor) (*fresco.Case, error) {
		return svc.Reopen(ctx, a, in.ID, in.Body.Reason)
	})
}

func (s *Server) mergeCase(ctx context.Context, in *caseIDBody[mergeBody]) (*One[Case], error) {
	svc, _, err := s.seeing(ctx, in.ID, in.IfMatchParam)
	if err != nil {
		return nil, err
	}
	return oneCase(svc.Merge(ctx, recoveryActor(ctx), in.ID, in.Body.Into))
}

func (s *Server) involveEmployee(ctx context.Context, in *caseIDBody[involveBody]) (*Tagged[Case], error) {
	return caseAct(s, ctx, in, func(svc *recovery.Service, a recovery.Actor) (*fresco.Case, error) {
		return svc.Involve(ctx, a, in.ID, in.Body.EmployeeID)
	})
}

func (s *Server) startHold(ctx context.Context, in *caseIDInput) (*One[HoldOut], error) {
	svc, _, err := s.seeing(ctx, in.ID, in.IfMatchParam)
	if err != nil {
		return nil, err
	}
	hold, err := svc.Hold(ctx, recoveryActor(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &One[HoldOut]{Body: HoldOut{HoldID: hold, CaseID: in.ID, Callback: "2m"}}, nil
}

// EndHoldInput names the hold to end.
type EndHoldInput struct {
	HoldID int64 `json:"hold_id" minimum:"1" doc:"The hold_id that starting the hold answered."`
}

func (s *Server) endHold(ctx context.Context, in *caseIDBody[EndHoldInput]) (*Tagged[Case], error) {
	return caseAct(s, ctx, in, func(svc *recovery.Service, a recovery.Actor) (*fresco.Case, error) {
		return svc.EndHold(ctx, a, in.ID, in.Body.HoldID)
	})
}

// flagCustomers sets needs_special_attention on a page of customers.
func (s *Server) flagCustomers(ctx context.Context, list []Customer) error {
	ids := make([]int64, len(list))
	for i, c := range list {
		ids[i] = c.ID
	}
	flags, err := s.db.CustomersNeedingAttention(ctx, ids)
	if err != nil {
		return err
	}
	for i := range list {
		list[i].NeedsSpecialAttention = flags[list[i].ID]
	}
	return nil
}

// Collision detection on cases (recovery.Seen): GET /cases/{id} answers the
// case's version as its ETag, and every action on a case honours an
// optional If-Match. A stale one is refused with 412 and the changes since
// in the problem; without If-Match an action applies as it always has.
// Unlike the case page, the API makes no exception for a note: a failed
// If-Match performs nothing (RFC 9110, section 13.1.1), and a client that
// wants its note in whatever happened omits If-Match.

// caseIfMatch is the description every action on a case gets.
const caseIfMatch = "Send the ETag of your last GET of the case as If-Match: if anyone has changed the case since, " +
	"the answer is 412 Precondition Failed naming who did what, and nothing is written. Without If-Match the action applies as it is."

// seeing is the recovery service acting for a caller who sent ifMatch for
// case id, and the Seen it reports the case's new version in: without
// If-Match (or with "*") it checks nothing; with one, the version is
// checked in the change's transaction. An If-Match that holds no ETag the
// API gives for a case cannot match: 412 at once.
func (s *Server) seeing(ctx context.Context, id int64, ifMatch IfMatchParam) (*recovery.Service, *recovery.Seen, error) {
	seen := &recovery.Seen{}
	header := strings.TrimSpace(ifMatch.IfMatch)
	if header == "" || header == "*" {
		return s.recovery.Seeing(id, seen), seen, nil
	}
	for tag := range strings.SplitSeq(header, ",") {
		// Strong comparison: a weak tag (W/"…") never matches. Of
		// several, the newest: a case's versions only grow.
		tag = strings.TrimSpace(tag)
		n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(tag, `"`), `"`), 10, 64)
		if err == nil && n > 0 && strings.HasPrefix(tag, `"`) {
			seen.Version = max(seen.Version, n)
		}
	}
	if seen.Version == 0 {
		current, err := s.db.CaseVersion(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		if current == 0 { // every case has its "opened" event: there is no case
			return nil, nil, fresco.Errorf(fresco.ENOTFOUND, "case %d not found", id)
		}
		return nil, nil, &fresco.Error{Code: fresco.ESTALE, Message: fmt.Sprintf("case %d: If-Match holds no ETag of a case; nothing was written", id),
			Fields: []fresco.FieldError{{Field: "header.If-Match",
				Message: fmt.Sprintf("%s is not the current ETag, %s: GET the case and send its ETag", header, etag(current))}}}
	}
	return s.recovery.Seeing(id, seen), seen, nil
}

// caseAct runs act, an action on case in.ID, for a caller who sent in's
// If-Match (seeing), and answers the case it changed with its new version
// as the ETag, for the next action's If-Match.
func caseAct[B any](s *Server, ctx context.Context, in *caseIDBody[B],
	act func(*recovery.Service, recovery.Actor) (*fresco.Case, error)) (*Tagged[Case], error) {
	svc, seen, err := s.seeing(ctx, in.ID, in.IfMatchParam)
	if err != nil {
		return nil, err
	}
	c, err := act(svc, recoveryActor(ctx))
	if err != nil {
		return nil, err
	}
	return tagged(caseOut(c), seen.After), nil
}

// StaleChange is one change to a case since the If-Match version, in the
// value of a 412's If-Match error.
type StaleChange struct {
	EventID int64     `json:"event_id"`
	Kind    string    `json:"kind"`
	Actor   string    `json:"actor"`
	At      time.Time `json:"at"`
	Text    string    `json:"text" doc:"Who did what when, in words: \"Sam Lee resolved the case at 10:42\"."`
}

// staleCaseDetails are the errors of a 412 for a stale case: If-Match,
// with the current ETag, and the changes since as its value.
func staleCaseDetails(e *recovery.StaleError) []*huma.ErrorDetail {
	changes := make([]StaleChange, len(e.Changes))
	for i, c := range e.Changes {
		changes[i] = StaleChange{EventID: c.Event.ID, Kind: c.Event.Kind, Actor: c.Event.Actor, At: c.Event.At, Text: c.String()}
	}
	return []*huma.ErrorDetail{{Location: "header.If-Match", Value: changes,
		Message: fmt.Sprintf("%s is not the current ETag, %s: GET the case again, see what changed and redo your change if it still makes sense",
			etag(e.Seen), etag(e.Current))}}
}

// caseAction is the operation of an action on a case: it honours If-Match,
// and says so.
func caseAction(op huma.Operation) huma.Operation {
	if op.Description != "" {
		op.Description += " "
	}
	op.Description += caseIfMatch
	op.Errors = append(op.Errors, http.StatusPreconditionFailed)
	return op
}
