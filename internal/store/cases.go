package store

// Service recovery storage (internal/recovery owns the rules; this file and
// its case_*.go, gestures.go, authority_limits.go, sla_policies.go and
// recurrence.go siblings only read and write rows). A case's story is the
// append-only case_events log; recovery_cases caches what inbox queries need
// (status, owner, SLA state and the next deadline) and is rewritten by the
// service after every event.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

const caseColumns = `id, customer_id, purchase_id, location_id, product_id, source, summary, expectation, details,
	category, status, state, state_reason, owner_id, merged_into, opened_at, first_response_at, resolved_at,
	closed_at, reopen_count, root_cause_category, root_cause_source, follow_through_outcome, sla_status,
	sla_deadline, sla_breached, created_by, created_at, updated_at, source_response_id`

func scanCase(row rowScanner) (*fresco.Case, error) {
	var (
		c                                   fresco.Case
		purchase, location, product, merged sql.NullInt64
		sourceResponse                      sql.NullInt64
		first, resolved, closed, deadline   sql.NullTime
		details                             string
	)
	err := row.Scan(&c.ID, &c.CustomerID, &purchase, &location, &product, &c.Source, &c.Summary, &c.Expectation,
		&details, &c.Category, &c.Status, &c.State, &c.StateReason, &c.OwnerID, &merged, &c.OpenedAt, &first,
		&resolved, &closed, &c.ReopenCount, &c.RootCauseCategory, &c.RootCauseSource, &c.FollowThroughOutcome,
		&c.SLAStatus, &deadline, &c.SLABreached, &c.CreatedBy, &c.CreatedAt, &c.UpdatedAt, &sourceResponse)
	if err != nil {
		return nil, err
	}
	c.PurchaseID, c.LocationID, c.ProductID, c.MergedInto = ptrID(purchase), ptrID(location), ptrID(product), ptrID(merged)
	c.SourceResponseID = ptrID(sourceResponse)
	c.FirstResponseAt, c.ResolvedAt, c.ClosedAt, c.SLADeadline = ptrTime(first), ptrTime(resolved), ptrTime(closed), ptrTime(deadline)
	c.Details = json.RawMessage(details)
	c.OpenedAt, c.CreatedAt, c.UpdatedAt = c.OpenedAt.UTC(), c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return &c, nil
}

