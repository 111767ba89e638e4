package loop

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/store"
)

// Satisfied but leaving: most defectors said they were satisfied. A customer
// is flagged when their latest scored answer in the window was passive or
// promoter (NPS ≥ 7, or CSAT ≥ 4 without an NPS) and their purchase rhythm
// has broken: P(alive) below a threshold where the lifetime-value engine
// provides one (table customer_clv), else days since the last purchase above
// GapFactor × their own median interval between purchases (with at least
// MinPurchases purchases, so that there is a rhythm to break).

// LeavingOptions tune the detector.
type LeavingOptions struct {
	Window       time.Duration // how recent the answer must be (180 days)
	GapFactor    float64       // k in "days since last > k × median interval" (2)
	MinPurchases int           // purchases needed for a rhythm (3)
	PAliveBelow  float64       // P(alive) threshold (0.5)
}

func (o LeavingOptions) withDefaults() LeavingOptions {
	if o.Window <= 0 {
		o.Window = 180 * 24 * time.Hour
	}
	if o.GapFactor <= 0 {
		o.GapFactor = 2
	}
	if o.MinPurchases <= 1 {
		o.MinPurchases = 3
	}
	if o.PAliveBelow <= 0 || o.PAliveBelow >= 1 {
		o.PAliveBelow = 0.5
	}
	return o
}

// Leaving is one satisfied customer who seems to be leaving, with the evidence.
type Leaving = fresco.Leaving

// Detect applies the rule to candidates (each a positive answer and the
// summary of the customer's purchases) at now. pAlive may be nil. It is
// pure, for tests and the CLI.
func Detect(candidates []store.SatisfiedCandidate, pAlive map[int64]float64, now time.Time, o LeavingOptions) []Leaving {
	o = o.withDefaults()
	var out []Leaving
	for _, c := range candidates {
		a, ps := c.Answer, c.Summary
		if ps.Purchases == 0 {
			continue
		}
		l := Leaving{CustomerID: a.CustomerID, CustomerName: a.CustomerName, LocationID: ps.LastLocationID,
			LastAnswerAt: a.AnsweredAt, Purchases: ps.Purchases, LastPurchaseAt: ps.LastAt,
			DaysSinceLast: days(now.Sub(ps.LastAt))}
		if l.LocationID == nil {
			l.LocationID = a.LocationID
		}
		if a.NPS != nil {
			l.LastScore, l.LastScoreType = *a.NPS, "nps"
		} else if a.CSAT != nil {
			l.LastScore, l.LastScoreType = *a.CSAT, "csat"
		}
		if ps.Purchases >= 2 {
			m := medianInterval(ps.MiddleGaps)
			l.MedianIntervalDays = &m
		}
		if p, ok := pAlive[a.CustomerID]; ok {
			l.PAlive, l.Rule = &p, "p_alive"
			if p < o.PAliveBelow {
				out = append(out, l)
			}
			continue
		}
		l.Rule = "gap"
		if ps.Purchases >= o.MinPurchases && l.MedianIntervalDays != nil && *l.MedianIntervalDays > 0 &&
			l.DaysSinceLast > o.GapFactor**l.MedianIntervalDays {
			out = append(out, l)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return severity(out[i]) > severity(out[j]) })
	return out
}

// severity orders the list: how many "usual intervals" overdue, or how
// unlikely to be alive.
func severity(l Leaving) float64 {
	if l.PAlive != nil {
		return 10 * (1 - *l.PAlive)
	}
	if l.MedianIntervalDays != nil && *l.MedianIntervalDays > 0 {
		return l.DaysSinceLast / *l.MedianIntervalDays
	}
	return 0
}

func days(d time.Duration) float64 { return float64(d) / float64(24*time.Hour) }

// medianInterval is the median of the intervals between a customer's
// purchases, in days, from its middle one (given twice) or two: the mean of
// the two, which for one is itself, exactly.
func medianInterval(middle [2]time.Duration) float64 {
	return (days(middle[0]) + days(middle[1])) / 2
}

// SatisfiedLeaving lists a page of the satisfied customers who seem to be
// leaving, most overdue first, as the last refresh found them at
// computedAt, and the cursor of the next page. It is a dashboard: it reads
// the read replica, if there is one, and the stored list, so that a view
// costs the rows it shows whatever the number of customers. Before the
// first refresh it refreshes (on the primary) and reads that.
func (l *Loop) SatisfiedLeaving(ctx context.Context, f store.LeavingFilter) (list []Leaving, next string, computedAt time.Time, err error) {
	list, next, computedAt, err = l.db.Reports().StoredSatisfiedLeaving(ctx, f)
	if err != nil || !computedAt.IsZero() {
		return list, next, computedAt, err
	}
	if _, _, err := l.RefreshLeaving(ctx); err != nil {
		return nil, "", time.Time{}, err
	}
	return l.db.StoredSatisfiedLeaving(ctx, f)
}

// RefreshLeaving computes the list on the primary, as of now, and stores it
// for SatisfiedLeaving (unless a refresh that started later has stored
// its own already); it returns the list and the time it is for.
func (l *Loop) RefreshLeaving(ctx context.Context) ([]Leaving, time.Time, error) {
	now := l.opts.Now()
	list, err := l.ComputeSatisfiedLeaving(ctx, l.db, now, 0)
	if err != nil {
		return nil, time.Time{}, err
	}
	_, err = l.db.ReplaceSatisfiedLeaving(ctx, list, now)
	return list, now, err
}

