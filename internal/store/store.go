// Package store is Fresco's storage: one database/sql implementation of the
// domain services for both SQLite (embedded default) and PostgreSQL.
//
// SQL is written once with ? placeholders and portable syntax (ON CONFLICT,
// RETURNING); the dialect rebinds placeholders for PostgreSQL and supplies the
// few expressions that differ. Every query is a string in this package, so
// `grep` finds the SQL that touches a table.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"           // registers the "sqlite" database/sql driver

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/secret"
)

// Dialect names the database engine behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open Fresco database. On SQLite it keeps one writer connection and
// a pool of readers, because SQLite allows one writer at a time and a second
// writer would only wait on the lock; on PostgreSQL both are the same pool.
type DB struct {
	dialect Dialect
	write   *sql.DB
	read    *sql.DB
	url     string
	keys    *secret.Keyring // seals webhook secrets and the survey-link key; see secrets.go
	reports *DB             // the dashboards' read replica, when one is attached; see reports.go
	keyed   *sql.DB         // PostgreSQL's pool for reads by key, which keeps plans; see reused_plans.go
	// writeTurn queues the writers of SQLite's one writer connection in
	// arrival order (see awaitWriteTurn); nil on PostgreSQL.
	writeTurn chan struct{}
	// dashboards is what Reports gives on SQLite without a replica: db
	// with a reader pool of its own, one connection a core (see
	// dashboardConns); nil on PostgreSQL, whose server does the work.
	dashboards *DB
	// writeStatements: SQLite's writer's statements, kept prepared
	// between transactions (write_statements.go); nil on PostgreSQL.
	writeStatements *writeStatements
}

// Open opens the database named by rawURL — "sqlite:PATH" (or a path ending in
// .db) or "postgres://…" — and migrates it to the latest schema.
func Open(ctx context.Context, rawURL string) (*DB, error) {
	db, err := open(rawURL)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// OpenUnmigrated opens the database named by rawURL as it is, without
// migrating it: a backup must copy what is there, not an upgraded version.
func OpenUnmigrated(rawURL string) (*DB, error) { return open(rawURL) }

func open(rawURL string) (*DB, error) {
	if path, ok := SQLitePath(rawURL); ok {
		return openSQLite(path)
	}
	if strings.HasPrefix(rawURL, "postgres://") || strings.HasPrefix(rawURL, "postgresql://") {
		return openPostgres(rawURL)
	}
	return nil, fresco.Errorf(fresco.EINVALID, "database URL %q: use sqlite:PATH or postgres://…", rawURL)
}

// SQLitePath returns the file a SQLite database URL names, and false for
// any other URL.
func SQLitePath(rawURL string) (string, bool) {
	switch {
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		return "", false
	case strings.HasPrefix(rawURL, "sqlite:"):
		return strings.TrimPrefix(strings.TrimPrefix(rawURL, "sqlite:"), "//"), true
	case strings.HasSuffix(rawURL, ".db"), strings.HasSuffix(rawURL, ".sqlite"):
		return rawURL, true
	}
	return "", false
}

func openSQLite(path string) (*DB, error) {
	if path == "" {
		return nil, fresco.Errorf(fresco.EINVALID, "database URL: sqlite: needs a file path, e.g. sqlite:fresco.db")
	}
	if err := createPrivately(path); err != nil {
		return nil, err
	}
	dsn := sqliteDSN(path)
	write, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	write.SetConnMaxLifetime(0)

	read, err := openSQLiteReaders(dsn)
	if err != nil {
		write.Close()
		return nil, err
	}
	dashboards, err := openSQLiteReaders(dsn)
	if err != nil {
		write.Close()
		read.Close()
		return nil, err
	}
	dashboards.SetMaxOpenConns(dashboardConns())
	dashboards.SetMaxIdleConns(dashboardConns())
	db := &DB{dialect: SQLite, write: write, read: read, url: "sqlite:" + path, writeTurn: make(chan struct{}, 1),
		writeStatements: newWriteStatements()}
	db.dashboards = &DB{dialect: SQLite, write: write, read: dashboards, url: db.url, writeTurn: db.writeTurn,
		writeStatements: db.writeStatements}
	return db, nil
}

// dashboardConns is how many dashboard queries (Reports) run at once on
// SQLite: one a core. SQLite runs in this process, so a dashboard's query
// takes a core for as long as it runs; more at once than cores only
// queue for CPU, and the write transaction that holds SQLite's one writer
// then runs at a fraction of a core while every write waits behind it
// (issue 10, writes under load: with the reader pool's four connections,
// writes p50 1.2–2.3 s under load). One fewer than the cores left a core
// to the writes (p99 430–500 ms against 590–670 quiet) but queued the
// home page and /feedback behind one connection: in the quiet 1M walk
// `/` and `/login` went over 200 ms at p95 (217 ms), none with one a core.
func dashboardConns() int {
	return max(1, runtime.NumCPU())
}

// sqliteDSN is the connection string of the database file at path.
func sqliteDSN(path string) string {
	// busy_timeout comes first so that every later pragma already waits for
	// the lock instead of failing; _txlock=immediate takes the write lock at
	// BEGIN, which avoids deadlocks between read-then-write transactions.
	params := url.Values{}
	params.Add("_pragma", "busy_timeout(10000)")
	params.Add("_pragma", "journal_mode(WAL)")
	params.Add("_pragma", "synchronous(NORMAL)")
	params.Add("_pragma", "foreign_keys(1)")
	params.Add("_pragma", "cache_size(-32000)")
	// Multi-row INSERTs keep a statement journal for rollback; in memory it
	// costs no file writes (it was an eighth of bulk-ingest time on disk).
	params.Add("_pragma", "temp_store(MEMORY)")
	params.Set("_time_format", "sqlite")
	params.Set("_txlock", "immediate")
	return "file:" + path + "?" + params.Encode()
}

// openSQLiteReaders opens a pool of read-only connections to the database
// of dsn: query_only refuses any write.
func openSQLiteReaders(dsn string) (*sql.DB, error) {
	read, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		return nil, err
	}
	read.SetMaxOpenConns(max(4, runtime.NumCPU()*2))
	read.SetMaxIdleConns(max(4, runtime.NumCPU()*2))
	return read, nil
}

