// Package memo shares one working out of a value among the callers that
// ask for it at once: the first does it, the others wait for it. The
// in-memory caches of the process views (stored logs, Fresco's own log,
// map overlays) keep their entries as Work and look them up each in
// their own way; this is the part they have in common.
package memo

import "context"

// Work is one working out of a value, in progress until it is done.
type Work[T any] struct {
	done chan struct{}
	val  T
	err  error
}

// New returns work not yet done.
func New[T any]() *Work[T] { return &Work[T]{done: make(chan struct{})} }

// Value is what the work gave; read it only once the work is done, or from
// finish (see Share).
func (w *Work[T]) Value() T { return w.val }

// Err is the work's error, as Value.
func (w *Work[T]) Err() error { return w.err }

// Share returns the value of the work claim hands out. When claim says the
// caller is to do it, Share does it with do, calls finish (which may drop
// a failed entry from its cache; it must not wait on other work) and then
// releases the waiters. Otherwise it waits for the work, or for ctx. Work
// that failed — its request was cancelled, say — is claimed again and
// tried by a waiter.
func Share[T any](ctx context.Context, claim func() (*Work[T], bool), do func() (T, error), finish func(*Work[T])) (T, error) {
	for {
		w, mine := claim()
		if mine {
			w.val, w.err = do()
			finish(w)
			close(w.done)
			return w.val, w.err
		}
		select {
		case <-w.done:
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
		if w.err == nil {
			return w.val, nil
		}
	}
}
