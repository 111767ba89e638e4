package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// The process marks move once a transaction, at its commit, on PostgreSQL:
// a transaction that changes the own log must not hold the marks' row while
// it goes on working (every other writer of cases, follow-ups and gestures
// would queue behind it, and could deadlock with it).
func TestProcessMarksMoveAtCommit(t *testing.T) {
	db := storetest.Open(t, storetest.PostgresURL(t))
	ctx := context.Background()
	ann := &fresco.Employee{Email: "ann@example.com", Name: "Ann", Role: fresco.RoleAgent}
	ben := &fresco.Employee{Email: "ben@example.com", Name: "Ben", Role: fresco.RoleAgent}
	for _, e := range []*fresco.Employee{ann, ben} {
		if err := db.CreateEmployee(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	before := marks(t, db)

	held := make(chan struct{})
	release := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.InTx(ctx, func(tx *store.Tx) error {
			for _, name := range []string{"Ann B", "Ann C", "Ann D"} {
				if _, err := tx.Exec(ctx, `UPDATE employees SET name = ? WHERE id = ?`, name, ann.ID); err != nil {
					return err
				}
			}
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	// Another writer of the own log goes through while the first is open.
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := db.Exec(wait, `UPDATE employees SET name = ? WHERE id = ?`, "Ben B", ben.ID); err != nil {
		close(release)
		t.Fatalf("a second writer waited for the open transaction's marks: %v", err)
	}
	mid := marks(t, db)
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	after := marks(t, db)
	if mid.Log != before.Log+1 || after.Log != before.Log+2 {
		t.Errorf("log mark %d, then %d with one transaction committed, %d with both; want +1 each (three updates in one transaction move it once)",
			before.Log, mid.Log, after.Log)
	}
	if after.Outcomes != before.Outcomes {
		t.Errorf("outcomes mark moved %d → %d on employee names", before.Outcomes, after.Outcomes)
	}
}

func marks(t *testing.T, db *store.DB) store.ProcessMarks {
	t.Helper()
	m, err := db.ProcessMarks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// The scores mark moves with every write to what the score rollups count —
// a response added, its score or day changed, a response deleted — and
// with every rebuild of the rollups, but not with a write they do not
// count (a comment's category): feedback keeps its headlines with it.
func TestScoresMarkMovesWithTheCountedAnswers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var post int64
		if err := db.QueryRow(ctx, `SELECT id FROM listening_posts ORDER BY id LIMIT 1`).Scan(&post); err != nil {
			t.Fatal(err)
		}
		nine := 9
		r := &fresco.Response{PostID: post, RespondedAt: time.Date(2025, 5, 3, 10, 0, 0, 0, time.UTC), NPS: &nine, Source: "test"}
		exec := func(q string, args ...any) func() error {
			return func() error { _, err := db.Exec(ctx, q, args...); return err }
		}
		steps := []struct {
			what  string
			do    func() error
			moves bool
		}{
			{"insert", func() error { return db.InTx(ctx, func(tx *store.Tx) error { return tx.InsertResponse(ctx, r) }) }, true},
			{"score", func() error { return exec(`UPDATE responses SET nps = 3 WHERE id = ?`, r.ID)() }, true},
			{"day", func() error {
				return exec(`UPDATE responses SET responded_at = ? WHERE id = ?`, r.RespondedAt.AddDate(0, 0, 1), r.ID)()
			}, true},
			{"category", func() error { return exec(`UPDATE responses SET categorised_by = 'ann' WHERE id = ?`, r.ID)() }, false},
			{"rebuild", func() error { _, err := db.RebuildRollups(ctx); return err }, true},
			{"delete", func() error { return exec(`DELETE FROM responses WHERE id = ?`, r.ID)() }, true},
		}
		for _, s := range steps {
			before := scoresMark(t, db)
			if err := s.do(); err != nil {
				t.Fatalf("%s: %v", s.what, err)
			}
			if after := scoresMark(t, db); (after > before) != s.moves {
				t.Errorf("%s: scores mark %d → %d; want moved %v", s.what, before, after, s.moves)
			}
		}
	})
}

func scoresMark(t *testing.T, db *store.DB) int64 {
	t.Helper()
	m, err := db.ScoresMark(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return m
}
