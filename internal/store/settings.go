package store

import (
	"context"
	"database/sql"
	"errors"
)

// Settings are a small key–value table for options changed at run time.

// Setting returns the value stored under key, and whether there is one.
func (db *DB) Setting(ctx context.Context, key string) (string, bool, error) {
	var value string
	err := db.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return value, true, nil
}

// SetSetting stores value under key, replacing any earlier value.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.SetSetting(ctx, key, value) })
}

// EnsureSetting stores value under key unless a value is there already, and
// returns the stored value: the first writer wins, also across replicas.
func (db *DB) EnsureSetting(ctx context.Context, key, value string) (string, error) {
	if _, err := db.Exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, value); err != nil {
		return "", err
	}
	var stored string
	err := db.write.QueryRowContext(ctx, db.rebind(`SELECT value FROM settings WHERE key = ?`), key).Scan(&stored)
	return stored, err
}

// Setting returns the value stored under key within the transaction, and
// whether there is one.
func (tx *Tx) Setting(ctx context.Context, key string) (string, bool, error) {
	var value string
	err := tx.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return value, err == nil, err
}

// SetSetting stores value under key within the transaction, so that a
// change and its audit entry commit together.
func (tx *Tx) SetSetting(ctx context.Context, key, value string) error {
	if key == "" {
		return invalid("key", "is required")
	}
	_, err := tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// SwapSetting stores value under key only if the stored value is still old
// (or, when old is nil, only if there is none yet), and reports whether it
// wrote: an optimistic write for a setting edited by people who may race.
// The comparison is in the statement, so it holds under READ COMMITTED too.
func (tx *Tx) SwapSetting(ctx context.Context, key string, old *string, value string) (bool, error) {
	if key == "" {
		return false, invalid("key", "is required")
	}
	var res sql.Result
	var err error
	if old == nil {
		res, err = tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, value)
	} else {
		res, err = tx.Exec(ctx, `UPDATE settings SET value = ? WHERE key = ? AND value = ?`, value, key, *old)
	}
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
