package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const (
	textTrainCSV = "../text/testdata/comments_train.csv"
	textTestCSV  = "../text/testdata/comments_test.csv"
)

// runTextCLI runs fresco in-process and returns exit code, stdout and stderr.
func runTextCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(context.Background(), args, Env{
		Getenv: func(string) string { return "" },
		Stdin:  strings.NewReader(stdin),
		Stdout: &out,
		Stderr: &errOut,
	})
	return code, out.String(), errOut.String()
}

func TestTextEvalJSON(t *testing.T) {
	t.Parallel()
	code, out, errOut := runTextCLI(t, "", "text", "eval", "--train", textTrainCSV, "--test", textTestCSV,
		"--text-col", "text", "--label-col", "label", "--json")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	var got map[string]any
	dec := json.NewDecoder(strings.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("stdout %q is not JSON: %v", out, err)
	}
	if len(got) != 5 {
		t.Errorf("keys = %v, want exactly micro_f1, macro_f1, n_train, n_test, per_label", got)
	}
	perLabel, _ := got["per_label"].([]any)
	if len(perLabel) == 0 {
		t.Fatalf("per_label = %v", got["per_label"])
	}
	for _, key := range []string{"label", "precision", "recall", "f1", "support", "predicted", "threshold"} {
		if _, ok := perLabel[0].(map[string]any)[key]; !ok {
			t.Errorf("per_label entry %v lacks %q", perLabel[0], key)
		}
	}
	micro, _ := got["micro_f1"].(json.Number).Float64()
	macro, _ := got["macro_f1"].(json.Number).Float64()
	if micro < 0.55 || micro > 1 || macro < 0.5 || macro > 1 {
		t.Errorf("micro_f1 %v macro_f1 %v", micro, macro)
	}
	if got["n_train"].(json.Number).String() != "238" || got["n_test"].(json.Number).String() != "117" {
		t.Errorf("n_train %v n_test %v", got["n_train"], got["n_test"])
	}
}

func TestTextEvalTable(t *testing.T) {
	t.Parallel()
	code, out, errOut := runTextCLI(t, "", "text", "eval", "--train", textTrainCSV, "--test", textTestCSV)
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	for _, want := range []string{"precision", "recall", "waiting-delivery", "staff-manner", "micro average", "macro F1", "tested on 117"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestTextEvalErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	badUTF8 := filepath.Join(dir, "bad.csv")
	os.WriteFile(badUTF8, []byte("text,label\nfine,praise\nbad \xff,praise\n"), 0o644)
	noLabels := filepath.Join(dir, "nolabels.csv")
	os.WriteFile(noLabels, []byte("text,label\nfine,\n"), 0o644)
	tests := []struct {
		name     string
		args     []string
		code     int
		inStderr string
	}{
		{"no subcommand", []string{"text"}, 2, "missing subcommand"},
		{"unknown subcommand", []string{"text", "frobnicate"}, 2, "unknown subcommand"},
		{"missing train", []string{"text", "eval", "--test", textTestCSV}, 2, "--train is required"},
		{"missing test", []string{"text", "eval", "--train", textTrainCSV}, 2, "--test is required"},
		{"bad flag", []string{"text", "eval", "--nope"}, 2, "nope"},
		{"stray argument", []string{"text", "eval", "--train", textTrainCSV, "--test", textTestCSV, "extra"}, 2, "unexpected argument"},
		{"missing file", []string{"text", "eval", "--train", filepath.Join(dir, "absent.csv"), "--test", textTestCSV}, 1, "train file"},
		{"wrong column", []string{"text", "eval", "--train", textTrainCSV, "--test", textTestCSV, "--label-col", "tags"}, 1, `column "tags"`},
		{"wrong other-level column", []string{"text", "eval", "--train", textTrainCSV, "--test", textTestCSV, "--other-level-col", "parent"}, 1, `column "parent"`},
		{"invalid UTF-8", []string{"text", "eval", "--train", textTrainCSV, "--test", badUTF8}, 1, "line 3"},
		{"nothing labelled", []string{"text", "eval", "--train", noLabels, "--test", textTestCSV}, 1, "no labelled examples"},
		{"bad taxonomy file", []string{"text", "eval", "--train", textTrainCSV, "--test", textTestCSV, "--taxonomy", badUTF8}, 1, "taxonomy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, _, errOut := runTextCLI(t, "", tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.inStderr) {
				t.Errorf("exit %d stderr %q, want exit %d mentioning %q", code, errOut, tt.code, tt.inStderr)
			}
		})
	}
}

