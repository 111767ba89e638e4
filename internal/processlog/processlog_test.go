package processlog_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/eventlog"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/processlog"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/staff"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

var (
	owner   = staff.Actor{Ref: "employee:900", Role: fresco.RoleOwner}
	manager = staff.Actor{Ref: "token:7", Role: fresco.RoleManager}
	analyst = staff.Actor{Ref: "token:8", Role: fresco.RoleAnalyst}
	agent   = staff.Actor{Ref: "token:9", Role: fresco.RoleAgent}
)

// clock is a settable time for the recovery service.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

// world is the small scenario Fresco's own log is drawn from.
type world struct {
	t0       time.Time
	ann, bo  *fresco.Employee
	location *fresco.Location
	caseID   int64
	oldCase  int64
	followUp int64
	callTask int64
}

func seedWorld(t *testing.T, db *store.DB) world {
	t.Helper()
	ctx := context.Background()
	w := world{t0: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	w.location = &fresco.Location{Name: "Harbour Hotel", Timezone: "UTC"}
	if err := db.CreateLocation(ctx, w.location); err != nil {
		t.Fatal(err)
	}
	w.ann = &fresco.Employee{Name: "Ann Lee", Email: "ann@example.com", Role: fresco.RoleAgent, Active: true, LocationID: &w.location.ID}
	w.bo = &fresco.Employee{Name: "Bo Diaz", Email: "bo@example.com", Role: fresco.RoleManager, Active: true, LocationID: &w.location.ID}
	for _, e := range []*fresco.Employee{w.ann, w.bo} {
		if err := db.CreateEmployee(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	cust := &fresco.Customer{Name: "Cy Customer"}
	if err := db.CreateCustomer(ctx, cust); err != nil {
		t.Fatal(err)
	}
	c := &clock{t: w.t0.AddDate(0, 0, -10)}
	rec, err := recovery.New(recovery.Options{DB: db, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	ann := recovery.Actor{Ref: fmt.Sprintf("employee:%d", w.ann.ID), Name: w.ann.Name, Role: w.ann.Role, EmployeeID: &w.ann.ID}
	bo := recovery.Actor{Ref: fmt.Sprintf("employee:%d", w.bo.ID), Name: w.bo.Name, Role: w.bo.Role, EmployeeID: &w.bo.ID}
	api := recovery.Actor{Ref: "token:3", Name: "shop", Role: fresco.RoleAgent}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// An older case, opened through the API ten days before.
	old, err := rec.Open(ctx, api, recovery.OpenInput{CustomerID: cust.ID, OwnerID: &w.ann.ID, Summary: "Old", Source: "api", OpenedAt: c.t})
	must(old, err)
	w.oldCase = old.ID

	c.t = w.t0
	k, err := rec.Open(ctx, ann, recovery.OpenInput{CustomerID: cust.ID, LocationID: &w.location.ID, OwnerID: &w.ann.ID,
		Summary: "Cold room", Category: "room", Source: "complaint", OpenedAt: w.t0})
	must(k, err)
	w.caseID = k.ID
	step := func(d time.Duration, fn func() (any, error)) {
		t.Helper()
		c.t = w.t0.Add(d)
		must(fn())
	}
	step(30*time.Minute, func() (any, error) { return rec.Respond(ctx, ann, k.ID, "Sorry, on it", "phone") })
	step(time.Hour, func() (any, error) { return rec.Transfer(ctx, ann, k.ID, w.bo.ID, "needs a manager") })
	var hold int64
	step(2*time.Hour, func() (any, error) { var err error; hold, err = rec.Hold(ctx, bo, k.ID); return hold, err })
	step(2*time.Hour+5*time.Minute, func() (any, error) { return rec.EndHold(ctx, bo, k.ID, hold) })
	step(3*time.Hour, func() (any, error) { return rec.Resolve(ctx, bo, k.ID, "Moved room") })
	step(4*time.Hour, func() (any, error) {
		return rec.Close(ctx, bo, k.ID, recovery.CloseInput{RootCauseCategory: "heating", RootCauseSource: "support_systems"})
	})

	// A follow-up of a detractor and a call task, as their rows record them.
	p := &fresco.Purchase{ExternalID: "p1", CustomerID: &cust.ID, PurchasedAt: w.t0, LocationID: &w.location.ID,
		Lines: []fresco.PurchaseLine{{SKU: "ROOM", Quantity: 1, UnitPrice: 10000}}}
	if err := db.CreatePurchase(ctx, p); err != nil {
		t.Fatal(err)
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		var resp int64
		if err := tx.QueryRow(ctx, `INSERT INTO responses (post_id, employee_id, source, responded_at, nps, created_at)
			VALUES ((SELECT id FROM listening_posts WHERE slug = 'survey'), ?, 'api', ?, 3, ?) RETURNING id`,
			w.ann.ID, w.t0, w.t0).Scan(&resp); err != nil {
			return err
		}
		day := w.t0.AddDate(0, 0, 1)
		if err := tx.QueryRow(ctx, `INSERT INTO follow_ups (response_id, location_id, owner_id, reasons, due_at, status,
			contact_at, contact_channel, outcome, closed_by, closed_at, created_at)
			VALUES (?, ?, ?, '["detractor"]', ?, 'closed', ?, 'phone', 'sorted', ?, ?, ?) RETURNING id`,
			resp, w.location.ID, w.ann.ID, day.Add(48*time.Hour), day.Add(2*time.Hour), fmt.Sprintf("employee:%d", w.ann.ID),
			day.Add(3*time.Hour), day).Scan(&w.followUp); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `INSERT INTO call_tasks (purchase_id, customer_id, employee_id, location_id, due_at, status,
			completed_at, completed_by, created_at) VALUES (?, ?, ?, ?, ?, 'no_answer', ?, ?, ?) RETURNING id`,
			p.ID, cust.ID, w.bo.ID, w.location.ID, w.t0.AddDate(0, 0, 3), w.t0.AddDate(0, 0, 3).Add(time.Hour),
			fmt.Sprintf("employee:%d", w.bo.ID), w.t0.AddDate(0, 0, 2)).Scan(&w.callTask)
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// line is an event as the tests compare it.
func line(e eventlog.Event) string {
	return e.Time.UTC().Format("01-02 15:04") + " " + e.Activity + " / " + e.Resource + " / " + e.Role + " / " + e.Lifecycle
}

func ownLog(t *testing.T, svc *processlog.Service, f processlog.OwnFilter) []eventlog.Trace {
	t.Helper()
	out, err := svc.OwnTraces(context.Background(), analyst, f)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestOwnLogFromAKnownScenario: every step of a case, a follow-up and a call
// task, in order, named in words, with who did it and in what role.
func TestOwnLogFromAKnownScenario(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := seedWorld(t, db)
		svc := processlog.New(db, processlog.Options{})
		traces := ownLog(t, svc, processlog.OwnFilter{From: w.t0.Add(-24 * time.Hour)})
		var names []string
		for _, tr := range traces {
			names = append(names, tr.Case)
		}
		want := []string{fmt.Sprintf("case-%d", w.caseID), fmt.Sprintf("follow-up-%d", w.followUp), fmt.Sprintf("call-%d", w.callTask)}
		if !slices.Equal(names, want) {
			t.Fatalf("traces %v, want %v (the old case is outside the period)", names, want)
		}
		got := func(tr eventlog.Trace) []string {
			var out []string
			for _, e := range tr.Events {
				out = append(out, line(e))
			}
			return out
		}
		wantCase := []string{
			"03-02 09:00 Case opened / Ann Lee / agent / complete",
			"03-02 09:30 Responded to customer / Ann Lee / agent / complete",
			"03-02 10:00 Handed over / Ann Lee / agent / complete",
			"03-02 11:00 Put on hold / Bo Diaz / manager / complete",
			"03-02 11:05 Taken off hold / Bo Diaz / manager / complete",
			"03-02 12:00 Case resolved / Bo Diaz / manager / complete",
			"03-02 13:00 Case closed / Bo Diaz / manager / complete",
		}
		if g := got(traces[0]); !slices.Equal(g, wantCase) {
			t.Errorf("case events:\n%s\nwant:\n%s", strings.Join(g, "\n"), strings.Join(wantCase, "\n"))
		}
		if a := traces[0].Attrs; a["type"] != "case" || a["location"] != "Harbour Hotel" || a["category"] != "room" ||
			a["channel"] != "complaint" || a["status"] != "closed" {
			t.Errorf("case attributes %v", a)
		}
		wantFollowUp := []string{
			"03-03 09:00 Follow-up opened / Fresco / system / complete",
			"03-03 11:00 Customer contacted / Ann Lee / agent / complete",
			"03-03 12:00 Follow-up closed / Ann Lee / agent / complete",
		}
		if g := got(traces[1]); !slices.Equal(g, wantFollowUp) {
			t.Errorf("follow-up events %q, want %q", g, wantFollowUp)
		}
		if a := traces[1].Attrs; a["category"] != "detractor" || a["channel"] != "phone" || a["type"] != "follow_up" {
			t.Errorf("follow-up attributes %v", a)
		}
		wantCall := []string{
			"03-04 09:00 Call due / Fresco / system / complete",
			"03-05 10:00 Call not answered / Bo Diaz / manager / complete",
		}
		if g := got(traces[2]); !slices.Equal(g, wantCall) {
			t.Errorf("call events %q, want %q", g, wantCall)
		}

		// Without a period, the old case comes first: opened through the
		// API, named without its token's id.
		all := ownLog(t, svc, processlog.OwnFilter{})
		if len(all) != 4 || all[0].Case != fmt.Sprintf("case-%d", w.oldCase) {
			t.Fatalf("unfiltered log has %d traces, first %q", len(all), all[0].Case)
		}
		if e := all[0].Events[0]; e.Activity != "Case opened" || e.Resource != "API client" || e.Role != "api" {
			t.Errorf("API-opened case: %s", line(e))
		}
		// The period's end is exclusive.
		if n := len(ownLog(t, svc, processlog.OwnFilter{From: w.t0, To: w.t0.AddDate(0, 0, 1)})); n != 1 {
			t.Errorf("one day from t0 holds %d traces, want the case alone", n)
		}
		if err := svc.OwnLog(context.Background(), agent, processlog.OwnFilter{}, func(*eventlog.Trace) error { return nil }); fresco.ErrorCode(err) != fresco.EFORBIDDEN {
			t.Errorf("agent reads the own log: %v", err)
		}
	})
}

func builtLog() []eventlog.Trace {
	t0 := time.Date(2025, 1, 6, 8, 0, 0, 0, time.UTC)
	return []eventlog.Trace{
		{Case: "A", Attrs: map[string]string{"region": "north", "channel": "web"}, Events: []eventlog.Event{
			{Activity: "Register", Time: t0, Resource: "Pat", Role: "clerk", Lifecycle: "start"},
			{Activity: "Register", Time: t0.Add(time.Minute), Resource: "Pat", Role: "clerk", Lifecycle: "complete"},
			{Activity: "Check", Time: t0.Add(time.Minute)}, // a tie: file order is kept
			{Activity: "Decide", Time: t0.Add(time.Hour), Resource: "Sam"},
		}},
		{Case: "B-empty"},
		{Case: "C", Events: []eventlog.Event{{Activity: "Register"}, {Activity: "Decide", Time: t0.Add(-time.Hour)}}},
	}
}

func storedTraces(t *testing.T, svc *processlog.Service, id int64) []eventlog.Trace {
	t.Helper()
	out, err := svc.StoredTraces(context.Background(), analyst, id)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestStoredLogRoundTrip: a log stored is read back as it was, counted;
// listed, deleted and audited; agents and analysts may not change it.
func TestStoredLogRoundTrip(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := processlog.New(db, processlog.Options{})
		in := builtLog()
		l, err := svc.Save(ctx, manager, "claims", "claims.xes", "", in)
		if err != nil {
			t.Fatal(err)
		}
		if l.Format != "xes" || l.Cases != 3 || l.Events != 6 || l.Activities != 3 ||
			!l.StartsAt.Equal(in[2].Events[1].Time) || !l.EndsAt.Equal(in[0].Events[3].Time) || l.ImportedBy != "token:7" {
			t.Errorf("log = %+v", l)
		}
		out := storedTraces(t, svc, l.ID)
		if len(out) != len(in) {
			t.Fatalf("%d traces back, want %d", len(out), len(in))
		}
		for i := range in {
			if out[i].Case != in[i].Case || len(out[i].Events) != len(in[i].Events) || fmt.Sprint(out[i].Attrs) != fmt.Sprint(nilIfEmpty(in[i].Attrs)) {
				t.Errorf("trace %d = %+v, want %+v", i, out[i], in[i])
				continue
			}
			for j := range in[i].Events {
				a, b := out[i].Events[j], in[i].Events[j]
				if a.Activity != b.Activity || !a.Time.Equal(b.Time) || a.Resource != b.Resource || a.Role != b.Role || a.Lifecycle != b.Lifecycle {
					t.Errorf("event %d.%d = %s, want %s", i, j, line(a), line(b))
				}
			}
		}
		if _, err := svc.Save(ctx, owner, "claims", "", "csv", in); fresco.ErrorCode(err) != fresco.ECONFLICT {
			t.Errorf("second log named claims: %v", err)
		}
		list, err := svc.List(ctx, analyst)
		if err != nil || len(list) != 1 || list[0].ID != l.ID {
			t.Fatalf("list = %+v, %v", list, err)
		}
		for _, a := range []staff.Actor{agent, analyst} {
			if _, err := svc.Save(ctx, a, "x", "", "csv", in); fresco.ErrorCode(err) != fresco.EFORBIDDEN {
				t.Errorf("%s saves: %v", a.Role, err)
			}
			if err := svc.Delete(ctx, a, l.ID); fresco.ErrorCode(err) != fresco.EFORBIDDEN {
				t.Errorf("%s deletes: %v", a.Role, err)
			}
		}
		if _, err := svc.List(ctx, agent); fresco.ErrorCode(err) != fresco.EFORBIDDEN {
			t.Errorf("agent lists: %v", err)
		}
		if err := svc.Delete(ctx, owner, l.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Get(ctx, analyst, l.ID); fresco.ErrorCode(err) != fresco.ENOTFOUND {
			t.Errorf("deleted log: %v", err)
		}
		if err := svc.Delete(ctx, owner, l.ID); fresco.ErrorCode(err) != fresco.ENOTFOUND {
			t.Errorf("second delete: %v", err)
		}
		var left int
		if err := db.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM event_log_events) + (SELECT COUNT(*) FROM event_log_cases) +
			(SELECT COUNT(*) FROM event_log_attributes)`).Scan(&left); err != nil || left != 0 {
			t.Errorf("rows left after delete: %d %v", left, err)
		}
		audit := storetest.AuditLines(t, db, "event_log", fmt.Sprint(l.ID))
		want := []string{
			`token:7 event_log.imported {"cases":3,"events":6,"format":"xes","name":"claims","source":"claims.xes"}`,
			`employee:900 event_log.deleted {"cases":3,"events":6,"name":"claims"}`,
		}
		if !slices.Equal(audit, want) {
			t.Errorf("audit %q, want %q", audit, want)
		}
	})
}

func nilIfEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

// TestBadLogsLeaveNothing: each bad field is named by its place, and a
// refused log stores no row.
func TestBadLogsLeaveNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		bad := func(mutate func([]eventlog.Trace) []eventlog.Trace) []eventlog.Trace { return mutate(builtLog()) }
		for _, tc := range []struct {
			name, format string
			traces       []eventlog.Trace
			field        string
		}{
			{"", "xes", builtLog(), "name"},
			{"x", "json", builtLog(), "format"},
			{"x", "", builtLog(), "format"},
			{"x", "csv", nil, "body"},
			{"x", "csv", bad(func(l []eventlog.Trace) []eventlog.Trace { l[2].Events[0].Activity = " "; return l }), "cases[2].events[0].activity"},
			{"x", "csv", bad(func(l []eventlog.Trace) []eventlog.Trace { l[1].Case = ""; return l }), "cases[1].case"},
			{"x", "csv", bad(func(l []eventlog.Trace) []eventlog.Trace { l[0].Events[3].Resource = "a\x00b"; return l }), "cases[0].events[3].resource"},
			{"x", "csv", bad(func(l []eventlog.Trace) []eventlog.Trace { l[0].Events[1].Role = "\xff"; return l }), "cases[0].events[1].role"},
			{"x", "csv", bad(func(l []eventlog.Trace) []eventlog.Trace { l[0].Attrs["region"] = strings.Repeat("n", 1001); return l }), `cases[0].attributes["region"]`},
			{"x", "csv", bad(func(l []eventlog.Trace) []eventlog.Trace {
				l[0].Events[0].Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
				return l
			}), "cases[0].events[0].time"},
		} {
			svc := processlog.New(db, processlog.Options{})
			_, err := svc.Save(ctx, owner, tc.name, "", tc.format, tc.traces)
			if fresco.ErrorCode(err) != fresco.EINVALID || !hasField(err, tc.field) {
				t.Errorf("%s: %v, want invalid %s", tc.field, err, tc.field)
			}
		}
		small := processlog.New(db, processlog.Options{MaxEvents: 5})
		if _, err := small.Save(ctx, owner, "big", "", "xes", builtLog()); fresco.ErrorCode(err) != fresco.ETOOLARGE {
			t.Errorf("6 events past a limit of 5: %v", err)
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM event_logs) + (SELECT COUNT(*) FROM event_log_events)`).Scan(&n); err != nil || n != 0 {
			t.Errorf("%d rows stored by refused logs (%v)", n, err)
		}
	})
}

func hasField(err error, field string) bool {
	for _, f := range fresco.ErrorFields(err) {
		if f.Field == field {
			return true
		}
	}
	return false
}

const xesBody = `<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0">
 <trace><string key="concept:name" value="t1"/><string key="location" value="Harbour"/>
  <event><string key="concept:name" value="Register"/><date key="time:timestamp" value="2025-01-06T08:00:00Z"/></event>
  <event><string key="concept:name" value="Decide"/><date key="time:timestamp" value="2025-01-06T09:00:00Z"/></event>
 </trace>
</log>`

// TestImportReadsXESAndCSV: the real readers; the format comes from the
// file name, the name defaults to it, the CSV columns are mapped, and a
// bad file is a 422 on "body" naming the line; too many events a 413.
func TestImportReadsXESAndCSV(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := processlog.New(db, processlog.Options{})
		l, err := svc.Import(ctx, owner, processlog.ImportInput{Source: "dir/orders.CSV", Columns: processlog.Columns{Case: "case", Activity: "activity"},
			Body: strings.NewReader("case,activity\n1,A\n1,B\n2,A\n")})
		if err != nil || l.Name != "orders.CSV" || l.Format != "csv" || l.Cases != 2 || l.Events != 3 || l.Activities != 2 {
			t.Fatalf("CSV import = %+v, %v", l, err)
		}
		l, err = svc.Import(ctx, owner, processlog.ImportInput{Source: "claims.xes", Body: strings.NewReader(xesBody)})
		if err != nil || l.Format != "xes" || l.Cases != 1 || l.Events != 2 || l.StartsAt == nil || !l.StartsAt.Equal(time.Date(2025, 1, 6, 8, 0, 0, 0, time.UTC)) {
			t.Fatalf("XES import = %+v, %v", l, err)
		}
		traces, err := svc.StoredTraces(ctx, owner, l.ID)
		if err != nil || len(traces) != 1 || traces[0].Attrs["location"] != "Harbour" || traces[0].Events[1].Activity != "Decide" {
			t.Errorf("stored XES traces %+v %v", traces, err)
		}
		_, err = svc.Import(ctx, owner, processlog.ImportInput{Name: "bad", Format: "csv", Columns: processlog.Columns{Case: "case", Activity: "activity"},
			Body: strings.NewReader("case,activity\n1,A\n2,B,extra\n")})
		if fresco.ErrorCode(err) != fresco.EINVALID || !hasField(err, "body") || !strings.Contains(err.Error(), "line 3") {
			t.Errorf("bad CSV line: %v", err)
		}
		_, err = svc.Import(ctx, owner, processlog.ImportInput{Name: "bad2", Format: "xes", Body: strings.NewReader(xesBody[:200])})
		if fresco.ErrorCode(err) != fresco.EINVALID || !hasField(err, "body") || !strings.Contains(err.Error(), "line") {
			t.Errorf("truncated XES: %v", err)
		}
		small := processlog.New(db, processlog.Options{MaxEvents: 2})
		_, err = small.Import(ctx, owner, processlog.ImportInput{Name: "big", Format: "csv", Columns: processlog.Columns{Case: "case", Activity: "activity"},
			Body: strings.NewReader("case,activity\n1,A\n1,B\n1,C\n")})
		if fresco.ErrorCode(err) != fresco.ETOOLARGE {
			t.Errorf("three events past a limit of two: %v", err)
		}
		if _, err := svc.Import(ctx, agent, processlog.ImportInput{Name: "n", Format: "csv", Body: strings.NewReader("case:concept:name,concept:name\n1,A\n")}); fresco.ErrorCode(err) != fresco.EFORBIDDEN {
			t.Errorf("agent imports: %v", err)
		}
		if list, _ := svc.List(ctx, owner); len(list) != 2 {
			t.Errorf("%d logs stored, want 2", len(list))
		}
	})
}
