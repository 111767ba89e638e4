package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

const agent = fresco.RoleAgent

func TestCustomerLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		res := f.do(request{method: "POST", path: "/api/v1/customers", role: agent,
			body: `{"external_id":"c1","name":"Ada","email":"ada@example.com","tags":["vip"],"consent_surveys":true}`})
		if res.Code != http.StatusCreated {
			t.Fatalf("create = %s", res)
		}
		ada := res.JSON(t)
		adaID := id(t, ada)
		if loc := res.Header.Get("Location"); loc != fmt.Sprintf("/api/v1/customers/%d", adaID) {
			t.Errorf("Location = %q", loc)
		}
		for _, field := range []string{"id", "external_id", "name", "email", "phone", "address", "consent_surveys",
			"consent_marketing", "consent_personalisation", "acquisition_source", "referred_by", "first_seen", "tags",
			"created_at", "updated_at"} {
			if _, ok := ada[field]; !ok {
				t.Errorf("customer JSON has no %q: %v", field, ada)
			}
		}

		bob := f.call(agent, "POST", "/api/v1/customers", map[string]any{"name": "Bob", "referred_by": adaID}, 201)
		bobID := id(t, bob)
		f.call(agent, "POST", "/api/v1/purchases", fmt.Sprintf(`{"external_id":"p1","customer_id":%d,"purchased_at":"2024-05-01T14:30:00Z",
			"lines":[{"sku":"X","quantity":2,"unit_price":"12.50"},{"sku":"Y","quantity":1,"unit_price":3,"discount":"0.50"}]}`, adaID), 201)

		got := f.call(fresco.RoleAnalyst, "GET", fmt.Sprintf("/api/v1/customers/%d", adaID), nil, 200)
		sum, _ := got["summary"].(map[string]any)
		if sum["purchases"] != 1.0 || sum["revenue"] != "27.50" || sum["items"] != 3.0 || sum["first_purchase"] != "2024-05-01T14:30:00Z" {
			t.Errorf("summary = %v", sum)
		}

		// PATCH changes only what it names; null clears a reference.
		patched := f.call(agent, "PATCH", fmt.Sprintf("/api/v1/customers/%d", bobID), `{"phone":"+44 20 7946 0000","referred_by":null}`, 200)
		if patched["phone"] != "+44 20 7946 0000" || patched["name"] != "Bob" || patched["referred_by"] != nil {
			t.Errorf("patched = %v", patched)
		}
		patched = f.call(agent, "PATCH", fmt.Sprintf("/api/v1/customers/%d", bobID), `{"consent_marketing":true}`, 200)
		if patched["phone"] != "+44 20 7946 0000" || patched["consent_marketing"] != true {
			t.Errorf("second patch = %v", patched)
		}
		// A referral cycle is refused with the field named.
		fields := problem(t, f.do(request{method: "PATCH", path: fmt.Sprintf("/api/v1/customers/%d", adaID), role: agent,
			body: fmt.Sprintf(`{"referred_by":%d}`, adaID)}), 422)
		if fields["body.referred_by"] == "" {
			t.Errorf("self-referral fields = %v", fields)
		}

		// Filters and pages.
		for i := range 5 {
			f.call(agent, "POST", "/api/v1/customers", map[string]any{"name": fmt.Sprintf("Page %d", i), "tags": []string{"paged"}}, 201)
		}
		var names []string
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > 5 {
				t.Fatal("paging does not end")
			}
			list := f.call(agent, "GET", "/api/v1/customers?tag=paged&limit=2&cursor="+cursor, nil, 200)
			for _, it := range list["items"].([]any) {
				names = append(names, it.(map[string]any)["name"].(string))
			}
			cursor, _ = list["next_cursor"].(string)
			if cursor == "" {
				break
			}
		}
		if strings.Join(names, ",") != "Page 0,Page 1,Page 2,Page 3,Page 4" {
			t.Errorf("paged names = %v", names)
		}
		list := f.call(agent, "GET", "/api/v1/customers?search=ADA", nil, 200)
		if items := list["items"].([]any); len(items) != 1 || list["next_cursor"] != "" {
			t.Errorf("search = %v", list)
		}
	})
}

func TestPurchaseLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		c := &fresco.Customer{Name: "Ada"}
		if err := db.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		loc := &fresco.Location{Name: "Soho"}
		if err := db.CreateLocation(ctx, loc); err != nil {
			t.Fatal(err)
		}
		emp := f.employee("sam@example.com", fresco.RoleAgent, "")
		p := f.call(agent, "POST", "/api/v1/purchases", fmt.Sprintf(`{"external_id":"p1","customer_id":%d,
			"purchased_at":"2024-05-01T16:30:00+02:00","location_id":%d,"served_by":%d,"channel":"store",
			"lines":[{"sku":"X","quantity":2,"unit_price":"12.50"}]}`, c.ID, loc.ID, emp.ID), 201)
		pid := id(t, p)
		if p["purchased_at"] != "2024-05-01T14:30:00Z" || p["total"] != "25.00" || p["items"] != 2.0 {
			t.Errorf("purchase = %v", p)
		}
		line := p["lines"].([]any)[0].(map[string]any)
		if line["sku"] != "X" || line["unit_price"] != "12.50" || line["product_id"].(float64) <= 0 {
			t.Errorf("line = %v", line)
		}
		// The unknown SKU joined the catalogue.
		if _, err := db.ProductBySKU(ctx, "X"); err != nil {
			t.Errorf("product X: %v", err)
		}

		// PATCH replaces lines when given, keeps everything else.
		got := f.call(agent, "PATCH", fmt.Sprintf("/api/v1/purchases/%d", pid),
			`{"lines":[{"sku":"Y","quantity":-1,"unit_price":5}],"served_by":null}`, 200)
		if got["total"] != "-5.00" || got["served_by"] != nil || got["location_id"] != float64(loc.ID) || got["external_id"] != "p1" {
			t.Errorf("patched purchase = %v", got)
		}

		for _, q := range []string{
			fmt.Sprintf("customer_id=%d", c.ID), fmt.Sprintf("location_id=%d", loc.ID),
			"from=2024-05-01&to=2024-05-01", "from=2024-05-01T14:30:00Z",
		} {
			list := f.call(fresco.RoleAnalyst, "GET", "/api/v1/purchases?"+q, nil, 200)
			if n := len(list["items"].([]any)); n != 1 {
				t.Errorf("?%s: %d purchases, want 1", q, n)
			}
		}
		for _, q := range []string{"from=2024-05-02", fmt.Sprintf("served_by=%d", emp.ID), "customer_id=999"} {
			list := f.call(fresco.RoleAnalyst, "GET", "/api/v1/purchases?"+q, nil, 200)
			if n := len(list["items"].([]any)); n != 0 {
				t.Errorf("?%s: %d purchases, want 0", q, n)
			}
		}
		fields := problem(t, f.do(request{method: "GET", path: "/api/v1/purchases?from=yesterday", role: agent}), 422)
		if fields["query.from"] == "" {
			t.Errorf("bad from: %v", fields)
		}
		// A duplicate external_id is a conflict.
		fields = problem(t, f.do(request{method: "POST", path: "/api/v1/purchases", role: agent,
			body: `{"external_id":"p1","purchased_at":"2024-05-01T14:30:00Z","lines":[{"sku":"X","quantity":1,"unit_price":"1"}]}`}), 409)
		if fields["body.external_id"] == "" {
			t.Errorf("conflict fields = %v", fields)
		}
	})
}

