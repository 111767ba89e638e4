package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// Purchases are written in bulk: the batch API and the importer send
// thousands at a time. SavePurchases validates every purchase and resolves
// every reference with a handful of set queries, allocates ids up front and
// then writes purchases and lines with multi-row INSERTs in one transaction.
// Each purchase is stored whole or not at all: a purchase with a bad field or
// a dangling reference is rejected before anything is written, and if the
// transaction itself fails the batch falls back to one transaction per
// purchase so that one bad row cannot sink its neighbours.

const (
	purchaseColumns = `id, external_id, customer_id, purchased_at, location_id, channel, served_by, promotion_code, created_at`
	purchaseRowArgs = 11 // columns written per purchase by insertPurchases
	lineRowArgs     = 7  // columns written per line by insertLines
	purchaseChunk   = 500
	lineChunk       = 1000
	setQueryChunk   = 500 // ids or keys per IN (…) list
)

// MaxBatchPurchases is the most purchases one SavePurchases call accepts.
const MaxBatchPurchases = 10000

// BatchResult is the outcome of one purchase of a batch.
type BatchResult struct {
	Index  int    // position in the batch
	Status string // "created", "updated" or "rejected"
	ID     int64  // the stored purchase's id, unless rejected
	Err    error  // why it was rejected: an EINVALID *fresco.Error naming fields
}

// Batch statuses.
const (
	StatusCreated  = "created"
	StatusUpdated  = "updated"
	StatusRejected = "rejected"
)

// CreatePurchase stores one new purchase. Lines name products by SKU; an SKU
// the catalogue does not know yet is added to it.
func (db *DB) CreatePurchase(ctx context.Context, p *fresco.Purchase) error {
	if p.ExternalID != "" {
		if _, err := db.PurchaseByExternalID(ctx, p.ExternalID); err == nil {
			return conflict("external_id", "a purchase with external_id %q already exists", p.ExternalID)
		}
	}
	results, err := db.SavePurchases(ctx, []*fresco.Purchase{p})
	if err != nil {
		return err
	}
	return results[0].Err
}

// UpdatePurchase replaces the stored purchase p.ID, lines included.
func (db *DB) UpdatePurchase(ctx context.Context, p *fresco.Purchase) error {
	existing, err := db.Purchase(ctx, p.ID)
	if err != nil {
		return err
	}
	if p.ExternalID != existing.ExternalID && p.ExternalID != "" {
		if other, err := db.PurchaseByExternalID(ctx, p.ExternalID); err == nil && other.ID != p.ID {
			return conflict("external_id", "a purchase with external_id %q already exists", p.ExternalID)
		}
	}
	batch := []*fresco.Purchase{p}
	plan, err := db.planPurchases(ctx, batch)
	if err != nil {
		return err
	}
	if plan.results[0].Err != nil {
		return plan.results[0].Err
	}
	plan.existing[0] = p.ID
	return db.InTx(ctx, func(tx *Tx) error { return tx.writePlan(ctx, plan) })
}

// SavePurchases stores a batch of purchases, each whole or not at all, and
// reports per purchase. A purchase whose external_id is already stored
// replaces it ("updated"). The error is for failures of the database itself.
func (db *DB) SavePurchases(ctx context.Context, batch []*fresco.Purchase) ([]BatchResult, error) {
	if len(batch) > MaxBatchPurchases {
		return nil, fresco.Errorf(fresco.ETOOLARGE, "a batch holds at most %d purchases (got %d)", MaxBatchPurchases, len(batch))
	}
	plan, err := db.planPurchases(ctx, batch)
	if err != nil {
		return nil, err
	}
	err = db.InTx(ctx, func(tx *Tx) error { return tx.writePlan(ctx, plan) })
	if err == nil {
		return plan.results, nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return db.savePurchasesOneByOne(ctx, batch, plan)
}

// savePurchasesOneByOne is the slow path after a failed batch transaction:
// each purchase gets its own transaction, and the one that fails is rejected.
func (db *DB) savePurchasesOneByOne(ctx context.Context, batch []*fresco.Purchase, plan *purchasePlan) ([]BatchResult, error) {
	results := plan.results
	for i, p := range batch {
		if results[i].Status == StatusRejected {
			continue
		}
		single, err := db.planPurchases(ctx, []*fresco.Purchase{p})
		if err != nil {
			return nil, err
		}
		err = db.InTx(ctx, func(tx *Tx) error { return tx.writePlan(ctx, single) })
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil:
			results[i] = BatchResult{Index: i, Status: StatusRejected, Err: fresco.Errorf(fresco.EINVALID, "could not store purchase: %v", err)}
		default:
			results[i] = single.results[0]
			results[i].Index = i
		}
	}
	return results, nil
}

