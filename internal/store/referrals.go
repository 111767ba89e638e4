package store

// Who referred whom: the referral links the lifetime-value engine credits,
// and one customer's chain of referrals.

import (
	"context"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// ReferralLinks returns the customers someone referred, with who did, by
// referrer then customer: customers_referred_by (referred_by, id) read in
// order, never the whole customers table (most customers were not
// referred).
func (db *DB) ReferralLinks(ctx context.Context) ([]fresco.ReferralLink, error) {
	return referralLinks(ctx, db)
}

func referralLinks(ctx context.Context, q Querier) ([]fresco.ReferralLink, error) {
	return queryAll(ctx, q, func(row rowScanner) (fresco.ReferralLink, error) {
		var l fresco.ReferralLink
		return l, row.Scan(&l.CustomerID, &l.ReferredBy)
	}, `SELECT id, referred_by FROM customers WHERE referred_by IS NOT NULL ORDER BY referred_by, id`)
}

// ReferralNode is one customer in a referral chain.
type ReferralNode struct {
	CustomerID int64
	Name       string
	ReferredBy int64 // who referred them (the root or a node before them)
	Depth      int   // 1: referred directly by the root
	Value      fresco.Money
}

// ReferralChain returns everyone customerID referred, directly and down the
// chain (at most 50 levels), breadth first, with each one's net purchases.
// Names are looked up per member rather than joined: with a join, SQLite
// 3.54 scanned every customer to probe the chain (666 ms at a million
// customers, for a customer who referred nobody).
func (db *DB) ReferralChain(ctx context.Context, customerID int64) ([]ReferralNode, error) {
	return queryAll(ctx, db, scanReferralNode, `WITH RECURSIVE chain(id, depth, via) AS (
			SELECT id, 1, referred_by FROM customers WHERE referred_by = ?
			UNION ALL
			SELECT c.id, chain.depth + 1, c.referred_by FROM customers c JOIN chain ON c.referred_by = chain.id
			WHERE chain.depth < 50
		)
		SELECT chain.id, chain.depth, chain.via, (SELECT c.name FROM customers c WHERE c.id = chain.id),
			COALESCE((SELECT SUM(p.total) FROM purchases p WHERE p.customer_id = chain.id), 0)
		FROM chain
		ORDER BY chain.depth, chain.id`, customerID)
}

func scanReferralNode(row rowScanner) (ReferralNode, error) {
	var n ReferralNode
	var v int64
	err := row.Scan(&n.CustomerID, &n.Depth, &n.ReferredBy, &n.Name, &v)
	n.Value = fresco.Money(v)
	return n, err
}
