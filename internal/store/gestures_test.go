package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestGestureLedger covers the ledger of gestures: round trip, decisions,
// the filters, what counts against a requester's per-case total (granted
// only) and the per-customer recovery cost.
func TestGestureLedger(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ann, bob, cal := w.customer("Ann"), w.customer("Bob"), w.customer("Cal")
		agent := w.employee(fresco.RoleAgent, nil)
		at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		bought := w.purchase(&ann.ID, at.Add(-time.Hour), "40.00")
		c1, c2 := w.openCase(ann.ID, agent.ID, at), w.openCase(bob.ID, agent.ID, at)
		gesture := func(c *fresco.Case, amount fresco.Money, status, by string) *fresco.Gesture {
			return &fresco.Gesture{CaseID: c.ID, CustomerID: c.CustomerID, Kind: "voucher", Amount: amount, Status: status,
				RequestedBy: by, RequestedByEmployee: &agent.ID, RequestedRole: fresco.RoleAgent}
		}
		g := []*fresco.Gesture{
			gesture(c1, 1500, "granted", "employee:a"),
			gesture(c1, 2500, "granted", "employee:a"),
			gesture(c1, 9000, "pending_approval", "employee:a"),
			gesture(c1, 700, "granted", "employee:b"),
			gesture(c2, 300, "granted", "employee:a"),
			gesture(c2, 5000, "rejected", "employee:a"),
		}
		g[0].PurchaseID, g[0].Note, g[0].Letter = &bought.ID, "sorry", "Dear Ann"
		g[2].LimitReason = "over role:agent *"
		w.tx(func(tx *store.Tx) error {
			for _, x := range g {
				if err := tx.InsertGesture(w.ctx, x); err != nil {
					return err
				}
			}
			for _, c := range []struct {
				caseID int64
				by     string
				want   fresco.Money
			}{{c1.ID, "employee:a", 4000}, {c1.ID, "employee:b", 700}, {c2.ID, "employee:a", 300}, {c2.ID, "employee:c", 0}} {
				got, err := tx.GrantedOnCase(w.ctx, c.caseID, c.by)
				if err != nil {
					return err
				}
				if got != c.want {
					t.Errorf("granted on case %d by %s = %d, want %d (granted gestures only)", c.caseID, c.by, got, c.want)
				}
			}
			return nil
		})

		got, err := db.Gesture(w.ctx, g[0].ID)
		if err != nil || got.PurchaseID == nil || *got.PurchaseID != bought.ID || got.Amount != 1500 || got.Letter != "Dear Ann" ||
			got.RequestedByEmployee == nil || *got.RequestedByEmployee != agent.ID || got.RequestedRole != fresco.RoleAgent || got.DecidedAt != nil {
			t.Errorf("gesture round trip = %+v, %v", got, err)
		}
		wantCode(t, fresco.ENOTFOUND, errOf(db.Gesture(w.ctx, 987654)))

		decided := at.Add(time.Hour)
		w.tx(func(tx *store.Tx) error {
			pending, err := tx.GestureForUpdate(w.ctx, g[2].ID)
			if err != nil {
				return err
			}
			pending.Status, pending.DecidedBy, pending.DecidedAt, pending.DecisionNote = "granted", "employee:m", &decided, "fine"
			pending.Letter = "Dear Ann, again"
			if err := tx.DecideGesture(w.ctx, pending); err != nil {
				return err
			}
			wantCode(t, fresco.ENOTFOUND, errOf(tx.GestureForUpdate(w.ctx, 987654)))
			if sum, err := tx.GrantedOnCase(w.ctx, c1.ID, "employee:a"); err != nil || sum != 13000 {
				t.Errorf("granted on case 1 after approval = %d, %v; want 13000", sum, err)
			}
			return nil
		})
		got, _ = db.Gesture(w.ctx, g[2].ID)
		if got.Status != "granted" || got.DecidedBy != "employee:m" || got.DecidedAt == nil || !got.DecidedAt.Equal(decided) ||
			got.DecisionNote != "fine" || got.Letter != "Dear Ann, again" || got.Amount != 9000 || got.LimitReason != "over role:agent *" {
			t.Errorf("decided gesture = %+v", got)
		}

		gestureID := func(x *fresco.Gesture) int64 { return x.ID }
		for _, c := range []struct {
			name string
			f    store.GestureFilter
			want []int64
		}{
			{"all, oldest first", store.GestureFilter{}, ids(g, gestureID)},
			{"case", store.GestureFilter{CaseID: &c2.ID}, []int64{g[4].ID, g[5].ID}},
			{"customer", store.GestureFilter{CustomerID: &ann.ID}, []int64{g[0].ID, g[1].ID, g[2].ID, g[3].ID}},
			{"status", store.GestureFilter{Status: "rejected"}, []int64{g[5].ID}},
			{"limit", store.GestureFilter{Limit: 2}, []int64{g[0].ID, g[1].ID}},
			{"customer and status", store.GestureFilter{CustomerID: &bob.ID, Status: "granted"}, []int64{g[4].ID}},
		} {
			list, err := db.ListGestures(w.ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(list, gestureID), c.want) {
				t.Errorf("%s: %v, want %v", c.name, ids(list, gestureID), c.want)
			}
		}

		totals, err := db.GestureTotals(w.ctx, []int64{ann.ID, bob.ID, cal.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(totals) != 2 || totals[ann.ID] != 1500+2500+9000+700 || totals[bob.ID] != 300 {
			t.Errorf("gesture totals = %v; want Ann 13700, Bob 300 and Cal absent", totals)
		}
		if totals, err := db.GestureTotals(w.ctx, nil); err != nil || len(totals) != 0 {
			t.Errorf("totals of nobody = %v, %v", totals, err)
		}

		// A gesture whose status the ledger does not know is refused whole.
		before := w.count("gestures")
		err = db.InTx(w.ctx, func(tx *store.Tx) error { return tx.InsertGesture(w.ctx, gesture(c1, 1, "maybe", "employee:a")) })
		if err == nil || w.count("gestures") != before {
			t.Errorf("gesture with status maybe: %v; rows %d → %d", err, before, w.count("gestures"))
		}
	})
}

