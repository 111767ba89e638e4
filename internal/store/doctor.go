package store

// The doctor's checks: rows written before today's validation that break the
// aggregates built on them (a quantity of 2^63 overflows every sum it joins,
// a NUL byte cannot be copied to PostgreSQL), and their repairs.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// Finding is one kind of problem the doctor looks for, with what it found.
type Finding struct {
	Check    string  `json:"check"`
	Problem  string  `json:"problem"`
	Repair   string  `json:"repair"`
	Count    int     `json:"count"`
	Examples []int64 `json:"examples"` // ids of the first records affected
	IDs      []int64 `json:"-"`        // every record affected, for the repair
}

const doctorExamples = 20

// outOfRangeLine selects purchase lines beyond the amounts fresco.Purchase
// accepts; their products overflow totals.
const outOfRangeLine = `(l.quantity > ? OR l.quantity < ? OR l.unit_price < 0 OR l.unit_price > ? OR l.discount < 0 OR l.discount > ?)`

func outOfRangeArgs() []any {
	return []any{fresco.MaxQuantity, -fresco.MaxQuantity, int64(fresco.MaxUnitPrice), int64(fresco.MaxPurchaseTotal)}
}

// OutOfRangePurchases finds purchases with a line beyond the limits, or a
// stored total beyond the purchase limit.
func (db *DB) OutOfRangePurchases(ctx context.Context) (Finding, error) {
	f := Finding{Check: "purchase_amounts",
		Problem: "purchases with a quantity, price, discount or total beyond the limits; every sum over them can overflow",
		Repair:  "written to the quarantine file and removed, unless a response, case, call task, gesture or invitation points at them (then left for a person)"}
	args := append(outOfRangeArgs(), int64(fresco.MaxPurchaseTotal), -int64(fresco.MaxPurchaseTotal))
	ids, err := queryAll(ctx, db, scanValue[int64], `SELECT p.id FROM purchases p
		WHERE EXISTS (SELECT 1 FROM purchase_lines l WHERE l.purchase_id = p.id AND `+outOfRangeLine+`)
			OR p.total > ? OR p.total < ? ORDER BY p.id`, args...)
	return f.with(ids), err
}

// StaleTotals finds purchases whose stored total or item count disagrees
// with their lines (only among purchases whose lines are all in range, so
// the check itself cannot overflow).
func (db *DB) StaleTotals(ctx context.Context) (Finding, error) {
	f := Finding{Check: "purchase_totals",
		Problem: "purchases whose stored total or item count is not the sum of their lines",
		Repair:  "total and item count recomputed from the lines"}
	ids, err := queryAll(ctx, db, scanValue[int64], `SELECT p.id FROM purchases p
		JOIN (SELECT purchase_id, SUM(quantity * unit_price - discount) AS total, SUM(quantity) AS items
			FROM purchase_lines GROUP BY purchase_id) s ON s.purchase_id = p.id
		WHERE (p.total <> s.total OR p.items <> s.items)
			AND NOT EXISTS (SELECT 1 FROM purchase_lines l WHERE l.purchase_id = p.id AND `+outOfRangeLine+`)
		ORDER BY p.id`, outOfRangeArgs()...)
	return f.with(ids), err
}

// nulColumns are the free-text columns written from outside. PostgreSQL
// cannot hold a NUL in text, so only SQLite databases can have them.
var nulColumns = map[string][]string{
	"customers": {"external_id", "name", "email", "phone", "address", "acquisition_source"},
	"purchases": {"external_id", "channel", "promotion_code"},
	"responses": {"external_id", "comment", "segment", "acquisition_source"},
}

// TextWithNUL finds customers, purchases and responses whose text holds a
// NUL character (SQLite only: it would stop a move to PostgreSQL).
func (db *DB) TextWithNUL(ctx context.Context) ([]Finding, error) {
	var out []Finding
	if db.dialect != SQLite {
		return out, nil
	}
	for _, table := range []string{"customers", "purchases", "responses"} {
		f := Finding{Check: table + "_nul", Problem: table + " with a NUL character in their text", Repair: "NUL characters removed"}
		ids, err := queryAll(ctx, db, scanValue[int64], `SELECT id FROM `+table+` WHERE `+nulCondition(table)+` ORDER BY id`)
		if err != nil {
			return nil, err
		}
		out = append(out, f.with(ids))
	}
	return out, nil
}

func nulCondition(table string) string {
	conds := make([]string, len(nulColumns[table]))
	for i, c := range nulColumns[table] {
		conds[i] = "instr(" + c + ", char(0)) > 0"
	}
	return "(" + strings.Join(conds, " OR ") + ")"
}

