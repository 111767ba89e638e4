package app_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// With --db-read, the dashboards read the replica and everything else the
// primary. The replica here is a copy taken earlier — on SQLite a backup of
// the file, on PostgreSQL a second schema given the same earlier writes —
// so that what each endpoint shows says which database it read: two
// promoters on the replica, and three detractors more on the primary.
func TestDashboardsReadTheReadReplica(t *testing.T) {
	t.Parallel()
	for _, eng := range storetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			primaryURL := eng.URL(t)
			primary := storetest.Open(t, primaryURL)
			token := ownerToken(t, primary)
			earlier := []int{10, 10}
			for _, score := range earlier {
				postNPS(t, serverOver(t, primary, ""), token, score)
			}
			replicaURL := replicaOf(t, eng.Name, primary)
			if eng.Name == "postgres" {
				replica := storetest.Open(t, replicaURL)
				replicaToken := ownerToken(t, replica)
				for _, score := range earlier {
					postNPS(t, serverOver(t, replica, ""), replicaToken, score)
				}
			}

			a := serverOver(t, primary, replicaURL)
			for range 3 {
				postNPS(t, a, token, 0) // writes land on the primary
			}

			var nps struct {
				N   int
				NPS float64
			}
			get(t, a, token, "/api/v1/metrics/nps", &nps)
			if nps.N != 2 || nps.NPS != 100 {
				t.Errorf("the NPS dashboard shows n = %d, NPS %v; want the replica's 2 promoters, NPS 100", nps.N, nps.NPS)
			}
			var dist struct{ Counts []int }
			get(t, a, token, "/api/v1/metrics/distribution?scale=nps", &dist)
			if len(dist.Counts) != 11 || dist.Counts[0] != 0 || dist.Counts[10] != 2 {
				t.Errorf("the distribution shows %v; want the replica's two 10s", dist.Counts)
			}
			// Not a dashboard: the list of responses reads the primary, and
			// so sees the request's own writes.
			var list struct{ Items []json.RawMessage }
			get(t, a, token, "/api/v1/responses", &list)
			if len(list.Items) != 5 {
				t.Errorf("the list of responses shows %d; want the primary's 5", len(list.Items))
			}
			// Every other dashboard answers from the replica.
			for _, path := range []string{"/api/v1/metrics/trend", "/api/v1/metrics/breakdown", "/api/v1/metrics/drivers",
				"/api/v1/reports/acquisition", "/api/v1/reports/recovery", "/api/v1/loop/satisfied-leaving",
				"/api/v1/clv/summary", "/api/v1/clv/pareto", "/api/v1/clv/segments", "/api/v1/clv/customers"} {
				var out map[string]any
				get(t, a, token, path, &out)
			}
			// The replica's pool is watched like the others.
			if rec := call(a, "", "GET", "/metrics", nil); !strings.Contains(rec.Body.String(), `go_sql_open_connections{db_name="reports"}`) {
				t.Errorf("/metrics has no gauges of the read replica's pool:\n%s", rec.Body)
			}
			// The primary's own rollups hold all five.
			groups, err := primary.ScoreCounts(t.Context(), store.ResponseFilter{}, "nps", store.GroupNone)
			if err != nil || len(groups) != 1 || groups[0].Counts[0] != 3 || groups[0].Counts[10] != 2 {
				t.Errorf("the primary's counts: %+v, %v; want three 0s and two 10s", groups, err)
			}
		})
	}
}

// The replica's connections refuse writes on SQLite, and a replica that is
// missing, of the other engine or without Fresco's tables stops the start
// with a message naming --db-read.
func TestReadReplicaRefusals(t *testing.T) {
	t.Parallel()
	primary := storetest.Open(t, storetest.SQLiteURL(t))
	replicaURL := replicaOf(t, "sqlite", primary)
	if err := primary.AttachReports(t.Context(), replicaURL); err != nil {
		t.Fatal(err)
	}
	if _, err := primary.Reports().Exec(t.Context(), `DELETE FROM responses`); err == nil {
		t.Error("a write through the read replica's pool was allowed")
	}
	empty := filepath.Join(t.TempDir(), "empty.db")
	os.WriteFile(empty, nil, 0o600)
	for name, url := range map[string]string{
		"missing":      "sqlite:" + filepath.Join(t.TempDir(), "none.db"),
		"not fresco":   "sqlite:" + empty,
		"other engine": "postgres://nobody@127.0.0.1:1/none?connect_timeout=1",
		"not a url":    "mysql://x",
	} {
		_, err := app.New(app.Config{DB: storetest.Open(t, storetest.SQLiteURL(t)), ReportsDatabaseURL: url})
		if err == nil || !strings.Contains(err.Error(), "--db-read") {
			t.Errorf("%s: %v, want an error naming --db-read", name, err)
		}
	}
}

// replicaOf returns the URL of a database to serve as db's read replica: on
// SQLite a backup of db as it is now, on PostgreSQL an empty, migrated
// schema.
func replicaOf(t *testing.T, engine string, db *store.DB) string {
	t.Helper()
	if engine == "postgres" {
		return storetest.PostgresURL(t)
	}
	path := filepath.Join(t.TempDir(), "replica.db")
	if err := db.BackupTo(t.Context(), path); err != nil {
		t.Fatal(err)
	}
	return "sqlite:" + path
}

// serverOver builds Fresco over db, reading dashboards from replicaURL when
// it is set.
func serverOver(t *testing.T, db *store.DB, replicaURL string) *app.App {
	t.Helper()
	a, err := app.New(app.Config{DB: db, ReportsDatabaseURL: replicaURL})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func ownerToken(t *testing.T, db *store.DB) string {
	t.Helper()
	token, hash, err := auth.NewAPIToken()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateAPIToken(t.Context(), "reports test", fresco.RoleOwner, hash); err != nil {
		t.Fatal(err)
	}
	return token
}

func postNPS(t *testing.T, a *app.App, token string, score int) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"answers": []map[string]any{{"type": "nps", "score": score}}})
	if rec := call(a, token, "POST", "/api/v1/responses", body); rec.Code != http.StatusCreated {
		t.Fatalf("POST a response: %d %s", rec.Code, rec.Body)
	}
}

func get(t *testing.T, a *app.App, token, path string, out any) {
	t.Helper()
	rec := call(a, token, "GET", path, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

func call(a *app.App, token, method, path string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	a.Server.ServeHTTP(rec, req)
	return rec
}
