package store

import (
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"
	"math"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// migrations holds one folder of goose SQL files per dialect. The two folders
// carry the same version numbers and the same tables; only types differ, and
// TestMigrationTreesDefineTheSameSchema fails when they drift apart.
//
//go:embed migrations
var migrations embed.FS

// Migrate brings the schema to the latest version. On PostgreSQL it holds an
// advisory session lock so that several replicas can start at once: one
// migrates, the others wait and then find nothing to do. SQLite serialises
// the migration through its single write lock.
func (db *DB) Migrate(ctx context.Context) error {
	provider, err := db.migrationProvider()
	if err != nil {
		return err
	}
	if err := refuseNewerSchema(ctx, provider); err != nil {
		return err
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// refuseNewerSchema stops an older binary from running on a database that a
// newer one has migrated: it would not know the new columns' rules, and a
// downgrade must be a restore from backup, not a guess.
func refuseNewerSchema(ctx context.Context, provider *goose.Provider) error {
	current, err := provider.GetDBVersion(ctx)
	if err != nil {
		return nil // a database never migrated has no version table yet
	}
	if latest := latestVersion(provider); current > latest {
		return fresco.Errorf(fresco.ECONFLICT,
			"the database schema is at version %d but this fresco knows versions up to %d: run the newer fresco that migrated it, or restore a backup made before the upgrade", current, latest)
	}
	return nil
}

func latestVersion(provider *goose.Provider) int64 {
	sources := provider.ListSources()
	if len(sources) == 0 {
		return 0
	}
	return sources[len(sources)-1].Version
}

// SchemaVersion reports the current and the latest known schema version.
func (db *DB) SchemaVersion(ctx context.Context) (current, latest int64, err error) {
	provider, err := db.migrationProvider()
	if err != nil {
		return 0, 0, err
	}
	current, err = provider.GetDBVersion(ctx)
	if err != nil {
		return 0, 0, err
	}
	return current, latestVersion(provider), nil
}

func (db *DB) migrationProvider() (*goose.Provider, error) {
	folder, err := fs.Sub(migrations, "migrations/"+string(db.dialect))
	if err != nil {
		return nil, err
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	gooseDialect := goose.DialectSQLite3
	if db.dialect == Postgres {
		gooseDialect = goose.DialectPostgres
		lockID, err := db.migrationLockID()
		if err != nil {
			return nil, err
		}
		// Poll every second (goose's minimum) for up to five minutes: a
		// replica waiting for another's migration starts soon after it.
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(lockID), lock.WithLockTimeout(1, 300), lock.WithUnlockTimeout(1, 60))
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(gooseDialect, db.write, folder, opts...)
}

// migrationLockID derives the advisory lock from the database and schema, so
// that replicas of one deployment take turns while unrelated schemas in the
// same server (tests, other tenants) do not wait for each other.
func (db *DB) migrationLockID() (int64, error) {
	var where string
	if err := db.write.QueryRow(`SELECT current_database() || '.' || current_schema()`).Scan(&where); err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	h := fnv.New64a()
	h.Write([]byte("fresco-migrations:" + where))
	return int64(h.Sum64() & math.MaxInt64), nil
}
