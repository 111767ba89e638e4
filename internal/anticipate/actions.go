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

// facts loads the rules' facts of the customers of ids; withProducts says
// whose purchase history to read, of the products bought in at least
// times purchases (ReplenishTimes for the rules; fewer for the card).
func (s *Service) facts(ctx context.Context, ids []int64, withProducts map[int64]bool, times int) ([]Facts, error) {
	now := s.now()
	summaries, err := s.db.PurchaseSummariesOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	alive, err := s.db.PAlivesOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	nps, err := s.db.LatestNPS(ctx, ids, now.Add(-PromoterRecent))
	if err != nil {
		return nil, err
	}
	referred, err := s.db.Referrers(ctx, ids)
	if err != nil {
		return nil, err
	}
	cases, err := s.db.CasesReturning(ctx, ids)
	if err != nil {
		return nil, err
	}
	var productIDs []int64
	for _, id := range ids {
		if withProducts[id] {
			productIDs = append(productIDs, id)
		}
	}
	products := map[int64][]store.ProductPurchase{}
	if len(productIDs) > 0 {
		list, err := s.db.ProductPurchases(ctx, productIDs, now.Add(-ReplenishHistory), times)
		if err != nil {
			return nil, err
		}
		for _, p := range list {
			products[p.CustomerID] = append(products[p.CustomerID], p)
		}
	}
	out := make([]Facts, 0, len(ids))
	for _, id := range ids {
		f := Facts{CustomerID: id, Referred: referred[id], Products: products[id]}
		if sum, ok := summaries[id]; ok {
			f.Summary = &sum
		}
		if p, ok := alive[id]; ok {
			f.PAlive = &p
		}
		if n, ok := nps[id]; ok {
			f.NPS = &n
		}
		if c, ok := cases[id]; ok {
			f.Case = &c
		}
		out = append(out, f)
	}
	return out, nil
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
	if _, err := s.db.Customer(ctx, customerID); err != nil {
		return nil, err
	}
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
	facts, err := s.facts(ctx, ids, products, ReplenishTimes)
	if err != nil {
		return nil, err
	}
	now, fm := s.now(), s.format(ctx)
	var actions []fresco.NextAction
	for _, f := range facts {
		for _, a := range Actions(f, now, fm) {
			if kind == "" || a.Kind == kind {
				actions = append(actions, a)
			}
		}
	}
	if actions, err = s.unmarked(ctx, ids, actions); err != nil {
		return nil, err
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
