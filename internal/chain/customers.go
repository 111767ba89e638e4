package chain

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
)

// The customer half of the chain (loyalty and profit per customer) reads
// a period's purchases with, for each customer, a look-up of their next
// purchase: at a million customers a month is about 250 000 purchases, and
// a view of two years would read all of them. Once a period's "bought
// again" window is over its figures change only when purchases arrive
// late, so they are stored (report_snapshots, migration 00043), one row per
// period kind and period holding every team's and location's counts, and
// refreshed by a job (JobCustomersRefresh); a view reads one index range
// of O(periods) rows, each holding O(units) counts. The current month and
// quarter are stored too, as of each run, and re-stored by every run: read
// live they cost 0.6 s of CPU per monthly view and 6.7 s per quarterly one
// at a million customers. A view shows them, and the count back of the one
// period whose window is still open, as of the job's last run (up to 15
// minutes old; Measured.AsOf says when). Only when no row is stored yet
// (before the job's first run) does a view read a period live, and store
// it for the next view. Loyalty is not shown until the window is over, and
// then the first view reads the period once more.
//
// Quarters are stored beside months rather than pooled from them: a
// customer who buys in January and February is one customer of the first
// quarter, and "bought again" means in the next quarter, not the next
// month, so neither count can be summed from the months exactly.

// JobCustomersRefresh stores the periods' customer figures, the current
// ones as of its run.
const JobCustomersRefresh = "chain.customers_refresh"

// CustomersRefreshEvery is how often JobCustomersRefresh runs.
const CustomersRefreshEvery = 15 * time.Minute

// StoredYears is how far back the job keeps every period stored (the
// page's default range is one year of months or two of quarters, plus
// up to MaxLag periods); older periods are stored when first viewed.
const StoredYears = 2

const (
	customersSnapshot  = "chain.customers."          // + kind + "." + label
	customersWatermark = "chain.customers_watermark" // the job's watermark
)

// customerSum is one unit's customers in one period.
type customerSum struct {
	Customers int   `json:"customers"`
	Returned  int   `json:"returned"`
	Revenue   int64 `json:"revenue"`
	Cost      int64 `json:"cost"`
}

// customerFigures are one period's customer counts per team and per
// location; both come from the same purchases, so they are kept together.
type customerFigures struct {
	Team     map[int64]customerSum `json:"team"`
	Location map[int64]customerSum `json:"location"`
	// Final: the "bought again" window was over when these were read, so
	// Returned is final too.
	Final bool `json:"final"`
}

func (f customerFigures) of(by string) map[int64]customerSum {
	if by == ByTeam {
		return f.Team
	}
	return f.Location
}

// againEnd is the end of p's "bought again" window: the following period
// of the same length.
func againEnd(p period) time.Time { return p.End.Add(p.End.Sub(p.Start)) }

// addCustomers adds each period's customers per location, or per team of
// whoever served them (a customer served by two teams counts in both):
// how many, how many bought again in the following period of the same
// length, and their net revenue and cost. They come from the stored
// figures (read and stored now if the job has not stored them yet). It
// returns when the oldest figures of a period whose "bought again" window
// is still open were worked out (zero: none shown).
func (s *Service) addCustomers(ctx context.Context, by, kind string, periods []period, units unitMap, at func(int64, string) *cell) (time.Time, error) {
	now := s.opts.Now()
	stored, err := s.storedCustomers(ctx, kind, periods[0].Label, periods[len(periods)-1].Label)
	if err != nil {
		return time.Time{}, err
	}
	var asOf time.Time
	for _, p := range periods {
		final := !againEnd(p).After(now)
		figures, ok := stored[p.Label]
		// A period stored while its "bought again" window was open is read
		// again once the window is over, for the final count.
		if !ok || (final && !figures.Final) {
			if figures.customerFigures, err = s.customerFigures(ctx, p, units, final); err != nil {
				return time.Time{}, err
			}
			if figures.at, err = s.storeCustomers(ctx, kind, p, figures.customerFigures); err != nil {
				return time.Time{}, err
			}
		}
		if !final && (asOf.IsZero() || figures.at.Before(asOf)) {
			asOf = figures.at
		}
		for unit, sum := range figures.of(by) {
			c := at(unit, p.Label)
			c.customers, c.returned, c.revenue, c.cost = sum.Customers, sum.Returned, sum.Revenue, sum.Cost
			c.againKnown = final
		}
	}
	return asOf, nil
}

