package store

// Rewards for results (internal/rewards): the facts behind the scorecards,
// read from the records that say what happened, and the rewards and
// nominations people decide. Each fact query takes the employees of one
// scorecard (one person or one team) and walks an index that starts with
// the employee: recovery_cases_owner, follow_ups_owner, call_tasks_employee,
// purchases_served_by, responses_employee; what happened next (a purchase,
// an NPS answer) is one index probe per row on purchases_customer or
// responses_customer.

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// ScorecardQuery asks for the facts of employees' work in [From, To).
type ScorecardQuery struct {
	Employees []int64
	// All asks for every employee's (Employees is then ignored): what the
	// stored scorecards keep (internal/rewards), each employee's facts
	// being independent of the others'.
	All      bool
	From, To time.Time
}

// none reports whether the query asks for nobody.
func (q ScorecardQuery) none() bool { return !q.All && len(q.Employees) == 0 }

// who is the condition on the employee column col, and its arguments.
func (q ScorecardQuery) who(col string) (string, []any) {
	if q.All {
		return col + " IS NOT NULL", nil
	}
	return col + " IN (" + placeholders(len(q.Employees)) + ")", asArgs(q.Employees)
}

// CaseOutcome is a case an employee owned and resolved, with what the
// customer did next.
type CaseOutcome struct {
	EmployeeID, CaseID, CustomerID int64
	ResolvedAt                     time.Time
	NextPurchaseAt                 *time.Time // their first purchase (total > 0) after the resolution
	NextNPS                        *int       // their first NPS answer after the resolution
}

// nextPurchase is the SQL for customer col's first purchase after time
// after: refunds (total ≤ 0) are not buying again, as in the recovery
// report's baseline.
func nextPurchase(col, after string) string {
	return `(SELECT MIN(p.purchased_at) FROM purchases p WHERE p.customer_id = ` + col +
		` AND p.total > 0 AND p.purchased_at > ` + after + `)`
}

// CaseOutcomes returns the cases the employees owned that were resolved in
// the window and are resolved or closed now.
func (db *DB) CaseOutcomes(ctx context.Context, q ScorecardQuery) ([]CaseOutcome, error) {
	if q.none() {
		return nil, nil
	}
	who, args := q.who("c.owner_id")
	return queryAll(ctx, db, func(row rowScanner) (CaseOutcome, error) {
		var c CaseOutcome
		var next any
		var nps sql.NullInt64
		if err := row.Scan(&c.EmployeeID, &c.CaseID, &c.CustomerID, &c.ResolvedAt, &next, &nps); err != nil {
			return c, err
		}
		c.ResolvedAt, c.NextNPS = c.ResolvedAt.UTC(), ptrInt(nps)
		var err error
		c.NextPurchaseAt, err = anyTime(next)
		return c, err
	}, `SELECT c.owner_id, c.id, c.customer_id, c.resolved_at, `+nextPurchase("c.customer_id", "c.resolved_at")+`,
			(SELECT r.nps FROM responses r WHERE r.customer_id = c.customer_id AND r.nps IS NOT NULL
				AND r.responded_at > c.resolved_at ORDER BY r.responded_at, r.id LIMIT 1)
		FROM recovery_cases c
		WHERE `+who+` AND c.status IN ('resolved', 'closed') AND c.resolved_at >= ? AND c.resolved_at < ?
		ORDER BY c.resolved_at, c.id`, append(args, q.From, q.To)...)
}

// DueItem is a follow-up or call task an employee owned, due in the window.
type DueItem struct {
	EmployeeID int64
	Kind       string // "follow_up" or "call"
	ID         int64
	DueAt      time.Time
	ClosedAt   *time.Time // nil while open
}

