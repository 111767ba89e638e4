package cli

import (
	"context"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/store"
)

func TestVersion(t *testing.T) {
	code, out, _ := runCLI(t, nil, "", "version")
	if code != 0 || !strings.HasPrefix(out, "fresco "+buildVersion()+" (go") {
		t.Errorf("version: exit %d, %q", code, out)
	}
	if code, _, _ := runCLI(t, nil, "", "version", "-h"); code != 0 {
		t.Errorf("version -h: exit %d, want 0", code)
	}
}

func TestHealthcheck(t *testing.T) {
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
	}))
	defer srv.Close()
	if code, out, errOut := runCLI(t, nil, "", "healthcheck", "--url", srv.URL+"/healthz"); code != 0 || out != "healthy\n" {
		t.Errorf("healthy server: exit %d, %q %q", code, out, errOut)
	}
	status = http.StatusServiceUnavailable
	if code, _, errOut := runCLI(t, map[string]string{"FRESCO_HEALTHCHECK_URL": srv.URL + "/healthz"}, "", "healthcheck"); code != 1 || !strings.Contains(errOut, "503") {
		t.Errorf("failing server: exit %d, %q", code, errOut)
	}
	srv.Close()
	if code, _, _ := runCLI(t, nil, "", "healthcheck", "--url", srv.URL+"/healthz", "--timeout", "1s"); code != 1 {
		t.Errorf("no server: exit %d, want 1", code)
	}
}

// The upgrade guide says "back up first": the backup must be of the
// database as it was, not of one the backup command itself migrated.
func TestBackupCopiesWithoutMigrating(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "old.db")
	raw, err := sql.Open("sqlite", src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`CREATE TABLE legacy (x INTEGER); INSERT INTO legacy VALUES (42)`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	backup := filepath.Join(dir, "backup.db")
	if code, _, errOut := runCLI(t, nil, "", "backup", "--db", "sqlite:"+src, "--to", backup); code != 0 {
		t.Fatalf("backup: exit %d: %s", code, errOut)
	}
	for _, path := range []string{src, backup} {
		copied, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		var tables int
		copied.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'`).Scan(&tables)
		var x int
		copied.QueryRow(`SELECT x FROM legacy`).Scan(&x)
		copied.Close()
		if tables != 0 || x != 42 {
			t.Errorf("%s: goose tables %d, legacy value %d: want the database untouched and copied", path, tables, x)
		}
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	url := "sqlite:" + filepath.Join(t.TempDir(), "fresco.db")
	db, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(context.Background(), `INSERT INTO goose_db_version (version_id, is_applied) VALUES (9999, TRUE)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, _, errOut := runCLI(t, nil, "", "migrate", "--db", url)
	if code != 1 || !strings.Contains(errOut, "schema is at version 9999") {
		t.Errorf("migrate on a newer schema: exit %d, %q", code, errOut)
	}
}
