package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

const customerColumns = `id, external_id, name, email, phone, address,
	consent_surveys, consent_marketing, consent_personalisation,
	acquisition_source, referred_by, first_seen, tags, created_at, updated_at, version,
	locale, email_undeliverable_at, consent_referral`

// Customers, products, employees, locations and teams carry a version for
// optimistic locking: every UPDATE of them sets version = version + 1, and a
// writer that must not lose a concurrent change updates
// WHERE id = ? AND version = COALESCE(?, version) with the version it read, so
// that the check and the write are one statement (no read-then-write race on
// either engine). The helpers below are shared by those five files.

// AnyVersion, as the version an update expects, lets it overwrite whatever
// version is stored: the last writer wins.
const AnyVersion int64 = 0

// expectedVersion is the argument for "version = COALESCE(?, version)": NULL
// matches any version.
func expectedVersion(version int64) any {
	if version == AnyVersion {
		return nil
	}
	return version
}

// staleOrMissing explains why a versioned UPDATE of table matched no row:
// the record is gone (ENOTFOUND) or has moved past the version the writer
// expected (ESTALE). The table name is one of ours, never user input.
func (tx *Tx) staleOrMissing(ctx context.Context, table, what string, id, expected int64) error {
	var current int64
	err := tx.QueryRow(ctx, `SELECT version FROM `+table+` WHERE id = ?`, id).Scan(&current)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fresco.Errorf(fresco.ENOTFOUND, "%s %d not found", what, id)
	case err != nil:
		return err
	}
	return fresco.Errorf(fresco.ESTALE, "%s %d has changed since version %d (it is now at version %d); nothing was written",
		what, id, expected, current)
}

// versionedWriteError maps the error of a versioned "UPDATE … RETURNING
// version": no row means a missing or stale record, anything else goes
// through writeError (the record's unique and foreign keys).
func (tx *Tx) versionedWriteError(ctx context.Context, err error, table, what string, id, expected int64, writeError func(error) error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return tx.staleOrMissing(ctx, table, what, id, expected)
	}
	return writeError(err)
}

func scanCustomer(row rowScanner) (*fresco.Customer, error) {
	var (
		c          fresco.Customer
		externalID sql.NullString
		referredBy sql.NullInt64
		tags       string
		bounced    sql.NullTime
	)
	err := row.Scan(&c.ID, &externalID, &c.Name, &c.Email, &c.Phone, &c.Address,
		&c.ConsentSurveys, &c.ConsentMarketing, &c.ConsentPersonalisation,
		&c.AcquisitionSource, &referredBy, &c.FirstSeen, &tags, &c.CreatedAt, &c.UpdatedAt, &c.Version,
		&c.Locale, &bounced, &c.ConsentReferral)
	if err != nil {
		return nil, err
	}
	c.EmailUndeliverableAt = ptrTime(bounced)
	c.ExternalID = externalID.String
	c.ReferredBy = ptrID(referredBy)
	c.Tags = decodeTags(tags)
	c.FirstSeen, c.CreatedAt, c.UpdatedAt = c.FirstSeen.UTC(), c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return &c, nil
}

// CreateCustomer stores a new customer and sets its ID and timestamps.
func (db *DB) CreateCustomer(ctx context.Context, c *fresco.Customer) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.CreateCustomer(ctx, c) })
}

// CreateCustomer stores a new customer within the transaction.
func (tx *Tx) CreateCustomer(ctx context.Context, c *fresco.Customer) error {
	if err := c.Validate(); err != nil {
		return err
	}
	t := now()
	c.CreatedAt, c.UpdatedAt = t, t
	if c.FirstSeen.IsZero() {
		c.FirstSeen = t
	}
	c.FirstSeen = c.FirstSeen.UTC()
	err := tx.QueryRow(ctx, `INSERT INTO customers (external_id, name, email, phone, address,
		consent_surveys, consent_marketing, consent_personalisation,
		acquisition_source, referred_by, first_seen, tags, created_at, updated_at, locale, consent_referral)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id, version`,
		nullString(c.ExternalID), c.Name, c.Email, c.Phone, c.Address,
		c.ConsentSurveys, c.ConsentMarketing, c.ConsentPersonalisation,
		c.AcquisitionSource, nullID(c.ReferredBy), c.FirstSeen, encodeTags(c.Tags), c.CreatedAt, c.UpdatedAt, c.Locale, c.ConsentReferral,
	).Scan(&c.ID, &c.Version)
	return customerWriteError(err, c)
}

