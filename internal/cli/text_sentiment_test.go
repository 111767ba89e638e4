package cli

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestTextSentimentFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	input := filepath.Join(dir, "in.csv")
	writeFile(t, input, "id,comment\n1,We waited 40 minutes for cold food.\n2,\"Lovely staff, thank you!\"\n")
	out := filepath.Join(dir, "out.csv")
	code, _, errOut := runTextCLI(t, "", "text", "sentiment", "--input", input, "--text-col", "comment", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows := readCSV(t, out)
	if got := strings.Join(rows[0], ","); got != "id,comment,sentiment" {
		t.Fatalf("header %q", got)
	}
	cold, kind := sentimentOf(t, rows[1]), sentimentOf(t, rows[2])
	if !(cold < 0 && kind > 0) || rows[1][0] != "1" {
		t.Errorf("rows %v", rows)
	}
}

func TestTextSentimentTrained(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	train := filepath.Join(dir, "train.csv")
	var b strings.Builder
	b.WriteString("text,nps\n")
	for i := range 30 {
		b.WriteString("zorbly visit " + strconv.Itoa(i) + ",10\nkrandle visit " + strconv.Itoa(i) + ",0\n")
	}
	b.WriteString("unanswered,\n")
	writeFile(t, train, b.String())
	input := filepath.Join(dir, "in.csv")
	writeFile(t, input, "text\nzorbly zorbly\nkrandle krandle\n")
	code, out, errOut := runTextCLI(t, "", "text", "sentiment", "--input", input, "--train", train, "--score-col", "nps", "--out", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("output %q: %v", out, err)
	}
	if good, bad := sentimentOf(t, rows[1]), sentimentOf(t, rows[2]); !(good > 0.3 && bad < -0.3) {
		t.Errorf("learned sentiment %v, %v", good, bad)
	}
}

func TestTextSentimentFileErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	input := filepath.Join(dir, "in.csv")
	writeFile(t, input, "text\nfine\n")
	badScores := filepath.Join(dir, "bad.csv")
	writeFile(t, badScores, "text,score\nok,ten\n")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no out", []string{"--input", input}, 2, "--out is required"},
		{"out without input", []string{"--out", "x.csv"}, 2, "go with --input"},
		{"wrong column", []string{"--input", input, "--text-col", "comment", "--out", "-"}, 1, `no column "comment"`},
		{"bad score", []string{"--input", input, "--train", badScores, "--out", "-"}, 1, "not a number"},
	}
	for _, tt := range tests {
		code, _, errOut := runTextCLI(t, "", append([]string{"text", "sentiment"}, tt.args...)...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", tt.name, code, errOut, tt.code, tt.want)
		}
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func sentimentOf(t *testing.T, row []string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(row[len(row)-1], 64)
	if err != nil || v < -1 || v > 1 {
		t.Fatalf("sentiment %q: %v", row[len(row)-1], err)
	}
	return v
}
