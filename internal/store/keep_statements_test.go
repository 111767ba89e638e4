package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// A transaction that keeps its statements prepared runs each one as often
// as it is called, with each call's arguments, its errors where they were,
// and reads within it see its writes — on SQLite also while a kept
// query's rows are being read.
func TestKeepStatements(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		err := db.InTx(ctx, func(tx *store.Tx) error {
			tx.KeepStatements()
			for i := range 5 {
				if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)`,
					fmt.Sprintf("keep.%d", i), fmt.Sprint(i*i)); err != nil {
					return err
				}
			}
			rows, err := tx.Query(ctx, `SELECT key, value FROM settings WHERE key LIKE ? ORDER BY key`, "keep.%")
			if err != nil {
				return err
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				var key, value string
				if err := rows.Scan(&key, &value); err != nil {
					return err
				}
				// Another kept statement while the rows are open (SQLite:
				// a PostgreSQL connection reads one result at a time).
				again := value
				if db.Dialect() == store.SQLite {
					if err := tx.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&again); err != nil {
						return err
					}
				}
				if want := fmt.Sprint(n * n); value != want || again != want {
					t.Errorf("%s = %s, again %s, want %s", key, value, again, want)
				}
				n++
			}
			if n != 5 {
				t.Errorf("read %d rows, want 5", n)
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		// A statement that fails to prepare fails where it is used.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			tx.KeepStatements()
			var x int
			return tx.QueryRow(ctx, `SELECT nope FROM settings`).Scan(&x)
		})
		if err == nil {
			t.Error("a bad query scanned")
		}
	})
}
