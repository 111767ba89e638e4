package feedback_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// CreateSurvey refuses a bad survey naming the field, and stores neither the
// survey nor an audit record; a good one gets default keys and texts.
func TestCreateSurveyValidation(t *testing.T) {
	t.Parallel()
	q := func(typ string) fresco.Question { return fresco.Question{Type: typ} }
	cases := []struct {
		name  string
		sv    fresco.Survey
		field string
	}{
		{"bad slug", fresco.Survey{Slug: "After Stay", Name: "x", Questions: []fresco.Question{q("nps")}}, "slug"},
		{"no name", fresco.Survey{Slug: "s", Name: " ", Questions: []fresco.Question{q("nps")}}, "name"},
		{"no questions", fresco.Survey{Slug: "s", Name: "x"}, "questions"},
		{"too many questions", fresco.Survey{Slug: "s", Name: "x", Questions: make([]fresco.Question, feedback.MaxQuestions+1)}, "questions"},
		{"unknown type", fresco.Survey{Slug: "s", Name: "x", Questions: []fresco.Question{q("stars")}}, "questions[0].type"},
		{"key used twice", fresco.Survey{Slug: "s", Name: "x", Questions: []fresco.Question{{Key: "a", Type: "nps"}, {Key: "a", Type: "csat"}}}, "questions[1].key"},
		{"bad key", fresco.Survey{Slug: "s", Name: "x", Questions: []fresco.Question{{Key: "A B", Type: "nps"}}}, "questions[0].key"},
		{"process item", fresco.Survey{Slug: "s", Name: "x", Questions: []fresco.Question{{Type: "process_quality", Item: "speed"}}}, "questions[0].item"},
		{"value item", fresco.Survey{Slug: "s", Name: "x", Questions: []fresco.Question{{Type: "value", Item: "fun"}}}, "questions[0].item"},
		{"one choice", fresco.Survey{Slug: "s", Name: "x", Questions: []fresco.Question{{Type: "single_choice", Choices: []string{"only"}}}}, "questions[0].choices"},
		{"empty choice", fresco.Survey{Slug: "s", Name: "x", Questions: []fresco.Question{{Type: "multiple_choice", Choices: []string{"a", " "}}}}, "questions[0].choices[1]"},
		{"rating range", fresco.Survey{Slug: "s", Name: "x", Questions: []fresco.Question{{Type: "rating", Min: 3, Max: 2}}}, "questions[0].max"},
		{"rating too wide", fresco.Survey{Slug: "s", Name: "x", Questions: []fresco.Question{{Type: "rating", Min: 0, Max: 11}}}, "questions[0].max"},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		before, err := db.ListSurveys(ctx)
		must(t, err)
		for _, tc := range cases {
			sv := tc.sv
			err := w.svc.CreateSurvey(ctx, &sv, "employee:1")
			if fresco.ErrorCode(err) != fresco.EINVALID {
				t.Errorf("%s: %v, want invalid", tc.name, err)
				continue
			}
			if _, ok := fieldsOf(err)[tc.field]; !ok {
				t.Errorf("%s: fields %v, want %s", tc.name, fieldsOf(err), tc.field)
			}
		}
		after, err := db.ListSurveys(ctx)
		must(t, err)
		audit, err := db.ListAudit(ctx, "survey", "", 100)
		must(t, err)
		if len(after) != len(before) || len(audit) != 0 {
			t.Fatalf("refused surveys left %d surveys and %d audit records", len(after)-len(before), len(audit))
		}

		post, err := db.ListeningPostBySlug(ctx, "survey")
		must(t, err)
		sv := &fresco.Survey{Slug: "after-stay", Name: "After your stay", PostID: post.ID, Questions: []fresco.Question{
			{Type: "nps"}, {Type: "process_quality", Item: "empathy"}, {Type: "value", Item: "price"},
			{Type: "acquisition_source"}, {Type: "rating"}}}
		must(t, w.svc.CreateSurvey(ctx, sv, "employee:1"))
		got, err := db.SurveyBySlug(ctx, "after-stay")
		must(t, err)
		for i, q := range got.Questions {
			if q.Key != "q"+string(rune('1'+i)) || q.Text == "" {
				t.Errorf("question %d: key %q text %q, want defaults", i, q.Key, q.Text)
			}
		}
		if !strings.Contains(got.Questions[1].Text, "individual") || !strings.Contains(got.Questions[2].Text, "price") {
			t.Errorf("item texts: %q, %q", got.Questions[1].Text, got.Questions[2].Text)
		}
		if len(got.Questions[3].Choices) != len(feedback.DefaultAcquisitionChoices) || got.Questions[4].Min != 1 || got.Questions[4].Max != 5 {
			t.Errorf("defaults: choices %v, rating %d..%d", got.Questions[3].Choices, got.Questions[4].Min, got.Questions[4].Max)
		}
		audit, err = db.ListAudit(ctx, "survey", "", 100)
		must(t, err)
		if len(audit) != 1 || audit[0].Action != "create" {
			t.Errorf("audit after creating: %+v", audit)
		}
	})
}

