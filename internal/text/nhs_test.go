package text

import (
	"math"
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

// nhsSplit is the split the NHS figures of rounds one to four were
// measured on, kept so that they stay comparable: 20% held out by
// SplitHoldOut with seed 7 (8,238 training and 2,059 test comments).
// numpySplit (numpy_split_test.go) is the data README's own split.
func nhsSplit(examples []Example) (train, test []Example) {
	return SplitHoldOut(examples, 0.2, 7)
}

// The floors below guard the figures measured on the two splits. They sit
// half a point under what the model reaches with its default options
// (chosen by 3-fold cross-validation inside the training parts), trained
// on both levels of the file's label hierarchy as readNHSLevels gives
// them; macro-F1 as scikit-learn's average='macro' counts it (labels true
// or predicted in the test part):
//
//	split       subcategory micro / macro   label micro
//	nhsSplit    0.6158 / 0.4408             0.7567
//	numpySplit  0.6286 / 0.4004             0.7422
//
// Training is deterministic, so the margin only absorbs floating-point
// differences between platforms; a real regression fails. The sentence
// vectors' matrix kernels differ between CPUs with AVX2 and without
// (internal/text/sentenc), and the subcategory macro-F1, an average over
// 44 categories some of which have a handful of test comments, can move
// by a point with them. Of the goals (subcategory micro 0.62,
// macro 0.40, label micro 0.73) the README's own split, numpySplit,
// reaches all three, and its subcategory macro floor is the goal itself.
// Round sixteen's sentence member moved the figures from nhsSplit 0.6129
// / 0.4088, 0.7445 and numpySplit 0.6272 / 0.3871, 0.7379; round
// fifteen's sentence vectors from nhsSplit 0.5959 / 0.3959, 0.7324 and
// numpySplit 0.6112 / 0.3914, 0.7301 (docs/text-models.md).
var nhsFloors = []struct {
	split                          string
	splitFunc                      func([]Example) (train, test []Example)
	subMicro, subMacro, labelMicro float64
}{
	{"holdout", nhsSplit, 0.610, 0.435, 0.751},
	{"numpy", numpySplit, 0.623, 0.400, 0.737},
}

func TestNHSCategories(t *testing.T) {
	t.Parallel()
	for _, f := range nhsFloors {
		tests := []struct {
			column, other          string
			microFloor, macroFloor float64
		}{
			{"subcategory", "label", f.subMicro, f.subMacro},
			{"label", "subcategory", f.labelMicro, 0},
		}
		for _, tt := range tests {
			t.Run(f.split+"/"+tt.column, func(t *testing.T) {
				t.Parallel()
				train, test := f.splitFunc(readNHSLevels(t, tt.column, tt.other))
				m, err := Train(train, TrainOptions{})
				if err != nil {
					t.Fatal(err)
				}
				ev := Evaluate(m, test)
				t.Logf("%s split, %s: micro-F1 %.4f macro-F1 %.4f (train %d, test %d)", f.split, tt.column, ev.MicroF1, ev.MacroF1, ev.NTrain, ev.NTest)
				if ev.MicroF1 < tt.microFloor || ev.MacroF1 < tt.macroFloor {
					t.Errorf("%s split, %s: micro-F1 %.4f, macro-F1 %.4f; floors %.3f, %.3f", f.split, tt.column, ev.MicroF1, ev.MacroF1, tt.microFloor, tt.macroFloor)
				}
			})
		}
	}
}

// BenchmarkNHSCrossValidation is the steadier figure the issue allows
// beside a fixed split: 5-fold cross-validation over the whole file, folds
// dealt by assignFolds(10297, 5, 7), each fold scored by a model trained on
// the other four with the default options and both hierarchy levels. It
// reports the mean of the five folds' micro- and macro-F1 and their
// standard deviation. A benchmark, not a test: it trains ten models.
//
//	go test ./internal/text -run '^$' -bench NHSCrossValidation -benchtime 1x
func BenchmarkNHSCrossValidation(b *testing.B) {
	for _, tt := range []struct{ column, other string }{{"subcategory", "label"}, {"label", "subcategory"}} {
		b.Run(tt.column, func(b *testing.B) {
			examples := readNHSLevels(b, tt.column, tt.other)
			var micro, macro []float64
			for b.Loop() {
				micro, macro = nil, nil
				folds := assignFolds(len(examples), 5, 7)
				for f := range 5 {
					train, testIdx := splitFold(examples, folds, f)
					test := make([]Example, len(testIdx))
					for k, i := range testIdx {
						test[k] = examples[i]
					}
					m, err := Train(train, TrainOptions{})
					if err != nil {
						b.Fatal(err)
					}
					ev := Evaluate(m, test)
					b.Logf("fold %d: micro-F1 %.4f macro-F1 %.4f", f+1, ev.MicroF1, ev.MacroF1)
					micro, macro = append(micro, ev.MicroF1), append(macro, ev.MacroF1)
				}
			}
			mean, sd := meanAndSD(micro)
			b.ReportMetric(mean, "micro-F1")
			b.ReportMetric(sd, "micro-sd")
			mean, sd = meanAndSD(macro)
			b.ReportMetric(mean, "macro-F1")
			b.ReportMetric(sd, "macro-sd")
		})
	}
}

// meanAndSD is the mean of xs and their sample standard deviation.
func meanAndSD(xs []float64) (mean, sd float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		sd += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(sd / float64(len(xs)-1))
}

// Sentiment floors on the criticality (−4 … 4) of the nhsSplit test part,
// just under what is reached: built-in ρ 0.440 (the goal, 0.60, is
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
