package web

// Service recovery API (internal/recovery): cases, their timeline and SLA
// clocks, tasks, gestures and approvals, authority limits, SLA policies,
// recurrence alerts and the recovery report.

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

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

// CaseTask is a call-back, follow-through or re-survey task.
type CaseTask struct {
	ID         int64          `json:"id"`
	CaseID     int64          `json:"case_id"`
	Kind       string         `json:"kind"`
	Status     string         `json:"status"`
	DueAt      time.Time      `json:"due_at"`
	AssigneeID *int64         `json:"assignee_id"`
	Note       string         `json:"note"`
	Outcome    string         `json:"outcome"`
	Result     map[string]any `json:"result"`
	CreatedAt  time.Time      `json:"created_at"`
	DoneAt     *time.Time     `json:"done_at"`
	DoneBy     string         `json:"done_by"`
}

// Gesture is one entry of the recovery-gesture ledger.
type Gesture struct {
	ID           int64      `json:"id"`
	CaseID       int64      `json:"case_id"`
	CustomerID   int64      `json:"customer_id"`
	PurchaseID   *int64     `json:"purchase_id"`
	Kind         string     `json:"kind"`
	Amount       Money      `json:"amount"`
	Status       string     `json:"status" enum:"granted,pending_approval,rejected"`
	Note         string     `json:"note"`
	Letter       string     `json:"letter" doc:"The personalised apology letter, when there is one."`
	RequestedBy  string     `json:"requested_by"`
	LimitReason  string     `json:"limit_reason" doc:"Why it was granted at once or needs approval."`
	DecidedBy    string     `json:"decided_by"`
	DecidedAt    *time.Time `json:"decided_at"`
	DecisionNote string     `json:"decision_note"`
	CreatedAt    time.Time  `json:"created_at"`
}

func jsonMap(raw []byte) map[string]any {
	m := map[string]any{}
	_ = json.Unmarshal(raw, &m)
	return m
}

