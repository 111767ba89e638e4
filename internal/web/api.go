package web

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/fresco-cx/fresco/internal/auth"
)

// The JSON API is code-first with huma: every operation's request and
// response types are Go structs in this package, and the OpenAPI 3.1
// document at /api/openapi.json is generated from them, so it cannot drift
// from what the handlers do. The DTO types are separate from the domain
// types in package fresco (which must not know about HTTP); api_*.go convert
// between them explicitly.

const apiPrefix = "/api/v1"

// permissionKey is the operation metadata key holding the auth.Permission an
// operation requires. An operation without one is refused to everybody.
const permissionKey = "fresco.permission"

func (s *Server) newAPI() huma.API {
	cfg := huma.DefaultConfig("Fresco API", s.version)
	cfg.Info.Description = "The JSON API of Fresco, a customer-focus system.\n\n" +
		"Authenticate with `Authorization: Bearer <token>` (create tokens with `fresco token create` " +
		"or POST /api/v1/tokens) or with the UI's session cookie. Roles: an analyst reads; an agent also " +
		"writes customers, purchases and products; a manager also manages employees, locations and teams; " +
		"an owner also manages logins and API tokens.\n\n" +
		"Lists are paged: pass `next_cursor` back as `?cursor=` until it is empty. Money is a decimal " +
		"string such as \"12.50\" (numbers are accepted on input). Errors are RFC 9457 " +
		"`application/problem+json`; `errors[].location` names each bad field, e.g. `body.lines[0].unit_price`."
	cfg.OpenAPIPath = "/api/openapi"
	// huma's docs page loads its JavaScript from a CDN; ours (docs.go) is
	// rendered here from the same document and needs no network.
	cfg.DocsPath = ""
	cfg.SchemasPath = "/api/schemas"
	// No "$schema" property and Link header in every response.
	cfg.CreateHooks = nil
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer":  {Type: "http", Scheme: "bearer", Description: "An API token from `fresco token create`."},
		"session": {Type: "apiKey", In: "cookie", Name: auth.SessionCookie, Description: "The UI's login session."},
	}
	cfg.Security = []map[string][]string{{"bearer": {}}, {"session": {}}}
	api := humago.New(s.mux, cfg)
	api.UseMiddleware(s.authorize(api), s.refuseBadOperationInput)
	return api
}

// authorize refuses anonymous callers (401) and callers whose role lacks the
// operation's permission (403) before the request body is even read.
func (s *Server) authorize(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		perm, _ := ctx.Operation().Metadata[permissionKey].(auth.Permission)
		if perm == permPublic {
			next(ctx)
			return
		}
		p, ok := auth.PrincipalFrom(ctx.Context())
		if !ok {
			ctx.SetHeader("WWW-Authenticate", `Bearer realm="fresco"`)
			huma.WriteErr(api, ctx, http.StatusUnauthorized,
				"authentication required: send Authorization: Bearer <token>, or log in")
			return
		}
		if perm == "" || !p.Can(perm) {
			huma.WriteErr(api, ctx, http.StatusForbidden,
				fmt.Sprintf("the %s role may not do this (needs %s)", p.Role, permissionText(perm)))
			return
		}
		next(ctx)
	}
}

func permissionText(perm auth.Permission) string {
	switch perm {
	case auth.Read:
		return "read access"
	case auth.Write:
		return "an owner, manager or agent"
	case auth.ManageEmployees:
		return "an owner or manager"
	case auth.ManageUsers:
		return "an owner"
	}
	return "a permission nobody has"
}

func roleText(perm auth.Permission) string {
	switch perm {
	case auth.Read:
		return "any role"
	case auth.Write:
		return "owner, manager or agent"
	case auth.ManageEmployees:
		return "owner or manager"
	case auth.ManageUsers:
		return "owner"
	case permPublic:
		return "nothing (public)"
	}
	return "nobody"
}

// register adds one API operation that requires perm. Every operation goes
// through here: it records the permission, documents it and the error
// responses, and maps handler errors to problems in one place.
func register[I, O any](s *Server, op huma.Operation, perm auth.Permission, h func(context.Context, *I) (*O, error)) {
	if op.Metadata == nil {
		op.Metadata = map[string]any{}
	}
	op.Metadata[permissionKey] = perm
	op.Path = apiPrefix + op.Path
	if op.Description != "" {
		op.Description += "\n\n"
	}
	op.Description += "Requires: " + roleText(perm) + "."
	errs := []int{http.StatusUnauthorized, http.StatusForbidden}
	if op.Method != http.MethodGet {
		errs = append(errs, http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusConflict)
	}
	if strings.Contains(op.Path, "{") {
		errs = append(errs, http.StatusNotFound)
	}
	for _, e := range errs {
		if !slices.Contains(op.Errors, e) {
			op.Errors = append(op.Errors, e)
		}
	}
	s.record(APIOperation, op.Method, op.Path, perm)
	huma.Register(s.api, op, func(ctx context.Context, in *I) (*O, error) {
		bodyRead(ctx)
		out, err := h(ctx, in)
		if err != nil {
			return nil, s.apiError(ctx, err)
		}
		return out, nil
	})
}

// principal returns the caller; authorize has already refused anonymous ones.
func principal(ctx context.Context) *auth.Principal {
	p, _ := auth.PrincipalFrom(ctx)
	return p
}

