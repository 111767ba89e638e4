package store_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// Statements kept prepared between write transactions (SQLite) give what
// the same statements run unprepared give — after the schema of their
// table changed, after a rolled-back transaction, and past the bound on
// how many are kept — on both engines; PostgreSQL keeps none itself.
func TestKeptWriteStatementsWriteWhatUnpreparedOnesDo(t *testing.T) {
	storetest.EachFresh(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		exec := func(q string, args ...any) {
			t.Helper()
			if err := db.InTx(ctx, func(tx *store.Tx) error { _, err := tx.Exec(ctx, q, args...); return err }); err != nil {
				t.Fatal(err)
			}
		}
		exec(`CREATE TABLE kept_test (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`)
		insert := `INSERT INTO kept_test (id, v) VALUES (?, ?)`
		sum := func() (n, total int) {
			t.Helper()
			err := db.InTx(ctx, func(tx *store.Tx) error {
				return tx.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(id), 0) FROM kept_test WHERE v <> ?`, "").Scan(&n, &total)
			})
			if err != nil {
				t.Fatal(err)
			}
			return n, total
		}
		want := 0
		for i := 1; i <= 4; i++ { // the third run on is a kept statement on SQLite
			exec(insert, i, fmt.Sprint("v", i))
			want += i
			if n, total := sum(); n != i || total != want {
				t.Fatalf("after %d inserts: %d rows summing to %d, want %d and %d", i, n, total, i, want)
			}
		}
		kept := db.KeptWriteStatements()
		if db.Dialect() == store.SQLite && kept < 2 {
			t.Fatalf("SQLite keeps %d statements after four runs of the same two, want both", kept)
		}
		if db.Dialect() == store.Postgres && kept != 0 {
			t.Fatalf("PostgreSQL keeps %d statements itself, want none (pgx does)", kept)
		}

		// The table changes under the kept statements: a column, an index.
		exec(`ALTER TABLE kept_test ADD COLUMN w INTEGER NOT NULL DEFAULT 7`)
		exec(`CREATE INDEX kept_test_v ON kept_test (v)`)
		exec(insert, 5, "v5")
		want += 5
		if n, total := sum(); n != 5 || total != want {
			t.Fatalf("after the schema change: %d rows summing to %d, want 5 and %d", n, total, want)
		}
		var w int
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT w FROM kept_test WHERE id = ?`, 5).Scan(&w)
		})
		if err != nil || w != 7 {
			t.Fatalf("the new column of the row a kept statement wrote: %d, %v; want 7", w, err)
		}

		// A rolled-back transaction's kept statement leaves nothing.
		boom := fmt.Errorf("boom")
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, insert, 6, "v6"); err != nil {
				return err
			}
			return boom
		}); err != boom {
			t.Fatalf("rolled-back transaction returned %v", err)
		}
		if n, total := sum(); n != 5 || total != want {
			t.Fatalf("after a rollback: %d rows summing to %d, want 5 and %d", n, total, want)
		}

		// More distinct statements than are kept, each run twice.
		for range 2 {
			for i := range store.MaxWriteStatements + 50 {
				exec(fmt.Sprintf(`UPDATE kept_test SET w = w + 1 WHERE id = ? AND %d = %d`, i, i), 1+i%5)
			}
		}
		for i := range store.MaxWriteStatements + 50 {
			exec(fmt.Sprintf(`UPDATE kept_test SET v = v WHERE id = %d`, 1000+i))
			exec(fmt.Sprintf(`UPDATE kept_test SET v = v WHERE id = %d`, 1000+i))
		}
		if kept := db.KeptWriteStatements(); kept > store.MaxWriteStatements {
			t.Fatalf("%d statements kept, more than the bound %d", kept, store.MaxWriteStatements)
		}
		var total int
		err = db.InTx(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT SUM(w) FROM kept_test`).Scan(&total)
		})
		if wantW := 5*7 + 2*(store.MaxWriteStatements+50); err != nil || total != wantW {
			t.Fatalf("the updates through kept statements sum to %d, %v; want %d", total, err, wantW)
		}
	})
}

// The dashboards read the database through Reports: on SQLite a pool of
// their own, one connection a core, that sees every commit
// as the other readers do; on PostgreSQL db itself.
func TestReportsReadWhatTheReadersRead(t *testing.T) {
	storetest.EachFresh(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		pools := db.Pools()
		if db.Dialect() == store.SQLite {
			if got, want := pools["dashboards"].Stats().MaxOpenConnections, max(1, runtime.NumCPU()); got != want {
				t.Fatalf("dashboards pool of %d connections, want %d", got, want)
			}
		} else if _, ok := pools["dashboards"]; ok {
			t.Fatal("PostgreSQL has a dashboards pool")
		}
		count := func(q *store.DB) int {
			t.Helper()
			var n int
			if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM settings WHERE key LIKE ?`, "reports-test-%").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for i := range 3 {
			if err := db.SetSetting(ctx, fmt.Sprint("reports-test-", i), "x"); err != nil {
				t.Fatal(err)
			}
			if live, reports := count(db), count(db.Reports()); live != i+1 || reports != live {
				t.Fatalf("after %d writes: readers see %d, dashboards %d", i+1, live, reports)
			}
		}
	})
}