// Record checks every answer against its type and the survey's questions,
// names the answer's field, and stores nothing when any answer is wrong.
func TestRecordAnswerValidation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		post, err := db.ListeningPostBySlug(ctx, "survey")
		must(t, err)
		sv := &fresco.Survey{Slug: "visit", Name: "Your visit", PostID: post.ID, Questions: []fresco.Question{
			{Key: "nps", Type: "nps", Required: true},
			{Key: "room", Type: "single_choice", Choices: []string{"Sea view", "Garden"}},
			{Key: "extras", Type: "multiple_choice", Choices: []string{"Spa", "Dinner"}},
			{Key: "stars", Type: "rating", Min: 1, Max: 3}}}
		must(t, w.svc.CreateSurvey(ctx, sv, "employee:1"))
		nps := feedback.AnswerInput{Question: "nps", Score: intp(9)}
		cases := []struct {
			name     string
			survey   bool
			answers  []feedback.AnswerInput
			field    string
			contains string
		}{
			{"nps above 10", false, []feedback.AnswerInput{{Type: "nps", Score: intp(11)}}, "answers[0].score", "between 0 and 10"},
			{"csat zero", false, []feedback.AnswerInput{{Type: "csat", Score: intp(0)}}, "answers[0].score", "between 1 and 5"},
			{"ces eight", false, []feedback.AnswerInput{{Type: "ces", Score: intp(8)}}, "answers[0].score", "between 1 and 7"},
			{"missing score", false, []feedback.AnswerInput{{Type: "csat"}}, "answers[0].score", "required"},
			{"text with score", false, []feedback.AnswerInput{{Type: "text", Text: "hi", Score: intp(3)}}, "answers[0].score", "no score"},
			{"empty text", false, []feedback.AnswerInput{{Type: "text", Text: " "}}, "answers[0].text", "required"},
			{"unknown type", false, []feedback.AnswerInput{{Type: "emoji"}}, "answers[0].type", "must be one of"},
			{"process item", false, []feedback.AnswerInput{{Type: "process_quality", Item: "speed", Score: intp(3)}}, "answers[0].item", "empathy"},
			{"single without choice", false, []feedback.AnswerInput{{Type: "single_choice"}}, "answers[0].choice", "required"},
			{"multiple without choices", false, []feedback.AnswerInput{{Type: "multiple_choice"}}, "answers[0].choices", "at least one"},
			{"no answer no comment", false, nil, "answers", "at least one answer"},
			{"too many answers", false, make([]feedback.AnswerInput, feedback.MaxAnswers+1), "answers", "at most"},
			{"unknown question", true, []feedback.AnswerInput{nps, {Question: "colour", Type: "text", Text: "x"}}, "answers[1].question", "not a question"},
			{"answered twice", true, []feedback.AnswerInput{nps, nps}, "answers[1].question", "twice"},
			{"type mismatch", true, []feedback.AnswerInput{{Question: "nps", Type: "csat", Score: intp(3)}}, "answers[0].type", "of type nps"},
			{"choice not offered", true, []feedback.AnswerInput{nps, {Question: "room", Choice: "Attic"}}, "answers[1].choice", "not one of the choices"},
			{"multi choice not offered", true, []feedback.AnswerInput{nps, {Question: "extras", Choices: []string{"Spa", "Golf"}}}, "answers[1].choices[1]", "not one of"},
			{"rating outside its own range", true, []feedback.AnswerInput{nps, {Question: "stars", Score: intp(4)}}, "answers[1].score", "between 1 and 3"},
			{"required missing", true, []feedback.AnswerInput{{Question: "room", Choice: "Garden"}}, "answers", `"nps"`},
		}
		for _, tc := range cases {
			in := &feedback.Input{CustomerID: &w.ada.ID, Answers: tc.answers}
			if tc.survey {
				in.SurveyID = &sv.ID
			}
			_, err := w.svc.Record(ctx, in)
			msg, ok := fieldsOf(err)[tc.field]
			if fresco.ErrorCode(err) != fresco.EINVALID || !ok || !strings.Contains(msg, tc.contains) {
				t.Errorf("%s: %v (fields %v), want %s: …%s…", tc.name, err, fieldsOf(err), tc.field, tc.contains)
			}
		}
		list, _, err := db.ListResponses(ctx, store.ResponseFilter{})
		must(t, err)
		if len(list) != 0 {
			t.Fatalf("refused responses stored: %d", len(list))
		}
		// The same survey answered properly is stored with its answers.
		r, err := w.svc.Record(ctx, &feedback.Input{CustomerID: &w.ada.ID, SurveyID: &sv.ID, Answers: []feedback.AnswerInput{
			nps, {Question: "room", Choices: []string{"Garden"}}, {Question: "extras", Choices: []string{" Spa ", "Dinner"}}, {Question: "stars", Score: intp(3)}}})
		must(t, err)
		if len(r.Answers) != 4 || r.Answers[1].Choices[0] != "Garden" || r.Answers[2].Choices[0] != "Spa" || *r.Answers[3].Score != 3 || r.PostSlug != "survey" {
			t.Fatalf("stored response %+v", r)
		}
	})
}

