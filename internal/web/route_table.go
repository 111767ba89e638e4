package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/fresco-cx/fresco/internal/auth"
)

// RouteKind says where a route must be visible to the people and programs
// that call it; routes_test.go checks each kind.
type RouteKind int

const (
	APIOperation RouteKind = iota // documented in the OpenAPI document
	UIPage                        // reached from the UI's navigation, links or forms
	PlainRoute                    // health, metrics, documents, assets, public survey pages
)

// Route is one entry of the route table: a pattern the server answers and
// the role rule that guards it ("public" for anyone).
type Route struct {
	Kind   RouteKind
	Method string // "" for every method
	Path   string
	Perm   auth.Permission
}

// Routes is the route table, in the order routes.go and routes_api.go register it.
func (s *Server) Routes() []Route { return slices.Clone(s.routeTable) }

// record adds a route to the route table.
func (s *Server) record(kind RouteKind, method, path string, perm auth.Permission) {
	s.routeTable = append(s.routeTable, Route{Kind: kind, Method: method, Path: path, Perm: perm})
}

// handle registers a plain net/http route whose handler enforces perm
// itself, and records it.
func (s *Server) handle(mux *http.ServeMux, kind RouteKind, pattern string, perm auth.Permission, h http.HandlerFunc) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok { // a pattern for every method
		method, path = "", pattern
	}
	s.record(kind, method, path, perm)
	mux.HandleFunc(pattern, h)
}
