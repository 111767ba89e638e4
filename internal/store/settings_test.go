package store_test

import (
	"context"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func TestSettings(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if v, ok, err := db.Setting(ctx, "survey.delay"); err != nil || ok || v != "" {
			t.Fatalf("unset: %q %v %v", v, ok, err)
		}
		if err := db.SetSetting(ctx, "survey.delay", "24h"); err != nil {
			t.Fatal(err)
		}
		if err := db.SetSetting(ctx, "survey.delay", "48h"); err != nil {
			t.Fatal(err)
		}
		if err := db.SetSetting(ctx, "empty", ""); err != nil {
			t.Fatal(err)
		}
		if v, ok, err := db.Setting(ctx, "survey.delay"); err != nil || !ok || v != "48h" {
			t.Fatalf("set: %q %v %v", v, ok, err)
		}
		if v, ok, err := db.Setting(ctx, "empty"); err != nil || !ok || v != "" {
			t.Fatalf("empty value: %q %v %v", v, ok, err)
		}
		wantCode(t, fresco.EINVALID, db.SetSetting(ctx, "", "x"))
	})
}

func TestSwapSetting(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		swap := func(old *string, value string) bool {
			t.Helper()
			var wrote bool
			err := db.InTx(ctx, func(tx *store.Tx) (err error) {
				wrote, err = tx.SwapSetting(ctx, "k", old, value)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return wrote
		}
		one, other := "1", "other"
		if !swap(nil, "1") {
			t.Fatal("first write refused")
		}
		if swap(nil, "2") {
			t.Fatal("a second first write replaced the value")
		}
		if swap(&other, "2") {
			t.Fatal("a write from a stale value succeeded")
		}
		if !swap(&one, "2") {
			t.Fatal("a write from the current value was refused")
		}
		if v, _, _ := db.Setting(ctx, "k"); v != "2" {
			t.Fatalf("stored %q, want 2", v)
		}
	})
}