func TestOtherResources(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		const mgr = fresco.RoleManager
		l := f.call(mgr, "POST", "/api/v1/locations", `{"name":"Soho","timezone":"Europe/London"}`, 201)
		lid := id(t, l)
		tm := f.call(mgr, "POST", "/api/v1/teams", fmt.Sprintf(`{"name":"Floor","location_id":%d}`, lid), 201)
		e := f.call(mgr, "POST", "/api/v1/employees", fmt.Sprintf(`{"email":"Sam@Example.com","name":"Sam","role":"agent","location_id":%d,"team_id":%d}`, lid, id(t, tm)), 201)
		if e["email"] != "sam@example.com" || e["active"] != true || e["team_id"] != float64(id(t, tm)) {
			t.Errorf("employee = %v", e)
		}
		e = f.call(mgr, "PATCH", fmt.Sprintf("/api/v1/employees/%d", id(t, e)), `{"team_id":null,"active":false}`, 200)
		if e["team_id"] != nil || e["active"] != false || e["location_id"] != float64(lid) {
			t.Errorf("patched employee = %v", e)
		}
		list := f.call(mgr, "GET", "/api/v1/employees?active=false&role=agent", nil, 200)
		if len(list["items"].([]any)) != 1 {
			t.Errorf("inactive agents = %v", list)
		}
		tm = f.call(mgr, "PATCH", fmt.Sprintf("/api/v1/teams/%d", id(t, tm)), `{"location_id":null}`, 200)
		if tm["location_id"] != nil || tm["name"] != "Floor" {
			t.Errorf("patched team = %v", tm)
		}
		if teams := f.call(agent, "GET", "/api/v1/teams", nil, 200); len(teams["items"].([]any)) != 1 {
			t.Errorf("teams = %v", teams)
		}
		p := f.call(agent, "POST", "/api/v1/products", `{"sku":"ESPRESSO","name":"Espresso","list_price":2.5,"unit_cost":"0.40"}`, 201)
		if p["list_price"] != "2.50" || p["unit_cost"] != "0.40" {
			t.Errorf("product = %v", p)
		}
		p = f.call(agent, "PATCH", fmt.Sprintf("/api/v1/products/%d", id(t, p)), `{"list_price":"2.70"}`, 200)
		if p["list_price"] != "2.70" || p["name"] != "Espresso" {
			t.Errorf("patched product = %v", p)
		}
		m := f.call(mgr, "POST", "/api/v1/marketing-spend", `{"period_start":"2024-01-01","period_end":"2024-01-31","channel":"radio","amount":"1500.00"}`, 201)
		if m["period_end"] != "2024-01-31" || m["amount"] != "1500.00" {
			t.Errorf("spend = %v", m)
		}
		if list := f.call(agent, "GET", "/api/v1/marketing-spend?from=2024-01-15&to=2024-02-01&channel=radio", nil, 200); len(list["items"].([]any)) != 1 {
			t.Errorf("spend list = %v", list)
		}
		fields := problem(t, f.do(request{method: "POST", path: "/api/v1/marketing-spend", role: mgr,
			body: `{"period_start":"2024-02-01","period_end":"2024-01-31","amount":"-1"}`}), 422)
		if fields["body.period_end"] == "" || fields["body.amount"] == "" {
			t.Errorf("spend fields = %v", fields)
		}
	})
}

