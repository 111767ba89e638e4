package processmap_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/processmap"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

var (
	owner   = processmap.Actor{Ref: "employee:1", Role: fresco.RoleOwner}
	manager = processmap.Actor{Ref: "employee:2", Role: fresco.RoleManager}
	agent   = processmap.Actor{Ref: "employee:3", Role: fresco.RoleAgent}
)

// complaint is a small map: the customer, the front desk and the back
// office; a decision with two branches and a rework arrow back.
func complaint() processmap.Draft {
	return processmap.Draft{Name: "Complaint to resolution", TimeUnit: fresco.UnitHours,
		Lanes: []fresco.MapLane{{Key: "customer", Name: "Customer", CustomerFacing: true},
			{Key: "desk", Name: "Front desk", CustomerFacing: true}, {Key: "office", Name: "Back office"}},
		Activities: []fresco.MapActivity{
			{Key: "opened", Number: 1, Name: "Case opened", Lane: "customer", Duration: 10, DurationUnit: fresco.UnitMinutes},
			{Key: "first", Number: 2, Name: "First response", Lane: "desk", Duration: 2, Position: fresco.MapPosition{X: 1}},
			{Key: "handed", Number: 3, Name: "Handed over", Lane: "office", Duration: 1, DurationUnit: fresco.UnitDays, Position: fresco.MapPosition{X: 3}},
			{Key: "resolved", Number: 4, Name: "Resolved", Lane: "desk", Duration: 30, DurationUnit: fresco.UnitMinutes, Position: fresco.MapPosition{X: 28}},
			{Key: "closed", Number: 5, Name: "Closed", Lane: "desk", Duration: 0, Position: fresco.MapPosition{X: 29}},
		},
		Arrows: []fresco.MapArrow{{Key: "a1", From: "opened", To: "first"}, {Key: "a2", From: "first", To: "handed", Label: "needs the office"},
			{Key: "a3", From: "first", To: "resolved", Label: "can fix it now"}, {Key: "a4", From: "handed", To: "resolved"},
			{Key: "a5", From: "resolved", To: "closed"}, {Key: "a6", From: "resolved", To: "first", Label: "customer not happy"}},
	}
}

func TestCheckNamesEveryBadField(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		edit  func(*processmap.Draft)
		field string
	}{
		{func(d *processmap.Draft) { d.Name = " " }, "name"},
		{func(d *processmap.Draft) { d.TimeUnit = "weeks" }, "time_unit"},
		{func(d *processmap.Draft) { d.Lanes[1].Name = "" }, "lanes[1].name"},
		{func(d *processmap.Draft) { d.Lanes[1].Key = "customer" }, "lanes[1].key"},
		{func(d *processmap.Draft) { d.Lanes[1].Key = "Front Desk" }, "lanes[1].key"},
		{func(d *processmap.Draft) { d.Activities[2].Lane = "kitchen" }, "activities[2].lane"},
		{func(d *processmap.Draft) { d.Activities[2].Lane = "" }, "activities[2].lane"},
		{func(d *processmap.Draft) { d.Activities[3].Name = "" }, "activities[3].name"},
		{func(d *processmap.Draft) { d.Activities[3].Number = 2 }, "activities[3].number"},
		{func(d *processmap.Draft) { d.Activities[3].Number = 9 }, "activities[3].number"},
		{func(d *processmap.Draft) { d.Activities[0].Duration = -1 }, "activities[0].duration"},
		{func(d *processmap.Draft) { d.Activities[0].DurationUnit = "fortnights" }, "activities[0].duration_unit"},
		{func(d *processmap.Draft) { d.Activities[0].Position.X = -2 }, "activities[0].position.x"},
		{func(d *processmap.Draft) { d.Activities[0].Position.Y = 99 }, "activities[0].position.y"},
		{func(d *processmap.Draft) { d.Activities[4].Key = "opened" }, "activities[4].key"},
		{func(d *processmap.Draft) { d.Arrows[1].To = "nowhere" }, "arrows[1].to"},
		{func(d *processmap.Draft) { d.Arrows[1].From = "" }, "arrows[1].from"},
		{func(d *processmap.Draft) { d.Arrows[1].To = "first" }, "arrows[1].to"},
		{func(d *processmap.Draft) { d.Arrows[2].Key = "a1" }, "arrows[2].key"},
		{func(d *processmap.Draft) {
			d.Arrows = append(d.Arrows, fresco.MapArrow{Key: "a7", From: "opened", To: "first"})
		}, "arrows[6]"},
		{func(d *processmap.Draft) { d.Arrows[0].Label = strings.Repeat("x", processmap.MaxLabel+1) }, "arrows[0].label"},
	} {
		d := complaint()
		tc.edit(&d)
		_, err := processmap.Check(d)
		if fresco.ErrorCode(err) != fresco.EINVALID {
			t.Errorf("%s: err = %v, want invalid", tc.field, err)
			continue
		}
		var fields []string
		for _, f := range fresco.ErrorFields(err) {
			fields = append(fields, f.Field)
		}
		if !slices.Contains(fields, tc.field) {
			t.Errorf("%s: fields %v", tc.field, fields)
		}
	}
}

