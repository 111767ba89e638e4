package cli

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/importer"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// Every command's flag and argument mistakes exit 2 with a message naming
// what is wrong, before anything is opened or written; failures of the work
// itself exit 1.
func TestCommandsFlagErrorsAndExitCodes(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "f.db")
	csvFile := filepath.Join(dir, "p.csv")
	os.WriteFile(csvFile, []byte("external_id,purchased_at,sku,quantity,unit_price\n"), 0o600)
	cases := []struct {
		name string
		args []string
		code int
		want string // in stderr
	}{
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"unknown flag", []string{"migrate", "--colour"}, 2, "colour"},
		{"import without file", []string{"import", "purchases"}, 2, "want KIND FILE"},
		{"import three arguments", []string{"import", "purchases", "a", "b"}, 2, "want KIND FILE"},
		{"import unknown kind", []string{"import", "widgets", csvFile, "--db", db}, 2, `unknown kind "widgets"`},
		{"import bad map", []string{"import", "purchases", csvFile, "--map", "nofield"}, 2, "COLUMN=FIELD"},
		{"import map to unknown field", []string{"import", "purchases", csvFile, "--db", db, "--map", "Mood=mood"}, 1, `no field "mood"`},
		{"import missing file", []string{"import", "purchases", filepath.Join(dir, "nope.csv"), "--db", db}, 1, "nope.csv"},
		{"import all without manifest", []string{"import", "all", dir, "--db", db}, 1, "not a finished Fresco export"},
		{"export without out", []string{"export", "--db", db}, 2, "--out DIR is required"},
		{"export bad format", []string{"export", "--db", db, "--out", filepath.Join(dir, "x"), "--format", "yaml"}, 2, "--format"},
		{"process export without output", []string{"process", "export", "--db", db}, 2, "--output FILE is required"},
		{"process export bad format", []string{"process", "export", "--db", db, "--output", filepath.Join(dir, "o.xes"), "--format", "json"}, 2, "--format"},
		{"process import without file", []string{"process", "import", "--db", db}, 2, "missing FILE"},
		{"process import missing file", []string{"process", "import", filepath.Join(dir, "nope.xes"), "--db", db}, 1, "nope.xes"},
		{"backup without to", []string{"backup", "--db", db}, 2, "--to FILE is required"},
		{"bench without name", []string{"bench"}, 2, "want a benchmark name"},
		{"bench unknown name", []string{"bench", "query"}, 2, "want a benchmark name"},
		{"bench zero purchases", []string{"bench", "ingest", "--purchases", "0"}, 2, "must be positive"},
		{"bench batch too large", []string{"bench", "ingest", "--batch", "1000000"}, 2, "--batch"},
		{"bench not a number", []string{"bench", "ingest", "--lines", "many"}, 2, "lines"},
		{"rollups without subcommand", []string{"rollups"}, 2, "missing subcommand"},
		{"rollups unknown subcommand", []string{"rollups", "squash"}, 2, `unknown subcommand "squash"`},
		{"secrets without subcommand", []string{"secrets"}, 2, "new-key or rotate"},
		{"secrets unknown subcommand", []string{"secrets", "forget"}, 2, `unknown subcommand "forget"`},
		{"secrets rotate without new key", []string{"secrets", "rotate", "--db", db}, 2, "--new-key-file is required"},
		{"token without subcommand", []string{"token"}, 2, "create, list or revoke"},
		{"token revoke without id", []string{"token", "revoke", "--db", db}, 2, "want the id"},
		{"token revoke bad id", []string{"token", "revoke", "seven", "--db", db}, 2, `"seven" is not a token id`},
		{"user unknown subcommand", []string{"user", "delete"}, 2, `unknown subcommand "delete"`},
		{"text without subcommand", []string{"text"}, 2, "missing subcommand"},
		{"serve bad log level", []string{"serve", "--db", db, "--log-level", "loud"}, 2, "--log-level"},
		{"serve bad log format", []string{"serve", "--db", db, "--log-format", "xml"}, 2, "--log-format"},
		{"serve bad proxies", []string{"serve", "--db", db, "--trusted-proxies", "not-an-ip"}, 2, "--trusted-proxies"},
		{"serve negative follow-up", []string{"serve", "--db", db, "--followup-due", "-1h"}, 2, "--followup-due"},
		{"serve bad duration", []string{"serve", "--db", db, "--followup-due", "soon"}, 2, "followup-due"},
		{"demo bad log level", []string{"demo", "--file", filepath.Join(dir, "demo.db"), "--log-level", "loud"}, 2, "--log-level"},
		{"healthcheck bad url", []string{"healthcheck", "--url", "::not a url"}, 2, "--url"},
		{"migrate unreachable database", []string{"migrate", "--db", "mysql://nowhere"}, 1, "mysql"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, nil, "", tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q (stdout %q); want exit %d and stderr containing %q", code, stderr, stdout, tc.code, tc.want)
			}
			if code == 2 && strings.Contains(stderr, "panic") {
				t.Fatalf("usage error panicked: %s", stderr)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "x")); err == nil {
		t.Error("an export refused for its flags still made its folder")
	}
	if _, err := os.Stat(filepath.Join(dir, "demo.db")); err == nil {
		t.Error("a demo refused for its flags still made its database")
	}
}

