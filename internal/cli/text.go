package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/fresco-cx/fresco/internal/text"
)

func init() {
	commands["text"] = command{
		summary: "comment sentiment, category suggestions and classifier evaluation",
		run:     runText,
	}
}

// textSubcommands are the verbs of 'fresco text'.
var textSubcommands = map[string]func(args []string, env Env) error{
	"eval":      runTextEval,
	"train":     runTextTrain,
	"suggest":   runTextSuggest,
	"sentiment": runTextSentiment,
	"themes":    runTextThemes,
}

const textUsage = `usage: fresco text SUBCOMMAND [flags]

Subcommands:
  eval       train on one labelled CSV, score on another (micro/macro F1)
  train      train a classifier on a labelled CSV and write it as JSON
  suggest    suggest categories for comments (trained model or taxonomy keywords)
  sentiment  score the sentiment of comments (arguments or stdin), or of a CSV
             file with --input, optionally learning from scores with --train
  themes     group the comments of a CSV into themes nobody labelled

Run 'fresco text SUBCOMMAND -h' for its flags.`

func runText(_ context.Context, args []string, env Env) error {
	if len(args) == 0 {
		return usageError("missing subcommand\n%s", textUsage)
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(env.Stdout, textUsage)
		return nil
	}
	run, ok := textSubcommands[args[0]]
	if !ok {
		return usageError("unknown subcommand %q\n%s", args[0], textUsage)
	}
	return run(args[1:], env)
}

// corpusFlags are the flags of every subcommand that reads a labelled CSV.
type corpusFlags struct {
	textCol, labelCol, otherLevelCol, taxonomy string
	withoutSentences                           bool
	sentenceCache                              string
}

func (c *corpusFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.textCol, "text-col", "text", "header name of the comment column")
	fs.StringVar(&c.labelCol, "label-col", "label", "header name of the label column (several labels separated by ';')")
	fs.StringVar(&c.otherLevelCol, "other-level-col", "",
		"header name of the column holding each training comment's category at the other level of a two-level hierarchy "+
			"(the broad label beside a subcategory column, or the reverse); the model learns both levels")
	fs.StringVar(&c.taxonomy, "taxonomy", "default",
		`keyword rules the classifier may use: "default", "none", or a JSON file holding a list of categories`)
	fs.BoolVar(&c.withoutSentences, "without-sentence-vectors", false,
		"leave out the sentence encoder's vectors: training is two to three times faster the first time, categories about a point less accurate")
	fs.StringVar(&c.sentenceCache, "sentence-cache", "",
		"file that keeps the comments' sentence vectors between runs (2 KB a comment; hashes, not the comments): "+
			"read before training, rewritten after when it lacked some, so that a run on comments seen before does not encode them again")
}

// withSentenceCache runs work with the vectors of --sentence-cache
// remembered for examples' comments, then rewrites the file with the
// vectors of all of them. A file not there yet is the first run.
func (c corpusFlags) withSentenceCache(examples []text.Example, work func() error) error {
	if c.sentenceCache == "" || c.withoutSentences {
		return work()
	}
	texts := make([]string, len(examples))
	for i, e := range examples {
		texts[i] = e.Text
	}
	complete, err := readSentenceCache(c.sentenceCache, texts)
	if err != nil {
		return err
	}
	if err := work(); err != nil {
		return err
	}
	if complete {
		return nil // the file already holds every vector: 2 KB a comment not written again
	}
	return writeSentenceCache(c.sentenceCache, texts)
}

// readSentenceCache remembers the file's vectors for texts and reports
// whether it held one for every text.
func readSentenceCache(path string, texts []string) (complete bool, err error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("sentence cache: %w", err)
	}
	defer f.Close()
	found, err := text.ReadSentenceVectors(f, texts)
	if err != nil {
		return false, fmt.Errorf("sentence cache %s: %w", path, err)
	}
	return found == len(texts), nil
}

// writeSentenceCache replaces the file whole, through a temporary file
// beside it, so that a run stopped halfway leaves the old file intact.
func writeSentenceCache(path string, texts []string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("sentence cache: %w", err)
	}
	defer os.Remove(tmp.Name())
	err = text.WriteSentenceVectors(tmp, texts)
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("sentence cache %s: %w", path, err)
	}
	return nil
}

