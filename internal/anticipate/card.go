package anticipate

import (
	"context"
	"sort"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// The "before you serve" card: what whoever meets the customer should
// know in the next ten seconds.

// Card is one customer's card.
type Card struct {
	Customer     *fresco.Customer
	Notes        []*fresco.PreferenceNote // current (not expired), as the reader may see them
	HiddenNotes  int                      // sensitive notes the reader's role does not see
	OpenCases    []*fresco.Case
	Visits       int
	LastVisit    *time.Time
	LastLocation string
	Usually      []Usual // what they buy most often, most first
	Actions      []fresco.NextAction
}

// Usual is a product a customer buys again and again.
type Usual struct {
	Product string
	Times   int // purchases it was in (over ReplenishHistory)
}

// cardOpenCases and cardUsual bound the card's lists; a product is usual
// from usualTimes purchases.
const (
	cardOpenCases = 5
	cardUsual     = 3
	usualTimes    = 2
)

// Card returns the customer's card as a sees it.
func (s *Service) Card(ctx context.Context, a Actor, customerID int64) (*Card, error) {
	c, err := s.db.Customer(ctx, customerID)
	if err != nil {
		return nil, err
	}
	card := &Card{Customer: c}
	if card.Notes, card.HiddenNotes, err = s.Notes(ctx, a, customerID, true); err != nil {
		return nil, err
	}
	if card.OpenCases, _, err = s.db.ListCases(ctx, store.CaseFilter{CustomerID: &customerID, Statuses: []string{fresco.CaseOpen}, Limit: cardOpenCases}); err != nil {
		return nil, err
	}
	ids := []int64{customerID}
	facts, err := s.facts(ctx, ids, map[int64]bool{customerID: true}, min(usualTimes, ReplenishTimes))
	if err != nil {
		return nil, err
	}
	f := facts[0]
	if f.Summary != nil {
		last := f.Summary.LastAt
		card.Visits, card.LastVisit = f.Summary.Purchases, &last
		if f.Summary.LastLocationID != nil {
			if l, err := s.db.Location(ctx, *f.Summary.LastLocationID); err == nil {
				card.LastLocation = l.Name
			}
		}
	}
	card.Usually = usually(f.Products)
	if card.Actions, err = s.unmarked(ctx, ids, Actions(f, s.now(), s.format(ctx))); err != nil {
		return nil, err
	}
	return card, nil
}

// usually counts the purchases each product was in and keeps the most
// frequent few bought at least twice.
func usually(list []store.ProductPurchase) []Usual {
	count := map[int64]*Usual{}
	var order []int64
	for _, p := range list {
		u := count[p.ProductID]
		if u == nil {
			u = &Usual{Product: p.Product}
			count[p.ProductID] = u
			order = append(order, p.ProductID)
		}
		u.Times++
	}
	var out []Usual
	for _, id := range order {
		if count[id].Times >= usualTimes {
			out = append(out, *count[id])
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Times > out[j].Times })
	return out[:min(cardUsual, len(out))]
}
