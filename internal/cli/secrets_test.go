package cli

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/secret"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
	"github.com/fresco-cx/fresco/pkg/webhook"
)

// SQLite without a key: serve makes one next to the database, readable by
// its owner only, and uses the same one at every later start.
func TestSQLiteKeyFileMadeOnFirstRun(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "data", "fresco.db")
	cfg, _, err := serveConfig([]string{"--db", db}, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "data", "fresco.db.key")
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("no key file: %v", err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", info.Mode().Perm())
	}
	again, _, err := serveConfig([]string{"--db", db}, envOf(nil))
	if err != nil || again.SecretKeys.CurrentID() != cfg.SecretKeys.CurrentID() {
		t.Fatalf("second start: %v, key %v; want the first start's key %s", err, again.SecretKeys, cfg.SecretKeys.CurrentID())
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "data", "*.tmp*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}

	// A key given as FRESCO_SECRET_KEY_FILE wins, and no file is made.
	keyPath := filepath.Join(dir, "given.key")
	key := secret.NewKey()
	os.WriteFile(keyPath, []byte(key+"\n"), 0o600)
	other := "sqlite:" + filepath.Join(dir, "other.db")
	cfg, _, err = serveConfig([]string{"--db", other}, envOf(map[string]string{"FRESCO_SECRET_KEY_FILE": keyPath}))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := secret.ParseKeys(key)
	if cfg.SecretKeys.CurrentID() != want.CurrentID() {
		t.Errorf("key %s, want the file's %s", cfg.SecretKeys.CurrentID(), want.CurrentID())
	}
	if _, err := os.Stat(filepath.Join(dir, "other.db.key")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a key file was made although a key was given: %v", err)
	}
}

func TestSecretKeyRefusals(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want []string
	}{
		// A key made by one PostgreSQL replica would be unknown to the others.
		{"postgres without a key", []string{"--db", "postgres://fresco@db/fresco"}, nil,
			[]string{"--secret-key is required with PostgreSQL", "FRESCO_SECRET_KEY_FILE", "fresco secrets new-key"}},
		{"a passphrase", []string{"--db", "sqlite:" + filepath.Join(dir, "a.db")}, map[string]string{"FRESCO_SECRET_KEY": "hunter2"},
			[]string{"--secret-key", "32 random bytes"}},
	} {
		_, _, err := serveConfig(tc.args, envOf(tc.env))
		for _, want := range tc.want {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %v, want an error saying %q", tc.name, err, want)
			}
		}
	}
	if code, out, _ := runCLI(t, nil, "", "secrets", "new-key"); code != 0 {
		t.Errorf("new-key: exit %d", code)
	} else if _, err := secret.ParseKeys(out); err != nil {
		t.Errorf("new-key printed %q: %v", out, err)
	}
}

// fixture is what a rotation must keep working: a survey link already sent
// and a webhook whose receiver holds the secret.
type fixture struct {
	token, secret string
	verified      atomic.Int64
}

func build(t *testing.T, url string, keys *secret.Keyring) (*app.App, error) {
	return app.New(app.Config{DatabaseURL: url, SecretKeys: keys, AllowPrivateWebhooks: true, QueuePollInterval: 20 * time.Millisecond})
}

