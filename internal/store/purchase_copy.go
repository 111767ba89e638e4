package store

// PostgreSQL's bulk write of a planned batch, all by COPY. New purchases go
// straight into purchases: their ids are fresh from the sequence, so no
// row can be there already and an upsert's speculative insertion and
// conflict check would only cost (about a fifth of the insert). Replaced
// purchases go by COPY into a session-local staging table and from there
// into purchases with one UPDATE; their old lines are deleted. Row
// triggers, and so the rollups, fire as for any insert or update. The
// lines then go by COPY straight into purchase_lines without its statement
// trigger's reference check (migration 00064): the batch wrote every one
// of their purchases a moment before, in this transaction, and locks their
// products itself.

import (
	"context"
	"fmt"
	"slices"
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
	// stageColumns are purchaseRow's, in its order.
	stageColumns = []string{"id", "external_id", "customer_id", "purchased_at", "location_id",
		"channel", "served_by", "promotion_code", "total", "items", "created_at"}
	purchaseCopyColumns = append(stageColumns[:len(stageColumns):len(stageColumns)], "version")
	lineColumns         = []string{"purchase_id", "line_no", "product_id", "description", "quantity", "unit_price", "discount"}
)

func (tx *Tx) copyPurchases(ctx context.Context, plan *purchasePlan, fresh, replaced []int) error {
	if err := tx.replaceStaged(ctx, plan, replaced); err != nil {
		return err
	}
	k := 0
	err := tx.copyFrom(ctx, "purchases", purchaseCopyColumns, func(row []any) bool {
		if k == len(fresh) {
			return false
		}
		p := plan.batch[fresh[k]]
		copy(row, purchaseRow(p))
		row[len(row)-1] = p.Version
		k++
		return true
	})
	if err != nil {
		return fmt.Errorf("copy purchases: %w", err)
	}
	indexes := append(replaced, fresh...)
	if err := tx.lockLineProducts(ctx, plan, indexes); err != nil {
		return err
	}
	if err := tx.checkLines(ctx, false); err != nil {
		return err
	}
	if err := tx.copyFrom(ctx, "purchase_lines", lineColumns, plan.lineRows(indexes)); err != nil {
		return fmt.Errorf("copy purchase lines: %w", err)
	}
	return tx.checkLines(ctx, true)
}

// lockLineProducts locks the products the lines of the purchases at
// indexes name FOR KEY SHARE, as purchase_lines' reference check would, so
// that none can be deleted before the batch commits, and fails if one is
// gone already (the batch then falls back to one purchase at a time, whose
// plan rejects the line). The ids come from the plan: the server need not
// gather them from the lines.
func (tx *Tx) lockLineProducts(ctx context.Context, plan *purchasePlan, indexes []int) error {
	seen := map[int64]bool{}
	var ids []int64
	for _, i := range indexes {
		for _, l := range plan.batch[i].Lines {
			if !seen[l.ProductID] {
				seen[l.ProductID] = true
				ids = append(ids, l.ProductID)
			}
		}
	}
	slices.Sort(ids) // locked in id order, as every batch locks them
	var locked int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT FROM products WHERE id = ANY(?::bigint[]) ORDER BY id FOR KEY SHARE) p`, ids).Scan(&locked)
	if err != nil {
		return fmt.Errorf("lock the lines' products: %w", err)
	}
	if locked != len(ids) {
		return fmt.Errorf("lock the lines' products: %d of %d are gone", len(ids)-locked, len(ids))
	}
	return nil
}

// replaceStaged overwrites the stored purchases at indexes with the batch's
// through the staging table, and deletes their old lines. created_at stays,
// and the version moves on.
func (tx *Tx) replaceStaged(ctx context.Context, plan *purchasePlan, indexes []int) error {
	if len(indexes) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, purchaseStage); err != nil {
		return fmt.Errorf("staging table: %w", err)
	}
	ids := make([]int64, len(indexes))
	k := 0
	err := tx.copyFrom(ctx, "purchase_stage", stageColumns, func(row []any) bool {
		if k == len(indexes) {
			return false
		}
		p := plan.batch[indexes[k]]
		copy(row, purchaseRow(p))
		ids[k] = p.ID
		k++
		return true
	})
	if err != nil {
		return fmt.Errorf("copy purchases: %w", err)
	}
	_, err = tx.Exec(ctx, `UPDATE purchases AS p SET external_id = s.external_id, customer_id = s.customer_id,
			purchased_at = s.purchased_at, location_id = s.location_id, channel = s.channel,
			served_by = s.served_by, promotion_code = s.promotion_code,
			total = s.total, items = s.items, version = p.version + 1
		FROM purchase_stage s WHERE p.id = s.id`)
	if err != nil {
		return fmt.Errorf("replace purchases: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM purchase_lines WHERE purchase_id = ANY(?)`, ids); err != nil {
		return fmt.Errorf("delete replaced lines: %w", err)
	}
	return nil
}

// checkLines turns purchase_lines' reference check off (on = false) or
// back on for the rest of the transaction (migration 00064).
func (tx *Tx) checkLines(ctx context.Context, on bool) error {
	value := "on"
	if on {
		value = ""
	}
	if _, err := tx.Exec(ctx, `SELECT set_config('fresco.lines_checked', ?, true)`, value); err != nil {
		return fmt.Errorf("line checks: %w", err)
	}
	return nil
}
