package store

// Webhook subscriptions and their deliveries: one delivery per event and
// subscription, each with the log of its attempts.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/fresco-cx/fresco/internal/fresco"
)

const webhookColumns = `id, url, events, secret, active, disabled_reason, created_by, created_at`

func (db *DB) scanWebhook(row rowScanner) (*fresco.Webhook, error) {
	var w fresco.Webhook
	var events, secret string
	if err := row.Scan(&w.ID, &w.URL, &events, &secret, &w.Active, &w.DisabledReason, &w.CreatedBy, &w.CreatedAt); err != nil {
		return nil, err
	}
	return &w, db.finishWebhook(&w, events, secret)
}

// finishWebhook decodes the columns a scan cannot: the event list and the
// sealed secret.
func (db *DB) finishWebhook(w *fresco.Webhook, events, secret string) error {
	if err := json.Unmarshal([]byte(events), &w.Events); err != nil {
		return fmt.Errorf("webhook %d events: %w", w.ID, err)
	}
	w.CreatedAt = w.CreatedAt.UTC()
	var err error
	w.Secret, err = db.openSecret(secret, webhookSecretPurpose, fmt.Sprintf("webhook %d secret", w.ID))
	return err
}

// CreateWebhook stores w and sets its ID and CreatedAt.
func (db *DB) CreateWebhook(ctx context.Context, w *fresco.Webhook) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.CreateWebhook(ctx, w) })
}

