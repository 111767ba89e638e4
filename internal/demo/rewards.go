package demo

import (
	"context"
	"strconv"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Rewards for results (internal/rewards): nominations from colleagues and
// customers over the last 60 days, so that the recognition feed has them
// beside the recovered customers and kind words the earlier steps made,
// and a reward per site team that the owner defined for the last full
// quarter and the current one. Seaside Hotel guest services, the team in
// the cycle of mediocrity, is nominated less, by colleagues and customers
// alike.

const (
	nominationDays      = 60
	peerNominationRate  = 0.25  // per colleague per week
	customerNominations = 0.015 // of the customers served in the last 60 days
	maxCustomerNominees = 80
)

var peerReasons = []string{
	"Covered my shift at no notice when my child was ill",
	"Stayed late to help a guest whose flight was cancelled",
	"Showed me how to calm an angry customer without giving the shop away",
	"Spotted a recurring complaint and fixed the cause, not just the case",
	"Trained the new starter patiently for a whole week",
	"Found a lost booking and saved a family's holiday",
	"Always shares the credit with the team",
}

var customerReasons = []string{
	"Went out of their way to find my lost ring",
	"Remembered our anniversary and surprised us",
	"Fixed my problem in one call, and called back to check",
	"Made my elderly mother feel at home",
	"Was honest about a mistake and put it right at once",
	"The friendliest welcome we have had anywhere",
}

func generateRewards(ctx context.Context, w *world, r *rng) error {
	since := w.end.AddDate(0, 0, -nominationDays)
	seaside := w.sites[seasideHotel].team.ID
	inSeaside := func(e *fresco.Employee) bool { return e.TeamID != nil && *e.TeamID == seaside }
	byID := map[int64]*fresco.Employee{}
	ids := make([]int64, 0, len(w.employees))
	for _, e := range w.employees {
		byID[e.ID] = e
		ids = append(ids, e.ID)
	}
	served, err := w.db.ServedFirst(ctx, store.ScorecardQuery{Employees: ids, From: since, To: w.end})
	if err != nil {
		return err
	}
	at := func() time.Time { return since.Add(time.Duration(r.Float64() * float64(w.end.Sub(since)))) }
	calls, err := callHistory(ctx, w)
	if err != nil {
		return err
	}
	return w.db.InTx(ctx, func(tx *store.Tx) error {
		if err := storeCallHistory(ctx, tx, calls, seaside, r); err != nil {
			return err
		}
		for _, s := range w.sites {
			for _, from := range s.staff {
				for _, to := range s.staff {
					rate := peerNominationRate / float64(max(1, len(s.staff)-1)) * nominationDays / 7
					if inSeaside(to) {
						rate /= 4
					}
					if from == to || !r.chance(rate) {
						continue
					}
					t := at()
					if !w.employedOn(from, t) || !w.employedOn(to, t) {
						continue
					}
					n := &fresco.Nomination{NomineeID: to.ID, Source: fresco.NominationPeer, NominatorID: &from.ID,
						Reason: peerReasons[r.IntN(len(peerReasons))], CreatedBy: "employee:" + strconv.FormatInt(from.ID, 10), CreatedAt: t}
					if err := tx.CreateNomination(ctx, n); err != nil {
						return err
					}
				}
			}
		}
		made := 0
		for _, s := range served {
			e := byID[s.EmployeeID]
			p := customerNominations
			if e != nil && inSeaside(e) {
				p /= 4
			}
			if e == nil || made >= maxCustomerNominees || !r.chance(p) {
				continue
			}
			customer := s.CustomerID
			t := s.FirstAt.Add(time.Duration(1+r.IntN(72)) * time.Hour)
			if t.After(w.end) {
				t = w.end
			}
			n := &fresco.Nomination{NomineeID: e.ID, Source: fresco.NominationCustomer, CustomerID: &customer,
				Reason: customerReasons[r.IntN(len(customerReasons))], CreatedBy: "demo", CreatedAt: t}
			if err := tx.CreateNomination(ctx, n); err != nil {
				return err
			}
			made++
		}
		return createRewards(ctx, tx, w)
	})
}

// Follow-up calls made in the past: the purchases step leaves the calls
// to the live sweep (due in the last days), so the scorecards' follow-ups
// in time would have nothing settled. Up to callsPerEmployee purchases each
// employee served between 8 months and 3 weeks ago get a call, due 3 days
// after the purchase: made in time by most teams, late or never by Seaside
// Hotel guest services more often.
const (
	callsPerEmployee = 64
	callDelay        = 3 * 24 * time.Hour
)

func callHistory(ctx context.Context, w *world) ([]*fresco.Purchase, error) {
	var out []*fresco.Purchase
	// A few from each of the 8 months, so that every period has calls.
	for _, e := range w.employees {
		for m := 8; m > 0; m-- {
			to := w.end.AddDate(0, 1-m, -21)
			list, _, err := w.db.ListPurchases(ctx, store.PurchaseFilter{ServedBy: &e.ID, From: to.AddDate(0, -1, 0),
				To: to, Limit: callsPerEmployee / 8})
			if err != nil {
				return nil, err
			}
			for _, p := range list {
				if p.CustomerID != nil {
					out = append(out, p)
				}
			}
		}
	}
	return out, nil
}

func storeCallHistory(ctx context.Context, tx *store.Tx, purchases []*fresco.Purchase, seaside int64, r *rng) error {
	teamOf := map[int64]*int64{}
	for _, p := range purchases {
		if _, ok := teamOf[*p.ServedBy]; !ok {
			e, err := tx.Employee(ctx, *p.ServedBy)
			if err != nil {
				return err
			}
			teamOf[*p.ServedBy] = e.TeamID
		}
		team := teamOf[*p.ServedBy]
		inTime, never := 0.88, 0.04
		if team != nil && *team == seaside {
			inTime, never = 0.55, 0.2
		}
		t := &fresco.CallTask{PurchaseID: p.ID, CustomerID: *p.CustomerID, EmployeeID: p.ServedBy, TeamID: team,
			LocationID: p.LocationID, DueAt: p.PurchasedAt.Add(callDelay)}
		made, err := tx.CreateCallTask(ctx, t)
		if err != nil || !made {
			return err
		}
		var done time.Time
		switch {
		case r.chance(never):
			continue // still open, long overdue
		case r.chance(inTime):
			done = t.DueAt.Add(-time.Duration(1+r.IntN(48)) * time.Hour)
		default:
			done = t.DueAt.Add(time.Duration(2+r.IntN(120)) * time.Hour)
		}
		status := []string{"done", "done", "done", "no_answer"}[r.IntN(4)]
		if err := tx.CompleteCallTask(ctx, t.ID, status, "", nil, "demo", done); err != nil {
			return err
		}
	}
	return nil
}

// createRewards defines the owner's rewards: each site team's goal for the
// last full quarter and for the current one.
func createRewards(ctx context.Context, tx *store.Tx, w *world) error {
	owner := "demo"
	for _, e := range w.employees {
		if e.Email == ownerLogin.email {
			owner = "employee:" + strconv.FormatInt(e.ID, 10)
		}
	}
	q := quarterStart(w.end)
	last, lastEnd := q.AddDate(0, -3, 0), q.AddDate(0, 0, -1)
	goals := []struct {
		name    string
		measure fresco.Measure
		target  float64
	}{
		{"Team dinner", fresco.MeasurePromotersAfterCase, 40},
		{"Extra day off", fresco.MeasureFollowUpsInTime, 70},
		{"Spa voucher for the team", fresco.MeasureRetention, 25},
	}
	for i, s := range w.sites {
		g := goals[i%len(goals)]
		for _, p := range [][2]time.Time{{last, lastEnd}, {q, q.AddDate(0, 3, -1)}} {
			rw := &fresco.Reward{Name: g.name, TeamID: s.team.ID, Measure: g.measure, Target: g.target, From: p[0], To: p[1],
				CreatedBy: owner}
			if err := tx.CreateReward(ctx, rw); err != nil {
				return err
			}
		}
	}
	return nil
}

// quarterStart is the first day of t's calendar quarter, a UTC midnight.
func quarterStart(t time.Time) time.Time {
	return time.Date(t.Year(), time.Month((int(t.Month())-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
}
