package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/eventlog"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/secret"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
	"github.com/fresco-cx/fresco/internal/web"
)

// fresco bench pages on a small demo business walks every GET page and
// endpoint of the route table, each answering 2xx: the bench is complete,
// and every page answers on a demo database. The demo has no webhook and no
// survey, and its follow-ups come from jobs a running server does, so the
// test adds one of each first.
func TestBenchPages(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			url := eng.URL(t)
			env := map[string]string{"FRESCO_SECRET_KEY": secret.NewKey()}
			code, _, errOut := runCLI(t, env, "", "demo", "--db", url, "--customers", "150", "--serve=false")
			if code != 0 {
				t.Fatalf("demo: exit %d: %s", code, errOut)
			}
			keys, err := secretKeys(url, env["FRESCO_SECRET_KEY"])
			if err != nil {
				t.Fatal(err)
			}
			db := storetest.Open(t, url)
			db.UseSecretKeys(keys)
			if eng.Name == "postgres" { // the demo left the planner real statistics
				var n float64
				if err := db.QueryRow(ctx, `SELECT reltuples FROM pg_class WHERE oid = 'customers'::regclass`).Scan(&n); err != nil || n != 150 {
					t.Errorf("customers: reltuples %v, %v; want 150 after the demo's ANALYZE", n, err)
				}
			}
			addWebhookSurveyFollowUp(t, db)

			code, out, errOut := runCLI(t, env, "", "bench", "pages", "--db", url, "--clients", "2", "--duration", "1ms", "--json")
			if code != 0 {
				t.Fatalf("bench pages: exit %d: %s", code, errOut)
			}
			var res pagesResult
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("output: %v\n%s", err, out)
			}
			if len(res.Skipped) > 0 {
				t.Errorf("skipped routes: %+v", res.Skipped)
			}
			measured := map[string]routeStats{}
			for _, r := range res.Routes {
				measured[r.Route] = r
				if r.Requests == 0 || r.Errors > 0 {
					t.Errorf("%s: %d requests, %d errors (%s)", r.Route, r.Requests, r.Errors, r.FirstError)
				}
			}
			for _, want := range getRoutes(t, db) {
				if _, ok := measured[want]; !ok {
					t.Errorf("%s is not in the bench", want)
				}
			}
			if res.Engine != eng.Name || res.Customers != 150 || res.Errors != 0 || res.Requests < len(res.Routes) {
				t.Errorf("engine %q, %d customers, %d errors, %d requests over %d routes",
					res.Engine, res.Customers, res.Errors, res.Requests, len(res.Routes))
			}
			// The bench's session is gone afterwards.
			var sessions int
			if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM sessions`).Scan(&sessions); err != nil || sessions != 0 {
				t.Errorf("%d sessions left, %v", sessions, err)
			}

			// The table names every route, and a route the bench cannot fill is
			// reported, not dropped.
			if _, err := db.Exec(ctx, `DELETE FROM webhook_attempts`); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(ctx, `DELETE FROM webhook_deliveries`); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(ctx, `DELETE FROM webhook_subscriptions`); err != nil {
				t.Fatal(err)
			}
			code, out, errOut = runCLI(t, env, "", "bench", "pages", "--db", url, "--clients", "1", "--duration", "1ms")
			if code != 0 || !strings.Contains(out, "GET /customers/{id} ") ||
				!strings.Contains(out, "skipped GET /api/v1/webhooks/{id}: no rows in webhook_subscriptions") {
				t.Errorf("table: exit %d\n%s\n%s", code, out, errOut)
			}
		})
	}
}

// getRoutes lists the UI pages and API operations answering GET, from the
// route table of a server built the way the bench builds it.
func getRoutes(t *testing.T, db *store.DB) []string {
	t.Helper()
	a, err := app.New(app.Config{DB: db})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range a.Server.Routes() {
		if r.Method == http.MethodGet && (r.Kind == web.APIOperation || r.Kind == web.UIPage) {
			names = append(names, r.Method+" "+r.Path)
		}
	}
	if len(names) < 60 {
		t.Fatalf("only %d GET routes: %v", len(names), names)
	}
	return names
}

func addWebhookSurveyFollowUp(t *testing.T, db *store.DB) { // and a case message with an attachment, and an event log
	t.Helper()
	ctx := context.Background()
	if err := db.CreateWebhook(ctx, &fresco.Webhook{URL: "https://hooks.example.com/fresco", Events: []string{"*"},
		Secret: "s3cret-s3cret-s3cret", Active: true, CreatedBy: "test"}); err != nil {
		t.Fatal(err)
	}
	post, err := db.ListeningPostBySlug(ctx, "survey")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateSurvey(ctx, &fresco.Survey{Slug: "desk", Name: "At the desk", PostID: post.ID, Active: true,
		Questions: []fresco.Question{{Key: "nps", Type: "nps", Required: true}}}); err != nil {
		t.Fatal(err)
	}
	err = db.InTx(ctx, func(tx *store.Tx) error { // an imported event log
		return tx.InsertEventLog(ctx, &fresco.EventLog{Name: "claims", Format: fresco.LogFormatXES, Cases: 1, Events: 1, Activities: 1, ImportedBy: "test"},
			[]eventlog.Trace{{Case: "c1", Events: []eventlog.Event{{Activity: "Register", Time: time.Now()}}}})
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.InTx(ctx, func(tx *store.Tx) error { // a customer's mail with a photo on the first case
		m := &fresco.CaseMessage{Direction: fresco.MessageIn, Subject: "Photo", Text: "See the photo.",
			Attachments: []fresco.CaseAttachment{{Filename: "photo.jpg", ContentType: "image/jpeg", Data: []byte("\xff\xd8\xff")}}}
		if err := tx.QueryRow(ctx, `SELECT MIN(id) FROM recovery_cases`).Scan(&m.CaseID); err != nil {
			return err
		}
		return tx.InsertCaseMessage(ctx, m)
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		f := &fresco.FollowUp{Reasons: []string{"detractor"}, DueAt: time.Now().Add(48 * time.Hour)}
		err := tx.QueryRow(ctx, `SELECT id, customer_id FROM responses WHERE nps <= 6 AND customer_id IS NOT NULL
			ORDER BY id DESC LIMIT 1`).Scan(&f.ResponseID, &f.CustomerID)
		if err != nil {
			return err
		}
		_, err = tx.CreateFollowUp(ctx, f)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// With one client, hammer gives each sample the CPU the process spent on
// it, and routeFigures their mean; without a meter there is none.
func TestHammerPerRequestCPU(t *testing.T) {
	burn := func(k int) (int, time.Duration, error) {
		start := time.Now()
		for x := 0; x < 20_000_000; x++ {
			sink += x
		}
		return 0, time.Since(start), nil
	}
	for _, meter := range []*cpuMeter{{}, nil} {
		samples, elapsed := hammer(context.Background(), 1, time.Millisecond, 3, meter, burn)
		st := routeFigures("burn", samples[0], elapsed)
		if measured := meter != nil; measured != (st.CPUms > 0) || st.DBCPUms != 0 {
			t.Errorf("measured %v: %d samples, %v ms of CPU each, %v ms of database CPU", measured, st.Requests, st.CPUms, st.DBCPUms)
		}
	}
}

var sink int // keeps the burn loop from being optimised away

// On a PostgreSQL server of this machine the meter sees the CPU that a
// query costs the backend running it; on SQLite there is none (the
// database's CPU is the process's). Other tests share the database, so
// only a lower bound is certain.
func TestDBCPUMeter(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			url := eng.URL(t)
			db := storetest.Open(t, url)
			m := newDBCPUMeter(ctx, db, url)
			defer m.close(ctx)
			if eng.Name == "sqlite" {
				if m != nil {
					t.Error("a meter on SQLite")
				}
				return
			}
			if m == nil {
				t.Skip("the PostgreSQL server's processes are not readable here")
			}
			before, _ := m.sample(ctx)
			var n int64
			if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM generate_series(1, 2000000)`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if busy := m.since(ctx, before); busy < 20*time.Millisecond {
				t.Errorf("counting 2M rows: %v of database CPU", busy)
			}
		})
	}
}
