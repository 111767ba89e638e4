package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// fresco rollups rebuild repairs a rollup written around the triggers.
func TestRollupsRebuild(t *testing.T) {
	ctx := context.Background()
	url := "sqlite:" + filepath.Join(t.TempDir(), "f.db")
	db, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	nps, empathy := 9, 4
	err = db.InTx(ctx, func(tx *store.Tx) error {
		post, err := db.ListeningPostBySlug(ctx, "survey")
		if err != nil {
			return err
		}
		return tx.InsertResponse(ctx, &fresco.Response{PostID: post.ID, RespondedAt: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC), NPS: &nps,
			Answers: []fresco.Answer{{Type: "process_quality", Item: "empathy", Score: &empathy}}})
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE feedback_score_daily SET n = 7`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE feedback_score_monthly SET n = 3`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `DELETE FROM feedback_driver_monthly`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, out, errOut := runCLI(t, nil, "", "rollups", "rebuild", "--db", url)
	if code != 0 || out != "feedback_score_daily: 1 rows\nfeedback_score_monthly: 5 rows\nfeedback_driver_monthly: 5 rows\nfeedback_delay_daily: 1 rows\nfeedback_delay_monthly: 1 rows\nacquisition_customer: 0 rows\nacquisition_rollup: 0 rows\nvalue_answers: 0 rows\nacquisition_daily: 0 rows\ncustomer_purchase_summary: 0 rows\nbaseline_customer_month: 0 rows\nbaseline_month: 0 rows\n" {
		t.Fatalf("rebuild: exit %d, %q %q", code, out, errOut)
	}
	db, err = store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(ctx, `SELECT n FROM feedback_score_daily WHERE scale = 'nps' AND score = 9 AND day = '2025-03-01'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("after rebuild n = %d, %v; want 1", n, err)
	}
	// One answer counts once in each of the five monthly row sets.
	if err := db.QueryRow(ctx, `SELECT SUM(n) FROM feedback_score_monthly WHERE scale = 'nps' AND score = 9 AND month = '2025-03-01'`).Scan(&n); err != nil || n != 5 {
		t.Fatalf("after rebuild the monthly rollup holds %d, %v; want 5", n, err)
	}
	if err := db.QueryRow(ctx, `SELECT SUM(n) FROM feedback_driver_monthly WHERE item = 'empathy' AND score = 4 AND nps = 9`).Scan(&n); err != nil || n != 5 {
		t.Fatalf("after rebuild the driver rollup holds %d, %v; want 5", n, err)
	}
	if code, _, errOut := runCLI(t, nil, "", "rollups", "rebiuld"); code != 2 || !strings.Contains(errOut, `unknown subcommand "rebiuld"`) {
		t.Errorf("typo: exit %d, %q", code, errOut)
	}
}
