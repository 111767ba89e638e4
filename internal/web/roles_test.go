package web_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// seed is one record of every kind, for the role matrix to read and change.
type seed struct {
	customer, product, employee, owner, location, team, purchase, token int64
}

func seedAll(t *testing.T, f *fixture) seed {
	t.Helper()
	ctx := context.Background()
	var s seed
	c := &fresco.Customer{ExternalID: "seed-c", Name: "Seed Customer", Email: "seed@example.com"}
	if err := f.db.CreateCustomer(ctx, c); err != nil {
		t.Fatal(err)
	}
	s.customer = c.ID
	p := &fresco.Product{SKU: "SEED-SKU", Name: "Seed product", ListPrice: 1000}
	if err := f.db.CreateProduct(ctx, p); err != nil {
		t.Fatal(err)
	}
	s.product = p.ID
	l := &fresco.Location{Name: "Seed location", Timezone: "Europe/London"}
	if err := f.db.CreateLocation(ctx, l); err != nil {
		t.Fatal(err)
	}
	s.location = l.ID
	s.employee = f.employee("seed-agent@example.com", fresco.RoleAgent, "").ID
	s.owner = f.employee("seed-owner@example.com", fresco.RoleOwner, "").ID
	tm := &fresco.Team{Name: "Seed team", LocationID: &l.ID}
	if err := f.db.CreateTeam(ctx, tm); err != nil {
		t.Fatal(err)
	}
	s.team = tm.ID
	pu := &fresco.Purchase{ExternalID: "seed-p", CustomerID: &c.ID, PurchasedAt: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC),
		Lines: []fresco.PurchaseLine{{SKU: "SEED-SKU", Quantity: 1, UnitPrice: 1000}}}
	if err := f.db.CreatePurchase(ctx, pu); err != nil {
		t.Fatal(err)
	}
	s.purchase = pu.ID
	_, tok, err := f.srv.Auth().CreateAPIToken(ctx, "victim", fresco.RoleAnalyst)
	if err != nil {
		t.Fatal(err)
	}
	s.token = tok.ID
	return s
}

// endpoint is one row of the role matrix: who may call it is given as the
// roles allowed; everyone else authenticated gets 403, the anonymous 401.
type endpoint struct {
	method, path string
	body         func(role fresco.Role) any // fresh per role so that creates do not collide
	ok           int                        // the status of an allowed call
	allowed      []fresco.Role
}

var (
	everyone  = []fresco.Role{fresco.RoleOwner, fresco.RoleManager, fresco.RoleAgent, fresco.RoleAnalyst}
	writers   = []fresco.Role{fresco.RoleOwner, fresco.RoleManager, fresco.RoleAgent}
	managers  = []fresco.Role{fresco.RoleOwner, fresco.RoleManager}
	ownerOnly = []fresco.Role{fresco.RoleOwner}
	// aggregates read staff figures behind an anonymity floor (pulse results): not agents.
	aggregates = []fresco.Role{fresco.RoleOwner, fresco.RoleManager, fresco.RoleAnalyst}
)

