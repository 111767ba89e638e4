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
