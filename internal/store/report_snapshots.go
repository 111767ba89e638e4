package store

// Dashboards worked out in the background (migration 00043): a job computes
// a report that costs too much to work out on every view and stores it
// here as JSON under a name; a view reads that one row.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ReplaceReportSnapshot stores body as the report name as of computedAt,
// unless a snapshot as of a later time is stored already (two refreshes
// that overlapped, the older finishing last): it reports whether body was
// stored.
func (db *DB) ReplaceReportSnapshot(ctx context.Context, name string, body []byte, computedAt time.Time) (stored bool, err error) {
	err = db.InTx(ctx, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO report_snapshots (name, computed_at, body) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET computed_at = excluded.computed_at, body = excluded.body
			WHERE report_snapshots.computed_at <= excluded.computed_at RETURNING name`,
			name, computedAt.UTC(), string(body)).Scan(new(string))
		if stored = err == nil; errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	return stored && err == nil, err
}

// ReportSnapshot returns the stored report name and the time it is as of;
// computedAt is zero when it has never been stored.
func (db *DB) ReportSnapshot(ctx context.Context, name string) (body []byte, computedAt time.Time, err error) {
	var s string
	err = db.QueryRow(ctx, `SELECT body, computed_at FROM report_snapshots WHERE name = ?`, name).Scan(&s, &computedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, nil
	}
	return []byte(s), computedAt.UTC(), err
}

// StoredReport is one stored snapshot.
type StoredReport struct {
	Name       string
	Body       []byte
	ComputedAt time.Time
}

// ReportSnapshotRange returns the snapshots named first to last
// (inclusive, in the names' byte order), by name: a family of snapshots
// named prefix+label, such as one per period, read in one index range.
func (db *DB) ReportSnapshotRange(ctx context.Context, first, last string) ([]StoredReport, error) {
	return queryAll(ctx, db, func(row rowScanner) (StoredReport, error) {
		var r StoredReport
		var body string
		err := row.Scan(&r.Name, &body, &r.ComputedAt)
		r.Body, r.ComputedAt = []byte(body), r.ComputedAt.UTC()
		return r, err
	}, `SELECT name, body, computed_at FROM report_snapshots WHERE name >= ? AND name <= ? ORDER BY name`, first, last)
}

// DeleteReportSnapshot removes the stored report name, if any: a family
// of snapshots a job keeps for some periods only drops the others.
func (db *DB) DeleteReportSnapshot(ctx context.Context, name string) error {
	_, err := db.Exec(ctx, `DELETE FROM report_snapshots WHERE name = ?`, name)
	return err
}

// NewPurchases is what a job that keeps snapshots of purchase figures
// finds new since its last runs, by a purchase-id watermark stored as a
// snapshot of its own (chain.customers_refresh, rewards.scorecards_refresh).
// Purchase ids only grow, so "the purchases with an id above the
// watermark" finds the new ones, late imports of any date included,
// through the primary key; their dates say which periods to work out
// again. The watermark is the largest id at the run before last, not at the
// last run: on PostgreSQL ids are taken when a transaction inserts but
// seen when it commits, so a long import may commit ids below one a run
// has already seen (and a read replica may lag the primary).
type NewPurchases struct {
	First, Last *time.Time // the earliest and latest date among them; nil: none
	name        string
	next        purchaseWatermark
}

// purchaseWatermark is the largest purchase id at a job's last two runs.
type purchaseWatermark struct {
	Older int64 `json:"older"`
	Newer int64 `json:"newer"`
}

// Touch reports whether any new purchase is dated in [from, to).
func (n NewPurchases) Touch(from, to time.Time) bool {
	return n.First != nil && n.First.Before(to) && !n.Last.Before(from)
}

// PurchasesSinceWatermark reads the watermark stored under name and the
// purchases above it; after the run, SavePurchaseWatermark moves it on.
func (db *DB) PurchasesSinceWatermark(ctx context.Context, name string) (NewPurchases, error) {
	n := NewPurchases{name: name}
	var wm purchaseWatermark
	body, at, err := db.ReportSnapshot(ctx, name)
	if err != nil {
		return n, err
	}
	if !at.IsZero() {
		if err := json.Unmarshal(body, &wm); err != nil {
			return n, fmt.Errorf("watermark %s: %w", name, err)
		}
	}
	var maxID int64
	if n.First, n.Last, maxID, err = db.ChainPurchasesSince(ctx, wm.Older); err != nil {
		return n, err
	}
	n.next = purchaseWatermark{Older: wm.Newer, Newer: maxID}
	if at.IsZero() { // everything was new: nothing older to look at again
		n.next.Older = maxID
	}
	return n, nil
}

// SavePurchaseWatermark stores the watermark after a run that worked out
// what n found, as of at.
func (db *DB) SavePurchaseWatermark(ctx context.Context, n NewPurchases, at time.Time) error {
	body, err := json.Marshal(n.next)
	if err != nil {
		return err
	}
	_, err = db.ReplaceReportSnapshot(ctx, n.name, body, at)
	return err
}