func (c corpusFlags) read(role, path string) ([]text.Example, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s file: %w", role, err)
	}
	defer f.Close()
	otherCol := c.otherLevelCol
	if role != "train" {
		otherCol = "" // only training uses the other level
	}
	examples, err := text.ReadLevelledExamples(f, c.textCol, c.labelCol, otherCol)
	if err != nil {
		return nil, fmt.Errorf("%s file %s: %w", role, path, err)
	}
	return examples, nil
}

func (c corpusFlags) trainOptions() (text.TrainOptions, error) {
	tax, err := loadTaxonomy(c.taxonomy)
	return text.TrainOptions{Taxonomy: tax, WithoutSentenceVectors: c.withoutSentences}, err
}

// loadTaxonomy resolves the --taxonomy flag.
func loadTaxonomy(spec string) (text.Taxonomy, error) {
	switch spec {
	case "default":
		return text.DefaultTaxonomy(), nil
	case "none", "":
		return nil, nil
	}
	data, err := os.ReadFile(spec)
	if err != nil {
		return nil, fmt.Errorf("taxonomy: %w", err)
	}
	var tax text.Taxonomy
	if err := json.Unmarshal(data, &tax); err != nil {
		return nil, fmt.Errorf("taxonomy %s: %w", spec, err)
	}
	if err := tax.Validate(); err != nil {
		return nil, fmt.Errorf("taxonomy %s: %w", spec, err)
	}
	return tax, nil
}

// evalSummary is the exact shape 'fresco text eval --json' promises.
type evalSummary struct {
	MicroF1  float64     `json:"micro_f1"`
	MacroF1  float64     `json:"macro_f1"`
	NTrain   int         `json:"n_train"`
	NTest    int         `json:"n_test"`
	PerLabel []labelEval `json:"per_label"`
}

// labelEval is one label's held-out figures and the probability threshold
// the model assigns it at beside the top label.
type labelEval struct {
	text.LabelScore
	Threshold float64 `json:"threshold"`
}

func summarise(ev text.Evaluation, model *text.Model) evalSummary {
	out := evalSummary{MicroF1: ev.MicroF1, MacroF1: ev.MacroF1, NTrain: ev.NTrain, NTest: ev.NTest}
	for _, l := range ev.PerLabel {
		out.PerLabel = append(out.PerLabel, labelEval{LabelScore: l, Threshold: model.Threshold(l.Label)})
	}
	return out
}

func runTextEval(args []string, env Env) error {
	fs := newFlagSet("text eval", env)
	var corpus corpusFlags
	corpus.register(fs)
	trainPath := fs.String("train", "", "labelled CSV to train on (required)")
	testPath := fs.String("test", "", "labelled CSV to evaluate on (required)")
	asJSON := fs.Bool("json", false, `print {"micro_f1","macro_f1","n_train","n_test","per_label"} as JSON`)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := requireFiles(fs, map[string]string{"train": *trainPath, "test": *testPath}); err != nil {
		return err
	}
	ev, model, err := trainAndEvaluate(corpus, *trainPath, *testPath)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(env.Stdout).Encode(summarise(ev, model))
	}
	return printEvaluation(env.Stdout, ev)
}

