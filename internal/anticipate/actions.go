package anticipate

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// List limits: the staff list shows DefaultListLimit actions unless asked
// for more, at most MaxListLimit; each kind reads candidateFactor times
// the limit of candidates from its index.
const (
	DefaultListLimit = 50
	MaxListLimit     = 200
	candidateFactor  = 3
)

// facts loads all the rules' facts of the customers of ids; withProducts
// says whose purchase history to read, of the products bought in at least
// times purchases (ReplenishTimes for the rules; fewer for the card).
func (s *Service) facts(ctx context.Context, ids []int64, withProducts map[int64]bool, times int) ([]Facts, error) {
	l := s.newFactLoader(ids, withProducts, times)
	for _, kind := range fresco.ActionKinds {
		if err := l.need(ctx, kind); err != nil {
			return nil, err
		}
	}
	return l.facts, nil
}

// factLoader reads the facts of a set of customers one kind of fact at a
// time, each at most once, when a rule first needs it: the list across
// customers stops judging once the most pressing kinds fill the page, and
// never reads the facts only the kinds below would have used (the
// purchase histories of replenishment above all).
type factLoader struct {
	s        *Service
	ids      []int64
	products map[int64]bool
	times    int
	facts    []Facts
	at       map[int64]int // index in facts
	loaded   map[string]bool
}

func (s *Service) newFactLoader(ids []int64, withProducts map[int64]bool, times int) *factLoader {
	l := &factLoader{s: s, ids: ids, products: withProducts, times: times,
		facts: make([]Facts, len(ids)), at: make(map[int64]int, len(ids)), loaded: map[string]bool{}}
	for i, id := range ids {
		l.facts[i].CustomerID = id
		l.at[id] = i
	}
	return l
}

// need reads the facts the rule of kind reads.
func (l *factLoader) need(ctx context.Context, kind string) error {
	var what []string
	switch kind {
	case fresco.ActionCaseReturning:
		what = []string{"cases"}
	case fresco.ActionRhythmBroken:
		what = []string{"summaries", "alive"}
	case fresco.ActionReplenishment:
		what = []string{"products"}
	case fresco.ActionPromoter:
		what = []string{"nps", "referred"}
	case fresco.ActionMilestone:
		what = []string{"summaries"}
	}
	for _, w := range what {
		if !l.loaded[w] {
			if err := l.load(ctx, w); err != nil {
				return err
			}
			l.loaded[w] = true
		}
	}
	return nil
}

// fill reads one fact per customer with read and sets it with set.
func fill[V any](l *factLoader, read func([]int64) (map[int64]V, error), set func(*Facts, V)) error {
	m, err := read(l.ids)
	for id, v := range m {
		set(&l.facts[l.at[id]], v)
	}
	return err
}

