package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/store"
)

// WelcomeEmail is the payload of a "welcome_email" job.
type WelcomeEmail struct {
	CustomerID int64  `json:"customer_id"`
	Address    string `json:"address"`
}

// A job is enqueued in the same transaction as the write that calls for it,
// so the welcome e-mail exists if and only if the customer does.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "jobs-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "fresco.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	q := jobs.New(db, jobs.Options{Logger: slog.New(slog.DiscardHandler)})
	sent := make(chan struct{})
	q.Register("welcome_email", func(ctx context.Context, job *jobs.Running) error {
		var mail WelcomeEmail
		if err := job.Decode(&mail); err != nil {
			return err
		}
		fmt.Printf("welcome mail to %s (attempt %d)\n", mail.Address, job.Attempt)
		close(sent)
		return nil
	})
	runCtx, shutdown := context.WithCancel(ctx)
	stopped := make(chan error)
	go func() { stopped <- q.Run(runCtx) }()

	err = db.InTx(ctx, func(tx *store.Tx) error {
		ada := &fresco.Customer{Name: "Ada", Email: "ada@example.com"}
		if err := tx.CreateCustomer(ctx, ada); err != nil {
			return err
		}
		_, err := jobs.Enqueue(ctx, tx, jobs.Job{
			Kind:    "welcome_email",
			Payload: WelcomeEmail{CustomerID: ada.ID, Address: ada.Email},
		})
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	q.Notify() // after the commit: start now rather than at the next poll

	<-sent
	shutdown()
	if err := <-stopped; err != nil {
		log.Fatal(err)
	}
	// Output: welcome mail to ada@example.com (attempt 1)
}

// Periodic jobs need no leader: every replica runs the same schedule and the
// unique key kind:slot lets only one job per slot into the table.
func ExampleQueue_DailyAt() {
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite:fresco.db")
	if err != nil {
		log.Fatal(err)
	}
	q := jobs.New(db, jobs.Options{})
	q.Register("nps_digest", func(ctx context.Context, job *jobs.Running) error {
		var tick jobs.Tick
		if err := job.Decode(&tick); err != nil {
			return err
		}
		// tick.Slot says which day this run is for, even if it runs late.
		return sendDigest(ctx, tick.Slot.AddDate(0, 0, -1), tick.Slot)
	})
	q.DailyAt("nps_digest", 7, 0, time.Local)
	q.Every("refresh_rollups", 15*time.Minute) // needs a handler too
	log.Fatal(q.Run(ctx))
}

func sendDigest(ctx context.Context, from, to time.Time) error { return nil }

// A handler returns jobs.Cancel for failures that retrying cannot fix.
func ExampleCancel() {
	deliver := func(ctx context.Context, job *jobs.Running) error {
		var hook struct {
			URL  string `json:"url"`
			Body string `json:"body"`
		}
		if err := job.Decode(&hook); err != nil {
			return err // already permanent
		}
		status, err := post(ctx, hook.URL, hook.Body)
		switch {
		case err != nil:
			return err // network trouble: retry with backoff
		case status == http.StatusGone:
			return jobs.Cancel(errors.New("receiver is gone (410)"))
		case status >= 500:
			return fmt.Errorf("receiver answered %d", status)
		}
		return nil
	}
	_ = deliver
}

func post(ctx context.Context, url, body string) (int, error) { return http.StatusOK, nil }
