package cli

import (
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/text"
)

// sentimentFlags are the flags of 'fresco text sentiment' in file mode.
type sentimentFlags struct {
	input, textCol, train, scoreCol, out string
}

func (f *sentimentFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.input, "input", "", "CSV of comments to score; its rows are written to --out with a sentiment column")
	fs.StringVar(&f.textCol, "text-col", "text", "header name of the comment column (in --input and --train)")
	fs.StringVar(&f.train, "train", "", "CSV of comments with scores (NPS, CSAT…) to learn sentiment from; without it the built-in model is used")
	fs.StringVar(&f.scoreCol, "score-col", "score", "header name of the score column in --train")
	fs.StringVar(&f.out, "out", "", "file to write the scored rows to, or - for standard output (required with --input)")
}

// scorer is the built-in model or one trained from --train.
type scorer func(comment string) float64

func (f sentimentFlags) scorer() (scorer, error) {
	if f.train == "" {
		return func(c string) float64 { return text.Sentiment(c).Compound }, nil
	}
	file, err := os.Open(f.train)
	if err != nil {
		return nil, fmt.Errorf("train file: %w", err)
	}
	defer file.Close()
	scored, err := text.ReadScoredComments(file, f.textCol, f.scoreCol)
	if err != nil {
		return nil, fmt.Errorf("train file %s: %w", f.train, err)
	}
	m, err := text.TrainSentiment(scored)
	if err != nil {
		return nil, fmt.Errorf("train file %s: %w", f.train, err)
	}
	return m.Score, nil
}

// scoreSentimentFile writes every row of the input CSV with a sentiment
// column in [−1, 1] added at the end.
func scoreSentimentFile(f sentimentFlags, stdout io.Writer) error {
	if f.out == "" {
		return usageError("--out is required with --input")
	}
	score, err := f.scorer()
	if err != nil {
		return err
	}
	in, err := os.Open(f.input)
	if err != nil {
		return fmt.Errorf("input file: %w", err)
	}
	defer in.Close()
	out, closeOut, err := createOutput(f.out, stdout)
	if err != nil {
		return err
	}
	if err := appendSentimentColumn(in, out, f.textCol, score); err != nil {
		closeOut()
		return fmt.Errorf("input file %s: %w", f.input, err)
	}
	return closeOut()
}

func createOutput(path string, stdout io.Writer) (io.Writer, func() error, error) {
	if path == "-" {
		return stdout, func() error { return nil }, nil
	}
	file, err := os.Create(path)
	if err != nil {
		return nil, nil, fmt.Errorf("out file: %w", err)
	}
	return file, file.Close, nil
}

func appendSentimentColumn(r io.Reader, w io.Writer, textCol string, score scorer) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("reading header: %w", err)
	}
	header[0] = strings.TrimPrefix(header[0], "\uFEFF")
	textAt := -1
	for i, h := range header {
		if strings.TrimSpace(h) == textCol {
			textAt = i
		}
	}
	if textAt < 0 {
		return fmt.Errorf("no column %q in header", textCol)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(append(header, "sentiment")); err != nil {
		return err
	}
	for {
		record, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		comment := ""
		if textAt < len(record) {
			comment = record[textAt]
		}
		if err := cw.Write(append(record, strconv.FormatFloat(score(comment), 'f', 4, 64))); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
