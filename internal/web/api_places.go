package web

import (
	"context"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Locations, teams and marketing spend.

// Location is a place where the business meets its customers.
type Location struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Timezone  string    `json:"timezone" doc:"IANA time zone, e.g. Europe/London."`
	Address   string    `json:"address"`
	CreatedAt time.Time `json:"created_at"`
	Version   int64     `json:"version" doc:"Moves with every change; the ETag is this number in quotes."`
}

func locationOut(l *fresco.Location) Location {
	return Location{ID: l.ID, Name: l.Name, Timezone: l.Timezone, Address: l.Address, CreatedAt: l.CreatedAt,
		Version: l.Version}
}

// LocationInput creates a location.
type LocationInput struct {
	Name     string `json:"name" minLength:"1"`
	Timezone string `json:"timezone,omitempty" doc:"Defaults to UTC."`
	Address  string `json:"address,omitempty"`
}

// LocationPatch changes some fields of a location.
type LocationPatch struct {
	Name     *string `json:"name,omitempty"`
	Timezone *string `json:"timezone,omitempty"`
	Address  *string `json:"address,omitempty"`
}

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

// MarketingSpend is what was spent to win customers in a period on a channel.
type MarketingSpend struct {
	ID          int64     `json:"id"`
	PeriodStart string    `json:"period_start" format:"date"`
	PeriodEnd   string    `json:"period_end" format:"date"`
	Channel     string    `json:"channel"`
	Amount      Money     `json:"amount"`
	CreatedAt   time.Time `json:"created_at"`
}

func spendOut(m *fresco.MarketingSpend) MarketingSpend {
	return MarketingSpend{ID: m.ID, PeriodStart: m.PeriodStart.Format(time.DateOnly), PeriodEnd: m.PeriodEnd.Format(time.DateOnly),
		Channel: m.Channel, Amount: moneyOut(m.Amount), CreatedAt: m.CreatedAt}
}

// MarketingSpendInput records marketing spend.
type MarketingSpendInput struct {
	PeriodStart string `json:"period_start" doc:"First day, YYYY-MM-DD."`
	PeriodEnd   string `json:"period_end" doc:"Last day (inclusive), YYYY-MM-DD."`
	Channel     string `json:"channel,omitempty"`
	Amount      Money  `json:"amount"`
}

func (in *MarketingSpendInput) domain() (*fresco.MarketingSpend, error) {
	var v fresco.Validation
	m := &fresco.MarketingSpend{
		PeriodStart: parseDate(&v, "period_start", in.PeriodStart),
		PeriodEnd:   parseDate(&v, "period_end", in.PeriodEnd),
		Channel:     in.Channel,
		Amount:      in.Amount.parse(&v, "amount"),
	}
	return m, mergeValidation(&v, m.Validate())
}

type spendListInput struct {
	ListParams
	From    string `query:"from" doc:"Periods overlapping this date or later (YYYY-MM-DD)."`
	To      string `query:"to" doc:"Periods overlapping this date or earlier (YYYY-MM-DD)."`
	Channel string `query:"channel"`
}

func (s *Server) listLocations(ctx context.Context, in *struct {
	ListParams
	Search string `query:"search" doc:"Matches name or address."`
}) (*PageBody[Location], error) {
	list, next, err := s.db.ListLocations(ctx, store.LocationFilter{Search: in.Search, Cursor: in.Cursor, Limit: in.Limit})
	if err != nil {
		return nil, err
	}
	return page(list, next, locationOut), nil
}

func (s *Server) createLocation(ctx context.Context, in *struct{ Body LocationInput }) (*Created[Location], error) {
	l := &fresco.Location{Name: in.Body.Name, Timezone: in.Body.Timezone, Address: in.Body.Address}
	if err := s.db.CreateLocation(ctx, l); err != nil {
		return nil, err
	}
	s.audit(ctx, "create", "location", l.ID, map[string]any{"name": l.Name})
	return &Created[Location]{Location: fmt.Sprintf("%s/locations/%d", apiPrefix, l.ID), Body: locationOut(l)}, nil
}

func (s *Server) getLocation(ctx context.Context, in *IDParam) (*Tagged[Location], error) {
	l, err := s.db.Location(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return tagged(locationOut(l), l.Version), nil
}

func (s *Server) updateLocation(ctx context.Context, in *struct {
	IDParam
	IfMatchParam
	Body LocationPatch
}) (*Tagged[Location], error) {
	l, err := s.db.Location(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	version, err := in.expectedVersion("location", l.ID, l.Version)
	if err != nil {
		return nil, err
	}
	set(&l.Name, in.Body.Name)
	set(&l.Timezone, in.Body.Timezone)
	set(&l.Address, in.Body.Address)
	if err := s.db.UpdateLocationIfVersion(ctx, l, version); err != nil {
		return nil, err
	}
	s.audit(ctx, "update", "location", l.ID, map[string]any{"name": l.Name})
	return tagged(locationOut(l), l.Version), nil
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
	if err := s.db.CreateTeam(ctx, t); err != nil {
		return nil, err
	}
	s.audit(ctx, "create", "team", t.ID, map[string]any{"name": t.Name})
	return &Created[Team]{Location: fmt.Sprintf("%s/teams/%d", apiPrefix, t.ID), Body: teamOut(t)}, nil
}

func (s *Server) getTeam(ctx context.Context, in *IDParam) (*Tagged[Team], error) {
	t, err := s.db.Team(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return tagged(teamOut(t), t.Version), nil
}

func (s *Server) updateTeam(ctx context.Context, in *struct {
	IDParam
	IfMatchParam
	Body TeamPatch
}) (*Tagged[Team], error) {
	t, err := s.db.Team(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	version, err := in.expectedVersion("team", t.ID, t.Version)
	if err != nil {
		return nil, err
	}
	set(&t.Name, in.Body.Name)
	in.Body.LocationID.apply(&t.LocationID)
	in.Body.ManagerID.apply(&t.ManagerID)
	if err := s.db.UpdateTeamIfVersion(ctx, t, version); err != nil {
		return nil, err
	}
	s.audit(ctx, "update", "team", t.ID, map[string]any{"name": t.Name})
	return tagged(teamOut(t), t.Version), nil
}

func (s *Server) listMarketingSpend(ctx context.Context, in *spendListInput) (*PageBody[MarketingSpend], error) {
	var v fresco.Validation
	f := store.SpendFilter{From: parseTimeParam(&v, "from", in.From, false), To: parseTimeParam(&v, "to", in.To, false),
		Channel: in.Channel, Cursor: in.Cursor, Limit: in.Limit}
	if err := v.Err(); err != nil {
		return nil, err
	}
	list, next, err := s.db.ListMarketingSpend(ctx, f)
	if err != nil {
		return nil, err
	}
	return page(list, next, spendOut), nil
}

func (s *Server) createMarketingSpend(ctx context.Context, in *struct{ Body MarketingSpendInput }) (*One[MarketingSpend], error) {
	m, err := in.Body.domain()
	if err != nil {
		return nil, err
	}
	if err := s.db.CreateMarketingSpend(ctx, m); err != nil {
		return nil, err
	}
	s.audit(ctx, "create", "marketing_spend", m.ID, map[string]any{"amount": m.Amount.String(), "channel": m.Channel})
	return &One[MarketingSpend]{Body: spendOut(m)}, nil
}
