package store

// PostgreSQL's bulk write of a planned batch: the purchases go by COPY into a
// session-local staging table and from there into purchases with one
// INSERT … ON CONFLICT (id) DO UPDATE, which creates the new ones and
// replaces the stored ones in a single statement (row triggers, and so the
// rollups, fire as for any insert or update); the lines go by COPY straight
// into purchase_lines, after the replaced purchases' old lines are deleted.

import (
	"context"
	"fmt"
)

// purchaseStage is created once per connection; ON COMMIT DELETE ROWS
// empties it at every commit, and the DELETE empties it between the batches
// of one transaction (a batch falling back to one purchase at a time).
const purchaseStage = `CREATE TEMP TABLE IF NOT EXISTS purchase_stage (
	id BIGINT NOT NULL, external_id TEXT, customer_id BIGINT, purchased_at TIMESTAMPTZ NOT NULL,
	location_id BIGINT, channel TEXT NOT NULL, served_by BIGINT, promotion_code TEXT NOT NULL,
	total BIGINT NOT NULL, items BIGINT NOT NULL, created_at TIMESTAMPTZ NOT NULL
) ON COMMIT DELETE ROWS;
DELETE FROM purchase_stage`

var (
	stageColumns = []string{"id", "external_id", "customer_id", "purchased_at", "location_id",
		"channel", "served_by", "promotion_code", "total", "items", "created_at"}
	lineColumns = []string{"purchase_id", "line_no", "product_id", "description", "quantity", "unit_price", "discount"}
)

func (tx *Tx) copyPurchases(ctx context.Context, plan *purchasePlan, fresh, replaced []int) error {
	if _, err := tx.Exec(ctx, purchaseStage); err != nil {
		return fmt.Errorf("staging table: %w", err)
	}
	indexes := append(append([]int(nil), replaced...), fresh...)
	k := 0
	err := tx.copyFrom(ctx, "purchase_stage", stageColumns, func(row []any) bool {
		if k == len(indexes) {
			return false
		}
		copy(row, purchaseRow(plan.batch[indexes[k]]))
		k++
		return true
	})
	if err != nil {
		return fmt.Errorf("copy purchases: %w", err)
	}
	// created_at and version of a replaced purchase stay, but for the bump.
	_, err = tx.Exec(ctx, `INSERT INTO purchases AS p (id, external_id, customer_id, purchased_at, location_id,
			channel, served_by, promotion_code, total, items, created_at, version)
		SELECT id, external_id, customer_id, purchased_at, location_id,
			channel, served_by, promotion_code, total, items, created_at, 1 FROM purchase_stage
		ON CONFLICT (id) DO UPDATE SET external_id = excluded.external_id, customer_id = excluded.customer_id,
			purchased_at = excluded.purchased_at, location_id = excluded.location_id, channel = excluded.channel,
			served_by = excluded.served_by, promotion_code = excluded.promotion_code,
			total = excluded.total, items = excluded.items, version = p.version + 1`)
	if err != nil {
		return fmt.Errorf("upsert purchases: %w", err)
	}
	if len(replaced) > 0 {
		ids := make([]int64, len(replaced))
		for k, i := range replaced {
			ids[k] = plan.batch[i].ID
		}
		if _, err := tx.Exec(ctx, `DELETE FROM purchase_lines WHERE purchase_id = ANY(?)`, ids); err != nil {
			return fmt.Errorf("delete replaced lines: %w", err)
		}
	}
	if err := tx.copyFrom(ctx, "purchase_lines", lineColumns, plan.lineRows(indexes)); err != nil {
		return fmt.Errorf("copy purchase lines: %w", err)
	}
	return nil
}