// DueItems returns the closing-the-loop follow-ups and the follow-up calls
// the employees owned that were due in the window. A call marked skipped
// (no consent, asked too recently) was never work to do and is left out.
// The calls' statuses are named rather than "<> 'skipped'" so that the
// look-up walks call_tasks_employee (employee_id, status, due_at) over the
// window only, not over every call the employee ever had.
func (db *DB) DueItems(ctx context.Context, q ScorecardQuery) ([]DueItem, error) {
	if q.none() {
		return nil, nil
	}
	owner, ids := q.who("owner_id")
	employee, _ := q.who("employee_id")
	args := append(append(append([]any{}, ids...), q.From, q.To), ids...)
	args = append(args, q.From, q.To)
	return queryAll(ctx, db, func(row rowScanner) (DueItem, error) {
		var d DueItem
		var closed sql.NullTime
		err := row.Scan(&d.EmployeeID, &d.Kind, &d.ID, &d.DueAt, &closed)
		d.DueAt = d.DueAt.UTC()
		if closed.Valid {
			t := closed.Time.UTC()
			d.ClosedAt = &t
		}
		return d, err
	}, `SELECT owner_id, 'follow_up', id, due_at, closed_at FROM follow_ups
			WHERE `+owner+` AND due_at >= ? AND due_at < ?
		UNION ALL
		SELECT employee_id, 'call', id, due_at, CASE WHEN status = 'open' THEN NULL ELSE completed_at END FROM call_tasks
			WHERE `+employee+` AND status IN ('open', 'done', 'no_answer', 'declined') AND due_at >= ? AND due_at < ?
		ORDER BY 4, 3`, args...)
}

// FirstServed is a customer an employee served in the window: their
// first purchase served by the employee there, and their next purchase
// (by anyone) after it.
type FirstServed struct {
	EmployeeID, CustomerID int64
	FirstAt                time.Time
	NextPurchaseAt         *time.Time
}

// ServedFirst returns, per employee, each customer they served in the
// window (purchases.served_by) with the first such purchase and the
// customer's next purchase after it.
func (db *DB) ServedFirst(ctx context.Context, q ScorecardQuery) ([]FirstServed, error) {
	if q.none() {
		return nil, nil
	}
	who, args := q.who("served_by")
	return queryAll(ctx, db, func(row rowScanner) (FirstServed, error) {
		var s FirstServed
		var first, next any
		if err := row.Scan(&s.EmployeeID, &s.CustomerID, &first, &next); err != nil {
			return s, err
		}
		f, err := anyTime(first)
		if err != nil || f == nil {
			return s, err
		}
		s.FirstAt = *f
		s.NextPurchaseAt, err = anyTime(next)
		return s, err
	}, `SELECT f.served_by, f.customer_id, f.first_at, `+nextPurchase("f.customer_id", "f.first_at")+`
		FROM (SELECT served_by, customer_id, MIN(purchased_at) AS first_at FROM purchases
			WHERE `+who+` AND customer_id IS NOT NULL AND total > 0 AND purchased_at >= ? AND purchased_at < ?
			GROUP BY served_by, customer_id) f
		ORDER BY f.served_by, f.customer_id`, append(args, q.From, q.To)...)
}

// ServedCount is, of the customers an employee served in the window, how
// many have had the whole 90 days after the first purchase the employee
// served (Settled), how many of those bought again within them (Retained),
// and how many are still within them (Pending).
type ServedCount struct {
	EmployeeID int64 `json:"employee_id"`
	Settled    int   `json:"settled"`
	Retained   int   `json:"retained"`
	Pending    int   `json:"pending"`
}

// ServedCounts counts, per employee, the customers they served in the
// window (purchases.served_by), each from the first purchase they served
// there: settled when that purchase is at or before settledBy (now less 90
// days), retained when the customer bought again (total > 0) within 90
// days of it — the recovery report's baseline rule (baselineRetained). The
// counting is done here, not in Go: a team serves thousands of customers a
// quarter.
func (db *DB) ServedCounts(ctx context.Context, q ScorecardQuery, settledBy time.Time) ([]ServedCount, error) {
	if q.none() {
		return nil, nil
	}
	who, whoArgs := q.who("served_by")
	args := append(append([]any{settledBy, settledBy, settledBy}, whoArgs...), q.From, q.To)
	return queryAll(ctx, db, func(row rowScanner) (ServedCount, error) {
		var c ServedCount
		err := row.Scan(&c.EmployeeID, &c.Settled, &c.Retained, &c.Pending)
		return c, err
	}, `SELECT served_by, SUM(CASE WHEN first_at <= ? THEN 1 ELSE 0 END),
			SUM(CASE WHEN first_at <= ? THEN `+baselineRetained(db.Dialect())+` ELSE 0 END),
			SUM(CASE WHEN first_at > ? THEN 1 ELSE 0 END)
		FROM (SELECT f.served_by, f.first_at, `+nextPurchase("f.customer_id", "f.first_at")+` AS next_at
			FROM (SELECT served_by, customer_id, MIN(purchased_at) AS first_at FROM purchases
				WHERE `+who+` AND customer_id IS NOT NULL AND total > 0 AND purchased_at >= ? AND purchased_at < ?
				GROUP BY served_by, customer_id) f) b
		GROUP BY served_by ORDER BY served_by`, args...)
}

