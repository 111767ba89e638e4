package app_test

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// /metrics tells an operator which build runs, how the pools are, whether
// jobs are failing or waiting, and when lifetime value was last refitted.
func TestOperationsMetrics(t *testing.T) {
	db := storetest.Open(t, storetest.SQLiteURL(t))
	a := apptest.New(t, db, func(c *app.Config) { c.Version = "1.2.3-test" })
	ctx := context.Background()
	waiting := time.Now().UTC().Add(-90 * time.Second)
	for _, status := range []string{"failed", "failed", "queued"} {
		if _, err := db.Exec(ctx, `INSERT INTO jobs (kind, status, run_at, created_at) VALUES ('test.kind', ?, ?, ?)`, status, waiting, waiting); err != nil {
			t.Fatal(err)
		}
	}
	scrape := func() string {
		w := httptest.NewRecorder()
		a.Server.ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
		b, _ := io.ReadAll(w.Result().Body)
		return string(b)
	}
	body := scrape()
	for _, want := range []string{
		`fresco_build_info{goversion="go`, `version="1.2.3-test"} 1`,
		"fresco_jobs_failed 2",
		`go_sql_open_connections{db_name="write"}`,
		`go_sql_open_connections{db_name="read"}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	var waited float64
	if _, err := fmt.Sscanf(grepLines(body, "fresco_jobs_oldest_due_age_seconds "), "fresco_jobs_oldest_due_age_seconds %g", &waited); err != nil || waited < 85 || waited > 600 {
		t.Errorf("oldest due job waited %g s (%v), want about 90", waited, err)
	}
	if strings.Contains(body, "fresco_clv_last_refit_timestamp_seconds") {
		t.Error("a refit time before any refit")
	}
	at := time.Now().UTC().Truncate(time.Second)
	if _, err := db.Exec(ctx, `INSERT INTO clv_fits (model, log_likelihood, customers, converged, computed_at) VALUES ('bgnbd', -1, 10, TRUE, ?)`, at); err != nil {
		t.Fatal(err)
	}
	if body = scrape(); !strings.Contains(body, "fresco_clv_last_refit_timestamp_seconds") {
		t.Errorf("no refit time after a refit:\n%s", grepLines(body, "clv"))
	}
}

func grepLines(s, word string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, word) && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
