package web

import (
	"context"
	"net/http"

	"github.com/fresco-cx/fresco/internal/store"
)

// byKey marks a page whose reads all look rows up by key — a customer's
// profile, a case: on PostgreSQL they keep their plans instead of planning every
// run, which was most of the profile's database time
// (store.ReusePlans). The routes file says which pages.
func byKey(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h(w, r.WithContext(store.ReusePlans(r.Context())))
	}
}

// byKeyOp is byKey for an API operation: the parts of a customer's
// profile, a case.
func byKeyOp[I, O any](h func(context.Context, *I) (*O, error)) func(context.Context, *I) (*O, error) {
	return func(ctx context.Context, in *I) (*O, error) { return h(store.ReusePlans(ctx), in) }
}