func matrix(s seed) []endpoint {
	none := func(fresco.Role) any { return nil }
	body := func(format string) func(fresco.Role) any {
		return func(r fresco.Role) any { return fmt.Sprintf(format, r) }
	}
	purchase := `{"external_id":"p-%s","customer_id":` + fmt.Sprint(s.customer) +
		`,"purchased_at":"2024-06-01T10:00:00Z","lines":[{"sku":"X","quantity":2,"unit_price":"12.50"}]}`
	return slices.Concat([]endpoint{
		{"GET", "/api/v1/session", none, 200, everyone},

		{"GET", "/api/v1/customers", none, 200, everyone},
		{"POST", "/api/v1/customers", body(`{"name":"Customer of %s"}`), 201, writers},
		{"GET", fmt.Sprintf("/api/v1/customers/%d", s.customer), none, 200, everyone},
		{"PATCH", fmt.Sprintf("/api/v1/customers/%d", s.customer), body(`{"phone":"%s"}`), 200, writers},
		{"GET", fmt.Sprintf("/api/v1/customers/%d/export", s.customer), none, 200, managers},
		{"GET", "/api/v1/audit", none, 200, ownerOnly},
		{"DELETE", fmt.Sprintf("/api/v1/customers/%d", s.customer), none, 200, ownerOnly},

		{"GET", "/api/v1/products", none, 200, everyone},
		{"POST", "/api/v1/products", body(`{"sku":"SKU-%s","list_price":"9.99"}`), 201, writers},
		{"GET", fmt.Sprintf("/api/v1/products/%d", s.product), none, 200, everyone},
		{"PATCH", fmt.Sprintf("/api/v1/products/%d", s.product), body(`{"name":"by %s"}`), 200, writers},

		{"GET", "/api/v1/purchases", none, 200, everyone},
		{"POST", "/api/v1/purchases", body(purchase), 201, writers},
		{"GET", fmt.Sprintf("/api/v1/purchases/%d", s.purchase), none, 200, everyone},
		{"PATCH", fmt.Sprintf("/api/v1/purchases/%d", s.purchase), body(`{"channel":"%s"}`), 200, writers},
		{"POST", "/api/v1/purchases:batch", body(`{"purchases":[` + strings.Replace(purchase, "p-%s", "b-%s", 1) + `]}`), 200, writers},

		{"GET", "/api/v1/employees", none, 200, everyone},
		{"POST", "/api/v1/employees", body(`{"email":"new-%s@example.com","name":"New","role":"agent"}`), 201, managers},
		{"GET", fmt.Sprintf("/api/v1/employees/%d", s.employee), none, 200, everyone},
		{"PATCH", fmt.Sprintf("/api/v1/employees/%d", s.employee), body(`{"name":"Renamed by %s"}`), 200, managers},
		{"PUT", fmt.Sprintf("/api/v1/employees/%d/password", s.employee), body(`{"password":"long password of %s"}`), 204, ownerOnly},
		// Owners' accounts are users' business: only owners create or change them.
		{"POST", "/api/v1/employees", body(`{"email":"owner-%s@example.com","name":"New owner","role":"owner"}`), 201, ownerOnly},
		{"PATCH", fmt.Sprintf("/api/v1/employees/%d", s.owner), body(`{"name":"Owner renamed by %s"}`), 200, ownerOnly},
		{"PATCH", fmt.Sprintf("/api/v1/employees/%d", s.employee), func(fresco.Role) any { return `{"role":"owner"}` }, 200, ownerOnly},

		{"GET", "/api/v1/locations", none, 200, everyone},
		{"POST", "/api/v1/locations", body(`{"name":"Location of %s","timezone":"Europe/Paris"}`), 201, managers},
		{"GET", fmt.Sprintf("/api/v1/locations/%d", s.location), none, 200, everyone},
		{"PATCH", fmt.Sprintf("/api/v1/locations/%d", s.location), body(`{"address":"%s street"}`), 200, managers},

		{"GET", "/api/v1/settings", none, 200, everyone},
		{"PUT", "/api/v1/settings", body(`{"business_name":"Fresco of %s","currency":{"code":"USD","symbol":"$","decimals":2},"time_zone":"UTC","locale":"en-GB","business_hours":{"monday":[{"start":"09:00","end":"17:00"}]}}`), 200, ownerOnly},
		{"GET", "/api/v1/teams", none, 200, everyone},
		{"POST", "/api/v1/teams", body(`{"name":"Team of %s"}`), 201, managers},
		{"GET", fmt.Sprintf("/api/v1/teams/%d", s.team), none, 200, everyone},
		{"PATCH", fmt.Sprintf("/api/v1/teams/%d", s.team), body(`{"name":"Team renamed by %s"}`), 200, managers},

		{"GET", "/api/v1/marketing-spend", none, 200, everyone},
		{"POST", "/api/v1/marketing-spend", body(`{"period_start":"2024-01-01","period_end":"2024-01-31","channel":"%s","amount":"1000.00"}`), 201, managers},
		{"GET", "/api/v1/marketing-spend/channel-sources", none, 200, everyone},
		{"PUT", "/api/v1/marketing-spend/channel-sources", body(`{"channels":{"ads of %s":"Search"}}`), 200, ownerOnly},
		{"GET", "/api/v1/reports/acquisition?from=2024-01-01&to=2024-12-31", none, 200, everyone},
		{"GET", "/api/v1/reports/acquisition-retention?from=2024-01-01&to=2024-12-31&retention_lift=0.5", none, 200, everyone},
		{"POST", "/api/v1/listening-posts", func(r fresco.Role) any {
			return fmt.Sprintf(`{"slug":"post-%s","name":"Post of %s","solicited":false}`, r, r)
		}, 201, managers},
		{"GET", "/api/v1/listening-posts/1", none, 200, everyone},
		{"PATCH", "/api/v1/listening-posts/audit", body(`{"purpose":"What %s wants to know"}`), 200, managers},
		{"GET", "/api/v1/reports/recovery-sources?from=2024-01-01&to=2024-12-31", none, 200, everyone},
		{"GET", "/api/v1/reports/value-equation?from=2024-01-01&to=2024-12-31&by=location", none, 200, everyone},

		{"GET", "/api/v1/tokens", none, 200, ownerOnly},
		{"POST", "/api/v1/tokens", body(`{"name":"token by %s","role":"analyst"}`), 201, ownerOnly},
		{"DELETE", fmt.Sprintf("/api/v1/tokens/%d", s.token), none, 204, ownerOnly},

		// A mail provider posts with a writer's token (inbound_test.go).
		{"POST", "/api/v1/inbound/email", body("From: sender-%[1]s@example.net\r\nTo: support@shop.example\r\nMessage-ID: <matrix-%[1]s@example.net>\r\nSubject: Hello\r\n\r\nA question.\r\n"), 200, writers},
	}, caseMatrix(s), caseMessageMatrix(), loopMatrix(s), valueMatrix(s), feedbackMatrix(s), pulseMatrix(), peopleMatrix(s), goalsMatrix(), rewardsMatrix(s), chainMatrix(), eventLogsMatrix(), processMapsMatrix(), anticipateMatrix(s), suggestionsMatrix(s), referralMatrix(s))
	// The matrices live beside their tests: service recovery api_cases_test.go; closed loop api_loop_test.go; lifetime value api_value_test.go;
	// feedback api_feedback_test.go; pulse api_pulses_test.go; people api_people_test.go; goals api_goals_test.go; rewards api_rewards_test.go; chain api_chain_test.go;
	// event logs api_event_logs_test.go; process maps api_process_maps_test.go; anticipation api_anticipate_test.go; suggestions api_suggestions_test.go.
}

