package chain

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/stats"
	"github.com/fresco-cx/fresco/internal/store"
)

// The cycle of mediocrity, measured: a team or a location whose turnover
// rises while its customers' NPS or retention falls, each change beyond
// chance, in the same quarter or the next. Quarters, because a team of six
// losing one person in a month is never a significant change; and each
// quarter is compared with the year before it (the four quarters before,
// pooled), a baseline steady enough to test against:
//
//   - turnover: leavers ÷ headcount at the start, this quarter against the
//     pooled year before, with the two-proportion test
//     (stats.CompareProportions, Agresti–Caffo);
//   - NPS: this quarter's (or the next one's) against the year before's,
//     with the NPS difference over its variance from the counts
//     (stats.Compare);
//   - customer retention: the share of the quarter's customers who buy
//     again in the next quarter, tested like turnover.
//
// The check runs daily (JobMediocrity) over the last complete quarters,
// and each unit-quarter alerts once: the alert is claimed in the
// transaction that notifies (store.ClaimMediocrityAlert).

// JobMediocrity checks for the cycle of mediocrity. Daily, one job per slot.
const JobMediocrity = "chain.mediocrity"

// BaselinePeriods is how many periods before the one tested make its
// baseline.
const BaselinePeriods = 4

// Change is one tested change: before (the baseline) and after, in
// percent (turnover, retention) or NPS points, with the test's z.
type Change struct {
	Period      string  `json:"period" doc:"The period of the after figure."`
	Before      float64 `json:"before"`
	After       float64 `json:"after"`
	NBefore     int     `json:"n_before"`
	NAfter      int     `json:"n_after"`
	Z           float64 `json:"z"`
	Significant bool    `json:"significant"`
}

// Alert is a team or a location in the cycle of mediocrity.
type Alert struct {
	Unit      UnitRef `json:"unit"`
	Period    string  `json:"period" doc:"The quarter turnover rose."`
	Turnover  Change  `json:"turnover"`
	NPS       *Change `json:"nps,omitempty" doc:"NPS fell (this quarter or the next)."`
	Retention *Change `json:"retention,omitempty" doc:"Customer retention fell (this quarter or the next)."`
}

// Register installs the daily check on q.
func (s *Service) Register(q *jobs.Queue) {
	q.Register(JobMediocrity, func(ctx context.Context, job *jobs.Running) error {
		var t jobs.Tick
		if err := job.Decode(&t); err != nil {
			return err
		}
		_, err := s.CheckMediocrity(ctx, t.Slot)
		return err
	})
	q.DailyAt(JobMediocrity, 6, 30, time.UTC)
	s.registerCustomers(q)
}

// CheckMediocrity looks at the quarters before the one containing at and
// raises each alert not raised before: a notification to the unit's
// managers (a team's manager; a location's managers) and the owners, with
// the figures. It returns the alerts it raised now.
func (s *Service) CheckMediocrity(ctx context.Context, at time.Time) ([]Alert, error) {
	found, err := s.Mediocrity(ctx, at)
	if err != nil {
		return nil, err
	}
	var raised []Alert
	for _, a := range found {
		owners, err := s.db.OwnerIDs(ctx)
		if err != nil {
			return raised, err
		}
		fresh := false
		err = s.db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			if fresh, err = tx.ClaimMediocrityAlert(ctx, a.Unit.Kind, a.Unit.ID, a.Period, a); err != nil || !fresh {
				return err
			}
			if s.opts.Notifier == nil {
				return nil
			}
			managers, err := unitManagers(ctx, tx, a.Unit)
			if err != nil {
				return err
			}
			_, err = s.opts.Notifier.Notify(ctx, tx, notify.Notification{Event: notify.EventMediocrity,
				EmployeeIDs: append(managers, owners...), Subject: alertSubject(a), Body: alertBody(a),
				Link: "/chain?by=" + a.Unit.Kind + "&period=quarter", Data: a})
			return err
		})
		if err != nil {
			return raised, err
		}
		if fresh {
			raised = append(raised, a)
			s.log.Info("cycle of mediocrity", a.Unit.Kind, a.Unit.Name, "period", a.Period)
		}
	}
	if len(raised) > 0 && s.opts.Notifier != nil {
		s.opts.Notifier.Wake()
	}
	return raised, nil
}

