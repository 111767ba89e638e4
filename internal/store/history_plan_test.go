package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// A case's timeline finds the cases merged into it through an index, not
// by reading every case: at a million customers that scan of 50,000 cases
// was most of the cost of a case's page. Then it reads their events
// through the events' index.
func TestCaseTimelineFindsMergedCasesByIndex(t *testing.T) {
	t.Parallel()
	storetest.EachFresh(t, func(t *testing.T, db *store.DB) {
		plan := explainAvoidingScans(t, db, store.CaseTimelineQuery, 1, 1)
		for _, scan := range []string{"SCAN recovery_cases", "Seq Scan on recovery_cases"} {
			if strings.Contains(plan, scan) {
				t.Errorf("the timeline reads every case to find the merged ones:\n%s", plan)
			}
		}
		// and the events of each case through theirs, not by reading
		// every event (PostgreSQL cannot use an index for "case_id = ?
		// OR case_id IN (…)").
		if !strings.Contains(plan, "case_events_case") {
			t.Errorf("the timeline does not read the events by case:\n%s", plan)
		}
	})
}

// A case's e-mails and a tab of the follow-up list, newest first, are
// read through their indexes (migration 00078): before, the case page
// read every e-mail sent to anyone, and the follow-up list walked every
// follow-up of either status, or joined every open one and sorted it.
func TestCaseMailAndFollowUpTabsReadByIndex(t *testing.T) {
	t.Parallel()
	storetest.EachFresh(t, func(t *testing.T, db *store.DB) {
		for _, tc := range []struct {
			name, query, index string
			args               []any
		}{
			{"a case's e-mails", store.CaseEmailsQuery, "email_messages_case", []any{1}},
			{"the open follow-ups, newest first", store.FollowUpTabQuery(), "follow_ups_status_id", []any{"open", 26}},
		} {
			plan := explainAvoidingScans(t, db, tc.query, tc.args...)
			if !strings.Contains(plan, tc.index) {
				t.Errorf("%s: not read through %s:\n%s", tc.name, tc.index, plan)
			}
		}
	})
}

// An agent's calls (theirs, or their team's unassigned ones) are found
// through the employee's index and the team's, not by reading every open
// task through the status index: 55,000 of them at a million customers.
func TestAgentCallTasksFoundByIndex(t *testing.T) {
	t.Parallel()
	storetest.EachFresh(t, func(t *testing.T, db *store.DB) {
		employee, team := int64(3), int64(2)
		query, args := store.CallTaskListQuery(store.CallTaskFilter{EmployeeID: &employee, TeamID: &team, Status: "open"})
		plan := explainAvoidingScans(t, db, query, args...)
		for _, bad := range []string{"call_tasks_due", "SCAN t", "Seq Scan on call_tasks"} {
			if strings.Contains(plan, bad) {
				t.Errorf("an agent's calls are read through %q:\n%s", bad, plan)
			}
		}
		if db.Dialect() == store.SQLite && !strings.Contains(plan, "call_tasks_team_unassigned") {
			t.Errorf("the team's unassigned calls are not read through their index:\n%s", plan)
		}
	})
}

// explainAvoidingScans returns the plan of query, with PostgreSQL asked to
// avoid sequential scans, which it prefers on a test's tiny tables (it
// still scans when no index serves a condition).
func explainAvoidingScans(t *testing.T, db *store.DB, query string, args ...any) string {
	t.Helper()
	ctx := context.Background()
	var plan string
	err := db.InTx(ctx, func(tx *store.Tx) error {
		explain := "EXPLAIN QUERY PLAN "
		if db.Dialect() == store.Postgres {
			explain = "EXPLAIN (COSTS OFF) "
			if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
				return err
			}
		}
		rows, err := tx.Query(ctx, explain+query, args...)
		if err != nil {
			return err
		}
		plan, err = planText(rows)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return plan
}
