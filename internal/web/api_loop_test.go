package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/loop"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func loopFixture(t *testing.T, db *store.DB) (*fixture, *notify.Notifier, *loop.Loop) {
	f := newFixture(t, db, func(c *app.Config) { c.NotifyPollInterval, c.NotifyHeartbeat = 50*time.Millisecond, time.Second })
	return f, f.app.Notifier, f.app.Loop
}

func TestWebhookAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, _, _ := loopFixture(t, db)
		body := map[string]any{"url": "https://example.com/hooks/fresco", "events": []string{"response.detractor", "case.*"}}
		f.call(fresco.RoleAgent, "POST", "/api/v1/webhooks", body, http.StatusForbidden)
		created := f.call(fresco.RoleManager, "POST", "/api/v1/webhooks", body, http.StatusCreated)
		hookID := id(t, created)
		if s, _ := created["secret"].(string); !strings.HasPrefix(s, "whsec_") {
			t.Errorf("created %v: want the generated secret once", created)
		}
		fields := problem(t, f.do(request{method: "POST", path: "/api/v1/webhooks", role: fresco.RoleOwner,
			body: map[string]any{"url": "mailto:x", "events": []string{"response.nope"}}}), http.StatusUnprocessableEntity)
		if fields["body.url"] == "" || fields["body.events[0]"] == "" {
			t.Errorf("errors %v: want body.url and body.events[0]", fields)
		}
		list := f.call(fresco.RoleOwner, "GET", "/api/v1/webhooks", nil, http.StatusOK)
		items := list["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["secret"] != nil {
			t.Errorf("list %v: one webhook, no secret", list)
		}
		d := f.call(fresco.RoleManager, "GET", fmt.Sprintf("/api/v1/webhooks/%d/deliveries", hookID), nil, http.StatusOK)
		if len(d["items"].([]any)) != 0 {
			t.Errorf("deliveries %v", d)
		}
		f.call(fresco.RoleAnalyst, "GET", "/api/v1/webhooks", nil, http.StatusForbidden)
		f.call(fresco.RoleManager, "DELETE", fmt.Sprintf("/api/v1/webhooks/%d", hookID), nil, http.StatusNoContent)
		f.call(fresco.RoleManager, "GET", fmt.Sprintf("/api/v1/webhooks/%d", hookID), nil, http.StatusNotFound)
	})
}

func TestFollowUpAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, _, l := loopFixture(t, db)
		agent := f.employee("agent@example.com", fresco.RoleAgent, "correct horse battery")
		other := f.employee("other@example.com", fresco.RoleAgent, "correct horse battery")
		var respID int64
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `INSERT INTO responses (post_id, employee_id, source, responded_at, nps, created_at)
				VALUES ((SELECT id FROM listening_posts WHERE slug = 'survey'), ?, 'api', ?, 2, ?) RETURNING id`,
				agent.ID, time.Now().UTC(), time.Now().UTC()).Scan(&respID)
		}); err != nil {
			t.Fatal(err)
		}
		fu, err := l.HandleResponse(ctx, feedback.ResponseRecorded{ResponseID: respID, Flags: feedback.Flags{Detractor: true}})
		if err != nil || fu == nil {
			t.Fatal(fu, err)
		}

		list := f.call(fresco.RoleAnalyst, "GET", "/api/v1/followups?status=open", nil, http.StatusOK)
		if items := list["items"].([]any); len(items) != 1 || items[0].(map[string]any)["owner_id"].(float64) != float64(agent.ID) {
			t.Fatalf("open follow-ups %v", list)
		}
		mine := f.do(request{method: "GET", path: "/api/v1/followups?owner=me", cookie: f.login("agent@example.com", "correct horse battery")})
		if mine.Code != http.StatusOK || len(mine.JSON(t)["items"].([]any)) != 1 {
			t.Errorf("owner=me: %s", mine)
		}
		problem(t, f.do(request{method: "GET", path: "/api/v1/followups?owner=me", role: fresco.RoleAgent}), http.StatusUnprocessableEntity)

		closePath := fmt.Sprintf("/api/v1/followups/%d:close", fu.ID)
		fields := problem(t, f.do(request{method: "POST", path: closePath, role: fresco.RoleManager, body: map[string]any{}}), http.StatusUnprocessableEntity)
		if fields["body.contact_channel"] == "" || fields["body.outcome"] == "" {
			t.Errorf("errors %v: want body.contact_channel and body.outcome", fields)
		}
		fields = problem(t, f.do(request{method: "POST", path: closePath, role: fresco.RoleManager,
			body: map[string]any{"contact_channel": "phone"}}), http.StatusUnprocessableEntity)
		if fields["body.outcome"] == "" || fields["body.contact_channel"] != "" {
			t.Errorf("errors %v: want only body.outcome", fields)
		}
		good := map[string]any{"contact_channel": "phone", "outcome": "Apologised and booked a free check-up."}
		otherCookie := f.login("other@example.com", "correct horse battery")
		_ = other
		problem(t, f.do(request{method: "POST", path: closePath, cookie: otherCookie, body: good}), http.StatusForbidden)
		f.call(fresco.RoleAnalyst, "POST", closePath, good, http.StatusForbidden)
		closed := f.call(fresco.RoleManager, "POST", closePath, good, http.StatusOK)
		if closed["status"] != "closed" || closed["contact_channel"] != "phone" || closed["closed_by"] == "" {
			t.Errorf("closed %v", closed)
		}
		problem(t, f.do(request{method: "POST", path: closePath, role: fresco.RoleManager, body: good}), http.StatusConflict)
		f.call(fresco.RoleManager, "POST", "/api/v1/followups/999999:close", good, http.StatusNotFound)
		f.call(fresco.RoleManager, "POST", fmt.Sprintf("/api/v1/followups/%d:open", fu.ID), good, http.StatusUnprocessableEntity)
		got := f.call(fresco.RoleAnalyst, "GET", fmt.Sprintf("/api/v1/followups/%d", fu.ID), nil, http.StatusOK)
		if got["outcome"] != good["outcome"] {
			t.Errorf("follow-up %v", got)
		}

		leaving := f.call(fresco.RoleAnalyst, "GET", "/api/v1/loop/satisfied-leaving", nil, http.StatusOK)
		at, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(leaving["computed_at"]))
		if _, ok := leaving["items"].([]any); !ok || at.IsZero() {
			t.Errorf("satisfied-leaving %v", leaving)
		}
		if r := f.do(request{method: "GET", path: "/api/v1/loop/satisfied-leaving?cursor=nonsense", role: fresco.RoleAnalyst}); r.Code != http.StatusUnprocessableEntity ||
			!strings.Contains(string(r.Body), "cursor") {
			t.Errorf("a bad cursor: %s", r)
		}
		f.call(fresco.RoleAnalyst, "POST", "/api/v1/loop/satisfied-leaving/refresh", nil, http.StatusForbidden)
		queued := f.call(fresco.RoleManager, "POST", "/api/v1/loop/satisfied-leaving/refresh", nil, http.StatusAccepted)
		again := f.call(fresco.RoleManager, "POST", "/api/v1/loop/satisfied-leaving/refresh", nil, http.StatusAccepted)
		if queued["kind"] != "loop.satisfied_leaving" || queued["job_id"] == nil || again["job_id"] != queued["job_id"] {
			t.Errorf("refresh queued %v, then %v", queued, again)
		}
	})
}