// purchasePlan is a validated batch with every reference resolved.
type purchasePlan struct {
	batch    []*fresco.Purchase
	results  []BatchResult
	existing map[int]int64 // batch index → id of the stored purchase it replaces
	products map[string]int64
	newSKUs  []*fresco.Product
}

func (db *DB) planPurchases(ctx context.Context, batch []*fresco.Purchase) (*purchasePlan, error) {
	plan := &purchasePlan{
		batch:    batch,
		results:  make([]BatchResult, len(batch)),
		existing: map[int]int64{},
		products: map[string]int64{},
	}
	for i, p := range batch {
		plan.results[i] = BatchResult{Index: i}
		if err := p.Validate(); err != nil {
			plan.reject(i, err)
		}
	}
	plan.rejectDuplicateExternalIDs()
	refs := collectReferences(plan)
	var err error
	if refs.customers, err = db.existingIDs(ctx, "customers", refs.customers); err != nil {
		return nil, err
	}
	if refs.locations, err = db.existingIDs(ctx, "locations", refs.locations); err != nil {
		return nil, err
	}
	if refs.employees, err = db.existingIDs(ctx, "employees", refs.employees); err != nil {
		return nil, err
	}
	plan.rejectDanglingReferences(refs)
	if err := db.resolveProducts(ctx, plan); err != nil {
		return nil, err
	}
	if err := db.findExistingPurchases(ctx, plan); err != nil {
		return nil, err
	}
	return plan, nil
}

func (plan *purchasePlan) reject(i int, err error) {
	plan.results[i].Status = StatusRejected
	plan.results[i].Err = err
}

func (plan *purchasePlan) ok(i int) bool { return plan.results[i].Status != StatusRejected }

func (plan *purchasePlan) rejectDuplicateExternalIDs() {
	seen := map[string]int{}
	for i, p := range plan.batch {
		if !plan.ok(i) || p.ExternalID == "" {
			continue
		}
		if first, dup := seen[p.ExternalID]; dup {
			plan.reject(i, invalid("external_id", "%q is also the external_id of purchase %d of this batch", p.ExternalID, first))
			continue
		}
		seen[p.ExternalID] = i
	}
}

type references struct {
	customers, locations, employees map[int64]bool
}

func collectReferences(plan *purchasePlan) references {
	refs := references{customers: map[int64]bool{}, locations: map[int64]bool{}, employees: map[int64]bool{}}
	for i, p := range plan.batch {
		if !plan.ok(i) {
			continue
		}
		if p.CustomerID != nil {
			refs.customers[*p.CustomerID] = false
		}
		if p.LocationID != nil {
			refs.locations[*p.LocationID] = false
		}
		if p.ServedBy != nil {
			refs.employees[*p.ServedBy] = false
		}
	}
	return refs
}

func (plan *purchasePlan) rejectDanglingReferences(refs references) {
	for i, p := range plan.batch {
		if !plan.ok(i) {
			continue
		}
		var v fresco.Validation
		if p.CustomerID != nil && !refs.customers[*p.CustomerID] {
			v.Add("customer_id", "customer %d does not exist", *p.CustomerID)
		}
		if p.LocationID != nil && !refs.locations[*p.LocationID] {
			v.Add("location_id", "location %d does not exist", *p.LocationID)
		}
		if p.ServedBy != nil && !refs.employees[*p.ServedBy] {
			v.Add("served_by", "employee %d does not exist", *p.ServedBy)
		}
		if err := v.Err(); err != nil {
			plan.reject(i, err)
		}
	}
}

