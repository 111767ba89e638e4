package web

import (
	"context"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Team is a group of employees under a manager.
type Team struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	LocationID *int64    `json:"location_id"`
	ManagerID  *int64    `json:"manager_id"`
	CreatedAt  time.Time `json:"created_at"`
	Version    int64     `json:"version" doc:"Moves with every change; the ETag is this number in quotes."`
}

func teamOut(t *fresco.Team) Team {
	return Team{ID: t.ID, Name: t.Name, LocationID: t.LocationID, ManagerID: t.ManagerID, CreatedAt: t.CreatedAt,
		Version: t.Version}
}

// TeamInput creates a team.
type TeamInput struct {
	Name       string `json:"name" minLength:"1"`
	LocationID *int64 `json:"location_id,omitempty"`
	ManagerID  *int64 `json:"manager_id,omitempty"`
}

// TeamPatch changes some fields of a team.
type TeamPatch struct {
	Name       *string         `json:"name,omitempty"`
	LocationID Optional[int64] `json:"location_id,omitempty"`
	ManagerID  Optional[int64] `json:"manager_id,omitempty"`
}

func (p *TeamPatch) apply(t *fresco.Team) error {
	set(&t.Name, p.Name)
	p.LocationID.apply(&t.LocationID)
	p.ManagerID.apply(&t.ManagerID)
	return nil
}

func (s *Server) listTeams(ctx context.Context, in *struct{}) (*PageBody[Team], error) {
	list, err := s.db.ListTeams(ctx)
	if err != nil {
		return nil, err
	}
	return page(list, "", teamOut), nil
}

func (s *Server) createTeam(ctx context.Context, in *struct{ Body TeamInput }) (*Created[Team], error) {
	t := &fresco.Team{Name: in.Body.Name, LocationID: in.Body.LocationID, ManagerID: in.Body.ManagerID}
	if err := s.staff.CreateTeam(ctx, staffActor(ctx), t); err != nil {
		return nil, err
	}
	return &Created[Team]{Location: fmt.Sprintf("%s/teams/%d", apiPrefix, t.ID), ETag: etag(t.Version), Body: teamOut(t)}, nil
}

func (s *Server) getTeam(ctx context.Context, in *IDParam) (*Tagged[Team], error) {
	return getVersioned(ctx, s, teamEntity, in.ID)
}

func (s *Server) updateTeam(ctx context.Context, in *patchInput[TeamPatch]) (*Tagged[Team], error) {
	return patchVersioned(ctx, s, teamEntity, in.ID, in.IfMatchParam, in.Body.apply)
}

// teamEntity is a team for GET and versioned PATCH.
var teamEntity = versioned[fresco.Team, Team]{name: "team", out: teamOut,
	load: (*store.DB).Team, save: (*Server).saveTeam,
	ident: func(x *fresco.Team) (int64, int64) { return x.ID, x.Version },
}

func (s *Server) saveTeam(ctx context.Context, t *fresco.Team, version int64) error {
	return s.staff.UpdateTeam(ctx, staffActor(ctx), t, version)
}
