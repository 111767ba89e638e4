package web

import (
	"context"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
)

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

func gestureOut(g *fresco.Gesture) Gesture {
	return Gesture{ID: g.ID, CaseID: g.CaseID, CustomerID: g.CustomerID, PurchaseID: g.PurchaseID, Kind: g.Kind,
		Amount: moneyOut(g.Amount), Status: g.Status, Note: g.Note, Letter: g.Letter, RequestedBy: g.RequestedBy,
		LimitReason: g.LimitReason, DecidedBy: g.DecidedBy, DecidedAt: g.DecidedAt, DecisionNote: g.DecisionNote, CreatedAt: g.CreatedAt}
}

type gestureBody struct {
	Kind       string `json:"kind" enum:"apology_letter,coupon,free_item,service_credit,refund,upgrade"`
	Amount     Money  `json:"amount,omitempty"`
	PurchaseID *int64 `json:"purchase_id,omitempty" doc:"Defaults to the case's purchase."`
	Note       string `json:"note,omitempty"`
}

type decisionBody struct {
	Note string `json:"note,omitempty"`
}

// rejectionBody is a rejection, which must say why.
type rejectionBody struct {
	Note string `json:"note" minLength:"1" doc:"Why the gesture is refused; the agent reads it."`
}

func (s *Server) createGesture(ctx context.Context, in *caseIDBody[gestureBody]) (*Created[Gesture], error) {
	var v fresco.Validation
	amount := in.Body.Amount.parse(&v, "amount")
	if err := v.Err(); err != nil {
		return nil, err
	}
	svc, _, err := s.seeing(ctx, in.ID, in.IfMatchParam)
	if err != nil {
		return nil, err
	}
	g, err := svc.RequestGesture(ctx, recoveryActor(ctx), in.ID, recovery.GestureInput{Kind: in.Body.Kind,
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
	return s.decideGesture(ctx, in.ID, true, in.Body.Note)
}

func (s *Server) rejectGesture(ctx context.Context, in *caseIDBody[rejectionBody]) (*One[Gesture], error) {
	return s.decideGesture(ctx, in.ID, false, in.Body.Note)
}

func (s *Server) decideGesture(ctx context.Context, id int64, approve bool, note string) (*One[Gesture], error) {
	g, err := s.recovery.DecideGesture(ctx, recoveryActor(ctx), id, approve, note)
	if err != nil {
		return nil, err
	}
	return &One[Gesture]{Body: gestureOut(g)}, nil
}