// TestProblems checks that bad input gets a problem document naming the
// field, with the right status, and never a 500.
func TestProblems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.call(agent, "POST", "/api/v1/customers", `{"external_id":"c1","name":"Ada"}`, 201)
		for _, tc := range []struct {
			name, method, path, body string
			status                   int
			fields                   []string // locations that must be named
		}{
			{"malformed JSON", "POST", "/api/v1/customers", `{"name":"Ada"`, 400, []string{"body"}},
			{"not JSON at all", "POST", "/api/v1/customers", `name=Ada`, 400, []string{"body"}},
			{"bad e-mail", "POST", "/api/v1/customers", `{"name":"Ada","email":"not-an-address"}`, 422, []string{"body.email"}},
			{"unknown field", "POST", "/api/v1/customers", `{"name":"Ada","colour":"red"}`, 422, []string{"body.colour"}},
			{"wrong type", "POST", "/api/v1/customers", `{"name":42}`, 422, []string{"body.name"}},
			{"empty customer", "POST", "/api/v1/customers", `{}`, 422, []string{"body.name"}},
			{"duplicate external id", "POST", "/api/v1/customers", `{"external_id":"c1"}`, 409, []string{"body.external_id"}},
			{"unknown referrer", "POST", "/api/v1/customers", `{"name":"B","referred_by":999}`, 422, []string{"body.referred_by"}},
			{"missing customer", "GET", "/api/v1/customers/999", "", 404, nil},
			{"id not a number", "GET", "/api/v1/customers/abc", "", 422, []string{"path.id"}},
			{"bad cursor", "GET", "/api/v1/customers?cursor=zzz", "", 422, []string{"query.cursor"}},
			{"limit too large", "GET", "/api/v1/customers?limit=5000", "", 422, []string{"query.limit"}},
			{"bad unit price", "POST", "/api/v1/purchases", `{"purchased_at":"2024-05-01T10:00:00Z","lines":[{"sku":"X","quantity":1,"unit_price":"12.505"}]}`, 422, []string{"body.lines[0].unit_price"}},
			{"unit price not an amount", "POST", "/api/v1/purchases", `{"purchased_at":"2024-05-01T10:00:00Z","lines":[{"sku":"X","quantity":1,"unit_price":"abc"},{"sku":"Y","quantity":0,"unit_price":"1"}]}`, 422, []string{"body.lines[0].unit_price", "body.lines[1].quantity"}},
			{"unit price wrong type", "POST", "/api/v1/purchases", `{"purchased_at":"2024-05-01T10:00:00Z","lines":[{"sku":"X","quantity":1,"unit_price":true}]}`, 422, []string{"body.lines[0].unit_price"}},
			{"missing purchase time", "POST", "/api/v1/purchases", `{"lines":[{"sku":"X","quantity":1,"unit_price":"1"}]}`, 422, []string{"body.purchased_at"}},
			{"bad purchase time", "POST", "/api/v1/purchases", `{"purchased_at":"yesterday","lines":[{"sku":"X","quantity":1,"unit_price":"1"}]}`, 422, []string{"body.purchased_at"}},
			{"no lines", "POST", "/api/v1/purchases", `{"purchased_at":"2024-05-01T10:00:00Z","lines":[]}`, 422, []string{"body.lines"}},
			{"schema and domain problems at once", "POST", "/api/v1/purchases", `{"colour":"red","lines":[{"sku":"X","quantity":0,"unit_price":"12.505"}]}`, 422,
				[]string{"body.colour", "body.purchased_at", "body.lines[0].quantity", "body.lines[0].unit_price"}},
			{"malformed purchase", "POST", "/api/v1/purchases", `{"lines":[`, 400, []string{"body"}},
			{"purchase too large", "POST", "/api/v1/purchases", `{"channel":"` + strings.Repeat("x", 1<<20) + `"}`, 413, nil},
			{"unknown customer", "POST", "/api/v1/purchases", `{"customer_id":999,"purchased_at":"2024-05-01T10:00:00Z","lines":[{"sku":"X","quantity":1,"unit_price":"1"}]}`, 422, []string{"body.customer_id"}},
			{"bad role", "POST", "/api/v1/employees", `{"email":"a@example.com","name":"A","role":"boss"}`, 422, []string{"body.role"}},
			{"bad time zone", "POST", "/api/v1/locations", `{"name":"X","timezone":"Mars/Olympus"}`, 422, []string{"body.timezone"}},
			{"short password", "PUT", "/api/v1/employees/1/password", `{"password":"short"}`, 422, []string{"body.password"}},
			{"unknown endpoint", "GET", "/api/v1/nothing-here", "", 404, nil},
			{"unknown token", "DELETE", "/api/v1/tokens/999", "", 404, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := f.do(request{method: tc.method, path: tc.path, role: fresco.RoleOwner, body: tc.body})
				fields := problem(t, res, tc.status)
				for _, want := range tc.fields {
					if fields[want] == "" {
						t.Errorf("no error at %s: %s", want, res.Body)
					}
				}
			})
		}
	})
}

func TestBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		c := &fresco.Customer{Name: "Ada"}
		if err := db.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		good := func(ext, price string) string {
			return fmt.Sprintf(`{"external_id":%q,"customer_id":%d,"purchased_at":"2024-05-01T10:00:00Z","lines":[{"sku":"GOOD","quantity":1,"unit_price":%s}]}`, ext, c.ID, price)
		}
		body := `{"purchases":[` + strings.Join([]string{
			good("g1", `"10.00"`),
			`{"external_id":"b1","lines":[{"sku":"X","quantity":1,"unit_price":"abc"}]}`,
			`{"external_id":"b2","customer_id":99999,"purchased_at":"2024-05-01T10:00:00Z","lines":[{"sku":"X","quantity":1,"unit_price":"1"}]}`,
			`{"external_id":"half","purchased_at":"2024-05-01T10:00:00Z","lines":[{"sku":"HALF-1","quantity":1,"unit_price":"1"},{"sku":"HALF-2","quantity":0,"unit_price":"1"}]}`,
			good("g2", `3.5`),
			`42`,
		}, ",") + `]}`
		res := f.call(agent, "POST", "/api/v1/purchases:batch", body, 200)
		if res["created"] != 2.0 || res["updated"] != 0.0 || res["rejected"] != 4.0 {
			t.Fatalf("counts = %v", res)
		}
		results := res["results"].([]any)
		wantStatus := []string{"created", "rejected", "rejected", "rejected", "created", "rejected"}
		wantFields := map[int][]string{1: {"purchased_at", "lines[0].unit_price"}, 2: {"customer_id"}, 3: {"lines[1].quantity"}}
		for i, r := range results {
			r := r.(map[string]any)
			if r["index"] != float64(i) || r["status"] != wantStatus[i] {
				t.Errorf("result %d = %v, want %s", i, r, wantStatus[i])
				continue
			}
			if wantStatus[i] == "created" {
				if id(t, r) <= 0 || r["errors"] != nil {
					t.Errorf("result %d = %v", i, r)
				}
				continue
			}
			if r["id"] != nil {
				t.Errorf("rejected result %d has an id: %v", i, r)
			}
			named := map[string]bool{}
			for _, e := range r["errors"].([]any) {
				e := e.(map[string]any)
				named[e["field"].(string)] = true
				if e["message"] == "" {
					t.Errorf("result %d: error without message: %v", i, e)
				}
			}
			for _, want := range wantFields[i] {
				if !named[want] {
					t.Errorf("result %d does not name %s: %v", i, want, r)
				}
			}
		}
		// Good ones stored, nothing half-written.
		for ext, want := range map[string]bool{"g1": true, "g2": true, "b1": false, "b2": false, "half": false} {
			_, err := db.PurchaseByExternalID(ctx, ext)
			if (err == nil) != want {
				t.Errorf("purchase %s stored = %v, want %v", ext, err == nil, want)
			}
		}
		if _, err := db.ProductBySKU(ctx, "HALF-1"); fresco.ErrorCode(err) != fresco.ENOTFOUND {
			t.Errorf("product of a rejected purchase was created: %v", err)
		}
		g2, _ := db.PurchaseByExternalID(ctx, "g2")
		if g2 == nil || g2.Total() != 350 {
			t.Errorf("g2 = %+v", g2)
		}

		// Sending a stored external_id again updates it.
		res = f.call(agent, "POST", "/api/v1/purchases:batch", `{"purchases":[`+good("g1", `"11.00"`)+`]}`, 200)
		if res["updated"] != 1.0 || res["results"].([]any)[0].(map[string]any)["status"] != "updated" {
			t.Errorf("resend = %v", res)
		}
		if g1, _ := db.PurchaseByExternalID(ctx, "g1"); g1 == nil || g1.Total() != 1100 {
			t.Errorf("g1 after update = %+v", g1)
		}

		// Whole-request errors.
		problem(t, f.do(request{method: "POST", path: "/api/v1/purchases:batch", role: agent, body: `{"purchases":[`}), 400)
		fields := problem(t, f.do(request{method: "POST", path: "/api/v1/purchases:batch", role: agent, body: `{}`}), 422)
		if fields["body.purchases"] == "" {
			t.Errorf("missing purchases: %v", fields)
		}
		tooMany := `{"purchases":[` + strings.TrimSuffix(strings.Repeat(`{},`, store.MaxBatchPurchases+1), ",") + `]}`
		problem(t, f.do(request{method: "POST", path: "/api/v1/purchases:batch", role: agent, body: tooMany}), 413)
		form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
		problem(t, f.do(request{method: "POST", path: "/api/v1/purchases:batch", role: agent, body: `{"purchases":[]}`, header: form}), 415)
		problem(t, f.do(request{method: "POST", path: "/api/v1/customers", role: agent, body: `{"name":"Ada"}`, header: form}), 415)
		problem(t, f.do(request{method: "POST", path: "/api/v1/purchases", role: agent, body: `{}`, header: form}), 415)
		res = f.call(agent, "POST", "/api/v1/purchases:batch", `{"purchases":[]}`, 200)
		if res["created"] != 0.0 || len(res["results"].([]any)) != 0 {
			t.Errorf("empty batch = %v", res)
		}
	})
}

