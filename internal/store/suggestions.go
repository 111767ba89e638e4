package store

// Suggestions (issue 15): the models every replica serves, what the owner
// marks sensitive, the customers who opted out, and the purchase facts a
// model is trained on and a customer is scored with.

import (
	"context"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// InsertSuggestionModel stores a trained model and returns its id.
func (tx *Tx) InsertSuggestionModel(ctx context.Context, m fresco.SuggestionModel, blob []byte) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO suggestion_models (trained_at, algorithm, customers, items, k_floor, seconds, stats, model)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		utc(m.TrainedAt), m.Algorithm, m.Customers, m.Items, m.KFloor, m.Seconds, m.Stats, blob).Scan(&id)
	return id, err
}

// PruneSuggestionModels deletes all but the newest keep models.
func (tx *Tx) PruneSuggestionModels(ctx context.Context, keep int) error {
	_, err := tx.Exec(ctx, `DELETE FROM suggestion_models WHERE id NOT IN
		(SELECT id FROM (SELECT id FROM suggestion_models ORDER BY id DESC LIMIT ?) newest)`, keep)
	return err
}

const suggestionModelColumns = `id, trained_at, algorithm, customers, items, k_floor, seconds, stats`

func scanSuggestionModel(row rowScanner) (*fresco.SuggestionModel, error) {
	var m fresco.SuggestionModel
	err := row.Scan(&m.ID, &m.TrainedAt, &m.Algorithm, &m.Customers, &m.Items, &m.KFloor, &m.Seconds, &m.Stats)
	m.TrainedAt = m.TrainedAt.UTC()
	return &m, err
}

// LatestSuggestionModel describes the newest model; ENOTFOUND when none.
func (db *DB) LatestSuggestionModel(ctx context.Context) (*fresco.SuggestionModel, error) {
	m, err := scanOne(ctx, db, scanSuggestionModel, `SELECT `+suggestionModelColumns+` FROM suggestion_models ORDER BY id DESC LIMIT 1`)
	return m, notFound(err, "suggestion model", "latest")
}

