package text

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestReadExamples(t *testing.T) {
	t.Parallel()
	in := "\uFEFFid, comment ,tags\n" +
		"1,Slow and rude,waiting-delivery; staff-manner ;\n" +
		"2,\"Great, thanks\nsee you\",praise\n" +
		"3,No label yet,\n" +
		"4,Dup,praise;praise\n"
	got, err := ReadExamples(strings.NewReader(in), "comment", "tags")
	if err != nil {
		t.Fatal(err)
	}
	want := []Example{
		{Text: "Slow and rude", Labels: []string{"waiting-delivery", "staff-manner"}},
		{Text: "Great, thanks\nsee you", Labels: []string{"praise"}},
		{Text: "No label yet", Labels: nil},
		{Text: "Dup", Labels: []string{"praise"}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d examples, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i].Text != want[i].Text || !slices.Equal(got[i].Labels, want[i].Labels) {
			t.Errorf("example %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestReadExamplesErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in   string
		line       int
		column     string
		errMention string
	}{
		{"empty file", "", 1, "", "empty file"},
		{"missing text column", "body,label\nx,y\n", 1, "text", "no such column"},
		{"missing label column", "text,tags\nx,y\n", 1, "label", `"tags"`},
		{"short row", "text,label\nok,praise\nonly text\n", 3, "label", "row has 1 fields"},
		{"invalid UTF-8 text", "text,label\nok,praise\nbad \xff byte,praise\n", 3, "text", "UTF-8"},
		{"invalid UTF-8 label", "text,label\nok,pr\xc3aise\n", 2, "label", "UTF-8"},
		{"bare quote", "text,label\nok,praise\nsaid \"hi,praise\n", 3, "", "quote"},
		{"unterminated quote", "text,label\n\"never closed,praise\n", 2, "", "quote"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ReadExamples(strings.NewReader(tt.in), "text", "label")
			var ce *CSVError
			if !errors.As(err, &ce) {
				t.Fatalf("error = %v, want *CSVError", err)
			}
			if ce.Line != tt.line || ce.Column != tt.column {
				t.Errorf("error at line %d column %q, want line %d column %q (%v)", ce.Line, ce.Column, tt.line, tt.column, err)
			}
			if !strings.Contains(err.Error(), tt.errMention) || !strings.Contains(err.Error(), "line ") {
				t.Errorf("error %q should mention the line and %q", err, tt.errMention)
			}
		})
	}
}

// FuzzReadExamples checks that any input either fails with a *CSVError or
// yields examples whose fields obey the reader's promises.
func FuzzReadExamples(f *testing.F) {
	f.Add("text,label\nhello,praise\n")
	f.Add("text,label\n\"a,b\",x; y ;\n")
	f.Add("label,text\n;;,\"\"\n")
	f.Add("text,label\nbad \xff,x\n")
	f.Add("\uFEFFtext,label\r\nx,\"a\nb\"\r\n")
	f.Fuzz(func(t *testing.T, in string) {
		examples, err := ReadExamples(strings.NewReader(in), "text", "label")
		if err != nil {
			var ce *CSVError
			if !errors.As(err, &ce) || ce.Line < 1 {
				t.Fatalf("error %v (%T) is not a *CSVError with a line", err, err)
			}
			return
		}
		for _, e := range examples {
			if !utf8.ValidString(e.Text) {
				t.Fatalf("invalid UTF-8 text %q", e.Text)
			}
			for _, l := range e.Labels {
				if l == "" || l != strings.TrimSpace(l) || strings.Contains(l, LabelSeparator) || !utf8.ValidString(l) {
					t.Fatalf("bad label %q", l)
				}
			}
			if len(slices.Compact(slices.Sorted(slices.Values(e.Labels)))) != len(e.Labels) {
				t.Fatalf("repeated labels %q", e.Labels)
			}
		}
	})
}

func TestReadLevelledExamples(t *testing.T) {
	t.Parallel()
	in := "text,sub,label\nRude nurse,Attitude,Staff\nNo label,,\n"
	got, err := ReadLevelledExamples(strings.NewReader(in), "text", "sub", "label")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !slices.Equal(got[0].Labels, []string{"Attitude"}) || !slices.Equal(got[0].OtherLevel, []string{"Staff"}) ||
		got[1].OtherLevel != nil {
		t.Errorf("got %+v", got)
	}
	_, err = ReadLevelledExamples(strings.NewReader(in), "text", "sub", "parent")
	var ce *CSVError
	if !errors.As(err, &ce) || ce.Column != "parent" || ce.Line != 1 {
		t.Errorf("missing other-level column: err %v, want a *CSVError naming column parent on line 1", err)
	}
	_, err = ReadLevelledExamples(strings.NewReader("text,sub,label\nx,y\n"), "text", "sub", "label")
	if !errors.As(err, &ce) || ce.Column != "label" || ce.Line != 2 {
		t.Errorf("short row: err %v, want a *CSVError naming column label on line 2", err)
	}
}