func TestSecretsRotate(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			url, dir := eng.URL(t), t.TempDir()
			oldFile, newFile, wrongFile := filepath.Join(dir, "old.key"), filepath.Join(dir, "new.key"), filepath.Join(dir, "wrong.key")
			for _, f := range []string{oldFile, newFile, wrongFile} {
				_, key, _ := runCLI(t, nil, "", "secrets", "new-key")
				os.WriteFile(f, []byte(key), 0o600)
			}
			oldKeys, _ := keyFile(oldFile, false)
			newKeys, _ := keyFile(newFile, false)

			fx := &fixture{secret: "whsec_held-by-the-receiver"}
			rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				if (webhook.Verifier{Secret: fx.secret}).Verify(r.Header, body) == nil {
					fx.verified.Add(1)
				}
			}))
			defer rcv.Close()

			a, err := build(t, url, oldKeys)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Notifier.CreateWebhook(ctx, notify.WebhookInput{URL: rcv.URL, Events: []string{"*"}, Secret: fx.secret}); err != nil {
				t.Fatal(err)
			}
			post, err := a.DB.ListeningPostBySlug(ctx, "survey")
			if err != nil {
				t.Fatal(err)
			}
			sv := &fresco.Survey{Slug: "after", Name: "After", PostID: post.ID, Active: true, Questions: []fresco.Question{{Key: "nps", Type: "nps"}}}
			if err := a.DB.CreateSurvey(ctx, sv); err != nil {
				t.Fatal(err)
			}
			inv, err := a.Feedback.CreateInvitation(ctx, feedback.InvitationInput{SurveyID: sv.ID})
			if err != nil {
				t.Fatal(err)
			}
			fx.token = inv.Token
			a.Close()

			// The wrong old key: a clear error and nothing changed.
			code, _, stderr := runCLI(t, nil, "", "secrets", "rotate", "--db", url, "--old-key-file", wrongFile, "--new-key-file", newFile)
			if code != 1 || !strings.Contains(stderr, "nothing changed") || !strings.Contains(stderr, "not loaded") || !strings.Contains(stderr, oldKeys.CurrentID()) {
				t.Fatalf("rotate with a wrong key: exit %d, %q", code, stderr)
			}
			if code, _, stderr := runCLI(t, nil, "", "secrets", "rotate", "--db", url, "--old-key-file", oldFile); code != 2 || !strings.Contains(stderr, "--new-key-file") {
				t.Errorf("rotate without a new key: exit %d, %q", code, stderr)
			}

			code, out, stderr := runCLI(t, nil, "", "secrets", "rotate", "--db", url, "--old-key-file", oldFile, "--new-key-file", newFile)
			if code != 0 || !strings.Contains(out, "re-encrypted 2 secrets with key "+newKeys.CurrentID()) {
				t.Fatalf("rotate: exit %d, %q %q", code, out, stderr)
			}

			// The retired key alone no longer starts Fresco, and says why.
			if _, err := build(t, url, oldKeys); err == nil || !strings.Contains(err.Error(), "not loaded") || !strings.Contains(err.Error(), "--secret-key") {
				t.Fatalf("start with the retired key: %v", err)
			}
			// The new key alone does, and what was sent before still works.
			a, err = build(t, url, newKeys)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			if _, _, err := a.Feedback.OpenLink(ctx, fx.token); err != nil {
				t.Fatalf("a survey link sent before the rotation: %v", err)
			}
			runCtx, stop := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { done <- a.Queue.Run(runCtx) }()
			defer func() { stop(); <-done }()
			if _, err := a.Notifier.Send(ctx, notify.Notification{Event: notify.EventDetractor, Data: map[string]int{"n": 1}}); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(15 * time.Second)
			for fx.verified.Load() == 0 {
				if time.Now().After(deadline) {
					t.Fatal("no delivery verified with the receiver's secret after the rotation")
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
}

// The doctor finds the plain secrets an earlier version stored, and --fix
// seals them with the key (for SQLite the file next to the database).
func TestDoctorReportsPlaintextSecrets(t *testing.T) {
	url := storetest.SQLiteURL(t)
	db, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetSetting(context.Background(), store.SettingSurveyLinkKey, "00112233445566778899aabbccddeeff"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, out, _ := runCLI(t, nil, "", "doctor", "--db", url)
	if code != 1 || !strings.Contains(out, "!! plaintext_secrets") {
		t.Fatalf("doctor: exit %d, %q", code, out)
	}
	if code, out, stderr := runCLI(t, nil, "", "doctor", "--db", url, "--fix"); code != 0 {
		t.Fatalf("doctor --fix: exit %d %q %q", code, out, stderr)
	}
	if code, out, _ := runCLI(t, nil, "", "doctor", "--db", url); code != 0 || !strings.Contains(out, "ok plaintext_secrets") {
		t.Fatalf("doctor after --fix: exit %d, %q", code, out)
	}
	path, _ := store.SQLitePath(url)
	keys, err := keyFile(keyFilePath(path), false)
	if err != nil {
		t.Fatal(err)
	}
	db = storetest.Open(t, url)
	db.UseSecretKeys(keys)
	var stored string
	db.QueryRow(context.Background(), `SELECT value FROM settings WHERE key = ?`, store.SettingSurveyLinkKey).Scan(&stored)
	if secret.SealedKeyID(stored) != keys.CurrentID() {
		t.Errorf("stored %q: not sealed with the key file's key", stored)
	}
}