// unitManagers are who runs the unit, by the escalation ladder the goals
// digest uses too: a team's active manager (else its location's managers),
// or a location's managers. A team gone: the owners alone are told.
func unitManagers(ctx context.Context, tx *store.Tx, u UnitRef) ([]int64, error) {
	if u.Kind == ByLocation {
		return tx.LocationManagers(ctx, &u.ID)
	}
	ids, err := tx.TeamManagers(ctx, u.ID)
	if fresco.ErrorCode(err) == fresco.ENOTFOUND {
		return nil, nil
	}
	return ids, err
}

// Mediocrity returns the teams, then the locations, in the cycle of
// mediocrity in the last two complete quarters before at (the older with
// the next quarter as its "next"), whether or not alerted already.
func (s *Service) Mediocrity(ctx context.Context, at time.Time) ([]Alert, error) {
	last := periodOf(Quarter, at).prev(Quarter)
	periods := []period{last}
	for range BaselinePeriods + 1 {
		periods = append([]period{periods[0].prev(Quarter)}, periods...)
	}
	var out []Alert
	for _, by := range []string{ByTeam, ByLocation} {
		cells, _, err := s.unitPeriods(ctx, by, Quarter, periods)
		if err != nil {
			return nil, err
		}
		out = append(out, mediocrityIn(cells, len(periods))...)
	}
	return out, nil
}

// mediocrityIn tests the last two periods of each unit's series in cells
// (period by period, units in id order).
func mediocrityIn(cells []UnitPeriod, periods int) []Alert {
	series := map[int64][]UnitPeriod{}
	var order []int64
	for _, c := range cells {
		if series[c.Unit.ID] == nil {
			order = append(order, c.Unit.ID)
		}
		series[c.Unit.ID] = append(series[c.Unit.ID], c)
	}
	var out []Alert
	for _, id := range order {
		for i := periods - 2; i < periods; i++ {
			if a := mediocrityAt(series[id], i); a != nil {
				out = append(out, *a)
			}
		}
	}
	return out
}

// mediocrityAt tests one unit's period i against the BaselinePeriods
// before it, with i+1 (when there is one) as "the next period".
func mediocrityAt(series []UnitPeriod, i int) *Alert {
	if i < 1 || i >= len(series) {
		return nil
	}
	base := series[max(0, i-BaselinePeriods):i]
	var leavers, heads int
	for _, c := range base {
		leavers, heads = leavers+c.N.Leavers, heads+c.N.Headcount
	}
	cur := series[i]
	turnover, ok := proportionChange(leavers, heads, cur.N.Leavers, cur.N.Headcount, cur.Period)
	if !ok || !turnover.Significant || turnover.After <= turnover.Before {
		return nil
	}
	a := &Alert{Unit: cur.Unit, Period: cur.Period, Turnover: turnover}
	var baseTally stats.Tally
	var customers, returned int
	for _, c := range base {
		baseTally = baseTally.Merge(tallyOf(c))
		if c.loyaltyKnown {
			customers, returned = customers+c.N.Customers, returned+c.N.Returned
		}
	}
	for j := i; j <= i+1 && j < len(series); j++ {
		c := series[j]
		if a.NPS == nil {
			a.NPS = npsFall(baseTally, tallyOf(c), c.Period)
		}
		if a.Retention == nil && c.loyaltyKnown {
			if ch, ok := proportionChange(returned, customers, c.N.Returned, c.N.Customers, c.Period); ok && ch.Significant && ch.After < ch.Before {
				a.Retention = &ch
			}
		}
	}
	if a.NPS == nil && a.Retention == nil {
		return nil
	}
	return a
}

