package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/goals"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/notify/notifytest"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestGoalsWeeklyDigest sends the goals digest through the running queue
// to a local SMTP receiver: the owner gets every goal, each manager the
// goals of their scope, the agent nothing; a second run in the same week
// (a retry, another replica, the next day's slot) sends nothing, and the
// next week sends again.
func TestGoalsWeeklyDigest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		smtp := notifytest.StartSMTP(t)
		a := apptest.New(t, db, func(c *app.Config) {
			c.QueuePollInterval, c.DisableDigest = 20*time.Millisecond, true
			c.SMTP = notify.SMTPConfig{Addr: smtp.Addr, From: "Fresco <fresco@example.com>"}
		})
		north := &fresco.Location{Name: "North", Timezone: "UTC"}
		south := &fresco.Location{Name: "South", Timezone: "UTC"}
		check(t, db.CreateLocation(ctx, north))
		check(t, db.CreateLocation(ctx, south))
		person := func(name string, role fresco.Role, loc *int64) *fresco.Employee {
			e := &fresco.Employee{Name: name, Email: strings.ToLower(name) + "@example.com", Role: role, LocationID: loc, Active: true}
			check(t, db.CreateEmployee(ctx, e))
			return e
		}
		owner := person("Olive", fresco.RoleOwner, nil)
		lead := person("Mona", fresco.RoleManager, &north.ID)
		southBoss := person("Sam", fresco.RoleManager, &south.ID)
		agent := person("Alan", fresco.RoleAgent, &north.ID)
		blue := &fresco.Team{Name: "Blue team", LocationID: &north.ID, ManagerID: &lead.ID}
		check(t, db.CreateTeam(ctx, blue))

		cli := goals.Actor{Ref: "cli", Role: fresco.RoleOwner}
		target := func(v float64) *float64 { return &v }
		for _, in := range []goals.Input{
			{Name: "North NPS", Metric: fresco.MetricNPS, Scope: fresco.ScopeLocation, LocationID: &north.ID, Target: target(40), Period: fresco.PeriodQuarter},
			{Name: "Blue CSAT", Metric: fresco.MetricCSAT, Scope: fresco.ScopeTeam, TeamID: &blue.ID, Target: target(80), Period: fresco.PeriodMonth},
			{Name: "South NPS", Metric: fresco.MetricNPS, Scope: fresco.ScopeLocation, LocationID: &south.ID, Target: target(30), Period: fresco.PeriodMonth},
			{Name: "Everyone CES", Metric: fresco.MetricCES, Scope: fresco.ScopeAll, Target: target(5), Period: fresco.PeriodMonth},
		} {
			_, err := a.Goals.Create(ctx, cli, in)
			check(t, err)
		}

		qctx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- a.Queue.Run(qctx) }()
		defer func() { stop(); <-done }()

		monday := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
		sent, err := a.Goals.SendDigest(ctx, monday)
		if err != nil || sent != 3 {
			t.Fatalf("first digest of the week: %d notifications, %v; want 3 (owner, North's and South's managers)", sent, err)
		}
		for _, again := range []time.Time{monday, monday.AddDate(0, 0, 1), monday.AddDate(0, 0, 6)} {
			if sent, err := a.Goals.SendDigest(ctx, again); err != nil || sent != 0 {
				t.Fatalf("digest again on %s: %d notifications, %v; want none", again, sent, err)
			}
		}
		deadline := time.Now().Add(30 * time.Second)
		for len(smtp.Messages()) < 3 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		got := map[string]string{}
		for _, m := range smtp.Messages() {
			header, text, _, err := m.Read()
			check(t, err)
			got[m.To[0]] = header.Get("Subject") + "\n" + text
		}
		if len(got) != 3 || got[agent.Email] != "" {
			t.Fatalf("mail went to %v, want the owner and the two managers", keys(got))
		}
		for who, want := range map[string][]string{
			owner.Email:     {"North NPS", "Blue CSAT", "South NPS", "Everyone CES"},
			lead.Email:      {"North NPS", "Blue CSAT"},
			southBoss.Email: {"South NPS"},
		} {
			mail := got[who]
			if !strings.Contains(mail, "Goals this week: 0 on track, 0 off track, ") || !strings.Contains(mail, "Can't tell yet") ||
				!strings.Contains(mail, "/goals") {
				t.Errorf("%s's digest:\n%s", who, mail)
			}
			for _, name := range []string{"North NPS", "Blue CSAT", "South NPS", "Everyone CES"} {
				if strings.Contains(mail, name+" (") != slices.Contains(want, name) {
					t.Errorf("%s's digest has %q: %v, want %v\n%s", who, name, !slices.Contains(want, name), slices.Contains(want, name), mail)
				}
			}
		}
		count := func() int {
			var n int
			check(t, db.QueryRow(ctx, `SELECT COUNT(*) FROM email_messages e JOIN notifications n ON n.id = e.notification_id
				WHERE n.event = 'goals.digest'`).Scan(&n))
			return n
		}
		if n := count(); n != 3 {
			t.Errorf("%d digest e-mails queued in the week, want 3", n)
		}
		if sent, err := a.Goals.SendDigest(ctx, monday.AddDate(0, 0, 7)); err != nil || sent != 3 {
			t.Errorf("next week's digest: %d, %v; want 3", sent, err)
		}
		if n := count(); n != 6 {
			t.Errorf("%d digest e-mails after two weeks, want 6", n)
		}
	})
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
