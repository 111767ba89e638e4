package web

import (
	"context"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

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

func (p *LocationPatch) apply(l *fresco.Location) error {
	set(&l.Name, p.Name)
	set(&l.Timezone, p.Timezone)
	set(&l.Address, p.Address)
	return nil
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
	if err := s.staff.CreateLocation(ctx, staffActor(ctx), l); err != nil {
		return nil, err
	}
	return &Created[Location]{Location: fmt.Sprintf("%s/locations/%d", apiPrefix, l.ID), ETag: etag(l.Version), Body: locationOut(l)}, nil
}

func (s *Server) getLocation(ctx context.Context, in *IDParam) (*Tagged[Location], error) {
	return getVersioned(ctx, s, locationEntity, in.ID)
}

func (s *Server) updateLocation(ctx context.Context, in *patchInput[LocationPatch]) (*Tagged[Location], error) {
	return patchVersioned(ctx, s, locationEntity, in.ID, in.IfMatchParam, in.Body.apply)
}

// locationEntity is a location for GET and versioned PATCH.
var locationEntity = versioned[fresco.Location, Location]{name: "location", out: locationOut,
	load: (*store.DB).Location, save: (*Server).saveLocation,
	ident: func(x *fresco.Location) (int64, int64) { return x.ID, x.Version },
}

func (s *Server) saveLocation(ctx context.Context, l *fresco.Location, version int64) error {
	return s.staff.UpdateLocation(ctx, staffActor(ctx), l, version)
}
