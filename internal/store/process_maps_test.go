package store_test

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// A map's lanes, activities and arrows come back as they were stored, each
// version whole with what changed; a write at a stale version writes
// nothing; fail points keep their evidence; the checks refuse a fail point
// on neither or both of an activity and an arrow.
func TestProcessMapRows(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		boss := &fresco.Employee{Email: "boss@example.com", Name: "Boss", Role: fresco.RoleManager, Active: true}
		if err := db.CreateEmployee(ctx, boss); err != nil {
			t.Fatal(err)
		}
		m := &fresco.ProcessMap{Name: "Check-in", Description: "Arrival to room", TimeUnit: fresco.UnitMinutes, CreatedBy: "employee:1",
			Lanes: []fresco.MapLane{{Key: "guest", Name: "Guest", CustomerFacing: true}, {Key: "desk", Name: "Desk"}},
			Activities: []fresco.MapActivity{
				{Key: "arrive", Number: 1, Name: "Arrives", Lane: "guest", Duration: 2, DurationUnit: fresco.UnitMinutes, Position: fresco.MapPosition{X: 0}},
				{Key: "keys", Number: 2, Name: "Keys handed over", Lane: "desk", Duration: 0.5, DurationUnit: fresco.UnitHours, Position: fresco.MapPosition{X: 2.5, Y: 1}}},
			Arrows: []fresco.MapArrow{{Key: "r1", From: "arrive", To: "keys", Label: "booked"}}}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.InsertProcessMap(ctx, m, []string{"created"}) }); err != nil {
			t.Fatal(err)
		}
		got, err := db.ProcessMap(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Lanes, m.Lanes) || !reflect.DeepEqual(got.Activities, m.Activities) || !reflect.DeepEqual(got.Arrows, m.Arrows) ||
			got.Version != 1 || got.UpdatedBy != "employee:1" || !got.CreatedAt.Equal(m.CreatedAt) {
			t.Fatalf("read back %+v", got)
		}
		m.Name, m.UpdatedBy, m.Arrows = "Check-in desk", "token:2", nil
		stale := int64(7)
		var ok bool
		if err := db.InTx(ctx, func(tx *store.Tx) (err error) {
			ok, err = tx.UpdateProcessMapIfVersion(ctx, m, &stale, []string{"x"})
			return
		}); err != nil || ok {
			t.Fatalf("stale write: %v %v", ok, err)
		}
		one := int64(1)
		if err := db.InTx(ctx, func(tx *store.Tx) (err error) {
			ok, err = tx.UpdateProcessMapIfVersion(ctx, m, &one, []string{"renamed", "removed an arrow"})
			return
		}); err != nil || !ok || m.Version != 2 {
			t.Fatalf("write: %v %v version %d", ok, err, m.Version)
		}
		vs, err := db.ProcessMapVersions(ctx, m.ID)
		if err != nil || len(vs) != 2 {
			t.Fatalf("versions %v %+v", err, vs)
		}
		if vs[0].Version != 2 || vs[0].ChangedBy != "token:2" || !slices.Equal(vs[0].Changes, []string{"renamed", "removed an arrow"}) ||
			vs[0].Map.Name != "Check-in desk" || len(vs[0].Map.Arrows) != 0 || vs[1].Map.Name != "Check-in" || len(vs[1].Map.Arrows) != 1 {
			t.Errorf("versions %+v %+v", vs[0], vs[1])
		}
		f := &fresco.FailPoint{MapID: m.ID, Activity: "keys", Kind: fresco.FailLostTime, Influence: fresco.InfluenceEmpathy,
			ResponseIDs: []int64{4, 9}, OwnerID: &boss.ID, Status: fresco.FixOpen, CreatedBy: "employee:1"}
		var missing []int64
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.InsertFailPoint(ctx, f); err != nil {
				return err
			}
			missing, err = tx.MissingIDs(ctx, "employees", []int64{boss.ID, 424242})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(missing, []int64{424242}) {
			t.Errorf("missing %v", missing)
		}
		back, err := db.FailPoint(ctx, m.ID, f.ID)
		if err != nil || !slices.Equal(back.ResponseIDs, []int64{4, 9}) || len(back.CaseIDs) != 0 || *back.OwnerID != boss.ID {
			t.Errorf("fail point %v %+v", err, back)
		}
		if _, err := db.FailPoint(ctx, m.ID+1, f.ID); fresco.ErrorCode(err) != fresco.ENOTFOUND {
			t.Errorf("fail point of another map: %v", err)
		}
		for _, bad := range []*fresco.FailPoint{
			{MapID: m.ID, Kind: fresco.FailOther, Influence: fresco.InfluenceEmpathy, Status: fresco.FixOpen, CreatedBy: "x"},
			{MapID: m.ID, Activity: "keys", Arrow: "r1", Kind: fresco.FailOther, Influence: fresco.InfluenceEmpathy, Status: fresco.FixOpen, CreatedBy: "x"},
		} {
			if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.InsertFailPoint(ctx, bad) }); err == nil {
				t.Errorf("stored a fail point on activity %q and arrow %q", bad.Activity, bad.Arrow)
			}
		}
	})
}