// LatestSuggestionModelID is the newest model's id, 0 when none: the one
// query a server makes per request to know its cached model is current.
func (db *DB) LatestSuggestionModelID(ctx context.Context) (int64, error) {
	var id int64
	err := db.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM suggestion_models`).Scan(&id)
	return id, err
}

// SuggestionModelBlob returns a model's description and its weights.
func (db *DB) SuggestionModelBlob(ctx context.Context, id int64) (*fresco.SuggestionModel, []byte, error) {
	var blob []byte
	m, err := scanOne(ctx, db, func(row rowScanner) (*fresco.SuggestionModel, error) {
		var m fresco.SuggestionModel
		err := row.Scan(&m.ID, &m.TrainedAt, &m.Algorithm, &m.Customers, &m.Items, &m.KFloor, &m.Seconds, &m.Stats, &blob)
		m.TrainedAt = m.TrainedAt.UTC()
		return &m, err
	}, `SELECT `+suggestionModelColumns+`, model FROM suggestion_models WHERE id = ?`, id)
	return m, blob, notFound(err, "suggestion model", id)
}

// BoughtItem is a product a customer bought: when last, and whether they
// ever returned it (a negative line).
type BoughtItem struct {
	CustomerID int64
	ProductID  int64
	LastAt     time.Time
	Returned   bool
}

// SuggestionTrainingItems calls each with every (customer, product) bought
// by a customer whose purchases may train suggestions: identified (not
// erased: erasedName is what erasure renames a customer, without e-mail or
// external id), not opted out, and never returned. In customer order.
func (db *DB) SuggestionTrainingItems(ctx context.Context, erasedName string, each func(BoughtItem) error) error {
	return queryEach(ctx, db, func(row rowScanner) error {
		var b BoughtItem
		var last any
		if err := row.Scan(&b.CustomerID, &b.ProductID, &last); err != nil {
			return err
		}
		at, err := anyTime(last) // MAX of a timestamp is text on SQLite
		if err != nil || at == nil {
			return fmt.Errorf("last purchase of product %d by customer %d: %v", b.ProductID, b.CustomerID, err)
		}
		b.LastAt = *at
		return each(b)
	}, `SELECT p.customer_id, l.product_id, MAX(p.purchased_at)
		FROM purchases p JOIN purchase_lines l ON l.purchase_id = p.id
		WHERE p.customer_id IS NOT NULL
		  AND p.customer_id NOT IN (SELECT customer_id FROM suggestion_opt_outs)
		  AND p.customer_id NOT IN (SELECT id FROM customers WHERE name = ? AND email = '' AND external_id IS NULL)
		GROUP BY p.customer_id, l.product_id
		HAVING MIN(l.quantity) > 0
		ORDER BY p.customer_id`, erasedName)
}

// CustomerBoughtItems lists every product a customer bought or returned.
// The purchases' times are read once per purchase, not per line (reading
// a time is the costly part of a row), and the lines folded here rather
// than grouped by the database, which would sort them first.
func (db *DB) CustomerBoughtItems(ctx context.Context, customerID int64) ([]BoughtItem, error) {
	when := map[int64]time.Time{}
	err := queryEach(ctx, db, func(row rowScanner) error {
		var id int64
		var at time.Time
		if err := row.Scan(&id, &at); err != nil {
			return err
		}
		when[id] = at.UTC()
		return nil
	}, `SELECT id, purchased_at FROM purchases WHERE customer_id = ?`, customerID)
	if err != nil || len(when) == 0 {
		return nil, err
	}
	at := map[int64]int{} // product → index in out
	var out []BoughtItem
	err = queryEach(ctx, db, func(row rowScanner) error {
		var purchase, product, qty int64
		if err := row.Scan(&purchase, &product, &qty); err != nil {
			return err
		}
		i, ok := at[product]
		if !ok {
			i = len(out)
			at[product] = i
			out = append(out, BoughtItem{CustomerID: customerID, ProductID: product})
		}
		if t := when[purchase]; t.After(out[i].LastAt) {
			out[i].LastAt = t
		}
		out[i].Returned = out[i].Returned || qty < 0
		return nil
	}, `SELECT l.purchase_id, l.product_id, l.quantity
		FROM purchases p JOIN purchase_lines l ON l.purchase_id = p.id
		WHERE p.customer_id = ?`, customerID)
	return out, err
}

// SuggestionGuard is what decides whether a customer may be suggested
// anything.
type SuggestionGuard struct {
	Name, Email    string
	HasExternalID  bool
	Consent        bool
	OptedOut       bool
	OpenComplaints int // cases open or resolved but not closed
}

// SuggestionGuardFor reads a customer's guard facts; ENOTFOUND when there
// is no such customer.
func (db *DB) SuggestionGuardFor(ctx context.Context, customerID int64) (*SuggestionGuard, error) {
	g, err := scanOne(ctx, db, func(row rowScanner) (*SuggestionGuard, error) {
		var g SuggestionGuard
		err := row.Scan(&g.Name, &g.Email, &g.HasExternalID, &g.Consent, &g.OptedOut, &g.OpenComplaints)
		return &g, err
	}, `SELECT c.name, c.email, c.external_id IS NOT NULL, c.consent_personalisation,
			EXISTS (SELECT 1 FROM suggestion_opt_outs o WHERE o.customer_id = c.id),
			(SELECT COUNT(*) FROM recovery_cases r WHERE r.customer_id = c.id AND r.status IN ('open', 'resolved'))
		FROM customers c WHERE c.id = ?`, customerID)
	return g, notFound(err, "customer", customerID)
}

// SuggestibleProduct is a product's name and whether it may be suggested.
type SuggestibleProduct struct {
	ID        int64
	SKU       string
	Name      string
	Sensitive bool // marked itself, or its category is
}

// SuggestibleProducts describes the products ids names (missing ones are
// left out): their names and whether the owner marked them or their
// category sensitive.
func (db *DB) SuggestibleProducts(ctx context.Context, ids []int64) (map[int64]SuggestibleProduct, error) {
	out := make(map[int64]SuggestibleProduct, len(ids))
	err := forChunks(asArgs(ids), func(chunk []any) error {
		return queryEach(ctx, db, func(row rowScanner) error {
			var p SuggestibleProduct
			if err := row.Scan(&p.ID, &p.SKU, &p.Name, &p.Sensitive); err != nil {
				return err
			}
			out[p.ID] = p
			return nil
		}, `SELECT id, sku, name, sensitive OR category IN (SELECT category FROM sensitive_categories)
			FROM products WHERE id IN (`+placeholders(len(chunk))+`)`, chunk...)
	})
	return out, err
}

// SensitiveProductIDs lists the products marked sensitive, themselves or
// by their category.
func (db *DB) SensitiveProductIDs(ctx context.Context) (map[int64]bool, error) {
	out := map[int64]bool{}
	err := queryEach(ctx, db, func(row rowScanner) error {
		var id int64
		if err := row.Scan(&id); err != nil {
			return err
		}
		out[id] = true
		return nil
	}, `SELECT id FROM products WHERE sensitive
		UNION
		SELECT p.id FROM products p JOIN sensitive_categories s ON s.category = p.category`)
	return out, err
}

// SetProductSensitive marks a product sensitive or not; ENOTFOUND when
// there is no such product.
func (tx *Tx) SetProductSensitive(ctx context.Context, id int64, sensitive bool, now time.Time) error {
	res, err := tx.Exec(ctx, `UPDATE products SET sensitive = ?, version = version + 1, updated_at = ? WHERE id = ?`, sensitive, utc(now), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fresco.Errorf(fresco.ENOTFOUND, "product %d not found", id)
	}
	return nil
}

// SetCategorySensitive marks a product category sensitive or not; it
// reports whether anything changed.
func (tx *Tx) SetCategorySensitive(ctx context.Context, category string, sensitive bool, now time.Time) (bool, error) {
	return tx.setMark(ctx, sensitive, `INSERT INTO sensitive_categories (category, marked_at) VALUES (?, ?) ON CONFLICT (category) DO NOTHING`,
		`DELETE FROM sensitive_categories WHERE category = ?`, category, now)
}

// setMark inserts (insert: key, now) or deletes (del: key) the row that
// marks key, and reports whether anything changed.
func (tx *Tx) setMark(ctx context.Context, on bool, insert, del string, key any, now time.Time) (bool, error) {
	q, args := del, []any{key}
	if on {
		q, args = insert, []any{key, utc(now)}
	}
	res, err := tx.Exec(ctx, q, args...)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// SensitiveMark is a product or category the owner marked sensitive.
type SensitiveMark struct {
	ProductID int64 // 0 for a category
	SKU       string
	Name      string
	Category  string
}

// SensitiveMarks lists the categories, then the products, marked sensitive.
func (db *DB) SensitiveMarks(ctx context.Context) ([]SensitiveMark, error) {
	return queryAll(ctx, db, func(row rowScanner) (SensitiveMark, error) {
		var m SensitiveMark
		err := row.Scan(&m.ProductID, &m.SKU, &m.Name, &m.Category)
		return m, err
	}, `SELECT 0, '', '', category FROM sensitive_categories
		UNION ALL
		SELECT id, sku, name, category FROM products WHERE sensitive
		ORDER BY 1, 4`)
}

// SetSuggestionOptOut records or removes a customer's opt-out; it reports
// whether anything changed.
func (tx *Tx) SetSuggestionOptOut(ctx context.Context, customerID int64, optOut bool, now time.Time) (bool, error) {
	return tx.setMark(ctx, optOut, `INSERT INTO suggestion_opt_outs (customer_id, opted_out_at) VALUES (?, ?) ON CONFLICT (customer_id) DO NOTHING`,
		`DELETE FROM suggestion_opt_outs WHERE customer_id = ?`, customerID, now)
}
