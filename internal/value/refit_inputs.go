package value

// The refit's inputs, read in one streamed pass over the purchases
// (store.HistoryReader, in parallel ranges of customers) and folded, one customer at a time, into a
// compact record per valued customer. A million customers cost about a
// hundred megabytes here, not a whole-table aggregate per question.

import (
	"context"
	"fmt"
	"iter"
	"maps"
	"math"
	"slices"
	"sync/atomic"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// customerInputs is what the refit needs of one customer's purchases. The
// purchase days (the models' input) count positive purchases before the
// refit's bound, the end of its day; the period figures count every
// purchase before it; the first purchase and related sales, like the
// queries they replace, all of history.
type customerInputs struct {
	id int64

	// Purchase days: positive purchases before the bound, one per UTC day.
	total       int64 // cents, all purchase days
	firstAmount int64 // cents, the first purchase day

	// Period before the bound (store.CustomerPeriod's definitions).
	items         int64
	revenue, cost int64 // cents
	first, last   int64 // unix nanoseconds of the first and last positive purchase; 0: none

	related int64 // related-sales value, cents, all of history

	days                           int32 // purchase days
	firstDay, lastDay              int32 // day numbers (days since 1970-01-01)
	purchases, refunds, discounted int32
	calDays, calLastDay            int32 // purchase days up to the holdout check's calibration end, and the last (calibration.go)

	firstPromo bool // the first positive purchase (of all) used a promotion code
}

// The 64-bit fields first, then the 32-bit ones, then the flag: 112 bytes
// a customer instead of the 120 the fields' natural order pads to.

// valued says whether the customer gets a row of customer_value: a
// purchase day before the bound.
func (c *customerInputs) valued() bool { return c.days > 0 }

// summariseHistory folds one customer's purchases (in time order) into
// their inputs, with bound the end of the refit's day. A history the sums
// cannot hold — a row beyond the limits the API enforces (written before
// them, or by hand), or totals past int64 — is an error naming the
// purchase: the refit skips that customer rather than value them wrongly
// or fail everyone (fresco doctor finds and repairs such rows). hold, when
// not nil, counts the purchase days for the holdout check.
func summariseHistory(id int64, hist []store.HistoryPurchase, bound time.Time, hold *holdoutCounts) (customerInputs, error) {
	if err := checkHistory(hist); err != nil {
		return customerInputs{id: id}, err
	}
	c := customerInputs{id: id}
	var firstAt time.Time // first positive purchase of all history
	for i := range hist {
		p := &hist[i]
		if p.Total > 0 && firstAt.IsZero() {
			firstAt = p.At
		}
		if !p.At.Before(bound) {
			continue
		}
		c.revenue += int64(p.Total)
		discountedLine := false
		for _, l := range p.Lines {
			c.cost += l.Quantity * int64(l.UnitCost)
			discountedLine = discountedLine || l.Discount > 0
		}
		switch {
		case p.Total < 0:
			c.refunds++
		case p.Total > 0:
			c.purchases++
			c.items += p.Items
			if p.PromotionCode != "" || discountedLine {
				c.discounted++
			}
			at := p.At.UnixNano()
			if c.first == 0 {
				c.first = at
			}
			c.last = at
			day := int32(dayNum(p.At))
			switch {
			case c.days == 0:
				c.days, c.firstDay, c.lastDay = 1, day, day
				c.firstAmount = int64(p.Total)
				hold.purchaseDay(&c, day, true)
			case day != c.lastDay:
				c.days++
				c.lastDay = day
				hold.purchaseDay(&c, day, false)
			case day == c.firstDay:
				c.firstAmount += int64(p.Total)
			}
			c.total += int64(p.Total)
		}
	}
	if firstAt.IsZero() {
		return c, nil
	}
	// The first purchase moment: its promotion code (positive purchases)
	// and its categories (every purchase at that moment, as the related
	// sales have always counted them); what came later in other
	// categories is related sales.
	var firstCats []string
	for i := range hist {
		p := &hist[i]
		if !p.At.Equal(firstAt) {
			continue
		}
		if p.Total > 0 && p.PromotionCode != "" {
			c.firstPromo = true
		}
		for _, l := range p.Lines {
			if !slices.Contains(firstCats, l.Category) {
				firstCats = append(firstCats, l.Category)
			}
		}
	}
	for i := range hist {
		p := &hist[i]
		if !p.At.After(firstAt) {
			continue
		}
		for _, l := range p.Lines {
			if !slices.Contains(firstCats, l.Category) {
				c.related += l.Quantity*int64(l.UnitPrice) - int64(l.Discount)
			}
		}
	}
	return c, nil
}

// checkHistory refuses a history whose rows are beyond the limits a
// purchase is validated against, or so many that a customer's sums could
// pass int64: within the limits every product above is bounded by
// MaxQuantity × MaxUnitPrice, so a sum of absolute values under
// math.MaxInt64 / 4 leaves every running sum (revenue, cost, related
// sales, items) room to spare.
func checkHistory(hist []store.HistoryPurchase) error {
	var magnitude uint64
	add := func(v int64) {
		if v < 0 {
			v = -v
		}
		magnitude += uint64(v)
	}
	const room = math.MaxInt64 / 4
	for i := range hist {
		p := &hist[i]
		if p.Total > fresco.MaxPurchaseTotal || p.Total < -fresco.MaxPurchaseTotal ||
			p.Items > fresco.MaxQuantity*int64(max(len(p.Lines), 1)) || p.Items < -fresco.MaxQuantity*int64(max(len(p.Lines), 1)) {
			return fmt.Errorf("purchase %d: total or items beyond the limits", p.ID)
		}
		add(int64(p.Total))
		for _, l := range p.Lines {
			if l.Quantity > fresco.MaxQuantity || l.Quantity < -fresco.MaxQuantity ||
				l.UnitPrice > fresco.MaxUnitPrice || l.UnitPrice < 0 || l.UnitCost > fresco.MaxUnitPrice || l.UnitCost < 0 ||
				l.Discount > fresco.MaxPurchaseTotal || l.Discount < -fresco.MaxPurchaseTotal {
				return fmt.Errorf("purchase %d: a line's quantity, price, cost or discount is beyond the limits", p.ID)
			}
			add(l.Quantity * int64(l.UnitPrice))
			add(l.Quantity * int64(l.UnitCost))
			add(int64(l.Discount))
			add(l.Quantity)
		}
		if magnitude > room {
			return fmt.Errorf("purchase %d: the customer's totals pass what the sums can hold", p.ID)
		}
	}
	return nil
}

// refitRead is what the refit reads, all from one snapshot: the valued
// customers' inputs in id order, every purchasing customer's net revenue
// before the bound (the referral values need the customers without a
// purchase day too: a refund alone counts against whoever referred them),
// the referral links, and the customers left out.
type refitRead struct {
	inputs   *inputList
	unvalued map[int64]int64 // customers with purchases but no purchase day: few
	links    []fresco.ReferralLink
	skipped  *Skipped
	holdout  *holdoutCounts // nil: no holdout check (plan.skip says why)
	plan     holdoutPlan
}

// inputList holds the valued customers' inputs in order, in chunks of at
// most inputChunk. A growing slice would copy itself as it grew and
// briefly hold both copies, and the parts' slices would be copied again
// to join them: at a million customers, a few hundred megabytes more at
// the peak than the hundred the inputs take. Chunks are never copied, and
// the parts' lists join by their chunks.
type inputList struct {
	chunks [][]customerInputs
	n      int
}

const inputChunk = 1 << 14 // 16,384 customers, 1.7 MB

func (l *inputList) add(c customerInputs) {
	k := len(l.chunks)
	if k == 0 || len(l.chunks[k-1]) == inputChunk {
		l.chunks = append(l.chunks, make([]customerInputs, 0, inputChunk))
		k++
	}
	l.chunks[k-1] = append(l.chunks[k-1], c)
	l.n++
}

// join appends m's customers (m must not be used afterwards).
func (l *inputList) join(m *inputList) {
	l.chunks = append(l.chunks, m.chunks...)
	l.n += m.n
}

func (l *inputList) len() int { return l.n }

// all yields every customer's position and inputs, in order.
func (l *inputList) all() iter.Seq2[int, *customerInputs] {
	return func(yield func(int, *customerInputs) bool) {
		i := 0
		for _, chunk := range l.chunks {
			for j := range chunk {
				if !yield(i, &chunk[j]) {
					return
				}
				i++
			}
		}
	}
}

// readInputs streams the purchases in s.opts.ReadParts ranges of customers
// at once and folds each range's histories on its own goroutine; the
// ranges' results, joined in order, are what one pass in id order gives.
// A customer whose history cannot be summed is left out, logged and
// counted in skipped. progress is called every s.progressEvery customers
// (of all parts).
func (s *Service) readInputs(ctx context.Context, bound time.Time, progress func(done int)) (*refitRead, error) {
	r, err := s.db.BeginHistoryRead(ctx, s.opts.ReadParts)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	links, err := r.ReferralLinks(ctx)
	if err != nil {
		return nil, err
	}
	first, found, err := r.FirstPurchaseBefore(ctx, bound)
	if err != nil {
		return nil, err
	}
	plan := s.planHoldout(first, found, dayNum(bound)-1)
	type part struct {
		valued   inputList
		unvalued map[int64]int64
		skipped  []int64
		holdout  *holdoutCounts
	}
	parts := make([]part, r.Parts())
	if plan.skip == "" {
		for k := range parts {
			parts[k].holdout = &holdoutCounts{plan: &plan}
		}
	}
	var seen atomic.Int64
	err = r.EachCustomerHistory(ctx, func(k int, id int64, hist []store.HistoryPurchase) error {
		p := &parts[k]
		c, err := summariseHistory(id, hist, bound, p.holdout)
		switch {
		case err != nil:
			p.skipped = append(p.skipped, id)
			s.opts.Logger.WarnContext(ctx, "clv refit skips a customer", "customer", id, "err", err)
		case c.valued():
			p.valued.add(c)
		case c.revenue != 0:
			if p.unvalued == nil {
				p.unvalued = map[int64]int64{}
			}
			p.unvalued[id] = c.revenue
		}
		if n := seen.Add(1); n%int64(s.progressEvery) == 0 {
			progress(int(n))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &refitRead{inputs: &inputList{}, unvalued: map[int64]int64{}, links: links, skipped: &Skipped{}, plan: plan}
	if plan.skip == "" {
		out.holdout = &holdoutCounts{plan: &out.plan}
	}
	for k := range parts {
		p := &parts[k]
		if out.holdout != nil {
			out.holdout.merge(p.holdout)
		}
		out.inputs.join(&p.valued)
		maps.Copy(out.unvalued, p.unvalued)
		for _, id := range p.skipped {
			out.skipped.add(id)
		}
	}
	return out, nil
}

// maxReadParts bounds Options.ReadParts.
const maxReadParts = 4

// Skipped counts the customers a refit left out because their purchases
// cannot be summed, and names the first few for the operator.
type Skipped struct {
	Count     int     `json:"count"`
	Customers []int64 `json:"customers,omitempty"` // the first maxNamedSkips
}

const maxNamedSkips = 20

func (k *Skipped) add(id int64) {
	k.Count++
	if len(k.Customers) < maxNamedSkips {
		k.Customers = append(k.Customers, id)
	}
}

// defaultProgressEvery is how many customers the refit reads, or writes,
// between progress reports.
const defaultProgressEvery = 50_000
