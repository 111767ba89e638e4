package recovery_test

import (
	"context"
	"slices"
	"strings"
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
