package store

// The rollups kept per customer, computed while a bulk load is still
// writing. SQLite's one writer keeps one core busy with a load, and the
// other idled; the per-customer rollups (purchase summaries, the recovery
// baseline's customer-months, acquisition per customer) were the dearer
// half of the rebuild that followed. A customer's rows depend on that
// customer's purchases alone, so once a load has committed every purchase
// of a range of customers, a connection of its own can compute their rows
// into a scratch file, and RebuildRollupsBeside copies them in.

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
)

// CustomerRollups computes the per-customer rollups of the ranges of
// customers a bulk load says it has stored. A nil *CustomerRollups (what
// ComputeCustomerRollups gives on PostgreSQL) does nothing.
type CustomerRollups struct {
	dir, scratch string // the scratch file, in a directory of its own
	rollups      []rollup
	ranges       chan [2]int64
	done         chan error // the computation's end; nil when not running
	cancel       context.CancelFunc
}

// newCustomerRollups makes the scratch file's directory, with no
// computation running.
func newCustomerRollups() (*CustomerRollups, error) {
	dir, err := os.MkdirTemp("", "fresco-rollups-")
	if err != nil {
		return nil, fmt.Errorf("rollups: %w", err)
	}
	return &CustomerRollups{dir: dir, scratch: filepath.Join(dir, "rollups.db")}, nil
}

// ComputeCustomerRollups starts computing per-customer rollups beside a
// bulk load into a database nobody else writes (the demo), which must
// leave the rollups to a rebuild (Tx.LeaveRollupsToRebuild) and end with
// RebuildRollupsBeside(ctx, c, …). Only on SQLite: on PostgreSQL the
// rebuild runs set-based after the load, and this returns nil.
func (db *DB) ComputeCustomerRollups(ctx context.Context) (*CustomerRollups, error) {
	if db.dialect != SQLite {
		return nil, nil
	}
	c, err := newCustomerRollups()
	if err != nil {
		return nil, err
	}
	conn, closeConn, err := db.scratchConn(ctx, c.scratch)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("customer rollups: %w", err)
	}
	acquisition, summary, baseline := perCustomerRollups(SQLite, allCustomers)
	c.rollups = []rollup{acquisition, summary, baseline}
	for _, r := range c.rollups {
		if err := createScratchTable(ctx, conn, r); err != nil {
			closeConn()
			c.Close()
			return nil, err
		}
	}
	ctx, c.cancel = context.WithCancel(ctx)
	c.ranges = make(chan [2]int64, 64)
	c.done = make(chan error, 1)
	go func() {
		defer closeConn()
		var err error
		for r := range c.ranges {
			if err == nil { // after an error, drain: Stored never waits on a failed computation
				err = computeCustomerRange(ctx, conn, r[0], r[1])
			}
		}
		c.done <- err
	}()
	return c, nil
}

// computeCustomerRange adds the per-customer rollups' rows of customers
// first … last to the scratch tables.
func computeCustomerRange(ctx context.Context, conn *sql.Conn, first, last int64) error {
	acquisition, summary, baseline := perCustomerRollups(SQLite, fmt.Sprintf("customer_id BETWEEN %d AND %d", first, last))
	for _, r := range []rollup{acquisition, summary, baseline} {
		if _, err := conn.ExecContext(ctx, `INSERT INTO `+scratchSchema+`.`+r.table+` (`+r.cols+`) `+r.sel); err != nil {
			return fmt.Errorf("customer rollup %s of customers %d–%d: %w", r.table, first, last, err)
		}
	}
	return nil
}

// Stored says that every purchase of customers first … last (ids) is
// committed and that no later write of the load changes them.
func (c *CustomerRollups) Stored(first, last int64) {
	if c != nil && c.done != nil {
		c.ranges <- [2]int64{first, last}
	}
}

// finish waits for the ranges said so far and returns the rollups in the
// scratch file (none when nothing was computed).
func (c *CustomerRollups) finish() ([]rollup, error) {
	if c.done == nil {
		return nil, nil
	}
	close(c.ranges)
	err := <-c.done
	c.done = nil
	return c.rollups, err
}

// Close stops the computation and removes the scratch file. It may be
// called more than once; RebuildRollupsBeside calls it.
func (c *CustomerRollups) Close() {
	if c == nil {
		return
	}
	if c.cancel != nil {
		c.cancel()
	}
	if c.done != nil {
		close(c.ranges)
		<-c.done
		c.done = nil
	}
	os.RemoveAll(c.dir)
}