// InsertCase stores a new case and sets its ID and timestamps. References
// (customer, purchase, location, product, owner) are checked first and
// reported as EINVALID on their fields.
func (tx *Tx) InsertCase(ctx context.Context, c *fresco.Case) error {
	refs := caseRefs(c)
	if err := tx.checkForeignRefs(ctx, refs...); err != nil {
		return err
	}
	t := now()
	c.CreatedAt, c.UpdatedAt = t, t
	c.OpenedAt = utc(c.OpenedAt)
	err := tx.QueryRow(ctx, `INSERT INTO recovery_cases (customer_id, purchase_id, location_id, product_id, source,
		summary, expectation, details, category, status, state, state_reason, owner_id, opened_at, sla_status,
		created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.CustomerID, nullID(c.PurchaseID), nullID(c.LocationID), nullID(c.ProductID), c.Source,
		c.Summary, c.Expectation, rawJSON(c.Details), c.Category, c.Status, c.State, c.StateReason, c.OwnerID,
		c.OpenedAt, c.SLAStatus, c.CreatedBy, c.CreatedAt, c.UpdatedAt).Scan(&c.ID)
	if isForeignKeyViolation(err) {
		return foreignRefError(refs...)
	}
	return err
}

// ErrResponseHasCase is SetCaseSourceResponse's answer when the response
// already has a case: the transaction must be rolled back.
var ErrResponseHasCase = errors.New("store: the response already has a case")

// SetCaseSourceResponse records that case id was opened from response
// responseID. A response has at most one case (a unique index), so of two
// transactions opening a case from one response, one commits and the other
// gets ErrResponseHasCase — on PostgreSQL after waiting for the first.
func (tx *Tx) SetCaseSourceResponse(ctx context.Context, id, responseID int64) error {
	_, err := tx.Exec(ctx, `UPDATE recovery_cases SET source_response_id = ? WHERE id = ?`, responseID, id)
	if isUniqueViolation(err) {
		return ErrResponseHasCase
	}
	return err
}

// Case returns the case with the given id.
func (db *DB) Case(ctx context.Context, id int64) (*fresco.Case, error) {
	return caseByID(ctx, db, id, "")
}

// CaseForUpdate reads a case and, on PostgreSQL, locks its row until the
// transaction ends (SQLite transactions already hold the write lock), so
// that two changes to one case are serialised.
func (tx *Tx) CaseForUpdate(ctx context.Context, id int64) (*fresco.Case, error) {
	return caseByID(ctx, tx, id, forUpdate(tx))
}

// caseByID reads a case; lock is "" or forUpdate's clause.
func caseByID(ctx context.Context, q Querier, id int64, lock string) (*fresco.Case, error) {
	c, err := scanOne(ctx, q, scanCase, `SELECT `+caseColumns+` FROM recovery_cases WHERE id = ?`+lock, id)
	return c, notFound(err, "case", id)
}

// UpdateCase writes the mutable fields of c in which it differs from
// before, the case as read or inserted in this transaction (nil: every
// field). A case row is in fourteen indexes, and SQLite rewrites an
// index's entry whenever the UPDATE names one of its columns, changed or
// not: writing only the changed fields made each of the past cases' five
// or so updates in the demo cheaper, and moves Fresco's own process marks
// only when what they count changed. Changed references (purchase,
// location, product, owner, merged_into) are checked first and reported
// as EINVALID on their own fields, as InsertCase does.
func (tx *Tx) UpdateCase(ctx context.Context, before, c *fresco.Case) error {
	var (
		set     []string
		args    []any
		changed = map[string]bool{}
	)
	for _, f := range caseFields {
		v := f.value(c)
		if before != nil && sameValue(f.value(before), v) {
			continue
		}
		set, args = append(set, f.column+" = ?"), append(args, v)
		changed[f.column] = true
	}
	refs := slices.DeleteFunc(caseRefs(c), func(r foreignRef) bool { return !changed[r.field] })
	if err := tx.checkForeignRefs(ctx, refs...); err != nil {
		return err
	}
	c.UpdatedAt = now()
	set, args = append(set, "updated_at = ?"), append(args, c.UpdatedAt, c.ID)
	res, err := tx.Exec(ctx, `UPDATE recovery_cases SET `+strings.Join(set, ", ")+` WHERE id = ?`, args...)
	if err != nil {
		if isForeignKeyViolation(err) {
			return foreignRefError(refs...)
		}
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fresco.Errorf(fresco.ENOTFOUND, "case %d not found", c.ID)
	}
	return nil
}

// caseRefs are c's references as checkForeignRefs checks them, each named
// by its column.
func caseRefs(c *fresco.Case) []foreignRef {
	return []foreignRef{
		{field: "customer_id", table: "customers", what: "customer", id: &c.CustomerID},
		{field: "purchase_id", table: "purchases", what: "purchase", id: c.PurchaseID},
		{field: "location_id", table: "locations", what: "location", id: c.LocationID},
		{field: "product_id", table: "products", what: "product", id: c.ProductID},
		{field: "owner_id", table: "employees", what: "employee", id: &c.OwnerID},
		{field: "merged_into", table: "recovery_cases", what: "case", id: c.MergedInto},
	}
}

// caseFields are the mutable columns of recovery_cases, each with its
// value in a case.
var caseFields = []struct {
	column string
	value  func(c *fresco.Case) any
}{
	{"purchase_id", func(c *fresco.Case) any { return nullID(c.PurchaseID) }},
	{"location_id", func(c *fresco.Case) any { return nullID(c.LocationID) }},
	{"product_id", func(c *fresco.Case) any { return nullID(c.ProductID) }},
	{"summary", func(c *fresco.Case) any { return c.Summary }},
	{"expectation", func(c *fresco.Case) any { return c.Expectation }},
	{"details", func(c *fresco.Case) any { return rawJSON(c.Details) }},
	{"category", func(c *fresco.Case) any { return c.Category }},
	{"status", func(c *fresco.Case) any { return c.Status }},
	{"state", func(c *fresco.Case) any { return c.State }},
	{"state_reason", func(c *fresco.Case) any { return c.StateReason }},
	{"owner_id", func(c *fresco.Case) any { return c.OwnerID }},
	{"merged_into", func(c *fresco.Case) any { return nullID(c.MergedInto) }},
	{"first_response_at", func(c *fresco.Case) any { return utcPtr(c.FirstResponseAt) }},
	{"resolved_at", func(c *fresco.Case) any { return utcPtr(c.ResolvedAt) }},
	{"closed_at", func(c *fresco.Case) any { return utcPtr(c.ClosedAt) }},
	{"reopen_count", func(c *fresco.Case) any { return c.ReopenCount }},
	{"root_cause_category", func(c *fresco.Case) any { return c.RootCauseCategory }},
	{"root_cause_source", func(c *fresco.Case) any { return c.RootCauseSource }},
	{"follow_through_outcome", func(c *fresco.Case) any { return c.FollowThroughOutcome }},
	{"sla_status", func(c *fresco.Case) any { return c.SLAStatus }},
	{"sla_deadline", func(c *fresco.Case) any { return utcPtr(c.SLADeadline) }},
	{"sla_breached", func(c *fresco.Case) any { return c.SLABreached }},
}

// sameValue reports whether two values of a caseFields column are equal
// (times as instants).
func sameValue(a, b any) bool {
	if ta, ok := a.(time.Time); ok {
		tb, ok := b.(time.Time)
		return ok && ta.Equal(tb)
	}
	return a == b
}

// CaseFilter selects cases for an inbox or a list.
type CaseFilter struct {
	Statuses   []string // empty: any
	OwnerID    *int64
	WatcherID  *int64 // cases the employee owns or watches
	TeamID     *int64 // cases owned by members of the team
	CustomerID *int64
	LocationID *int64
	// DeadlineBefore selects live cases whose next SLA deadline is before it
	// (or already breached): "breaching soon".
	DeadlineBefore *time.Time
	// AwaitingApproval selects cases with a gesture waiting for a
	// manager's approval; ApprovalAskedBy those where the employee asked
	// for it.
	AwaitingApproval bool
	ApprovalAskedBy  *int64
	// RootCauseSource and RootCauseCategory select closed cases by their
	// root cause ("" any); ClosedFrom and ClosedTo by closing time, in
	// [ClosedFrom, ClosedTo): the cases behind the recovery-sources report.
	RootCauseSource, RootCauseCategory string
	ClosedFrom, ClosedTo               *time.Time
	Cursor                             string
	Limit                              int
}

// ListCases returns a page of cases, newest first by id, and the next cursor.
func (db *DB) ListCases(ctx context.Context, f CaseFilter) ([]*fresco.Case, string, error) {
	after, err := decodeCursor(f.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	w := f.where("")
	if after > 0 {
		w.add("id < ?", after)
	}
	return queryPage(ctx, db, `SELECT `+caseColumns+` FROM recovery_cases WHERE `+w.sql()+` ORDER BY id DESC LIMIT ?`, w.args, limit, scanCase,
		func(x *fresco.Case) int64 { return x.ID })
}

// where is the filter's WHERE clause (without the cursor), its columns
// prefixed with the table's alias t ("" or "k.").
func (f CaseFilter) where(t string) conditions {
	var w conditions
	if len(f.Statuses) > 0 {
		w.add(t+"status IN ("+placeholders(len(f.Statuses))+")", asArgs(f.Statuses)...)
	}
	w.idIs(t+"owner_id", f.OwnerID)
	if f.WatcherID != nil {
		// The ids first, by index: with "owner_id = ? OR id IN (…)"
		// PostgreSQL walked the whole due-date index for the first page of
		// someone who owns and watches nothing (27 ms at 50k cases).
		w.add(t+"id IN (SELECT id FROM recovery_cases WHERE owner_id = ? UNION ALL SELECT case_id FROM case_people WHERE employee_id = ? AND role = 'watcher')", *f.WatcherID, *f.WatcherID)
	}
	if f.TeamID != nil {
		w.add(t+"owner_id IN (SELECT id FROM employees WHERE team_id = ?)", *f.TeamID)
	}
	w.idIs(t+"customer_id", f.CustomerID)
	w.idIs(t+"location_id", f.LocationID)
	if f.DeadlineBefore != nil {
		w.add(t+"status = 'open' AND ("+t+"sla_breached OR ("+t+"sla_deadline IS NOT NULL AND "+t+"sla_deadline < ?))", utc(*f.DeadlineBefore))
	}
	if f.RootCauseSource != "" {
		w.add(t+"root_cause_source = ?", f.RootCauseSource)
	}
	if f.RootCauseCategory != "" {
		w.add(t+"root_cause_category = ?", f.RootCauseCategory)
	}
	if f.ClosedFrom != nil {
		w.add(t+"closed_at >= ?", utc(*f.ClosedFrom))
	}
	if f.ClosedTo != nil {
		w.add(t+"closed_at < ?", utc(*f.ClosedTo))
	}
	switch {
	case f.ApprovalAskedBy != nil:
		w.add(t+"id IN (SELECT case_id FROM gestures WHERE status = 'pending_approval' AND requested_by_employee = ?)", *f.ApprovalAskedBy)
	case f.AwaitingApproval:
		w.add(t + "id IN (SELECT case_id FROM gestures WHERE status = 'pending_approval')")
	}
	return w
}

// OpenCasesOf returns the customer's cases that are not closed or merged.
func (tx *Tx) OpenCasesOf(ctx context.Context, customerID int64) ([]*fresco.Case, error) {
	return queryAll(ctx, tx, scanCase, `SELECT `+caseColumns+` FROM recovery_cases
		WHERE customer_id = ? AND status IN ('open','resolved') ORDER BY id`, customerID)
}

// CustomersNeedingAttention reports which of the customers have a case that
// is open or resolved but not yet closed: staff should know they need
// special attention. Customers without one are absent from the map.
func (db *DB) CustomersNeedingAttention(ctx context.Context, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	err := forChunks(asArgs(ids), func(chunk []any) error {
		return queryMap(ctx, db, out, scanIDSet, `SELECT DISTINCT customer_id FROM recovery_cases
			WHERE status IN ('open','resolved') AND customer_id IN (`+placeholders(len(chunk))+`)`, chunk...)
	})
	return out, err
}

// CustomerNeedsAttention is CustomersNeedingAttention for one customer.
func (db *DB) CustomerNeedsAttention(ctx context.Context, id int64) (bool, error) {
	m, err := db.CustomersNeedingAttention(ctx, []int64{id})
	return m[id], err
}

// MoveCaseRecords re-points the tasks, gestures and people of a merged case
// at the case it was merged into.
func (tx *Tx) MoveCaseRecords(ctx context.Context, from, into int64) error {
	for _, q := range []string{
		`UPDATE case_tasks SET case_id = ? WHERE case_id = ?`,
		`UPDATE gestures SET case_id = ? WHERE case_id = ?`,
		// The e-mail thread goes on in the survivor, and replies to mail
		// sent from the duplicate find it there.
		`UPDATE case_messages SET case_id = ? WHERE case_id = ?`,
		`UPDATE email_messages SET case_id = ? WHERE case_id = ?`,
	} {
		if _, err := tx.Exec(ctx, q, into, from); err != nil {
			return err
		}
	}
	_, err := tx.Exec(ctx, `INSERT INTO case_people (case_id, employee_id, role)
		SELECT ?, employee_id, role FROM case_people WHERE case_id = ?
		ON CONFLICT (case_id, employee_id, role) DO NOTHING`, into, from)
	return err
}

// PurchaseOwner returns the customer and location of a purchase, for checking
// that a case's purchase belongs to its customer.
func (tx *Tx) PurchaseOwner(ctx context.Context, purchaseID int64) (customerID, locationID *int64, err error) {
	a, err := tx.PurchaseAttribution(ctx, purchaseID)
	if err != nil {
		return nil, nil, err
	}
	return a.CustomerID, a.LocationID, nil
}