// TestAuthorityLimits covers setting, replacing, reading per scope and
// deleting limits, an unlimited (nil) amount included, and a rolled-back
// change leaving the defaults alone.
func TestAuthorityLimits(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		money := func(m fresco.Money) *fresco.Money { return &m }
		w.tx(func(tx *store.Tx) error {
			for _, l := range []fresco.AuthorityLimit{
				{Scope: "employee:7", Kind: "voucher", Amount: money(2000)},
				{Scope: "employee:7", Kind: "*", Amount: money(9000)},
				{Scope: "employee:7", Kind: "voucher", Amount: money(2500)}, // replaces
				{Scope: "role:agent", Kind: "refund", Amount: nil},
				{Scope: "role:agent", Kind: "*", Amount: money(6000)}, // replaces the default 5000
			} {
				if err := tx.SetAuthorityLimit(w.ctx, l); err != nil {
					return err
				}
			}
			return nil
		})
		show := func(list []fresco.AuthorityLimit) map[string]string {
			out := map[string]string{}
			for _, l := range list {
				v := "unlimited"
				if l.Amount != nil {
					v = l.Amount.String()
				}
				out[l.Scope+" "+l.Kind] = v
			}
			return out
		}
		w.tx(func(tx *store.Tx) error {
			list, err := tx.AuthorityLimitsFor(w.ctx, "employee:7", "role:agent")
			if err != nil {
				return err
			}
			got := show(list)
			want := map[string]string{"employee:7 voucher": money(2500).String(), "employee:7 *": money(9000).String(),
				"role:agent refund": "unlimited", "role:agent *": money(6000).String()}
			if len(got) != len(want) {
				t.Errorf("limits for employee:7 and role:agent = %v, want %v", got, want)
			}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("limit %s = %q, want %q", k, got[k], v)
				}
			}
			if list, err := tx.AuthorityLimitsFor(w.ctx, "employee:8"); err != nil || len(list) != 0 {
				t.Errorf("limits of a scope without any = %v, %v", list, err)
			}
			return nil
		})

		w.tx(func(tx *store.Tx) error {
			for _, c := range []struct {
				scope, kind string
				existed     bool
			}{{"employee:7", "voucher", true}, {"employee:7", "voucher", false}, {"role:nobody", "*", false}} {
				existed, err := tx.DeleteAuthorityLimit(w.ctx, c.scope, c.kind)
				if err != nil {
					return err
				}
				if existed != c.existed {
					t.Errorf("delete %s %s: existed = %v, want %v", c.scope, c.kind, existed, c.existed)
				}
			}
			return nil
		})
		all, err := db.AuthorityLimits(w.ctx)
		if err != nil {
			t.Fatal(err)
		}
		// 4 defaults + employee:7 * + role:agent refund; role:agent * replaced in place.
		if len(all) != 6 {
			t.Errorf("limits after changes = %v", show(all))
		}
		for i := 1; i < len(all); i++ {
			if all[i-1].Scope > all[i].Scope || all[i-1].Scope == all[i].Scope && all[i-1].Kind > all[i].Kind {
				t.Errorf("limits are not in scope, kind order: %+v", all)
			}
		}

		err = db.InTx(w.ctx, func(tx *store.Tx) error {
			if err := tx.SetAuthorityLimit(w.ctx, fresco.AuthorityLimit{Scope: "role:owner", Kind: "*", Amount: money(1)}); err != nil {
				return err
			}
			return fresco.Errorf(fresco.EINVALID, "changed my mind")
		})
		wantCode(t, fresco.EINVALID, err)
		w.tx(func(tx *store.Tx) error {
			owner, err := tx.AuthorityLimitsFor(w.ctx, "role:owner")
			if err != nil {
				return err
			}
			if len(owner) != 1 || owner[0].Amount != nil {
				t.Errorf("owner limit after a rolled-back change = %v, want unlimited", show(owner))
			}
			return nil
		})
	})
}

