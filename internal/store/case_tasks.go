package store

// The call-backs, follow-throughs and re-surveys to do for a case.

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/fresco-cx/fresco/internal/fresco"
)

const taskColumns = `id, case_id, kind, status, due_at, assignee_id, note, outcome, result, created_at, done_at, done_by`

func scanTask(row rowScanner) (*fresco.CaseTask, error) {
	var (
		t        fresco.CaseTask
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
func (tx *Tx) InsertTask(ctx context.Context, t *fresco.CaseTask) error {
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
func (tx *Tx) Task(ctx context.Context, id int64) (*fresco.CaseTask, error) {
	return taskByID(ctx, tx, id)
}

// Task reads one task.
func (db *DB) Task(ctx context.Context, id int64) (*fresco.CaseTask, error) {
	return taskByID(ctx, db, id)
}

func taskByID(ctx context.Context, q Querier, id int64) (*fresco.CaseTask, error) {
	t, err := scanOne(ctx, q, scanTask, `SELECT `+taskColumns+` FROM case_tasks WHERE id = ?`, id)
	return t, notFound(err, "task", id)
}

// UpdateTask writes the task's status, outcome and completion.
func (tx *Tx) UpdateTask(ctx context.Context, t *fresco.CaseTask) error {
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

func listTasks(ctx context.Context, q Querier, f TaskFilter) ([]*fresco.CaseTask, error) {
	var w conditions
	w.idIs("case_id", f.CaseID)
	w.idIs("assignee_id", f.AssigneeID)
	w.textIs("kind", f.Kind)
	w.textIs("status", f.Status)
	return queryAll(ctx, q, scanTask, `SELECT `+taskColumns+` FROM case_tasks WHERE `+w.sql()+
		` ORDER BY due_at, id LIMIT ?`, append(w.args, pageLimit(f.Limit))...)
}

// ListTasks returns tasks by due time.
func (db *DB) ListTasks(ctx context.Context, f TaskFilter) ([]*fresco.CaseTask, error) {
	return listTasks(ctx, db, f)
}

// ListTasks returns tasks by due time, within tx.
func (tx *Tx) ListTasks(ctx context.Context, f TaskFilter) ([]*fresco.CaseTask, error) {
	return listTasks(ctx, tx, f)
}