func TestNotificationsAndEventStream(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, n, _ := loopFixture(t, db)
		emp := f.employee("ann@example.com", fresco.RoleAgent, "correct horse battery")
		cookie := f.login("ann@example.com", "correct horse battery")
		// A ReadTimeout, as fresco serve sets, must not end the stream.
		srv := httptest.NewUnstartedServer(f.srv)
		srv.Config.ReadTimeout = 200 * time.Millisecond
		srv.Start()
		defer srv.Close()
		defer n.Hub().Close()

		// Tokens without an employee see nobody's stream unless they manage.
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/events/stream", nil)
		req.Header.Set("Authorization", "Bearer "+f.tokens[fresco.RoleAgent])
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("agent token stream: %d", res.StatusCode)
		}
		res, err = http.Get(srv.URL + "/api/v1/events/stream")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("anonymous stream: %d", res.StatusCode)
		}

		req, _ = http.NewRequest("GET", srv.URL+"/api/v1/events/stream", nil)
		req.AddCookie(cookie)
		res, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
			t.Fatalf("stream: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		for n.Hub().Subscribers() == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(3 * srv.Config.ReadTimeout)
		if _, err := n.Send(ctx, notify.Notification{Event: notify.EventDetractor, EmployeeIDs: []int64{emp.ID},
			Subject: "Detractor: Carla", Link: "/followups/1"}); err != nil {
			t.Fatal(err)
		}
		events := make(chan notify.Event, 1)
		go func() {
			sc := bufio.NewScanner(res.Body)
			for sc.Scan() {
				if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
					var e notify.Event
					json.Unmarshal([]byte(data), &e)
					events <- e
					return
				}
			}
		}()
		select {
		case e := <-events:
			if e.Subject != "Detractor: Carla" || e.EmployeeID != emp.ID {
				t.Errorf("event %+v", e)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no event on the stream")
		}

		list := f.do(request{method: "GET", path: "/api/v1/notifications", cookie: cookie})
		if m := list.JSON(t); list.Code != http.StatusOK || m["unread"].(float64) != 1 || len(m["items"].([]any)) != 1 {
			t.Errorf("notifications %s", list)
		}
		if r := f.do(request{method: "POST", path: "/api/v1/notifications:read", cookie: cookie, body: map[string]any{}}); r.Code != http.StatusNoContent {
			t.Errorf("mark read %s", r)
		}
		if m := f.do(request{method: "GET", path: "/api/v1/notifications", cookie: cookie}).JSON(t); m["unread"].(float64) != 0 {
			t.Errorf("after read %v", m)
		}
	})
}

// loopMatrix is the closed loop's part of the role matrix (roles_test.go).
// API tokens carry no employee, so the caller's notifications answer 422.
func loopMatrix(s seed) []endpoint {
	none := func(fresco.Role) any { return nil }
	fixed := func(b string) func(fresco.Role) any { return func(fresco.Role) any { return b } }
	return []endpoint{
		{"GET", "/api/v1/webhooks", none, 200, managers},
		{"POST", "/api/v1/webhooks", func(r fresco.Role) any {
			return fmt.Sprintf(`{"url":"https://example.com/%s","events":["response.detractor"]}`, r)
		}, 201, managers},
		{"GET", "/api/v1/webhooks/999999", none, 404, managers},
		{"DELETE", "/api/v1/webhooks/999999", none, 404, managers},
		{"GET", "/api/v1/webhooks/999999/deliveries", none, 404, managers},
		{"GET", "/api/v1/followups", none, 200, everyone},
		{"GET", "/api/v1/followups/999999", none, 404, everyone},
		{"POST", "/api/v1/followups/999999:close", fixed(`{"contact_channel":"phone","outcome":"x"}`), 404, writers},
		{"POST", "/api/v1/followups/999999", fixed(`{}`), 422, writers}, // no ":close"
		{"GET", "/api/v1/loop/satisfied-leaving", none, 200, everyone},
		{"POST", "/api/v1/loop/satisfied-leaving/refresh", none, 202, managers},
		{"GET", "/api/v1/notifications", none, 422, everyone},
		{"POST", "/api/v1/notifications:read", fixed(`{}`), 422, everyone},
	}
}
