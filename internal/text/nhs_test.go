package text

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// nhsFile is the NHS patient-feedback comments (MIT, NHS England, from the
// pxtextmining project) described in shared/data/README.md. It is 1.1 MB,
// so it is read from the shared data folder beside the repository rather
// than copied into testdata.
const nhsFile = "nhs_comments_phase1.csv"

// nhsPath finds shared/data/nhs_comments_phase1.csv beside the repository
// root: a sibling of the root in a fresh clone, or of an ancestor when the
// repository is a git worktree kept in a subfolder. Tests skip when it is
// absent, except under CI, where the folder is always checked out and a
// missing file must fail loudly.
func nhsPath(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		path := filepath.Join(dir, "shared", "data", nhsFile)
		if _, err := os.Stat(path); err == nil {
			return path
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("shared/data/%s not found beside the repository under CI", nhsFile)
	}
	t.Skipf("shared/data/%s not found beside the repository or any folder above it", nhsFile)
	return ""
}

// readNHS reads the NHS comments with labelCol ("label" or "subcategory")
// as the label.
func readNHS(t testing.TB, labelCol string) []Example {
	t.Helper()
	f, err := os.Open(nhsPath(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	examples, err := ReadExamples(f, "text", labelCol)
	if err != nil {
		t.Fatal(err)
	}
	return examples
}

// readNHSLevels reads the NHS comments with labelCol as the label and
// otherCol as the other level of the label hierarchy (the file's 44
// subcategories each belong to one of its 9 labels).
func readNHSLevels(t testing.TB, labelCol, otherCol string) []Example {
	t.Helper()
	examples, other := readNHS(t, labelCol), readNHS(t, otherCol)
	for i := range examples {
		examples[i].OtherLevel = other[i].Labels
	}
	return examples
}

// nhsSplit is the split every NHS figure in this package is measured on:
// 20% held out by SplitHoldOut with seed 7. The README's split is numpy's
// default_rng(7) permutation, which Go cannot reproduce without
// reimplementing numpy's generator; its reference configuration (word
// TF-IDF, softmax logistic regression with C = 10, balanced, argmax) is
// therefore re-measured on this split by BenchmarkNHSReference: label
// micro-F1 0.702 / macro-F1 0.571, subcategory 0.559 / 0.379.
func nhsSplit(examples []Example) (train, test []Example) {
	return SplitHoldOut(examples, 0.2, 7)
}

// The floors below guard the figures measured on nhsSplit (2,059 held-out
// comments). They sit half a point under what the model reaches with its
// default options (chosen by 3-fold cross-validation inside the training
// part) trained on both levels of the file's label hierarchy, as
// readNHSLevels gives them: subcategory micro 0.602 / macro 0.384, label
// micro 0.731. Training is deterministic, so the margin only absorbs
// floating-point differences between platforms; a real regression fails.
// Of the goals, label micro-F1 0.73 is reached on this split;
// subcategory micro 0.62 and macro 0.40 are not: every model tried lands
// within a point of these figures in cross-validation
// (docs/text-models.md).
const (
	nhsSubcategoryMicroFloor = 0.597
	nhsSubcategoryMacroFloor = 0.379
	nhsLabelMicroFloor       = 0.726
)

func TestNHSCategories(t *testing.T) {
	t.Parallel()
	tests := []struct {
		column, other          string
		microFloor, macroFloor float64
	}{
		{"subcategory", "label", nhsSubcategoryMicroFloor, nhsSubcategoryMacroFloor},
		{"label", "subcategory", nhsLabelMicroFloor, 0},
	}
	for _, tt := range tests {
		t.Run(tt.column, func(t *testing.T) {
			t.Parallel()
			train, test := nhsSplit(readNHSLevels(t, tt.column, tt.other))
			m, err := Train(train, TrainOptions{})
			if err != nil {
				t.Fatal(err)
			}
			ev := Evaluate(m, test)
			t.Logf("%s: micro-F1 %.4f macro-F1 %.4f (train %d, test %d)", tt.column, ev.MicroF1, ev.MacroF1, ev.NTrain, ev.NTest)
			if ev.MicroF1 < tt.microFloor || ev.MacroF1 < tt.macroFloor {
				t.Errorf("%s: micro-F1 %.4f, macro-F1 %.4f; floors %.2f, %.2f", tt.column, ev.MicroF1, ev.MacroF1, tt.microFloor, tt.macroFloor)
			}
		})
	}
}

// Sentiment floors on the criticality (−4 … 4) of the nhsSplit test part,
// just under what is reached: built-in ρ 0.435 (the goal, 0.60, is
// not reached: even a model that knew every comment's sign exactly and
// ranked within each sign by the built-in score would reach only 0.52 on
// this file, because its praise is labelled 0 to 4 by convention, not by
// strength; docs/text-models.md), trained on the train part ρ 0.709 (the
// goal, 0.70, is the floor; the README's reference ridge: 0.684, measured
// on its own split).
const (
	nhsBuiltinRhoFloor = 0.43
	nhsTrainedRhoFloor = 0.70
)

func TestNHSSentiment(t *testing.T) {
	t.Parallel()
	train, test := nhsSplit(readNHS(t, "criticality"))
	m, err := TrainSentiment(criticalityScores(t, train))
	if err != nil {
		t.Fatal(err)
	}
	var builtin, trained, want []float64
	for _, c := range criticalityScores(t, test) {
		builtin = append(builtin, Sentiment(c.Text).Compound)
		trained = append(trained, m.Score(c.Text))
		want = append(want, c.Score)
	}
	rhoBuiltin, rhoTrained := Spearman(builtin, want), Spearman(trained, want)
	t.Logf("Spearman rho with criticality: built-in %.4f, trained %.4f", rhoBuiltin, rhoTrained)
	if rhoBuiltin < nhsBuiltinRhoFloor || rhoTrained < nhsTrainedRhoFloor {
		t.Errorf("rho built-in %.4f (floor %.2f), trained %.4f (floor %.2f)", rhoBuiltin, nhsBuiltinRhoFloor, rhoTrained, nhsTrainedRhoFloor)
	}
}

// criticalityScores turns examples read with the criticality column as
// their label into scored comments.
func criticalityScores(t testing.TB, examples []Example) []ScoredComment {
	t.Helper()
	out := make([]ScoredComment, len(examples))
	for i, e := range examples {
		score, err := strconv.ParseFloat(e.Labels[0], 64)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = ScoredComment{Text: e.Text, Score: score}
	}
	return out
}
