package store

// Service recovery storage (internal/recovery owns the rules; this file only
// reads and writes rows). A case's story is the append-only case_events log;
// recovery_cases caches what inbox queries need (status, owner, SLA state and
// the next deadline) and is rewritten by the service after every event.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// Case statuses. A case carries the "needs special attention" flag on its
// customer while it is open or resolved, i.e. until it is closed or merged.
const (
	CaseOpen     = "open"
	CaseResolved = "resolved"
	CaseClosed   = "closed"
	CaseMerged   = "merged"
)

// Case is one service-recovery case as stored.
type Case struct {
	ID                   int64
	CustomerID           int64
	PurchaseID           *int64
	LocationID           *int64
	ProductID            *int64
	Source               string
	Summary              string
	Expectation          string
	Details              json.RawMessage // the incident form: what happened, where, who, …
	Category             string
	Status               string // CaseOpen, CaseResolved, CaseClosed, CaseMerged
	State                string // the SLA state: "open", a waiting state, or "resolved"
	StateReason          string
	OwnerID              int64
	MergedInto           *int64
	OpenedAt             time.Time
	FirstResponseAt      *time.Time
	ResolvedAt           *time.Time
	ClosedAt             *time.Time
	ReopenCount          int
	RootCauseCategory    string
	RootCauseSource      string
	FollowThroughOutcome string
	SLAStatus            string // none, running, paused, warning, breached, met
	SLADeadline          *time.Time
	SLABreached          bool
	CreatedBy            string
	CreatedAt            time.Time
	UpdatedAt            time.Time
}

// CaseEvent is one entry of a case's timeline.
type CaseEvent struct {
	ID     int64
	CaseID int64
	At     time.Time
	Actor  string
	Kind   string
	Body   json.RawMessage
}

// CaseTask is a call-back, follow-through or re-survey to do for a case.
type CaseTask struct {
	ID         int64
	CaseID     int64
	Kind       string // callback, follow_through, resurvey
	Status     string // open, done, cancelled
	DueAt      time.Time
	AssigneeID *int64
	Note       string
	Outcome    string
	Result     json.RawMessage
	CreatedAt  time.Time
	DoneAt     *time.Time
	DoneBy     string
}

// Gesture is one entry of the recovery-gesture ledger.
type Gesture struct {
	ID                  int64
	CaseID              int64
	CustomerID          int64
	PurchaseID          *int64
	Kind                string
	Amount              fresco.Money
	Status              string // granted, pending_approval, rejected
	Note                string
	Letter              string
	RequestedBy         string
	RequestedByEmployee *int64
	RequestedRole       fresco.Role
	LimitReason         string
	DecidedBy           string
	DecidedAt           *time.Time
	DecisionNote        string
	CreatedAt           time.Time
}

// AuthorityLimit is how much one role or one employee may grant without
// approval: per gesture kind, or "*" for the total per case. A nil Amount is
// unlimited.
type AuthorityLimit struct {
	Scope  string // "role:agent" or "employee:12"
	Kind   string
	Amount *fresco.Money
}

// CaseNotification is a message for staff about a case, recorded for the
// notifier to deliver.
type CaseNotification struct {
	ID          int64
	CaseID      int64
	EmployeeID  *int64
	Kind        string
	Message     string
	CreatedAt   time.Time
	DeliveredAt *time.Time
}

// RecurrenceAlert says that one category, product or location has had too
// many cases in a window.
type RecurrenceAlert struct {
	ID         int64
	Dimension  string
	Value      string
	Cases      int
	WindowDays int
	CaseID     *int64
	CreatedAt  time.Time
}

const caseColumns = `id, customer_id, purchase_id, location_id, product_id, source, summary, expectation, details,
	category, status, state, state_reason, owner_id, merged_into, opened_at, first_response_at, resolved_at,
	closed_at, reopen_count, root_cause_category, root_cause_source, follow_through_outcome, sla_status,
	sla_deadline, sla_breached, created_by, created_at, updated_at`

func scanCase(row rowScanner) (*Case, error) {
	var (
		c                                   Case
		purchase, location, product, merged sql.NullInt64
		first, resolved, closed, deadline   sql.NullTime
		details                             string
	)
	err := row.Scan(&c.ID, &c.CustomerID, &purchase, &location, &product, &c.Source, &c.Summary, &c.Expectation,
		&details, &c.Category, &c.Status, &c.State, &c.StateReason, &c.OwnerID, &merged, &c.OpenedAt, &first,
		&resolved, &closed, &c.ReopenCount, &c.RootCauseCategory, &c.RootCauseSource, &c.FollowThroughOutcome,
		&c.SLAStatus, &deadline, &c.SLABreached, &c.CreatedBy, &c.CreatedAt, &c.UpdatedAt)
	if err != nil {
		return nil, err
	}
	c.PurchaseID, c.LocationID, c.ProductID, c.MergedInto = ptrID(purchase), ptrID(location), ptrID(product), ptrID(merged)
	c.FirstResponseAt, c.ResolvedAt, c.ClosedAt, c.SLADeadline = ptrTime(first), ptrTime(resolved), ptrTime(closed), ptrTime(deadline)
	c.Details = json.RawMessage(details)
	c.OpenedAt, c.CreatedAt, c.UpdatedAt = c.OpenedAt.UTC(), c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return &c, nil
}

