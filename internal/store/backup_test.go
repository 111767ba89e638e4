package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func TestBackupToRestoresAsDatabase(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, storetest.SQLiteURL(t))
	ctx := context.Background()
	if err := db.CreateCustomer(ctx, &fresco.Customer{ExternalID: "c1", Name: "Ada"}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := db.BackupTo(ctx, path); err != nil {
		t.Fatal(err)
	}
	if err := db.BackupTo(ctx, path); err == nil {
		t.Fatal("overwrote an existing backup")
	}
	restored := storetest.Open(t, "sqlite:"+path)
	c, err := restored.CustomerByExternalID(ctx, "c1")
	if err != nil || c.Name != "Ada" {
		t.Fatalf("restored copy: %+v %v", c, err)
	}
}

func TestSQLiteFilesAreOwnerOnly(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "private", "fresco.db")
	db := storetest.Open(t, "sqlite:"+path)
	if err := db.CreateCustomer(context.Background(), &fresco.Customer{Name: "Ada"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", filepath.Dir(path)} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if perm := info.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("%s has mode %v, want no access for group and others", p, perm)
		}
	}
}
