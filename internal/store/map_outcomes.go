package store

import (
	"context"
	"time"
)

// CaseCost is what happened to the customer of one recovery case
// after it: whether it was re-opened, whether the customer opened another
// case within RepeatWindow of it, and the gestures granted on it (minor
// units of the business's currency). Process-map overlays join real fail
// points to these.
type CaseCost struct {
	Reopened      bool
	RepeatContact bool
	Gestures      int64
}

// RepeatWindow is how soon another case by the same customer counts as a
// repeat contact.
const RepeatWindow = 90 * 24 * time.Hour

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
			if err := row.Scan(&id, &customer, &reopens, &at); err != nil {
				return err
			}
			out[id] = CaseCost{Reopened: reopens > 0}
			cases[id], customers[customer] = opened{customer, at.UTC()}, true
			return nil
		}, `SELECT id, customer_id, reopen_count, opened_at FROM recovery_cases WHERE id IN (`+placeholders(len(chunk))+`)`, chunk...)
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
	return out, err
}
