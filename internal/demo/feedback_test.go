package demo

import (
	"context"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestFeedbackAndCases checks the feedback responses and service-recovery
// cases of the default data set: volume, n ≥ 30 per location (the rankings'
// minimum), scores that follow the behaviour classes, and a few cases.
func TestFeedbackAndCases(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, storetest.SQLiteURL(t))
	ctx := context.Background()
	w, err := generate(ctx, db, Options{End: testEnd})
	if err != nil {
		t.Fatal(err)
	}
	sum := w.summary
	n := count(t, db, `SELECT COUNT(*) FROM responses`)
	if n != sum.Responses {
		t.Errorf("%d responses stored, summary says %d", n, sum.Responses)
	}
	if n < 2500 || n > 8000 {
		t.Errorf("%d responses, want about 3,000–6,000", n)
	}
	t.Logf("%d responses, %d cases", n, sum.Cases)
	if bad := count(t, db, `SELECT COUNT(*) FROM responses WHERE nps IS NULL OR customer_id IS NULL
		OR purchase_id IS NULL OR location_id IS NULL OR responded_at > ? OR responded_at < purchased_at`, testEnd); bad != 0 {
		t.Errorf("%d responses without score or attribution, or at an impossible time", bad)
	}
	if got := count(t, db, `SELECT COUNT(*) FROM locations`); got != 4 {
		t.Fatalf("%d locations", got)
	}
	rows := query(t, db, `SELECT l.name, COUNT(r.id) FROM locations l LEFT JOIN responses r ON r.location_id = l.id
		GROUP BY l.id, l.name`)
	for rows.Next() {
		var name string
		var k int
		scan(t, rows, &name, &k)
		if k < 30 {
			t.Errorf("%s: %d responses, want at least 30 for the rankings", name, k)
		}
	}
	if got := count(t, db, `SELECT COUNT(*) FROM (SELECT employee_id FROM responses WHERE employee_id IS NOT NULL
		GROUP BY employee_id HAVING COUNT(*) >= 30) e`); got < 6 {
		t.Errorf("%d employees with n ≥ 30, want several", got)
	}
	// A couple of employees stand out, for better and worse.
	rows = query(t, db, `SELECT employee_id, 100.0 * SUM(CASE WHEN nps >= 9 THEN 1 WHEN nps <= 6 THEN -1 ELSE 0 END) / COUNT(*)
		FROM responses WHERE employee_id IS NOT NULL GROUP BY employee_id HAVING COUNT(*) >= 30`)
	lo, hi := 100.0, -100.0
	for rows.Next() {
		var id int64
		var v float64
		scan(t, rows, &id, &v)
		lo, hi = min(lo, v), max(hi, v)
	}
	t.Logf("employee NPS from %.0f to %.0f", lo, hi)
	if hi-lo < 40 {
		t.Errorf("employee NPS from %.0f to %.0f: nobody stands out", lo, hi)
	}
	for _, post := range []string{feedback.PostSurvey, feedback.PostSatisfaction, feedback.PostFollowUpCall,
		feedback.PostWebForm, feedback.PostComplaint} {
		if got := count(t, db, `SELECT COUNT(*) FROM responses r JOIN listening_posts p ON p.id = r.post_id
			WHERE p.slug = ?`, post); got == 0 {
			t.Errorf("no responses on %s", post)
		}
	}
	if got := count(t, db, `SELECT COUNT(*) FROM responses WHERE comment <> '' AND sentiment IS NOT NULL`); got < n/5 {
		t.Errorf("%d responses with a scored comment, want more", got)
	}

	// NPS by class: apostles and regulars well above mercenaries and churners.
	classOf := map[int64]string{}
	for _, p := range w.people {
		classOf[p.c.ID] = p.class.name
	}
	type tally struct{ promoters, detractors, n int }
	by := map[string]*tally{}
	rows = query(t, db, `SELECT customer_id, nps FROM responses`)
	for rows.Next() {
		var id int64
		var nps int
		scan(t, rows, &id, &nps)
		c := by[classOf[id]]
		if c == nil {
			c = &tally{}
			by[classOf[id]] = c
		}
		c.n++
		if nps >= 9 {
			c.promoters++
		} else if nps <= 6 {
			c.detractors++
		}
	}
	nps := func(class string) float64 {
		c := by[class]
		if c == nil || c.n == 0 {
			t.Fatalf("no responses from %s customers", class)
		}
		return 100 * float64(c.promoters-c.detractors) / float64(c.n)
	}
	t.Logf("NPS: apostle %.0f, regular %.0f, occasional %.0f, churner %.0f, mercenary %.0f", nps("apostle"),
		nps("regular"), nps("occasional"), nps("churner"), nps("mercenary"))
	if nps("apostle") < 50 || nps("regular") < nps("occasional") || nps("mercenary") > nps("occasional")-20 ||
		nps("churner") > nps("regular")-20 {
		t.Errorf("NPS does not follow the behaviour classes")
	}

	// Only the last two weeks' responses are left for the closed loop.
	if got := count(t, db, `SELECT COUNT(*) FROM jobs WHERE kind = ? AND status = 'queued'`, feedback.JobResponseRecorded); got == 0 ||
		got != count(t, db, `SELECT COUNT(*) FROM responses WHERE responded_at >= ?`, testEnd.Add(-feedbackFresh)) {
		t.Errorf("%d queued feedback jobs, want one per response of the last two weeks", got)
	}

	// Cases.
	cases := count(t, db, `SELECT COUNT(*) FROM recovery_cases`)
	// About one customer in twenty (5,000 customers: 250 and the live ones),
	// as many as there are complaints and detractors to open them from.
	if cases != sum.Cases || cases < 150 || cases > 254 {
		t.Errorf("%d cases (summary %d), want 150–254", cases, sum.Cases)
	}
	if got := count(t, db, `SELECT COUNT(*) FROM recovery_cases WHERE status = ? AND root_cause_source <> ''`, fresco.CaseClosed); got < 5 {
		t.Errorf("%d closed cases with root causes", got)
	}
	if got := count(t, db, `SELECT COUNT(*) FROM recovery_cases WHERE status = ?`, fresco.CaseOpen); got < 2 {
		t.Errorf("%d open cases", got)
	}
	if got := count(t, db, `SELECT COUNT(*) FROM gestures`); got == 0 {
		t.Errorf("no gestures")
	}
	if got := count(t, db, `SELECT COUNT(*) FROM recovery_cases c JOIN responses r ON r.purchase_id = c.purchase_id
		AND r.customer_id = c.customer_id`); got != cases {
		t.Errorf("%d of %d cases tied to a response", got, cases)
	}
	if got := count(t, db, `SELECT COUNT(*) FROM recovery_cases WHERE opened_at > ?`, testEnd); got != 0 {
		t.Errorf("%d cases opened after the end", got)
	}
	if got := count(t, db, `SELECT COUNT(*) FROM recovery_cases WHERE status = ? AND sla_status = 'warning'
		AND sla_deadline BETWEEN ? AND ?`, fresco.CaseOpen, testEnd, testEnd.Add(2*time.Hour)); got != 1 {
		t.Errorf("%d open cases about to breach, want 1", got)
	}
}