// storedFigures are a period's stored figures and when they were worked out.
type storedFigures struct {
	customerFigures
	at time.Time
}

// storedCustomers returns the stored figures of the periods of kind from
// first to last (labels), by label.
func (s *Service) storedCustomers(ctx context.Context, kind, first, last string) (map[string]storedFigures, error) {
	rows, err := s.db.Reports().ReportSnapshotRange(ctx, customersSnapshot+kind+"."+first, customersSnapshot+kind+"."+last)
	if err != nil {
		return nil, err
	}
	out := map[string]storedFigures{}
	for _, r := range rows {
		f := storedFigures{at: r.ComputedAt}
		if err := json.Unmarshal(r.Body, &f.customerFigures); err != nil {
			return nil, fmt.Errorf("stored chain customers %s: %w", r.Name, err)
		}
		out[r.Name[len(customersSnapshot)+len(kind)+1:]] = f
	}
	return out, nil
}

// storeCustomers stores p's figures and returns the time they are as of.
func (s *Service) storeCustomers(ctx context.Context, kind string, p period, f customerFigures) (time.Time, error) {
	body, err := json.Marshal(f)
	if err != nil {
		return time.Time{}, err
	}
	at := time.Now().UTC()
	_, err = s.db.ReplaceReportSnapshot(ctx, customersSnapshot+kind+"."+p.Label, body, at)
	return at, err
}

// customerFigures reads p's purchases: per location, serving employee and
// customer, with whether the customer bought again in the next period.
func (s *Service) customerFigures(ctx context.Context, p period, units unitMap, final bool) (customerFigures, error) {
	rows, err := s.db.Reports().ChainCustomers(ctx, p.Start, p.End, againEnd(p))
	if err != nil {
		return customerFigures{}, err
	}
	out := customerFigures{Final: final}
	teams := unitMap{by: ByTeam, spells: units.spells}
	for _, kind := range []string{ByLocation, ByTeam} {
		type seen struct {
			unit, customer int64
		}
		counted := map[seen]bool{}
		sums := map[int64]customerSum{}
		for _, r := range rows {
			unit := r.LocationID
			if kind == ByTeam {
				unit = 0
				if r.ServedBy != 0 {
					unit = teams.of(r.ServedBy, p.Start, p.End)
				}
			}
			if unit == 0 {
				continue
			}
			sum := sums[unit]
			sum.Revenue += r.Revenue
			sum.Cost += r.Cost
			if k := (seen{unit, r.CustomerID}); !counted[k] {
				counted[k] = true
				sum.Customers++
				if r.Again {
					sum.Returned++
				}
			}
			sums[unit] = sum
		}
		if kind == ByTeam {
			out.Team = sums
		} else {
			out.Location = sums
		}
	}
	return out, nil
}