func customerWriteError(err error, c *fresco.Customer) error {
	switch {
	case err == nil:
		return nil
	case isUniqueViolation(err):
		return conflict("external_id", "a customer with external_id %q already exists", c.ExternalID)
	case isForeignKeyViolation(err):
		return invalid("referred_by", "customer %d does not exist", *c.ReferredBy)
	default:
		return err
	}
}

// Customer returns the customer with the given id.
func (db *DB) Customer(ctx context.Context, id int64) (*fresco.Customer, error) {
	c, err := scanCustomer(db.QueryRow(ctx, `SELECT `+customerColumns+` FROM customers WHERE id = ?`, id))
	return c, notFound(err, "customer", id)
}

// Customer returns the customer with the given id, within the transaction.
func (tx *Tx) Customer(ctx context.Context, id int64) (*fresco.Customer, error) {
	c, err := scanCustomer(tx.QueryRow(ctx, `SELECT `+customerColumns+` FROM customers WHERE id = ?`, id))
	return c, notFound(err, "customer", id)
}

// CustomerByEmail returns the customer with the address (compared without
// case); when several share it, the one seen most recently.
func (tx *Tx) CustomerByEmail(ctx context.Context, address string) (*fresco.Customer, error) {
	c, err := scanCustomer(tx.QueryRow(ctx, `SELECT `+customerColumns+` FROM customers
		WHERE LOWER(email) = ? ORDER BY updated_at DESC, id DESC LIMIT 1`, normalizeEmail(address)))
	return c, notFound(err, "customer with e-mail", address)
}

// CustomerByExternalID returns the customer with the given external id.
func (db *DB) CustomerByExternalID(ctx context.Context, externalID string) (*fresco.Customer, error) {
	c, err := scanCustomer(db.QueryRow(ctx, `SELECT `+customerColumns+` FROM customers WHERE external_id = ?`, externalID))
	return c, notFound(err, "customer with external_id", externalID)
}

// UpdateCustomer writes every field of c over the stored customer c.ID,
// whatever its version, and sets c.Version to the new version.
func (db *DB) UpdateCustomer(ctx context.Context, c *fresco.Customer) error {
	return db.UpdateCustomerIfVersion(ctx, c, AnyVersion)
}

// UpdateCustomerIfVersion is UpdateCustomer for a writer that read the
// customer at version: when the stored customer has moved past it, nothing is
// written and the error is ESTALE.
func (db *DB) UpdateCustomerIfVersion(ctx context.Context, c *fresco.Customer, version int64) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.updateCustomer(ctx, c, version) })
}

// UpdateCustomer writes every field of c over the stored customer c.ID.
func (tx *Tx) UpdateCustomer(ctx context.Context, c *fresco.Customer) error {
	return tx.updateCustomer(ctx, c, AnyVersion)
}

func (tx *Tx) updateCustomer(ctx context.Context, c *fresco.Customer, version int64) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if c.ReferredBy != nil {
		if err := tx.checkNoReferralCycle(ctx, c.ID, *c.ReferredBy); err != nil {
			return err
		}
	}
	c.UpdatedAt = now()
	// A new address has not bounced: the mark goes with the old one.
	var bounced sql.NullTime
	err := tx.QueryRow(ctx, `UPDATE customers SET external_id = ?, name = ?, email = ?, phone = ?, address = ?,
		consent_surveys = ?, consent_marketing = ?, consent_personalisation = ?,
		acquisition_source = ?, referred_by = ?, first_seen = ?, tags = ?, updated_at = ?, locale = ?, consent_referral = ?,
		email_undeliverable_at = CASE WHEN email = ? THEN email_undeliverable_at END, version = version + 1
		WHERE id = ? AND version = COALESCE(?, version) RETURNING version, email_undeliverable_at`,
		nullString(c.ExternalID), c.Name, c.Email, c.Phone, c.Address,
		c.ConsentSurveys, c.ConsentMarketing, c.ConsentPersonalisation,
		c.AcquisitionSource, nullID(c.ReferredBy), c.FirstSeen.UTC(), encodeTags(c.Tags), c.UpdatedAt, c.Locale, c.ConsentReferral,
		c.Email, c.ID, expectedVersion(version),
	).Scan(&c.Version, &bounced)
	c.EmailUndeliverableAt = ptrTime(bounced)
	if err != nil {
		return tx.versionedWriteError(ctx, err, "customers", "customer", c.ID, version,
			func(err error) error { return customerWriteError(err, c) })
	}
	if !c.ConsentReferral {
		// A customer who no longer agrees to pass a link on has no live
		// link: the one they were given stops working with the consent.
		return tx.RevokeReferralCodes(ctx, c.ID, c.UpdatedAt)
	}
	return nil
}