// TestBulkPathsStoreWhatTheServicesWould generates the same business
// twice, storing customers, purchases and feedback in bulk and through the
// services' paths (CreateCustomer, SavePurchases, one response at a time
// through the feedback service), and compares every row those steps write:
// customers, purchases and lines, the acquisition rollup kept by triggers,
// the responses with attribution, segment, sentiment and suggested
// categories, their answers, the contact records, the feedback rollups, the
// closed loop's queued jobs — and the cases opened from them.
func TestBulkPathsStoreWhatTheServicesWould(t *testing.T) {
	t.Parallel()
	tables := []string{
		`SELECT id, COALESCE(external_id, ''), name, email, phone, address, consent_surveys, consent_marketing,
			consent_personalisation, acquisition_source, COALESCE(referred_by, 0), first_seen, tags, version FROM customers ORDER BY id`,
		`SELECT id, COALESCE(external_id, ''), COALESCE(customer_id, 0), purchased_at, COALESCE(location_id, 0), channel,
			COALESCE(served_by, 0), promotion_code, total, items, version FROM purchases ORDER BY id`,
		`SELECT purchase_id, line_no, product_id, description, quantity, unit_price, discount FROM purchase_lines
			ORDER BY purchase_id, line_no`,
		`SELECT source, SUM(customers), SUM(repeat), SUM(revenue) FROM acquisition_rollup GROUP BY source ORDER BY source`,
		`SELECT customer_id, positive, revenue FROM acquisition_customer ORDER BY customer_id`,
		`SELECT id, external_id, post_id, COALESCE(survey_id, 0), COALESCE(invitation_id, 0), customer_id, purchase_id,
			employee_id, location_id, segment, source, responded_at, purchased_at, COALESCE(nps, -1), COALESCE(csat, -1),
			COALESCE(ces, -1), acquisition_source, comment, COALESCE(sentiment, 99), sentiment_label, categories,
			categorised_by, suggested, created_by FROM responses ORDER BY id`,
		`SELECT response_id, position, question, type, item, COALESCE(score, -1), choices, text FROM response_answers
			ORDER BY response_id, position`,
		`SELECT customer_id, channel, at FROM customer_contacts ORDER BY customer_id, at, channel`,
		`SELECT scale, day, post_id, location_id, employee_id, segment, score, n FROM feedback_score_daily
			ORDER BY scale, day, post_id, location_id, employee_id, segment, score`,
		`SELECT scale, dim, month, ref, segment, score, n FROM feedback_score_monthly ORDER BY scale, dim, month, ref, segment, score`,
		`SELECT dim, month, ref, segment, item, score, nps, n FROM feedback_driver_monthly
			ORDER BY dim, month, ref, segment, item, score, nps`,
		`SELECT day, post_id, hours, n FROM feedback_delay_daily ORDER BY day, post_id, hours`,
		`SELECT month, post_id, hours, n FROM feedback_delay_monthly ORDER BY month, post_id, hours`,
		`SELECT customer_id, purchases, first_at, last_at, COALESCE(last_location_id, 0), first_positive_at,
			gap_low_us, gap_high_us FROM customer_purchase_summary ORDER BY customer_id`,
		`SELECT customer_id, month, first_at, next_at FROM baseline_customer_month ORDER BY customer_id, month`,
		`SELECT kind, payload FROM jobs WHERE status = 'queued' ORDER BY kind, payload`,
		// Recovery cases in full (the bulk path plays the past cases in
		// batches of a transaction each), less the columns that hold the
		// wall clock of the write.
		`SELECT id, customer_id, COALESCE(purchase_id, 0), COALESCE(location_id, 0), COALESCE(product_id, 0), source, summary,
			expectation, details, category, status, state, state_reason, owner_id, COALESCE(merged_into, 0), opened_at,
			first_response_at, resolved_at, closed_at, reopen_count, root_cause_category, root_cause_source,
			follow_through_outcome, sla_status, sla_deadline, sla_breached, created_by FROM recovery_cases ORDER BY id`,
		`SELECT id, case_id, at, actor, kind, body FROM case_events ORDER BY id`,
		`SELECT case_id, employee_id, role FROM case_people ORDER BY case_id, employee_id, role`,
		`SELECT id, case_id, kind, status, due_at, COALESCE(assignee_id, 0), note, outcome, result, done_at, done_by
			FROM case_tasks ORDER BY id`,
		`SELECT id, case_id, customer_id, COALESCE(purchase_id, 0), kind, amount, status, note, letter, requested_by,
			COALESCE(requested_by_employee, 0), requested_role, limit_reason, decided_by, decided_at, decision_note
			FROM gestures ORDER BY id`,
		`SELECT id, case_id, COALESCE(employee_id, 0), kind, message FROM case_notifications ORDER BY id`,
		`SELECT id, dimension, value, cases, window_days, COALESCE(case_id, 0) FROM recurrence_alerts ORDER BY id`,
		`SELECT kind, payload, status, run_at, attempts, unique_key FROM jobs WHERE kind LIKE 'recovery.%' ORDER BY unique_key`,
		`SELECT id, actor, action, entity, entity_id, detail FROM audit_log ORDER BY id`,
		`SELECT month, shard, customers, retained FROM baseline_month ORDER BY month, shard`,
		// The cases' e-mail threads (threads.go), less the ids of the
		// outbox rows the messages name, which the comparison of
		// email_messages covers.
		`SELECT id, case_id, direction, message_id, in_reply_to, refs, from_addr, to_addr, subject, body_text, body_html,
			COALESCE(employee_id, 0), created_at FROM case_messages ORDER BY id`,
		`SELECT id, case_message_id, filename, content_type, size_bytes, data, created_at FROM case_attachments ORDER BY id`,
		`SELECT id, COALESCE(customer_id, 0), COALESCE(case_id, 0), purpose, to_addr, subject, body, message_id, in_reply_to, refs,
			status, attempts, created_at, sent_at FROM email_messages ORDER BY id`,
	}
	for _, eng := range storetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			opts := Options{Seed: 5, Customers: 400, Years: 1, End: testEnd}
			// The third set is the bulk one after rebuilding the rollups from
			// scratch: the triggers kept them exact.
			var got [3][][]string
			for i, viaService := range []bool{true, false} {
				db := storetest.Open(t, eng.URL(t))
				w, err := generateWorld(context.Background(), db, opts, func(w *world) { w.viaService = viaService })
				if err != nil {
					t.Fatal(err)
				}
				if w.summary.Responses < 100 {
					t.Fatalf("%d responses: too few to compare", w.summary.Responses)
				}
				for _, q := range tables {
					got[i] = append(got[i], dump(t, db, q))
				}
				if viaService {
					continue
				}
				if err := db.InTx(context.Background(), func(tx *store.Tx) error {
					_, err := tx.RebuildFeedbackRollups(context.Background())
					return err
				}); err != nil {
					t.Fatal(err)
				}
				for _, q := range tables {
					got[2] = append(got[2], dump(t, db, q))
				}
			}
			for k, q := range tables {
				if len(got[0][k]) == 0 {
					t.Errorf("%s: no rows", q)
				}
				sameRows(t, q, "service", got[0][k], "bulk", got[1][k])
				sameRows(t, q, "bulk", got[1][k], "rebuilt", got[2][k])
			}
		})
	}
}

func sameRows(t *testing.T, query, nameA string, a []string, nameB string, b []string) {
	t.Helper()
	if len(a) != len(b) {
		t.Errorf("%s: %d rows %s, %d %s", query, len(a), nameA, len(b), nameB)
		return
	}
	for j := range a {
		if a[j] != b[j] {
			t.Errorf("%s\nrow %d:\n%s: %s\n%s: %s", query, j, nameA, a[j], nameB, b[j])
			return
		}
	}
}
