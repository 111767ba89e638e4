package store

// Writing a planned batch of purchases in one transaction: new catalogue
// entries first, then ids allocated up front, multi-row INSERTs of purchases
// and lines, and the customers' first_seen moved back.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// writePlan writes a planned batch inside tx.
func (tx *Tx) writePlan(ctx context.Context, plan *purchasePlan) error {
	if err := tx.createProducts(ctx, plan); err != nil {
		return err
	}
	var fresh, replaced []int
	for i := range plan.batch {
		if !plan.ok(i) {
			continue
		}
		if _, ok := plan.existing[i]; ok {
			replaced = append(replaced, i)
		} else {
			fresh = append(fresh, i)
		}
	}
	if err := tx.replacePurchases(ctx, plan, replaced); err != nil {
		return err
	}
	ids, err := tx.allocateIDs(ctx, "purchases", len(fresh))
	if err != nil {
		return err
	}
	for k, i := range fresh {
		plan.batch[i].ID = ids[k]
		plan.results[i].ID, plan.results[i].Status = ids[k], StatusCreated
	}
	if err := tx.insertPurchases(ctx, plan.pick(fresh)); err != nil {
		return err
	}
	written := plan.pick(append(replaced, fresh...))
	for _, p := range written {
		for n := range p.Lines {
			if l := &p.Lines[n]; l.SKU != "" {
				l.ProductID = plan.products[l.SKU]
			}
		}
	}
	if err := tx.insertLines(ctx, written); err != nil {
		return err
	}
	return tx.advanceFirstSeen(ctx, plan)
}

// pick returns the purchases of the batch at the indexes.
func (plan *purchasePlan) pick(indexes []int) []*fresco.Purchase {
	ps := make([]*fresco.Purchase, len(indexes))
	for k, i := range indexes {
		ps[k] = plan.batch[i]
	}
	return ps
}

// InsertPurchases stores new purchases and their lines within the
// transaction, setting each one's ID, CreatedAt and Version, for generators
// that produce purchases by the million. Unlike SavePurchases it trusts the
// caller: the purchases are valid, new, and reference stored customers,
// locations, employees and products, every line by ProductID. Nor does it
// move a customer's first_seen back to an earlier purchase: the caller
// stores customers first seen at their first purchase. Triggers keep the
// rollups as for SavePurchases.
func (tx *Tx) InsertPurchases(ctx context.Context, ps []*fresco.Purchase) error {
	ids, err := tx.allocateIDs(ctx, "purchases", len(ps))
	if err != nil {
		return err
	}
	for i, p := range ps {
		p.ID = ids[i]
	}
	if err := tx.insertPurchases(ctx, ps); err != nil {
		return err
	}
	return tx.insertLines(ctx, ps)
}

func (tx *Tx) createProducts(ctx context.Context, plan *purchasePlan) error {
	// In SKU order, so that two batches adding the same new SKUs lock them
	// in the same order and cannot deadlock on PostgreSQL.
	slices.SortFunc(plan.newSKUs, func(a, b *fresco.Product) int { return strings.Compare(a.SKU, b.SKU) })
	for _, p := range plan.newSKUs {
		t := now()
		// ON CONFLICT: a concurrent batch may have added the same SKU.
		err := tx.QueryRow(ctx, `INSERT INTO products (sku, name, category, list_price, unit_cost, created_at, updated_at)
			VALUES (?, ?, '', ?, 0, ?, ?)
			ON CONFLICT (sku) DO UPDATE SET sku = excluded.sku RETURNING id`,
			p.SKU, p.Name, int64(p.ListPrice), t, t).Scan(&p.ID)
		if err != nil {
			return fmt.Errorf("add product %q: %w", p.SKU, err)
		}
		plan.products[p.SKU] = p.ID
	}
	plan.newSKUs = nil
	return nil
}

// allocateIDs reserves n ids for table so that purchases and their lines can
// be written with multi-row INSERTs without reading ids back row by row.
func (tx *Tx) allocateIDs(ctx context.Context, table string, n int) ([]int64, error) {
	if n == 0 {
		return nil, nil
	}
	if tx.Dialect() == Postgres {
		return queryAll(ctx, tx, scanValue[int64], `SELECT nextval(pg_get_serial_sequence('`+table+`', 'id')) FROM generate_series(1, ?)`, n)
	}
	ids := make([]int64, n)
	// SQLite: the transaction holds the write lock from BEGIN IMMEDIATE, so
	// nobody else can take ids between this read and our inserts.
	var top int64
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&top); err != nil {
		return nil, err
	}
	for i := range ids {
		ids[i] = top + int64(i) + 1
	}
	return ids, nil
}

