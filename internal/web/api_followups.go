package web

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/loop"
	"github.com/fresco-cx/fresco/internal/store"
)

// FollowUp is the task of getting back to a customer after a bad answer.
type FollowUp struct {
	ID             int64      `json:"id"`
	ResponseID     int64      `json:"response_id"`
	CustomerID     *int64     `json:"customer_id"`
	CustomerName   string     `json:"customer_name"`
	LocationID     *int64     `json:"location_id"`
	OwnerID        *int64     `json:"owner_id" doc:"The employee who served the customer, else the location's manager."`
	OwnerName      string     `json:"owner_name"`
	ManagerID      *int64     `json:"manager_id"`
	Reasons        []string   `json:"reasons" doc:"detractor, csat_low, complaint"`
	NPS            *int       `json:"nps"`
	CSAT           *int       `json:"csat"`
	Comment        string     `json:"comment"`
	DueAt          time.Time  `json:"due_at"`
	Overdue        bool       `json:"overdue"`
	Status         string     `json:"status" enum:"open,closed"`
	ContactAt      *time.Time `json:"contact_at"`
	ContactChannel string     `json:"contact_channel"`
	Outcome        string     `json:"outcome"`
	ClosedBy       string     `json:"closed_by"`
	ClosedAt       *time.Time `json:"closed_at"`
	CreatedAt      time.Time  `json:"created_at"`
}

func (s *Server) followUpOut(f *fresco.FollowUp) FollowUp {
	return FollowUp{ID: f.ID, ResponseID: f.ResponseID, CustomerID: f.CustomerID, CustomerName: f.CustomerName,
		LocationID: f.LocationID, OwnerID: f.OwnerID, OwnerName: f.OwnerName, ManagerID: f.ManagerID,
		Reasons: nonNilStrings(f.Reasons), NPS: f.NPS, CSAT: f.CSAT, Comment: f.Comment, DueAt: f.DueAt,
		Overdue: f.Status == fresco.FollowUpOpen && s.now().After(f.DueAt), Status: f.Status, ContactAt: f.ContactAt,
		ContactChannel: f.ContactChannel, Outcome: f.Outcome, ClosedBy: f.ClosedBy, ClosedAt: f.ClosedAt, CreatedAt: f.CreatedAt}
}

type followUpListInput struct {
	ListParams
	Status  string `query:"status" enum:"open,closed," doc:"open or closed; empty for both."`
	Owner   string `query:"owner" doc:"me (the logged-in employee) or an employee id."`
	Overdue bool   `query:"overdue" doc:"Only open follow-ups past their due time."`
}

// FollowUpClose records the contact that closes a follow-up.
type FollowUpClose struct {
	ContactChannel string     `json:"contact_channel,omitempty" doc:"How the customer was contacted: phone, email, in_person, sms, chat, letter or other. Required."`
	ContactAt      *time.Time `json:"contact_at,omitempty" doc:"When; defaults to now."`
	Outcome        string     `json:"outcome,omitempty" doc:"What came of it. Required."`
}

type followUpCloseInput struct {
	Action string `path:"id" pattern:"^[0-9]+:close$" doc:"The follow-up id followed by :close, e.g. 17:close."`
	Body   FollowUpClose
}

// Leaving is a satisfied customer who seems to be leaving, with the evidence.
type Leaving struct {
	CustomerID         int64     `json:"customer_id"`
	CustomerName       string    `json:"customer_name"`
	LocationID         *int64    `json:"location_id"`
	LastScore          int       `json:"last_score"`
	LastScoreType      string    `json:"last_score_type" enum:"nps,csat"`
	LastAnswerAt       time.Time `json:"last_answer_at"`
	Purchases          int       `json:"purchases"`
	LastPurchaseAt     time.Time `json:"last_purchase_at"`
	MedianIntervalDays *float64  `json:"median_interval_days"`
	DaysSinceLast      float64   `json:"days_since_last"`
	PAlive             *float64  `json:"p_alive" doc:"From the lifetime-value engine, when it has scored the customer."`
	Rule               string    `json:"rule" enum:"p_alive,gap" doc:"p_alive: P(alive) below 0.5; gap: days since last purchase above 2 × their median interval."`
}

func (s *Server) listFollowups(ctx context.Context, in *followUpListInput) (*PageBody[FollowUp], error) {
	f := store.FollowUpFilter{Status: in.Status, Overdue: in.Overdue, Now: s.now(), Cursor: in.Cursor, Limit: in.Limit}
	switch in.Owner {
	case "":
	case "me":
		p := principal(ctx)
		if p.Employee == nil {
			return nil, invalidField("query.owner", "owner=me needs a logged-in employee, not an API token")
		}
		f.OwnerID = p.Employee.ID
	default:
		id, err := strconv.ParseInt(in.Owner, 10, 64)
		if err != nil || id <= 0 {
			return nil, invalidField("query.owner", "must be me or an employee id")
		}
		f.OwnerID = id
	}
	list, next, err := s.db.ListFollowUps(ctx, f)
	if err != nil {
		return nil, err
	}
	return page(list, next, s.followUpOut), nil
}

func (s *Server) getFollowup(ctx context.Context, in *IDParam) (*One[FollowUp], error) {
	f, err := s.db.FollowUp(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &One[FollowUp]{Body: s.followUpOut(f)}, nil
}

func (s *Server) closeFollowup(ctx context.Context, in *followUpCloseInput) (*One[FollowUp], error) {
	id, _ := strconv.ParseInt(strings.TrimSuffix(in.Action, ":close"), 10, 64)
	p := principal(ctx)
	closer := loop.CloseInput{ContactChannel: in.Body.ContactChannel, ContactAt: in.Body.ContactAt,
		Outcome: in.Body.Outcome, Actor: p.Actor(), Role: p.Role}
	if p.Employee != nil {
		closer.EmployeeID = p.Employee.ID
	}
	closed, err := s.loop.CloseFollowUp(ctx, id, closer)
	if err != nil {
		return nil, err
	}
	return &One[FollowUp]{Body: s.followUpOut(closed)}, nil
}

// LeavingList is the answer to GET /loop/satisfied-leaving: a page of the
// list as the last refresh found it.
type LeavingList struct {
	Items      []Leaving `json:"items" doc:"The items of this page."`
	NextCursor string    `json:"next_cursor" doc:"Pass as ?cursor= for the next page; empty on the last page."`
	ComputedAt time.Time `json:"computed_at" doc:"When the list was worked out; days_since_last counts to then."`
}

func (s *Server) satisfiedLeaving(ctx context.Context, in *struct {
	ListParams
	LocationID int64 `query:"location_id" minimum:"0" doc:"Only this location's customers (of their last purchase)."`
}) (*One[LeavingList], error) {
	list, next, at, err := s.loop.SatisfiedLeaving(ctx, store.LeavingFilter{LocationID: in.LocationID, Cursor: in.Cursor, Limit: in.Limit})
	if err != nil {
		return nil, err
	}
	out := LeavingList{Items: make([]Leaving, len(list)), NextCursor: next, ComputedAt: at}
	for i, x := range list {
		out.Items[i] = Leaving(x)
	}
	return &One[LeavingList]{Body: out}, nil
}

func (s *Server) refreshSatisfiedLeaving(ctx context.Context, _ *struct{}) (*refitOutput, error) {
	id, err := s.loop.EnqueueLeavingRefresh(ctx, principal(ctx).Actor())
	if err != nil {
		return nil, err
	}
	return &refitOutput{Body: RefitQueued{JobID: id, Kind: loop.JobLeavingRefresh}}, nil
}