// RefreshCustomers stores the customer figures of every month and quarter
// of the last StoredYears that is not stored yet, and works out again each
// stored period that purchases imported since the job's watermark fall in
// or in the "bought again" window of, the one whose window is still open,
// and the current month and quarter (as of now: the rows views read). It
// returns how many periods it worked out.
//
// Why a watermark rather than recomputing the last N periods each run: a
// late import (a till that was offline, a CSV of last year's sales) can
// land in any period, however old, and recomputing N periods either
// misses it or, with N large enough, reads years of purchases every 15
// minutes. Purchase ids only grow, so "the purchases with an id above the
// watermark" finds exactly the new ones through the primary key, and their
// dates name the periods to recompute; ordinary sales, dated now, touch
// only open periods and cost nothing. The scan starts from the id seen two
// runs ago, not one, because on PostgreSQL ids are taken when a
// transaction inserts but seen when it commits: a long import may commit
// ids below one a run has already seen (and a read replica may lag the
// primary the watermark is read from). Not seen: a purchase whose date is
// edited or that is deleted (erasure, the doctor), and a change of
// product costs or of the spells that put a server in a team; the periods
// of the last StoredYears can be recomputed by deleting their rows.
func (s *Service) RefreshCustomers(ctx context.Context) (int, error) {
	now := s.opts.Now()
	fresh, err := s.db.PurchasesSinceWatermark(ctx, customersWatermark)
	if err != nil {
		return 0, err
	}
	touched := func(p period) bool {
		return fresh.Touch(p.Start, againEnd(p))
	}
	worked := 0
	for _, kind := range []string{Month, Quarter} {
		todo, err := s.customerPeriodsToStore(ctx, kind, now, touched)
		if err != nil {
			return worked, err
		}
		if len(todo) == 0 {
			continue
		}
		spells, err := s.db.Reports().SpellsOverlapping(ctx, todo[0].Start, todo[len(todo)-1].End.AddDate(0, 0, -1))
		if err != nil {
			return worked, err
		}
		units := unitsOf(spells, ByTeam)
		for _, p := range todo {
			f, err := s.customerFigures(ctx, p, units, !againEnd(p).After(now))
			if err != nil {
				return worked, err
			}
			// Stored one by one: a run cut short keeps what it did.
			if _, err := s.storeCustomers(ctx, kind, p, f); err != nil {
				return worked, err
			}
			worked++
		}
	}
	return worked, s.db.SavePurchaseWatermark(ctx, fresh, time.Now())
}

// customerPeriodsToStore lists, oldest first, the periods of kind to work
// out: those of the last StoredYears not stored yet, the stored ones (of
// any age) touched by new purchases, and those stored before their "bought
// again" window was over: the current period, whose purchases grow, and at
// most the last one before it, whose count of customers back grows as the
// current period goes on. Periods not begun yet are never stored.
func (s *Service) customerPeriodsToStore(ctx context.Context, kind string, now time.Time, touched func(period) bool) ([]period, error) {
	lo, hi := "1900-01", "9999-12"
	if kind == Quarter {
		lo, hi = "1900-Q1", "9999-Q4"
	}
	rows, err := s.db.ReportSnapshotRange(ctx, customersSnapshot+kind+"."+lo, customersSnapshot+kind+"."+hi)
	if err != nil {
		return nil, err
	}
	storedFinal := map[time.Time]bool{} // start → stored with its final count
	for _, r := range rows {
		var v fresco.Validation
		start := parsePeriodParam(&v, "period", r.Name[len(customersSnapshot)+len(kind)+1:])
		var f customerFigures
		if err := cmp.Or(v.Err(), json.Unmarshal(r.Body, &f)); err != nil {
			return nil, fmt.Errorf("stored chain customers %s: %w", r.Name, err)
		}
		storedFinal[start] = f.Final
	}
	candidates := maps.Clone(storedFinal)
	for _, p := range periodsBetween(kind, now.AddDate(-StoredYears, 0, 0), now) {
		candidates[p.Start] = false
	}
	var out []period
	for _, start := range slices.SortedFunc(maps.Keys(candidates), time.Time.Compare) {
		p := periodFrom(kind, start)
		if p.Start.After(now) || (storedFinal[start] && !touched(p)) {
			continue
		}
		out = append(out, p)
	}
	return out, nil
}

// registerCustomers installs the refresh of the stored customer figures.
func (s *Service) registerCustomers(q *jobs.Queue) {
	q.Register(JobCustomersRefresh, func(ctx context.Context, _ *jobs.Running) error {
		n, err := s.RefreshCustomers(ctx)
		if n > 0 {
			s.log.InfoContext(ctx, "stored customer figures", "periods", n)
		}
		return err
	})
	q.Every(JobCustomersRefresh, CustomersRefreshEvery)
}
