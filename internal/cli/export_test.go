package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

func TestExportThenImportAll(t *testing.T) {
	dir := t.TempDir()
	src, dst := "sqlite:"+filepath.Join(dir, "a.db"), "sqlite:"+filepath.Join(dir, "b.db")
	db, err := store.Open(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Ada", "Grace"} {
		if err := db.CreateCustomer(context.Background(), &fresco.Customer{Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	out := filepath.Join(dir, "export")
	if code, stdout, stderr := runCLI(t, nil, "", "export", "--db", src, "--out", out, "--format", "json"); code != 0 || !strings.Contains(stdout, "exported to") {
		t.Fatalf("export: exit %d %q %q", code, stdout, stderr)
	}
	code, stdout, stderr := runCLI(t, nil, "", "import", "all", out, "--db", dst, "--json")
	if code != 0 {
		t.Fatalf("import all: exit %d %q", code, stderr)
	}
	var m struct{ Rows map[string]int64 }
	if err := json.Unmarshal([]byte(stdout), &m); err != nil || m.Rows["customers"] != 2 {
		t.Errorf("import summary %q (%v), want 2 customers", stdout, err)
	}
	if code, _, stderr := runCLI(t, nil, "", "import", "all", out, "--db", dst); code != 1 || !strings.Contains(stderr, "already holds 2 customers") {
		t.Errorf("second import: exit %d %q, want it refused", code, stderr)
	}
	if code, _, _ := runCLI(t, nil, "", "export", "--db", src, "--out", out); code != 1 {
		t.Errorf("export into a full folder: exit %d, want 1", code)
	}
	if code, _, _ := runCLI(t, nil, "", "export", "--db", src, "--out", filepath.Join(dir, "x"), "--format", "xml"); code != 2 {
		t.Errorf("unknown format: exit %d, want 2", code)
	}
}
