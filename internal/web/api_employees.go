package web

import (
	"context"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/staff"
	"github.com/fresco-cx/fresco/internal/store"
)

// Employee is a member of staff as the API shows it.
type Employee struct {
	ID         int64      `json:"id"`
	Email      string     `json:"email"`
	Name       string     `json:"name"`
	Role       string     `json:"role" enum:"owner,manager,agent,analyst"`
	JobTitle   string     `json:"job_title"`
	LocationID *int64     `json:"location_id"`
	TeamID     *int64     `json:"team_id"`
	Active     bool       `json:"active"`
	HiredAt    *time.Time `json:"hired_at"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	Version    int64      `json:"version" doc:"Moves with every change; the ETag is this number in quotes."`
}

func employeeOut(e *fresco.Employee) Employee {
	return Employee{ID: e.ID, Email: e.Email, Name: e.Name, Role: string(e.Role), JobTitle: e.JobTitle, LocationID: e.LocationID,
		TeamID: e.TeamID, Active: e.Active, HiredAt: e.HiredAt, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt,
		Version: e.Version}
}

// EmployeeInput creates an employee.
type EmployeeInput struct {
	Email      string     `json:"email" format:"email"`
	Name       string     `json:"name" minLength:"1"`
	Role       string     `json:"role" enum:"owner,manager,agent,analyst"`
	JobTitle   string     `json:"job_title,omitempty" maxLength:"200"`
	LocationID *int64     `json:"location_id,omitempty"`
	TeamID     *int64     `json:"team_id,omitempty"`
	Active     *bool      `json:"active,omitempty" doc:"Defaults to true."`
	HiredAt    *time.Time `json:"hired_at,omitempty"`
}

func (in *EmployeeInput) domain() *fresco.Employee {
	e := &fresco.Employee{Email: in.Email, Name: in.Name, Role: fresco.Role(in.Role), JobTitle: in.JobTitle,
		LocationID: in.LocationID, TeamID: in.TeamID, Active: true, HiredAt: in.HiredAt}
	set(&e.Active, in.Active)
	return e
}

// EmployeePatch changes some fields of an employee; location_id, team_id and
// hired_at may be set to null.
type EmployeePatch struct {
	Email      *string             `json:"email,omitempty" format:"email"`
	Name       *string             `json:"name,omitempty"`
	Role       *string             `json:"role,omitempty" enum:"owner,manager,agent,analyst"`
	JobTitle   *string             `json:"job_title,omitempty" maxLength:"200"`
	LocationID Optional[int64]     `json:"location_id,omitempty"`
	TeamID     Optional[int64]     `json:"team_id,omitempty"`
	Active     *bool               `json:"active,omitempty" doc:"false ends the employee's sessions."`
	HiredAt    Optional[time.Time] `json:"hired_at,omitempty"`
}

func (p *EmployeePatch) apply(e *fresco.Employee) {
	set(&e.Email, p.Email)
	set(&e.Name, p.Name)
	set(&e.JobTitle, p.JobTitle)
	if p.Role != nil {
		e.Role = fresco.Role(*p.Role)
	}
	p.LocationID.apply(&e.LocationID)
	p.TeamID.apply(&e.TeamID)
	set(&e.Active, p.Active)
	p.HiredAt.apply(&e.HiredAt)
}

// PasswordInput sets a login password.
type PasswordInput struct {
	Password string `json:"password" minLength:"10" maxLength:"1024" writeOnly:"true"`
}

type employeeListInput struct {
	ListParams
	Search     string `query:"search" doc:"Matches name or e-mail."`
	Role       string `query:"role" enum:"owner,manager,agent,analyst"`
	LocationID int64  `query:"location_id" minimum:"0"`
	TeamID     int64  `query:"team_id" minimum:"0"`
	Active     string `query:"active" enum:"true,false"`
}

// staffActor is the caller as package staff knows actors.
func staffActor(ctx context.Context) staff.Actor {
	p := principal(ctx)
	a := staff.Actor{Ref: p.Actor(), Role: p.Role}
	if p.Employee != nil {
		a.EmployeeID = &p.Employee.ID
	}
	return a
}

func (s *Server) listEmployees(ctx context.Context, in *employeeListInput) (*PageBody[Employee], error) {
	f := store.EmployeeFilter{Search: in.Search, Role: fresco.Role(in.Role),
		LocationID: idPtr(in.LocationID), TeamID: idPtr(in.TeamID), Cursor: in.Cursor, Limit: in.Limit}
	if in.Active != "" {
		active := in.Active == "true"
		f.Active = &active
	}
	list, next, err := s.db.ListEmployees(ctx, f)
	if err != nil {
		return nil, err
	}
	return page(list, next, employeeOut), nil
}

func (s *Server) createEmployee(ctx context.Context, in *struct{ Body EmployeeInput }) (*Created[Employee], error) {
	e := in.Body.domain()
	if err := s.staff.Create(ctx, staffActor(ctx), e, ""); err != nil {
		return nil, err
	}
	return &Created[Employee]{Location: fmt.Sprintf("%s/employees/%d", apiPrefix, e.ID), ETag: etag(e.Version), Body: employeeOut(e)}, nil
}

func (s *Server) getEmployee(ctx context.Context, in *IDParam) (*Tagged[Employee], error) {
	return getVersioned(ctx, s, employeeEntity, in.ID)
}

// updateEmployee hands the If-Match check to package staff, which reads the
// employee in the transaction that changes them.
func (s *Server) updateEmployee(ctx context.Context, in *patchInput[EmployeePatch]) (*Tagged[Employee], error) {
	expected := func(current int64) (int64, error) { return in.expectedVersion("employee", in.ID, current) }
	e, err := s.staff.Update(ctx, staffActor(ctx), in.ID, expected, in.Body.apply)
	if err != nil {
		return nil, err
	}
	return tagged(employeeOut(e), e.Version), nil
}

func (s *Server) setEmployeePassword(ctx context.Context, in *struct {
	IDParam
	Body PasswordInput
}) (*struct{}, error) {
	return nil, s.staff.SetPassword(ctx, staffActor(ctx), in.ID, in.Body.Password)
}

// employeeEntity is an employee for GET; changes go through package staff.
var employeeEntity = versioned[fresco.Employee, Employee]{name: "employee", out: employeeOut,
	load:  (*store.DB).Employee,
	ident: func(x *fresco.Employee) (int64, int64) { return x.ID, x.Version },
}