// TestRoleMatrix calls every endpoint as every role and as nobody.
func TestRoleMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		s := seedAll(t, f)
		callers := append([]fresco.Role{""}, fresco.Roles...)
		// Least powerful first, so that a refused call cannot be explained by
		// an earlier allowed one (e.g. the employee already promoted).
		sort.SliceStable(callers, func(i, j int) bool { return rank(callers[i]) < rank(callers[j]) })
		for _, ep := range matrix(s) {
			for _, role := range callers {
				want := http.StatusForbidden
				switch {
				case role == "":
					want = http.StatusUnauthorized
				case contains(ep.allowed, role):
					want = ep.ok
				}
				res := f.do(request{method: ep.method, path: ep.path, role: role, body: ep.body(role)})
				if res.Code != want {
					t.Errorf("%s %s as %q = %s, want %d", ep.method, ep.path, role, res, want)
					continue
				}
				if want == http.StatusUnauthorized || want == http.StatusForbidden {
					problem(t, res, want)
				}
				if want == http.StatusUnauthorized && res.Header.Get("WWW-Authenticate") == "" {
					t.Errorf("%s %s: 401 without WWW-Authenticate", ep.method, ep.path)
				}
			}
		}
	})
}

func rank(r fresco.Role) int {
	switch r {
	case "":
		return 0
	case fresco.RoleAnalyst:
		return 1
	case fresco.RoleAgent:
		return 2
	case fresco.RoleManager:
		return 3
	}
	return 4
}

func contains(list []fresco.Role, r fresco.Role) bool {
	for _, x := range list {
		if x == r {
			return true
		}
	}
	return false
}

// TestMatrixCoversEveryOperation fails when an operation is added to the API
// without a row in the role matrix, and checks that every operation carries
// a permission.
func TestMatrixCoversEveryOperation(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.Open(t, storetest.SQLiteURL(t)))
	covered := map[string]bool{
		"POST /api/v1/session":                               true, // login: public, tested in TestLoginAPI
		"DELETE /api/v1/session":                             true, // logout: public, tested in TestLoginAPI
		"GET /api/v1/cases/{id}/attachments/{attachment_id}": true, // two ids: caseMessageMatrix has it
		// In feedbackMatrix as …/translations/de: only numbers become {id} below.
		"PUT /api/v1/surveys/{id}/translations/{language}": true,
		// In peopleMatrix with a slug and with query strings.
		"PUT /api/v1/exit-reasons/{slug}": true,
		"GET /api/v1/turnover/cost":       true,
		"GET /api/v1/turnover/retention":  true,
		"GET /api/v1/chain":               true, // in chainMatrix with query strings (api_chain_test.go)
		// Two ids: processMapsMatrix has them (api_process_maps_test.go).
		"PATCH /api/v1/process-maps/{id}/fail-points/{fail_point_id}":  true,
		"DELETE /api/v1/process-maps/{id}/fail-points/{fail_point_id}": true,
		// In anticipateMatrix with a kind: only numbers become {id} below.
		"POST /api/v1/next-actions/{kind}/{customer}/dismiss": true,
		"POST /api/v1/next-actions/{kind}/{customer}/done":    true,
		// In referralMatrix with a code: only numbers become {id} below.
		"POST /api/v1/referral-codes/{code}/revoke": true,
	}
	num := regexp.MustCompile(`/\d+`)
	for _, ep := range matrix(seed{1, 1, 1, 1, 1, 1, 1, 1}) {
		path, _, _ := strings.Cut(ep.path, "?")
		covered[ep.method+" "+num.ReplaceAllString(path, "/{id}")] = true
	}
	n := 0
	for path, item := range f.srv.API().OpenAPI().Paths {
		for method, op := range map[string]*huma.Operation{
			"GET": item.Get, "POST": item.Post, "PATCH": item.Patch, "PUT": item.Put, "DELETE": item.Delete,
		} {
			if op == nil {
				continue
			}
			n++
			key := method + " " + path
			if !covered[key] {
				t.Errorf("%s is not in the role matrix", key)
			}
			if perm, _ := op.Metadata["fresco.permission"].(auth.Permission); perm == "" {
				t.Errorf("%s has no permission", key)
			}
		}
	}
	if n < 30 {
		t.Errorf("only %d operations in the OpenAPI document", n)
	}
}