// tagDescriptions introduce each group of operations in the reference.
var tagDescriptions = map[string]string{
	"API tokens":       "Tokens for programs that call the API, each with a role.",
	"Audit":            "Who changed what: every write is recorded with its actor.",
	"Customers":        "Customers, their purchase summary, their data (right of access) and its erasure.",
	"Employees":        "Logins and roles of the people who serve customers.",
	"Employee pulse":   "The monthly anonymous staff survey: its questions, imports and results behind an anonymity floor of 5.",
	"Latitude":         "The latitude audit: authority limits per role and employee beside what staff ask to decide and how approvals went.",
	"Suggestions":      "\"Bought this, also bought\" suggestions with their reasons and guard rails: consent, opt-out, complaints, sensitive items, the k floor; the model and its training.",
	"Feedback":         "Responses from every listening post, attributed to customer, purchase, employee and location.",
	"Feedback metrics": "NPS, CSAT and CES with n and honest intervals, by period, location, employee, post and segment.",
	"Feedback text":    "Comment categories, the classifier and its training.",
	"Follow-up calls":  "The call a week after purchase: scripts, tasks and outcomes.",
	"Inbound e-mail":   "Raw e-mail posted by a mail provider, filed as a case or a reply as the SMTP listener does.",
	"Event logs":       "Process event logs imported from XES or CSV files and stored whole, to mine beside Fresco's own work (docs/event-logs.md).",
	"Goals":            "Satisfaction goals per location, team or segment, judged on the 95% interval: on track, off track or can't tell yet.",
	"Anticipation":     "Remembered preferences (typed notes; sensitive ones only for the roles the owner allows) and next best actions with their reasons.",
	"Follow-ups":       "The closed loop: a bad answer reaches the people who served, and is followed up until done.",
	"Lifetime value":   "What customers are worth: the calculator, predictive CLV, segments, the Pareto curve.",
	"Listening posts":  "Every place feedback arrives, and how each is used.",
	"Locations":        "Places where the business meets its customers.",
	"Marketing spend":  "Spend per channel and period, for acquisition cost.",
	"Notifications":    "What staff are told, live and as a list.",
	"People":           "Employee records (trainings, exits, rehires), retention and what turnover costs.",
	"Process maps":     "Designed service-process maps: lanes, numbered activities with expected durations, arrows, versions; fail points with their influence, evidence and fix; the customer's-shoes view. See docs/process-maps.md.",
	"Products":         "The catalogue.",
	"Purchases":        "Purchases with their lines, one at a time or in batches of 10,000.",
	"Rewards":          "Rewards for results: scorecards per employee and team (shares of settled chances with n and Wilson intervals, hidden below n 10, tied ranks where intervals overlap), rewards for team goals, nominations and the recognition feed. See docs/rewards.md.",
	"Service recovery": "Cases, SLA clocks, holds and call-backs, gestures within authority limits, tasks and reports.",
	"Session":          "Logging in and out with a password (the UI's session cookie).",
	"Surveys":          "Surveys, their questions and signed single-use invitation links.",
	"Settings":         "The business's name, currency, time zone, locale and opening hours, used by every page, e-mail and CSV file.",
	"Teams":            "Teams of employees under a manager.",
	"Webhooks":         "Signed HTTP deliveries of events to your own systems.",
}

// describeAPI completes the OpenAPI document once every operation is
// registered: the tags in use, each with its description, and the server
// (this one: paths are absolute from the host's root).
func describeAPI(oapi *huma.OpenAPI) {
	oapi.Servers = []*huma.Server{{URL: "/", Description: "This Fresco server"}}
	used := map[string]bool{}
	for _, item := range oapi.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Put, item.Post, item.Delete, item.Patch} {
			if op == nil {
				continue
			}
			for _, t := range op.Tags {
				used[t] = true
			}
			plainBinaryBodies(op)
			errorHeaders(op)
		}
	}
	oapi.Tags = nil
	for _, name := range slices.Sorted(maps.Keys(used)) {
		oapi.Tags = append(oapi.Tags, &huma.Tag{Name: name, Description: tagDescriptions[name]})
	}
}

// errorHeaders documents the headers sent with error answers, which huma's
// generic error responses do not: Retry-After with every 429 (apiError sets
// it from auth.RetryAfter) and WWW-Authenticate with every 401 (authorize).
// The success answers' headers (ETag, Location, Idempotent-Replayed) are
// fields of their response types and documented by huma.
func errorHeaders(op *huma.Operation) {
	for status, res := range op.Responses {
		var name string
		var header *huma.Param
		switch status {
		case "429":
			name, header = "Retry-After", &huma.Param{Description: "Seconds to wait before trying again.",
				Schema: &huma.Schema{Type: huma.TypeInteger, Minimum: ptrFloat(1)}}
		case "401":
			if op.Metadata[permissionKey] == permPublic {
				continue // refused by the operation itself (a wrong password), not by authorize
			}
			name, header = "WWW-Authenticate", &huma.Param{Description: "The scheme to authenticate with: `Bearer realm=\"fresco\"`.",
				Schema: &huma.Schema{Type: huma.TypeString}}
		default:
			continue
		}
		if res.Headers == nil {
			res.Headers = map[string]*huma.Param{}
		}
		res.Headers[name] = header
	}
}

func ptrFloat(f float64) *float64 { return &f }

// plainBinaryBodies describes text bodies (CSV uploads, raw e-mail) as
// plain strings.
// huma describes a raw body as a binary string and marshals that with
// contentMediaType, which OpenAPI 3.0 does not know, so its 3.0 rendering
// (/api/openapi-3.0.json) failed validation; a CSV file is text anyway,
// and so is an RFC 5322 message (lines of 7- or 8-bit text) and an XES
// event log (XML; one sent gzipped is described in the operation's text).
func plainBinaryBodies(op *huma.Operation) {
	if op.RequestBody == nil {
		return
	}
	for mediaType, media := range op.RequestBody.Content {
		if (strings.HasPrefix(mediaType, "text/") || mediaType == "message/rfc822" || mediaType == "application/xml") && media.Schema != nil && media.Schema.Format == "binary" {
			media.Schema.Format = ""
		}
	}
}
