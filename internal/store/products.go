package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
)

const productColumns = `id, sku, name, category, list_price, unit_cost, created_at, updated_at, version`

func scanProduct(row rowScanner) (*fresco.Product, error) {
	var p fresco.Product
	err := row.Scan(&p.ID, &p.SKU, &p.Name, &p.Category, &p.ListPrice, &p.UnitCost, &p.CreatedAt, &p.UpdatedAt, &p.Version)
	if err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return &p, nil
}

func productWriteError(err error, p *fresco.Product) error {
	switch {
	case err == nil:
		return nil
	case isUniqueViolation(err):
		return conflict("sku", "a product with sku %q already exists", p.SKU)
	default:
		return err
	}
}

// CreateProduct stores a new product and sets its ID and timestamps.
func (db *DB) CreateProduct(ctx context.Context, p *fresco.Product) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.CreateProduct(ctx, p) })
}

// CreateProduct stores a new product within the transaction.
func (tx *Tx) CreateProduct(ctx context.Context, p *fresco.Product) error {
	if err := p.Validate(); err != nil {
		return err
	}
	t := now()
	p.CreatedAt, p.UpdatedAt = t, t
	err := tx.QueryRow(ctx, `INSERT INTO products (sku, name, category, list_price, unit_cost, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id, version`,
		p.SKU, p.Name, p.Category, p.ListPrice, p.UnitCost, p.CreatedAt, p.UpdatedAt,
	).Scan(&p.ID, &p.Version)
	return productWriteError(err, p)
}

// Product returns the product with the given id.
func (db *DB) Product(ctx context.Context, id int64) (*fresco.Product, error) {
	return productByID(ctx, db, id)
}

// Product returns the product with the given id, as the transaction sees it.
func (tx *Tx) Product(ctx context.Context, id int64) (*fresco.Product, error) {
	return productByID(ctx, tx, id)
}

func productByID(ctx context.Context, q Querier, id int64) (*fresco.Product, error) {
	p, err := scanOne(ctx, q, scanProduct, `SELECT `+productColumns+` FROM products WHERE id = ?`, id)
	return p, notFound(err, "product", id)
}

// ProductBySKU returns the product with the given SKU (an exact match).
func (db *DB) ProductBySKU(ctx context.Context, sku string) (*fresco.Product, error) {
	return productBySKU(ctx, db, sku)
}

// ProductBySKU returns the product with the given SKU, as the transaction sees it.
func (tx *Tx) ProductBySKU(ctx context.Context, sku string) (*fresco.Product, error) {
	return productBySKU(ctx, tx, sku)
}

func productBySKU(ctx context.Context, q Querier, sku string) (*fresco.Product, error) {
	p, err := scanOne(ctx, q, scanProduct, `SELECT `+productColumns+` FROM products WHERE sku = ?`, sku)
	return p, notFound(err, "product with sku", sku)
}

// UpdateProduct writes every field of p over the stored product p.ID,
// whatever its version, and sets p.Version to the new version.
func (db *DB) UpdateProduct(ctx context.Context, p *fresco.Product) error {
	return db.UpdateProductIfVersion(ctx, p, AnyVersion)
}

// UpdateProductIfVersion is UpdateProduct for a writer that read the product
// at version: when the stored product has moved past it, nothing is written
// and the error is ESTALE.
func (db *DB) UpdateProductIfVersion(ctx context.Context, p *fresco.Product, version int64) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.updateProduct(ctx, p, version) })
}

// UpdateProduct writes every field of p over the stored product p.ID.
func (tx *Tx) UpdateProduct(ctx context.Context, p *fresco.Product) error {
	return tx.updateProduct(ctx, p, AnyVersion)
}

func (tx *Tx) updateProduct(ctx context.Context, p *fresco.Product, version int64) error {
	if err := p.Validate(); err != nil {
		return err
	}
	p.UpdatedAt = now()
	err := tx.QueryRow(ctx, `UPDATE products SET sku = ?, name = ?, category = ?, list_price = ?, unit_cost = ?,
		updated_at = ?, version = version + 1
		WHERE id = ? AND version = COALESCE(?, version) RETURNING version`,
		p.SKU, p.Name, p.Category, p.ListPrice, p.UnitCost, p.UpdatedAt, p.ID, expectedVersion(version),
	).Scan(&p.Version)
	return tx.versionedWriteError(ctx, err, "products", "product", p.ID, version,
		func(err error) error { return productWriteError(err, p) })
}

// UpsertProduct stores p by SKU, for the importer: it inserts a new product,
// or updates the name, category and prices of the product that already has
// p.SKU. It sets p.ID and the timestamps, and reports whether it inserted.
func (db *DB) UpsertProduct(ctx context.Context, p *fresco.Product) (created bool, err error) {
	err = db.InTx(ctx, func(tx *Tx) error {
		created, err = tx.UpsertProduct(ctx, p)
		return err
	})
	return created, err
}

// UpsertProduct stores p by SKU within the transaction; see DB.UpsertProduct.
//
// The insert is tried first with ON CONFLICT DO NOTHING, so two concurrent
// upserts of a new SKU cannot both insert: the loser finds no row returned
// and updates the winner's row instead.
func (tx *Tx) UpsertProduct(ctx context.Context, p *fresco.Product) (created bool, err error) {
	if err := p.Validate(); err != nil {
		return false, err
	}
	t := now()
	err = tx.QueryRow(ctx, `INSERT INTO products (sku, name, category, list_price, unit_cost, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sku) DO NOTHING RETURNING id, version`,
		p.SKU, p.Name, p.Category, p.ListPrice, p.UnitCost, t, t).Scan(&p.ID, &p.Version)
	switch {
	case err == nil:
		p.CreatedAt, p.UpdatedAt = t, t
		return true, nil
	case !errors.Is(err, sql.ErrNoRows):
		return false, err
	}
	err = tx.QueryRow(ctx, `UPDATE products SET name = ?, category = ?, list_price = ?, unit_cost = ?, updated_at = ?,
		version = version + 1
		WHERE sku = ? RETURNING id, created_at, version`,
		p.Name, p.Category, p.ListPrice, p.UnitCost, t, p.SKU,
	).Scan(&p.ID, &p.CreatedAt, &p.Version)
	if err != nil {
		return false, err
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), t
	return false, nil
}

// ProductFilter selects products for a list.
type ProductFilter struct {
	Search   string // matches SKU or name, case-insensitively
	Category string // exact match
	Cursor   string
	Limit    int
}

// ListProducts returns a page of products ordered by id, and the cursor of
// the next page ("" at the end).
func (db *DB) ListProducts(ctx context.Context, f ProductFilter) ([]*fresco.Product, string, error) {
	var w conditions
	if s := strings.TrimSpace(f.Search); s != "" {
		like := "%" + strings.ToLower(s) + "%"
		w.add("(LOWER(sku) LIKE ? OR LOWER(name) LIKE ?)", like, like)
	}
	w.textIs("category", f.Category)
	return listPage(ctx, db, productColumns, "products", &w, f.Cursor, f.Limit, scanProduct,
		func(x *fresco.Product) int64 { return x.ID })
}
