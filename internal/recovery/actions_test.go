package recovery_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// allowedIn is, for every state a case can be in, the actions it allows:
// the rule written out once more, by hand, to hold CaseAllows to it.
var allowedIn = map[string]string{
	"open":              "note respond reply transfer wait resolve close gesture merge hold",
	"waiting":           "note respond reply transfer wait resume resolve close gesture merge hold",
	"resolved":          "note reply transfer close reopen gesture merge",
	"resolved long ago": "note transfer close gesture merge",
	"closed":            "reopen",
	"closed long ago":   "",
	"merged":            "",
}

const window = 30 * 24 * time.Hour

// TestCaseAllows walks every state × action of the rule.
func TestCaseAllows(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	recent, old := now.Add(-time.Hour), now.Add(-window-time.Hour)
	into := int64(9)
	states := map[string]*fresco.Case{
		"open":              {ID: 1, Status: fresco.CaseOpen, State: "open"},
		"waiting":           {ID: 2, Status: fresco.CaseOpen, State: "waiting_on_customer"},
		"resolved":          {ID: 3, Status: fresco.CaseResolved, State: "resolved", ResolvedAt: &recent},
		"resolved long ago": {ID: 4, Status: fresco.CaseResolved, State: "resolved", ResolvedAt: &old},
		"closed":            {ID: 5, Status: fresco.CaseClosed, State: "resolved", ResolvedAt: &recent, ClosedAt: &recent},
		"closed long ago":   {ID: 6, Status: fresco.CaseClosed, State: "resolved", ResolvedAt: &old, ClosedAt: &old},
		"merged":            {ID: 7, Status: fresco.CaseMerged, State: "open", MergedInto: &into},
	}
	for name, c := range states {
		allowed := strings.Fields(allowedIn[name])
		for _, a := range recovery.Actions {
			ok, why := recovery.CaseAllows(c, a, now, window)
			if want := slices.Contains(allowed, string(a)); ok != want {
				t.Errorf("%s case, %s: allowed = %v, want %v (%s)", name, a, ok, want, why)
			}
			if !ok && (why == "" || strings.Contains(why, "%!")) {
				t.Errorf("%s case, %s: refused without a clear reason: %q", name, a, why)
			}
		}
	}
	if _, why := recovery.CaseAllows(states["closed long ago"], recovery.ActReopen, now, window); !strings.Contains(why, "reopen window") {
		t.Errorf("the refusal to reopen does not explain the window: %q", why)
	}
}

// TestServiceFollowsCaseAllows: the service does exactly what the rule
// allows, and refuses the rest with a conflict carrying the rule's reason.
func TestServiceFollowsCaseAllows(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		closeIn := recovery.CloseInput{RootCauseCategory: "facilities", RootCauseSource: "training", Resolution: "fixed"}
		do := map[recovery.Action]func(id int64) error{
			recovery.ActNote:          func(id int64) error { _, err := w.svc.Note(ctx, w.agent, id, "hello"); return err },
			recovery.ActRespond:       func(id int64) error { _, err := w.svc.Respond(ctx, w.agent, id, "on it", "phone"); return err },
			recovery.ActCustomerReply: func(id int64) error { _, err := w.svc.CustomerReply(ctx, w.agent, id, "still cold"); return err },
			recovery.ActTransfer: func(id int64) error {
				_, err := w.svc.Transfer(ctx, w.agent, id, *w.manager.EmployeeID, "over to you")
				return err
			},
			recovery.ActWait:    func(id int64) error { _, err := w.svc.Wait(ctx, w.agent, id, "", "asked for a photo"); return err },
			recovery.ActResume:  func(id int64) error { _, err := w.svc.Resume(ctx, w.agent, id, "back"); return err },
			recovery.ActResolve: func(id int64) error { _, err := w.svc.Resolve(ctx, w.agent, id, "done"); return err },
			recovery.ActClose:   func(id int64) error { _, err := w.svc.Close(ctx, w.agent, id, closeIn); return err },
			recovery.ActReopen:  func(id int64) error { _, err := w.svc.Reopen(ctx, w.agent, id, "again"); return err },
			recovery.ActGesture: func(id int64) error {
				_, err := w.svc.RequestGesture(ctx, w.agent, id, recovery.GestureInput{Kind: "apology_letter"})
				return err
			},
			recovery.ActMerge: func(id int64) error {
				_, err := w.svc.Merge(ctx, w.agent, id, w.open(t, w.agent).ID)
				return err
			},
			recovery.ActHold: func(id int64) error { _, err := w.svc.Hold(ctx, w.agent, id); return err },
		}
		// Each state is made afresh for each action; the cases resolved long
		// ago are made first, then the clock moves past their reopen window.
		caseIn := func(state string) int64 {
			c := w.open(t, w.agent)
			var err error
			switch state {
			case "waiting":
				_, err = w.svc.Wait(ctx, w.agent, c.ID, "", "asked for the receipt")
			case "resolved", "resolved long ago":
				_, err = w.svc.Resolve(ctx, w.agent, c.ID, "done")
			case "closed", "closed long ago":
				_, err = w.svc.Close(ctx, w.agent, c.ID, closeIn)
			case "merged":
				_, err = w.svc.Merge(ctx, w.agent, c.ID, w.open(t, w.agent).ID)
			}
			must(t, err)
			return c.ID
		}
		cases := map[string]map[recovery.Action]int64{}
		for _, state := range []string{"resolved long ago", "closed long ago", "open", "waiting", "resolved", "closed", "merged"} {
			if state == "open" {
				w.clock.Add(w.svc.ReopenWindow() + time.Hour)
			}
			cases[state] = map[recovery.Action]int64{}
			for _, a := range recovery.Actions {
				cases[state][a] = caseIn(state)
			}
		}
		for state, ids := range cases {
			for a, id := range ids {
				c, err := db.Case(ctx, id)
				must(t, err)
				ok, why := w.svc.Allows(c, a)
				if want := slices.Contains(strings.Fields(allowedIn[state]), string(a)); ok != want {
					t.Errorf("%s case, %s: the service's clock and window allow = %v, want %v", state, a, ok, want)
				}
				if a == recovery.ActCustomerReply && c.Status == fresco.CaseClosed {
					// The customer coming back to a closed case reopens it:
					// the staff's reopening rule applies.
					ok, why = w.svc.Allows(c, recovery.ActReopen)
				}
				err = do[a](id)
				switch {
				case ok && err != nil:
					t.Errorf("%s case, %s: allowed, but the service refused: %v", state, a, err)
				case !ok && fresco.ErrorCode(err) != fresco.ECONFLICT:
					t.Errorf("%s case, %s: refused by the rule (%s), but the service said %v", state, a, why, err)
				case !ok && !strings.Contains(fresco.ErrorMessage(err), why):
					t.Errorf("%s case, %s: the service's refusal %q is not the rule's %q", state, a, fresco.ErrorMessage(err), why)
				}
			}
		}
	})
}