// load reads one kind of fact into l.facts.
func (l *factLoader) load(ctx context.Context, what string) error {
	db, now := l.s.db, l.s.now()
	switch what {
	case "cases":
		return fill(l, func(ids []int64) (map[int64]store.CaseReturn, error) { return db.CasesReturning(ctx, ids) },
			func(f *Facts, c store.CaseReturn) { f.Case = &c })
	case "summaries":
		return fill(l, func(ids []int64) (map[int64]store.PurchaseSummary, error) { return db.PurchaseSummariesOf(ctx, ids) },
			func(f *Facts, sum store.PurchaseSummary) { f.Summary = &sum })
	case "alive":
		return fill(l, func(ids []int64) (map[int64]float64, error) { return db.PAlivesOf(ctx, ids) },
			func(f *Facts, p float64) { f.PAlive = &p })
	case "nps":
		return fill(l, func(ids []int64) (map[int64]store.NPSAnswer, error) {
			return db.LatestNPS(ctx, ids, now.Add(-PromoterRecent))
		},
			func(f *Facts, n store.NPSAnswer) { f.NPS = &n })
	case "referred":
		return fill(l, func(ids []int64) (map[int64]bool, error) { return db.Referrers(ctx, ids) },
			func(f *Facts, r bool) { f.Referred = r })
	case "products":
		var ids []int64
		for _, id := range l.ids {
			if l.products[id] {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			return nil
		}
		list, err := db.ProductPurchases(ctx, ids, now.Add(-ReplenishHistory), l.times)
		for _, p := range list {
			f := &l.facts[l.at[p.CustomerID]]
			f.Products = append(f.Products, p)
		}
		return err
	}
	return nil
}

// unmarked drops the actions whose kind was dismissed or done for their
// customer within the snooze period.
func (s *Service) unmarked(ctx context.Context, ids []int64, actions []fresco.NextAction) ([]fresco.NextAction, error) {
	marks, err := s.db.ActiveMarks(ctx, ids, s.now())
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(actions, func(a fresco.NextAction) bool { return marks[a.CustomerID][a.Kind] }), nil
}

// For returns a customer's next best actions now, the most pressing
// first, without those dismissed or done within the snooze period.
func (s *Service) For(ctx context.Context, customerID int64) ([]fresco.NextAction, error) {
	c, err := s.db.Customer(ctx, customerID)
	if err != nil {
		return nil, err
	}
	return s.ForCustomer(ctx, c)
}

// ForCustomer is For for a customer already read: the profile has the
// row, and on PostgreSQL each statement it saves is a round trip.
func (s *Service) ForCustomer(ctx context.Context, c *fresco.Customer) ([]fresco.NextAction, error) {
	customerID := c.ID
	ids := []int64{customerID}
	facts, err := s.facts(ctx, ids, map[int64]bool{customerID: true}, ReplenishTimes)
	if err != nil {
		return nil, err
	}
	actions := Actions(facts[0], s.now(), s.format(ctx))
	if actions, err = s.unmarked(ctx, ids, actions); err != nil {
		return nil, err
	}
	return nonNil(actions), nil
}

func nonNil(a []fresco.NextAction) []fresco.NextAction {
	if a == nil {
		return []fresco.NextAction{}
	}
	return a
}

// Listed is an action on the staff list, with its customer.
type Listed struct {
	fresco.NextAction
	Customer *fresco.Customer
}

// List returns next best actions across customers — of one kind, or all
// when kind is "" — the most pressing kind first, then the most recently
// due, at most limit (DefaultListLimit when 0). It never reads every
// customer: each kind reads a few candidates in order from an index
// (store/next_actions.go) and the rules judge those, so a customer the
// candidates did not reach shows on their own page but not here.
func (s *Service) List(ctx context.Context, kind string, limit int) ([]Listed, error) {
	var v fresco.Validation
	v.Check(kind == "" || slices.Contains(fresco.ActionKinds, kind), "kind", "must be one of %s (got %q)", strings.Join(fresco.ActionKinds, ", "), kind)
	v.Check(limit >= 0 && limit <= MaxListLimit, "limit", "must be between 1 and %d", MaxListLimit)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if limit == 0 {
		limit = DefaultListLimit
	}
	ids, products, err := s.candidates(ctx, kind, limit*candidateFactor)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return []Listed{}, nil
	}
	// The kinds in order of pressure, each judged over every candidate:
	// once the page is full no lower kind can reach it, so their facts
	// are never read.
	facts := s.newFactLoader(ids, products, ReplenishTimes)
	marks, err := s.db.ActiveMarks(ctx, ids, s.now())
	if err != nil {
		return nil, err
	}
	now, fm := s.now(), s.format(ctx)
	var actions []fresco.NextAction
	for _, k := range fresco.ActionKinds {
		if kind != "" && k != kind {
			continue
		}
		if len(actions) >= limit {
			break
		}
		if err := facts.need(ctx, k); err != nil {
			return nil, err
		}
		for _, f := range facts.facts {
			if a := judge(k, f, now, fm); a != nil && !marks[a.CustomerID][k] {
				actions = append(actions, *a)
			}
		}
	}
	sort.SliceStable(actions, func(i, j int) bool {
		ri, rj := slices.Index(fresco.ActionKinds, actions[i].Kind), slices.Index(fresco.ActionKinds, actions[j].Kind)
		if ri != rj {
			return ri < rj
		}
		if !actions[i].Due.Equal(actions[j].Due) {
			return actions[i].Due.After(actions[j].Due)
		}
		return actions[i].CustomerID < actions[j].CustomerID
	})
	actions = actions[:min(limit, len(actions))]
	var shown []int64
	for _, a := range actions {
		shown = append(shown, a.CustomerID)
	}
	customers, err := s.db.CustomersOf(ctx, shown)
	if err != nil {
		return nil, err
	}
	out := make([]Listed, 0, len(actions))
	for _, a := range actions {
		out = append(out, Listed{NextAction: a, Customer: customers[a.CustomerID]})
	}
	return out, nil
}