// With no arguments fresco prints its help and exits 2; "help" exits 0. The
// help lists every command with its summary.
func TestHelpListsEveryCommand(t *testing.T) {
	code, out, _ := runCLI(t, nil, "")
	if code != 2 {
		t.Errorf("no arguments: exit %d, want 2", code)
	}
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		code, again, _ := runCLI(t, nil, "", args...)
		if code != 0 || again != out {
			t.Errorf("%v: exit %d, output differs from the no-argument help", args, code)
		}
	}
	for name, cmd := range commands {
		if !strings.Contains(out, "  "+name) || !strings.Contains(out, cmd.summary) {
			t.Errorf("help does not list %s (%s)", name, cmd.summary)
		}
	}
}

// fresco import prints what it did and names every rejected line, exits 0
// when the file was read to the end, and 1 when it broke off; --json prints
// the summary the importer made. Both engines.
func TestImportCommandSummaries(t *testing.T) {
	text := "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID,Mood\n" +
		"1,A,2,2024-01-01,1.50,c1,x\n" +
		"2,A,lots,2024-01-01,1.50,c1,x\n" +
		"3,B,1,2024-01-02,-4,c2,x\n" +
		"4,B,1,2024-01-02,4.00,c2,x\n"
	for _, eng := range storetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			db := eng.URL(t)
			path := filepath.Join(dir, "p.csv")
			os.WriteFile(path, []byte(text), 0o600)

			code, out, errOut := runCLI(t, map[string]string{"FRESCO_DB": db}, "", "import", "purchases", path)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			for _, want := range []string{"4 lines read", "imported: 2 purchases", "updated:  0 purchases", "rejected: 2 lines",
				"warning: ignored columns: Mood", "line 3: quantity:", "line 4: unit_price:"} {
				if !strings.Contains(out, want) {
					t.Errorf("summary lacks %q:\n%s", want, out)
				}
			}

			// Flags after the positional arguments work too.
			code, out, errOut = runCLI(t, nil, "", "import", "purchases", path, "--db", db, "--json")
			if code != 0 {
				t.Fatalf("json: exit %d: %s", code, errOut)
			}
			var s importer.Summary
			if err := json.Unmarshal([]byte(out), &s); err != nil {
				t.Fatalf("--json output %q: %v", out, err)
			}
			if s.Kind != importer.Purchases || s.Lines != 4 || s.Imported != 0 || s.Updated != 2 || s.Rejected != 2 || len(s.Rejections) != 2 {
				t.Errorf("second import summary %+v", s)
			}

			// A gzip file cut short imports what came before and exits 1.
			header := []byte("InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID,Mood\n")
			var full bytes.Buffer
			zw := gzip.NewWriter(&full)
			zw.Write(header)
			zw.Write([]byte(strings.Repeat("7,C,1,2024-01-03,1.00,c3,x\n", 5000)))
			zw.Close()
			cut := filepath.Join(dir, "cut.csv.gz")
			os.WriteFile(cut, full.Bytes()[:full.Len()-12], 0o600)
			code, out, errOut = runCLI(t, nil, "", "import", "purchases", cut, "--db", db)
			if code != 1 || !strings.Contains(errOut, "breaks off") || !strings.Contains(out, "lines read") {
				t.Errorf("truncated gzip: exit %d, stdout %q, stderr %q", code, out, errOut)
			}
		})
	}
}

// fresco migrate reports the schema version on both engines, and running it
// twice changes nothing.
func TestMigrateReportsVersion(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			db := eng.URL(t)
			code, first, errOut := runCLI(t, nil, "", "migrate", "--db", db)
			if code != 0 || !strings.HasPrefix(first, "schema version ") || !strings.Contains(first, "("+eng.Name+")") {
				t.Fatalf("exit %d, %q %q", code, first, errOut)
			}
			var current, latest int
			if _, err := fmt.Sscanf(first, "schema version %d of %d", &current, &latest); err != nil || current != latest || current == 0 {
				t.Fatalf("%q: current %d latest %d (%v)", first, current, latest, err)
			}
			if code, again, _ := runCLI(t, nil, "", "migrate", "--db", db); code != 0 || again != first {
				t.Errorf("second migrate: exit %d, %q, want %q", code, again, first)
			}
		})
	}
}
