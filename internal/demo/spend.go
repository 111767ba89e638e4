package demo

import (
	"context"
	"math"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Marketing spend: one record per paid channel and calendar month, sized by
// the customers the channel actually brought in that month, so acquisition
// cost (spend ÷ new customers) comes out at $25–$60 a channel and about $20
// over all new customers (walk-ins and referrals cost nothing).

// paidChannel is a marketing channel and the acquisition source it buys.
type paidChannel struct {
	name   string  // as recorded in marketing spend
	source string  // the matching answer to "How did you hear about us?"
	perNew float64 // dollars per customer acquired
	fixed  float64 // dollars a month regardless (retainers, print ads), for 5,000 customers
}

var paidChannels = []paidChannel{
	{"Google", srcGoogle, 30, 150},
	{"Instagram", srcInstagram, 22, 120},
	{"Booking site", srcBooking, 40, 0},
	{"Newspaper", srcNewspaper, 40, 160},
	{"Events", srcEvent, 32, 60},
}

// ChannelSources maps each marketing-spend channel of the demo to the
// acquisition source it pays for.
func ChannelSources() map[string]string {
	m := make(map[string]string, len(paidChannels))
	for _, c := range paidChannels {
		m[c.name] = c.source
	}
	return m
}

// generateMarketingSpend stores the monthly spend per channel, from the
// month the history starts to the end (the last period ends on End's date).
func generateMarketingSpend(ctx context.Context, w *world, r *rng) error {
	type key struct {
		month  time.Time
		source string
	}
	acquired := map[key]int{}
	for _, p := range w.people {
		acquired[key{monthOf(p.firstVisit), p.source}]++
	}
	scale := float64(w.opts.Customers) / DefaultCustomers
	var records []*fresco.MarketingSpend
	for month := monthOf(w.start); !month.After(w.end); month = month.AddDate(0, 1, 0) {
		last := month.AddDate(0, 1, -1)
		if last.After(w.end) {
			last = w.end
		}
		for _, ch := range paidChannels {
			n := float64(acquired[key{month, ch.source}])
			dollars := n*ch.perNew*r.between(0.8, 1.2) + ch.fixed*scale*r.between(0.8, 1.2)
			if dollars < 1 {
				continue
			}
			records = append(records, &fresco.MarketingSpend{PeriodStart: month, PeriodEnd: last,
				Channel: ch.name, Amount: fresco.Money(math.Round(dollars) * 100)})
		}
		records = append(records, retentionSpend(month, last, scale))
	}
	err := w.db.InTx(ctx, func(tx *store.Tx) error {
		for _, m := range records {
			if err := tx.CreateMarketingSpend(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	w.summary.MarketingSpendPeriods = len(records)
	for _, m := range records {
		w.summary.MarketingSpend += m.Amount
	}
	return nil
}

// retentionSpend is the month's newsletter and loyalty mailing, spent on
// keeping customers rather than winning them: $60–$140 a month for 5,000
// customers, higher in the busy months (a fixed pattern, drawing nothing
// from the random stream, so every other demo figure stays as it was).
func retentionSpend(month, last time.Time, scale float64) *fresco.MarketingSpend {
	dollars := (60 + 20*float64(int(month.Month())%5)) * scale
	return &fresco.MarketingSpend{PeriodStart: month, PeriodEnd: last, Channel: "Newsletter",
		Amount: fresco.Money(math.Max(1, math.Round(dollars)) * 100), RetentionShare: 1}
}

// monthOf is midnight UTC on the first of t's month (in UTC).
func monthOf(t time.Time) time.Time {
	y, m, _ := t.UTC().Date()
	return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
}
