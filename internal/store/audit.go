package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// Audit records an action within the transaction, so that the record and the
// change it describes are committed together. detail is marshalled to JSON;
// nil is stored as {}.
func (tx *Tx) Audit(ctx context.Context, actor, action, entity, entityID string, detail any) error {
	raw, err := auditDetail(detail)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO audit_log (at, actor, action, entity, entity_id, detail) VALUES (?, ?, ?, ?, ?, ?)`,
		now(), actor, action, entity, entityID, raw)
	return err
}

func auditDetail(detail any) (string, error) {
	if detail == nil {
		return "{}", nil
	}
	b, err := json.Marshal(detail)
	if err != nil {
		return "", fmt.Errorf("audit detail: %w", err)
	}
	if string(b) == "null" {
		return "{}", nil
	}
	return string(b), nil
}

// ListAudit returns up to limit audit entries, newest first, for one record
// (entity and entityID), one kind of record (entityID ""), or all (entity "").
func (db *DB) ListAudit(ctx context.Context, entity, entityID string, limit int) ([]fresco.AuditEntry, error) {
	return db.ListAuditPage(ctx, AuditFilter{Entity: entity, EntityID: entityID, Limit: limit})
}

// AuditFilter selects audit entries; the zero value is every entry.
type AuditFilter struct {
	Entity   string // kind of record, e.g. "customer"
	EntityID string // with Entity: one record
	Actor    string // who, e.g. "employee:12"
	Action   string // e.g. "erase"
	Before   int64  // only entries with a smaller id: the next page of a newest-first list
	Limit    int
}

// ListAuditPage returns the entries f selects, newest first.
func (db *DB) ListAuditPage(ctx context.Context, f AuditFilter) ([]fresco.AuditEntry, error) {
	var where conditions
	where.textIs("entity", f.Entity)
	if f.Entity != "" {
		where.textIs("entity_id", f.EntityID)
	}
	where.textIs("actor", f.Actor)
	where.textIs("action", f.Action)
	if f.Before > 0 {
		where.add("id < ?", f.Before)
	}
	query := `SELECT id, at, actor, action, entity, entity_id, detail FROM audit_log WHERE ` + where.sql() + ` ORDER BY id DESC LIMIT ?`
	return queryAll(ctx, db, scanAuditEntry, query, append(where.args, pageLimit(f.Limit))...)
}

func scanAuditEntry(row rowScanner) (fresco.AuditEntry, error) {
	var (
		e      fresco.AuditEntry
		detail string
	)
	if err := row.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &detail); err != nil {
		return e, err
	}
	e.At = e.At.UTC()
	e.Detail = json.RawMessage(detail)
	return e, nil
}