// existingIDs marks which of the ids exist in table. The table name is one of
// ours, never user input.
func (db *DB) existingIDs(ctx context.Context, table string, ids map[int64]bool) (map[int64]bool, error) {
	keys := make([]any, 0, len(ids))
	for id := range ids {
		keys = append(keys, id)
	}
	err := forChunks(keys, func(chunk []any) error {
		return queryMap(ctx, db, ids, scanIDSet, `SELECT id FROM `+table+` WHERE id IN (`+placeholders(len(chunk))+`)`, chunk...)
	})
	return ids, err
}

// resolveProducts maps every line's SKU to a product id, planning new
// catalogue entries for SKUs not seen before.
func (db *DB) resolveProducts(ctx context.Context, plan *purchasePlan) error {
	firstLine := map[string]fresco.PurchaseLine{}
	var skus []any
	for i, p := range plan.batch {
		if !plan.ok(i) {
			continue
		}
		for _, l := range p.Lines {
			if l.SKU == "" {
				continue
			}
			if _, seen := firstLine[l.SKU]; !seen {
				firstLine[l.SKU] = l
				skus = append(skus, l.SKU)
			}
		}
	}
	err := forChunks(skus, func(chunk []any) error {
		return queryMap(ctx, db, plan.products, scanPair[string, int64],
			`SELECT sku, id FROM products WHERE sku IN (`+placeholders(len(chunk))+`)`, chunk...)
	})
	if err != nil {
		return err
	}
	for _, s := range skus {
		sku := s.(string)
		if _, known := plan.products[sku]; known {
			continue
		}
		l := firstLine[sku]
		name := l.Description
		if name == "" {
			name = sku
		}
		plan.newSKUs = append(plan.newSKUs, &fresco.Product{SKU: sku, Name: name, ListPrice: max(l.UnitPrice, 0)})
	}
	return db.checkProductIDs(ctx, plan)
}

