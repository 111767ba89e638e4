package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/importer"
	"github.com/fresco-cx/fresco/internal/recommend"
	"github.com/fresco-cx/fresco/internal/suggestions"
)

func init() {
	commands["recommend"] = command{summary: "suggestions: measure a model on a purchases file (see 'fresco recommend help')", run: runRecommend}
}

const recommendUsage = `Usage: fresco recommend COMMAND [flags]

Commands:
  eval   train on a purchases CSV before --test-from, score the new items customers bought after it

Run 'fresco recommend eval -h' for its flags.`

func runRecommend(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 {
		return usageError("missing subcommand\n%s", recommendUsage)
	}
	switch args[0] {
	case "help", "-h", "--help":
		fmt.Fprintln(env.Stdout, recommendUsage)
		return nil
	case "eval":
		return runRecommendEval(ctx, args[1:], env)
	}
	return usageError("unknown subcommand %q\n%s", args[0], recommendUsage)
}

// recommendModels are the models eval can train; "ease" is the one Fresco
// serves.
var recommendModels = map[string]func(recommend.Matrix, recommend.Options) (*recommend.Model, recommend.Stats, error){
	"ease": recommend.EASE,
	"knn":  recommend.KNN,
	"popularity": func(x recommend.Matrix, _ recommend.Options) (*recommend.Model, recommend.Stats, error) {
		return recommend.Popularity(x), recommend.Stats{Customers: len(x.Users), Items: x.Items}, nil
	},
}

type evalJSON struct {
	Users        int              `json:"users"`
	Items        int              `json:"items"`
	Recall       float64          `json:"recall_at_k"`
	NDCG         float64          `json:"ndcg_at_k"`
	Popularity   recommend.Score  `json:"popularity"`
	Model        string           `json:"model"`
	K            int              `json:"k"`
	TrainSeconds float64          `json:"train_seconds"`
	Training     recommend.Stats  `json:"training"`
	Options      recommendOptions `json:"options"`
}

type recommendOptions struct {
	Lambda     float64 `json:"lambda"`
	KFloor     int     `json:"k_floor"`
	Neighbours int     `json:"neighbours"`
	MinBuyers  int     `json:"min_buyers,omitempty"`
	MaxItems   int     `json:"max_items"`
	HalfLife   float64 `json:"half_life_days"`
	Negatives  bool    `json:"negatives"`
	Floor      string  `json:"floor"`
}

func runRecommendEval(ctx context.Context, args []string, env Env) error {
	fs := newFlagSet("recommend eval", env)
	input := fs.String("input", "", "purchases CSV `file` (plain or gzip; the import format)")
	from := fs.String("test-from", "", "first `day` of the test period (YYYY-MM-DD); training is before it")
	to := fs.String("test-to", "", "last `day` of the test period, inclusive (default: the end of the file)")
	k := fs.Int("k", 10, "score the top `k` suggestions")
	model := fs.String("model", "ease", "model: ease (what Fresco serves), knn or popularity")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	def := suggestions.DefaultTrain()
	lambda := fs.Float64("lambda", def.Lambda, "EASE: L2 penalty λ")
	floor := fs.Int("k-floor", def.KFloor, "k-anonymity floor: an item pair counts only when this many customers bought both (1: off)")
	neighbours := fs.Int("neighbours", def.Neighbours, "neighbours kept per item")
	negatives := fs.Bool("negatives", def.Negatives, "keep negative weights (the neighbours kept are the largest by size)")
	minBuyers := fs.Int("min-buyers", 0, "leave out items with fewer distinct buyers (default: the k floor)")
	maxItems := fs.Int("max-items", def.MaxItems, "keep at most this many items, the most bought (0: all)")
	halfLife := fs.Float64("half-life", suggestions.DefaultHalfLife.Hours()/24, "recency blend: an item last bought this many `days` before the split weighs half (0: off)")
	floorMode := fs.String("floor", floorModeOf(def), "where the floor applies: both (EASE's Gram matrix and the weights), gram or weights only; for measuring it")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *input == "" {
		return usageError("--input is required")
	}
	train, ok := recommendModels[*model]
	if !ok {
		return usageError("--model %q: want ease, knn or popularity", *model)
	}
	o := recommend.EvalOptions{K: *k, HalfLife: time.Duration(*halfLife * 24 * float64(time.Hour))}
	var err error
	if o.TestFrom, err = time.Parse(time.DateOnly, *from); err != nil {
		return usageError("--test-from %q: want YYYY-MM-DD", *from)
	}
	if *to != "" {
		if o.TestTo, err = time.Parse(time.DateOnly, *to); err != nil {
			return usageError("--test-to %q: want YYYY-MM-DD", *to)
		}
	}
	if *k <= 0 {
		return usageError("--k %d: must be positive", *k)
	}
	if *floor < 1 || *neighbours < 1 || *lambda <= 0 || *halfLife < 0 {
		return usageError("--k-floor and --neighbours must be at least 1, --lambda positive, --half-life not negative")
	}
	opts := recommend.Options{Lambda: *lambda, KFloor: *floor, Neighbours: *neighbours, MinBuyers: *minBuyers, MaxItems: *maxItems,
		Negatives: *negatives}
	switch *floorMode {
	case "both":
	case "gram":
		opts.FloorWeightsOff = true
	case "weights":
		opts.FloorGramOff = true
	default:
		return usageError("--floor %q: want both, gram or weights", *floorMode)
	}
	lines, err := readBought(ctx, *input)
	if err != nil {
		return err
	}
	split, err := recommend.NewSplit(lines, o)
	if err != nil {
		return usageError("%v", err)
	}
	start := time.Now()
	m, stats, err := train(split.Train, opts)
	if err != nil {
		return err
	}
	out := evalJSON{Users: len(split.Scored), Items: split.Train.Items, Model: *model, K: *k,
		TrainSeconds: time.Since(start).Seconds(), Training: stats,
		Options: recommendOptions{Lambda: *lambda, KFloor: *floor, Neighbours: *neighbours, MinBuyers: *minBuyers, MaxItems: *maxItems, HalfLife: *halfLife, Negatives: *negatives, Floor: *floorMode}}
	sc := split.Evaluate(m)
	out.Recall, out.NDCG = sc.Recall, sc.NDCG
	out.Popularity = split.Evaluate(recommend.Popularity(split.Train))
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		return enc.Encode(out)
	}
	fmt.Fprintf(env.Stdout, "%d customers scored, %d items; %s: recall@%d %.4f, NDCG@%d %.4f; popularity: recall@%d %.4f, NDCG@%d %.4f (trained in %.2fs)\n",
		out.Users, out.Items, *model, *k, out.Recall, *k, out.NDCG, *k, out.Popularity.Recall, *k, out.Popularity.NDCG, out.TrainSeconds)
	return nil
}

func floorModeOf(o recommend.Options) string {
	switch {
	case o.FloorGramOff:
		return "weights"
	case o.FloorWeightsOff:
		return "gram"
	}
	return "both"
}

// readBought reads a purchases file with the importer's reader, keeping
// what a recommender learns from: lines with a customer, a positive
// quantity, and not of a cancellation (an invoice number starting with C).
func readBought(ctx context.Context, path string) ([]recommend.Bought, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []recommend.Bought
	_, err = importer.ReadPurchaseLines(ctx, f, importer.Options{}, func(l importer.FileLine) error {
		if l.Customer == "" || l.Quantity <= 0 || strings.HasPrefix(strings.ToUpper(l.Purchase), "C") {
			return nil
		}
		lines = append(lines, recommend.Bought{Customer: l.Customer, Item: l.SKU, At: l.At})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return lines, nil
}