func TestTextTrainThenSuggest(t *testing.T) {
	t.Parallel()
	modelPath := filepath.Join(t.TempDir(), "model.json")
	code, _, errOut := runTextCLI(t, "", "text", "train", "--train", textTrainCSV, "--out", modelPath, "--folds", "3")
	if code != 0 || !strings.Contains(errOut, "3-fold cross-validation") {
		t.Fatalf("train exit %d, stderr %s", code, errOut)
	}
	code, out, errOut := runTextCLI(t, "We waited an hour for the food\n\n", "text", "suggest", "--model", modelPath)
	if code != 0 {
		t.Fatalf("suggest exit %d, stderr %s", code, errOut)
	}
	var got struct {
		Labels []string `json:"labels"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got.Labels) == 0 || got.Labels[0] != "waiting-delivery" {
		t.Errorf("suggest output %q (%v)", out, err)
	}
}

func TestTextSuggestWithoutModelUsesKeywords(t *testing.T) {
	t.Parallel()
	code, out, _ := runTextCLI(t, "", "text", "suggest", "The bathroom was filthy")
	if code != 0 || !strings.Contains(out, "cleanliness-facilities") {
		t.Errorf("exit %d, output %q", code, out)
	}
}

func TestTextSentiment(t *testing.T) {
	t.Parallel()
	code, out, _ := runTextCLI(t, "Terrible, rude and dirty.\nWonderful stay, thank you!\n", "text", "sentiment")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 2 || !strings.Contains(lines[0], `"negative"`) || !strings.Contains(lines[1], `"positive"`) {
		t.Errorf("exit %d, output %q", code, out)
	}
}

// TestTextTrainWithoutSentenceVectors: the flag leaves the sentence
// vectors out of the model; by default they are in.
func TestTextTrainWithoutSentenceVectors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		flags []string
		want  bool
	}{{nil, true}, {[]string{"--without-sentence-vectors"}, false}} {
		args := append([]string{"text", "train", "--train", textTrainCSV, "--out", "-", "--folds", "0"}, tt.flags...)
		code, out, errOut := runTextCLI(t, "", args...)
		if code != 0 {
			t.Fatalf("%v: exit %d, stderr %s", tt.flags, code, errOut)
		}
		var m struct {
			SentenceVectors bool `json:"sentence_vectors"`
		}
		if err := json.Unmarshal([]byte(out), &m); err != nil || m.SentenceVectors != tt.want {
			t.Errorf("%v: sentence_vectors %v, want %v (%v)", tt.flags, m.SentenceVectors, tt.want, err)
		}
	}
}

// TestTextEvalSentenceCache: --sentence-cache writes a record for each
// distinct comment of both files, a second run reads it, prints the same
// figures and leaves the file alone, and a file cut short is an error
// naming it.
func TestTextEvalSentenceCache(t *testing.T) {
	t.Parallel()
	cache := filepath.Join(t.TempDir(), "vectors.bin")
	eval := func() (int, string, string) {
		return runTextCLI(t, "", "text", "eval", "--train", textTrainCSV, "--test", textTestCSV, "--json", "--sentence-cache", cache)
	}
	code, first, errOut := eval()
	if code != 0 {
		t.Fatalf("first run: exit %d, stderr %s", code, errOut)
	}
	info, err := os.Stat(cache)
	if err != nil {
		t.Fatal(err)
	}
	const recordSize = 32 + 4 + 4*512 // SHA-256, encoder tag, 512 float32s
	if distinct := distinctComments(t, textTrainCSV, textTestCSV); info.Size() != int64(distinct*recordSize) {
		t.Errorf("cache is %d bytes, want %d records of %d", info.Size(), distinct, recordSize)
	}
	if code, second, errOut := eval(); code != 0 || second != first {
		t.Errorf("second run: exit %d, stderr %s\noutput %s\nwant %s", code, errOut, second, first)
	}
	if again, err := os.Stat(cache); err != nil || !os.SameFile(info, again) {
		t.Errorf("a cache holding every vector was written again (%v)", err)
	}
	if err := os.Truncate(cache, info.Size()-1); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := eval(); code == 0 || !strings.Contains(errOut, cache) || !strings.Contains(errOut, "cut short") {
		t.Errorf("cache cut short: exit %d, stderr %s", code, errOut)
	}
}

// distinctComments counts the distinct comments of the files' text columns.
func distinctComments(t *testing.T, paths ...string) int {
	t.Helper()
	seen := map[string]bool{}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		col := slices.Index(rows[0], "text")
		for _, row := range rows[1:] {
			seen[row[col]] = true
		}
	}
	return len(seen)
}
