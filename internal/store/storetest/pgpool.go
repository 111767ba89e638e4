package storetest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/fresco-cx/fresco/internal/store"
)

// Creating and migrating a PostgreSQL schema costs the server about a second
// of CPU (hundreds of tables, indexes, functions and triggers), and the test
// suite asks for hundreds of them: that was most of CI's time. So a test
// process keeps the schemas its tests are done with and hands them out
// again, emptied and put back to the state a fresh migration leaves (the
// rows and sequence positions of a pristine "seed" schema migrated once).
// Emptying takes a few hundredths of a second. A schema whose shape a test
// changed (a table added or dropped, a migration undone) is dropped instead
// of reused, and so is one that cannot be emptied at once (a connection a
// test left open still holds a lock).
//
// Schemas are named tp_<host>_<pid>_<n>; a process drops the ones left by
// processes of its host that have ended (it cannot know when it ends itself).
type schemaPool struct {
	base   string // FRESCO_TEST_POSTGRES_URL
	prefix string // tp_<host>_<pid>_

	once    sync.Once
	initErr error
	admin   *sql.DB
	seed    string
	shape   string // fingerprint of the seed's objects
	reset   string // SQL that puts a schema back to the seed's state; %[1]s is the schema

	mu   sync.Mutex
	free []string
	made int
}

var pgPool = newSchemaPool()

func newSchemaPool() *schemaPool {
	host, _ := os.Hostname()
	sum := sha256.Sum256([]byte(host))
	return &schemaPool{prefix: fmt.Sprintf("tp_%s_%d_", hex.EncodeToString(sum[:3]), os.Getpid())}
}

// take returns an empty, migrated schema for t, given back when t ends.
func (p *schemaPool) take(t testing.TB, base string) string {
	t.Helper()
	p.once.Do(func() { p.initErr = p.init(base) })
	if p.initErr != nil {
		t.Fatalf("postgres test schemas: %v", p.initErr)
	}
	p.mu.Lock()
	var schema string
	if n := len(p.free); n > 0 {
		schema, p.free = p.free[n-1], p.free[:n-1]
	}
	p.mu.Unlock()
	if schema == "" {
		var err error
		if schema, err = p.create(); err != nil {
			t.Fatalf("postgres test schema: %v", err)
		}
	}
	t.Cleanup(func() { p.giveBack(schema) })
	return schema
}

func (p *schemaPool) init(base string) error {
	p.base = base
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return err
	}
	admin.SetMaxOpenConns(4)
	p.admin = admin
	p.dropEnded()
	if p.seed, err = p.create(); err != nil {
		return err
	}
	if p.shape, err = p.fingerprint(p.seed); err != nil {
		return err
	}
	p.reset, err = p.resetSQL()
	return err
}

// create makes a new schema and migrates it.
func (p *schemaPool) create() (string, error) {
	p.mu.Lock()
	p.made++
	schema := p.prefix + strconv.Itoa(p.made)
	p.mu.Unlock()
	if _, err := p.admin.Exec("CREATE SCHEMA " + schema); err != nil {
		return "", fmt.Errorf("create schema: %w", err)
	}
	db, err := store.Open(context.Background(), schemaURL(p.base, schema))
	if err != nil {
		return "", fmt.Errorf("migrate %s: %w", schema, err)
	}
	return schema, db.Close()
}

// giveBack empties schema for the next test, or drops it when it cannot be
// reused.
func (p *schemaPool) giveBack(schema string) {
	if shape, err := p.fingerprint(schema); err == nil && shape == p.shape {
		if _, err := p.admin.Exec(fmt.Sprintf(p.reset, schema)); err == nil {
			p.mu.Lock()
			p.free = append(p.free, schema)
			p.mu.Unlock()
			return
		}
	}
	p.admin.Exec("SET lock_timeout = '5s'; DROP SCHEMA " + schema + " CASCADE")
}

// fingerprint names every object in schema with its kind, and the migration
// version: two schemas with the same fingerprint have the same shape.
func (p *schemaPool) fingerprint(schema string) (string, error) {
	var objects, version string
	err := p.admin.QueryRow(`
		SELECT coalesce(string_agg(relname || ':' || relkind::text, ',' ORDER BY relname), '')
		FROM pg_class WHERE relnamespace = $1::regnamespace`, schema).Scan(&objects)
	if err != nil {
		return "", err
	}
	err = p.admin.QueryRow(fmt.Sprintf(`SELECT coalesce(max(version_id), 0)::text FROM %s.goose_db_version`, schema)).Scan(&version)
	return version + "|" + objects, err
}

// resetSQL builds the statement that empties a schema and restores the
// seed's rows and sequences. Triggers (the rollups', the foreign keys') are
// off while it runs: the seed's rows are already consistent.
func (p *schemaPool) resetSQL() (string, error) {
	tables, err := p.strings(`SELECT relname FROM pg_class
		WHERE relnamespace = $1::regnamespace AND relkind IN ('r', 'p') AND relname <> 'goose_db_version'
		ORDER BY relname`, p.seed)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("BEGIN; SET LOCAL lock_timeout = '2s'; SET LOCAL session_replication_role = replica;\n")
	for _, table := range tables {
		fmt.Fprintf(&b, "DELETE FROM %%[1]s.%s;\n", table)
		var seeded bool
		if err := p.admin.QueryRow(fmt.Sprintf(`SELECT EXISTS (SELECT 1 FROM %s.%s)`, p.seed, table)).Scan(&seeded); err != nil {
			return "", err
		}
		if seeded {
			fmt.Fprintf(&b, "INSERT INTO %%[1]s.%s OVERRIDING SYSTEM VALUE SELECT * FROM %s.%s;\n", table, p.seed, table)
		}
	}
	rows, err := p.admin.Query(`SELECT sequencename, coalesce(last_value, start_value), last_value IS NOT NULL
		FROM pg_sequences WHERE schemaname = $1 ORDER BY sequencename`, p.seed)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var value int64
		var called bool
		if err := rows.Scan(&name, &value, &called); err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "SELECT setval('%%[1]s.%s', %d, %t);\n", name, value, called)
	}
	b.WriteString("COMMIT;")
	return b.String(), rows.Err()
}

// dropEnded drops the pooled schemas of this host's test processes that
// have ended.
func (p *schemaPool) dropEnded() {
	host := strings.Split(p.prefix, "_")[1]
	schemas, err := p.strings(`SELECT nspname FROM pg_namespace WHERE nspname LIKE $1`, "tp\\_"+host+"\\_%")
	if err != nil {
		return
	}
	for _, schema := range schemas {
		parts := strings.Split(schema, "_")
		if len(parts) != 4 {
			continue
		}
		if pid, err := strconv.Atoi(parts[2]); err == nil && !processRuns(pid) {
			p.admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		}
	}
}

func (p *schemaPool) strings(query string, arg any) ([]string, error) {
	rows, err := p.admin.Query(query, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// processRuns reports whether a process with this id exists on this host.
func processRuns(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}

// schemaURL is base with its search_path set to schema.
func schemaURL(base, schema string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