// createPrivately makes the database file, when it does not exist yet,
// readable by its owner only: it holds customers' personal data and password
// hashes. SQLite gives its -wal and -shm files the database file's mode.
func createPrivately(path string) error {
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("create database folder: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("create database file: %w", err)
	}
	return f.Close()
}

func openPostgres(rawURL string) (*DB, error) {
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, fresco.Errorf(fresco.EINVALID, "database URL: %v", err)
	}
	pool := openPostgresPool(cfg)
	return &DB{dialect: Postgres, write: pool, read: pool, keyed: openKeyedPool(cfg), url: rawURL}, nil
}

func openPostgresPool(cfg *pgx.ConnConfig) *sql.DB {
	cfg = cfg.Copy()
	// pgx prepares each statement once per connection, and after five
	// runs PostgreSQL may keep a generic plan for it, made without the
	// parameters' values: a date range or a LIMIT is then estimated at a
	// guess, and the plans chosen for the guess read whole tables (the two
	// weeks of uncategorised comments: every response, backwards by id,
	// 106 ms instead of 9 at 50k customers). Planning each run costs well
	// under a millisecond — except for pages of many reads by key, which
	// keep their plans (reused_plans.go). A URL that sets plan_cache_mode
	// keeps its own.
	if _, set := cfg.RuntimeParams["plan_cache_mode"]; !set {
		cfg.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	}
	pool := stdlib.OpenDB(*cfg)
	pool.SetMaxOpenConns(max(8, runtime.NumCPU()*4))
	pool.SetMaxIdleConns(max(8, runtime.NumCPU()*4))
	pool.SetConnMaxIdleTime(5 * time.Minute)
	return pool
}

// Close closes the pools, the read replica's too.
func (db *DB) Close() error {
	if db.writeStatements != nil {
		db.writeStatements.close()
	}
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	if db.reports != nil {
		err = errors.Join(err, db.reports.Close())
	}
	if db.keyed != nil {
		err = errors.Join(err, db.keyed.Close())
	}
	if db.dashboards != nil {
		err = errors.Join(err, db.dashboards.read.Close())
	}
	return err
}

// Dialect reports the engine.
func (db *DB) Dialect() Dialect { return db.dialect }

// Ping checks that the database answers; /readyz calls it.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.write.PingContext(ctx); err != nil {
		return err
	}
	return db.read.PingContext(ctx)
}