func rawJSON(r json.RawMessage) string {
	if len(r) == 0 || string(r) == "null" {
		return "{}"
	}
	return string(r)
}

func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func utcPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return utc(*t)
}

// InsertCase stores a new case and sets its ID and timestamps. References
// (customer, purchase, location, product, owner) are checked first and
// reported as EINVALID on their fields.
func (tx *Tx) InsertCase(ctx context.Context, c *Case) error {
	refs := []foreignRef{
		{field: "customer_id", table: "customers", what: "customer", id: &c.CustomerID},
		{field: "purchase_id", table: "purchases", what: "purchase", id: c.PurchaseID},
		{field: "location_id", table: "locations", what: "location", id: c.LocationID},
		{field: "product_id", table: "products", what: "product", id: c.ProductID},
		{field: "owner_id", table: "employees", what: "employee", id: &c.OwnerID},
	}
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

// Case returns the case with the given id.
func (db *DB) Case(ctx context.Context, id int64) (*Case, error) {
	return caseByID(ctx, db, id, "")
}

// CaseForUpdate reads a case and, on PostgreSQL, locks its row until the
// transaction ends (SQLite transactions already hold the write lock), so
// that two changes to one case are serialised.
func (tx *Tx) CaseForUpdate(ctx context.Context, id int64) (*Case, error) {
	return caseByID(ctx, tx, id, forUpdate(tx))
}

// caseByID reads a case; lock is "" or forUpdate's clause.
func caseByID(ctx context.Context, q Querier, id int64, lock string) (*Case, error) {
	c, err := scanOne(ctx, q, scanCase, `SELECT `+caseColumns+` FROM recovery_cases WHERE id = ?`+lock, id)
	return c, notFound(err, "case", id)
}

// UpdateCase writes every mutable field of c.
func (tx *Tx) UpdateCase(ctx context.Context, c *Case) error {
	c.UpdatedAt = now()
	res, err := tx.Exec(ctx, `UPDATE recovery_cases SET purchase_id = ?, location_id = ?, product_id = ?,
		summary = ?, expectation = ?, details = ?, category = ?, status = ?, state = ?, state_reason = ?,
		owner_id = ?, merged_into = ?, first_response_at = ?, resolved_at = ?, closed_at = ?, reopen_count = ?,
		root_cause_category = ?, root_cause_source = ?, follow_through_outcome = ?, sla_status = ?,
		sla_deadline = ?, sla_breached = ?, updated_at = ? WHERE id = ?`,
		nullID(c.PurchaseID), nullID(c.LocationID), nullID(c.ProductID), c.Summary, c.Expectation,
		rawJSON(c.Details), c.Category, c.Status, c.State, c.StateReason, c.OwnerID, nullID(c.MergedInto),
		utcPtr(c.FirstResponseAt), utcPtr(c.ResolvedAt), utcPtr(c.ClosedAt), c.ReopenCount,
		c.RootCauseCategory, c.RootCauseSource, c.FollowThroughOutcome, c.SLAStatus, utcPtr(c.SLADeadline),
		c.SLABreached, c.UpdatedAt, c.ID)
	if err != nil {
		if isForeignKeyViolation(err) {
			return invalid("owner_id", "a referenced record does not exist")
		}
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fresco.Errorf(fresco.ENOTFOUND, "case %d not found", c.ID)
	}
	return nil
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
	Cursor         string
	Limit          int
}

// ListCases returns a page of cases, newest first by id, and the next cursor.
func (db *DB) ListCases(ctx context.Context, f CaseFilter) ([]*Case, string, error) {
	after, err := decodeCursor(f.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	var where []string
	var args []any
	if after > 0 {
		where = append(where, "id < ?")
		args = append(args, after)
	}
	if len(f.Statuses) > 0 {
		where = append(where, "status IN ("+placeholders(len(f.Statuses))+")")
		for _, s := range f.Statuses {
			args = append(args, s)
		}
	}
	if f.OwnerID != nil {
		where = append(where, "owner_id = ?")
		args = append(args, *f.OwnerID)
	}
	if f.WatcherID != nil {
		where = append(where, "(owner_id = ? OR id IN (SELECT case_id FROM case_people WHERE employee_id = ? AND role = 'watcher'))")
		args = append(args, *f.WatcherID, *f.WatcherID)
	}
	if f.TeamID != nil {
		where = append(where, "owner_id IN (SELECT id FROM employees WHERE team_id = ?)")
		args = append(args, *f.TeamID)
	}
	if f.CustomerID != nil {
		where = append(where, "customer_id = ?")
		args = append(args, *f.CustomerID)
	}
	if f.LocationID != nil {
		where = append(where, "location_id = ?")
		args = append(args, *f.LocationID)
	}
	if f.DeadlineBefore != nil {
		where = append(where, "status = 'open' AND (sla_breached OR (sla_deadline IS NOT NULL AND sla_deadline < ?))")
		args = append(args, utc(*f.DeadlineBefore))
	}
	q := `SELECT ` + caseColumns + ` FROM recovery_cases`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY id DESC LIMIT ?`
	return queryPage(ctx, db, q, args, limit, scanCase,
		func(x *Case) int64 { return x.ID })
}

// OpenCasesOf returns the customer's cases that are not closed or merged.
func (tx *Tx) OpenCasesOf(ctx context.Context, customerID int64) ([]*Case, error) {
	return queryAll(ctx, tx, scanCase, `SELECT `+caseColumns+` FROM recovery_cases
		WHERE customer_id = ? AND status IN ('open','resolved') ORDER BY id`, customerID)
}

// CustomersNeedingAttention reports which of the customers have a case that
// is open or resolved but not yet closed: staff should know they need
// special attention. Customers without one are absent from the map.
func (db *DB) CustomersNeedingAttention(ctx context.Context, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	err := forChunks(int64Keys(ids), func(chunk []any) error {
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

// AppendCaseEvent adds an entry to the case's timeline. body is marshalled to
// JSON (nil is {}).
func (tx *Tx) AppendCaseEvent(ctx context.Context, caseID int64, at time.Time, actor, kind string, body any) (*CaseEvent, error) {
	raw, err := auditDetail(body)
	if err != nil {
		return nil, err
	}
	e := &CaseEvent{CaseID: caseID, At: utc(at), Actor: actor, Kind: kind, Body: json.RawMessage(raw)}
	err = tx.QueryRow(ctx, `INSERT INTO case_events (case_id, at, actor, kind, body) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		caseID, e.At, actor, kind, raw).Scan(&e.ID)
	return e, err
}

const caseEventColumns = `id, case_id, at, actor, kind, body`

func scanCaseEvent(row rowScanner) (CaseEvent, error) {
	var e CaseEvent
	var body string
	if err := row.Scan(&e.ID, &e.CaseID, &e.At, &e.Actor, &e.Kind, &body); err != nil {
		return e, err
	}
	e.At, e.Body = e.At.UTC(), json.RawMessage(body)
	return e, nil
}

func caseTimeline(ctx context.Context, q Querier, caseID int64) ([]CaseEvent, error) {
	return queryAll(ctx, q, scanCaseEvent, `SELECT `+caseEventColumns+` FROM case_events
		WHERE case_id = ? OR case_id IN (SELECT id FROM recovery_cases WHERE merged_into = ?)
		ORDER BY at, id`, caseID, caseID)
}

// CaseTimeline returns the case's events and those of the cases merged into
// it, in time order: the whole story a new owner reads.
func (db *DB) CaseTimeline(ctx context.Context, caseID int64) ([]CaseEvent, error) {
	return caseTimeline(ctx, db, caseID)
}

// CaseEvents returns only the case's own events, in log order, within tx.
func (tx *Tx) CaseEvents(ctx context.Context, caseID int64) ([]CaseEvent, error) {
	return queryAll(ctx, tx, scanCaseEvent, `SELECT `+caseEventColumns+` FROM case_events WHERE case_id = ? ORDER BY id`, caseID)
}

// HasCaseEvent reports whether the case has an event of kind whose body
// contains the JSON text marker (a cheap idempotency check for jobs).
func (tx *Tx) HasCaseEvent(ctx context.Context, caseID int64, kind, marker string) (bool, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM case_events WHERE case_id = ? AND kind = ? AND body LIKE ?`,
		caseID, kind, "%"+marker+"%").Scan(&n)
	return n > 0, err
}

// AddCasePerson records an employee as involved in or watching a case.
func (tx *Tx) AddCasePerson(ctx context.Context, caseID, employeeID int64, role string) error {
	if err := tx.checkForeignRefs(ctx, foreignRef{field: "employee_id", table: "employees", what: "employee", id: &employeeID}); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO case_people (case_id, employee_id, role) VALUES (?, ?, ?)
		ON CONFLICT (case_id, employee_id, role) DO NOTHING`, caseID, employeeID, role)
	return err
}