// TestRecurrence counts cases per dimension in a window (merged cases not
// counted), remembers alerts, and refuses a dimension it has no column for.
func TestRecurrence(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		shop, depot := w.location("Shop"), w.location("Depot")
		ann := w.customer("Ann")
		owner := w.employee(fresco.RoleAgent, nil)
		soup := &fresco.Product{SKU: "SOUP", Name: "Soup"}
		if err := db.CreateProduct(w.ctx, soup); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
		kase := func(opened time.Time, category string, location int64, product *int64, status string) *fresco.Case {
			return w.openCase(ann.ID, owner.ID, opened, func(c *fresco.Case) {
				c.Category, c.LocationID, c.ProductID, c.Status = category, &location, product, status
			})
		}
		kase(at, "food", shop, &soup.ID, fresco.CaseOpen)
		kase(at.Add(-6*24*time.Hour), "food", shop, &soup.ID, fresco.CaseClosed)
		kase(at.Add(-8*24*time.Hour), "food", shop, nil, fresco.CaseOpen) // outside a 7-day window
		kase(at.Add(-time.Hour), "food", depot, nil, fresco.CaseMerged)   // merged: not a case of its own
		last := kase(at.Add(-time.Hour), "service", depot, &soup.ID, fresco.CaseResolved)

		since := at.Add(-7 * 24 * time.Hour)
		w.tx(func(tx *store.Tx) error {
			for _, c := range []struct {
				dimension string
				value     any
				want      int
			}{
				{"category", "food", 2},
				{"category", "service", 1},
				{"category", "noise", 0},
				{"location", shop, 2},
				{"location", depot, 1},
				{"product", soup.ID, 3},
			} {
				got, err := tx.CountCasesSince(w.ctx, c.dimension, c.value, since, 0)
				if err != nil {
					return err
				}
				if got != c.want {
					t.Errorf("cases with %s %v since %v = %d, want %d", c.dimension, c.value, since, got, c.want)
				}
				// Up to a limit: as many, at most the limit.
				capped, err := tx.CountCasesSince(w.ctx, c.dimension, c.value, since, 2)
				if err != nil {
					return err
				}
				if want := min(c.want, 2); capped != want {
					t.Errorf("cases with %s %v since %v, up to 2 = %d, want %d", c.dimension, c.value, since, capped, want)
				}
			}
			if _, err := tx.CountCasesSince(w.ctx, "customer_id = customer_id OR category", "x", since, 0); err == nil {
				t.Error("an unknown dimension was turned into SQL")
			}

			if recent, err := tx.RecentRecurrenceAlert(w.ctx, "category", "food", since); err != nil || recent {
				t.Errorf("an alert before any was raised: %v, %v", recent, err)
			}
			for _, a := range []*fresco.RecurrenceAlert{
				{Dimension: "category", Value: "food", Cases: 2, WindowDays: 7, CaseID: &last.ID},
				{Dimension: "product", Value: "SOUP", Cases: 3, WindowDays: 7},
			} {
				if err := tx.InsertRecurrenceAlert(w.ctx, a); err != nil {
					return err
				}
			}
			for _, c := range []struct {
				dimension, value string
				since            time.Time
				want             bool
			}{
				{"category", "food", since, true},
				{"category", "service", since, false},
				{"location", "food", since, false},
				// Alerts are stamped with the time they were raised, now.
				{"category", "food", time.Now().Add(time.Hour), false},
			} {
				got, err := tx.RecentRecurrenceAlert(w.ctx, c.dimension, c.value, c.since)
				if err != nil {
					return err
				}
				if got != c.want {
					t.Errorf("recent alert for %s %s since %v = %v, want %v", c.dimension, c.value, c.since, got, c.want)
				}
			}
			return nil
		})
		before := w.count("recurrence_alerts")
		err := db.InTx(w.ctx, func(tx *store.Tx) error {
			return tx.InsertRecurrenceAlert(w.ctx, &fresco.RecurrenceAlert{Dimension: "weather", Value: "rain", Cases: 9, WindowDays: 7})
		})
		if err == nil || w.count("recurrence_alerts") != before {
			t.Errorf("alert on an unknown dimension: %v; rows %d → %d", err, before, w.count("recurrence_alerts"))
		}

		alerts, err := db.ListRecurrenceAlerts(w.ctx, 0)
		if err != nil || len(alerts) != 2 {
			t.Fatalf("alerts = %+v, %v", alerts, err)
		}
		if alerts[0].Dimension != "product" || alerts[0].CaseID != nil || alerts[1].CaseID == nil || *alerts[1].CaseID != last.ID ||
			alerts[1].Cases != 2 || alerts[1].WindowDays != 7 {
			t.Errorf("alerts, newest first = %+v", alerts)
		}
		if one, err := db.ListRecurrenceAlerts(w.ctx, 1); err != nil || len(one) != 1 || one[0].ID != alerts[0].ID {
			t.Errorf("newest alert = %+v, %v", one, err)
		}
	})
}
