package cli

import (
	"github.com/fresco-cx/fresco/internal/notify"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func envOf(vars map[string]string) Env {
	return Env{Getenv: func(k string) string { return vars[k] }, Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard}
}

// Each setting comes from the command line, the environment, a _FILE
// variable or the config file, in that order of precedence, with standard
// boolean parsing.
func TestServeSettingsFromEverywhere(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "smtp-password")
	os.WriteFile(secret, []byte("s3cret\n"), 0o600)
	conf := filepath.Join(dir, "fresco.conf")
	os.WriteFile(conf, []byte("# settings\nworkers = 7\nbase-url = https://fresco.example.com\nsmtp-addr = mail:587\nmetrics-token = from-file\njob-lease = 45s\nrefit-memory-limit = 256\n"), 0o600)

	cfg, addr, err := serveConfig([]string{"--config", conf, "--metrics-token", "from-flag"}, envOf(map[string]string{
		"FRESCO_SECURE_COOKIES":      "true", // used to need "1"
		"FRESCO_SMTP_PASSWORD_FILE":  secret,
		"FRESCO_SMTP_REQUIRE_TLS":    "TRUE",
		"FRESCO_FOLLOWUP_DUE":        "24h",
		"FRESCO_ADDR":                "127.0.0.1:9999",
		"FRESCO_WEBHOOK_PRIVATE":     "false",
		"FRESCO_SMTP_ADDR":           "env-mail:25", // the environment beats the file
		"FRESCO_LOG_LEVEL":           "warn",
		"FRESCO_TRUSTED_PROXIES":     "10.0.0.0/8",
		"FRESCO_DB":                  "sqlite:" + filepath.Join(dir, "x.db"),
		"FRESCO_DB_READ":             "sqlite:" + filepath.Join(dir, "replica.db"),
		"FRESCO_SOMETHING_UNRELATED": "ignored",
	}))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"secure cookies", cfg.SecureCookies, true},
		{"smtp password", cfg.SMTP.Password, "s3cret"},
		{"smtp require tls", cfg.SMTP.RequireTLS, true},
		{"smtp addr", cfg.SMTP.Addr, "env-mail:25"},
		{"follow-up due", cfg.FollowUpDue, 24 * time.Hour},
		{"addr", addr, "127.0.0.1:9999"},
		{"webhook private", cfg.AllowPrivateWebhooks, false},
		{"workers", cfg.Workers, 7},
		{"job lease", cfg.JobLease, 45 * time.Second},
		{"refit memory limit", cfg.RefitMemoryLimit, int64(256 << 20)},
		{"base url", cfg.BaseURL, "https://fresco.example.com"},
		{"metrics token", cfg.MetricsToken, "from-flag"},
		{"trusted proxies", len(cfg.TrustedProxies), 1},
		{"db", cfg.DatabaseURL, "sqlite:" + filepath.Join(dir, "x.db")},
		{"db read", cfg.ReportsDatabaseURL, "sqlite:" + filepath.Join(dir, "replica.db")},
		{"log level", cfg.Logger.Enabled(t.Context(), -4), false},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestServeSettingsRefuseNonsense(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.conf")
	os.WriteFile(bad, []byte("wokers = 3\n"), 0o600)
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"boolean", nil, map[string]string{"FRESCO_SECURE_COOKIES": "yes please"}, "FRESCO_SECURE_COOKIES"},
		{"unknown key in the file", []string{"--config", bad}, nil, `unknown setting "wokers"`},
		{"missing secret file", nil, map[string]string{"FRESCO_METRICS_TOKEN_FILE": filepath.Join(dir, "nope")}, "FRESCO_METRICS_TOKEN_FILE"},
		{"log level", []string{"--log-level", "loud"}, nil, "--log-level"},
		{"duration", nil, map[string]string{"FRESCO_FOLLOWUP_DUE": "two days"}, "FRESCO_FOLLOWUP_DUE"},
		{"job lease not a duration", nil, map[string]string{"FRESCO_JOB_LEASE": "soon"}, `FRESCO_JOB_LEASE: "soon" is not a duration`},
		{"job lease too short", []string{"--job-lease", "1s"}, nil, "--job-lease: 1s: want a duration from 5s"},
		{"job lease too long", nil, map[string]string{"FRESCO_JOB_LEASE": "48h"}, "--job-lease: 48h0m0s"},
		{"refit memory limit", []string{"--refit-memory-limit", "-1"}, nil, "--refit-memory-limit"},
		{"smtp url scheme", []string{"--smtp-url", "imap://mail.example.com"}, nil, "--smtp-url"},
		{"smtp url and addr", []string{"--smtp-addr", "mail:25"}, map[string]string{"FRESCO_SMTP_URL": "smtp://mail"}, "--smtp-url and --smtp-addr"},
	} {
		_, _, err := serveConfig(tc.args, envOf(tc.env))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error naming %s", tc.name, err, tc.want)
		}
	}
}

// FRESCO_SMTP_URL configures the sender: implicit TLS on 465 with AUTH.
func TestServeSMTPURLFromEnvironment(t *testing.T) {
	cfg, _, err := serveConfig([]string{"--smtp-from", "fresco@example.com"}, envOf(map[string]string{
		"FRESCO_DB": "sqlite:" + filepath.Join(t.TempDir(), "x.db"), "FRESCO_SMTP_URL": "smtps://ann:pw@mail.example.com?auth=cram-md5"}))
	if err != nil {
		t.Fatal(err)
	}
	want := notify.SMTPConfig{Addr: "mail.example.com:465", From: "fresco@example.com", User: "ann", Password: "pw",
		Auth: "cram-md5", ImplicitTLS: true, RequireTLS: true}
	if cfg.SMTP != want {
		t.Errorf("SMTP = %+v, want %+v", cfg.SMTP, want)
	}
}

// Unset, the job lease is the queue's usual five minutes.
func TestServeJobLeaseDefault(t *testing.T) {
	cfg, _, err := serveConfig([]string{"--db", "sqlite:" + filepath.Join(t.TempDir(), "x.db")}, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.JobLease != 5*time.Minute {
		t.Errorf("job lease = %v, want 5m", cfg.JobLease)
	}
}

// -h is an answer, not a mistake: every command exits 0 for it.
func TestHelpExitsZeroEverywhere(t *testing.T) {
	for name := range commands {
		if code, _, _ := runCLI(t, nil, "", name, "-h"); code != 0 {
			t.Errorf("fresco %s -h: exit %d, want 0", name, code)
		}
	}
}
