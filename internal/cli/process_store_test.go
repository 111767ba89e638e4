package cli

import (
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/eventlog"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// seedOwnWork opens one case and answers it: two events, an hour apart.
func seedOwnWork(t *testing.T, url string) (caseID int64, opened time.Time) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	loc := &fresco.Location{Name: "Quay Street", Timezone: "UTC"}
	if err := db.CreateLocation(ctx, loc); err != nil {
		t.Fatal(err)
	}
	ann := &fresco.Employee{Name: "Ann Lee", Email: "ann@example.com", Role: fresco.RoleAgent, Active: true}
	if err := db.CreateEmployee(ctx, ann); err != nil {
		t.Fatal(err)
	}
	cust := &fresco.Customer{Name: "Cy"}
	if err := db.CreateCustomer(ctx, cust); err != nil {
		t.Fatal(err)
	}
	opened = time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)
	now := opened
	rec, err := recovery.New(recovery.Options{DB: db, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	a := recovery.Actor{Ref: fmt.Sprintf("employee:%d", ann.ID), Name: ann.Name, Role: ann.Role, EmployeeID: &ann.ID}
	c, err := rec.Open(ctx, a, recovery.OpenInput{CustomerID: cust.ID, LocationID: &loc.ID, OwnerID: &ann.ID, Summary: "Late",
		Category: "delivery", Source: "complaint", OpenedAt: opened})
	if err != nil {
		t.Fatal(err)
	}
	now = opened.Add(time.Hour)
	if _, err := rec.Respond(ctx, a, c.ID, "On its way", "email"); err != nil {
		t.Fatal(err)
	}
	return c.ID, opened
}

// TestProcessExport writes Fresco's own work as XES (parsed back with
// encoding/xml), gzipped XES and CSV, within a period or not.
func TestProcessExport(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			url := eng.URL(t)
			caseID, _ := seedOwnWork(t, url)
			dir := t.TempDir()
			out := filepath.Join(dir, "own.xes")
			code, stdout, stderr := runCLI(t, nil, "", "process", "export", "--db", url, "--output", out)
			if code != 0 || !strings.Contains(stdout, "wrote 1 cases, 2 events") {
				t.Fatalf("export: exit %d %q %q", code, stdout, stderr)
			}
			raw, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				XMLName    xml.Name `xml:"http://www.xes-standard.org/ log"`
				Extensions []struct {
					Prefix string `xml:"prefix,attr"`
				} `xml:"extension"`
				Traces []struct {
					Strings []struct {
						Key   string `xml:"key,attr"`
						Value string `xml:"value,attr"`
					} `xml:"string"`
					Events []struct {
						Strings []struct {
							Key   string `xml:"key,attr"`
							Value string `xml:"value,attr"`
						} `xml:"string"`
						Dates []struct {
							Key   string `xml:"key,attr"`
							Value string `xml:"value,attr"`
						} `xml:"date"`
					} `xml:"event"`
				} `xml:"trace"`
			}
			if err := xml.Unmarshal(raw, &doc); err != nil {
				t.Fatalf("export is not XML: %v", err)
			}
			if len(doc.Extensions) != 4 || len(doc.Traces) != 1 || len(doc.Traces[0].Events) != 2 {
				t.Fatalf("structure: %d extensions, %+v", len(doc.Extensions), doc.Traces)
			}
			attrs := map[string]string{}
			for _, s := range doc.Traces[0].Strings {
				attrs[s.Key] = s.Value
			}
			if attrs["concept:name"] != fmt.Sprintf("case-%d", caseID) || attrs["location"] != "Quay Street" || attrs["category"] != "delivery" {
				t.Errorf("trace attributes %v", attrs)
			}
			var got []string
			for _, e := range doc.Traces[0].Events {
				line := e.Dates[0].Value
				for _, s := range e.Strings {
					line += " " + s.Key + "=" + s.Value
				}
				got = append(got, line)
			}
			want := []string{
				"2026-04-01T10:00:00.000Z concept:name=Case opened org:resource=Ann Lee org:role=agent lifecycle:transition=complete",
				"2026-04-01T11:00:00.000Z concept:name=Responded to customer org:resource=Ann Lee org:role=agent lifecycle:transition=complete",
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}

			// Gzipped by the name; CSV by the flag; a period that excludes the case.
			gz := filepath.Join(dir, "own.xes.gz")
			if code, _, stderr := runCLI(t, nil, "", "process", "export", "--db", url, "--output", gz); code != 0 {
				t.Fatalf("gz export: %d %s", code, stderr)
			}
			f, _ := os.Open(gz)
			zr, err := gzip.NewReader(f)
			if err != nil {
				t.Fatal(err)
			}
			unzipped, err := io.ReadAll(zr)
			f.Close()
			if err != nil || !strings.Contains(string(unzipped), "Responded to customer") {
				t.Errorf("gzipped export: %v", err)
			}
			csvOut := filepath.Join(dir, "later.txt")
			code, stdout, stderr = runCLI(t, nil, "", "process", "export", "--db", url, "--format", "csv", "--from", "2026-04-02", "--output", csvOut)
			if code != 0 || !strings.Contains(stdout, "wrote 0 cases") {
				t.Fatalf("csv export: %d %q %q", code, stdout, stderr)
			}
			rows, _ := csv.NewReader(strings.NewReader(readFile(t, csvOut))).ReadAll()
			if len(rows) != 1 || strings.Join(rows[0], ",") != "case:concept:name,concept:name,time:timestamp,org:resource,org:role,lifecycle:transition,start_timestamp,type,location,category,channel,status" {
				t.Errorf("csv with nothing in the period: %q", rows)
			}
			_, stdout, _ = runCLI(t, nil, "", "process", "export", "--db", url, "--format", "csv", "--to", "2026-04-01", "--output", "-")
			if rows, _ := csv.NewReader(strings.NewReader(stdout)).ReadAll(); len(rows) != 3 || rows[1][1] != "Case opened" {
				t.Errorf("csv through the last day, inclusive: %q", rows)
			}
			for _, args := range [][]string{
				{"--output", out, "--format", "json"},
				{},
				{"--output", out, "--from", "April"},
				{"--output", out, "--from", "2026-04-02", "--to", "2026-04-01"},
			} {
				if code, _, _ := runCLI(t, nil, "", append([]string{"process", "export", "--db", url}, args...)...); code != 2 {
					t.Errorf("export %q: exit %d, want 2", args, code)
				}
			}
		})
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestProcessImport stores a CSV file through the real reader, the columns
// mapped by the flags; a bad file says its line and stores nothing.
func TestProcessImport(t *testing.T) {
	t.Parallel()
	for _, eng := range storetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			url := eng.URL(t)
			dir := t.TempDir()
			good, bad := filepath.Join(dir, "claims.csv"), filepath.Join(dir, "bad.csv")
			os.WriteFile(good, []byte("id,step,when\nc1,register,2025-01-06T08:00:00Z\nc2,register,2025-01-06T09:00:00Z\n"), 0o600)
			os.WriteFile(bad, []byte("id,step\nc1,register\nc2\n"), 0o600)

			code, stdout, stderr := runCLI(t, nil, "", "process", "import", good, "--db", url, "--case", "id", "--activity", "step", "--time", "when")
			if code != 0 || !strings.Contains(stdout, `"claims.csv": 2 cases, 2 events, 1 activities`) {
				t.Fatalf("import: exit %d %q %q", code, stdout, stderr)
			}
			code, _, stderr = runCLI(t, nil, "", "process", "import", "--db", url, "--name", "b", "--case", "id", "--activity", "step", bad)
			if code != 1 || !strings.Contains(stderr, "line 3") {
				t.Errorf("bad file: exit %d %q", code, stderr)
			}
			if code, _, _ := runCLI(t, nil, "", "process", "import", "--db", url); code != 2 {
				t.Errorf("no file: exit %d, want 2", code)
			}
			db, err := store.Open(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			logs, err := db.EventLogs(context.Background())
			if err != nil || len(logs) != 1 || logs[0].ImportedBy != "cli" || logs[0].Source != "claims.csv" {
				t.Fatalf("stored logs %+v %v", logs, err)
			}
			var acts []string
			db.EventLogTraces(context.Background(), logs[0].ID, func(tr *eventlog.Trace) error {
				acts = append(acts, tr.Events[0].Activity)
				return nil
			})
			if strings.Join(acts, ",") != "register,register" {
				t.Errorf("column mapping not passed: %v", acts)
			}
		})
	}
}
