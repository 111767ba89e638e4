package cli

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/demo"
)

func init() {
	commands["demo"] = command{summary: "create a fresh SQLite database with a generated business and serve it", run: runDemo}
}

// demoPassword is the password of the demo logins. The demo binds to the
// loopback address by default; it is not for a public server.
const demoPassword = "fresco-demo"

func runDemo(ctx context.Context, args []string, env Env) error {
	fs := newFlagSet("demo", env)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address HOST:PORT")
	path := fs.String("file", filepath.Join(os.TempDir(), "fresco-demo.db"), "the SQLite file to create (replaced if it exists)")
	dbURL := fs.String("db", "", "generate into this database instead of --file: sqlite:PATH or postgres://…, which must hold no business data")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the generation to FILE")
	serveIt := fs.Bool("serve", true, "serve the demo after generating it (--serve=false: generate, print the summary and exit)")
	customers := fs.Int("customers", demo.DefaultCustomers, "customers to generate")
	seed := fs.Int64("seed", demo.DefaultSeed, "random seed: the same seed gives the same business")
	logFormat := fs.String("log-format", "auto", "log format: json, text or auto")
	logLevel := fs.String("log-level", "info", "least important log records written: debug, info, warn or error")
	secretKey := secretKeyFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	logger, err := newLogger(env.Stderr, *logFormat, *logLevel)
	if err != nil {
		return err
	}
	target := *dbURL
	if target == "" {
		if err := removeSQLite(*path); err != nil {
			return err
		}
		target = "sqlite:" + *path
	}
	given, err := secretKeySetting(*secretKey, env)
	if err != nil {
		return err
	}
	keys, err := secretKeys(target, given)
	if err != nil {
		return err
	}
	database, err := openDB(ctx, target)
	if err != nil {
		return err
	}
	defer database.Close()
	database.UseSecretKeys(keys) // the generated business signs survey links
	hash, err := auth.HashPassword(demoPassword)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "generating a demo business in %s …\n", redactURL(target))
	stopProfile, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	start := time.Now()
	summary, err := demo.Generate(ctx, database, demo.Options{
		Seed: *seed, Customers: *customers, PasswordHash: hash,
		StepDone: func(step string, took time.Duration) {
			if took >= time.Second { // a big demo's minutes, not a small one's every step
				fmt.Fprintf(env.Stderr, "  %s: %.1fs\n", step, took.Seconds())
			}
		},
	})
	stopProfile()
	if err != nil {
		return fmt.Errorf("generate demo data: %w", err)
	}
	fmt.Fprintf(env.Stderr, "%d customers, %d purchases, %d feedback responses, %d service-recovery cases, %d employees at %d locations in %.1fs\n",
		summary.Customers, summary.Purchases, summary.Responses, summary.Cases, summary.Employees, summary.Locations, time.Since(start).Seconds())
	if !*serveIt {
		return nil
	}
	// The demo runs on this machine, so local webhook receivers are allowed.
	a, err := app.New(app.Config{DB: database, Logger: logger, Version: buildVersion(), Workers: 32, AllowPrivateWebhooks: true})
	if err != nil {
		return err
	}
	return serve(ctx, a, *addr, logger, func(url string) {
		fmt.Fprintf(env.Stdout, "\nFresco demo is running at %s\n", url)
		fmt.Fprintf(env.Stdout, "Log in as %s with password %s\n", summary.OwnerEmail, demoPassword)
		fmt.Fprintf(env.Stdout, "(also %s — same password). Press Ctrl+C to stop.\n\n", strings.Join(otherLogins(summary.Logins, summary.OwnerEmail), ", "))
	})
}

func otherLogins(all []string, owner string) []string {
	var rest []string
	for _, l := range all {
		if l != owner {
			rest = append(rest, l)
		}
	}
	return rest
}

// removeSQLite deletes a database file and its WAL companions.
func removeSQLite(path string) error {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}

// redactURL hides a password in a database URL before it is printed.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		return u.Redacted()
	}
	return s
}

// startCPUProfile writes a CPU profile to path until the returned function
// is called; "" profiles nothing.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
