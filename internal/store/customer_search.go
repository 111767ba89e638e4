package store

import (
	"context"
	"slices"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// SearchCustomers finds customers for a person choosing one ("Open a case",
// a survey link): those whose name or e-mail starts with q, case-insensitively,
// or whose external id is q, at most limit of them, by name. Each match is
// one index walk (migration 00020), so it stays fast at a million customers
// — which is why it matches prefixes, not words anywhere in the name.
func (db *DB) SearchCustomers(ctx context.Context, q string, limit int) ([]*fresco.Customer, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, nil
	}
	limit = pageLimit(limit)
	lower := strings.ToLower(q)
	var out []*fresco.Customer
	seen := map[int64]bool{}
	add := func(list []*fresco.Customer) {
		for _, c := range list {
			if !seen[c.ID] {
				seen[c.ID] = true
				out = append(out, c)
			}
		}
	}
	byID, err := queryAll(ctx, db, scanCustomer, `SELECT `+customerColumns+` FROM customers WHERE external_id = ?`, q)
	if err != nil {
		return nil, err
	}
	add(byID)
	for _, col := range []string{"LOWER(name)", "LOWER(email)"} {
		where, args := db.prefixOf(col, lower)
		list, err := queryAll(ctx, db, scanCustomer, `SELECT `+customerColumns+` FROM customers WHERE `+where+
			` ORDER BY `+col+`, id LIMIT ?`, append(args, limit)...)
		if err != nil {
			return nil, err
		}
		add(list)
	}
	slices.SortStableFunc(out, func(a, b *fresco.Customer) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	return out[:min(len(out), limit)], nil
}

// prefixOf is the condition "expr starts with prefix" in the form each
// engine can answer from an index on expr: a range on SQLite (its LIKE is
// case-insensitive and skips a BINARY index), LIKE on PostgreSQL (the index
// is text_pattern_ops).
func (db *DB) prefixOf(expr, prefix string) (string, []any) {
	if db.dialect == Postgres {
		esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(prefix)
		return expr + ` LIKE ? ESCAPE '\'`, []any{esc + "%"}
	}
	return expr + ` >= ? AND ` + expr + ` < ?`, []any{prefix, prefix + "\U0010FFFF"}
}