// checkProductIDs rejects purchases whose lines name a product by an id that
// does not exist.
func (db *DB) checkProductIDs(ctx context.Context, plan *purchasePlan) error {
	ids := map[int64]bool{}
	for i, p := range plan.batch {
		for _, l := range p.Lines {
			if plan.ok(i) && l.SKU == "" {
				ids[l.ProductID] = false
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	ids, err := db.existingIDs(ctx, "products", ids)
	if err != nil {
		return err
	}
	for i, p := range plan.batch {
		var v fresco.Validation
		for j, l := range p.Lines {
			if plan.ok(i) && l.SKU == "" && !ids[l.ProductID] {
				v.Add(fmt.Sprintf("lines[%d].product_id", j), "product %d does not exist", l.ProductID)
			}
		}
		if err := v.Err(); err != nil {
			plan.reject(i, err)
		}
	}
	return nil
}

func (db *DB) findExistingPurchases(ctx context.Context, plan *purchasePlan) error {
	index := map[string]int{}
	var keys []any
	for i, p := range plan.batch {
		if plan.ok(i) && p.ExternalID != "" {
			index[p.ExternalID] = i
			keys = append(keys, p.ExternalID)
		}
	}
	return forChunks(keys, func(chunk []any) error {
		return queryEach(ctx, db, func(row rowScanner) error {
			ext, id, err := scanPair[string, int64](row)
			if err != nil {
				return err
			}
			plan.existing[index[ext]] = id
			return nil
		}, `SELECT external_id, id FROM purchases WHERE external_id IN (`+placeholders(len(chunk))+`)`, chunk...)
	})
}

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
	if err := tx.insertPurchases(ctx, plan, fresh); err != nil {
		return err
	}
	if err := tx.insertLines(ctx, plan, append(replaced, fresh...)); err != nil {
		return err
	}
	return tx.advanceFirstSeen(ctx, plan)
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

func (tx *Tx) insertPurchases(ctx context.Context, plan *purchasePlan, fresh []int) error {
	t := now()
	for start := 0; start < len(fresh); start += purchaseChunk {
		chunk := fresh[start:min(start+purchaseChunk, len(fresh))]
		args := make([]any, 0, len(chunk)*purchaseRowArgs)
		for _, i := range chunk {
			p := plan.batch[i]
			p.CreatedAt = t
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

func (tx *Tx) insertLines(ctx context.Context, plan *purchasePlan, indexes []int) error {
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
	for _, i := range indexes {
		p := plan.batch[i]
		for n := range p.Lines {
			l := &p.Lines[n]
			if l.SKU != "" {
				l.ProductID = plan.products[l.SKU]
			}
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
			channel = ?, served_by = ?, promotion_code = ?, total = ?, items = ? WHERE id = ?`,
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

// Purchase returns the purchase with the given id, with its lines.
func (db *DB) Purchase(ctx context.Context, id int64) (*fresco.Purchase, error) {
	list, err := db.queryPurchases(ctx, `SELECT `+purchaseColumns+` FROM purchases WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, fresco.Errorf(fresco.ENOTFOUND, "purchase %d not found", id)
	}
	return list[0], nil
}

// PurchaseByExternalID returns the purchase with the given external id.
func (db *DB) PurchaseByExternalID(ctx context.Context, externalID string) (*fresco.Purchase, error) {
	list, err := db.queryPurchases(ctx, `SELECT `+purchaseColumns+` FROM purchases WHERE external_id = ?`, externalID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, fresco.Errorf(fresco.ENOTFOUND, "purchase with external_id %q not found", externalID)
	}
	return list[0], nil
}

// PurchaseFilter selects purchases for a list.
type PurchaseFilter struct {
	CustomerID, LocationID, ServedBy *int64
	From, To                         time.Time // [From, To); zero means open
	Cursor                           string
	Limit                            int
}

// ListPurchases returns a page of purchases with their lines, ordered by id.
func (db *DB) ListPurchases(ctx context.Context, f PurchaseFilter) ([]*fresco.Purchase, string, error) {
	after, err := decodeCursor(f.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	where, args := []string{"id > ?"}, []any{after}
	for _, c := range []struct {
		column string
		value  *int64
	}{{"customer_id", f.CustomerID}, {"location_id", f.LocationID}, {"served_by", f.ServedBy}} {
		if c.value != nil {
			where = append(where, c.column+" = ?")
			args = append(args, *c.value)
		}
	}
	if !f.From.IsZero() {
		where, args = append(where, "purchased_at >= ?"), append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		where, args = append(where, "purchased_at < ?"), append(args, f.To.UTC())
	}
	args = append(args, limit)
	list, err := db.queryPurchases(ctx, `SELECT `+purchaseColumns+` FROM purchases WHERE `+
		strings.Join(where, " AND ")+` ORDER BY id LIMIT ?`, args...)
	if err != nil {
		return nil, "", err
	}
	var last int64
	if len(list) > 0 {
		last = list[len(list)-1].ID
	}
	return list, nextCursor(len(list), limit, last), nil
}

func (db *DB) queryPurchases(ctx context.Context, query string, args ...any) ([]*fresco.Purchase, error) {
	list, err := queryAll(ctx, db, scanPurchase, query, args...)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*fresco.Purchase, len(list))
	for _, p := range list {
		byID[p.ID] = p
	}
	return list, db.loadLines(ctx, byID)
}

func scanPurchase(row rowScanner) (*fresco.Purchase, error) {
	var (
		p                         fresco.Purchase
		ext                       sql.NullString
		customer, location, staff sql.NullInt64
	)
	if err := row.Scan(&p.ID, &ext, &customer, &p.PurchasedAt, &location, &p.Channel, &staff, &p.PromotionCode, &p.CreatedAt); err != nil {
		return nil, err
	}
	p.ExternalID = ext.String
	p.CustomerID, p.LocationID, p.ServedBy = ptrID(customer), ptrID(location), ptrID(staff)
	p.PurchasedAt, p.CreatedAt = p.PurchasedAt.UTC(), p.CreatedAt.UTC()
	return &p, nil
}

func (db *DB) loadLines(ctx context.Context, byID map[int64]*fresco.Purchase) error {
	ids := make([]any, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	return forChunks(ids, func(chunk []any) error {
		return queryEach(ctx, db, func(row rowScanner) error {
			var id int64
			var l fresco.PurchaseLine
			var price, discount int64
			if err := row.Scan(&id, &l.ProductID, &l.SKU, &l.Description, &l.Quantity, &price, &discount); err != nil {
				return err
			}
			l.UnitPrice, l.Discount = fresco.Money(price), fresco.Money(discount)
			byID[id].Lines = append(byID[id].Lines, l)
			return nil
		}, `SELECT l.purchase_id, l.product_id, p.sku, l.description, l.quantity, l.unit_price, l.discount
			FROM purchase_lines l JOIN products p ON p.id = l.product_id
			WHERE l.purchase_id IN (`+placeholders(len(chunk))+`) ORDER BY l.purchase_id, l.line_no`, chunk...)
	})
}

// CustomerSummary is what a customer has bought, in total.
type CustomerSummary struct {
	Purchases     int // purchases with a positive total
	Refunds       int // purchases with a negative total (refunds, cancellations)
	Revenue       fresco.Money
	Items         int64
	FirstPurchase *time.Time
	LastPurchase  *time.Time
}

// CustomerSummary totals a customer's purchases.
func (db *DB) CustomerSummary(ctx context.Context, customerID int64) (*CustomerSummary, error) {
	var (
		s           CustomerSummary
		revenue     int64
		first, last any
	)
	err := db.QueryRow(ctx, `SELECT
			COALESCE(SUM(CASE WHEN total > 0 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN total < 0 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(total), 0), COALESCE(SUM(items), 0),
			MIN(purchased_at), MAX(purchased_at)
		FROM purchases WHERE customer_id = ?`, customerID).Scan(&s.Purchases, &s.Refunds, &revenue, &s.Items, &first, &last)
	if err != nil {
		return nil, err
	}
	s.Revenue = fresco.Money(revenue)
	if s.FirstPurchase, err = anyTime(first); err != nil {
		return nil, err
	}
	if s.LastPurchase, err = anyTime(last); err != nil {
		return nil, err
	}
	return &s, nil
}

// IdempotencyKeyTTL is how long the response to an Idempotency-Key is
// replayed; older keys are forgotten (and pruned by the housekeeping job).
const IdempotencyKeyTTL = 24 * time.Hour

// IdempotentResponse returns the response stored for an Idempotency-Key
// within IdempotencyKeyTTL.
func (db *DB) IdempotentResponse(ctx context.Context, key string) (requestHash string, status int, body []byte, found bool, err error) {
	var response string
	err = db.QueryRow(ctx, `SELECT request_hash, status, response FROM idempotency_keys WHERE key = ? AND created_at >= ?`,
		key, now().Add(-IdempotencyKeyTTL)).Scan(&requestHash, &status, &response)
	if err == sql.ErrNoRows {
		return "", 0, nil, false, nil
	}
	if err != nil {
		return "", 0, nil, false, err
	}
	return requestHash, status, []byte(response), true, nil
}

// SaveIdempotentResponse stores the response to replay for an Idempotency-Key.
// The first response stored for a key wins, until it is older than
// IdempotencyKeyTTL: then the key is free for a new request.
func (db *DB) SaveIdempotentResponse(ctx context.Context, key, requestHash string, status int, body []byte) error {
	at := now()
	_, err := db.Exec(ctx, `INSERT INTO idempotency_keys (key, request_hash, status, response, created_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET request_hash = excluded.request_hash, status = excluded.status,
			response = excluded.response, created_at = excluded.created_at
		WHERE idempotency_keys.created_at < ?`, key, requestHash, status, string(body), at, at.Add(-IdempotencyKeyTTL))
	return err
}

// DeleteIdempotencyKeysBefore forgets keys older than t (see IdempotencyKeyTTL).
func (db *DB) DeleteIdempotencyKeysBefore(ctx context.Context, t time.Time) (int64, error) {
	res, err := db.Exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`, t.UTC())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
