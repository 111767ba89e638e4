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
		kept, _ := db.KeptStatements()
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
			for i := range store.MaxKeptStatements + 50 {
				exec(fmt.Sprintf(`UPDATE kept_test SET w = w + 1 WHERE id = ? AND %d = %d`, i, i), 1+i%5)
			}
		}
		for i := range store.MaxKeptStatements + 50 {
			exec(fmt.Sprintf(`UPDATE kept_test SET v = v WHERE id = %d`, 1000+i))
			exec(fmt.Sprintf(`UPDATE kept_test SET v = v WHERE id = %d`, 1000+i))
		}
		if kept, _ := db.KeptStatements(); kept > store.MaxKeptStatements {
			t.Fatalf("%d statements kept, more than the bound %d", kept, store.MaxKeptStatements)
		}
		var total int
		err = db.InTx(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT SUM(w) FROM kept_test`).Scan(&total)
		})
		if wantW := 5*7 + 2*(store.MaxKeptStatements+50); err != nil || total != wantW {
			t.Fatalf("the updates through kept statements sum to %d, %v; want %d", total, err, wantW)
		}
	})
}

// The dashboards read the database through Reports: on SQLite a pool of
// their own, one connection fewer than the cores, whose statements are
// kept prepared; it sees every commit as the other readers do — after a
// change of schema too — on both engines (PostgreSQL: db itself).
func TestReportsReadWhatTheReadersRead(t *testing.T) {
	storetest.EachFresh(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		pools := db.Pools()
		if db.Dialect() == store.SQLite {
			if got, want := pools["dashboards"].Stats().MaxOpenConnections, max(1, runtime.NumCPU()-1); got != want {
				t.Fatalf("dashboards pool of %d connections, want %d", got, want)
			}
		} else if _, ok := pools["dashboards"]; ok {
			t.Fatal("PostgreSQL has a dashboards pool")
		}
		exec := func(q string, args ...any) {
			t.Helper()
			if err := db.InTx(ctx, func(tx *store.Tx) error { _, err := tx.Exec(ctx, q, args...); return err }); err != nil {
				t.Fatal(err)
			}
		}
		sum := func(q *store.DB) (n, total int) {
			t.Helper()
			if err := q.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(id), 0) FROM reports_test WHERE v <> ?`, "").Scan(&n, &total); err != nil {
				t.Fatal(err)
			}
			return n, total
		}
		exec(`CREATE TABLE reports_test (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`)
		for i := 1; i <= 6; i++ {
			if i == 4 { // the table changes under the kept statement
				exec(`ALTER TABLE reports_test ADD COLUMN w INTEGER NOT NULL DEFAULT 7`)
				exec(`CREATE INDEX reports_test_v ON reports_test (v)`)
			}
			exec(`INSERT INTO reports_test (id, v) VALUES (?, ?)`, i, fmt.Sprint("v", i))
			liveN, liveTotal := sum(db)
			n, total := sum(db.Reports())
			if liveN != i || liveTotal != i*(i+1)/2 || n != liveN || total != liveTotal {
				t.Fatalf("after %d writes: readers see %d rows summing to %d, dashboards %d summing to %d", i, liveN, liveTotal, n, total)
			}
		}
		_, kept := db.KeptStatements()
		if db.Dialect() == store.SQLite && kept < 1 {
			t.Fatal("the dashboards keep no statement after six runs of the same one")
		}
		if db.Dialect() == store.Postgres && kept != 0 {
			t.Fatalf("PostgreSQL keeps %d statements itself, want none (pgx does)", kept)
		}
	})
}
