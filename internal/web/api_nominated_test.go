package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestNomineeIsNotified: a nomination by a colleague or a customer tells
// the nominee in the app and by e-mail, quoting the reason and naming the
// colleague but not the customer; a refused one tells nobody; erasing the
// customer blanks what their nomination's notification quoted.
func TestNomineeIsNotified(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ana := f.employee("ana@example.com", fresco.RoleAgent, "a long password 123")
		ben := f.employee("ben@example.com", fresco.RoleAgent, "a long password 123")
		anaCookie := f.login("ana@example.com", "a long password 123")
		dora := &fresco.Customer{Name: "Dora Customer", Email: "dora@example.com"}
		if err := db.CreateCustomer(ctx, dora); err != nil {
			t.Fatal(err)
		}
		nominate := func(body string, byAna bool) *response {
			req := request{method: "POST", path: "/api/v1/nominations", body: body}
			if byAna {
				req.cookie = anaCookie
			} else {
				req.role = fresco.RoleAgent
			}
			return f.do(req)
		}
		if res := nominate(fmt.Sprintf(`{"employee_id":%d,"reason":"I was great"}`, ana.ID), true); res.Code != 422 {
			t.Fatalf("self-nomination = %s", res)
		}
		if res := nominate(fmt.Sprintf(`{"employee_id":%d,"reason":"Covered my shift"}`, ben.ID), true); res.Code != 201 {
			t.Fatalf("peer nomination = %s", res)
		}
		if res := nominate(fmt.Sprintf(`{"employee_id":%d,"reason":"Found my lost ring","source":"customer","customer_id":%d}`, ana.ID, dora.ID), false); res.Code != 201 {
			t.Fatalf("customer nomination = %s", res)
		}
		type note struct {
			to          int64
			body, link  string
			mailTo      string
			mailSubject string
		}
		notes := func() []note {
			var out []note
			rows, err := db.Query(ctx, `SELECT n.employee_id, n.body, n.link, COALESCE(m.to_addr, ''), COALESCE(m.subject, '')
				FROM notifications n LEFT JOIN email_messages m ON m.notification_id = n.id
				WHERE n.event = 'people.nominated' ORDER BY n.id`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var n note
				if err := rows.Scan(&n.to, &n.body, &n.link, &n.mailTo, &n.mailSubject); err != nil {
					t.Fatal(err)
				}
				out = append(out, n)
			}
			return out
		}
		got := notes()
		if len(got) != 2 {
			t.Fatalf("%d nomination notifications, want 2 (the refused one tells nobody): %+v", len(got), got)
		}
		peer, cust := got[0], got[1]
		if peer.to != ben.ID || !strings.Contains(peer.body, ana.Name) || !strings.Contains(peer.body, "Covered my shift") || peer.mailTo != "ben@example.com" {
			t.Errorf("Ben's notification %+v", peer)
		}
		if cust.to != ana.ID || !strings.HasPrefix(cust.body, "A customer") || !strings.Contains(cust.body, "Found my lost ring") ||
			strings.Contains(cust.body, "Dora") || cust.mailTo != "ana@example.com" || cust.mailSubject == "" {
			t.Errorf("Ana's notification %+v", cust)
		}
		if !strings.HasPrefix(cust.link, "/recognition#nomination-") {
			t.Errorf("link %q", cust.link)
		}
		page := f.do(request{method: "GET", path: "/recognition", cookie: anaCookie})
		if anchor := strings.TrimPrefix(cust.link, "/recognition#"); !strings.Contains(string(page.Body), `id="`+anchor+`"`) {
			t.Errorf("the recognition page has no %s to link to", anchor)
		}

		f.call("owner", "DELETE", fmt.Sprintf("/api/v1/customers/%d", dora.ID), nil, 200)
		got = notes()
		if got[1].body != "" || got[0].body != peer.body {
			t.Errorf("after erasing the customer: %+v", got)
		}
	})
}