// CommentCount is how many comments were attributed to an employee in the
// window, and how many of them were kind words.
type CommentCount struct {
	EmployeeID   int64
	Comments     int
	KindComments int
}

// KindWordCounts counts the comments of responses attributed to the
// employees in the window, and the kind ones among them (see kindWords).
func (db *DB) KindWordCounts(ctx context.Context, q ScorecardQuery) ([]CommentCount, error) {
	if q.none() {
		return nil, nil
	}
	who, args := q.who("r.employee_id")
	return queryAll(ctx, db, func(row rowScanner) (CommentCount, error) {
		var c CommentCount
		err := row.Scan(&c.EmployeeID, &c.Comments, &c.KindComments)
		return c, err
	}, `SELECT r.employee_id, COUNT(*), COALESCE(SUM(CASE WHEN `+kindWords+` THEN 1 ELSE 0 END), 0)
		FROM responses r WHERE `+who+` AND r.comment <> '' AND r.responded_at >= ? AND r.responded_at < ?
		GROUP BY r.employee_id ORDER BY r.employee_id`, append(args, q.From, q.To)...)
}

// TeamMembers returns the employees whose team is teamID, leavers
// included (their work in a period still counts for the team), by name.
func (db *DB) TeamMembers(ctx context.Context, teamID int64) ([]*fresco.Employee, error) {
	return queryAll(ctx, db, func(r rowScanner) (*fresco.Employee, error) { return scanEmployee(r) },
		`SELECT `+employeeColumns+` FROM employees WHERE team_id = ? ORDER BY name, id`, teamID)
}

// CreateReward stores a reward and sets its id.
func (tx *Tx) CreateReward(ctx context.Context, r *fresco.Reward) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if r.CreatedAt.IsZero() {
		r.CreatedAt = now()
	}
	return tx.QueryRow(ctx, `INSERT INTO rewards (name, team_id, measure, target, period_from, period_to, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, r.Name, r.TeamID, string(r.Measure), r.Target,
		dateText(r.From), dateText(r.To), r.CreatedBy, r.CreatedAt).Scan(&r.ID)
}

const rewardColumns = `id, name, team_id, measure, target, period_from, period_to, created_by, created_at`

func scanReward(row rowScanner) (*fresco.Reward, error) {
	var r fresco.Reward
	var measure, from, to string
	if err := row.Scan(&r.ID, &r.Name, &r.TeamID, &measure, &r.Target, &from, &to, &r.CreatedBy, &r.CreatedAt); err != nil {
		return nil, err
	}
	r.Measure, r.CreatedAt = fresco.Measure(measure), r.CreatedAt.UTC()
	var err error
	if r.From, err = parseDateText(from); err != nil {
		return nil, err
	}
	r.To, err = parseDateText(to)
	return &r, err
}

// Rewards returns the rewards, of one team when teamID is set, latest
// period first.
func (db *DB) Rewards(ctx context.Context, teamID *int64) ([]*fresco.Reward, error) {
	q, args := `SELECT `+rewardColumns+` FROM rewards`, []any{}
	if teamID != nil {
		q, args = q+` WHERE team_id = ?`, append(args, *teamID)
	}
	return queryAll(ctx, db, scanReward, q+` ORDER BY period_to DESC, id DESC`, args...)
}

// CreateNomination stores a nomination and sets its id.
func (tx *Tx) CreateNomination(ctx context.Context, n *fresco.Nomination) error {
	if err := n.Validate(); err != nil {
		return err
	}
	if n.CreatedAt.IsZero() { // the demo dates its own
		n.CreatedAt = now()
	}
	err := tx.QueryRow(ctx, `INSERT INTO nominations (nominee_id, source, nominator_id, customer_id, reason, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, n.NomineeID, string(n.Source), nullID(n.NominatorID),
		nullID(n.CustomerID), n.Reason, n.CreatedBy, n.CreatedAt).Scan(&n.ID)
	if isUniqueViolation(err) { // nominations_invitation: one per survey link
		return fresco.Errorf(fresco.ECONFLICT, "a nomination was already made from this survey")
	}
	return err
}

// RecognitionQuery selects the recognition feed's entries: since a time,
// of one team's members when Employees is set, at most Limit of each kind.
type RecognitionQuery struct {
	Employees []int64 // nil: everyone
	Since     time.Time
	Limit     int
}