// requireFiles checks required path flags and that no stray arguments follow.
func requireFiles(fs *flag.FlagSet, paths map[string]string) error {
	for _, name := range []string{"input", "train", "test", "out"} {
		if path, ok := paths[name]; ok && path == "" {
			return usageError("--%s is required", name)
		}
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

func trainAndEvaluate(corpus corpusFlags, trainPath, testPath string) (text.Evaluation, *text.Model, error) {
	opts, err := corpus.trainOptions()
	if err != nil {
		return text.Evaluation{}, nil, err
	}
	train, err := corpus.read("train", trainPath)
	if err != nil {
		return text.Evaluation{}, nil, err
	}
	test, err := corpus.read("test", testPath)
	if err != nil {
		return text.Evaluation{}, nil, err
	}
	var model *text.Model
	var ev text.Evaluation
	err = corpus.withSentenceCache(slices.Concat(train, test), func() error {
		model, err = text.Train(train, opts)
		if err != nil {
			return fmt.Errorf("train file %s: %w", trainPath, err)
		}
		ev = text.Evaluate(model, test)
		return nil
	})
	return ev, model, err
}

func printEvaluation(w io.Writer, ev text.Evaluation) error {
	fmt.Fprintf(w, "Trained on %d labelled comments, tested on %d.\n\n", ev.NTrain, ev.NTest)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "label\tprecision\trecall\tF1\tsupport\tpredicted\t")
	for _, l := range ev.PerLabel {
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.3f\t%d\t%d\t\n", l.Label, l.Precision, l.Recall, l.F1, l.Support, l.Predicted)
	}
	fmt.Fprintf(tw, "micro average\t%.3f\t%.3f\t%.3f\t\t\t\n", ev.MicroPrecision, ev.MicroRecall, ev.MicroF1)
	fmt.Fprintf(tw, "macro F1\t\t\t%.3f\t\t\t\n", ev.MacroF1)
	return tw.Flush()
}

func runTextTrain(args []string, env Env) error {
	fs := newFlagSet("text train", env)
	var corpus corpusFlags
	corpus.register(fs)
	trainPath := fs.String("train", "", "labelled CSV to train on (required)")
	out := fs.String("out", "", "file to write the model JSON to, or - for standard output (required)")
	folds := fs.Int("folds", 5, "report k-fold cross-validated accuracy on stderr; 0 to skip")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := requireFiles(fs, map[string]string{"train": *trainPath, "out": *out}); err != nil {
		return err
	}
	opts, err := corpus.trainOptions()
	if err != nil {
		return err
	}
	train, err := corpus.read("train", *trainPath)
	if err != nil {
		return err
	}
	var model *text.Model
	err = corpus.withSentenceCache(train, func() error {
		model, err = text.Train(train, opts)
		if err != nil {
			return fmt.Errorf("train file %s: %w", *trainPath, err)
		}
		if *folds > 0 {
			reportCrossValidation(env.Stderr, train, *folds, opts)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return writeModel(*out, model, env.Stdout)
}

func reportCrossValidation(w io.Writer, examples []text.Example, folds int, opts text.TrainOptions) {
	ev, err := text.CrossValidate(examples, folds, opts)
	if err != nil {
		fmt.Fprintf(w, "cross-validation skipped: %v\n", err)
		return
	}
	fmt.Fprintf(w, "%d-fold cross-validation: micro-F1 %.3f, macro-F1 %.3f over %d comments\n",
		folds, ev.MicroF1, ev.MacroF1, ev.NTest)
}

func writeModel(path string, model *text.Model, stdout io.Writer) error {
	data, err := json.Marshal(model)
	if err != nil {
		return err
	}
	if path == "-" {
		_, err = stdout.Write(append(data, '\n'))
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

func runTextSuggest(args []string, env Env) error {
	fs := newFlagSet("text suggest", env)
	modelPath := fs.String("model", "", "model JSON from 'fresco text train'; without it the default taxonomy's keywords are used")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	suggest, err := suggester(*modelPath)
	if err != nil {
		return err
	}
	return eachComment(fs.Args(), env, func(comment string) error {
		return json.NewEncoder(env.Stdout).Encode(struct {
			Text        string            `json:"text"`
			Suggestions []text.Suggestion `json:"suggestions"`
			Labels      []string          `json:"labels"`
		}{comment, suggest.Suggest(comment), suggest.Predict(comment)})
	})
}

// suggestPredictor is what both a trained model and a taxonomy offer.
type suggestPredictor interface {
	Suggest(comment string) []text.Suggestion
	Predict(comment string) []string
}

func suggester(modelPath string) (suggestPredictor, error) {
	if modelPath == "" {
		return text.DefaultTaxonomy(), nil
	}
	data, err := os.ReadFile(modelPath)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	var m text.Model
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("model %s: %w", modelPath, err)
	}
	return &m, nil
}

func runTextSentiment(args []string, env Env) error {
	fs := newFlagSet("text sentiment", env)
	var f sentimentFlags
	f.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if f.input != "" {
		if fs.NArg() > 0 {
			return usageError("unexpected argument %q", fs.Arg(0))
		}
		return scoreSentimentFile(f, env.Stdout)
	}
	if f.out != "" || f.train != "" {
		return usageError("--out and --train go with --input")
	}
	return eachComment(fs.Args(), env, func(comment string) error {
		return json.NewEncoder(env.Stdout).Encode(struct {
			Text string `json:"text"`
			text.SentimentScore
		}{comment, text.Sentiment(comment)})
	})
}

// eachComment calls fn for each argument or, with none, for each non-empty
// line of standard input.
func eachComment(args []string, env Env, fn func(string) error) error {
	if len(args) > 0 {
		for _, a := range args {
			if err := fn(a); err != nil {
				return err
			}
		}
		return nil
	}
	sc := bufio.NewScanner(env.Stdin)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			if err := fn(line); err != nil {
				return err
			}
		}
	}
	if err := sc.Err(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("reading comments: %w", err)
	}
	return nil
}