// TestGestureDecisionAllowed walks who may approve or reject which gesture.
func TestGestureDecisionAllowed(t *testing.T) {
	t.Parallel()
	meg, ann := int64(3), int64(1)
	manager := recovery.Actor{Ref: "employee:3", Role: fresco.RoleManager, EmployeeID: &meg}
	agent := recovery.Actor{Ref: "employee:1", Role: fresco.RoleAgent, EmployeeID: &ann}
	fifty := fresco.Money(5000)
	limits := []fresco.AuthorityLimit{{Scope: "role:manager", Kind: "refund", Amount: &fifty}}
	pending := func(amount fresco.Money, by string) *fresco.Gesture {
		return &fresco.Gesture{ID: 7, Kind: "refund", Amount: amount, Status: recovery.GesturePending, RequestedBy: by}
	}
	granted := pending(2000, "employee:1")
	granted.Status = recovery.GestureGranted
	for _, tc := range []struct {
		name    string
		g       *fresco.Gesture
		actor   recovery.Actor
		approve bool
		want    string // the error code, "" when allowed
	}{
		{"a manager approves within their limit", pending(2000, "employee:1"), manager, true, ""},
		{"a manager rejects within their limit", pending(2000, "employee:1"), manager, false, ""},
		{"above their own limit they may only reject", pending(9000, "employee:1"), manager, true, fresco.EFORBIDDEN},
		{"rejecting needs no authority", pending(9000, "employee:1"), manager, false, ""},
		{"not their own request", pending(2000, "employee:3"), manager, true, fresco.EFORBIDDEN},
		{"not their own request, either way", pending(2000, "employee:3"), manager, false, fresco.EFORBIDDEN},
		{"an agent decides nothing", pending(2000, "employee:3"), agent, false, fresco.EFORBIDDEN},
		{"only while pending", granted, manager, false, fresco.ECONFLICT},
	} {
		if got := fresco.ErrorCode(recovery.GestureDecisionAllowed(tc.g, tc.actor, tc.approve, limits)); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestSeenRefusesStaleActions: Ann loaded the case, then Bob resolved it.
// Her response from the stale page is refused with who did what, and
// nothing of it is written; her note goes through and tells her what she
// missed; an If-Match (no action named) refuses even the note; a caller
// with the current version, or none, acts as before.
func TestSeenRefusesStaleActions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w, c, loaded := loadedCase(t, db)
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
		if seen.After != 0 {
			t.Errorf("a refused action reports version %d after it", seen.After)
		}
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
		if now := version(t, db, c.ID); seen.After != now || now == before.version {
			t.Errorf("after the note: Seen.After %d, version %d (was %d)", seen.After, now, before.version)
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
		w, c, loaded := loadedCase(t, db)
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
		w, c, loaded := loadedCase(t, db)
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

// loadedCase is a world with a case the agent opened, and the case's
// version as a page loaded then would carry it.
func loadedCase(t *testing.T, db *store.DB) (*world, *fresco.Case, int64) {
	t.Helper()
	w := newWorld(t, db)
	c := w.open(t, w.agent)
	return w, c, version(t, db, c.ID)
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
