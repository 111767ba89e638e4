package store_test

import (
	"context"
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
