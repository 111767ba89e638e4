package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// The running queue opens this month's staff pulse by itself (the daily
// pulse.open job's current slot) and tells the staff, once however often
// the job runs.
func TestQueueOpensThePulse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := apptest.New(t, db, func(c *app.Config) {
			c.QueuePollInterval, c.DisableDigest, c.DisablePulse = 20*time.Millisecond, true, false
		})
		check(t, db.CreateEmployee(ctx, &fresco.Employee{Name: "Ann", Email: "ann@example.com", Role: fresco.RoleAgent, Active: true}))
		qctx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- a.Queue.Run(qctx) }()
		defer func() { stop(); <-done }()
		deadline := time.Now().Add(60 * time.Second)
		for {
			p, err := db.LatestPulse(ctx)
			if err == nil {
				if want := a.Pulse.Month(ctx, time.Now()); p.Period != want || p.Invited != 1 {
					t.Fatalf("pulse %+v, want this month (%s) with 1 invited", p, want)
				}
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("no pulse opened: %v", err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}
