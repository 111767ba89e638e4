package store

// Purchases are written in bulk: the batch API and the importer send
// thousands at a time. SavePurchases validates every purchase and resolves
// every reference with a handful of set queries (purchase_plan.go),
// allocates ids up front and then writes purchases and lines with multi-row
// INSERTs in one transaction (purchase_write.go). Each purchase is stored
// whole or not at all: a purchase with a bad field or a dangling reference
// is rejected before anything is written, and if the transaction itself
// fails the batch falls back to one transaction per purchase so that one bad
// row cannot sink its neighbours.

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

const (
	purchaseColumns = `id, external_id, customer_id, purchased_at, location_id, channel, served_by, promotion_code, created_at, version`
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
	return db.UpdatePurchaseIfVersion(ctx, p, AnyVersion)
}

// UpdatePurchaseIfVersion is UpdatePurchase for a writer that read the
// purchase at version: when it has moved on, nothing is written and the
// error is ESTALE.
func (db *DB) UpdatePurchaseIfVersion(ctx context.Context, p *fresco.Purchase, version int64) error {
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
	plan, err := planPurchases(ctx, db, batch)
	if err != nil {
		return err
	}
	if plan.results[0].Err != nil {
		return plan.results[0].Err
	}
	plan.existing[0] = p.ID
	return db.InTx(ctx, func(tx *Tx) error {
		// Customers before the purchase, in the order a batch locks them
		// (writePlan), so that the two cannot deadlock.
		if err := tx.lockPurchaseCustomers(ctx, plan, nil, []int{0}); err != nil {
			return err
		}
		// Check the version and lock the row in one statement: the row lock
		// (PostgreSQL) or the write lock (SQLite) holds until the new lines
		// are written, and writePlan moves the version on.
		err := tx.QueryRow(ctx, `UPDATE purchases SET version = version WHERE id = ? AND version = COALESCE(?, version) RETURNING version`,
			p.ID, expectedVersion(version)).Scan(&p.Version)
		if err != nil {
			return tx.versionedWriteError(ctx, err, "purchases", "purchase", p.ID, version, func(err error) error { return err })
		}
		p.Version++
		return tx.writePlan(ctx, plan)
	})
}

// SavePurchases stores a batch of purchases, each whole or not at all, and
// reports per purchase. A purchase whose external_id is already stored
// replaces it ("updated"). The error is for failures of the database itself.
// The batch is planned through the reader pool and written in one
// transaction; if that fails, each purchase gets a transaction of its own.
func (db *DB) SavePurchases(ctx context.Context, batch []*fresco.Purchase) ([]BatchResult, error) {
	return savePurchases(ctx, db, batch, func(plan *purchasePlan) error {
		return db.InTx(ctx, func(tx *Tx) error { return tx.writePlan(ctx, plan) })
	})
}

// SavePurchases is DB.SavePurchases inside tx, so that the batch commits
// together with whatever else the transaction writes (the answer to its
// Idempotency-Key). It plans through the transaction, and a purchase written
// on its own gets a savepoint instead of a transaction.
func (tx *Tx) SavePurchases(ctx context.Context, batch []*fresco.Purchase) ([]BatchResult, error) {
	return savePurchases(ctx, tx, batch, func(plan *purchasePlan) error {
		return tx.savepoint(ctx, func() error { return tx.writePlan(ctx, plan) })
	})
}

// savePurchases plans the batch through q and writes it with write. If the
// whole batch fails at the database, each purchase is planned and written on
// its own, and the one that fails is rejected, so that one bad row cannot
// sink its neighbours.
func savePurchases(ctx context.Context, q Querier, batch []*fresco.Purchase, write func(*purchasePlan) error) ([]BatchResult, error) {
	if len(batch) > MaxBatchPurchases {
		return nil, fresco.Errorf(fresco.ETOOLARGE, "a batch holds at most %d purchases (got %d)", MaxBatchPurchases, len(batch))
	}
	plan, err := planPurchases(ctx, q, batch)
	if err != nil {
		return nil, err
	}
	err = write(plan)
	switch {
	case err == nil:
		return plan.results, nil
	case ctx.Err() != nil:
		return nil, ctx.Err()
	}
	results := plan.results
	for i, p := range batch {
		if results[i].Status == StatusRejected {
			continue
		}
		single, err := planPurchases(ctx, q, []*fresco.Purchase{p})
		if err != nil {
			return nil, err
		}
		err = write(single)
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

// savepoint runs fn under a savepoint: when fn fails, what it wrote is
// undone and the transaction goes on.
func (tx *Tx) savepoint(ctx context.Context, fn func() error) error {
	if _, err := tx.Exec(ctx, `SAVEPOINT fresco_step`); err != nil {
		return err
	}
	if err := fn(); err != nil {
		if _, rbErr := tx.Exec(ctx, `ROLLBACK TO SAVEPOINT fresco_step`); rbErr != nil {
			return errors.Join(err, rbErr)
		}
		tx.Exec(ctx, `RELEASE SAVEPOINT fresco_step`)
		return err
	}
	_, err := tx.Exec(ctx, `RELEASE SAVEPOINT fresco_step`)
	return err
}

// Purchase returns the purchase with the given id, with its lines.
func (db *DB) Purchase(ctx context.Context, id int64) (*fresco.Purchase, error) {
	p, err := firstRow(db.queryPurchases(ctx, `SELECT `+purchaseColumns+` FROM purchases WHERE id = ?`, id))
	return p, notFound(err, "purchase", id)
}

// PurchaseByExternalID returns the purchase with the given external id.
func (db *DB) PurchaseByExternalID(ctx context.Context, externalID string) (*fresco.Purchase, error) {
	p, err := firstRow(db.queryPurchases(ctx, `SELECT `+purchaseColumns+` FROM purchases WHERE external_id = ?`, externalID))
	return p, notFound(err, "purchase with external_id", strconv.Quote(externalID))
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
	var w conditions
	w.add("id > ?", after)
	w.idIs("customer_id", f.CustomerID)
	w.idIs("location_id", f.LocationID)
	w.idIs("served_by", f.ServedBy)
	w.within("purchased_at", f.From, f.To)
	list, err := db.queryPurchases(ctx, `SELECT `+purchaseColumns+` FROM purchases WHERE `+
		w.sql()+` ORDER BY id LIMIT ?`, append(w.args, limit)...)
	if err != nil {
		return nil, "", err
	}
	return list, pageCursor(list, limit, func(p *fresco.Purchase) int64 { return p.ID }), nil
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
	if err := row.Scan(&p.ID, &ext, &customer, &p.PurchasedAt, &location, &p.Channel, &staff, &p.PromotionCode, &p.CreatedAt, &p.Version); err != nil {
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
