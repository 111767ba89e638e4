package store

// SQLite's refit, written beside the old one. SQLite has one writer: a
// refit replacing every row of customer_value in one transaction held it
// for about 20 s at a million customers, and every write waited. Instead:
//
//  1. Leftovers of a refit that failed or crashed (customer_value_next,
//     customer_value_old) are emptied in short transactions and dropped.
//  2. customer_value_next is created as customer_value is, indexes
//     included, and filled in transactions of refitRowsPerTx rows; the
//     writer is free between them. Readers still read customer_value.
//  3. One small transaction renames customer_value to customer_value_old
//     and customer_value_next to customer_value, and records the fits and
//     the refit's token: readers see the old rows or the new, never a mix.
//  4. customer_value_old is emptied in short transactions and dropped.
//
// A refit that fails before 3 changes nothing readers see; one that fails
// or crashes after 3 leaves only customer_value_old. Either leftover is
// removed by step 1 of the next refit.
//
// Index names are global in SQLite and stay with their table on a rename,
// so the new table's indexes cannot take the old ones' names while the old
// table exists: each refit names its indexes the other way from the last
// (customer_value_clv ↔ customer_value_clv_alt, swapIndexName). A
// migration dropping one of customer_value's indexes must drop both names
// (DROP INDEX IF EXISTS). Building each index once from the finished
// table, as the one-transaction write did, would hold the writer for a
// sort of every row; the indexes are kept up row by row instead, in the
// short transactions.
//
// A view or trigger over customer_value would follow it to
// customer_value_old on the rename: the refit refuses to start while one
// exists (customerValueDependents). The writer's kept statements naming
// customer_value are prepared again by SQLite on their next run, against
// the table then named so.

import (
	"context"
	"crypto/rand"
	"fmt"
	"iter"
	"regexp"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
)

const (
	// stagingValues is the table a refit is written into.
	stagingValues = "customer_value_next"
	// retiredValues is the replaced refit until its rows are deleted.
	retiredValues = "customer_value_old"
	// refitStagingKey is the settings row naming the refit that owns
	// stagingValues: a refit started later takes the table over, and the
	// earlier one stops at its next transaction instead of mixing its
	// rows in.
	refitStagingKey = "clv.refit.staging"
	// altIndexSuffix marks the second set of customer_value's index names.
	altIndexSuffix = "_alt"
)

// refitRowsPerTx is the rows a refit writes or deletes in one transaction
// (SQLite), its five indexes kept up row by row: 2,000 held the writer
// 170–360 ms on the loaded 2-core machine, as long as a write should wait
// in all.
const refitRowsPerTx = 1000

// swapCustomerValues is ReplaceCustomerValuesSeq on SQLite: steps 1–4.
func (db *DB) swapCustomerValues(ctx context.Context, values iter.Seq[*fresco.CustomerValue], fits []*fresco.CLVFit) error {
	owner := rand.Text()
	if err := db.claimValueStaging(ctx, owner); err != nil {
		return err
	}
	if err := db.writeStagedValues(ctx, owner, values); err != nil {
		return err
	}
	if err := db.InTx(ctx, func(tx *Tx) error {
		if err := tx.ownsValueStaging(ctx, owner); err != nil {
			return err
		}
		for _, q := range []string{
			`ALTER TABLE customer_value RENAME TO ` + retiredValues,
			`ALTER TABLE ` + stagingValues + ` RENAME TO customer_value`,
			`DELETE FROM settings WHERE key = '` + refitStagingKey + `'`,
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return fmt.Errorf("switch to the new refit: %w", err)
			}
		}
		return tx.recordRefit(ctx, fits)
	}); err != nil {
		return err
	}
	if err := db.dropValueTable(ctx, retiredValues); err != nil {
		return fmt.Errorf("the new refit is served, the old one's rows are left for the next refit: %w", err)
	}
	return nil
}

// claimValueStaging makes owner the refit that owns stagingValues, removes
// what an earlier refit left, and creates stagingValues empty, with
// customer_value's columns and indexes.
func (db *DB) claimValueStaging(ctx context.Context, owner string) error {
	if _, err := db.Exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, refitStagingKey, owner); err != nil {
		return fmt.Errorf("claim the refit's table: %w", err)
	}
	for _, table := range []string{stagingValues, retiredValues} {
		if err := db.dropValueTable(ctx, table); err != nil {
			return err
		}
	}
	return db.InTx(ctx, func(tx *Tx) error {
		if err := tx.ownsValueStaging(ctx, owner); err != nil {
			return err
		}
		if err := tx.customerValueDependents(ctx); err != nil {
			return err
		}
		ddl, err := tx.stagingValuesDDL(ctx)
		if err != nil {
			return err
		}
		for _, q := range ddl {
			if _, err := tx.Exec(ctx, q); err != nil {
				return fmt.Errorf("create %s: %w", stagingValues, err)
			}
		}
		return nil
	})
}

