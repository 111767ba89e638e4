package store

// Notifications (internal/notify owns the rules; this file, emails.go and
// webhooks.go only read and write rows). A notification is one message to
// one employee (or to nobody in particular, employee_id NULL, when it exists
// only for webhooks); e-mails and webhook deliveries are the durable outbox
// rows their jobs work through.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/fresco-cx/fresco/internal/fresco"
)

const notificationColumns = `id, event, employee_id, subject, body, link, data, created_at, read_at`

func scanNotification(row rowScanner) (*fresco.Notification, error) {
	var n fresco.Notification
	var emp sql.NullInt64
	var read sql.NullTime
	var data string
	if err := row.Scan(&n.ID, &n.Event, &emp, &n.Subject, &n.Body, &n.Link, &data, &n.CreatedAt, &read); err != nil {
		return nil, err
	}
	n.EmployeeID, n.ReadAt = ptrID(emp), ptrTime(read)
	n.Data = json.RawMessage(data)
	n.CreatedAt = n.CreatedAt.UTC()
	return &n, nil
}

// InsertNotification records n and sets its ID and CreatedAt.
func (tx *Tx) InsertNotification(ctx context.Context, n *fresco.Notification) error {
	if len(n.Data) == 0 {
		n.Data = json.RawMessage("{}")
	}
	n.CreatedAt = now()
	return tx.QueryRow(ctx, `INSERT INTO notifications (event, employee_id, subject, body, link, data, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		n.Event, nullID(n.EmployeeID), n.Subject, n.Body, n.Link, string(n.Data), n.CreatedAt).Scan(&n.ID)
}

// NotificationsAfter returns notifications addressed to an employee with an
// id above afterID, oldest first. employeeID 0 means every employee.
func (db *DB) NotificationsAfter(ctx context.Context, employeeID, afterID int64, limit int) ([]*fresco.Notification, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	q := `SELECT ` + notificationColumns + ` FROM notifications WHERE id > ? AND employee_id IS NOT NULL`
	args := []any{afterID}
	if employeeID > 0 {
		q += ` AND employee_id = ?`
		args = append(args, employeeID)
	}
	q += fmt.Sprintf(` ORDER BY id LIMIT %d`, limit)
	return queryAll(ctx, db, scanNotification, q, args...)
}

// RecentNotifications returns an employee's latest notifications, newest first.
func (db *DB) RecentNotifications(ctx context.Context, employeeID int64, limit int) ([]*fresco.Notification, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	return queryAll(ctx, db, scanNotification, `SELECT `+notificationColumns+` FROM notifications
		WHERE employee_id = ? ORDER BY id DESC LIMIT `+fmt.Sprint(limit), employeeID)
}

// NotificationFilter selects a page of one employee's notifications.
type NotificationFilter struct {
	EmployeeID int64
	Unread     bool   // only those not yet read
	Event      string // only this event
	Cursor     string // from the previous page
	Limit      int
}

// ListNotifications returns a page of an employee's notifications, newest
// first, and the cursor of the next page.
func (db *DB) ListNotifications(ctx context.Context, f NotificationFilter) ([]*fresco.Notification, string, error) {
	before, err := decodeCursor(f.Cursor)
	if err != nil {
		return nil, "", err
	}
	var w conditions
	w.add("employee_id = ?", f.EmployeeID)
	if f.Unread {
		w.add("read_at IS NULL")
	}
	w.textIs("event", f.Event)
	if before > 0 {
		w.add("id < ?", before)
	}
	return queryPage(ctx, db, `SELECT `+notificationColumns+` FROM notifications WHERE `+w.sql()+` ORDER BY id DESC LIMIT ?`,
		w.args, pageLimit(f.Limit), scanNotification, func(n *fresco.Notification) int64 { return n.ID })
}

// Notification reads one of an employee's notifications; another's is not
// found.
func (db *DB) Notification(ctx context.Context, employeeID, id int64) (*fresco.Notification, error) {
	n, err := scanOne(ctx, db, scanNotification, `SELECT `+notificationColumns+` FROM notifications WHERE id = ? AND employee_id = ?`, id, employeeID)
	return n, notFound(err, "notification", id)
}

// MarkNotificationRead marks one of an employee's notifications read (a
// second time changes nothing); another's is not found.
func (db *DB) MarkNotificationRead(ctx context.Context, employeeID, id int64) error {
	res, err := db.Exec(ctx, `UPDATE notifications SET read_at = COALESCE(read_at, ?) WHERE id = ? AND employee_id = ?`,
		now(), id, employeeID)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err == nil && n == 0 {
		err = sql.ErrNoRows
	}
	return notFound(err, "notification", id)
}

// LatestNotificationID returns the highest notification id (0 when none).
func (db *DB) LatestNotificationID(ctx context.Context) (int64, error) {
	var id sql.NullInt64
	err := db.QueryRow(ctx, `SELECT MAX(id) FROM notifications`).Scan(&id)
	return id.Int64, err
}

// UnreadNotifications counts an employee's unread notifications.
func (db *DB) UnreadNotifications(ctx context.Context, employeeID int64) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE employee_id = ? AND read_at IS NULL`, employeeID).Scan(&n)
	return n, err
}

// MarkNotificationsRead marks an employee's notifications up to and
// including upToID as read (all of them when upToID is 0).
func (db *DB) MarkNotificationsRead(ctx context.Context, employeeID, upToID int64) error {
	q := `UPDATE notifications SET read_at = ? WHERE employee_id = ? AND read_at IS NULL`
	args := []any{now(), employeeID}
	if upToID > 0 {
		q += ` AND id <= ?`
		args = append(args, upToID)
	}
	_, err := db.Exec(ctx, q, args...)
	return err
}

// Recipient is an employee as the notifier needs them.
type Recipient struct {
	ID     int64
	Name   string
	Email  string
	Active bool
}

// Recipients returns the employees with the ids, in id order; unknown ids are left out.
func (tx *Tx) Recipients(ctx context.Context, ids []int64) ([]Recipient, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return queryAll(ctx, tx, scanRecipient, `SELECT id, name, email, active FROM employees WHERE id IN (`+placeholders(len(ids))+`) ORDER BY id`, asArgs(ids)...)
}

func scanRecipient(row rowScanner) (Recipient, error) {
	var r Recipient
	err := row.Scan(&r.ID, &r.Name, &r.Email, &r.Active)
	return r, err
}

// AsyncCommit lets a PostgreSQL transaction commit without waiting for its
// WAL to reach the disk (synchronous_commit = off); SQLite in WAL mode with
// synchronous=NORMAL never waits anyway. Use it only for work a durable job
// does before it finishes: a crash can lose the commit only together with
// the later commit that marks the job done, so the job simply runs again.
func (tx *Tx) AsyncCommit(ctx context.Context) error {
	if tx.db.dialect != Postgres {
		return nil
	}
	_, err := tx.Exec(ctx, `SET LOCAL synchronous_commit = off`)
	return err
}