// candidates gathers the customers worth judging for kind ("" all), each
// query cut at n, and whose purchase history to read.
func (s *Service) candidates(ctx context.Context, kind string, n int) ([]int64, map[int64]bool, error) {
	now := s.now()
	seen := map[int64]bool{}
	products := map[int64]bool{}
	var ids []int64
	add := func(list []int64, err error, history bool) error {
		for _, id := range list {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
			products[id] = products[id] || history
		}
		return err
	}
	want := func(k string) bool { return kind == "" || kind == k }
	var err error
	if want(fresco.ActionCaseReturning) && err == nil {
		list, e := s.db.OpenCaseReturners(ctx, n)
		err = add(list, e, false)
	}
	if want(fresco.ActionRhythmBroken) && err == nil {
		list, e := s.db.SlippingRegulars(ctx, RhythmFloor, RhythmPAlive, n)
		err = add(list, e, false)
	}
	if want(fresco.ActionReplenishment) && err == nil {
		list, e := s.db.RegularsLastBuying(ctx, now.Add(-ReplenishHistory/4), now.Add(-ReplenishMinInterval), n)
		err = add(list, e, true)
	}
	if want(fresco.ActionPromoter) && err == nil {
		list, e := s.db.RecentPromoters(ctx, now.Add(-PromoterRecent), n)
		err = add(list, e, false)
	}
	if want(fresco.ActionMilestone) && err == nil {
		list, e := s.db.VisitCountsReached(ctx, VisitMilestones, now.Add(-MilestoneRecent), n)
		if err = add(list, e, false); err == nil {
			var ranges [][2]time.Time
			for y := 1; y <= 10; y++ {
				ranges = append(ranges, [2]time.Time{now.AddDate(-y, 0, 0).Add(-AnniversaryAfter), now.AddDate(-y, 0, 0).Add(AnniversaryBefore)})
			}
			list, e = s.db.FirstBoughtWithin(ctx, ranges, n)
			err = add(list, e, false)
		}
	}
	return ids, products, err
}

// Mark records that staff dismissed or did a kind of action for a
// customer: it stays off their list for the snooze period. Audited.
func (s *Service) Mark(ctx context.Context, a Actor, kind string, customerID int64, outcome string) (*fresco.ActionMark, error) {
	if !a.Role.CanWrite() {
		return nil, forbidden("only owners, managers and agents act on next best actions")
	}
	var v fresco.Validation
	v.Check(slices.Contains(fresco.ActionKinds, kind), "kind", "must be one of %s (got %q)", strings.Join(fresco.ActionKinds, ", "), kind)
	v.Check(outcome == fresco.ActionDismissed || outcome == fresco.ActionDone, "outcome", "must be dismissed or done (got %q)", outcome)
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	m := &fresco.ActionMark{CustomerID: customerID, Kind: kind, Outcome: outcome, Until: now.Add(s.opts.Snooze), MarkedBy: a.Ref, MarkedAt: now}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Customer(ctx, customerID); err != nil {
			return err
		}
		if err := tx.MarkNextAction(ctx, m); err != nil {
			return err
		}
		return tx.Audit(ctx, a.Ref, "next_action."+outcome, "customer", strconv.FormatInt(customerID, 10),
			map[string]any{"kind": kind, "until": m.Until})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}