// Breakdowns of CSAT and CES by employee rank the groups with enough answers
// (ties share a rank) and hide the rest; by post they show every group.
func TestBreakdownCSATAndCES(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		cal := &fresco.Employee{Email: "cal@example.com", Name: "Cal", Role: fresco.RoleAgent, Active: true}
		must(t, db.CreateEmployee(ctx, cal))
		at := w.clock.Now().Add(-time.Hour)
		rec := func(e *fresco.Employee, typ string, score int, post string) {
			t.Helper()
			_, err := w.svc.Record(ctx, &feedback.Input{EmployeeID: &e.ID, RespondedAt: at, ListeningPost: post,
				Answers: []feedback.AnswerInput{{Type: typ, Score: intp(score)}}})
			must(t, err)
		}
		for i := range 30 {
			rec(w.bob, "csat", 5, "survey")
			rec(w.eve, "csat", []int{5, 3}[i%2], "web_form")
			rec(cal, "csat", 5, "web_form")
			rec(w.bob, "ces", 2, "survey")
		}
		for range 3 {
			rec(w.eve, "ces", 7, "survey")
		}
		rows, err := w.svc.Breakdown(ctx, store.ResponseFilter{}, feedback.ScaleCSAT, store.GroupEmployee, 10)
		must(t, err)
		if len(rows) != 3 || rows[0].Rank != 1 || rows[1].Rank != 1 || rows[2].Label != "Eve" || rows[2].Rank != 3 || rows[2].CSAT == nil {
			t.Fatalf("CSAT ranking %+v", rows)
		}
		if rows[0].CSAT.Mean.Mean != 5 || rows[2].CSAT.Mean.Mean != 4 {
			t.Errorf("CSAT means %v %v", rows[0].CSAT.Mean.Mean, rows[2].CSAT.Mean.Mean)
		}
		ces, err := w.svc.Breakdown(ctx, store.ResponseFilter{}, feedback.ScaleCES, store.GroupEmployee, 10)
		must(t, err)
		if len(ces) != 2 || ces[0].Label != "Bob" || ces[0].Hidden || !ces[1].Hidden || ces[1].N != 3 || ces[1].CES != nil || ces[0].CES == nil {
			t.Fatalf("CES ranking %+v", ces)
		}
		posts, err := w.svc.Breakdown(ctx, store.ResponseFilter{}, feedback.ScaleCSAT, store.GroupPost, 1000)
		must(t, err)
		if len(posts) != 2 || posts[0].Hidden || posts[1].Hidden || posts[0].Rank != 0 || posts[0].N+posts[1].N != 90 {
			t.Fatalf("CSAT by post %+v", posts)
		}
		all, err := w.svc.CES(ctx, store.ResponseFilter{})
		must(t, err)
		if all.N != 33 {
			t.Errorf("CES n = %d, want 33", all.N)
		}
		if _, err := w.svc.Breakdown(ctx, store.ResponseFilter{}, "happiness", store.GroupEmployee, 0); fresco.ErrorCode(err) != fresco.EINVALID {
			t.Errorf("unknown scale: %v", err)
		}
	})
}

// AddUse records how a post's feedback was used; the response it cites must
// exist and have come from that post.
func TestAddUseRules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		r, err := w.svc.Record(ctx, &feedback.Input{ListeningPost: "web_form", Comment: "the lift is slow"})
		must(t, err)
		missing, zero := int64(999999), int64(0)
		cases := []struct {
			name, post, note string
			resp             *int64
			field, code      string
		}{
			{"no note", "web_form", "", nil, "note", fresco.EINVALID},
			{"long note", "web_form", strings.Repeat("n", feedback.MaxTextLen+1), nil, "note", fresco.EINVALID},
			{"zero id", "web_form", "x", &zero, "response_id", fresco.EINVALID},
			{"missing response", "web_form", "x", &missing, "response_id", fresco.EINVALID},
			{"another post's response", "survey", "x", &r.ID, "response_id", fresco.EINVALID},
			{"unknown post", "carrier_pigeon", "x", nil, "", fresco.ENOTFOUND},
		}
		for _, tc := range cases {
			_, err := w.svc.AddUse(ctx, tc.post, tc.note, tc.resp, "employee:1")
			if fresco.ErrorCode(err) != tc.code {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
				continue
			}
			if tc.field != "" {
				if _, ok := fieldsOf(err)[tc.field]; !ok {
					t.Errorf("%s: fields %v, want %s", tc.name, fieldsOf(err), tc.field)
				}
			}
		}
		u, err := w.svc.AddUse(ctx, "web_form", "lift serviced after this", &r.ID, "employee:1")
		must(t, err)
		if u.ID == 0 || *u.ResponseID != r.ID || u.PostID != r.PostID {
			t.Fatalf("use %+v", u)
		}
	})
}
