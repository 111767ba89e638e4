package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/fresco-cx/fresco/internal/text"
)

// themesReport is what 'fresco text themes --json' prints: the themes
// largest first, each with its comments' count, its distinctive terms and
// the comments nearest its centre, and how many comments are in none.
type themesReport struct {
	Comments int           `json:"comments"`
	Unthemed int           `json:"unthemed"`
	Themes   []themeReport `json:"themes"`
}

type themeReport struct {
	Label    string   `json:"label"`
	Count    int      `json:"count"`
	Terms    []string `json:"terms"`
	Examples []string `json:"examples"`
}

// runTextThemes groups the comments of a CSV column into themes nobody
// labelled, as the comments page does with the last two weeks' comments.
func runTextThemes(args []string, env Env) error {
	fs := flag.NewFlagSet("fresco text themes", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	input := fs.String("input", "", "CSV of comments, with a header (required)")
	textCol := fs.String("text-col", "text", "header name of the comment column")
	k := fs.Int("k", 0, "how many themes to look for (0: √(comments/2), at most 30)")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := fs.Parse(args); err != nil {
		return usageError("%v", err)
	}
	if err := requireFiles(fs, map[string]string{"input": *input}); err != nil {
		return err
	}
	if *k < 0 {
		return usageError("--k must be 0 or more, got %d", *k)
	}
	f, err := os.Open(*input)
	if err != nil {
		return fmt.Errorf("input file: %w", err)
	}
	defer f.Close()
	comments, err := text.ReadComments(f, *textCol)
	if err != nil {
		return fmt.Errorf("input file %s: %w", *input, err)
	}
	rep := findThemes(comments, *k)
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return printThemes(env.Stdout, rep)
}

func findThemes(comments []string, k int) themesReport {
	rep := themesReport{Comments: len(comments), Unthemed: len(comments), Themes: []themeReport{}}
	for _, t := range text.FindThemes(comments, text.ThemeOptions{K: k}) {
		tr := themeReport{Label: t.Label, Count: len(t.Members), Terms: t.Terms}
		for _, i := range t.Examples {
			tr.Examples = append(tr.Examples, comments[i])
		}
		rep.Themes = append(rep.Themes, tr)
		rep.Unthemed -= tr.Count
	}
	return rep
}

func printThemes(w io.Writer, rep themesReport) error {
	fmt.Fprintf(w, "%d comments: %d in %d themes, %d sharing too little with the others to make one\n\n",
		rep.Comments, rep.Comments-rep.Unthemed, len(rep.Themes), rep.Unthemed)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "THEME\tCOMMENTS\tWORDS IT SHARES\tFOR EXAMPLE")
	for _, t := range rep.Themes {
		example := ""
		if len(t.Examples) > 0 {
			example = oneLine(t.Examples[0], 70)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", t.Label, t.Count, strings.Join(t.Terms, ", "), example)
	}
	return tw.Flush()
}

// oneLine is s on one line, cut to at most n runes with an ellipsis.
func oneLine(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n-1]) + "…"
}
