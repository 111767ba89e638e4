package recovery

import (
	"context"

	"github.com/fresco-cx/fresco/internal/store"
)

// Batch runs fn with a service whose case changes (Open and every action
// on a case) all go into one transaction, committed when fn returns nil;
// an error from fn — or from any change in it — rolls the whole batch
// back. Each change runs the same code, rules and checks as on its own, so
// a batch stores what the same calls one by one would; it saves a commit
// per change and keeps the statements prepared (store.Tx.KeepStatements).
// Notifications are handed to the Notifier after the batch commits.
//
// Only Open and the actions on a case (Respond, RequestGesture, Resolve,
// Close, Wait, Reply, ReceiveEmail, …) belong in fn. What runs a transaction of its own
// (SetPolicy, SetAuthorityLimit, MayDecide, Evaluate) would wait for the
// batch's on SQLite's one writer, and what reads before its change
// (DecideGesture, the task actions) would not see the batch's writes:
// call those outside a batch.
//
// It is for loading many cases at once (the demo's case history, issue
// 10), where one transaction per change cost more than the change.
func (s *Service) Batch(ctx context.Context, fn func(b *Service) error) error {
	var changes []*change
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		tx.KeepStatements()
		b := *s
		b.batch = &batchTx{tx: tx}
		if err := fn(&b); err != nil {
			return err
		}
		changes = b.batch.done
		return nil
	})
	if err != nil {
		return err
	}
	for _, ch := range changes {
		s.afterCommit(ctx, ch)
	}
	return nil
}

// batchTx is the transaction of a Batch and the changes made in it, whose
// after-commit work waits for the batch's commit.
type batchTx struct {
	tx   *store.Tx
	done []*change
}

// inTx runs fn in a transaction of its own, or in the batch's.
func (s *Service) inTx(ctx context.Context, fn func(tx *store.Tx) error) error {
	if s.batch != nil {
		return fn(s.batch.tx)
	}
	return s.db.InTx(ctx, fn)
}

// committed runs the after-commit work of ch now, or once the batch has
// committed.
func (s *Service) committed(ctx context.Context, ch *change) {
	if s.batch != nil {
		s.batch.done = append(s.batch.done, ch)
		return
	}
	s.afterCommit(ctx, ch)
}
