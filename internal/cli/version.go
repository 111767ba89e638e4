package cli

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"runtime/debug"
	"time"
)

func init() {
	commands["version"] = command{summary: "print the version of this binary", run: runVersion}
	commands["healthcheck"] = command{summary: "exit 0 when a running server answers /healthz (for container health checks)", run: runHealthcheck}
}

// version is set at build time with -ldflags "-X …/internal/cli.version=…";
// a plain `go build` reports "dev" and the commit it was built from.
var version = "dev"

// buildVersion is the version with, for development builds, the VCS commit
// Go recorded in the binary.
func buildVersion() string {
	if version != "dev" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return version
	}
	var commit, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			commit = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = "+dirty"
			}
		}
	}
	if len(commit) > 12 {
		commit = commit[:12]
	}
	if commit == "" {
		return version
	}
	return version + "-" + commit + modified
}

func runVersion(ctx context.Context, args []string, env Env) error {
	fs := newFlagSet("version", env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "fresco %s (%s, %s/%s)\n", buildVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

// runHealthcheck asks a running server whether it is alive. Container images
// without a shell or curl use it as their HEALTHCHECK.
func runHealthcheck(ctx context.Context, args []string, env Env) error {
	fs := newFlagSet("healthcheck", env)
	url := fs.String("url", envOr(env, "FRESCO_HEALTHCHECK_URL", "http://127.0.0.1:8080/healthz"),
		"the server's /healthz URL (env FRESCO_HEALTHCHECK_URL)")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return usageError("--url: %v", err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("unhealthy: %w", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("unhealthy: %s answered %s", *url, res.Status)
	}
	fmt.Fprintln(env.Stdout, "healthy")
	return nil
}