// ownsValueStaging fails unless owner still owns stagingValues.
func (tx *Tx) ownsValueStaging(ctx context.Context, owner string) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM settings WHERE key = ? AND value = ?`, refitStagingKey, owner).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fresco.Errorf(fresco.ECONFLICT, "a later lifetime-value refit took over: this one stops")
	}
	return nil
}

// customerValueDependents fails if a view or trigger names customer_value:
// the rename would carry it over to the table about to be dropped.
func (tx *Tx) customerValueDependents(ctx context.Context) error {
	names, err := queryAll(ctx, tx, scanValue[string], `SELECT type || ' ' || name FROM sqlite_master
		WHERE type IN ('view', 'trigger') AND (tbl_name = 'customer_value' OR sql LIKE '%customer_value%') ORDER BY name`)
	if err != nil {
		return err
	}
	if len(names) > 0 {
		return fmt.Errorf("clv refit: %s names customer_value, which the refit renames (store/customer_value_swap.go)", strings.Join(names, ", "))
	}
	return nil
}

// indexDDL splits a CREATE INDEX statement as sqlite_master keeps it:
// the head, the name, and what follows the table's name.
var indexDDL = regexp.MustCompile(`(?is)^(CREATE\s+(?:UNIQUE\s+)?INDEX)\s+(\S+)\s+ON\s+[^\s(]+\s*(\(.*)$`)

// stagingValuesDDL is customer_value's definition as sqlite_master keeps
// it — the migrations' CREATE TABLE, its later columns, its indexes —
// for stagingValues, each index under its other name.
func (tx *Tx) stagingValuesDDL(ctx context.Context) ([]string, error) {
	var table string
	if err := tx.QueryRow(ctx, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'customer_value'`).Scan(&table); err != nil {
		return nil, fmt.Errorf("customer_value's definition: %w", err)
	}
	cols := strings.Index(table, "(")
	if cols < 0 {
		return nil, fmt.Errorf("customer_value's definition has no columns: %q", table)
	}
	ddl := []string{`CREATE TABLE ` + stagingValues + ` ` + table[cols:]}
	indexes, err := queryAll(ctx, tx, scanValue[string],
		`SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customer_value' AND sql IS NOT NULL ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("customer_value's indexes: %w", err)
	}
	for _, def := range indexes {
		m := indexDDL.FindStringSubmatch(def)
		if m == nil {
			return nil, fmt.Errorf("customer_value's index definition not understood: %q", def)
		}
		ddl = append(ddl, m[1]+` `+swapIndexName(strings.Trim(m[2], `"`))+` ON `+stagingValues+` `+m[3])
	}
	return ddl, nil
}

// swapIndexName is the name an index of customer_value takes in the next
// refit: the migrations' name and the one with altIndexSuffix alternate.
func swapIndexName(name string) string {
	if base, ok := strings.CutSuffix(name, altIndexSuffix); ok {
		return base
	}
	return name + altIndexSuffix
}

// writeStagedValues writes the rows values yields into stagingValues,
// refitRowsPerTx a transaction. Each batch's rows are built before its
// transaction begins, so the writer waits for no forecast.
func (db *DB) writeStagedValues(ctx context.Context, owner string, values iter.Seq[*fresco.CustomerValue]) error {
	next, stop := iter.Pull(values)
	defer stop()
	args := make([]any, 0, refitRowsPerTx*customerValueArgs)
	for more := true; more; {
		args = args[:0]
		for len(args) < refitRowsPerTx*customerValueArgs {
			v, ok := next()
			if !ok {
				more = false
				break
			}
			args = append(args, customerValueRow(v)...)
		}
		if len(args) == 0 {
			break
		}
		err := db.InTx(ctx, func(tx *Tx) error {
			if err := tx.ownsValueStaging(ctx, owner); err != nil {
				return err
			}
			return tx.insertValueRows(ctx, args)
		})
		if err != nil {
			return fmt.Errorf("insert customer_value: %w", err)
		}
	}
	return nil
}

// insertValueRows inserts rows of customerValueArgs arguments into
// stagingValues, 400 a statement (10,400 parameters, under SQLite's
// limit).
func (tx *Tx) insertValueRows(ctx context.Context, args []any) error {
	const perStatement = 400
	rest := args
	return tx.insertRows(ctx, `INSERT INTO `+stagingValues+` (`+customerValueColumns+`) VALUES `, customerValueArgs, perStatement,
		func(buf []any) ([]any, bool) {
			n := min(len(rest), customerValueArgs)
			buf, rest = append(buf, rest[:n]...), rest[n:]
			return buf, len(rest) > 0
		})
}

// dropValueTable deletes the rows of table (stagingValues or
// retiredValues), refitRowsPerTx a transaction, and drops it, indexes and
// all: dropping a full table frees each of its pages in one transaction.
func (db *DB) dropValueTable(ctx context.Context, table string) error {
	for {
		var deleted int64
		err := db.InTx(ctx, func(tx *Tx) error {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, table).Scan(&n); err != nil || n == 0 {
				return err
			}
			// table is one of the two constants above.
			res, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE rowid IN (SELECT rowid FROM `+table+` LIMIT ?)`, refitRowsPerTx)
			if err != nil {
				return err
			}
			deleted, err = res.RowsAffected()
			if err == nil && deleted == 0 {
				_, err = tx.Exec(ctx, `DROP TABLE `+table)
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("remove %s: %w", table, err)
		}
		if deleted == 0 {
			return nil
		}
	}
}