// CreateWebhook stores w within the transaction, so that the subscription and
// its audit record are committed together.
func (tx *Tx) CreateWebhook(ctx context.Context, w *fresco.Webhook) error {
	events, err := json.Marshal(nonNil(w.Events))
	if err != nil {
		return err
	}
	sealed, err := tx.db.seal(w.Secret, webhookSecretPurpose)
	if err != nil {
		return err
	}
	w.CreatedAt, w.Active = now(), true
	return tx.QueryRow(ctx, `INSERT INTO webhook_subscriptions (url, events, secret, active, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, w.URL, string(events), sealed, true, w.CreatedBy, w.CreatedAt).Scan(&w.ID)
}

// Webhook returns the subscription with the id (deleted ones are not found).
func (db *DB) Webhook(ctx context.Context, id int64) (*fresco.Webhook, error) {
	w, err := db.scanWebhook(db.QueryRow(ctx, `SELECT `+webhookColumns+` FROM webhook_subscriptions WHERE id = ? AND deleted_at IS NULL`, id))
	return w, notFound(err, "webhook", id)
}

// ListWebhooks returns every subscription that is not deleted, in id order.
func (db *DB) ListWebhooks(ctx context.Context) ([]*fresco.Webhook, error) {
	return queryAll(ctx, db, db.scanWebhook, `SELECT `+webhookColumns+` FROM webhook_subscriptions WHERE deleted_at IS NULL ORDER BY id`)
}

// ActiveWebhooks returns the active subscriptions within the transaction.
func (tx *Tx) ActiveWebhooks(ctx context.Context) ([]*fresco.Webhook, error) {
	return queryAll(ctx, tx, tx.db.scanWebhook, `SELECT `+webhookColumns+` FROM webhook_subscriptions WHERE active AND deleted_at IS NULL ORDER BY id`)
}

// DeleteWebhook deletes a subscription; its pending deliveries are cancelled
// when their jobs next run. The rows stay for the delivery history.
func (db *DB) DeleteWebhook(ctx context.Context, id int64) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.DeleteWebhook(ctx, id) })
}

// DeleteWebhook deletes a subscription within the transaction.
func (tx *Tx) DeleteWebhook(ctx context.Context, id int64) error {
	res, err := tx.Exec(ctx, `UPDATE webhook_subscriptions SET active = FALSE, deleted_at = ? WHERE id = ? AND deleted_at IS NULL`, now(), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fresco.Errorf(fresco.ENOTFOUND, "webhook %d not found", id)
	}
	return nil
}

// DisableWebhook stops deliveries to a subscription, e.g. after 410 Gone.
func (db *DB) DisableWebhook(ctx context.Context, id int64, reason string) error {
	_, err := db.Exec(ctx, `UPDATE webhook_subscriptions SET active = FALSE, disabled_reason = ? WHERE id = ?`, reason, id)
	return err
}

// InsertDelivery records a pending delivery and sets its ID and CreatedAt.
func (tx *Tx) InsertDelivery(ctx context.Context, d *fresco.WebhookDelivery) error {
	d.Status, d.CreatedAt = fresco.DeliveryPending, now()
	return tx.QueryRow(ctx, `INSERT INTO webhook_deliveries (uid, subscription_id, event, payload, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		d.UID, d.SubscriptionID, d.Event, string(d.Payload), d.Status, d.CreatedAt).Scan(&d.ID)
}

const deliveryColumns = `id, uid, subscription_id, event, payload, status, attempts, last_status_code, last_latency_ms, last_error, created_at, delivered_at`

func scanDelivery(row rowScanner) (*fresco.WebhookDelivery, error) {
	var d fresco.WebhookDelivery
	var payload string
	var code, latency sql.NullInt64
	var delivered sql.NullTime
	if err := row.Scan(&d.ID, &d.UID, &d.SubscriptionID, &d.Event, &payload, &d.Status, &d.Attempts, &code, &latency,
		&d.LastError, &d.CreatedAt, &delivered); err != nil {
		return nil, err
	}
	d.Payload = []byte(payload)
	d.LastStatusCode, d.LastLatencyMS = ptrInt(code), ptrInt(latency)
	d.DeliveredAt = ptrTime(delivered)
	d.CreatedAt = d.CreatedAt.UTC()
	return &d, nil
}

// Delivery returns the delivery with the id and the subscription it belongs
// to, deleted or not.
func (db *DB) Delivery(ctx context.Context, id int64) (*fresco.WebhookDelivery, *fresco.Webhook, error) {
	var d fresco.WebhookDelivery
	var w fresco.Webhook
	var payload, events, secret string
	var code, latency sql.NullInt64
	var delivered sql.NullTime
	err := db.QueryRow(ctx, `SELECT d.id, d.uid, d.subscription_id, d.event, d.payload, d.status, d.attempts,
			d.last_status_code, d.last_latency_ms, d.last_error, d.created_at, d.delivered_at,
			w.id, w.url, w.events, w.secret, w.active, w.disabled_reason, w.created_by, w.created_at
		FROM webhook_deliveries d JOIN webhook_subscriptions w ON w.id = d.subscription_id
		WHERE d.id = ?`, id).Scan(&d.ID, &d.UID, &d.SubscriptionID, &d.Event, &payload, &d.Status, &d.Attempts,
		&code, &latency, &d.LastError, &d.CreatedAt, &delivered,
		&w.ID, &w.URL, &events, &secret, &w.Active, &w.DisabledReason, &w.CreatedBy, &w.CreatedAt)
	if err != nil {
		return nil, nil, notFound(err, "webhook delivery", id)
	}
	d.Payload = []byte(payload)
	d.LastStatusCode, d.LastLatencyMS, d.DeliveredAt = ptrInt(code), ptrInt(latency), ptrTime(delivered)
	d.CreatedAt = d.CreatedAt.UTC()
	if err := db.finishWebhook(&w, events, secret); err != nil {
		return nil, nil, err
	}
	return &d, &w, nil
}

// RecordDeliveryAttempt stores one attempt and the delivery's new status
// within tx.
func (tx *Tx) RecordDeliveryAttempt(ctx context.Context, deliveryID int64, a fresco.WebhookAttempt, status string) error {
	at := now()
	if _, err := tx.Exec(ctx, `INSERT INTO webhook_attempts (delivery_id, attempt, status_code, latency_ms, error, at)
		VALUES (?, ?, ?, ?, ?, ?)`, deliveryID, a.Attempt, nullInt(a.StatusCode), a.LatencyMS, a.Error, at); err != nil {
		return err
	}
	var deliveredAt any
	if status == fresco.DeliveryDelivered {
		deliveredAt = at
	}
	_, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, last_status_code = ?,
		last_latency_ms = ?, last_error = ?, delivered_at = COALESCE(delivered_at, ?) WHERE id = ?`,
		status, nullInt(a.StatusCode), a.LatencyMS, a.Error, deliveredAt, deliveryID)
	return err
}

// SetDeliveryStatus changes a delivery's status without an attempt (e.g.
// cancelled because its subscription was deleted).
func (db *DB) SetDeliveryStatus(ctx context.Context, deliveryID int64, status, reason string) error {
	_, err := db.Exec(ctx, `UPDATE webhook_deliveries SET status = ?, last_error = ? WHERE id = ?`, status, reason, deliveryID)
	return err
}

// ListDeliveries returns a subscription's latest deliveries, newest first,
// each with its attempts; beforeID > 0 pages on.
func (db *DB) ListDeliveries(ctx context.Context, subscriptionID, beforeID int64, limit int) ([]*fresco.WebhookDelivery, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	q := `SELECT ` + deliveryColumns + ` FROM webhook_deliveries WHERE subscription_id = ?`
	args := []any{subscriptionID}
	if beforeID > 0 {
		q += ` AND id < ?`
		args = append(args, beforeID)
	}
	list, err := queryAll(ctx, db, scanDelivery, q+fmt.Sprintf(` ORDER BY id DESC LIMIT %d`, limit), args...)
	if err != nil || len(list) == 0 {
		return list, err
	}
	byID := make(map[int64]*fresco.WebhookDelivery, len(list))
	ids := make([]any, len(list))
	for i, d := range list {
		byID[d.ID], ids[i] = d, d.ID
	}
	err = queryEach(ctx, db, func(row rowScanner) error {
		var id int64
		var a fresco.WebhookAttempt
		var code sql.NullInt64
		if err := row.Scan(&id, &a.Attempt, &code, &a.LatencyMS, &a.Error, &a.At); err != nil {
			return err
		}
		a.StatusCode, a.At = ptrInt(code), a.At.UTC()
		byID[id].AttemptLog = append(byID[id].AttemptLog, a)
		return nil
	}, `SELECT delivery_id, attempt, status_code, latency_ms, error, at FROM webhook_attempts
		WHERE delivery_id IN (`+placeholders(len(ids))+`) ORDER BY id`, ids...)
	if err != nil {
		return nil, err
	}
	return list, nil
}