func (tx *Tx) insertPurchases(ctx context.Context, ps []*fresco.Purchase) error {
	t := now()
	for start := 0; start < len(ps); start += purchaseChunk {
		chunk := ps[start:min(start+purchaseChunk, len(ps))]
		args := make([]any, 0, len(chunk)*purchaseRowArgs)
		for _, p := range chunk {
			p.CreatedAt, p.Version = t, 1
			args = append(args, p.ID, nullString(p.ExternalID), nullID(p.CustomerID), p.PurchasedAt.UTC().Truncate(time.Microsecond),
				nullID(p.LocationID), p.Channel, nullID(p.ServedBy), p.PromotionCode, int64(p.Total()), p.Items(), t)
		}
		_, err := tx.Exec(ctx, `INSERT INTO purchases (id, external_id, customer_id, purchased_at, location_id,
			channel, served_by, promotion_code, total, items, created_at) VALUES `+valuesList(len(chunk), purchaseRowArgs), args...)
		if err != nil {
			return fmt.Errorf("insert purchases: %w", err)
		}
	}
	return nil
}

// insertLines writes the lines of purchases whose lines name their product
// by ProductID.
func (tx *Tx) insertLines(ctx context.Context, ps []*fresco.Purchase) error {
	args := make([]any, 0, lineChunk*lineRowArgs)
	rows := 0
	flush := func() error {
		if rows == 0 {
			return nil
		}
		_, err := tx.Exec(ctx, `INSERT INTO purchase_lines (purchase_id, line_no, product_id, description, quantity, unit_price, discount)
			VALUES `+valuesList(rows, lineRowArgs), args...)
		args, rows = args[:0], 0
		if err != nil {
			return fmt.Errorf("insert purchase lines: %w", err)
		}
		return nil
	}
	for _, p := range ps {
		for n, l := range p.Lines {
			args = append(args, p.ID, n+1, l.ProductID, l.Description, l.Quantity, int64(l.UnitPrice), int64(l.Discount))
			if rows++; rows == lineChunk {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}

// replacePurchases overwrites stored purchases in place and deletes their
// old lines; writePlan then inserts the new lines with everyone else's.
func (tx *Tx) replacePurchases(ctx context.Context, plan *purchasePlan, indexes []int) error {
	ids := make([]any, 0, len(indexes))
	for _, i := range indexes {
		p, id := plan.batch[i], plan.existing[i]
		p.ID = id
		_, err := tx.Exec(ctx, `UPDATE purchases SET external_id = ?, customer_id = ?, purchased_at = ?, location_id = ?,
			channel = ?, served_by = ?, promotion_code = ?, total = ?, items = ?, version = version + 1 WHERE id = ?`,
			nullString(p.ExternalID), nullID(p.CustomerID), p.PurchasedAt.UTC().Truncate(time.Microsecond), nullID(p.LocationID),
			p.Channel, nullID(p.ServedBy), p.PromotionCode, int64(p.Total()), p.Items(), id)
		if err != nil {
			return fmt.Errorf("update purchase %d: %w", id, err)
		}
		plan.results[i].ID, plan.results[i].Status = id, StatusUpdated
		ids = append(ids, id)
	}
	return forChunks(ids, func(chunk []any) error {
		_, err := tx.Exec(ctx, `DELETE FROM purchase_lines WHERE purchase_id IN (`+placeholders(len(chunk))+`)`, chunk...)
		return err
	})
}

// advanceFirstSeen moves a customer's first_seen back to their earliest
// purchase, so imported history and live data agree on tenure.
func (tx *Tx) advanceFirstSeen(ctx context.Context, plan *purchasePlan) error {
	earliest := map[int64]time.Time{}
	for i, p := range plan.batch {
		if !plan.ok(i) || p.CustomerID == nil {
			continue
		}
		if t, ok := earliest[*p.CustomerID]; !ok || p.PurchasedAt.Before(t) {
			earliest[*p.CustomerID] = p.PurchasedAt
		}
	}
	for id, t := range earliest {
		t = t.UTC().Truncate(time.Microsecond)
		// A new first_seen is a change to the customer like any other: it
		// bumps the version, so a PATCH based on the old one cannot undo it.
		if _, err := tx.Exec(ctx, `UPDATE customers SET first_seen = ?, version = version + 1
			WHERE id = ? AND first_seen > ?`, t, id, t); err != nil {
			return err
		}
	}
	return nil
}