func (q RecognitionQuery) who(col string) (string, []any) {
	if q.Employees == nil {
		return "", nil
	}
	if len(q.Employees) == 0 {
		return " AND 1 = 0", nil
	}
	return " AND " + col + " IN (" + placeholders(len(q.Employees)) + ")", asArgs(q.Employees)
}

// Nominations returns the latest nominations, newest first.
func (db *DB) Nominations(ctx context.Context, q RecognitionQuery) ([]*fresco.Nomination, error) {
	who, args := q.who("nominee_id")
	return queryAll(ctx, db, func(row rowScanner) (*fresco.Nomination, error) {
		var n fresco.Nomination
		var source string
		var nominator, customer sql.NullInt64
		err := row.Scan(&n.ID, &n.NomineeID, &source, &nominator, &customer, &n.Reason, &n.CreatedBy, &n.CreatedAt)
		n.Source, n.NominatorID, n.CustomerID, n.CreatedAt = fresco.NominationSource(source), ptrID(nominator), ptrID(customer), n.CreatedAt.UTC()
		return &n, err
	}, `SELECT id, nominee_id, source, nominator_id, customer_id, reason, created_by, created_at FROM nominations
		WHERE created_at >= ?`+who+` ORDER BY created_at DESC, id DESC LIMIT ?`,
		append(append([]any{q.Since}, args...), pageLimit(q.Limit))...)
}

// Recovered is a customer who bought again after a case an employee
// resolved.
type Recovered struct {
	EmployeeID, CaseID, CustomerID int64
	Summary                        string
	ResolvedAt, BoughtAt           time.Time
}

// AllRecoveredCustomers returns the recoveries: cases resolved since
// q.Since whose customer has bought since, newest purchase first (q.Limit
// is not applied: the recognition feed stores them all and cuts per view,
// rewards/recovered.go). The cases come through recovery_cases_resolved
// (or recovery_cases_owner for a team), each with one probe of
// purchases_customer; they are filtered and ordered here rather than in
// SQL, where the filter on the look-up's result made SQLite run the
// look-up twice per case (a few thousand cases in 90 days at a million
// customers).
func (db *DB) AllRecoveredCustomers(ctx context.Context, q RecognitionQuery) ([]Recovered, error) {
	who, args := q.who("c.owner_id")
	all, err := queryAll(ctx, db, func(row rowScanner) (Recovered, error) {
		var r Recovered
		var bought any
		if err := row.Scan(&r.EmployeeID, &r.CaseID, &r.CustomerID, &r.Summary, &r.ResolvedAt, &bought); err != nil {
			return r, err
		}
		t, err := anyTime(bought)
		if t != nil {
			r.BoughtAt = *t
		}
		r.ResolvedAt = r.ResolvedAt.UTC()
		return r, err
	}, `SELECT c.owner_id, c.id, c.customer_id, c.summary, c.resolved_at, `+nextPurchase("c.customer_id", "c.resolved_at")+`
		FROM recovery_cases c WHERE c.status IN ('resolved', 'closed') AND c.resolved_at >= ?`+who,
		append([]any{q.Since}, args...)...)
	if err != nil {
		return nil, err
	}
	out := slices.DeleteFunc(all, func(r Recovered) bool { return r.BoughtAt.IsZero() })
	slices.SortFunc(out, func(a, b Recovered) int {
		return cmp.Or(b.BoughtAt.Compare(a.BoughtAt), cmp.Compare(b.CaseID, a.CaseID))
	})
	return out, nil
}

// RecentKindWords returns the latest kind words attributed to employees
// (see kindWords), newest first.
func (db *DB) RecentKindWords(ctx context.Context, q RecognitionQuery) ([]*fresco.Response, error) {
	who, args := q.who("r.employee_id")
	return db.queryResponses(ctx, `SELECT `+responseColumns+` FROM responses r JOIN listening_posts p ON p.id = r.post_id
		WHERE r.employee_id IS NOT NULL AND r.comment <> '' AND r.responded_at >= ?`+who+` AND `+kindWords+`
		ORDER BY r.responded_at DESC, r.id DESC LIMIT ?`, append(append([]any{q.Since}, args...), pageLimit(q.Limit))...)
}

// NominationBy reports whether createdBy (a survey invitation's ref) has
// already made a nomination.
func (tx *Tx) NominationBy(ctx context.Context, createdBy string) (bool, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM nominations WHERE created_by = ?`, createdBy).Scan(&n)
	return n > 0, err
}
