// Package storetest opens real databases for tests: a fresh SQLite file in the
// test's temporary folder, and — when FRESCO_TEST_POSTGRES_URL is set — a fresh
// schema in that PostgreSQL database, dropped when the test ends.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/fresco-cx/fresco/internal/secret"
	"github.com/fresco-cx/fresco/internal/store"
)

// Engine is one database engine a test suite runs against.
type Engine struct {
	Name string // "sqlite" or "postgres"
	// URL returns a database URL for a new, empty database.
	URL func(t testing.TB) string
}

// Engines lists SQLite always, and PostgreSQL when FRESCO_TEST_POSTGRES_URL is set.
func Engines() []Engine {
	engines := []Engine{{Name: "sqlite", URL: SQLiteURL}}
	if os.Getenv("FRESCO_TEST_POSTGRES_URL") != "" {
		engines = append(engines, Engine{Name: "postgres", URL: PostgresURL})
	}
	return engines
}

// Each runs fn as a subtest on every engine with a freshly migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	each(t, Engines(), fn)
}

// EachFresh is Each with a PostgreSQL schema made for the test alone
// (FreshPostgresURL): for tests of query plans.
func EachFresh(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	engines := Engines()
	for i := range engines {
		if engines[i].Name == "postgres" {
			engines[i].URL = FreshPostgresURL
		}
	}
	each(t, engines, fn)
}

func each(t *testing.T, engines []Engine, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, eng := range engines {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, Open(t, eng.URL(t)))
		})
	}
}

// Open opens and migrates the database at url, with a fresh secret key
// (Keys), and closes it after the test.
func Open(t testing.TB, url string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	db.UseSecretKeys(Keys(t))
	t.Cleanup(func() { db.Close() })
	return db
}

// Keys returns a keyring with one fresh key, for a database a test opens
// itself.
func Keys(t testing.TB) *secret.Keyring {
	t.Helper()
	k, err := secret.ParseKeys(secret.NewKey())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// SQLiteURL returns the URL of a new, migrated SQLite file in the test's
// temp folder: a copy of the template this process migrated once
// (sqlite_template.go).
func SQLiteURL(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fresco.db")
	copySQLiteTemplate(t, path)
	return "sqlite:" + path
}

// PostgresURL returns the URL of an empty, migrated schema of its own in the
// database FRESCO_TEST_POSTGRES_URL names (search_path points at it). The
// schema comes from this process's pool (see pgpool.go) and goes back to it,
// emptied, when the test ends.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := postgresBase(t)
	return schemaURL(base, pgPool.take(t, base))
}

// FreshPostgresURL is PostgresURL with a schema created for this test alone
// and dropped when it ends: for the tests that read the planner's
// statistics, which a reused schema carries over from the test before.
func FreshPostgresURL(t testing.TB) string {
	t.Helper()
	base := postgresBase(t)
	suffix := make([]byte, 6)
	rand.Read(suffix)
	schema := "t_" + hex.EncodeToString(suffix)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	return schemaURL(base, schema)
}

func postgresBase(t testing.TB) string {
	base := os.Getenv("FRESCO_TEST_POSTGRES_URL")
	if base == "" {
		t.Skip("FRESCO_TEST_POSTGRES_URL is not set")
	}
	return base
}

// AuditLines lists an entity's audit records (id "" for all of them) as
// "actor action detail", oldest first, the detail re-encoded with sorted
// keys so that both engines give the same text (PostgreSQL spaces its JSON
// its own way).
func AuditLines(t testing.TB, db *store.DB, entity, id string) []string {
	t.Helper()
	list, err := db.ListAudit(context.Background(), entity, id, 100)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(list))
	for i, e := range list {
		var d any
		if err := json.Unmarshal(e.Detail, &d); err != nil {
			t.Fatalf("audit detail %s: %v", e.Detail, err)
		}
		b, _ := json.Marshal(d)
		out[len(list)-1-i] = e.Actor + " " + e.Action + " " + string(b)
	}
	return out
}

// OnlineRetail finds the UCI Online Retail file (541,909 purchase lines of
// 25,900 invoices) in shared/data beside the repository root or beside a
// folder above it (a worktree kept in a subfolder), or skips.
func OnlineRetail(tb testing.TB) string {
	dir, err := os.Getwd()
	for err == nil {
		path := filepath.Join(dir, "shared", "data", "online_retail.csv.gz")
		if _, err := os.Stat(path); err == nil {
			return path
		}
		if filepath.Dir(dir) == dir {
			break
		}
		dir = filepath.Dir(dir)
	}
	tb.Skip("shared/data/online_retail.csv.gz not found beside the repository or a folder above it")
	return ""
}
