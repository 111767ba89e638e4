package jobs_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// The durability test runs a real worker in a child process — this test
// binary again, entering TestHelperProcess — and kills it with SIGKILL while
// a job is running. Nothing in the child gets a chance to clean up, exactly
// as after kill -9, an OOM kill or a power cut of the container.
const (
	helperEnv       = "FRESCO_JOBS_HELPER_PROCESS"
	helperDBEnv     = "FRESCO_JOBS_HELPER_DB"
	helperMarkerEnv = "FRESCO_JOBS_HELPER_MARKER"

	// helperLease is the lease the killed worker takes on its job, so also
	// how long the restarted queue must wait before reclaiming it.
	helperLease = 2 * time.Second
)

func TestSurvivesKillAndRestart(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines() {
		t.Run(engine.Name, func(t *testing.T) {
			t.Parallel()
			url := engine.URL(t)
			db := storetest.Open(t, url)

			// 1. A worker in another process starts a job and hangs in it;
			//    a second committed job waits behind it.
			marker := filepath.Join(t.TempDir(), "started")
			child := startHelperProcess(t, url, marker)
			waitFor(t, "the child's handler to start", func() bool {
				_, err := os.Stat(marker)
				return err == nil
			})
			hung, waiting := helperJobID(t, db, "durable.hang"), helperJobID(t, db, "durable.waiting")
			if row := readJob(t, db, hung); row.Status != "running" || row.Attempts != 1 {
				t.Fatalf("hung job before the kill: %+v", row)
			}
			if row := readJob(t, db, waiting); row.Status != "queued" || row.Attempts != 0 {
				t.Fatalf("waiting job before the kill: %+v, want never started", row)
			}
			leaseEnds := lockedUntil(t, db, hung)

			// 2. kill -9.
			if err := child.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			_ = child.Wait()

			// 3. A restarted queue finishes both jobs, taking the hung one
			//    over only once its lease has run out.
			opts := testOptions()
			opts.Lease = helperLease
			q := jobs.New(db, opts)
			var mu sync.Mutex
			startedAt := map[string]time.Time{}
			for _, kind := range []string{"durable.hang", "durable.waiting"} {
				q.Register(kind, func(ctx context.Context, job *jobs.Running) error {
					mu.Lock()
					defer mu.Unlock()
					startedAt[job.Kind] = time.Now()
					return nil
				})
			}
			start(t, q)

			if row := waitForStatus(t, db, hung, "done"); row.Attempts != 2 {
				t.Errorf("hung job: %+v, want done on its second attempt", row)
			}
			if row := waitForStatus(t, db, waiting, "done"); row.Attempts != 1 {
				t.Errorf("waiting job: %+v, want done on its first attempt", row)
			}
			mu.Lock()
			defer mu.Unlock()
			if startedAt["durable.hang"].Before(leaseEnds) {
				t.Errorf("hung job reclaimed at %v, before its lease ended at %v", startedAt["durable.hang"], leaseEnds)
			}
		})
	}
}

// startHelperProcess re-executes the test binary as a worker process.
func startHelperProcess(t *testing.T, url, marker string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"=1", helperDBEnv+"="+url, helperMarkerEnv+"="+marker)
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill() // in case the test failed before the planned kill
		cmd.Wait()
		if t.Failed() {
			t.Logf("helper process output:\n%s", output.String())
		}
	})
	return cmd
}

// TestHelperProcess is the killed worker, not a test: it runs only when
// TestSurvivesKillAndRestart starts it. It enqueues two jobs, then runs a
// one-worker queue whose handler writes the marker file and hangs, so the
// second job is committed but never started.
func TestHelperProcess(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		t.Skip("helper process for TestSurvivesKillAndRestart")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, os.Getenv(helperDBEnv))
	if err != nil {
		t.Fatal(err)
	}
	q := jobs.New(db, jobs.Options{
		Workers:      1,
		PollInterval: 20 * time.Millisecond,
		Lease:        helperLease,
		Logger:       slog.New(slog.NewTextHandler(os.Stderr, nil)),
	})
	q.Register("durable.hang", func(ctx context.Context, job *jobs.Running) error {
		if err := os.WriteFile(os.Getenv(helperMarkerEnv), nil, 0o644); err != nil {
			return err
		}
		time.Sleep(time.Hour) // deaf to ctx: only SIGKILL ends this
		return nil
	})
	q.Register("durable.waiting", func(ctx context.Context, job *jobs.Running) error {
		return errors.New("the waiting job must not start before the kill")
	})
	err = db.InTx(ctx, func(tx *store.Tx) error {
		for _, kind := range []string{"durable.hang", "durable.waiting"} {
			if _, err := jobs.Enqueue(ctx, tx, jobs.Job{Kind: kind}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	q.Run(ctx) // never returns
}

func helperJobID(t *testing.T, db *store.DB, kind string) int64 {
	t.Helper()
	var id int64
	if err := db.QueryRow(context.Background(), `SELECT id FROM jobs WHERE kind = ?`, kind).Scan(&id); err != nil {
		t.Fatalf("find %s job: %v", kind, err)
	}
	return id
}

func lockedUntil(t *testing.T, db *store.DB, id int64) time.Time {
	t.Helper()
	var until time.Time
	if err := db.QueryRow(context.Background(), `SELECT locked_until FROM jobs WHERE id = ?`, id).Scan(&until); err != nil {
		t.Fatalf("read lease of job %d: %v", id, err)
	}
	return until
}