// rebind turns ? placeholders into $1, $2 … for PostgreSQL. Queries in this
// package never contain a literal question mark.
func (db *DB) rebind(query string) string {
	if db.dialect != Postgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// Tx is a write transaction. Capabilities that must enqueue a job in the same
// transaction as the write that caused it receive the Tx.
type Tx struct {
	tx   *sql.Tx
	db   *DB
	conn *sql.Conn // the connection tx runs on, for PostgreSQL's COPY (copy.go); nil for read snapshots
	// stmts keeps the statements of a long transaction prepared
	// (KeepStatements); nil: each statement is prepared when it runs.
	stmts map[string]*sql.Stmt
	// kept: SQLite's writer's statements kept across transactions
	// (write_statements.go); nil in read snapshots and on PostgreSQL.
	kept *writeStatements
	// rollupsLater: InsertPurchases and InsertResponses leave the rollups
	// to a rebuild (LeaveRollupsToRebuild).
	rollupsLater bool
	// linesOut: InsertPurchases leaves the lines to LinesBeside
	// (LeaveLinesOut).
	linesOut bool
}

// KeepStatements makes the transaction prepare each distinct statement
// once and reuse it until the transaction ends. SQLite (modernc) parses
// and plans a statement on every call otherwise — with the triggers of
// the table it writes — which was a third of the CPU of a transaction
// that runs thousands of small statements (the demo's recovery cases,
// issue 10). pgx caches prepared statements on its connections already,
// so on PostgreSQL this does nothing.
func (t *Tx) KeepStatements() {
	if t.db.dialect == SQLite && t.stmts == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
}

// stmt returns the kept statement of query (already rebound), preparing
// it on first use; nil when the transaction keeps none.
func (t *Tx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if t.stmts == nil {
		if t.kept != nil {
			if st := t.kept.lookup(query); st != nil {
				return t.tx.StmtContext(ctx, st), nil // closed by the transaction's end
			}
		}
		return nil, nil
	}
	if st, ok := t.stmts[query]; ok {
		return st, nil
	}
	st, err := t.tx.PrepareContext(ctx, query) // closed by the transaction's end
	if err != nil {
		return nil, err
	}
	t.stmts[query] = st
	return st, nil
}

// Exec runs a statement written with ? placeholders.
func (t *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	counted(ctx, query)
	query = t.db.rebind(query)
	if st, err := t.stmt(ctx, query); err != nil || st != nil {
		if err != nil {
			return nil, err
		}
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

// Query runs a query written with ? placeholders.
func (t *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	counted(ctx, query)
	query = t.db.rebind(query)
	if st, err := t.stmt(ctx, query); err != nil || st != nil {
		if err != nil {
			return nil, err
		}
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

// QueryRow runs a one-row query written with ? placeholders. A statement
// that fails to prepare is run unprepared, so that its error comes from
// the row's Scan as usual.
func (t *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	counted(ctx, query)
	query = t.db.rebind(query)
	if st, err := t.stmt(ctx, query); err == nil && st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

// Dialect reports the engine of the transaction's database.
func (t *Tx) Dialect() Dialect { return t.db.dialect }

// InTx runs fn in a write transaction, committing when fn returns nil and
// rolling back otherwise (also on panic).
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	done, err := db.awaitWriteTurn(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer done()
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		conn.Close()
		if db.writeStatements != nil { // the turn is still this writer's, the connection free
			db.writeStatements.prepareMissed(context.WithoutCancel(ctx), db.write)
		}
	}()
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			sqlTx.Rollback()
		}
	}()
	if err = fn(&Tx{tx: sqlTx, db: db, conn: conn, kept: db.writeStatements}); err != nil {
		return err
	}
	if err = sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Exec runs one write statement outside an explicit transaction.
func (db *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	done, err := db.awaitWriteTurn(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	counted(ctx, query)
	return db.write.ExecContext(ctx, db.rebind(query), args...)
}

// awaitWriteTurn waits until the writes that asked before this one are
// done, and returns the function that ends this one's turn. database/sql
// gives a freed connection to a random waiter, so with SQLite's single
// writer connection and many writers queued, an unlucky write waited many
// turns: that was the tail latency of writes under load (issue 10). The
// waiters of a channel are served in order.
func (db *DB) awaitWriteTurn(ctx context.Context) (done func(), err error) {
	if db.writeTurn == nil {
		return func() {}, nil
	}
	select {
	case db.writeTurn <- struct{}{}:
		return func() { <-db.writeTurn }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Query runs a read query on the reader pool.
func (db *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	counted(ctx, query)
	return db.readPool(ctx).QueryContext(ctx, db.rebind(query), args...)
}

// QueryRow runs a one-row read query on the reader pool.
func (db *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	counted(ctx, query)
	return db.readPool(ctx).QueryRowContext(ctx, db.rebind(query), args...)
}

// now is the clock used for created_at and updated_at, truncated to the
// microsecond because that is what PostgreSQL keeps.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