func (f Finding) with(ids []int64) Finding {
	f.Count, f.IDs = len(ids), ids
	f.Examples = ids[:min(len(ids), doctorExamples)]
	if f.Examples == nil {
		f.Examples = []int64{}
	}
	return f
}

// RepairTotals recomputes the stored total and item count of purchases from
// their lines.
func (db *DB) RepairTotals(ctx context.Context, ids []int64, actor string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		for _, id := range ids {
			if _, err := tx.Exec(ctx, `UPDATE purchases SET
				total = (SELECT COALESCE(SUM(quantity * unit_price - discount), 0) FROM purchase_lines WHERE purchase_id = ?),
				items = (SELECT COALESCE(SUM(quantity), 0) FROM purchase_lines WHERE purchase_id = ?),
				version = version + 1 WHERE id = ?`, id, id, id); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, actor, "repair_totals", "purchase", "", map[string]any{"purchases": ids})
	})
}

// RemoveNUL strips NUL characters from the text of the given rows. The
// cleaning is done here, not in SQL: SQLite's string functions stop at a NUL.
func (db *DB) RemoveNUL(ctx context.Context, table string, ids []int64, actor string) error {
	cols, ok := nulColumns[table]
	if !ok {
		return fmt.Errorf("no text columns known for %q", table)
	}
	return db.InTx(ctx, func(tx *Tx) error {
		for _, id := range ids {
			if err := tx.removeNUL(ctx, table, cols, id); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, actor, "remove_nul", table, "", map[string]any{"ids": ids})
	})
}

func (tx *Tx) removeNUL(ctx context.Context, table string, cols []string, id int64) error {
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := tx.QueryRow(ctx, `SELECT `+strings.Join(cols, ", ")+` FROM `+table+` WHERE id = ?`, id).Scan(ptrs...); err != nil {
		return err
	}
	sets, args := make([]string, len(cols)), make([]any, len(cols)+1)
	for i, c := range cols {
		sets[i] = c + " = ?"
		args[i] = vals[i]
		if vals[i].Valid {
			args[i] = strings.ReplaceAll(vals[i].String, "\x00", "")
		}
	}
	args[len(cols)] = id
	_, err := tx.Exec(ctx, `UPDATE `+table+` SET `+strings.Join(sets, ", ")+` WHERE id = ?`, args...)
	return err
}

// purchaseReferences are the tables whose rows point at a purchase; a
// purchase they point at is not removed by the doctor.
var purchaseReferences = []string{"responses", "recovery_cases", "call_tasks", "gestures", "survey_invitations"}

// QuarantinePurchase removes an out-of-range purchase and its lines,
// returning them as JSON for the quarantine file. removed is false, and
// nothing is written, when another record points at the purchase.
func (db *DB) QuarantinePurchase(ctx context.Context, id int64, actor string) (record []byte, removed bool, err error) {
	err = db.InTx(ctx, func(tx *Tx) error {
		for _, table := range purchaseReferences {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM `+table+` WHERE purchase_id = ?`, id).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
		}
		if record, err = rawPurchase(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM purchase_lines WHERE purchase_id = ?`, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM purchases WHERE id = ?`, id); err != nil {
			return err
		}
		removed = true
		return tx.Audit(ctx, actor, "quarantine", "purchase", strconv.FormatInt(id, 10), json.RawMessage(record))
	})
	return record, removed, err
}

// rawPurchase is the purchase as stored, lines included, with amounts as
// they are (they may be beyond what fresco.Purchase can validate).
func rawPurchase(ctx context.Context, q Querier, id int64) ([]byte, error) {
	type line struct {
		LineNo    int64 `json:"line_no"`
		ProductID int64 `json:"product_id"`
		Quantity  int64 `json:"quantity"`
		UnitPrice int64 `json:"unit_price_cents"`
		Discount  int64 `json:"discount_cents"`
	}
	var p struct {
		ID         int64   `json:"id"`
		ExternalID *string `json:"external_id"`
		CustomerID *int64  `json:"customer_id"`
		Total      int64   `json:"total_cents"`
		Lines      []line  `json:"lines"`
	}
	if err := q.QueryRow(ctx, `SELECT id, external_id, customer_id, total FROM purchases WHERE id = ?`, id).
		Scan(&p.ID, &p.ExternalID, &p.CustomerID, &p.Total); err != nil {
		return nil, err
	}
	lines, err := queryAll(ctx, q, func(row rowScanner) (line, error) {
		var l line
		return l, row.Scan(&l.LineNo, &l.ProductID, &l.Quantity, &l.UnitPrice, &l.Discount)
	}, `SELECT line_no, product_id, quantity, unit_price, discount FROM purchase_lines WHERE purchase_id = ? ORDER BY line_no`, id)
	if err != nil {
		return nil, err
	}
	p.Lines = lines
	return json.Marshal(p)
}
