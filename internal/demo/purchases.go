package demo

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Purchases: a basket for every planned visit, a few refunds, and anonymous
// walk-in trade at the café and the hotel bars.

const (
	purchaseBatch = 5000 // purchases per SavePurchases call, and walk-ins per stored batch
	// customerBatch is how many customers' purchases, with the feedback on
	// them, are generated and stored at a time: memory stays bounded
	// whatever the size of the business.
	customerBatch  = 2000
	refundChance   = 0.025
	seasonalChance = 0.05 // chance a non-mercenary repeat purchase uses the running seasonal offer
	// transactionShape is p of Gamma-Gamma: a purchase's value is the
	// customer's spend level × the occasion base × Gamma(5, mean 1).
	transactionShape = 5
	// Anonymous purchases per day at the café and at each hotel bar, for 5,000
	// customers (scaled with Options.Customers).
	cafeWalkIns, barWalkIns = 5.0, 1.2
)

// generatePurchases builds the customers' purchases a batch of customers
// at a time, stores each batch and draws the feedback on it, then stores
// the anonymous walk-in trade.
func generatePurchases(ctx context.Context, w *world, r *rng) error {
	fb, err := newFeedbackStep(w)
	if err != nil {
		return err
	}
	if !w.viaService && w.db.Dialect() == store.SQLite {
		if w.lines, err = w.db.WriteLinesBeside(ctx); err != nil {
			return err
		}
		defer w.lines.Abandon()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops drawPurchases after an error
	for d := range drawPurchases(ctx, w, r) {
		if err := storePurchases(ctx, w, d.batch); err != nil {
			return err
		}
		if err := fb.purchased(ctx, d.people, d.batch); err != nil {
			return fmt.Errorf("feedback: %w", err)
		}
	}
	if err := ctx.Err(); err != nil {
		return err // drawPurchases stopped early
	}
	err = walkInPurchases(w, r, func(batch []*fresco.Purchase) error {
		w.summary.AnonymousPurchases += len(batch)
		return storePurchases(ctx, w, batch)
	})
	if err != nil {
		return err
	}
	if err := fb.finish(ctx); err != nil {
		return fmt.Errorf("feedback: %w", err)
	}
	if w.lines != nil {
		err, w.lines = w.lines.Finish(ctx), nil
	}
	return err
}

// drawn is a batch of customers and their purchases, drawn but not stored.
type drawn struct {
	people []*person
	batch  []*fresco.Purchase
}

// drawPurchases draws the customers' purchases a batch of customerBatch
// customers at a time, in a goroutine, one batch ahead of the caller, who
// stores them: drawing visits and baskets is Go work that need not wait
// for SQLite's one writer (about 5 CPU-s at a million customers). It
// stops when ctx is done; the channel is closed once it no longer uses r.
func drawPurchases(ctx context.Context, w *world, r *rng) <-chan drawn {
	out := make(chan drawn, 1)
	go func() {
		defer close(out)
		for start := 0; start < len(w.people); start += customerBatch {
			people := w.people[start:min(start+customerBatch, len(w.people))]
			visits := replanVisits(w, start, people)
			var batch []*fresco.Purchase
			for i, p := range people {
				batch = append(batch, customerPurchases(w, r, p, visits[i])...)
			}
			select {
			case out <- drawn{people, batch}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// storePurchases sorts a batch by time, numbers it on from the purchases
// stored before and stores it, through SavePurchases (the tests' reference)
// or in bulk.
func storePurchases(ctx context.Context, w *world, batch []*fresco.Purchase) error {
	slices.SortStableFunc(batch, func(a, b *fresco.Purchase) int { return a.PurchasedAt.Compare(b.PurchasedAt) })
	s := w.summary
	for _, p := range batch {
		s.Purchases++
		p.ExternalID = fmt.Sprintf("FR-%07d", s.Purchases)
		s.Lines += len(p.Lines)
		s.Revenue += p.Total()
		if p.Total() < 0 {
			s.Refunds++
		}
	}
	if w.keepAll {
		w.purchases = append(w.purchases, batch...)
	}
	if w.viaService {
		return savePurchases(ctx, w.db, batch)
	}
	for _, p := range batch {
		for i := range p.Lines {
			p.Lines[i].ProductID = w.bySKU[p.Lines[i].SKU].ID
		}
	}
	err := w.db.InTx(ctx, func(tx *store.Tx) error {
		tx.LeaveRollupsToRebuild() // indexesRollupsAndCases, once every purchase is in
		if w.lines != nil {
			tx.LeaveLinesOut()
		}
		return tx.InsertPurchases(ctx, batch)
	})
	if err != nil || w.lines == nil {
		return err
	}
	return w.lines.Write(ctx, batch)
}

// savePurchases stores purchases through the batch API's path, which
// validates them and resolves their references. A rejected purchase is a
// bug in the generator, so it fails the whole run.
func savePurchases(ctx context.Context, db *store.DB, all []*fresco.Purchase) error {
	for start := 0; start < len(all); start += purchaseBatch {
		batch := all[start:min(start+purchaseBatch, len(all))]
		results, err := db.SavePurchases(ctx, batch)
		if err != nil {
			return err
		}
		for _, res := range results {
			if res.Status == store.StatusRejected {
				return fmt.Errorf("purchase %s rejected: %w", batch[res.Index].ExternalID, res.Err)
			}
		}
	}
	return nil
}

// customerPurchases fills a basket for each of the customer's visits and
// adds the odd refund.
func customerPurchases(w *world, r *rng, p *person, visits []visit) []*fresco.Purchase {
	var list []*fresco.Purchase
	for k, v := range visits {
		target := occasionBase[v.occasion] * p.spendLevel * r.gamma(transactionShape, 1.0/transactionShape)
		b := newBasket(w, v.at, v.site)
		b.fill(r, v.occasion, target*100, p.profile)
		promo, ok := visitPromotion(r, p, k, v.at)
		if ok {
			b.discount(promo.percent)
		}
		s := w.sites[v.site]
		pu := &fresco.Purchase{
			CustomerID:  &p.id,
			PurchasedAt: v.at,
			LocationID:  &s.loc.ID,
			Channel:     v.channel,
			ServedBy:    s.serverAt(r, v.at),
			Lines:       b.lines,
		}
		if bd, ok := w.bondOf(p); ok && bd.site == v.site && bd.serves(v.at) {
			pu.ServedBy = &bd.leaver.ID // the favourite serves their guest
		}
		if ok {
			pu.PromotionCode = promo.code
		}
		list = append(list, pu)
		if p.class == classMercenary {
			continue // they keep what they got cheaply
		}
		if refund := maybeRefund(w, r, pu, v); refund != nil && !driftedBy(w, p, refund.PurchasedAt) {
			list = append(list, refund)
		}
	}
	return list
}

// visitPromotion is the promotion code of the k-th purchase, if any.
// Mercenaries buy only with a code; others start with WELCOME50 when the
// offer won them, and use the seasonal offer now and then.
func visitPromotion(r *rng, p *person, k int, at time.Time) (promotion, bool) {
	switch {
	case k == 0 && p.welcome:
		return welcomeOffer, true
	case p.class == classMercenary:
		return oneOf(r, dealOffers), true
	case k > 0 && r.chance(seasonalChance):
		return seasonalOffer(at), true
	}
	return promotion{}, false
}

// maybeRefund returns, now and then, a refund of part of a stay, treatment
// or shop order: a later purchase with a negative line at the net price paid.
func maybeRefund(w *world, r *rng, pu *fresco.Purchase, v visit) *fresco.Purchase {
	if v.occasion != occStay && v.occasion != occSpa && v.occasion != occShop || !r.chance(refundChance) {
		return nil
	}
	at := pu.PurchasedAt.Add(days(r.between(1, 14)))
	if !at.Before(w.end) {
		return nil
	}
	orig := pu.Lines[0]
	qty := 1 + r.Int64N(orig.Quantity)
	net := (orig.UnitPrice.MulQty(orig.Quantity) - orig.Discount) / fresco.Money(orig.Quantity)
	return &fresco.Purchase{
		CustomerID:  pu.CustomerID,
		PurchasedAt: at,
		LocationID:  pu.LocationID,
		Channel:     pu.Channel,
		ServedBy:    w.sites[v.site].serverAt(r, at),
		Lines: []fresco.PurchaseLine{{SKU: orig.SKU, Description: "Refund: " + orig.Description,
			Quantity: -qty, UnitPrice: net}},
	}
}

// walkInPurchases draws anonymous purchases — a Poisson number a day at the
// café (more at weekends) and at each hotel bar — and hands them to store
// in batches of about purchaseBatch.
func walkInPurchases(w *world, r *rng, store func([]*fresco.Purchase) error) error {
	scale := float64(w.opts.Customers) / DefaultCustomers
	var list []*fresco.Purchase
	// Noon UTC is the same date in every location's time zone.
	for d := w.start.Truncate(day).Add(12 * time.Hour); d.Before(w.end.Add(day)); d = d.Add(day) {
		for _, s := range w.sites {
			var mean float64
			var occ occasion
			switch s.key {
			case cafe:
				mean, occ = cafeWalkIns, occCafe
				if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
					mean *= 1.4
				}
			case cityHotel, seasideHotel:
				mean, occ = barWalkIns, occDining
			default:
				continue
			}
			for range r.poisson(mean * scale * seasonality(d)) {
				at := atLocalHours(r, d, s.tz, openingHours(occ, "store"))
				if at.Before(w.start) || at.After(w.end) {
					continue
				}
				target := 100 * occasionBase[occ] * r.gamma(transactionShape, 1.0/transactionShape)
				if occ == occDining {
					target *= 0.4 // a drink at the bar, not a dinner
				}
				b := newBasket(w, at, s.key)
				b.fill(r, occ, target, profileNone)
				list = append(list, &fresco.Purchase{PurchasedAt: at, LocationID: &s.loc.ID, Channel: "store",
					ServedBy: s.serverAt(r, at), Lines: b.lines})
			}
		}
		if len(list) >= purchaseBatch {
			if err := store(list); err != nil {
				return err
			}
			list = nil
		}
	}
	if len(list) == 0 {
		return nil
	}
	return store(list)
}

// basket collects the lines of one purchase. Amounts are in cents.
type basket struct {
	w     *world
	at    time.Time
	site  siteKey
	lines []fresco.PurchaseLine
}

func newBasket(w *world, at time.Time, s siteKey) *basket { return &basket{w: w, at: at, site: s} }

// total is the gross value so far.
func (b *basket) total() float64 {
	var t fresco.Money
	for _, l := range b.lines {
		t += l.Total()
	}
	return float64(t)
}

// add puts qty of a product in the basket, at its price on the day.
func (b *basket) add(sku string, qty int64) {
	if qty <= 0 {
		return
	}
	for i := range b.lines {
		if b.lines[i].SKU == sku {
			b.lines[i].Quantity += qty
			return
		}
	}
	p := b.w.bySKU[sku]
	b.lines = append(b.lines, fresco.PurchaseLine{SKU: sku, Description: p.Name, Quantity: qty,
		UnitPrice: priceOn(p, b.site, b.at, b.w.end)})
}

// discount takes percent off every line but gift cards.
func (b *basket) discount(percent int64) {
	for i := range b.lines {
		l := &b.lines[i]
		if b.w.bySKU[l.SKU].Category == catGiftCards {
			continue
		}
		l.Discount = fresco.Money((int64(l.UnitPrice.MulQty(l.Quantity))*percent + 50) / 100)
	}
}

// priceOn is a product's price on the day: list price less 3.5% a year before
// the end (prices rise), rooms dearer in the seaside summer and cheaper at
// city weekends; gift cards are always their face value.
func priceOn(p *fresco.Product, s siteKey, at, end time.Time) fresco.Money {
	if p.Category == catGiftCards {
		return p.ListPrice
	}
	f := 1 - 0.035*end.Sub(at).Hours()/(365*24)
	if p.Category == catRooms {
		switch m, wd := at.Month(), at.Weekday(); {
		case s == seasideHotel && m >= time.June && m <= time.August:
			f *= 1.2
		case s == seasideHotel && (m <= time.February || m == time.December):
			f *= 0.85
		case s == cityHotel && (wd == time.Friday || wd == time.Saturday):
			f *= 0.9
		}
	}
	price := float64(p.ListPrice) * f
	if p.ListPrice >= usd(20) {
		return fresco.Money(math.Round(price/100) * 100) // whole dollars
	}
	return fresco.Money(math.Round(price/5) * 5) // to five cents
}

// fill builds a basket worth about target cents for the occasion.
func (b *basket) fill(r *rng, occ occasion, target float64, pr profile) {
	switch occ {
	case occCafe:
		b.fillCafe(r, target)
	case occDining:
		b.fillDining(r, target, pr)
	case occStay:
		b.fillStay(r, target, pr)
	case occSpa:
		b.fillSpa(r, target)
	case occShop:
		b.fillShop(r, target)
	case occGiftCard:
		b.fillGiftCard(r, target)
	}
}

func (b *basket) fillCafe(r *rng, target float64) {
	drinks := []string{"FD-ESP", "FD-CAP", "FD-CAP", "FD-TEA"}
	food := []string{"FD-CROI", "FD-CAKE", "FD-SAND", "FD-SALAD"}
	if wd := b.at.Weekday(); (wd == time.Saturday || wd == time.Sunday) && target > 2000 && r.chance(0.5) {
		b.add("FD-BRUNCH", max(1, int64(target/2600)))
	} else {
		b.add(oneOf(r, drinks), 1)
	}
	for n := 0; b.total() < target && n < 6; n++ {
		if r.chance(0.6) {
			b.add(oneOf(r, food), 1)
		} else {
			b.add(oneOf(r, drinks), 1)
		}
	}
}

func (b *basket) fillDining(r *rng, target float64, pr profile) {
	covers := min(8, max(1, int64(math.Round(target/7500))))
	kids := int64(0)
	if pr == profileFamily && covers >= 3 {
		kids = covers - 2
	}
	if target/float64(covers) > 10000 {
		b.add("FD-DIN3", covers-kids)
	} else if target >= 4000 {
		b.add("FD-DIN2", covers-kids)
	}
	b.add("FD-KIDS", kids)
	for n := 0; b.total() < target && n < 5; n++ {
		switch {
		case covers >= 2 && r.chance(0.5):
			b.add("FD-WINE-BT", 1)
		case r.chance(0.5):
			b.add("FD-WINE-GL", 1)
		default:
			b.add("FD-COCKTAIL", 1)
		}
	}
}

// roomTiers lists each hotel's rooms, cheapest first.
var roomTiers = map[siteKey][]string{
	cityHotel:    {"RM-CITY-STD", "RM-CITY-DLX", "RM-CITY-STE"},
	seasideHotel: {"RM-SEA-GDN", "RM-SEA-VIEW", "RM-SEA-STE"},
}

func (b *basket) fillStay(r *rng, target float64, pr profile) {
	var nights, guests, rooms int64 = 1 + int64(min(6, r.poisson(1))), 2, 1
	switch pr {
	case profileBusiness:
		nights, guests = 1+int64(r.IntN(3)), 1
	case profileFamily:
		nights, guests = 2+int64(min(5, r.poisson(1.5))), 3+int64(r.IntN(2))
		if r.chance(0.3) {
			rooms = 2
		}
	}
	tiers := roomTiers[b.site]
	perNight := 0.8 * target / float64(nights*rooms)
	room := tiers[0]
	for _, sku := range tiers[1:] {
		if float64(priceOn(b.w.bySKU[sku], b.site, b.at, b.w.end)) <= perNight*1.1 {
			room = sku
		}
	}
	b.add(room, nights*rooms)
	if r.chance(0.5) {
		b.add("FD-BKFST", nights*guests)
	}
	if b.site == cityHotel && r.chance(0.25) {
		b.add("RM-PARK", nights)
	}
	if r.chance(0.1) {
		b.add("RM-LATE", 1)
	}
	if b.total() < 0.9*target && r.chance(0.5) {
		b.add("FD-DIN2", guests)
	}
	if b.total() < 0.8*target && r.chance(0.5) {
		b.add("SP-MAS60", 1)
	}
}

func (b *basket) fillSpa(r *rng, target float64) {
	treatments := []string{"SP-DAY", "SP-MAS60", "SP-FACIAL", "SP-MAS90", "SP-COUPLES"}
	best, bestGap := treatments[0], math.Inf(1)
	for _, sku := range treatments {
		if gap := math.Abs(float64(b.w.bySKU[sku].ListPrice) - 0.85*target); gap < bestGap {
			best, bestGap = sku, gap
		}
	}
	b.add(best, 1)
	if b.total() < target && r.chance(0.5) {
		b.add(oneOf(r, []string{"RT-OIL", "RT-CANDLE", "SP-DAY"}), 1)
	}
}

func (b *basket) fillShop(r *rng, target float64) {
	items := []string{"RT-BEANS", "RT-BEANS", "RT-MUG", "RT-TOTE", "RT-CANDLE", "RT-OIL", "RT-COOKBOOK", "RT-ROBE", "RT-HAMPER"}
	b.add(oneOf(r, items), 1)
	for n := 0; b.total() < 0.85*target && n < 5; n++ {
		b.add(oneOf(r, items), 1)
	}
}

func (b *basket) fillGiftCard(r *rng, target float64) {
	cards := []string{"GC-025", "GC-050", "GC-100", "GC-200"}
	best, bestGap := cards[0], math.Inf(1)
	for _, sku := range cards {
		if gap := math.Abs(float64(b.w.bySKU[sku].ListPrice) - target); gap < bestGap {
			best, bestGap = sku, gap
		}
	}
	qty := int64(1)
	if r.chance(0.1) {
		qty = 2
	}
	b.add(best, qty)
}