func TestBatchIdempotency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		body := `{"purchases":[{"external_id":"i1","purchased_at":"2024-05-01T10:00:00Z","lines":[{"sku":"X","quantity":1,"unit_price":"1"}]},{"external_id":"i2"}]}`
		key := http.Header{"Idempotency-Key": {"import-2024-05-01"}}
		first := f.do(request{method: "POST", path: "/api/v1/purchases:batch", role: agent, body: body, header: key})
		if first.Code != 200 || first.Header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("first = %s %v", first, first.Header)
		}
		again := f.do(request{method: "POST", path: "/api/v1/purchases:batch", role: agent, body: body, header: key})
		if again.Code != 200 || again.Header.Get("Idempotent-Replayed") != "true" || string(again.Body) != string(first.Body) {
			t.Fatalf("replay = %s %v, want the first response %s", again, again.Header, first.Body)
		}
		// A replay, not a re-run: a re-run would say "updated".
		var r struct{ Created, Updated int }
		json.Unmarshal(again.Body, &r)
		if r.Created != 1 || r.Updated != 0 {
			t.Errorf("replayed counts = %+v", r)
		}
		list := f.call(agent, "GET", "/api/v1/purchases", nil, 200)
		if n := len(list["items"].([]any)); n != 1 {
			t.Errorf("%d purchases stored, want 1", n)
		}

		// Same key, different body.
		other := strings.Replace(body, `"1"`, `"2"`, 1)
		fields := problem(t, f.do(request{method: "POST", path: "/api/v1/purchases:batch", role: agent, body: other, header: key}), 422)
		if fields["header.Idempotency-Key"] == "" {
			t.Errorf("fields = %v", fields)
		}
		// A new key runs again.
		res := f.do(request{method: "POST", path: "/api/v1/purchases:batch", role: agent, body: body,
			header: http.Header{"Idempotency-Key": {"another"}}})
		if res.Code != 200 || !strings.Contains(string(res.Body), `"updated":1`) {
			t.Errorf("new key = %s", res)
		}
		// Without a key, nothing is stored or replayed.
		res = f.do(request{method: "POST", path: "/api/v1/purchases:batch", role: agent, body: body})
		if res.Code != 200 || res.Header.Get("Idempotent-Replayed") != "" {
			t.Errorf("no key = %s", res)
		}
	})
}

