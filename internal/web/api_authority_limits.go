package web

import (
	"context"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
)

// AuthorityLimit is one limit: per gesture kind, or * for the total per case.
type AuthorityLimit struct {
	Role       string `json:"role,omitempty"`
	EmployeeID *int64 `json:"employee_id,omitempty"`
	Kind       string `json:"kind" doc:"A gesture kind, or * for the total one person may grant per case."`
	Amount     *Money `json:"amount" doc:"null: unlimited."`
}

// authorityLimitOut shows a limit's scope ("role:agent", "employee:7") as its parts.
func authorityLimitOut(l fresco.AuthorityLimit) AuthorityLimit {
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
