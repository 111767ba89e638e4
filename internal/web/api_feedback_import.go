package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
)

// POST /api/v1/responses:import: satisfaction cards and market-research
// results from CSV. Each line is one response, stored whole or rejected with
// its line number and the bad columns named; good lines around a bad one are
// stored. A line whose external_id was imported before is skipped.

const (
	maxImportBytes = 16 << 20
	maxImportLines = 50000
)

var importScoreColumns = []string{feedback.TypeNPS, feedback.TypeCSAT, feedback.TypeCES}

func importResponseLines(ctx context.Context, fb *feedback.Service, body []byte, actor string) (*ImportResult, error) {
	body = bytes.TrimPrefix(body, []byte("\ufeff"))
	if !utf8.Valid(body) {
		return nil, invalidField("body", "%s", "the CSV is not valid UTF-8")
	}
	if nul := bytes.IndexByte(body, 0); nul >= 0 {
		line := 1 + bytes.Count(body[:nul], []byte("\n"))
		return nil, invalidField("body", "line %d holds a NUL character, which cannot be stored", line)
	}
	r := csv.NewReader(bytes.NewReader(body))
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	header, err := r.Read()
	if err == io.EOF {
		return nil, invalidField("body", "%s", "the CSV is empty: it needs a header line")
	}
	if err != nil {
		return nil, invalidField("body", "%s", "line 1: "+err.Error())
	}
	cols := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if _, dup := cols[name]; dup && name != "" {
			return nil, invalidField("body", "%s", "line 1: column "+strconv.Quote(name)+" appears twice")
		}
		cols[name] = i
	}
	known := []string{"external_id", "listening_post", "customer_id", "customer_external_id", "purchase_id", "purchase_external_id",
		"employee_id", "employee_email", "location_id", "responded_at", "nps", "csat", "ces", "acquisition_source", "comment", "segment"}
	for name := range cols {
		if name == "" || slices.Contains(known, name) || slices.Contains(feedback.ProcessQualityItems, name) ||
			slices.Contains(feedback.ValueItems, name) || strings.HasPrefix(name, "rating:") {
			continue
		}
		return nil, invalidField("body", "%s", "line 1: unknown column "+strconv.Quote(name)+"; known: "+strings.Join(known, ", ")+
			", the process-quality and value items, and rating:<name>")
	}
	res := &ImportResult{Errors: []ImportLineError{}}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			res.Rejected++
			res.Errors = append(res.Errors, ImportLineError{Line: line, Errors: []FieldError{{Field: "line", Message: err.Error()}}})
			continue
		}
		if line-1 > maxImportLines {
			return nil, fresco.Errorf(fresco.ETOOLARGE, "an import holds at most %d lines", maxImportLines)
		}
		get := func(name string) string {
			if i, ok := cols[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		in, answerCols, lineErr := importLine(ctx, fb, get, header, actor)
		if lineErr == nil {
			_, lineErr = fb.Record(ctx, in)
		}
		switch {
		case lineErr == nil:
			res.Created++
		case fresco.ErrorCode(lineErr) == fresco.ECONFLICT && hasField(lineErr, "external_id"):
			res.Skipped++
		case fresco.ErrorCode(lineErr) == fresco.EINVALID || fresco.ErrorCode(lineErr) == fresco.ECONFLICT:
			fields := fresco.ErrorFields(lineErr)
			if len(fields) == 0 {
				fields = []fresco.FieldError{{Field: "line", Message: fresco.ErrorMessage(lineErr)}}
			}
			res.Rejected++
			res.Errors = append(res.Errors, ImportLineError{Line: line, Errors: importFieldNames(fields, answerCols)})
		default:
			return nil, lineErr
		}
	}
	return res, nil
}

// importFieldNames names answer fields by their CSV column ("answers[1].score" → "csat").
func importFieldNames(fields []fresco.FieldError, answerCols []string) []FieldError {
	out := make([]FieldError, len(fields))
	for i, f := range fields {
		out[i] = FieldError{Field: f.Field, Message: f.Message}
		rest, ok := strings.CutPrefix(f.Field, "answers[")
		if !ok {
			continue
		}
		n, _, ok := strings.Cut(rest, "]")
		if k, err := strconv.Atoi(n); ok && err == nil && k < len(answerCols) {
			out[i].Field = answerCols[k]
		}
	}
	return out
}

func importLine(ctx context.Context, fb *feedback.Service, get func(string) string, header []string, actor string) (*feedback.Input, []string, error) {
	var v fresco.Validation
	var answerCols []string
	db := fb.DB()
	in := &feedback.Input{ExternalID: get("external_id"), ListeningPost: get("listening_post"), Comment: get("comment"),
		Segment: get("segment"), Source: "import", Actor: actor}
	if in.ListeningPost == "" {
		in.ListeningPost = feedback.PostSatisfaction
	}
	id := func(col string) *int64 {
		s := get(col)
		if s == "" {
			return nil
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			v.Add(col, "%q is not an id", s)
			return nil
		}
		return &n
	}
	in.CustomerID, in.PurchaseID, in.EmployeeID, in.LocationID = id("customer_id"), id("purchase_id"), id("employee_id"), id("location_id")
	if ext := get("customer_external_id"); ext != "" && in.CustomerID == nil {
		c, err := db.CustomerByExternalID(ctx, ext)
		if err != nil {
			v.Add("customer_external_id", "no customer with external_id %q", ext)
		} else {
			in.CustomerID = &c.ID
		}
	}
	if ext := get("purchase_external_id"); ext != "" && in.PurchaseID == nil {
		p, err := db.PurchaseByExternalID(ctx, ext)
		if err != nil {
			v.Add("purchase_external_id", "no purchase with external_id %q", ext)
		} else {
			in.PurchaseID = &p.ID
		}
	}
	if email := get("employee_email"); email != "" && in.EmployeeID == nil {
		e, err := db.EmployeeByEmail(ctx, email)
		if err != nil {
			v.Add("employee_email", "no employee with e-mail %q", email)
		} else {
			in.EmployeeID = &e.ID
		}
	}
	if s := get("responded_at"); s != "" {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			in.RespondedAt = t.UTC()
		} else if d, err := time.Parse(time.DateOnly, s); err == nil {
			in.RespondedAt = d
		} else {
			v.Add("responded_at", "%q is neither a date (2024-05-01) nor an RFC 3339 time", s)
		}
	}
	score := func(col, typ, item string) {
		s := get(col)
		if s == "" {
			return
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			v.Add(col, "%q is not a whole number", s)
			return
		}
		a := feedback.AnswerInput{Type: typ, Item: item, Score: &n}
		if typ == feedback.TypeRating {
			a.Question = item
			a.Item = ""
		}
		in.Answers = append(in.Answers, a)
		answerCols = append(answerCols, col)
	}
	for _, typ := range importScoreColumns {
		score(typ, typ, "")
	}
	for _, item := range feedback.ProcessQualityItems {
		score(item, feedback.TypeProcessQuality, item)
	}
	for _, item := range feedback.ValueItems {
		score(item, feedback.TypeValue, item)
	}
	for _, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if r, ok := strings.CutPrefix(name, "rating:"); ok && r != "" {
			score(name, feedback.TypeRating, r)
		}
	}
	if src := get("acquisition_source"); src != "" {
		in.Answers = append(in.Answers, feedback.AnswerInput{Type: feedback.TypeAcquisitionSource, Choice: src})
		answerCols = append(answerCols, "acquisition_source")
	}
	return in, answerCols, v.Err()
}
