package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

func init() {
	commands["bench"] = command{summary: "measure Fresco's speed: bench ingest, bench pages, bench writes, bench refit, bench process", run: runBench}
}

func runBench(ctx context.Context, args []string, env Env) error {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		fmt.Fprintln(env.Stderr, "Usage: fresco bench ingest --db URL --purchases N\n       fresco bench pages --db URL [--clients 8] [--duration 20s] [--json]\n       fresco bench writes --db URL [--writers 16] [--readers 8] [--duration 20s] [--json]\n       fresco bench refit --db URL [--read-parts N] [--json]\n       fresco bench process [--events 1000000] [--input LOG] [--runs N] [--json]\n(fresco bench NAME -h for its flags)")
		return flag.ErrHelp
	}
	switch {
	case len(args) > 0 && args[0] == "ingest":
		return benchIngest(ctx, args[1:], env)
	case len(args) > 0 && args[0] == "pages":
		return benchPages(ctx, args[1:], env)
	case len(args) > 0 && args[0] == "writes":
		return benchWrites(ctx, args[1:], env)
	case len(args) > 0 && args[0] == "refit":
		return benchRefit(ctx, args[1:], env)
	case len(args) > 0 && args[0] == "process":
		return benchProcess(ctx, args[1:], env)
	}
	return usageError("want a benchmark name: fresco bench ingest --db URL --purchases N, fresco bench pages --db URL, fresco bench writes --db URL, fresco bench refit --db URL, or fresco bench process")
}

// ingestResult is what `fresco bench ingest` prints.
type ingestResult struct {
	Benchmark          string  `json:"benchmark"`
	Engine             string  `json:"engine"`
	Purchases          int     `json:"purchases"`
	Lines              int     `json:"lines"`
	Rejected           int     `json:"rejected"`
	BatchSize          int     `json:"batch_size"`
	Concurrency        int     `json:"concurrency"`
	Seconds            float64 `json:"seconds"`
	PurchasesPerSecond float64 `json:"purchases_per_second"`
	LinesPerSecond     float64 `json:"lines_per_second"`
	Cores              int     `json:"cores"`
}

