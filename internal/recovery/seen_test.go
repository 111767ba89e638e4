package recovery_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestSeenRefusesStaleActions: Ann loaded the case, then Bob resolved it.
// Her response from the stale page is refused with who did what, and
// nothing of it is written; her note goes through and tells her what she
// missed; an If-Match (no action named) refuses even the note; a caller
// with the current version, or none, acts as before.
func TestSeenRefusesStaleActions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		c := w.open(t, w.agent)
		loaded := version(t, db, c.ID)
		if loaded == 0 {
			t.Fatal("an opened case has no version")
		}
		w.clock.Add(10 * time.Minute)
		_, err := w.svc.Resolve(ctx, w.agent2, c.ID, "sent a heater up")
		must(t, err)
		before := snapshot(t, db, c.ID)

		// A response from the stale page: refused, named, nothing written.
		seen := &recovery.Seen{Version: loaded, For: recovery.ActRespond}
		_, err = w.svc.Seeing(c.ID, seen).Respond(ctx, w.agent, c.ID, "we are on it", "phone")
		wantCode(t, err, fresco.ESTALE)
		var stale *recovery.StaleError
		if !errors.As(err, &stale) || stale.Seen != loaded || stale.Current != before.version || len(stale.Changes) == 0 {
			t.Fatalf("stale error = %#v", err)
		}
		if msg := fresco.ErrorMessage(err); !strings.Contains(msg, "bob resolved the case and scheduled a task at ") || !strings.Contains(msg, "nothing was written") {
			t.Errorf("message %q does not say who did what", msg)
		}
		if after := snapshot(t, db, c.ID); after != before {
			t.Errorf("a refused action wrote: before %+v, after %+v", before, after)
		}
		// A transfer too: no owner change, no watcher, no event.
		seen = &recovery.Seen{Version: loaded, For: recovery.ActTransfer}
		_, err = w.svc.Seeing(c.ID, seen).Transfer(ctx, w.agent, c.ID, *w.manager.EmployeeID, "over to you")
		wantCode(t, err, fresco.ESTALE)
		if after := snapshot(t, db, c.ID); after != before {
			t.Errorf("a refused transfer wrote: before %+v, after %+v", before, after)
		}

		// A note is harmless: it goes through and reports the change.
		seen = &recovery.Seen{Version: loaded, For: recovery.ActNote}
		_, err = w.svc.Seeing(c.ID, seen).Note(ctx, w.agent, c.ID, "customer called again")
		must(t, err)
		if len(seen.Missed) == 0 || seen.Missed[0].Event.Kind != "resolved" || !strings.Contains(recovery.ChangesText(seen.Missed), "bob resolved the case") {
			t.Errorf("missed = %+v, want bob's resolution", seen.Missed)
		}
		// An If-Match names no action: any change since refuses, a note too.
		_, err = w.svc.Seeing(c.ID, &recovery.Seen{Version: loaded}).Note(ctx, w.agent, c.ID, "again")
		wantCode(t, err, fresco.ESTALE)
		// A version the case never had cannot match an If-Match.
		_, err = w.svc.Seeing(c.ID, &recovery.Seen{Version: 1 << 40}).Note(ctx, w.agent, c.ID, "again")
		wantCode(t, err, fresco.ESTALE)

		// The current version passes, and reports nothing missed.
		seen = &recovery.Seen{Version: version(t, db, c.ID), For: recovery.ActClose}
		_, err = w.svc.Seeing(c.ID, seen).Close(ctx, w.agent, c.ID, recovery.CloseInput{RootCauseCategory: "heating", RootCauseSource: "none"})
		must(t, err)
		if len(seen.Missed) != 0 {
			t.Errorf("a fresh page missed %+v", seen.Missed)
		}
		// Without Seen the service acts as it always has.
		_, err = w.svc.Reopen(ctx, w.agent, c.ID, "still cold")
		must(t, err)
	})
}

