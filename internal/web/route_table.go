package web

import (
	"net/http"
	"strings"

	"github.com/fresco-cx/fresco/internal/auth"
)

// routeKind says where a route must be visible to the people and programs
// that call it; routes_test.go checks each kind.
type routeKind int

const (
	apiOperation routeKind = iota // documented in the OpenAPI document
	uiPage                        // reached from the UI's navigation, links or forms
	plainRoute                    // health, metrics, documents, assets, public survey pages
)

// route is one entry of the route table: a pattern the server answers and
// the role rule that guards it (permPublic for anyone).
type route struct {
	kind   routeKind
	method string
	path   string
	perm   auth.Permission
}

// record adds a route to the route table.
func (s *Server) record(kind routeKind, method, path string, perm auth.Permission) {
	s.routeTable = append(s.routeTable, route{kind: kind, method: method, path: path, perm: perm})
}

// handle registers a plain net/http route whose handler enforces perm
// itself, and records it.
func (s *Server) handle(mux *http.ServeMux, kind routeKind, pattern string, perm auth.Permission, h http.HandlerFunc) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok { // a pattern for every method
		method, path = "", pattern
	}
	s.record(kind, method, path, perm)
	mux.HandleFunc(pattern, h)
}