// proportionChange tests the share countAfter/nAfter against
// countBefore/nBefore; false when either has no data.
func proportionChange(countBefore, nBefore, countAfter, nAfter int, label string) (Change, bool) {
	if nBefore == 0 || nAfter == 0 {
		return Change{}, false
	}
	b, err1 := stats.ProportionInterval(countBefore, nBefore, 0)
	a, err2 := stats.ProportionInterval(countAfter, nAfter, 0)
	if err1 != nil || err2 != nil {
		return Change{}, false
	}
	c, err := stats.CompareProportions(b, a, 0)
	if err != nil || !c.Comparable {
		return Change{}, false
	}
	return Change{Period: label, Before: b.Percent, After: a.Percent, NBefore: nBefore, NAfter: nAfter, Z: c.Z, Significant: c.Significant}, true
}

func tallyOf(c UnitPeriod) stats.Tally {
	return stats.Tally{Promoters: c.promoters, Detractors: c.detractors, Passives: c.N.Responses - c.promoters - c.detractors}
}

// npsFall returns the change when NPS fell significantly from before to
// after, else nil.
func npsFall(before, after stats.Tally, label string) *Change {
	b, err1 := stats.NPS(before, 0)
	a, err2 := stats.NPS(after, 0)
	if err1 != nil || err2 != nil {
		return nil
	}
	c := stats.Compare(b, a)
	if !c.Comparable || !c.Significant || c.AdjustedDifference >= 0 {
		return nil
	}
	return &Change{Period: label, Before: b.NPS, After: a.NPS, NBefore: b.N, NAfter: a.N, Z: c.Z, Significant: true}
}

func alertSubject(a Alert) string {
	return fmt.Sprintf("%s: turnover up, customers %s (%s)", a.Unit.Name, fallingWhat(a), PeriodWords(a.Period))
}

func fallingWhat(a Alert) string {
	switch {
	case a.NPS != nil && a.Retention != nil:
		return "less satisfied and less loyal"
	case a.NPS != nil:
		return "less satisfied"
	}
	return "less loyal"
}

// alertBody states the figures and what they mean, without blame.
func alertBody(a Alert) string {
	var b strings.Builder
	t := a.Turnover
	fmt.Fprintf(&b, "Staff turnover in %s rose to %.0f%% (%s of %d) from %.0f%% over the year before (%d employed at the start of those quarters).",
		PeriodWords(t.Period), t.After, leaversOf(t.After, t.NAfter), t.NAfter, t.Before, t.NBefore)
	if c := a.NPS; c != nil {
		fmt.Fprintf(&b, " NPS in %s fell to %s (%d answers) from %s (%d answers) the year before.",
			PeriodWords(c.Period), signedWhole(c.After), c.NAfter, signedWhole(c.Before), c.NBefore)
	}
	if c := a.Retention; c != nil {
		fmt.Fprintf(&b, " Of the customers of %s, %.0f%% bought again the next quarter, against %.0f%% the year before.", PeriodWords(c.Period), c.After, c.Before)
	}
	b.WriteString(" Each change is larger than chance would make it (95% confidence). This is the cycle of mediocrity: " +
		"when people leave, service slips and customers follow. Look at workload, training and what staff may decide for customers.")
	return b.String()
}

// signedWhole writes an NPS as people read one: "+12", "−56" with a true
// minus sign, and "0" rather than "+0" or "-0".
func signedWhole(v float64) string {
	r := math.Round(v)
	switch {
	case r > 0:
		return fmt.Sprintf("+%.0f", r)
	case r < 0:
		return fmt.Sprintf("−%.0f", -r)
	}
	return "0"
}

func leaversOf(percent float64, n int) string {
	return fmt.Sprint(int(math.Round(percent * float64(n) / 100)))
}

// Alerts returns the alerts raised so far, newest first, as they were
// raised.
func (s *Service) Alerts(ctx context.Context) ([]Alert, error) {
	rows, err := s.db.Reports().MediocrityAlerts(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Alert, 0, len(rows))
	for _, r := range rows {
		var a Alert
		if err := json.Unmarshal(r.Figures, &a); err != nil {
			return nil, fmt.Errorf("mediocrity alert %s %d %s: %w", r.UnitKind, r.UnitID, r.Period, err)
		}
		out = append(out, a)
	}
	return out, nil
}

// Words says the alert in a sentence for a page.
func (a Alert) Words() string { return alertBody(a) }