// benchIngest posts generated purchases to POST /api/v1/purchases:batch of a
// server it starts on the loopback interface, and reports the throughput.
// Request bodies are built before the clock starts, so the figure is the
// server's: HTTP, JSON decoding, validation and the database writes.
func benchIngest(ctx context.Context, args []string, env Env) error {
	fs := newFlagSet("bench ingest", env)
	db := dbFlag(fs, env)
	n := fs.Int("purchases", 100000, "purchases to send")
	batch := fs.Int("batch", 2000, "purchases per request (at most 10000)")
	lines := fs.Int("lines", 5, "average lines per purchase")
	concurrency := fs.Int("concurrency", 2, "requests in flight at once")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the timed part to FILE")
	secretKey := secretKeyFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *n <= 0 || *batch <= 0 || *batch > store.MaxBatchPurchases || *lines <= 0 || *concurrency <= 0 {
		return usageError("--purchases, --batch (≤ %d), --lines and --concurrency must be positive", store.MaxBatchPurchases)
	}
	given, err := secretKeySetting(*secretKey, env)
	if err != nil {
		return err
	}
	keys, err := secretKeys(*db, given)
	if err != nil {
		return err
	}
	database, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer database.Close()
	token, _, err := benchToken(ctx, database)
	if err != nil {
		return err
	}
	bodies, lineCount := buildIngestBodies(*n, *batch, *lines)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	url := make(chan string, 1)
	serveErr := make(chan error, 1)
	logger := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	a, err := app.New(app.Config{DB: database, SecretKeys: keys, Logger: logger, Version: buildVersion(), Workers: 1, AllowPrivateWebhooks: true})
	if err != nil {
		return err
	}
	go func() { serveErr <- serve(ctx, a, "127.0.0.1:0", logger, func(u string) { url <- u }) }()
	var base string
	select {
	case base = <-url:
	case err := <-serveErr:
		return err
	}
	stopProfile, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	start := time.Now()
	rejected, err := postAll(ctx, base+"/api/v1/purchases:batch", token, bodies, *concurrency)
	elapsed := time.Since(start).Seconds()
	cancel()
	<-serveErr
	if err != nil {
		return err
	}
	res := ingestResult{
		Benchmark: "ingest", Engine: string(database.Dialect()), Purchases: *n, Lines: lineCount, Rejected: rejected,
		BatchSize: *batch, Concurrency: *concurrency, Seconds: elapsed,
		PurchasesPerSecond: float64(*n) / elapsed, LinesPerSecond: float64(lineCount) / elapsed, Cores: runtime.NumCPU(),
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}

// benchToken makes an agent's API token for a bench and returns it with
// its id, to revoke it afterwards.
func benchToken(ctx context.Context, db *store.DB) (string, int64, error) {
	token, hash, err := auth.NewAPIToken()
	if err != nil {
		return "", 0, err
	}
	t, err := db.CreateAPIToken(ctx, "bench "+time.Now().UTC().Format(time.RFC3339Nano), fresco.RoleAgent, hash)
	if err != nil {
		return "", 0, err
	}
	return token, t.ID, nil
}

// buildIngestBodies generates n purchases of anonymous and named shape over a
// catalogue of 500 SKUs, as JSON request bodies of batch purchases each.
func buildIngestBodies(n, batch, avgLines int) ([][]byte, int) {
	rng := rand.New(rand.NewPCG(42, uint64(time.Now().UnixNano())))
	run := time.Now().UnixNano()
	type line struct {
		SKU       string `json:"sku"`
		Quantity  int    `json:"quantity"`
		UnitPrice string `json:"unit_price"`
	}
	type purchase struct {
		ExternalID  string `json:"external_id"`
		PurchasedAt string `json:"purchased_at"`
		Channel     string `json:"channel"`
		Lines       []line `json:"lines"`
	}
	var bodies [][]byte
	total := 0
	at := time.Now().UTC().AddDate(-1, 0, 0)
	for start := 0; start < n; start += batch {
		size := min(batch, n-start)
		ps := make([]purchase, size)
		for i := range ps {
			k := 1 + rng.IntN(2*avgLines-1) // mean avgLines
			ls := make([]line, k)
			for j := range ls {
				ls[j] = line{SKU: fmt.Sprintf("BENCH-%03d", rng.IntN(500)), Quantity: 1 + rng.IntN(4),
					UnitPrice: fmt.Sprintf("%d.%02d", 1+rng.IntN(60), rng.IntN(100))}
			}
			total += k
			ps[i] = purchase{ExternalID: fmt.Sprintf("bench-%d-%d", run, start+i),
				PurchasedAt: at.Add(time.Duration(start+i) * time.Second).Format(time.RFC3339), Channel: "web", Lines: ls}
		}
		body, _ := json.Marshal(map[string]any{"purchases": ps})
		bodies = append(bodies, body)
	}
	return bodies, total
}

// postAll sends the bodies with the given number of requests in flight and
// returns how many purchases the server rejected.
func postAll(ctx context.Context, url, token string, bodies [][]byte, concurrency int) (int, error) {
	client := &http.Client{Timeout: 5 * time.Minute}
	work := make(chan []byte)
	var (
		mu       sync.Mutex
		rejected int
		firstErr error
		wg       sync.WaitGroup
	)
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for body := range work {
				r, err := postBatch(ctx, client, url, token, body)
				mu.Lock()
				rejected += r
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	for _, b := range bodies {
		work <- b
	}
	close(work)
	wg.Wait()
	return rejected, firstErr
}

func postBatch(ctx context.Context, client *http.Client, url, token string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		return 0, fmt.Errorf("batch answered %s: %s", resp.Status, data)
	}
	var out struct {
		Rejected int `json:"rejected"`
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return 0, fmt.Errorf("batch response: %w", err)
	}
	return out.Rejected, nil
}
