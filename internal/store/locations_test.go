package store_test

import (
	"context"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func TestLocationLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		london := &fresco.Location{Name: "London", Timezone: "Europe/London", Address: "1 Strand"}
		if err := db.CreateLocation(ctx, london); err != nil {
			t.Fatal(err)
		}
		web := &fresco.Location{Name: "web"}
		if err := db.CreateLocation(ctx, web); err != nil {
			t.Fatal(err)
		}
		if web.Timezone != "UTC" {
			t.Fatalf("default time zone %q", web.Timezone)
		}
		got, err := db.Location(ctx, london.ID)
		if err != nil || got.Name != "London" || got.Timezone != "Europe/London" || got.Address != "1 Strand" ||
			!got.CreatedAt.Equal(london.CreatedAt) {
			t.Fatalf("read back %+v %v", got, err)
		}
		if got, err := db.LocationByName(ctx, "web"); err != nil || got.ID != web.ID {
			t.Fatalf("by name: %v %v", got, err)
		}
		wantConflict(t, db.CreateLocation(ctx, &fresco.Location{Name: "London"}), "name")
		wantFieldError(t, db.CreateLocation(ctx, &fresco.Location{Name: "Mars", Timezone: "Mars/Olympus"}), fresco.EINVALID, "timezone")
		web.Name = "London"
		wantConflict(t, db.UpdateLocation(ctx, web), "name")
		web.Name, web.Address = "Web shop", "https://example.com"
		if err := db.UpdateLocation(ctx, web); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Location(ctx, web.ID); got.Name != "Web shop" || got.Address != "https://example.com" {
			t.Fatalf("update: %+v", got)
		}
		wantCode(t, fresco.ENOTFOUND, errOf(db.Location(ctx, 999)))
		wantCode(t, fresco.ENOTFOUND, errOf(db.LocationByName(ctx, "Paris")))
		wantCode(t, fresco.ENOTFOUND, db.UpdateLocation(ctx, &fresco.Location{ID: 999, Name: "X"}))

		page, next, err := db.ListLocations(ctx, store.LocationFilter{Limit: 1})
		if err != nil || len(page) != 1 || page[0].ID != london.ID || next == "" {
			t.Fatalf("page 1: %v %v %q", err, page, next)
		}
		page, next, err = db.ListLocations(ctx, store.LocationFilter{Limit: 1, Cursor: next})
		if err != nil || len(page) != 1 || page[0].ID != web.ID {
			t.Fatalf("page 2: %v %v %q", err, page, next)
		}
		found, _, err := db.ListLocations(ctx, store.LocationFilter{Search: "STRAND"})
		if err != nil || len(found) != 1 || found[0].ID != london.ID {
			t.Fatalf("search: %v %v", err, found)
		}
	})
}

// TestLocationVersion checks that an update moves a location's version and
// that a stale update writes nothing.
func TestLocationVersion(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l := &fresco.Location{Name: "York"}
		if err := db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
		wantVersion(t, l.Version, 1)
		stale := *l
		l.Address = "1 High St"
		if err := db.UpdateLocationIfVersion(ctx, l, 1); err != nil {
			t.Fatal(err)
		}
		wantVersion(t, l.Version, 2)
		stale.Name = "Lost update"
		wantCode(t, fresco.ESTALE, db.UpdateLocationIfVersion(ctx, &stale, 1))
		if got, _ := db.Location(ctx, l.ID); got.Name != "York" || got.Address != "1 High St" || got.Version != 2 {
			t.Fatalf("stored %+v", got)
		}
		wantCode(t, fresco.ENOTFOUND, db.UpdateLocationIfVersion(ctx, &fresco.Location{ID: 999, Name: "X"}, 1))
	})
}
