package store

import (
	"context"
	"math/big"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// Marketing spend periods are whole calendar days, both ends inclusive. They
// are stored as UTC midnight of the date each time carries in its own
// location, so 2024-05-01T00:00+01:00 is the date 2024-05-01, not April 30.

const spendColumns = `id, period_start, period_end, channel, amount, retention_share, created_at`

// dateOf returns UTC midnight of the calendar date t shows in its location.
func dateOf(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// dayNumber counts days since the Unix epoch for a UTC midnight; unlike
// time.Duration it cannot overflow over long spans.
func dayNumber(date time.Time) int64 { return date.Unix() / 86400 }

func scanSpend(row rowScanner) (*fresco.MarketingSpend, error) {
	var m fresco.MarketingSpend
	if err := row.Scan(&m.ID, &m.PeriodStart, &m.PeriodEnd, &m.Channel, &m.Amount, &m.RetentionShare, &m.CreatedAt); err != nil {
		return nil, err
	}
	m.PeriodStart, m.PeriodEnd, m.CreatedAt = m.PeriodStart.UTC(), m.PeriodEnd.UTC(), m.CreatedAt.UTC()
	return &m, nil
}

// CreateMarketingSpend stores a spend record and sets its ID and creation
// time. The period is reduced to dates (see the comment at the top of this file).
func (db *DB) CreateMarketingSpend(ctx context.Context, m *fresco.MarketingSpend) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.CreateMarketingSpend(ctx, m) })
}

// CreateMarketingSpend stores a spend record within the transaction.
func (tx *Tx) CreateMarketingSpend(ctx context.Context, m *fresco.MarketingSpend) error {
	m.PeriodStart, m.PeriodEnd = dateOf(m.PeriodStart), dateOf(m.PeriodEnd)
	if err := m.Validate(); err != nil {
		return err
	}
	m.CreatedAt = now()
	return tx.QueryRow(ctx, `INSERT INTO marketing_spend (period_start, period_end, channel, amount, retention_share, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		m.PeriodStart, m.PeriodEnd, m.Channel, m.Amount, m.RetentionShare, m.CreatedAt,
	).Scan(&m.ID)
}

// SpendFilter selects marketing spend for a list.
type SpendFilter struct {
	From, To time.Time // periods overlapping [From, To], by date; a zero time leaves that end open
	Channel  string    // exact match
	Cursor   string
	Limit    int
}

// ListMarketingSpend returns a page of spend records ordered by id, and the
// cursor of the next page ("" at the end).
func (db *DB) ListMarketingSpend(ctx context.Context, f SpendFilter) ([]*fresco.MarketingSpend, string, error) {
	var w conditions
	w.spendOverlaps(dateOf(f.From), dateOf(f.To))
	w.textIs("channel", f.Channel)
	return listPage(ctx, db, spendColumns, "marketing_spend", &w, f.Cursor, f.Limit, scanSpend,
		func(x *fresco.MarketingSpend) int64 { return x.ID })
}

// MarketingSpendTotal returns the acquisition spend attributable to the
// days from..to, both inclusive (dates as in CreateMarketingSpend; a zero
// time leaves that end open), over all channels. Spend tagged retention
// (RetentionPart) wins no new customer and is left out.
//
// A spend period that only partly overlaps the range counts in proportion to
// the days of overlap: 300.00 spent over April 1–30 contributes 10.00 per
// day, so 100.00 to a range of April 21 – May 10. The shares are summed
// exactly and the total is rounded once, half up, to the cent.
func (db *DB) MarketingSpendTotal(ctx context.Context, from, to time.Time) (fresco.Money, error) {
	from, to = dateOf(from), dateOf(to)
	var w conditions
	w.spendOverlaps(from, to)
	total := new(big.Rat)
	err := queryEach(ctx, db, func(row rowScanner) error {
		var m fresco.MarketingSpend
		if err := row.Scan(&m.PeriodStart, &m.PeriodEnd, &m.Amount, &m.RetentionShare); err != nil {
			return err
		}
		start, end, amount := m.PeriodStart, m.PeriodEnd, int64(m.AcquisitionPart())
		first, last := dayNumber(start.UTC()), dayNumber(end.UTC())
		days := last - first + 1
		if days <= 0 {
			return nil
		}
		if !from.IsZero() {
			first = max(first, dayNumber(from))
		}
		if !to.IsZero() {
			last = min(last, dayNumber(to))
		}
		overlap := last - first + 1
		if overlap <= 0 {
			return nil
		}
		share := new(big.Int).Mul(big.NewInt(amount), big.NewInt(overlap))
		total.Add(total, new(big.Rat).SetFrac(share, big.NewInt(days)))
		return nil
	}, `SELECT period_start, period_end, amount, retention_share FROM marketing_spend WHERE `+w.sql(), w.args...)
	if err != nil {
		return 0, err
	}
	return roundRat(total), nil
}

// spendOverlaps adds the conditions of a spend period sharing a day with the
// dates from..to, both inclusive; a zero date leaves that end open.
func (c *conditions) spendOverlaps(from, to time.Time) {
	if !from.IsZero() {
		c.add("period_end >= ?", from)
	}
	if !to.IsZero() {
		c.add("period_start <= ?", to)
	}
}

// roundRat rounds r to the nearest integer, halves away from zero.
func roundRat(r *big.Rat) fresco.Money {
	num, den := new(big.Int).Set(r.Num()), r.Denom()
	neg := num.Sign() < 0
	num.Abs(num)
	// (2·num + den) / (2·den), floored.
	num.Mul(num, big.NewInt(2)).Add(num, den)
	q := num.Quo(num, new(big.Int).Mul(den, big.NewInt(2)))
	if neg {
		q.Neg(q)
	}
	return fresco.Money(q.Int64())
}