// ComputeSatisfiedLeaving is the direct computation at now from db: every
// candidate's purchase summary and P(alive). It is what RefreshLeaving
// stores, and the reference a test compares the stored list with.
func (l *Loop) ComputeSatisfiedLeaving(ctx context.Context, db *store.DB, now time.Time, locationID int64) ([]Leaving, error) {
	candidates, err := db.SatisfiedCandidates(ctx, now.Add(-l.opts.Leaving.Window))
	if err != nil {
		return nil, err
	}
	pAlive, err := db.PAlive(ctx)
	if err != nil {
		return nil, err
	}
	return keepLocation(Detect(candidates, pAlive, now, l.opts.Leaving), locationID), nil
}

// keepLocation keeps the customers of one location (locationID > 0), or all.
func keepLocation(list []Leaving, locationID int64) []Leaving {
	if locationID > 0 {
		list = slices.DeleteFunc(list, func(x Leaving) bool { return x.LocationID == nil || *x.LocationID != locationID })
	}
	return list
}

// EnqueueLeavingRefresh queues a refresh of the stored list ("Refresh
// now"), or returns the one already queued, and audits who asked.
func (l *Loop) EnqueueLeavingRefresh(ctx context.Context, actor string) (int64, error) {
	var id int64
	err := l.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if id, err = jobs.EnqueueOnce(ctx, tx, JobLeavingRefresh, 3); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, JobLeavingRefresh, "job", strconv.FormatInt(id, 10), nil)
	})
	return id, err
}

// SendDigest e-mails (and notifies) each location's managers the satisfied
// customers of their location who seem to be leaving, and the owners the
// whole list. It returns how many notifications it made.
func (l *Loop) SendDigest(ctx context.Context) (int, error) {
	// Computed afresh on the primary: the digest is sent once, and must not
	// miss what the last refresh or a lagging replica has not seen yet. The
	// page then shows the list the digest sent.
	list, _, err := l.RefreshLeaving(ctx)
	if err != nil || len(list) == 0 {
		return 0, err
	}
	managers, err := l.db.ManagersByLocation(ctx)
	if err != nil {
		return 0, err
	}
	owners, err := l.db.ActiveEmployeeIDs(ctx, "owner")
	if err != nil {
		return 0, err
	}
	byLocation := map[int64][]Leaving{}
	for _, x := range list {
		if x.LocationID != nil {
			byLocation[*x.LocationID] = append(byLocation[*x.LocationID], x)
		}
	}
	sent := 0
	err = l.db.InTx(ctx, func(tx *store.Tx) error {
		send := func(to []int64, items []Leaving, link string) error {
			if len(to) == 0 || len(items) == 0 {
				return nil
			}
			res, err := l.notifier.Notify(ctx, tx, notify.Notification{Event: notify.EventDigest, EmployeeIDs: to,
				Subject: fmt.Sprintf("%d satisfied customer(s) may be leaving", len(items)),
				Body:    digestBody(items, l.opts.Format(ctx)), Link: link,
				Data: map[string]any{"customers": len(items), "customer_ids": leavingIDs(items)}})
			if err == nil {
				sent += len(res.NotificationIDs)
			}
			return err
		}
		locs := make([]int64, 0, len(byLocation))
		for loc := range byLocation {
			locs = append(locs, loc)
		}
		slices.Sort(locs)
		for _, loc := range locs {
			if err := send(managers[loc], byLocation[loc], fmt.Sprintf("/loop/satisfied-leaving?location_id=%d", loc)); err != nil {
				return err
			}
		}
		return send(owners, list, "/loop/satisfied-leaving")
	})
	if err != nil {
		return 0, err
	}
	l.notifier.Wake()
	return sent, nil
}

func leavingIDs(items []Leaving) []int64 {
	ids := make([]int64, len(items))
	for i, x := range items {
		ids[i] = x.CustomerID
	}
	return ids
}

func digestBody(items []Leaving, format fresco.Formatter) string {
	var b strings.Builder
	b.WriteString("These customers told us they were satisfied, but they have stopped buying as they used to:\n\n")
	for i, x := range items {
		if i == 50 {
			fmt.Fprintf(&b, "… and %d more.\n", len(items)-50)
			break
		}
		name := x.CustomerName
		if name == "" {
			name = fmt.Sprintf("customer %d", x.CustomerID)
		}
		fmt.Fprintf(&b, "- %s: %s %d on %s; %d purchases, last %.0f days ago", name, strings.ToUpper(x.LastScoreType),
			x.LastScore, format.Date(x.LastAnswerAt), x.Purchases, x.DaysSinceLast)
		if x.MedianIntervalDays != nil {
			fmt.Fprintf(&b, " (usually every %.0f days)", *x.MedianIntervalDays)
		}
		if x.PAlive != nil {
			fmt.Fprintf(&b, "; P(alive) %.2f", *x.PAlive)
		}
		b.WriteString("\n")
	}
	b.WriteString("\nA personal call from someone who knows them is the best way to find out why.")
	return b.String()
}
