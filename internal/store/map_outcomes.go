package store

import (
	"context"
	"database/sql"
	"time"
)

// CaseCost is what happened to the customer of one recovery case
// after it: whether it was re-opened, whether the customer opened another
// case within RepeatWindow of it, the gestures granted on it (minor
// units of the business's currency), the customer's first NPS answer
// within NPSWindow after the case was settled, and the customer's P(alive)
// as the latest lifetime-value refit stored it. Process-map overlays join
// real fail points to these.
type CaseCost struct {
	Customer      int64
	Reopened      bool
	RepeatContact bool
	Gestures      int64
	// Settled is when the case was resolved (closed, for a case closed
	// without a resolution); zero while it is open.
	Settled time.Time
	// NPSAfter is the customer's first 0–10 answer after Settled and
	// within NPSWindow of it; nil when none.
	NPSAfter *int
	// PAliveNow is the customer's P(alive) from customer_value: today's
	// figure, not one taken before the case (no history of it is kept);
	// nil when the customer has no lifetime value computed.
	PAliveNow *float64
}

// RepeatWindow is how soon another case by the same customer counts as a
// repeat contact.
const RepeatWindow = 90 * 24 * time.Hour

// NPSWindow is how long after a case is settled the customer's answer
// still counts as their NPS after the case.
const NPSWindow = 180 * 24 * time.Hour

// CustomerCosts returns the outcomes of the cases with the given ids
// (unknown ids are absent).
func (db *DB) CustomerCosts(ctx context.Context, ids []int64) (map[int64]CaseCost, error) {
	out := make(map[int64]CaseCost, len(ids))
	type opened struct {
		customer int64
		at       time.Time
	}
	cases := map[int64]opened{}
	customers := map[int64]bool{}
	err := forChunks(asArgs(ids), func(chunk []any) error {
		return queryEach(ctx, db, func(row rowScanner) error {
			var id, customer, reopens int64
			var at time.Time
			var resolved, closed sql.NullTime
			if err := row.Scan(&id, &customer, &reopens, &at, &resolved, &closed); err != nil {
				return err
			}
			c := CaseCost{Customer: customer, Reopened: reopens > 0}
			switch {
			case resolved.Valid:
				c.Settled = resolved.Time.UTC()
			case closed.Valid:
				c.Settled = closed.Time.UTC()
			}
			out[id] = c
			cases[id], customers[customer] = opened{customer, at.UTC()}, true
			return nil
		}, `SELECT id, customer_id, reopen_count, opened_at, resolved_at, closed_at FROM recovery_cases WHERE id IN (`+placeholders(len(chunk))+`)`, chunk...)
	})
	if err != nil {
		return nil, err
	}
	others := map[int64][]time.Time{} // customer → when each of their cases opened
	custIDs := make([]int64, 0, len(customers))
	for c := range customers {
		custIDs = append(custIDs, c)
	}
	err = forChunks(asArgs(custIDs), func(chunk []any) error {
		return queryEach(ctx, db, func(row rowScanner) error {
			var customer int64
			var at time.Time
			if err := row.Scan(&customer, &at); err != nil {
				return err
			}
			others[customer] = append(others[customer], at.UTC())
			return nil
		}, `SELECT customer_id, opened_at FROM recovery_cases WHERE status <> 'merged' AND customer_id IN (`+placeholders(len(chunk))+`)`, chunk...)
	})
	if err != nil {
		return nil, err
	}
	for id, c := range cases {
		for _, at := range others[c.customer] {
			if at.After(c.at) && !at.After(c.at.Add(RepeatWindow)) {
				o := out[id]
				o.RepeatContact = true
				out[id] = o
				break
			}
		}
	}
	err = forChunks(asArgs(ids), func(chunk []any) error {
		return queryEach(ctx, db, func(row rowScanner) error {
			var id, sum int64
			if err := row.Scan(&id, &sum); err != nil {
				return err
			}
			if o, ok := out[id]; ok {
				o.Gestures = sum
				out[id] = o
			}
			return nil
		}, `SELECT case_id, SUM(amount) FROM gestures WHERE status = 'granted' AND case_id IN (`+placeholders(len(chunk))+`) GROUP BY case_id`, chunk...)
	})
	if err != nil {
		return nil, err
	}
	return out, db.customerAfter(ctx, out, custIDs)
}

// customerAfter fills each case's NPS after it and its customer's
// P(alive) now, reading the customers' NPS answers (by the
// responses_customer index) and their stored lifetime value.
func (db *DB) customerAfter(ctx context.Context, out map[int64]CaseCost, custIDs []int64) error {
	type answer struct {
		at  time.Time
		nps int
	}
	answers := map[int64][]answer{} // customer → NPS answers, oldest first
	pAlive := map[int64]float64{}
	err := forChunks(asArgs(custIDs), func(chunk []any) error {
		err := queryEach(ctx, db, func(row rowScanner) error {
			var customer int64
			var a answer
			if err := row.Scan(&customer, &a.at, &a.nps); err != nil {
				return err
			}
			a.at = a.at.UTC()
			answers[customer] = append(answers[customer], a)
			return nil
		}, `SELECT customer_id, responded_at, nps FROM responses WHERE nps IS NOT NULL AND customer_id IN (`+placeholders(len(chunk))+`)
			ORDER BY customer_id, responded_at, id`, chunk...)
		if err != nil {
			return err
		}
		return queryEach(ctx, db, func(row rowScanner) error {
			var customer int64
			var p float64
			if err := row.Scan(&customer, &p); err != nil {
				return err
			}
			pAlive[customer] = p
			return nil
		}, `SELECT customer_id, p_alive FROM customer_value WHERE customer_id IN (`+placeholders(len(chunk))+`)`, chunk...)
	})
	if err != nil {
		return err
	}
	for id, c := range out {
		if p, ok := pAlive[c.Customer]; ok {
			c.PAliveNow = &p
		}
		if !c.Settled.IsZero() {
			for _, a := range answers[c.Customer] {
				if a.at.After(c.Settled) && !a.at.After(c.Settled.Add(NPSWindow)) {
					c.NPSAfter = &a.nps
					break
				}
			}
		}
		out[id] = c
	}
	return nil
}