// TestOptimisticLocking checks ETags and If-Match on every record a PATCH
// changes: a stale If-Match gets 412 naming the header and writes nothing.
func TestOptimisticLocking(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		const mgr = fresco.RoleManager
		for _, rc := range []struct{ path, create string }{
			{"/api/v1/customers", `{"name":"Original"}`},
			{"/api/v1/products", `{"sku":"TEA","name":"Original"}`},
			{"/api/v1/employees", `{"email":"sam@example.com","name":"Original","role":"agent"}`},
			{"/api/v1/locations", `{"name":"Original"}`},
			{"/api/v1/teams", `{"name":"Original"}`},
		} {
			t.Run(rc.path, func(t *testing.T) {
				created := f.call(mgr, "POST", rc.path, rc.create, 201)
				path := fmt.Sprintf("%s/%d", rc.path, id(t, created))
				if created["version"] != 1.0 {
					t.Errorf("created version = %v, want 1", created["version"])
				}
				wantETag(t, f.do(request{method: "GET", path: path, role: mgr}), `"1"`, "Original")

				patch := func(ifMatch, name string) *response {
					var h http.Header
					if ifMatch != "" {
						h = http.Header{"If-Match": {ifMatch}}
					}
					return f.do(request{method: "PATCH", path: path, role: mgr, body: fmt.Sprintf(`{"name":%q}`, name), header: h})
				}
				wantETag(t, patch(`"1"`, "First"), `"2"`, "First")

				// Someone who read version 1 does not overwrite version 2.
				for _, stale := range []string{`"1"`, `W/"2"`, `2`, `"7", "8"`} {
					fields := problem(t, patch(stale, "Lost update"), http.StatusPreconditionFailed)
					if fields["header.If-Match"] == "" {
						t.Errorf("If-Match %s: problem does not name the header: %v", stale, fields)
					}
				}
				wantETag(t, f.do(request{method: "GET", path: path, role: mgr}), `"2"`, "First")

				wantETag(t, patch(`"7", "2"`, "Second"), `"3"`, "Second") // any listed tag may match
				wantETag(t, patch(`*`, "Third"), `"4"`, "Third")          // the record exists
				wantETag(t, patch("", "Fourth"), `"5"`, "Fourth")         // no If-Match: last writer wins, as before
			})
		}
	})
}

// TestConcurrentPatches sends pairs of PATCHes with the same If-Match at
// once: exactly one of each pair wins, whichever way they interleave.
func TestConcurrentPatches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		path := fmt.Sprintf("/api/v1/customers/%d", id(t, f.call(agent, "POST", "/api/v1/customers", `{"name":"Ada"}`, 201)))
		version := 1
		for round := range 5 {
			ifMatch := http.Header{"If-Match": {fmt.Sprintf(`"%d"`, version)}}
			var pair [2]*response
			var wg sync.WaitGroup
			for i := range pair {
				wg.Go(func() {
					body := fmt.Sprintf(`{"name":"Round %d writer %d"}`, round, i)
					pair[i] = f.do(request{method: "PATCH", path: path, role: agent, body: body, header: ifMatch})
				})
			}
			wg.Wait()
			won := -1
			for i, res := range pair {
				switch res.Code {
				case http.StatusOK:
					if won >= 0 {
						t.Fatalf("round %d: both PATCHes won", round)
					}
					won = i
				case http.StatusPreconditionFailed:
					if fields := problem(t, res, http.StatusPreconditionFailed); fields["header.If-Match"] == "" {
						t.Errorf("round %d: 412 does not name If-Match: %s", round, res)
					}
				default:
					t.Fatalf("round %d: %s", round, res)
				}
			}
			if won < 0 {
				t.Fatalf("round %d: no PATCH won", round)
			}
			version++
			wantETag(t, f.do(request{method: "GET", path: path, role: agent}), fmt.Sprintf(`"%d"`, version),
				fmt.Sprintf("Round %d writer %d", round, won))
		}
	})
}

// wantETag checks a 200 response for a record: its ETag header, the version
// in its body, and its name.
func wantETag(t *testing.T, res *response, etag, name string) {
	t.Helper()
	if res.Code != http.StatusOK {
		t.Fatalf("status = %s, want 200", res)
	}
	body := res.JSON(t)
	if got := res.Header.Get("ETag"); got != etag || fmt.Sprintf(`"%v"`, body["version"]) != etag || body["name"] != name {
		t.Errorf("ETag %s, version %v, name %v; want %s and %q", got, body["version"], body["name"], etag, name)
	}
}