// Unnumbered activities are numbered in the order given; missing keys are
// made from names; numbered ones are put in their order.
func TestCheckNumbersAndKeys(t *testing.T) {
	t.Parallel()
	m, err := processmap.Check(processmap.Draft{Name: "Cards", Lanes: []fresco.MapLane{{Name: "Front desk"}, {Name: "Front desk"}},
		Activities: []fresco.MapActivity{{Name: "Greet the guest", Lane: "front-desk"}, {Name: "Greet the guest", Lane: "front-desk-2"}}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Lanes[0].Key != "front-desk" || m.Lanes[1].Key != "front-desk-2" || m.TimeUnit != fresco.UnitHours {
		t.Errorf("lanes %+v unit %s", m.Lanes, m.TimeUnit)
	}
	if a := m.Activities; a[0].Number != 1 || a[1].Number != 2 || a[0].Key != "greet-the-guest" || a[1].Key != "greet-the-guest-2" || a[0].DurationUnit != fresco.UnitHours {
		t.Errorf("activities %+v", a)
	}
	d := complaint()
	slices.Reverse(d.Activities)
	m, err = processmap.Check(d)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range m.Activities {
		if a.Number != i+1 {
			t.Fatalf("activity %d numbered %d: %+v", i, a.Number, m.Activities)
		}
	}
}

func TestFlowForConformance(t *testing.T) {
	t.Parallel()
	m, err := processmap.Check(complaint())
	if err != nil {
		t.Fatal(err)
	}
	f := m.Flow()
	if !slices.Equal(f.Start, []string{"Case opened"}) || !slices.Equal(f.End, []string{"Closed"}) {
		t.Errorf("start %v end %v", f.Start, f.End)
	}
	want := [][2]string{{"Case opened", "First response"}, {"First response", "Handed over"}, {"First response", "Resolved"},
		{"Handed over", "Resolved"}, {"Resolved", "Closed"}, {"Resolved", "First response"}}
	if !slices.Equal(f.Arcs, want) {
		t.Errorf("arcs %v", f.Arcs)
	}
}

// The customer's shoes: the back office disappears, the arrow through it
// becomes "behind the line", and the waiting is the longest path summed:
// 10 min + 2 h + 1 day + 30 min + 0 (the rework arrow back not followed).
func TestCustomerShoes(t *testing.T) {
	t.Parallel()
	m, err := processmap.Check(complaint())
	if err != nil {
		t.Fatal(err)
	}
	v := processmap.CustomerShoes(m)
	if len(v.Map.Lanes) != 2 || len(v.Map.Activities) != 4 || v.Hidden != 1 {
		t.Fatalf("view %+v", v.Map)
	}
	if got, want := v.WaitMinutes, 10.0+120+1440+30; got != want {
		t.Errorf("waiting %v, want %v", got, want)
	}
	if v.HiddenMinutes != 1440 || v.SeenMinutes != 160 {
		t.Errorf("seen %v hidden %v", v.SeenMinutes, v.HiddenMinutes)
	}
	// first→resolved exists directly ("can fix it now"), so the path
	// through the office adds no second arrow.
	direct := 0
	for _, r := range v.Map.Arrows {
		if r.From == "first" && r.To == "resolved" {
			direct++
			if r.Key != "a3" || r.Label != "can fix it now" {
				t.Errorf("first→resolved is %+v, want the direct branch a3", r)
			}
		}
	}
	if direct != 1 {
		t.Errorf("first→resolved drawn %d times: %+v", direct, v.Map.Arrows)
	}
	// Without the direct branch, the path through the office shows as behind the line.
	d := complaint()
	d.Arrows = slices.DeleteFunc(d.Arrows, func(r fresco.MapArrow) bool { return r.Key == "a3" })
	m, _ = processmap.Check(d)
	v = processmap.CustomerShoes(m)
	found := false
	for _, r := range v.Map.Arrows {
		found = found || r.From == "first" && r.To == "resolved" && r.Label == processmap.BehindTheLine
	}
	if !found {
		t.Errorf("no arrow behind the line: %+v", v.Map.Arrows)
	}
	if p := processmap.LongestPath(m); !slices.Equal(p, []string{"opened", "first", "handed", "resolved", "closed"}) {
		t.Errorf("longest path %v", p)
	}
}

func TestVersionsAndConcurrency(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := processmap.New(db, nil)
		if _, err := svc.Create(ctx, agent, complaint()); fresco.ErrorCode(err) != fresco.EFORBIDDEN {
			t.Fatalf("agent create: %v", err)
		}
		m, err := svc.Create(ctx, owner, complaint())
		if err != nil {
			t.Fatal(err)
		}
		if m.Version != 1 || m.ID == 0 {
			t.Fatalf("created %+v", m)
		}
		d := processmap.DraftOf(m)
		d.Activities[1].Position.X = 2
		d.Activities[1].Name = "First reply"
		d.Lanes = append(d.Lanes, fresco.MapLane{Key: "manager", Name: "Duty manager"})
		m2, err := svc.Update(ctx, manager, m.ID, 1, d)
		if err != nil {
			t.Fatal(err)
		}
		if m2.Version != 2 || m2.UpdatedBy != manager.Ref || m2.CreatedBy != owner.Ref {
			t.Errorf("updated %+v", m2)
		}
		// The same change again, at the old version: stale, nothing stored.
		if _, err := svc.Update(ctx, manager, m.ID, 1, d); fresco.ErrorCode(err) != fresco.ESTALE {
			t.Errorf("stale update: %v", err)
		}
		// No change: no new version.
		if same, err := svc.Update(ctx, owner, m.ID, 2, d); err != nil || same.Version != 2 {
			t.Errorf("unchanged: %v %+v", err, same)
		}
		vs, err := svc.Versions(ctx, agent, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != 2 || vs[0].Version != 2 || vs[1].Version != 1 || vs[0].ChangedBy != manager.Ref || vs[1].ChangedBy != owner.Ref {
			t.Fatalf("versions %+v", vs)
		}
		what := strings.Join(vs[0].Changes, "; ")
		for _, want := range []string{`added lane "Duty manager"`, `renamed activity 2 from "First response" to "First reply"`, `moved activity 2 "First reply"`} {
			if !strings.Contains(what, want) {
				t.Errorf("changes %q lack %q", what, want)
			}
		}
		if vs[1].Map.Activities[1].Name != "First response" || vs[0].Map.Activities[1].Name != "First reply" {
			t.Errorf("snapshots: %q, %q", vs[1].Map.Activities[1].Name, vs[0].Map.Activities[1].Name)
		}
		if !strings.Contains(vs[1].Changes[0], "3 lanes, 5 activities and 6 arrows") {
			t.Errorf("first version: %v", vs[1].Changes)
		}
		// Two writers at once on version 2: exactly one wins.
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d := processmap.DraftOf(m2)
				d.Description = fmt.Sprintf("writer %d", i)
				_, errs[i] = svc.Update(ctx, owner, m.ID, 2, d)
			}()
		}
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Errorf("concurrent writers: %v, %v", errs[0], errs[1])
		}
		got, _ := svc.Get(ctx, agent, m.ID)
		if got.Version != 3 {
			t.Errorf("after the race: version %d", got.Version)
		}
		var audits int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'process_map'`).Scan(&audits); err != nil || audits != 3 {
			t.Errorf("audit rows %d (%v), want 3", audits, err)
		}
	})
}

func TestFailPoints(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := processmap.New(db, nil)
		e := &fresco.Employee{Email: "fixer@example.com", Name: "Fixer", Role: fresco.RoleManager, Active: true}
		if err := db.CreateEmployee(ctx, e); err != nil {
			t.Fatal(err)
		}
		m, err := svc.Create(ctx, owner, complaint())
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			in    processmap.FailInput
			field string
		}{
			{processmap.FailInput{Kind: "lost_time", Influence: "responsiveness"}, "activity"},
			{processmap.FailInput{Activity: "nope", Kind: "lost_time", Influence: "responsiveness"}, "activity"},
			{processmap.FailInput{Arrow: "a9", Kind: "lost_time", Influence: "responsiveness"}, "arrow"},
			{processmap.FailInput{Activity: "handed", Arrow: "a2", Kind: "lost_time", Influence: "responsiveness"}, "arrow"},
			{processmap.FailInput{Activity: "handed", Kind: "slow", Influence: "responsiveness"}, "kind"},
			{processmap.FailInput{Activity: "handed", Kind: "lost_time", Influence: "speed"}, "influence"},
			{processmap.FailInput{Activity: "handed", Kind: "lost_time", Influence: "empathy", Status: "done"}, "status"},
			{processmap.FailInput{Activity: "handed", Kind: "lost_time", Influence: "empathy", CaseIDs: []int64{424242}}, "case_ids"},
			{processmap.FailInput{Activity: "handed", Kind: "lost_time", Influence: "empathy", ResponseIDs: []int64{424242}}, "response_ids"},
			{processmap.FailInput{Activity: "handed", Kind: "lost_time", Influence: "empathy", OwnerID: new(int64(424242))}, "owner_id"},
		} {
			_, err := svc.MarkFailPoint(ctx, owner, m.ID, tc.in)
			found := false
			for _, f := range fresco.ErrorFields(err) {
				found = found || f.Field == tc.field
			}
			if !found {
				t.Errorf("%+v: %v, want %s named", tc.in, err, tc.field)
			}
		}
		if _, err := svc.MarkFailPoint(ctx, agent, m.ID, processmap.FailInput{Activity: "handed", Kind: "lost_time", Influence: "empathy"}); fresco.ErrorCode(err) != fresco.EFORBIDDEN {
			t.Errorf("agent marks: %v", err)
		}
		f, err := svc.MarkFailPoint(ctx, manager, m.ID, processmap.FailInput{Activity: "handed", Kind: fresco.FailLostTime,
			Influence: fresco.InfluenceResponsiveness, Note: "waits a day for the office", OwnerID: &e.ID})
		if err != nil {
			t.Fatal(err)
		}
		if f.Status != fresco.FixOpen || f.Version != 1 {
			t.Errorf("marked %+v", f)
		}
		a, err := svc.MarkFailPoint(ctx, manager, m.ID, processmap.FailInput{Arrow: "a6", Kind: fresco.FailUnnecessaryStep, Influence: fresco.InfluenceDependability})
		if err != nil {
			t.Fatal(err)
		}
		in := processmap.FailInputOf(f)
		in.Status = fresco.FixInProgress
		if _, err := svc.UpdateFailPoint(ctx, owner, m.ID, f.ID, 1, in); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.UpdateFailPoint(ctx, owner, m.ID, f.ID, 1, in); fresco.ErrorCode(err) != fresco.ESTALE {
			t.Errorf("stale fail point: %v", err)
		}
		list, err := svc.FailPoints(ctx, agent, m.ID)
		if err != nil || len(list) != 2 || list[0].Status != fresco.FixInProgress || list[0].Version != 2 || *list[0].OwnerID != e.ID {
			t.Fatalf("list %v %+v", err, list)
		}
		// The map keeps what fail points are on.
		d := processmap.DraftOf(m)
		d.Activities = slices.DeleteFunc(d.Activities, func(a fresco.MapActivity) bool { return a.Key == "handed" })
		d.Arrows = slices.DeleteFunc(d.Arrows, func(r fresco.MapArrow) bool { return r.From == "handed" || r.To == "handed" || r.Key == "a6" })
		for i := range d.Activities {
			d.Activities[i].Number = i + 1
		}
		_, err = svc.Update(ctx, owner, m.ID, m.Version, d)
		var fields []string
		for _, fe := range fresco.ErrorFields(err) {
			fields = append(fields, fe.Field)
		}
		if !slices.Equal(fields, []string{"activities", "arrows"}) {
			t.Errorf("dropping marked steps: %v (%v)", err, fields)
		}
		if err := svc.DeleteFailPoint(ctx, owner, m.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		svg := processmap.SVG(m, list[:1], processmap.SVGOptions{Legend: true})
		for _, want := range []string{`class="pm-activity fail" id="activity-handed"`, "F1", "F1. Lost time on activity 3 Handed over — Responsiveness; fix: in progress",
			"line of visibility", "1. Case opened — Customer, 10 minutes"} {
			if !strings.Contains(svg, want) {
				t.Errorf("SVG lacks %q", want)
			}
		}
		if strings.Contains(svg, `class="pm-arrow fail"`) {
			t.Error("an arrow drawn as a fail point without one")
		}
	})
}
