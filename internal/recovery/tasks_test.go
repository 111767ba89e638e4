package recovery_test

import (
	"context"
	"encoding/json"
	"maps"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// recordNPS stores a survey response for the customer straight in the store
// (package feedback is not needed to test what recovery reads back).
func (w *world) recordNPS(t *testing.T, customerID int64, nps *int, at time.Time) {
	t.Helper()
	ctx := context.Background()
	post, err := w.db.ListeningPostBySlug(ctx, "survey")
	must(t, err)
	must(t, w.db.InTx(ctx, func(tx *store.Tx) error {
		return tx.InsertResponse(ctx, &fresco.Response{PostID: post.ID, CustomerID: &customerID, RespondedAt: at, NPS: nps})
	}))
}

// resurvey adds a re-survey task to the case and completes it with in, and
// returns the stored result and the result the task_completed event logged.
func (w *world) resurvey(t *testing.T, caseID int64, in recovery.CompleteInput) (stored, logged map[string]int) {
	t.Helper()
	ctx := context.Background()
	task, err := w.svc.AddTask(ctx, w.agent, caseID, recovery.TaskInput{Kind: "resurvey", DueAt: w.clock.Now().Add(time.Hour)})
	must(t, err)
	done, err := w.svc.CompleteTask(ctx, w.agent, task.ID, in)
	must(t, err)
	must(t, json.Unmarshal(done.Result, &stored))
	events, err := w.db.CaseTimeline(ctx, caseID)
	must(t, err)
	for _, e := range events {
		var b struct {
			TaskID int64          `json:"task_id"`
			Result map[string]int `json:"result"`
		}
		if e.Kind == "task_completed" && json.Unmarshal(e.Body, &b) == nil && b.TaskID == task.ID {
			logged = b.Result
		}
	}
	return stored, logged
}

func (w *world) newCustomer(t *testing.T, name string) int64 {
	t.Helper()
	c := &fresco.Customer{Name: name}
	must(t, w.db.CreateCustomer(context.Background(), c))
	return c.ID
}

// A re-survey compares the score after recovery with the customer's latest
// NPS by the time the case opened, unless the caller says what to compare with.
func TestResurveyComparesWithEarlierNPS(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		opened := w.clock.Now()
		other := w.newCustomer(t, "Someone Else")
		w.recordNPS(t, w.customer, intp(8), opened.Add(-10*24*time.Hour))
		w.recordNPS(t, w.customer, intp(3), opened.Add(-24*time.Hour)) // the latest before: compared with
		w.recordNPS(t, w.customer, nil, opened.Add(-time.Hour))        // no NPS: skipped
		w.recordNPS(t, other, intp(6), opened.Add(-time.Minute))       // someone else's
		w.recordNPS(t, w.customer, intp(10), opened.Add(time.Hour))    // after the case opened
		c := w.open(t, w.agent)
		w.clock.Add(3 * 24 * time.Hour)

		want := map[string]int{"score": 9, "previous_score": 3, "change": 6}
		if stored, logged := w.resurvey(t, c.ID, recovery.CompleteInput{Score: intp(9)}); !maps.Equal(stored, want) || !maps.Equal(logged, want) {
			t.Errorf("looked up: stored %v, logged %v, want %v", stored, logged, want)
		}
		want = map[string]int{"score": 9, "previous_score": 5, "change": 4}
		if stored, _ := w.resurvey(t, c.ID, recovery.CompleteInput{Score: intp(9), PreviousScore: intp(5)}); !maps.Equal(stored, want) {
			t.Errorf("passed in: stored %v, want %v", stored, want)
		}
		want = map[string]int{}
		if stored, _ := w.resurvey(t, c.ID, recovery.CompleteInput{Note: "no answer"}); !maps.Equal(stored, want) {
			t.Errorf("without a score: stored %v, want nothing to compare", stored)
		}

		// Nothing before the case: the score stands alone.
		fresh := w.newCustomer(t, "New Customer")
		w.recordNPS(t, fresh, intp(2), w.clock.Now().Add(time.Minute))
		c2, err := w.svc.Open(ctx, w.agent, recovery.OpenInput{CustomerID: fresh, Summary: "lost booking"})
		must(t, err)
		want = map[string]int{"score": 7}
		if stored, _ := w.resurvey(t, c2.ID, recovery.CompleteInput{Score: intp(7)}); !maps.Equal(stored, want) {
			t.Errorf("no earlier NPS: stored %v, want %v", stored, want)
		}

		// A case opened from a complaint opens at the moment of the response:
		// that response's score is the one before.
		complained := w.clock.Now().Add(-2 * time.Hour)
		w.recordNPS(t, other, intp(1), complained)
		c3, err := w.svc.Open(ctx, w.agent, recovery.OpenInput{CustomerID: other, Source: "complaint",
			Summary: "rude porter", OpenedAt: complained})
		must(t, err)
		want = map[string]int{"score": 8, "previous_score": 1, "change": 7}
		if stored, _ := w.resurvey(t, c3.ID, recovery.CompleteInput{Score: intp(8)}); !maps.Equal(stored, want) {
			t.Errorf("complaint case: stored %v, want %v", stored, want)
		}
	})
}

// Only a re-survey looks the earlier score up.
func TestOnlyResurveyLooksUpEarlierNPS(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		w.recordNPS(t, w.customer, intp(3), w.clock.Now().Add(-time.Hour))
		c := w.open(t, w.agent)
		task, err := w.svc.AddTask(ctx, w.agent, c.ID, recovery.TaskInput{Kind: "callback", DueAt: w.clock.Now().Add(time.Hour)})
		must(t, err)
		done, err := w.svc.CompleteTask(ctx, w.agent, task.ID, recovery.CompleteInput{Outcome: "called", Score: intp(9)})
		must(t, err)
		var stored map[string]int
		must(t, json.Unmarshal(done.Result, &stored))
		if want := map[string]int{"score": 9}; !maps.Equal(stored, want) {
			t.Errorf("callback result %v, want %v", stored, want)
		}
	})
}

func intp(v int) *int { return &v }