// TestSeenClockIsNotAConflict: a warning the SLA clock recorded since the
// page was loaded does not refuse the page's response (it is reported),
// but it does move the version an If-Match checks.
func TestSeenClockIsNotAConflict(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		c := w.open(t, w.agent)
		loaded := version(t, db, c.ID)
		must(t, db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.AppendCaseEvent(ctx, c.ID, w.clock.Now(), "system", "sla_warning", map[string]any{"clock": "first_response"})
			return err
		}))
		_, err := w.svc.Seeing(c.ID, &recovery.Seen{Version: loaded}).Respond(ctx, w.agent, c.ID, "on it", "")
		wantCode(t, err, fresco.ESTALE)
		seen := &recovery.Seen{Version: loaded, For: recovery.ActRespond}
		_, err = w.svc.Seeing(c.ID, seen).Respond(ctx, w.agent, c.ID, "on it", "")
		must(t, err)
		if len(seen.Missed) != 1 || !strings.HasPrefix(seen.Missed[0].String(), "Fresco warned") {
			t.Errorf("missed = %+v, want the clock's warning", seen.Missed)
		}
	})
}

// TestSeenOneOfTwoWins: two people who loaded the same version hand the
// case over at once; exactly one handover is made, the other is refused
// naming it — the check and the write are one transaction under the
// case's lock, on both engines.
func TestSeenOneOfTwoWins(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		c := w.open(t, w.agent)
		loaded := version(t, db, c.ID)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, by := range []recovery.Actor{w.agent, w.agent2} {
			wg.Go(func() {
				seen := &recovery.Seen{Version: loaded, For: recovery.ActTransfer}
				_, errs[i] = w.svc.Seeing(c.ID, seen).Transfer(ctx, by, c.ID, *w.manager.EmployeeID, "over to you, "+by.Name)
			})
		}
		wg.Wait()
		var ok, stale int
		for _, err := range errs {
			switch fresco.ErrorCode(err) {
			case "":
				ok++
			case fresco.ESTALE:
				stale++
				if !strings.Contains(fresco.ErrorMessage(err), "handed the case over to meg") {
					t.Errorf("refusal %q does not name the handover", fresco.ErrorMessage(err))
				}
			default:
				t.Errorf("transfer: %v", err)
			}
		}
		events, err := db.CaseTimeline(ctx, c.ID)
		must(t, err)
		if ok != 1 || stale != 1 || strings.Count(strings.Join(kinds(events), " "), "transferred") != 1 {
			t.Errorf("%d made, %d refused, timeline %v: want one handover", ok, stale, kinds(events))
		}
	})
}

func version(t *testing.T, db *store.DB, id int64) int64 {
	t.Helper()
	v, err := db.CaseVersion(context.Background(), id)
	must(t, err)
	return v
}

// caseState is what a refused action must leave as it was.
type caseState struct {
	version, events         int64
	status, state           string
	owner                   int64
	responded               bool
	updated                 time.Time
	watchers, notifications int
}

func snapshot(t *testing.T, db *store.DB, id int64) caseState {
	t.Helper()
	ctx := context.Background()
	c, err := db.Case(ctx, id)
	must(t, err)
	events, err := db.CaseTimeline(ctx, id)
	must(t, err)
	_, watchers, err := db.CasePeople(ctx, id)
	must(t, err)
	notes, err := db.ListCaseNotifications(ctx, id, 0, 1000)
	must(t, err)
	return caseState{version: version(t, db, id), events: int64(len(events)), status: c.Status, state: c.State, owner: c.OwnerID,
		responded: c.FirstResponseAt != nil, updated: c.UpdatedAt, watchers: len(watchers), notifications: len(notes)}
}

// TestChangesText: the events of one change (one actor, one instant) are
// told as one; past five changes, the rest are counted.
func TestChangesText(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 9, 10, 0, 0, 0, time.UTC)
	change := func(actor, who, what string, minute int) recovery.Change {
		return recovery.Change{Event: fresco.CaseEvent{Actor: actor, At: at.Add(time.Duration(minute) * time.Minute)},
			Who: who, What: what, When: fmt.Sprintf("at 10:%02d", minute)}
	}
	list := []recovery.Change{change("employee:1", "Sam", "resolved the case", 0), change("employee:1", "Sam", "scheduled a task", 0),
		change("employee:2", "Meg", "added a note", 0)}
	if got, want := recovery.ChangesText(list), "Sam resolved the case and scheduled a task at 10:00; Meg added a note at 10:00"; got != want {
		t.Errorf("ChangesText = %q, want %q", got, want)
	}
	for i := range 4 {
		list = append(list, change("employee:2", "Meg", "added a note", i+1), change("employee:1", "Sam", "added a note", i+1))
	}
	got := recovery.ChangesText(list)
	if n := strings.Count(got, ";"); n != 5 || !strings.HasSuffix(got, "; and 5 more in the timeline") {
		t.Errorf("ChangesText of %d events = %q, want five changes told and five more counted", len(list), got)
	}
}
