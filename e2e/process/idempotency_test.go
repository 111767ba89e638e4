package process

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// A batch whose server is killed with SIGKILL while it works on it, or
// after it committed but before the client read the answer, is stored
// exactly once when the client retries with the same Idempotency-Key on the
// restarted server; a retry after a commit gets the stored answer replayed.
// The purchases have no external ids, so a second execution would store
// them all again.
func TestKilledBatchIsStoredOnceOnRetry(t *testing.T) {
	t.Parallel()
	bin := frescoBinary(t)
	const size = 300
	batch := purchaseBatch(size)
	// When the server dies: as the request is written, at moments while it
	// may be storing the batch, and once the answer is on its way (the
	// batch has surely committed then, but the client never reads it).
	moments := []struct {
		name        string
		delay       time.Duration
		firstAnswer bool
	}{
		{name: "as the request is written"},
		{name: "2ms later", delay: 2 * time.Millisecond},
		{name: "10ms later", delay: 10 * time.Millisecond},
		{name: "30ms later", delay: 30 * time.Millisecond},
		{name: "100ms later", delay: 100 * time.Millisecond},
		{name: "on the first byte of the answer", firstAnswer: true},
	}
	for _, eng := range storetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			dbURL := eng.URL(t)
			token := createToken(t, bin, dbURL)
			db := storetest.Open(t, dbURL)
			// Each PostgreSQL server gets its own application_name, so the
			// test can tell its backends from those of the tests beside it.
			app := func(round int) string { return fmt.Sprintf("killed-%s-%d", eng.Name, round) }
			srv := startServer(t, bin, "server", withAppName(dbURL, app(0)))
			replays := 0
			for round, m := range moments {
				key := fmt.Sprintf("batch-%d", round)
				sendAndKill(t, srv, token, key, batch, m.delay, m.firstAnswer)
				if eng.Name == "postgres" {
					awaitOrphanedBackends(t, db, withAppName(dbURL, app(round)))
				}
				before := countPurchases(t, db)
				committed := before == (round+1)*size
				if !committed && before != round*size {
					t.Fatalf("%s: %d purchases after the kill, want %d or %d: a batch is stored whole or not at all",
						m.name, before, round*size, (round+1)*size)
				}
				if m.firstAnswer && !committed {
					t.Fatalf("%s: the answer was being sent, yet the batch was not stored", m.name)
				}

				srv = startServer(t, bin, fmt.Sprintf("server after kill %d", round+1), withAppName(dbURL, app(round+1)))
				var out struct{ Created int }
				res, body, err := srv.call(token, http.MethodPost, "/api/v1/purchases:batch", batch,
					http.Header{"Idempotency-Key": {key}}, &out)
				if err != nil || res.StatusCode != http.StatusOK || out.Created != size {
					t.Fatalf("%s: retry: %v %v %s", m.name, err, res, body)
				}
				replayed := res.Header.Get("Idempotent-Replayed") == "true"
				if after := countPurchases(t, db); after != (round+1)*size {
					t.Fatalf("%s: %d purchases after the retry, want %d: the batch ran twice or not at all", m.name, after, (round+1)*size)
				}
				if replayed != committed {
					t.Errorf("%s: committed before the kill %v, but the retry's Idempotent-Replayed is %q",
						m.name, committed, res.Header.Get("Idempotent-Replayed"))
				}
				if replayed {
					replays++
				}
				t.Logf("%s: committed before the kill: %v", m.name, committed)
			}
			if replays == 0 {
				t.Error("no retry was replayed: no kill fell between commit and answer")
			}
		})
	}
}

// purchaseBatch is a batch of n anonymous purchases without external ids.
func purchaseBatch(n int) string {
	var b strings.Builder
	b.WriteString(`{"purchases":[`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"purchased_at":"2024-05-01T10:00:00Z","lines":[{"sku":"X","quantity":%d,"unit_price":"1.00"}]}`, i%5+1)
	}
	b.WriteString(`]}`)
	return b.String()
}

// sendAndKill writes the batch request on a raw connection, then kills the
// server after delay, or as soon as the first byte of the answer arrives.
// The client never reads the answer.
func sendAndKill(t *testing.T, srv *server, token, key, body string, delay time.Duration, firstAnswer bool) {
	t.Helper()
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL+"/api/v1/purchases:batch", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	w := bufio.NewWriter(conn)
	if err := req.Write(w); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if firstAnswer {
		conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		if _, err := conn.Read(make([]byte, 1)); err != nil {
			t.Fatalf("waiting for the answer: %v", err)
		}
	} else {
		time.Sleep(delay)
	}
	srv.kill()
}

// withAppName sets a PostgreSQL URL's application_name; other URLs are
// returned as they are.
func withAppName(dbURL, name string) string {
	u, err := url.Parse(dbURL)
	if err != nil || !strings.HasPrefix(u.Scheme, "postgres") {
		return dbURL
	}
	q := u.Query()
	q.Set("application_name", name+"-"+q.Get("search_path"))
	u.RawQuery = q.Encode()
	return u.String()
}

// awaitOrphanedBackends waits until the killed server (known by the
// application_name in its URL) has no PostgreSQL backend left: a COMMIT it
// sent just before it died completes on its own, and counting before it
// does would call a committed batch lost.
func awaitOrphanedBackends(t *testing.T, db *store.DB, serverURL string) {
	t.Helper()
	u, err := url.Parse(serverURL)
	if err != nil {
		t.Fatal(err)
	}
	name := u.Query().Get("application_name")
	for deadline := time.Now().Add(10 * time.Second); ; {
		var n int
		if err := db.QueryRow(t.Context(), `SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = ?`, name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d backends of the killed server still there after 10 s", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func countPurchases(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(t.Context(), `SELECT COUNT(*) FROM purchases`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
