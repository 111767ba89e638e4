package memo

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

// One claimant does the work; everyone asking meanwhile gets its value.
func TestShareDoesTheWorkOnce(t *testing.T) {
	var mu sync.Mutex
	var cur *Work[int]
	claim := func() (*Work[int], bool) {
		mu.Lock()
		defer mu.Unlock()
		if cur != nil {
			return cur, false
		}
		cur = New[int]()
		return cur, true
	}
	release := make(chan struct{})
	var calls atomic.Int32
	do := func() (int, error) { calls.Add(1); <-release; return 42, nil }
	var wg sync.WaitGroup
	got := make([]int, 8)
	for i := range got {
		wg.Go(func() {
			v, err := Share(context.Background(), claim, do, func(*Work[int]) {})
			if err != nil {
				t.Error(err)
			}
			got[i] = v
		})
	}
	close(release)
	wg.Wait()
	if calls.Load() != 1 {
		t.Errorf("the work was done %d times, want once", calls.Load())
	}
	for i, v := range got {
		if v != 42 {
			t.Errorf("caller %d got %d, want 42", i, v)
		}
	}
}

// A failed work is dropped by finish and done again by the next caller.
func TestShareRetriesFailedWork(t *testing.T) {
	var cur *Work[string]
	claim := func() (*Work[string], bool) {
		if cur != nil {
			return cur, false
		}
		cur = New[string]()
		return cur, true
	}
	drop := func(w *Work[string]) {
		if w.Err() != nil {
			cur = nil
		}
	}
	if _, err := Share(context.Background(), claim, func() (string, error) { return "", errors.New("cancelled") }, drop); err == nil {
		t.Fatal("want the failed work's error")
	}
	v, err := Share(context.Background(), claim, func() (string, error) { return "again", nil }, drop)
	if err != nil || v != "again" {
		t.Fatalf("got %q, %v; want the work done again", v, err)
	}
	if cur.Value() != "again" {
		t.Errorf("kept %q, want the second work's value", cur.Value())
	}
}

// A waiter whose request ends stops waiting.
func TestShareWaiterCancelled(t *testing.T) {
	w := New[int]()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Share(ctx, func() (*Work[int], bool) { return w, false }, nil, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}
