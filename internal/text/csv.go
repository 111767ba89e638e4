package text

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// LabelSeparator separates several labels in one CSV cell.
const LabelSeparator = ";"

// CSVError is a problem in a CSV file, located by line and, when it concerns
// one, by column name.
type CSVError struct {
	Line   int
	Column string
	Err    error
}

func (e *CSVError) Error() string {
	if e.Column != "" {
		return fmt.Sprintf("line %d, column %q: %v", e.Line, e.Column, e.Err)
	}
	return fmt.Sprintf("line %d: %v", e.Line, e.Err)
}

func (e *CSVError) Unwrap() error { return e.Err }

// ReadExamples reads labelled comments from CSV whose first record is a
// header naming the columns. textCol and labelCol name the comment and label
// columns; other columns are ignored. A label cell may hold several labels
// separated by ";"; each is trimmed and empty ones are dropped, so a row may
// end with no labels. Text and label cells must be valid UTF-8 (other
// columns are not read, so not checked). Every error about the content is a
// *CSVError naming the line, and the column when it concerns one.
func ReadExamples(r io.Reader, textCol, labelCol string) ([]Example, error) {
	return ReadLevelledExamples(r, textCol, labelCol, "")
}

// ReadLevelledExamples reads like [ReadExamples] and, when otherCol is not
// empty, each comment's category at the other level of a two-level label
// hierarchy from otherCol into [Example.OtherLevel] (for instance the broad
// label beside a subcategory column).
func ReadLevelledExamples(r io.Reader, textCol, labelCol, otherCol string) ([]Example, error) {
	cols := []string{textCol, labelCol}
	if otherCol != "" {
		cols = append(cols, otherCol)
	}
	var out []Example
	err := eachRow(r, cols, func(record []string, line int, at []int) error {
		if err := checkFields(record, line, cols, at); err != nil {
			return err
		}
		e := Example{Text: record[at[0]], Labels: splitLabels(record[at[1]])}
		if otherCol != "" {
			e.OtherLevel = splitLabels(record[at[2]])
		}
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// eachRow reads CSV with a header naming cols and calls fn with every later
// record, its line number and the columns' positions. Parse errors are
// *CSVError naming the line.
func eachRow(r io.Reader, cols []string, fn func(record []string, line int, at []int) error) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked per row by the caller, with a clearer message
	cr.ReuseRecord = true
	at, err := readHeader(cr, cols)
	if err != nil {
		return err
	}
	for {
		record, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return csvParseError(err)
		}
		line, _ := cr.FieldPos(0)
		if err := fn(record, line, at); err != nil {
			return err
		}
	}
}

// readHeader finds the named columns in the header record.
func readHeader(cr *csv.Reader, cols []string) ([]int, error) {
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &CSVError{Line: 1, Err: errors.New("empty file: want a header naming the columns")}
	}
	if err != nil {
		return nil, csvParseError(err)
	}
	line, _ := cr.FieldPos(0)
	if header[0] = strings.TrimPrefix(header[0], "\uFEFF"); !validUTF8(header) {
		return nil, &CSVError{Line: line, Err: errors.New("header is not valid UTF-8")}
	}
	at := make([]int, len(cols))
	for i, name := range cols {
		if at[i] = columnIndex(header, name); at[i] < 0 {
			return nil, &CSVError{Line: line, Column: name,
				Err: fmt.Errorf("no such column in header (have %s)", strings.Join(quoteAll(header), ", "))}
		}
	}
	return at, nil
}

// columnIndex finds a header name, ignoring surrounding spaces, or returns -1.
func columnIndex(header []string, name string) int {
	for i, h := range header {
		if strings.TrimSpace(h) == name {
			return i
		}
	}
	return -1
}

// checkFields checks that the record has the columns at positions at and
// that their cells are valid UTF-8.
func checkFields(record []string, line int, cols []string, at []int) error {
	for i, name := range cols {
		if at[i] >= len(record) {
			return &CSVError{Line: line, Column: name,
				Err: fmt.Errorf("row has %d fields, column is field %d", len(record), at[i]+1)}
		}
		if !utf8.ValidString(record[at[i]]) {
			return &CSVError{Line: line, Column: name, Err: errors.New("not valid UTF-8")}
		}
	}
	return nil
}

// splitLabels splits a label cell on ";", trimming each label and dropping
// empty and repeated ones.
func splitLabels(cell string) []string {
	var out []string
	for _, l := range strings.Split(cell, LabelSeparator) {
		if l = strings.TrimSpace(l); l != "" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

func validUTF8(fields []string) bool {
	for _, f := range fields {
		if !utf8.ValidString(f) {
			return false
		}
	}
	return true
}

func quoteAll(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// csvParseError re-wraps encoding/csv's error so every error from the
// readers in this file is a *CSVError naming the line.
func csvParseError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &CSVError{Line: pe.Line, Err: pe.Err}
	}
	return err
}

// ReadScoredComments reads comments and the scores given beside them from
// CSV with a header, for [TrainSentiment]. Rows whose score cell is empty
// are skipped (the author left the question unanswered); a score that is
// not a number is a *CSVError.
func ReadScoredComments(r io.Reader, textCol, scoreCol string) ([]ScoredComment, error) {
	var out []ScoredComment
	cols := []string{textCol, scoreCol}
	err := eachRow(r, cols, func(record []string, line int, at []int) error {
		if err := checkFields(record, line, cols, at); err != nil {
			return err
		}
		cell := strings.TrimSpace(record[at[1]])
		if cell == "" {
			return nil
		}
		score, err := strconv.ParseFloat(cell, 64)
		if err != nil || math.IsNaN(score) || math.IsInf(score, 0) {
			return &CSVError{Line: line, Column: scoreCol, Err: fmt.Errorf("score %q is not a number", cell)}
		}
		out = append(out, ScoredComment{Text: record[at[0]], Score: score})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ReadComments reads the comments of textCol from CSV with a header, for
// [FindThemes]; other columns are ignored. Errors are *CSVError naming the
// line, like [ReadExamples]'s.
func ReadComments(r io.Reader, textCol string) ([]string, error) {
	var out []string
	cols := []string{textCol}
	err := eachRow(r, cols, func(record []string, line int, at []int) error {
		if err := checkFields(record, line, cols, at); err != nil {
			return err
		}
		out = append(out, record[at[0]])
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
