package web

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// GET /api/v1/audit: who changed what, newest first, for owners.

// AuditEntry is one recorded change.
type AuditEntry struct {
	ID       int64           `json:"id"`
	At       time.Time       `json:"at"`
	Actor    string          `json:"actor" doc:"Who: employee:ID, token:ID, cli or fresco."`
	Action   string          `json:"action" doc:"What, e.g. create, update, erase, revoke."`
	Entity   string          `json:"entity" doc:"The kind of record, e.g. customer."`
	EntityID string          `json:"entity_id"`
	Detail   json.RawMessage `json:"detail" doc:"What changed, as the operation recorded it."`
}

type auditParams struct {
	ListParams
	Entity   string `query:"entity" maxLength:"64" doc:"Only this kind of record, e.g. customer."`
	EntityID string `query:"entity_id" maxLength:"64" doc:"With entity: only this record."`
	Actor    string `query:"actor" maxLength:"64" doc:"Only this actor, e.g. employee:12."`
	Action   string `query:"action" maxLength:"64" doc:"Only this action, e.g. erase."`
}

func (s *Server) listAudit(ctx context.Context, in *auditParams) (*PageBody[AuditEntry], error) {
	var before int64
	if in.Cursor != "" {
		var err error
		if before, err = strconv.ParseInt(in.Cursor, 10, 64); err != nil || before <= 0 {
			return nil, &fresco.Error{Code: fresco.EINVALID, Message: "invalid input",
				Fields: []fresco.FieldError{{Field: "query.cursor", Message: "is not a cursor from this list"}}}
		}
	}
	limit := in.Limit
	if limit == 0 {
		limit = 50
	}
	entries, err := s.db.ListAuditPage(ctx, store.AuditFilter{Entity: in.Entity, EntityID: in.EntityID,
		Actor: in.Actor, Action: in.Action, Before: before, Limit: limit + 1})
	if err != nil {
		return nil, err
	}
	next := ""
	if len(entries) > limit {
		entries = entries[:limit]
		next = strconv.FormatInt(entries[limit-1].ID, 10)
	}
	return page(entries, next, func(e fresco.AuditEntry) AuditEntry {
		return AuditEntry{ID: e.ID, At: e.At, Actor: e.Actor, Action: e.Action, Entity: e.Entity, EntityID: e.EntityID, Detail: e.Detail}
	}), nil
}
