package web

import (
	"context"

	"github.com/fresco-cx/fresco/internal/store"
)

// versioned describes a simple entity of domain type D, shown in the API as
// O, that is read by id and changed by a PATCH that honours If-Match: the
// record carries a version, the GET answers it as the ETag, and the write
// happens only if the version is still the one the caller saw.
type versioned[D, O any] struct {
	name string // in messages: "customer"
	load func(*store.DB, context.Context, int64) (*D, error)
	// save writes only at the given version, through the operation that
	// owns the entity's rules and audit; nil for an entity only read here.
	save  func(*Server, context.Context, *D, int64) error
	out   func(*D) O
	ident func(*D) (id, version int64)
}

// storeSave is the save of an entity that has no rules beyond its own
// validation, which the store applies, and whose changes are not audited.
func storeSave[D any](update func(*store.DB, context.Context, *D, int64) error) func(*Server, context.Context, *D, int64) error {
	return func(s *Server, ctx context.Context, d *D, version int64) error { return update(s.db, ctx, d, version) }
}

// patchInput is the request of a versioned PATCH.
type patchInput[P any] struct {
	IDParam
	IfMatchParam
	Body P
}

// getVersioned answers a GET of one entity with its ETag.
func getVersioned[D, O any](ctx context.Context, s *Server, e versioned[D, O], id int64) (*Tagged[O], error) {
	d, err := e.load(s.db, ctx, id)
	if err != nil {
		return nil, err
	}
	_, version := e.ident(d)
	return tagged(e.out(d), version), nil
}

// patchVersioned reads the entity, checks If-Match against it, applies the
// patch and writes it only if nobody has changed it since.
func patchVersioned[D, O any](ctx context.Context, s *Server, e versioned[D, O], id int64, ifMatch IfMatchParam,
	apply func(*D) error) (*Tagged[O], error) {
	d, err := e.load(s.db, ctx, id)
	if err != nil {
		return nil, err
	}
	id, current := e.ident(d)
	version, err := ifMatch.expectedVersion(e.name, id, current)
	if err != nil {
		return nil, err
	}
	if err := apply(d); err != nil {
		return nil, err
	}
	if err := e.save(s, ctx, d, version); err != nil {
		return nil, err
	}
	_, version = e.ident(d)
	return tagged(e.out(d), version), nil
}