func caseOut(c *store.Case) Case {
	return Case{ID: c.ID, CustomerID: c.CustomerID, PurchaseID: c.PurchaseID, LocationID: c.LocationID, ProductID: c.ProductID,
		Source: c.Source, Summary: c.Summary, Expectation: c.Expectation, Incident: jsonMap(c.Details), Category: c.Category,
		Status: c.Status, State: c.State, StateReason: c.StateReason, OwnerID: c.OwnerID, MergedInto: c.MergedInto,
		OpenedAt: c.OpenedAt, FirstResponseAt: c.FirstResponseAt, ResolvedAt: c.ResolvedAt, ClosedAt: c.ClosedAt,
		ReopenCount: c.ReopenCount, RootCauseCategory: c.RootCauseCategory, RootCauseSource: c.RootCauseSource,
		FollowThroughOutcome: c.FollowThroughOutcome, SLA: CaseSLA{Status: c.SLAStatus, Deadline: c.SLADeadline, Breached: c.SLABreached},
		CreatedBy: c.CreatedBy, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

func taskOut(t *store.CaseTask) CaseTask {
	return CaseTask{ID: t.ID, CaseID: t.CaseID, Kind: t.Kind, Status: t.Status, DueAt: t.DueAt, AssigneeID: t.AssigneeID,
		Note: t.Note, Outcome: t.Outcome, Result: jsonMap(t.Result), CreatedAt: t.CreatedAt, DoneAt: t.DoneAt, DoneBy: t.DoneBy}
}

func gestureOut(g *store.Gesture) Gesture {
	return Gesture{ID: g.ID, CaseID: g.CaseID, CustomerID: g.CustomerID, PurchaseID: g.PurchaseID, Kind: g.Kind,
		Amount: moneyOut(g.Amount), Status: g.Status, Note: g.Note, Letter: g.Letter, RequestedBy: g.RequestedBy,
		LimitReason: g.LimitReason, DecidedBy: g.DecidedBy, DecidedAt: g.DecidedAt, DecisionNote: g.DecisionNote, CreatedAt: g.CreatedAt}
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
}

type caseIDBody[B any] struct {
	IDParam
	Body B
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
type gestureBody struct {
	Kind       string `json:"kind" enum:"apology_letter,coupon,free_item,service_credit,refund,upgrade"`
	Amount     Money  `json:"amount,omitempty"`
	PurchaseID *int64 `json:"purchase_id,omitempty" doc:"Defaults to the case's purchase."`
	Note       string `json:"note,omitempty"`
}
type decisionBody struct {
	Note string `json:"note,omitempty" doc:"Required for a rejection."`
}
type taskBody struct {
	Kind       string    `json:"kind" enum:"callback,follow_through,resurvey"`
	DueAt      time.Time `json:"due_at"`
	AssigneeID *int64    `json:"assignee_id,omitempty"`
	Note       string    `json:"note,omitempty"`
}
type completeBody struct {
	Outcome       string `json:"outcome,omitempty" doc:"For a follow-through: solved, not_solved or no_answer."`
	Note          string `json:"note,omitempty"`
	Score         *int   `json:"score,omitempty" doc:"For a re-survey: the score after recovery (0–10)."`
	PreviousScore *int   `json:"previous_score,omitempty" doc:"The customer's earlier score, for comparison. Default for a re-survey with a score: the customer's latest NPS by the time the case opened."`
}

// HoldOut is a started hold.
type HoldOut struct {
	HoldID   int64  `json:"hold_id"`
	CaseID   int64  `json:"case_id"`
	Callback string `json:"callback" doc:"When the hold becomes a call-back task."`
}

// AuthorityLimit is one limit: per gesture kind, or * for the total per case.
type AuthorityLimit struct {
	Role       string `json:"role,omitempty"`
	EmployeeID *int64 `json:"employee_id,omitempty"`
	Kind       string `json:"kind" doc:"A gesture kind, or * for the total one person may grant per case."`
	Amount     *Money `json:"amount" doc:"null: unlimited."`
}

// SLAPolicy is a location's SLA policy (location_id 0: the default).
type SLAPolicy struct {
	LocationID int64          `json:"location_id"`
	Policy     map[string]any `json:"policy" doc:"calendar (time_zone, weekly hours, holidays), first_response, next_response, resolution, warn_before, pause_states."`
	UpdatedBy  string         `json:"updated_by"`
	UpdatedAt  time.Time      `json:"updated_at"`
	Recompute  string         `json:"recompute,omitempty" enum:"queued,none" doc:"Set when the policy was just stored. queued: a background job is re-evaluating the live cases that follow it (their deadlines move shortly); none: no live case follows it."`
}

// RecurrenceAlert is a recurring problem.
type RecurrenceAlert struct {
	ID         int64     `json:"id"`
	Dimension  string    `json:"dimension"`
	Value      string    `json:"value"`
	Cases      int       `json:"cases"`
	WindowDays int       `json:"window_days"`
	CaseID     *int64    `json:"case_id"`
	CreatedAt  time.Time `json:"created_at"`
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

func (s *Server) caseDetail(ctx context.Context, c *store.Case) (*One[Case], error) {
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

func createdCase(c *store.Case) *Created[Case] {
	return &Created[Case]{Location: fmt.Sprintf("%s/cases/%d", apiPrefix, c.ID), Body: caseOut(c)}
}

// oneCase is the answer of an operation that changes a case.
func oneCase(c *store.Case, err error) (*One[Case], error) {
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

func (s *Server) getCase(ctx context.Context, in *IDParam) (*One[Case], error) {
	c, err := s.db.Case(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return s.caseDetail(ctx, c)
}

func (s *Server) transferCase(ctx context.Context, in *caseIDBody[transferBody]) (*One[Case], error) {
	return oneCase(s.recovery.Transfer(ctx, recoveryActor(ctx), in.ID, in.Body.OwnerID, in.Body.Note))
}

func (s *Server) addCaseNote(ctx context.Context, in *caseIDBody[textBody]) (*One[Case], error) {
	return oneCase(s.recovery.Note(ctx, recoveryActor(ctx), in.ID, in.Body.Text))
}

func (s *Server) respondCase(ctx context.Context, in *caseIDBody[messageBody]) (*One[Case], error) {
	return oneCase(s.recovery.Respond(ctx, recoveryActor(ctx), in.ID, in.Body.Message, in.Body.Channel))
}

func (s *Server) customerReplyCase(ctx context.Context, in *caseIDBody[messageBody]) (*One[Case], error) {
	return oneCase(s.recovery.CustomerReply(ctx, recoveryActor(ctx), in.ID, in.Body.Message))
}

func (s *Server) waitCase(ctx context.Context, in *caseIDBody[waitBody]) (*One[Case], error) {
	return oneCase(s.recovery.Wait(ctx, recoveryActor(ctx), in.ID, in.Body.State, in.Body.Reason))
}

func (s *Server) resumeCase(ctx context.Context, in *caseIDBody[reasonBody]) (*One[Case], error) {
	return oneCase(s.recovery.Resume(ctx, recoveryActor(ctx), in.ID, in.Body.Reason))
}

func (s *Server) resolveCase(ctx context.Context, in *caseIDBody[resolveBody]) (*One[Case], error) {
	return oneCase(s.recovery.Resolve(ctx, recoveryActor(ctx), in.ID, in.Body.Resolution))
}

func (s *Server) closeCase(ctx context.Context, in *caseIDBody[closeBody]) (*One[Case], error) {
	return oneCase(s.recovery.Close(ctx, recoveryActor(ctx), in.ID, recovery.CloseInput{RootCauseCategory: in.Body.RootCauseCategory,
		RootCauseSource: in.Body.RootCauseSource, Resolution: in.Body.Resolution}))
}

func (s *Server) reopenCase(ctx context.Context, in *caseIDBody[reasonBody]) (*One[Case], error) {
	return oneCase(s.recovery.Reopen(ctx, recoveryActor(ctx), in.ID, in.Body.Reason))
}

func (s *Server) mergeCase(ctx context.Context, in *caseIDBody[mergeBody]) (*One[Case], error) {
	return oneCase(s.recovery.Merge(ctx, recoveryActor(ctx), in.ID, in.Body.Into))
}

func (s *Server) involveEmployee(ctx context.Context, in *caseIDBody[involveBody]) (*One[Case], error) {
	return oneCase(s.recovery.Involve(ctx, recoveryActor(ctx), in.ID, in.Body.EmployeeID))
}

func (s *Server) startHold(ctx context.Context, in *IDParam) (*One[HoldOut], error) {
	hold, err := s.recovery.Hold(ctx, recoveryActor(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &One[HoldOut]{Body: HoldOut{HoldID: hold, CaseID: in.ID, Callback: "2m"}}, nil
}

func (s *Server) endHold(ctx context.Context, in *caseIDBody[struct {
	HoldID int64 `json:"hold_id" minimum:"1"`
}]) (*One[Case], error) {
	return oneCase(s.recovery.EndHold(ctx, recoveryActor(ctx), in.ID, in.Body.HoldID))
}

func (s *Server) createGesture(ctx context.Context, in *caseIDBody[gestureBody]) (*Created[Gesture], error) {
	var v fresco.Validation
	amount := in.Body.Amount.parse(&v, "amount")
	if err := v.Err(); err != nil {
		return nil, err
	}
	g, err := s.recovery.RequestGesture(ctx, recoveryActor(ctx), in.ID, recovery.GestureInput{Kind: in.Body.Kind,
		Amount: amount, PurchaseID: in.Body.PurchaseID, Note: in.Body.Note})
	if err != nil {
		return nil, err
	}
	return &Created[Gesture]{Location: fmt.Sprintf("%s/gestures/%d", apiPrefix, g.ID), Body: gestureOut(g)}, nil
}

func (s *Server) listGestures(ctx context.Context, in *struct {
	CaseID     int64  `query:"case_id" minimum:"0"`
	CustomerID int64  `query:"customer_id" minimum:"0"`
	Status     string `query:"status"`
	Limit      int    `query:"limit" minimum:"0" maximum:"1000" default:"100"`
}) (*itemsBody[Gesture], error) {
	list, err := s.db.ListGestures(ctx, store.GestureFilter{CaseID: idPtr(in.CaseID), CustomerID: idPtr(in.CustomerID),
		Status: in.Status, Limit: in.Limit})
	if err != nil {
		return nil, err
	}
	return items(list, gestureOut), nil
}

func (s *Server) listApprovals(ctx context.Context, in *struct{}) (*itemsBody[Gesture], error) {
	list, err := s.db.ListGestures(ctx, store.GestureFilter{Status: recovery.GesturePending, Limit: 1000})
	if err != nil {
		return nil, err
	}
	return items(list, gestureOut), nil
}

func (s *Server) approveGesture(ctx context.Context, in *caseIDBody[decisionBody]) (*One[Gesture], error) {
	return s.decideGesture(ctx, in, true)
}

func (s *Server) rejectGesture(ctx context.Context, in *caseIDBody[decisionBody]) (*One[Gesture], error) {
	return s.decideGesture(ctx, in, false)
}

func (s *Server) decideGesture(ctx context.Context, in *caseIDBody[decisionBody], approve bool) (*One[Gesture], error) {
	g, err := s.recovery.DecideGesture(ctx, recoveryActor(ctx), in.ID, approve, in.Body.Note)
	if err != nil {
		return nil, err
	}
	return &One[Gesture]{Body: gestureOut(g)}, nil
}

func (s *Server) createTask(ctx context.Context, in *caseIDBody[taskBody]) (*Created[CaseTask], error) {
	t, err := s.recovery.AddTask(ctx, recoveryActor(ctx), in.ID, recovery.TaskInput{Kind: in.Body.Kind, DueAt: in.Body.DueAt,
		AssigneeID: in.Body.AssigneeID, Note: in.Body.Note})
	if err != nil {
		return nil, err
	}
	return &Created[CaseTask]{Location: fmt.Sprintf("%s/tasks/%d", apiPrefix, t.ID), Body: taskOut(t)}, nil
}

func (s *Server) listTasks(ctx context.Context, in *struct {
	CaseID   int64  `query:"case_id" minimum:"0"`
	Assignee string `query:"assignee" doc:"An employee id, or me."`
	Kind     string `query:"kind"`
	Status   string `query:"status" default:"open"`
	Limit    int    `query:"limit" minimum:"0" maximum:"1000" default:"100"`
}) (*itemsBody[CaseTask], error) {
	f := store.TaskFilter{CaseID: idPtr(in.CaseID), Kind: in.Kind, Status: in.Status, Limit: in.Limit}
	if in.Status == "all" {
		f.Status = ""
	}
	switch p := principal(ctx); {
	case in.Assignee == "me" && p.Employee != nil:
		f.AssigneeID = &p.Employee.ID
	case in.Assignee != "":
		id, err := strconv.ParseInt(in.Assignee, 10, 64)
		if err != nil || id <= 0 {
			var v fresco.Validation
			v.Add("query.assignee", "must be an employee id or me (as a logged-in employee)")
			return nil, v.Err()
		}
		f.AssigneeID = &id
	}
	list, err := s.db.ListTasks(ctx, f)
	if err != nil {
		return nil, err
	}
	return items(list, taskOut), nil
}

func (s *Server) completeTask(ctx context.Context, in *caseIDBody[completeBody]) (*One[CaseTask], error) {
	t, err := s.recovery.CompleteTask(ctx, recoveryActor(ctx), in.ID, recovery.CompleteInput{Outcome: in.Body.Outcome,
		Note: in.Body.Note, Score: in.Body.Score, PreviousScore: in.Body.PreviousScore})
	if err != nil {
		return nil, err
	}
	return &One[CaseTask]{Body: taskOut(t)}, nil
}

func (s *Server) listSLAPolicies(ctx context.Context, in *struct{}) (*itemsBody[SLAPolicy], error) {
	list, err := s.db.ListSLAPolicies(ctx)
	if err != nil {
		return nil, err
	}
	return items(list, func(r store.SLAPolicyRow) SLAPolicy {
		return SLAPolicy{LocationID: r.LocationID, Policy: jsonMap(r.Policy), UpdatedBy: r.UpdatedBy, UpdatedAt: r.UpdatedAt}
	}), nil
}

func (s *Server) putSLAPolicy(ctx context.Context, in *struct {
	Location int64 `path:"id" minimum:"0" doc:"The location's id; 0 for the default policy."`
	Body     map[string]any
}) (*One[SLAPolicy], error) {
	raw, _ := json.Marshal(in.Body)
	change, err := s.recovery.SetPolicy(ctx, recoveryActor(ctx), recovery.PolicyInput{LocationID: in.Location, Policy: raw})
	if err != nil {
		return nil, err
	}
	canon, _ := json.Marshal(change.Policy)
	return &One[SLAPolicy]{Body: SLAPolicy{LocationID: in.Location, Policy: jsonMap(canon),
		UpdatedBy: principal(ctx).Actor(), UpdatedAt: s.now().UTC(), Recompute: change.Recompute}}, nil
}

// authorityLimitOut shows a limit's scope ("role:agent", "employee:7") as its parts.
func authorityLimitOut(l store.AuthorityLimit) AuthorityLimit {
	out := AuthorityLimit{Kind: l.Kind}
	if r, ok := strings.CutPrefix(l.Scope, "role:"); ok {
		out.Role = r
	} else if e, ok := strings.CutPrefix(l.Scope, "employee:"); ok {
		id, _ := strconv.ParseInt(e, 10, 64)
		out.EmployeeID = &id
	}
	if l.Amount != nil {
		m := moneyOut(*l.Amount)
		out.Amount = &m
	}
	return out
}

func (s *Server) listAuthorityLimits(ctx context.Context, in *struct{}) (*itemsBody[AuthorityLimit], error) {
	list, err := s.db.AuthorityLimits(ctx)
	if err != nil {
		return nil, err
	}
	return items(list, authorityLimitOut), nil
}

func (s *Server) putAuthorityLimit(ctx context.Context, in *struct{ Body AuthorityLimit }) (*One[AuthorityLimit], error) {
	var v fresco.Validation
	li := recovery.LimitInput{Role: fresco.Role(in.Body.Role), EmployeeID: in.Body.EmployeeID, Kind: in.Body.Kind}
	if in.Body.Amount != nil {
		m := in.Body.Amount.parse(&v, "amount")
		li.Amount = &m
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	l, err := s.recovery.SetLimit(ctx, recoveryActor(ctx), li)
	if err != nil {
		return nil, err
	}
	return &One[AuthorityLimit]{Body: authorityLimitOut(l)}, nil
}

func (s *Server) listRecurrenceAlerts(ctx context.Context, in *struct{}) (*itemsBody[RecurrenceAlert], error) {
	list, err := s.db.ListRecurrenceAlerts(ctx, 200)
	if err != nil {
		return nil, err
	}
	return items(list, func(a store.RecurrenceAlert) RecurrenceAlert {
		return RecurrenceAlert{ID: a.ID, Dimension: a.Dimension, Value: a.Value, Cases: a.Cases,
			WindowDays: a.WindowDays, CaseID: a.CaseID, CreatedAt: a.CreatedAt}
	}), nil
}

func (s *Server) recoveryReport(ctx context.Context, in *struct {
	From string `query:"from" doc:"Cases opened from this date (default: a year ago)."`
	To   string `query:"to" doc:"… until this date, inclusive (default: now)."`
}) (*One[RecoveryReport], error) {
	var v fresco.Validation
	from := parseTimeParam(&v, "from", in.From, false)
	to := parseTimeParam(&v, "to", in.To, true)
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	if to.IsZero() {
		to = now
	}
	if from.IsZero() {
		from = to.AddDate(-1, 0, 0)
	}
	r, err := s.recovery.Report(ctx, from, to)
	if err != nil {
		return nil, err
	}
	return &One[RecoveryReport]{Body: reportOut(r)}, nil
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

// RecoveryCost is the cost of poor recovery: the value lost among customers
// whose recovery failed (no purchase within 90 days of the case, or a
// follow-through that found the problem unsolved), against those recovered.
type RecoveryCost struct {
	FailedCustomers      int   `json:"failed_customers"`
	RecoveredCustomers   int   `json:"recovered_customers"`
	FailedValueBefore    Money `json:"failed_value_before" doc:"Their purchases in the 365 days before the case."`
	FailedValueAfter     Money `json:"failed_value_after" doc:"… in the 365 days after (so far)."`
	ValueLost            Money `json:"value_lost" doc:"Σ max(0, before − after) over failed customers: the dollar cost of poor recovery."`
	RecoveredValueBefore Money `json:"recovered_value_before"`
	RecoveredValueAfter  Money `json:"recovered_value_after"`
	GesturesFailed       Money `json:"gestures_failed" doc:"Gestures granted to customers whose recovery failed."`
	GesturesRecovered    Money `json:"gestures_recovered"`
}

// RecoveryReport is the big picture of service recovery over a period.
type RecoveryReport struct {
	From                time.Time                `json:"from"`
	To                  time.Time                `json:"to"`
	Cases               int                      `json:"cases" doc:"Cases opened in the period (merged duplicates excluded)."`
	TimeToFirstResponse recovery.Stat            `json:"time_to_first_response"`
	TimeToResolution    recovery.Stat            `json:"time_to_resolution"`
	ReopenRate          *float64                 `json:"reopen_rate" doc:"Resolved cases that were reopened at least once."`
	SLATracked          int                      `json:"sla_tracked"`
	SLAAttainment       *float64                 `json:"sla_attainment" doc:"Share of SLA-tracked cases that never breached."`
	Recovery            recovery.RecoveryRate    `json:"recovery_rate" doc:"Customers still buying 90 days after a case, against similar customers without one."`
	CostOfPoorRecovery  RecoveryCost             `json:"cost_of_poor_recovery"`
	ByCategory          []recovery.CategoryCount `json:"by_category"`
}

func reportOut(r *recovery.Report) RecoveryReport {
	c := r.CostOfPoorRecovery
	return RecoveryReport{From: r.From, To: r.To, Cases: r.Cases, TimeToFirstResponse: r.TimeToFirstResponse,
		TimeToResolution: r.TimeToResolution, ReopenRate: r.ReopenRate, SLATracked: r.SLATracked, SLAAttainment: r.SLAAttainment,
		Recovery: r.Recovery, ByCategory: r.ByCategory,
		CostOfPoorRecovery: RecoveryCost{FailedCustomers: c.FailedCustomers, RecoveredCustomers: c.RecoveredCustomers,
			FailedValueBefore: moneyOut(c.FailedValueBefore), FailedValueAfter: moneyOut(c.FailedValueAfter),
			ValueLost: moneyOut(c.ValueLost), RecoveredValueBefore: moneyOut(c.RecoveredValueBefore),
			RecoveredValueAfter: moneyOut(c.RecoveredValueAfter), GesturesFailed: moneyOut(c.GesturesFailed),
			GesturesRecovered: moneyOut(c.GesturesRecovered)}}
}
