package storetest

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/fresco-cx/fresco/internal/store"
)

// Migrating a new SQLite file takes about a tenth of a second, and the
// suite makes hundreds: a test process migrates one template file and
// copies it for each test instead. The template lives in a folder named for
// the process (fresco-storetest-<pid>-…); a process removes the folders of
// processes that have ended.
var sqliteTemplate struct {
	once sync.Once
	path string
	err  error
}

// migratedSQLiteFile returns this process's migrated template file.
func migratedSQLiteFile() (string, error) {
	sqliteTemplate.once.Do(func() {
		removeEndedTemplates()
		dir, err := os.MkdirTemp("", fmt.Sprintf("fresco-storetest-%d-", os.Getpid()))
		if err != nil {
			sqliteTemplate.err = err
			return
		}
		path := filepath.Join(dir, "template.db")
		db, err := store.Open(context.Background(), "sqlite:"+path)
		if err == nil {
			err = db.Close()
		}
		if _, statErr := os.Stat(path + "-wal"); statErr == nil && err == nil {
			err = fmt.Errorf("the template's write-ahead log was not folded in on close")
		}
		sqliteTemplate.path, sqliteTemplate.err = path, err
	})
	return sqliteTemplate.path, sqliteTemplate.err
}

// copySQLiteTemplate writes a copy of the migrated template at path, readable
// by its owner only (as Fresco creates its files).
func copySQLiteTemplate(t testing.TB, path string) {
	t.Helper()
	template, err := migratedSQLiteFile()
	if err != nil {
		t.Fatalf("sqlite template: %v", err)
	}
	src, err := os.Open(template)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}

// removeEndedTemplates removes the template folders of test processes that
// have ended.
func removeEndedTemplates() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "fresco-storetest-*"))
	for _, dir := range dirs {
		fields := strings.SplitN(filepath.Base(dir), "-", 4)
		if len(fields) < 3 {
			continue
		}
		if pid, err := strconv.Atoi(fields[2]); err == nil && !processRuns(pid) {
			os.RemoveAll(dir)
		}
	}
}
