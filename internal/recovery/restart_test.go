package recovery_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestSurvivesRestartMidSLA opens a case with a short 24×7 SLA, stops the
// process before its timers are due, and starts a new one on the same
// database: the durable SLA-check jobs still warn, breach and escalate.
func TestSurvivesRestartMidSLA(t *testing.T) {
	t.Parallel()
	for _, eng := range storetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			url := eng.URL(t)
			db1, err := store.Open(ctx, url)
			must(t, err)
			w := newWorld(t, db1)
			svc1, err := recovery.New(recovery.Options{DB: db1}) // the real clock
			must(t, err)
			policy := json.RawMessage(`{"calendar":{"time_zone":"UTC","weekly":{
				"monday":[{"start":"00:00","end":"24:00"}],"tuesday":[{"start":"00:00","end":"24:00"}],
				"wednesday":[{"start":"00:00","end":"24:00"}],"thursday":[{"start":"00:00","end":"24:00"}],
				"friday":[{"start":"00:00","end":"24:00"}],"saturday":[{"start":"00:00","end":"24:00"}],
				"sunday":[{"start":"00:00","end":"24:00"}]}},"first_response":"3s","warn_before":"1s"}`)
			_, err = svc1.SetPolicy(ctx, w.manager, recovery.PolicyInput{Policy: policy}) // the default policy
			must(t, err)
			c, err := svc1.Open(ctx, w.agent, recovery.OpenInput{CustomerID: w.customer, LocationID: &w.location, Summary: "lost luggage"})
			must(t, err)
			if c.SLAStatus != "running" || c.SLADeadline == nil {
				t.Fatalf("opened: %s %v", c.SLAStatus, c.SLADeadline)
			}
			deadline := *c.SLADeadline
			must(t, db1.Close()) // the process stops before any timer is due

			db2, err := store.Open(ctx, url)
			must(t, err)
			defer db2.Close()
			svc2, err := recovery.New(recovery.Options{DB: db2})
			must(t, err)
			q := jobs.New(db2, jobs.Options{PollInterval: 20 * time.Millisecond, Logger: slog.New(slog.DiscardHandler),
				Backoff: func(int) time.Duration { return 10 * time.Millisecond }})
			svc2.RegisterJobs(q)
			runCtx, cancel := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { done <- q.Run(runCtx) }()
			defer func() { cancel(); <-done }()

			limit := time.Now().Add(30 * time.Second) // only keeps a broken test from hanging
			for {
				after, err := db2.Case(ctx, c.ID)
				must(t, err)
				if after.SLABreached {
					timeline, err := db2.CaseTimeline(ctx, c.ID)
					must(t, err)
					for _, want := range []string{"sla_warning", "sla_breached", "escalated"} {
						if !hasKind(timeline, want) {
							t.Errorf("timeline after restart lacks %s: %v", want, kinds(timeline))
						}
					}
					for _, e := range timeline {
						if e.Kind == "sla_breached" && e.At.Before(deadline) {
							t.Errorf("breach recorded at %s, before the deadline %s", e.At, deadline)
						}
					}
					return
				}
				if time.Now().After(limit) {
					t.Fatalf("no breach after restart; case %+v", after)
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}
