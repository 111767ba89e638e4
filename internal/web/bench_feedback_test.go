package web_test

import (
	"cmp"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/demo"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// BenchmarkFeedbackReports times GET /api/v1/metrics/nps and the /feedback
// dashboard on a generated demo business in SQLite. FRESCO_BENCH_CUSTOMERS
// sets its size (default 5000); FRESCO_BENCH_DB names a SQLite file to keep
// it in, generated there on first use and reused after, so that a large
// business is generated once:
//
//	FRESCO_BENCH_DB=/tmp/demo50k.db FRESCO_BENCH_CUSTOMERS=50000 \
//	  go test ./internal/web -run '^$' -bench FeedbackReports -benchtime 20x
func BenchmarkFeedbackReports(b *testing.B) {
	benchPages(b, "/api/v1/metrics/nps", "/feedback")
}

// BenchmarkCaseReport times GET /api/v1/reports/recovery (cases of the
// last year, with the baseline retention of customers without one) on the
// same demo business as BenchmarkFeedbackReports:
//
//	FRESCO_BENCH_DB=/tmp/demo50k.db FRESCO_BENCH_CUSTOMERS=50000 \
//	  go test ./internal/web -run '^$' -bench CaseReport -benchtime 20x
func BenchmarkCaseReport(b *testing.B) {
	benchPages(b, "/api/v1/reports/recovery")
}

// BenchmarkSatisfiedLeaving times the "satisfied but leaving" list, in the
// API and on the owner's page, on the same demo business:
//
//	FRESCO_BENCH_DB=/tmp/demo50k.db FRESCO_BENCH_CUSTOMERS=50000 \
//	  go test ./internal/web -run '^$' -bench SatisfiedLeaving -benchtime 20x
func BenchmarkSatisfiedLeaving(b *testing.B) {
	benchPages(b, "/api/v1/loop/satisfied-leaving", "/loop/satisfied-leaving")
}

// benchPages times GET of each target as the first owner, one sub-benchmark
// each, on the demo business of benchDemoDB.
func benchPages(b *testing.B, targets ...string) {
	ctx := context.Background()
	db := benchDemoDB(b, ctx)
	a := apptest.New(b, db)
	var owner int64
	if err := db.QueryRow(ctx, `SELECT id FROM employees WHERE role = 'owner' ORDER BY id LIMIT 1`).Scan(&owner); err != nil {
		b.Fatal(err)
	}
	cookie := apptest.Session(b, db, owner)
	// As the job of a running server has: the scorecards' stored counts.
	if _, err := a.Rewards.RefreshScorecards(ctx); err != nil {
		b.Fatal(err)
	}
	get := func(b *testing.B, target string) {
		r := httptest.NewRequest("GET", target, nil)
		r.AddCookie(cookie)
		w := httptest.NewRecorder()
		a.Server.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("GET %s = %d %.300s", target, w.Code, w.Body)
		}
		io.Copy(io.Discard, w.Body)
	}
	for _, target := range targets {
		b.Run(target, func(b *testing.B) {
			// Untimed, as a server that has been running a while: the first
			// view may fill a cache or work out a stored list.
			get(b, target)
			cpu := processCPU()
			for b.Loop() {
				get(b, target)
			}
			// CPU per view, as fresco bench pages' cpu_ms: the machine's
			// load barely changes it, unlike ns/op.
			b.ReportMetric(float64(processCPU()-cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		})
	}
}

func benchDemoDB(b *testing.B, ctx context.Context) *store.DB {
	b.Helper()
	customers := 5000
	if s := os.Getenv("FRESCO_BENCH_CUSTOMERS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatalf("FRESCO_BENCH_CUSTOMERS: %v", err)
		}
		customers = n
	}
	path := os.Getenv("FRESCO_BENCH_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "demo.db")
	}
	_, err := os.Stat(path)
	fresh := os.IsNotExist(err)
	db := storetest.Open(b, "sqlite:"+path)
	if fresh {
		end := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
		if _, err := demo.Generate(ctx, db, demo.Options{Customers: customers, End: end}); err != nil {
			b.Fatal(err)
		}
	}
	return db
}

// BenchmarkPages times GET of each path in FRESCO_BENCH_PAGES (space
// separated; default the home page) on the same demo business, to profile
// any page or endpoint that `fresco bench pages` shows slow:
//
//	FRESCO_BENCH_DB=/tmp/demo50k.db FRESCO_BENCH_CUSTOMERS=50000 FRESCO_BENCH_PAGES='/feedback/comments /value' \
//	  go test ./internal/web -run '^$' -bench 'Pages$' -benchtime 20x -cpu 1 -cpuprofile /tmp/pages.prof
func BenchmarkPages(b *testing.B) {
	benchPages(b, strings.Fields(cmp.Or(os.Getenv("FRESCO_BENCH_PAGES"), "/"))...)
}

// BenchmarkScorecardsRefresh times one run of the job that stores the
// scorecards' retention counts (rewards.scorecards_refresh) when every
// kept period is to be worked out — its first run, or a run after a late
// import that touches them all; an ordinary run works out only the
// periods still open (the default period, today's and tomorrow's, and the
// running rewards'):
//
//	FRESCO_BENCH_DB=/tmp/demo200k.db go test ./internal/web -run '^$' -bench 'ScorecardsRefresh$' -benchtime 3x -cpu 1
func BenchmarkScorecardsRefresh(b *testing.B) {
	ctx := context.Background()
	db := benchDemoDB(b, ctx)
	a := apptest.New(b, db)
	cpu := processCPU()
	for b.Loop() {
		b.StopTimer()
		rows, err := db.ReportSnapshotRange(ctx, "rewards.scorecard.", "rewards.scorecard.~")
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range rows {
			if err := db.DeleteReportSnapshot(ctx, r.Name); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		n, err := a.Rewards.RefreshScorecards(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(n), "periods/op")
	}
	b.ReportMetric(float64(processCPU()-cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}
