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
	var out []Example
	err := eachRow(r, textCol, labelCol, func(record []string, line, textAt, labelAt int) error {
		e, err := exampleFrom(record, line, textAt, labelAt, textCol, labelCol)
		if err != nil {
			return err
		}
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// eachRow reads CSV with a header naming textCol and otherCol and calls fn
// with every later record, its line number and the two columns' positions.
// Parse errors are *CSVError naming the line.
func eachRow(r io.Reader, textCol, otherCol string, fn func(record []string, line, textAt, otherAt int) error) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked per row by the caller, with a clearer message
	cr.ReuseRecord = true
	textAt, otherAt, err := readHeader(cr, textCol, otherCol)
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
		if err := fn(record, line, textAt, otherAt); err != nil {
			return err
		}
	}
}

// readHeader finds the named columns in the header record.
func readHeader(cr *csv.Reader, textCol, labelCol string) (textAt, labelAt int, err error) {
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return 0, 0, &CSVError{Line: 1, Err: errors.New("empty file: want a header naming the columns")}
	}
	if err != nil {
		return 0, 0, csvParseError(err)
	}
	line, _ := cr.FieldPos(0)
	if header[0] = strings.TrimPrefix(header[0], "\uFEFF"); !validUTF8(header) {
		return 0, 0, &CSVError{Line: line, Err: errors.New("header is not valid UTF-8")}
	}
	textAt, labelAt = columnIndex(header, textCol), columnIndex(header, labelCol)
	for _, missing := range []struct {
		name string
		at   int
	}{{textCol, textAt}, {labelCol, labelAt}} {
		if missing.at < 0 {
			return 0, 0, &CSVError{Line: line, Column: missing.name,
				Err: fmt.Errorf("no such column in header (have %s)", strings.Join(quoteAll(header), ", "))}
		}
	}
	return textAt, labelAt, nil
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

func exampleFrom(record []string, line, textAt, labelAt int, textCol, labelCol string) (Example, error) {
	for _, c := range []struct {
		name string
		at   int
	}{{textCol, textAt}, {labelCol, labelAt}} {
		if c.at >= len(record) {
			return Example{}, &CSVError{Line: line, Column: c.name,
				Err: fmt.Errorf("row has %d fields, column is field %d", len(record), c.at+1)}
		}
		if !utf8.ValidString(record[c.at]) {
			return Example{}, &CSVError{Line: line, Column: c.name, Err: errors.New("not valid UTF-8")}
		}
	}
	return Example{Text: record[textAt], Labels: splitLabels(record[labelAt])}, nil
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
	err := eachRow(r, textCol, scoreCol, func(record []string, line, textAt, scoreAt int) error {
		e, err := exampleFrom(record, line, textAt, scoreAt, textCol, scoreCol)
		if err != nil {
			return err
		}
		cell := strings.TrimSpace(record[scoreAt])
		if cell == "" {
			return nil
		}
		score, err := strconv.ParseFloat(cell, 64)
		if err != nil || math.IsNaN(score) || math.IsInf(score, 0) {
			return &CSVError{Line: line, Column: scoreCol, Err: fmt.Errorf("score %q is not a number", cell)}
		}
		out = append(out, ScoredComment{Text: e.Text, Score: score})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
