package cli

import (
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/eventlog"
)

// processHandCSV is the hand-worked log of internal/mining's tests (see mining_test.go).
const (
	processHandCSV = "../mining/testdata/hand.csv"
	processHandXES = "../mining/testdata/hand.xes"
)

func TestProcessStatsJSONExact(t *testing.T) {
	t.Parallel()
	code, out, errOut := runTextCLI(t, "", "process", "stats", "--input", processHandCSV, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := `{"cases":4,"events":13,"activities":4,"variants":2,"start":"2024-03-01T08:00:00Z","end":"2024-03-01T12:45:00Z"}` + "\n"
	if out != want {
		t.Errorf("got  %s\nwant %s", out, want)
	}
	code, out, errOut = runTextCLI(t, "", "process", "stats", "--input", processHandXES, "--json")
	if code != 0 || out != want {
		t.Errorf("xes: exit %d %s\ngot  %s\nwant %s", code, errOut, out, want)
	}
}

func TestProcessDFGJSON(t *testing.T) {
	t.Parallel()
	code, out, errOut := runTextCLI(t, "", "process", "dfg", "--input", processHandCSV, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		`{"arcs":[{"from":"A","to":"B","count":4,"cases":4,"median_wait_s":1200,"p90_wait_s":2430,"mean_wait_s":1425},`,
		`{"from":"B","to":"C","count":3,"cases":3,"median_wait_s":300,"p90_wait_s":540,"mean_wait_s":300}`,
		`"start_activities":{"A":4},"end_activities":{"C":3,"D":1}`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s\n%s", want, out)
		}
	}
	if strings.Contains(out, "business") {
		t.Error("business-hours fields without --business-hours")
	}
	code, out, _ = runTextCLI(t, "", "process", "dfg", "--input", processHandCSV, "--json", "--business-hours", "09:00-17:00", "--tz", "UTC")
	if code != 0 || !strings.Contains(out, `"business_median_wait_s":1200`) {
		t.Errorf("business hours: exit %d %s", code, out)
	}
	code, out, _ = runTextCLI(t, "", "process", "dfg", "--input", processHandCSV)
	if code != 0 || !strings.Contains(out, "FROM") || !strings.Contains(out, "20m0s") {
		t.Errorf("table: exit %d\n%s", code, out)
	}
}

func TestProcessVariantsAndFilters(t *testing.T) {
	t.Parallel()
	code, out, errOut := runTextCLI(t, "", "process", "variants", "--input", processHandCSV, "--json", "--top", "1")
	want := `{"cases":4,"variants_total":2,"variants":[{"variant":"A,B,C","activities":["A","B","C"],"count":3,"share":0.75}]}` + "\n"
	if code != 0 || out != want {
		t.Errorf("exit %d %s\ngot  %s\nwant %s", code, errOut, out, want)
	}
	code, out, _ = runTextCLI(t, "", "process", "stats", "--input", processHandCSV, "--json", "--where", "region=south", "--from", "2024-03-01", "--to", "2024-03-01")
	if code != 0 || !strings.HasPrefix(out, `{"cases":2,"events":7,`) {
		t.Errorf("filtered: exit %d %s", code, out)
	}
	code, out, _ = runTextCLI(t, "", "process", "variants", "--input", processHandCSV)
	if code != 0 || !strings.Contains(out, "A → B → B → D") {
		t.Errorf("table: %s", out)
	}
}

func TestProcessXESGzipAndFormatFlag(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	raw, err := eventlog.ReadFile(processHandCSV, eventlog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "hand.xes.gz")
	f, _ := os.Create(path)
	zw := gzip.NewWriter(f)
	if err := eventlog.WriteXES(zw, raw); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	f.Close()
	code, out, errOut := runTextCLI(t, "", "process", "stats", "--input", path, "--json")
	if code != 0 || !strings.HasPrefix(out, `{"cases":4,"events":13,"activities":4,"variants":2,`) {
		t.Errorf("xes.gz: exit %d %s %s", code, out, errOut)
	}
	odd := filepath.Join(dir, "hand.log")
	data, _ := os.ReadFile(processHandCSV)
	os.WriteFile(odd, data, 0o600)
	if code, _, errOut := runTextCLI(t, "", "process", "stats", "--input", odd); code != 2 || !strings.Contains(errOut, "--format") {
		t.Errorf("unknown extension: exit %d %s", code, errOut)
	}
	if code, out, _ := runTextCLI(t, "", "process", "stats", "--input", odd, "--format", "csv", "--json"); code != 0 || !strings.HasPrefix(out, `{"cases":4,`) {
		t.Errorf("--format csv: exit %d %s", code, out)
	}
}

func TestProcessErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"process"}, 2, "missing subcommand"},
		{[]string{"process", "nope"}, 2, `unknown subcommand "nope"`},
		{[]string{"process", "stats"}, 2, "--input is required"},
		{[]string{"process", "stats", "--input", processHandCSV, "--format", "json"}, 2, "want xes or csv"},
		{[]string{"process", "stats", "--input", processHandCSV, "--case", "id"}, 1, `no case column "id"`},
		{[]string{"process", "stats", "--input", processHandCSV, "--from", "March"}, 2, "--from"},
		{[]string{"process", "stats", "--input", processHandCSV, "--where", "region"}, 2, "KEY=VALUE"},
		{[]string{"process", "variants", "--input", processHandCSV, "--top", "-1"}, 2, "--top"},
		{[]string{"process", "dfg", "--input", processHandCSV, "--business-hours", "17:00-09:00"}, 2, "start before end"},
		{[]string{"process", "stats", "--input", "does-not-exist.xes"}, 1, "no such file"},
	}
	for _, c := range cases {
		code, _, errOut := runTextCLI(t, "", c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d %q, want %d %q", c.args, code, errOut, c.code, c.want)
		}
	}
}

func TestProcessConform(t *testing.T) {
	t.Parallel()
	design := filepath.Join(t.TempDir(), "design.json")
	os.WriteFile(design, []byte(`{"arcs":[{"from":"A","to":"B"},{"from":"B","to":"C"}],"start":["A"],"end":["C"]}`), 0o600)
	code, out, errOut := runTextCLI(t, "", "process", "conform", "--input", processHandCSV, "--design", design, "--json")
	want := `{"cases":4,"fitting":3,"fitness":0.85,"deviations":[{"kind":"activity","activity":"D","count":1,"cases":["4"]},` +
		`{"kind":"arc","from":"B","to":"B","count":1,"cases":["4"]},{"kind":"arc","from":"B","to":"D","count":1,"cases":["4"]},` +
		`{"kind":"end","activity":"D","count":1,"cases":["4"]}]}` + "\n"
	if code != 0 || out != want {
		t.Errorf("exit %d %s\ngot  %s\nwant %s", code, errOut, out, want)
	}
	code, out, _ = runTextCLI(t, "", "process", "conform", "--input", processHandCSV, "--design", design)
	if code != 0 || !strings.Contains(out, "3 fit the design") || !strings.Contains(out, "arc B → D") {
		t.Errorf("table: %s", out)
	}
	os.WriteFile(design, []byte(`{"arcs":[{"from":"A"}]}`), 0o600)
	if code, _, errOut := runTextCLI(t, "", "process", "conform", "--input", processHandCSV, "--design", design); code != 1 || !strings.Contains(errOut, "design arc 1: from and to are required") {
		t.Errorf("bad design: exit %d %s", code, errOut)
	}
}

func TestBenchProcessSmall(t *testing.T) {
	t.Parallel()
	keep := filepath.Join(t.TempDir(), "small.xes.gz")
	code, out, errOut := runTextCLI(t, "", "bench", "process", "--events", "3000", "--runs", "2", "--keep", keep, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var res processBenchResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Events < 3000 || res.Cases == 0 || res.Arcs == 0 || res.Variants == 0 || res.Runs != 2 || res.EventsPerSecond <= 0 {
		t.Errorf("result = %+v", res)
	}
	// The kept file is a log the process commands read, with the same counts.
	code, out, _ = runTextCLI(t, "", "process", "stats", "--input", keep, "--json")
	var st processStatsJSON
	json.Unmarshal([]byte(out), &st)
	if code != 0 || st.Events != res.Events || st.Cases != res.Cases || st.Variants != res.Variants {
		t.Errorf("stats of the kept log = %+v, bench %+v", st, res)
	}
}
