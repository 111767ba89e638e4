package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// A failed step under a savepoint is undone and the transaction goes on:
// the batch's slow path relies on it to reject one purchase and keep the
// rest in the same commit.
func TestSavepointUndoesOnlyTheFailedStep(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "f.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	boom := errors.New("boom")
	err = db.InTx(ctx, func(tx *Tx) error {
		if err := tx.CreateCustomer(ctx, &fresco.Customer{Name: "kept"}); err != nil {
			return err
		}
		if err := tx.savepoint(ctx, func() error {
			if err := tx.CreateCustomer(ctx, &fresco.Customer{Name: "undone"}); err != nil {
				return err
			}
			return boom
		}); !errors.Is(err, boom) {
			t.Errorf("savepoint returned %v", err)
		}
		return tx.savepoint(ctx, func() error { return tx.CreateCustomer(ctx, &fresco.Customer{Name: "also kept"}) })
	})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	rows, _ := db.Query(ctx, `SELECT name FROM customers ORDER BY id`)
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	rows.Close()
	if len(names) != 2 || names[0] != "kept" || names[1] != "also kept" {
		t.Errorf("customers %v, want the failed step's undone", names)
	}
}