// CasePeople returns the employee ids involved in and watching the case.
func (db *DB) CasePeople(ctx context.Context, caseID int64) (involved, watchers []int64, err error) {
	err = queryEach(ctx, db, func(row rowScanner) error {
		var id int64
		var role string
		if err := row.Scan(&id, &role); err != nil {
			return err
		}
		if role == "watcher" {
			watchers = append(watchers, id)
		} else {
			involved = append(involved, id)
		}
		return nil
	}, `SELECT employee_id, role FROM case_people WHERE case_id = ? ORDER BY employee_id`, caseID)
	if err != nil {
		return nil, nil, err
	}
	return involved, watchers, nil
}

// MoveCaseRecords re-points the tasks, gestures and people of a merged case
// at the case it was merged into.
func (tx *Tx) MoveCaseRecords(ctx context.Context, from, into int64) error {
	for _, q := range []string{
		`UPDATE case_tasks SET case_id = ? WHERE case_id = ?`,
		`UPDATE gestures SET case_id = ? WHERE case_id = ?`,
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

// Tasks ---------------------------------------------------------------------

const taskColumns = `id, case_id, kind, status, due_at, assignee_id, note, outcome, result, created_at, done_at, done_by`

func scanTask(row rowScanner) (*CaseTask, error) {
	var (
		t        CaseTask
		assignee sql.NullInt64
		done     sql.NullTime
		result   string
	)
	if err := row.Scan(&t.ID, &t.CaseID, &t.Kind, &t.Status, &t.DueAt, &assignee, &t.Note, &t.Outcome, &result,
		&t.CreatedAt, &done, &t.DoneBy); err != nil {
		return nil, err
	}
	t.AssigneeID, t.DoneAt, t.Result = ptrID(assignee), ptrTime(done), json.RawMessage(result)
	t.DueAt, t.CreatedAt = t.DueAt.UTC(), t.CreatedAt.UTC()
	return &t, nil
}

// InsertTask stores a new task and sets its ID.
func (tx *Tx) InsertTask(ctx context.Context, t *CaseTask) error {
	t.CreatedAt = now()
	if t.Status == "" {
		t.Status = "open"
	}
	t.DueAt = utc(t.DueAt)
	return tx.QueryRow(ctx, `INSERT INTO case_tasks (case_id, kind, status, due_at, assignee_id, note, outcome, result, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		t.CaseID, t.Kind, t.Status, t.DueAt, nullID(t.AssigneeID), t.Note, t.Outcome, rawJSON(t.Result), t.CreatedAt).Scan(&t.ID)
}

// Task reads one task within tx.
func (tx *Tx) Task(ctx context.Context, id int64) (*CaseTask, error) {
	return taskByID(ctx, tx, id)
}

// Task reads one task.
func (db *DB) Task(ctx context.Context, id int64) (*CaseTask, error) {
	return taskByID(ctx, db, id)
}

func taskByID(ctx context.Context, q Querier, id int64) (*CaseTask, error) {
	t, err := scanOne(ctx, q, scanTask, `SELECT `+taskColumns+` FROM case_tasks WHERE id = ?`, id)
	return t, notFound(err, "task", id)
}

// UpdateTask writes the task's status, outcome and completion.
func (tx *Tx) UpdateTask(ctx context.Context, t *CaseTask) error {
	_, err := tx.Exec(ctx, `UPDATE case_tasks SET status = ?, due_at = ?, assignee_id = ?, note = ?, outcome = ?,
		result = ?, done_at = ?, done_by = ? WHERE id = ?`,
		t.Status, utc(t.DueAt), nullID(t.AssigneeID), t.Note, t.Outcome, rawJSON(t.Result), utcPtr(t.DoneAt), t.DoneBy, t.ID)
	return err
}

// TaskFilter selects tasks.
type TaskFilter struct {
	CaseID     *int64
	AssigneeID *int64
	Kind       string
	Status     string
	Limit      int
}

func listTasks(ctx context.Context, q Querier, f TaskFilter) ([]*CaseTask, error) {
	where := []string{"1 = 1"}
	var args []any
	if f.CaseID != nil {
		where = append(where, "case_id = ?")
		args = append(args, *f.CaseID)
	}
	if f.AssigneeID != nil {
		where = append(where, "assignee_id = ?")
		args = append(args, *f.AssigneeID)
	}
	if f.Kind != "" {
		where = append(where, "kind = ?")
		args = append(args, f.Kind)
	}
	if f.Status != "" {
		where = append(where, "status = ?")
		args = append(args, f.Status)
	}
	args = append(args, pageLimit(f.Limit))
	return queryAll(ctx, q, scanTask, `SELECT `+taskColumns+` FROM case_tasks WHERE `+strings.Join(where, " AND ")+
		` ORDER BY due_at, id LIMIT ?`, args...)
}

// ListTasks returns tasks by due time.
func (db *DB) ListTasks(ctx context.Context, f TaskFilter) ([]*CaseTask, error) {
	return listTasks(ctx, db, f)
}

// ListTasks returns tasks by due time, within tx.
func (tx *Tx) ListTasks(ctx context.Context, f TaskFilter) ([]*CaseTask, error) {
	return listTasks(ctx, tx, f)
}

// Gestures ------------------------------------------------------------------

const gestureColumns = `id, case_id, customer_id, purchase_id, kind, amount, status, note, letter, requested_by,
	requested_by_employee, requested_role, limit_reason, decided_by, decided_at, decision_note, created_at`

func scanGesture(row rowScanner) (*Gesture, error) {
	var (
		g                   Gesture
		purchase, requester sql.NullInt64
		decided             sql.NullTime
		amount              int64
		role                string
	)
	if err := row.Scan(&g.ID, &g.CaseID, &g.CustomerID, &purchase, &g.Kind, &amount, &g.Status, &g.Note, &g.Letter,
		&g.RequestedBy, &requester, &role, &g.LimitReason, &g.DecidedBy, &decided, &g.DecisionNote, &g.CreatedAt); err != nil {
		return nil, err
	}
	g.PurchaseID, g.RequestedByEmployee, g.DecidedAt = ptrID(purchase), ptrID(requester), ptrTime(decided)
	g.Amount, g.RequestedRole, g.CreatedAt = fresco.Money(amount), fresco.Role(role), g.CreatedAt.UTC()
	return &g, nil
}

// InsertGesture adds a gesture to the ledger and sets its ID.
func (tx *Tx) InsertGesture(ctx context.Context, g *Gesture) error {
	g.CreatedAt = now()
	return tx.QueryRow(ctx, `INSERT INTO gestures (case_id, customer_id, purchase_id, kind, amount, status, note, letter,
		requested_by, requested_by_employee, requested_role, limit_reason, decided_by, decided_at, decision_note, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		g.CaseID, g.CustomerID, nullID(g.PurchaseID), g.Kind, int64(g.Amount), g.Status, g.Note, g.Letter,
		g.RequestedBy, nullID(g.RequestedByEmployee), string(g.RequestedRole), g.LimitReason, g.DecidedBy,
		utcPtr(g.DecidedAt), g.DecisionNote, g.CreatedAt).Scan(&g.ID)
}

// GestureForUpdate reads a gesture, locking it on PostgreSQL.
func (tx *Tx) GestureForUpdate(ctx context.Context, id int64) (*Gesture, error) {
	return gestureByID(ctx, tx, id, forUpdate(tx))
}

// Gesture reads one gesture.
func (db *DB) Gesture(ctx context.Context, id int64) (*Gesture, error) {
	return gestureByID(ctx, db, id, "")
}

// gestureByID reads a gesture; lock is "" or forUpdate's clause.
func gestureByID(ctx context.Context, q Querier, id int64, lock string) (*Gesture, error) {
	g, err := scanOne(ctx, q, scanGesture, `SELECT `+gestureColumns+` FROM gestures WHERE id = ?`+lock, id)
	return g, notFound(err, "gesture", id)
}

// DecideGesture records an approval or rejection.
func (tx *Tx) DecideGesture(ctx context.Context, g *Gesture) error {
	_, err := tx.Exec(ctx, `UPDATE gestures SET status = ?, decided_by = ?, decided_at = ?, decision_note = ?, letter = ? WHERE id = ?`,
		g.Status, g.DecidedBy, utcPtr(g.DecidedAt), g.DecisionNote, g.Letter, g.ID)
	return err
}

// GestureFilter selects gestures from the ledger.
type GestureFilter struct {
	CaseID     *int64
	CustomerID *int64
	Status     string
	Limit      int
}

// ListGestures returns ledger entries, oldest first.
func (db *DB) ListGestures(ctx context.Context, f GestureFilter) ([]*Gesture, error) {
	where := []string{"1 = 1"}
	var args []any
	if f.CaseID != nil {
		where = append(where, "case_id = ?")
		args = append(args, *f.CaseID)
	}
	if f.CustomerID != nil {
		where = append(where, "customer_id = ?")
		args = append(args, *f.CustomerID)
	}
	if f.Status != "" {
		where = append(where, "status = ?")
		args = append(args, f.Status)
	}
	args = append(args, pageLimit(f.Limit))
	return queryAll(ctx, db, scanGesture, `SELECT `+gestureColumns+` FROM gestures WHERE `+strings.Join(where, " AND ")+
		` ORDER BY id LIMIT ?`, args...)
}

// GrantedOnCase is what has been granted (or is waiting for approval) on a
// case by one requester: the base of the per-case total limit.
func (tx *Tx) GrantedOnCase(ctx context.Context, caseID int64, requestedBy string) (fresco.Money, error) {
	var sum int64
	err := tx.QueryRow(ctx, `SELECT COALESCE(SUM(amount), 0) FROM gestures
		WHERE case_id = ? AND requested_by = ? AND status = 'granted'`, caseID, requestedBy).Scan(&sum)
	return fresco.Money(sum), err
}

// GestureTotals sums granted gestures per customer: the recovery cost that
// sits against each customer's value.
func (db *DB) GestureTotals(ctx context.Context, customerIDs []int64) (map[int64]fresco.Money, error) {
	out := map[int64]fresco.Money{}
	err := forChunks(int64Keys(customerIDs), func(chunk []any) error {
		return queryMap(ctx, db, out, scanIDMoney, `SELECT customer_id, SUM(amount) FROM gestures WHERE status = 'granted'
			AND customer_id IN (`+placeholders(len(chunk))+`) GROUP BY customer_id`, chunk...)
	})
	return out, err
}

// scanIDMoney scans an (id, amount in cents) row, for queryMap.
func scanIDMoney(row rowScanner) (int64, fresco.Money, error) {
	var id, cents int64
	err := row.Scan(&id, &cents)
	return id, fresco.Money(cents), err
}

// Authority limits ------------------------------------------------------------

func scanLimit(row rowScanner) (AuthorityLimit, error) {
	var l AuthorityLimit
	var amount sql.NullInt64
	if err := row.Scan(&l.Scope, &l.Kind, &amount); err != nil {
		return l, err
	}
	if amount.Valid {
		m := fresco.Money(amount.Int64)
		l.Amount = &m
	}
	return l, nil
}

// AuthorityLimits lists every limit.
func (db *DB) AuthorityLimits(ctx context.Context) ([]AuthorityLimit, error) {
	return queryAll(ctx, db, scanLimit, `SELECT scope, kind, amount FROM authority_limits ORDER BY scope, kind`)
}

// AuthorityLimitsFor returns the limits of the given scopes.
func (tx *Tx) AuthorityLimitsFor(ctx context.Context, scopes ...string) ([]AuthorityLimit, error) {
	args := make([]any, len(scopes))
	for i, s := range scopes {
		args[i] = s
	}
	return queryAll(ctx, tx, scanLimit, `SELECT scope, kind, amount FROM authority_limits WHERE scope IN (`+placeholders(len(scopes))+`)`, args...)
}

// SetAuthorityLimit creates or replaces one limit.
func (tx *Tx) SetAuthorityLimit(ctx context.Context, l AuthorityLimit) error {
	var amount any
	if l.Amount != nil {
		amount = int64(*l.Amount)
	}
	_, err := tx.Exec(ctx, `INSERT INTO authority_limits (scope, kind, amount, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (scope, kind) DO UPDATE SET amount = excluded.amount, updated_at = excluded.updated_at`,
		l.Scope, l.Kind, amount, now())
	return err
}

// DeleteAuthorityLimit removes one limit; it reports whether it existed.
func (tx *Tx) DeleteAuthorityLimit(ctx context.Context, scope, kind string) (bool, error) {
	res, err := tx.Exec(ctx, `DELETE FROM authority_limits WHERE scope = ? AND kind = ?`, scope, kind)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// SLA policies ----------------------------------------------------------------

// SLAPolicyRow is a stored SLA policy: JSON of sla.Policy for a location (0:
// the default).
type SLAPolicyRow struct {
	LocationID int64
	Policy     json.RawMessage
	UpdatedBy  string
	UpdatedAt  time.Time
}

func slaPolicyFor(ctx context.Context, q Querier, locationID int64) (*SLAPolicyRow, error) {
	r, err := scanOne(ctx, q, scanSLAPolicy, `SELECT location_id, policy, updated_by, updated_at FROM sla_policies
		WHERE location_id IN (?, 0) ORDER BY location_id DESC LIMIT 1`, locationID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &r, nil
}

func scanSLAPolicy(row rowScanner) (SLAPolicyRow, error) {
	var r SLAPolicyRow
	var policy string
	if err := row.Scan(&r.LocationID, &policy, &r.UpdatedBy, &r.UpdatedAt); err != nil {
		return r, err
	}
	r.Policy, r.UpdatedAt = json.RawMessage(policy), r.UpdatedAt.UTC()
	return r, nil
}

// SLAPolicyFor returns the location's policy, else the default one, else nil.
func (db *DB) SLAPolicyFor(ctx context.Context, locationID int64) (*SLAPolicyRow, error) {
	return slaPolicyFor(ctx, db, locationID)
}

// SLAPolicyFor returns the location's policy, else the default one, else nil.
func (tx *Tx) SLAPolicyFor(ctx context.Context, locationID int64) (*SLAPolicyRow, error) {
	return slaPolicyFor(ctx, tx, locationID)
}

// SetSLAPolicy stores a location's policy (0: the default).
func (tx *Tx) SetSLAPolicy(ctx context.Context, r *SLAPolicyRow) error {
	if r.LocationID != 0 {
		id := r.LocationID
		if err := tx.checkForeignRefs(ctx, foreignRef{field: "location_id", table: "locations", what: "location", id: &id}); err != nil {
			return err
		}
	}
	r.UpdatedAt = now()
	_, err := tx.Exec(ctx, `INSERT INTO sla_policies (location_id, policy, updated_by, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (location_id) DO UPDATE SET policy = excluded.policy, updated_by = excluded.updated_by,
		updated_at = excluded.updated_at`, r.LocationID, string(r.Policy), r.UpdatedBy, r.UpdatedAt)
	return err
}

// ListSLAPolicies returns every stored policy.
func (db *DB) ListSLAPolicies(ctx context.Context) ([]SLAPolicyRow, error) {
	return queryAll(ctx, db, scanSLAPolicy, `SELECT location_id, policy, updated_by, updated_at FROM sla_policies ORDER BY location_id`)
}

// LiveCaseIDsUnderPolicy returns, in id order, up to limit open and
// resolved cases with ids above afterID whose clocks follow the SLA policy
// of locationID: the location's cases, or for the default policy (0) the
// cases of locations without a policy of their own. A policy change
// re-evaluates them in batches, each starting after the last id of the one
// before.
func (tx *Tx) LiveCaseIDsUnderPolicy(ctx context.Context, locationID, afterID int64, limit int) ([]int64, error) {
	q := `SELECT id FROM recovery_cases WHERE status IN ('open','resolved') AND id > ?`
	args := []any{afterID}
	if locationID != 0 {
		q += ` AND location_id = ?`
		args = append(args, locationID)
	} else {
		q += ` AND (location_id IS NULL OR location_id NOT IN (SELECT location_id FROM sla_policies))`
	}
	return queryAll(ctx, tx, scanValue[int64], q+` ORDER BY id LIMIT ?`, append(args, limit)...)
}

// Staff -----------------------------------------------------------------------

func int64Keys(ids []int64) []any {
	keys := make([]any, len(ids))
	for i, id := range ids {
		keys[i] = id
	}
	return keys
}

// LocationStaff returns the active employees based at the location.
func (tx *Tx) LocationStaff(ctx context.Context, locationID int64) ([]int64, error) {
	return queryAll(ctx, tx, scanValue[int64], `SELECT id FROM employees WHERE location_id = ? AND active ORDER BY id`, locationID)
}

// Notifications ---------------------------------------------------------------

// InsertCaseNotification records a message for the notifier to deliver.
func (tx *Tx) InsertCaseNotification(ctx context.Context, n *CaseNotification) error {
	n.CreatedAt = now()
	return tx.QueryRow(ctx, `INSERT INTO case_notifications (case_id, employee_id, kind, message, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, n.CaseID, nullID(n.EmployeeID), n.Kind, n.Message, n.CreatedAt).Scan(&n.ID)
}

// ListCaseNotifications returns the notifications of a case (caseID > 0)
// or of an employee (employeeID > 0), newest first.
func (db *DB) ListCaseNotifications(ctx context.Context, caseID, employeeID int64, limit int) ([]CaseNotification, error) {
	q := `SELECT id, case_id, employee_id, kind, message, created_at, delivered_at FROM case_notifications WHERE 1 = 1`
	var args []any
	if caseID > 0 {
		q += ` AND case_id = ?`
		args = append(args, caseID)
	}
	if employeeID > 0 {
		q += ` AND employee_id = ?`
		args = append(args, employeeID)
	}
	args = append(args, pageLimit(limit))
	return queryAll(ctx, db, scanCaseNotification, q+` ORDER BY id DESC LIMIT ?`, args...)
}

func scanCaseNotification(row rowScanner) (CaseNotification, error) {
	var n CaseNotification
	var emp sql.NullInt64
	var delivered sql.NullTime
	if err := row.Scan(&n.ID, &n.CaseID, &emp, &n.Kind, &n.Message, &n.CreatedAt, &delivered); err != nil {
		return n, err
	}
	n.EmployeeID, n.DeliveredAt, n.CreatedAt = ptrID(emp), ptrTime(delivered), n.CreatedAt.UTC()
	return n, nil
}

// Recurrence ------------------------------------------------------------------

// recurrenceColumn maps a dimension to its recovery_cases column; never user input.
var recurrenceColumn = map[string]string{"category": "category", "product": "product_id", "location": "location_id"}

// CountCasesSince counts cases opened since the instant with the dimension's value.
func (tx *Tx) CountCasesSince(ctx context.Context, dimension string, value any, since time.Time) (int, error) {
	col, ok := recurrenceColumn[dimension]
	if !ok {
		return 0, fmt.Errorf("store: unknown recurrence dimension %q", dimension)
	}
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM recovery_cases WHERE `+col+` = ? AND opened_at >= ? AND status <> 'merged'`,
		value, utc(since)).Scan(&n)
	return n, err
}

// RecentRecurrenceAlert reports whether an alert for the key was raised since the instant.
func (tx *Tx) RecentRecurrenceAlert(ctx context.Context, dimension, value string, since time.Time) (bool, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM recurrence_alerts WHERE dimension = ? AND value = ? AND created_at >= ?`,
		dimension, value, utc(since)).Scan(&n)
	return n > 0, err
}

// InsertRecurrenceAlert stores an alert.
func (tx *Tx) InsertRecurrenceAlert(ctx context.Context, a *RecurrenceAlert) error {
	a.CreatedAt = now()
	return tx.QueryRow(ctx, `INSERT INTO recurrence_alerts (dimension, value, cases, window_days, case_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, a.Dimension, a.Value, a.Cases, a.WindowDays, nullID(a.CaseID), a.CreatedAt).Scan(&a.ID)
}

// ListRecurrenceAlerts returns alerts, newest first.
func (db *DB) ListRecurrenceAlerts(ctx context.Context, limit int) ([]RecurrenceAlert, error) {
	return queryAll(ctx, db, scanRecurrenceAlert, `SELECT id, dimension, value, cases, window_days, case_id, created_at FROM recurrence_alerts
		ORDER BY id DESC LIMIT ?`, pageLimit(limit))
}

func scanRecurrenceAlert(row rowScanner) (RecurrenceAlert, error) {
	var a RecurrenceAlert
	var caseID sql.NullInt64
	if err := row.Scan(&a.ID, &a.Dimension, &a.Value, &a.Cases, &a.WindowDays, &caseID, &a.CreatedAt); err != nil {
		return a, err
	}
	a.CaseID, a.CreatedAt = ptrID(caseID), a.CreatedAt.UTC()
	return a, nil
}

// Reports ---------------------------------------------------------------------

// CaseFacts is what the recovery reports need about one case.
type CaseFacts struct {
	CaseID           int64
	CustomerID       int64
	Status           string
	Category         string
	OpenedAt         time.Time
	FirstResponseAt  *time.Time
	ResolvedAt       *time.Time
	ReopenCount      int
	SLAStatus        string
	SLABreached      bool
	FollowThrough    string
	RevenueBefore    fresco.Money // the customer's net purchases in the 365 days before opening
	RevenueAfter     fresco.Money // … in the 365 days after opening (up to the report's as-of time)
	BoughtWithin90d  bool         // a purchase in (opened, opened + 90 days]
	GesturesGranted  fresco.Money
	Observable90Days bool // opened at least 90 days before as-of
}

// CaseReportFacts returns the facts of every case (not merged) opened in [from, to).
func (db *DB) CaseReportFacts(ctx context.Context, from, to, asOf time.Time) ([]CaseFacts, error) {
	list, err := queryAll(ctx, db, scanCaseFacts, `SELECT id, customer_id, status, CASE WHEN root_cause_category <> '' THEN root_cause_category ELSE category END,
		opened_at, first_response_at, resolved_at, reopen_count, sla_status, sla_breached, follow_through_outcome
		FROM recovery_cases WHERE status <> 'merged' AND opened_at >= ? AND opened_at < ? ORDER BY id`, utc(from), utc(to))
	if err != nil {
		return nil, err
	}
	for i := range list {
		f := &list[i]
		yearBefore, yearAfter := f.OpenedAt.AddDate(-1, 0, 0), f.OpenedAt.AddDate(1, 0, 0)
		if asOf.Before(yearAfter) {
			yearAfter = asOf
		}
		var before, after, within int64
		err := db.QueryRow(ctx, `SELECT
				COALESCE(SUM(CASE WHEN purchased_at >= ? AND purchased_at < ? THEN total ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN purchased_at > ? AND purchased_at <= ? THEN total ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN purchased_at > ? AND purchased_at <= ? AND total > 0 THEN 1 ELSE 0 END), 0)
			FROM purchases WHERE customer_id = ?`,
			utc(yearBefore), utc(f.OpenedAt), utc(f.OpenedAt), utc(yearAfter), utc(f.OpenedAt), utc(f.OpenedAt.AddDate(0, 0, 90)),
			f.CustomerID).Scan(&before, &after, &within)
		if err != nil {
			return nil, err
		}
		f.RevenueBefore, f.RevenueAfter, f.BoughtWithin90d = fresco.Money(before), fresco.Money(after), within > 0
		f.Observable90Days = !asOf.Before(f.OpenedAt.AddDate(0, 0, 90))
		var g int64
		if err := db.QueryRow(ctx, `SELECT COALESCE(SUM(amount), 0) FROM gestures WHERE case_id = ? AND status = 'granted'`,
			f.CaseID).Scan(&g); err != nil {
			return nil, err
		}
		f.GesturesGranted = fresco.Money(g)
	}
	return list, nil
}

// scanCaseFacts scans what the case row itself says; CaseReportFacts adds
// the purchases and gestures around it.
func scanCaseFacts(row rowScanner) (CaseFacts, error) {
	var f CaseFacts
	var first, resolved sql.NullTime
	if err := row.Scan(&f.CaseID, &f.CustomerID, &f.Status, &f.Category, &f.OpenedAt, &first, &resolved,
		&f.ReopenCount, &f.SLAStatus, &f.SLABreached, &f.FollowThrough); err != nil {
		return f, err
	}
	f.OpenedAt, f.FirstResponseAt, f.ResolvedAt = f.OpenedAt.UTC(), ptrTime(first), ptrTime(resolved)
	return f, nil
}

// BaselineRetention is the comparison group of the recovery rate: customers
// with a positive purchase in [from, to) and no case ever, and how many of
// them bought again within 90 days of their first purchase in the window.
// Only purchases at least 90 days before asOf count, so every customer had
// the same chance to come back.
func (db *DB) BaselineRetention(ctx context.Context, from, to, asOf time.Time) (customers, retained int, err error) {
	cut := asOf.AddDate(0, 0, -90)
	if cut.Before(to) {
		to = cut
	}
	if !from.Before(to) {
		return 0, 0, nil
	}
	err = queryEach(ctx, db, func(row rowScanner) error {
		var firstV, nextV any
		if err := row.Scan(&firstV, &nextV); err != nil {
			return err
		}
		first, err := anyTime(firstV)
		if err != nil || first == nil {
			return err
		}
		next, err := anyTime(nextV)
		if err != nil {
			return err
		}
		customers++
		if next != nil && !next.After(first.AddDate(0, 0, 90)) {
			retained++
		}
		return nil
	}, `WITH firsts AS (
			SELECT customer_id, MIN(purchased_at) AS first_at FROM purchases
			WHERE customer_id IS NOT NULL AND total > 0 AND purchased_at >= ? AND purchased_at < ?
			  AND customer_id NOT IN (SELECT customer_id FROM recovery_cases)
			GROUP BY customer_id)
		SELECT f.first_at, (SELECT MIN(p.purchased_at) FROM purchases p WHERE p.customer_id = f.customer_id
			AND p.total > 0 AND p.purchased_at > f.first_at)
		FROM firsts f`, utc(from), utc(to))
	if err != nil {
		return 0, 0, err
	}
	return customers, retained, nil
}

// PurchaseOwner returns the customer and location of a purchase, for checking
// that a case's purchase belongs to its customer.
func (tx *Tx) PurchaseOwner(ctx context.Context, purchaseID int64) (customerID, locationID *int64, err error) {
	var c, l sql.NullInt64
	err = tx.QueryRow(ctx, `SELECT customer_id, location_id FROM purchases WHERE id = ?`, purchaseID).Scan(&c, &l)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, invalid("purchase_id", "purchase %d does not exist", purchaseID)
	}
	return ptrID(c), ptrID(l), err
}

// EmployeeBrief is an employee's id, name, role and whether they are active.
func (tx *Tx) EmployeeBrief(ctx context.Context, id int64) (name string, role fresco.Role, active bool, err error) {
	var r string
	err = tx.QueryRow(ctx, `SELECT name, role, active FROM employees WHERE id = ?`, id).Scan(&name, &r, &active)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", false, fresco.Errorf(fresco.ENOTFOUND, "employee %d not found", id)
	}
	return name, fresco.Role(r), active, err
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
