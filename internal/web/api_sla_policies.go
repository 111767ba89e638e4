package web

import (
	"context"
	"encoding/json"
	"time"

	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
)

// SLAPolicy is a location's SLA policy (location_id 0: the default).
type SLAPolicy struct {
	LocationID int64          `json:"location_id"`
	Policy     map[string]any `json:"policy" doc:"calendar (time_zone, weekly hours, holidays), first_response, next_response, resolution, warn_before, pause_states."`
	UpdatedBy  string         `json:"updated_by"`
	UpdatedAt  time.Time      `json:"updated_at"`
	Recompute  string         `json:"recompute,omitempty" enum:"queued,none" doc:"Set when the policy was just stored. queued: a background job is re-evaluating the live cases that follow it (their deadlines move shortly); none: no live case follows it."`
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