// MarkEmailUndeliverable records that mail to address bounced for good on
// every customer who has it (compared without case), and returns how many
// customers that was. Nothing more is sent to the address until a customer's
// e-mail changes.
func (tx *Tx) MarkEmailUndeliverable(ctx context.Context, address string, at time.Time) (int64, error) {
	res, err := tx.Exec(ctx, `UPDATE customers SET email_undeliverable_at = ?, updated_at = ?, version = version + 1
		WHERE LOWER(email) = ? AND email_undeliverable_at IS NULL`, at.UTC(), now(), normalizeEmail(address))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// checkNoReferralCycle refuses a referrer who was (directly or down the
// chain) referred by the customer: referral value is summed along chains,
// and a cycle would count money forever.
func (tx *Tx) checkNoReferralCycle(ctx context.Context, customerID, referrer int64) error {
	cycle, err := referralCycle(ctx, tx, customerID, referrer)
	if err != nil {
		return err
	}
	if cycle {
		return invalid("referred_by", "customer %d is already down this customer's referral chain", referrer)
	}
	return nil
}

// CustomerFilter selects customers for a list.
type CustomerFilter struct {
	Search            string // matches name, e-mail, phone or external id, case-insensitively
	AcquisitionSource string
	ReferredBy        *int64
	Tag               string
	Cursor            string
	Limit             int
}

// ListCustomers returns a page of customers ordered by id, and the cursor of
// the next page ("" at the end).
func (db *DB) ListCustomers(ctx context.Context, f CustomerFilter) ([]*fresco.Customer, string, error) {
	var w conditions
	if s := strings.TrimSpace(f.Search); s != "" {
		like := "%" + strings.ToLower(s) + "%"
		w.add("(LOWER(name) LIKE ? OR LOWER(email) LIKE ? OR phone LIKE ? OR LOWER(COALESCE(external_id, '')) LIKE ?)", like, like, like, like)
	}
	w.textIs("acquisition_source", f.AcquisitionSource)
	w.idIs("referred_by", f.ReferredBy)
	if f.Tag != "" {
		w.add("tags LIKE ?", `%"`+strings.ReplaceAll(f.Tag, `"`, ``)+`"%`)
	}
	return listPage(ctx, db, customerColumns, "customers", &w, f.Cursor, f.Limit, scanCustomer,
		func(x *fresco.Customer) int64 { return x.ID })
}

// UpsertCustomer stores c by external id: a new customer is created, an
// existing one gets every field of c. It sets c.ID and reports which it was.
func (db *DB) UpsertCustomer(ctx context.Context, c *fresco.Customer) (created bool, err error) {
	if c.ExternalID == "" {
		return false, invalid("external_id", "is required to import a customer")
	}
	err = db.InTx(ctx, func(tx *Tx) error {
		var id int64
		var firstSeen any
		err := tx.QueryRow(ctx, `SELECT id, first_seen FROM customers WHERE external_id = ?`, c.ExternalID).Scan(&id, &firstSeen)
		if err == sql.ErrNoRows {
			created = true
			return tx.CreateCustomer(ctx, c)
		}
		if err != nil {
			return err
		}
		c.ID = id
		if c.FirstSeen.IsZero() {
			if t, err := anyTime(firstSeen); err == nil && t != nil {
				c.FirstSeen = *t
			}
		}
		return tx.UpdateCustomer(ctx, c)
	})
	return created, err
}

// EnsureCustomers returns the ids of the customers with the given external
// ids, creating a bare record (external id, first seen) for each one not yet
// known. The importer uses it to attach purchases to customers it has only
// seen as an id in a purchase file. An external id a customer could not be
// created with (blank, holding a NUL) fails the call with EINVALID on
// external_id before anything is read or written: PostgreSQL cannot store a
// NUL, and SQLite would.
func (db *DB) EnsureCustomers(ctx context.Context, firstSeen map[string]time.Time) (map[string]int64, error) {
	ids := make(map[string]int64, len(firstSeen))
	keys := make([]any, 0, len(firstSeen))
	for ext := range firstSeen {
		if strings.TrimSpace(ext) == "" {
			return nil, invalid("external_id", "is required")
		}
		if err := (&fresco.Customer{ExternalID: ext}).Validate(); err != nil {
			return nil, err
		}
		keys = append(keys, ext)
	}
	err := forChunks(keys, func(chunk []any) error {
		return queryMap(ctx, db, ids, scanPair[string, int64],
			`SELECT external_id, id FROM customers WHERE external_id IN (`+placeholders(len(chunk))+`)`, chunk...)
	})
	if err != nil || len(ids) == len(firstSeen) {
		return ids, err
	}
	// In external-id order, so that two imports adding the same customers
	// lock them in the same order and cannot deadlock on PostgreSQL.
	slices.SortFunc(keys, func(a, b any) int { return strings.Compare(a.(string), b.(string)) })
	t := now()
	var rows [][]any
	for _, k := range keys {
		if ext := k.(string); ids[ext] == 0 {
			rows = append(rows, []any{ext, utc(firstSeen[ext]), t, t})
		}
	}
	err = db.InTx(ctx, func(tx *Tx) error {
		if err := tx.insertBareCustomers(ctx, rows, ids); err != nil {
			return fmt.Errorf("add customers: %w", err)
		}
		return nil
	})
	return ids, err
}

// insertBareCustomers adds rows of (external_id, first_seen, created_at,
// updated_at) and reads their ids into ids; ON CONFLICT, another import may
// have created one meanwhile. On PostgreSQL the acquisition rollup's row
// trigger is deferred (migration 00065) and the statement counts the
// customers it inserted itself, per source and shard: the trigger looked
// up and upserted the same few rollup rows for every customer, each time
// through a longer chain of their versions in the transaction, about 40 µs
// a customer and a twelfth of the server's work of an import. A new
// customer has no purchases, so it adds no repeat buyer and no revenue.
func (tx *Tx) insertBareCustomers(ctx context.Context, rows [][]any, ids map[string]int64) error {
	head, tail := `INSERT INTO customers (external_id, first_seen, created_at, updated_at) VALUES `,
		` ON CONFLICT (external_id) DO UPDATE SET external_id = excluded.external_id RETURNING external_id, id`
	if tx.Dialect() != Postgres {
		return tx.upsertIDs(ctx, head, `(?, ?, ?, ?)`, tail, rows, ids)
	}
	if err := tx.deferRollups(ctx, true); err != nil {
		return err
	}
	err := tx.upsertIDs(ctx, `WITH added AS (`+head, `(?, ?, ?, ?)`, tail+`, acquisition_source, xmax = 0 AS inserted),
		counted AS (INSERT INTO acquisition_rollup AS a (source, shard, customers, repeat, revenue)
			SELECT acquisition_source, id % 16, COUNT(*), 0, 0 FROM added WHERE inserted GROUP BY 1, 2 ORDER BY 1, 2
			ON CONFLICT (source, shard) DO UPDATE SET customers = a.customers + excluded.customers)
		SELECT external_id, id FROM added`, rows, ids)
	if err != nil {
		return err
	}
	return tx.deferRollups(ctx, false)
}

// CustomerName returns the customer's name (or e-mail when nameless).
func (tx *Tx) CustomerName(ctx context.Context, id int64) (string, error) {
	var name, email string
	err := tx.QueryRow(ctx, `SELECT name, email FROM customers WHERE id = ?`, id).Scan(&name, &email)
	if name == "" {
		name = email
	}
	return name, notFound(err, "customer", id)
}

func encodeTags(tags []string) string {
	if len(tags) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(tags)
	return string(b)
}

func decodeTags(s string) []string {
	var tags []string
	json.Unmarshal([]byte(s), &tags)
	return tags
}
