package demo

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/store"
)

// testDemoCommentLabels: staff categorised a few hundred of the older
// comments with categories of the taxonomy, the last three weeks stay
// uncategorised, and the classifier is trained on them: a model version,
// its cross-validated figures, the unused category listed as needing
// labels, a queue of comments to categorise, and the week's new problem
// (the Café's card machine) a growing theme.
func testDemoCommentLabels(t *testing.T, db *store.DB, w *world) {
	ctx := context.Background()
	labelled := count(t, db, `SELECT COUNT(*) FROM responses WHERE categorised_by <> ''`)
	if labelled < feedback.MinTrainingExamples || labelled > labelledComments {
		t.Fatalf("%d comments categorised, want %d to %d", labelled, feedback.MinTrainingExamples, labelledComments)
	}
	quiet := w.end.AddDate(0, 0, -labelQuietDays)
	if n := count(t, db, `SELECT COUNT(*) FROM responses WHERE categorised_by <> '' AND responded_at >= ?`, quiet); n != 0 {
		t.Errorf("%d comments of the last %d days categorised", n, labelQuietDays)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM responses WHERE categorised_by NOT LIKE 'employee:%' AND categorised_by <> ''`); n != 0 {
		t.Errorf("%d comments categorised by nobody in particular", n)
	}
	svc := feedback.New(db, feedback.Options{Now: func() time.Time { return w.end }})
	tax, err := svc.Taxonomy(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range allClauses() {
		if _, ok := tax.Lookup(c.category); !ok {
			t.Errorf("clause %q: category %q is not in the taxonomy", c.text, c.category)
		}
	}
	st, err := svc.ClassifierStatus(ctx)
	if err != nil || !st.Trained || st.Evaluation == nil || st.Labelled != labelled {
		t.Fatalf("classifier %+v, %v; want trained on the %d categorised comments", st, err, labelled)
	}
	versions, err := svc.ModelVersions(ctx)
	if err != nil || len(versions) != 1 || !versions[0].Active {
		t.Errorf("model versions %+v, %v", versions, err)
	}
	needs, err := svc.CategoryNeeds(ctx)
	if err != nil || len(needs) != len(tax) || needs[0].Label != "feature-request" || needs[0].Support != 0 {
		t.Errorf("category needs %+v, %v: want every category, the unused feature-request first", needs, err)
	}
	queue, err := svc.LabellingQueue(ctx, 5)
	if err != nil || len(queue) == 0 || slices.ContainsFunc(queue, func(q feedback.QueuedComment) bool { return q.Response.CategorisedBy != "" }) {
		t.Errorf("labelling queue %+v, %v: want uncategorised comments", queue, err)
	}
	themes, err := svc.RefreshThemes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cardMachine := slices.IndexFunc(themes.Themes, func(th feedback.EmergingTheme) bool {
		return th.Growing && slices.ContainsFunc(th.Examples, func(e feedback.ThemeExample) bool { return strings.Contains(e.Comment, "card machine") })
	})
	if cardMachine < 0 {
		t.Errorf("no growing theme about the Café's card machine among %+v", themes.Themes)
	}
}

func allClauses() []clause {
	var all []clause
	for _, c := range clauseSets {
		all = slices.Concat(all, c.praise, c.grumbles, c.complaints)
	}
	return all
}

// TestCommentLabelsReadBackTheClauses draws comments of every kind and
// score and checks that the categories read back from each are those of
// the clauses it was made from, and that no clause hides inside another
// of a different category (which would file a comment wrongly).
func TestCommentLabelsReadBackTheClauses(t *testing.T) {
	all := allClauses()
	for _, a := range all {
		for _, b := range all {
			if a != b && strings.Contains(strings.ToLower(b.text), strings.ToLower(a.text)) && a.category != b.category {
				t.Errorf("clause %q is inside %q, of another category", a.text, b.text)
			}
		}
	}
	r := newRNG(7, "comments")
	distinct := map[string]bool{}
	for i := range 3000 {
		key, nps := siteKey(i%4), i%11
		comment := drawComment(r, key, nps)
		distinct[comment] = true
		labels, maybe := commentLabels(comment)
		want := wantLabels(comment, key, nps)
		if got := slices.Concat(labels, maybe); !sameSet(got, want) {
			t.Fatalf("%q (nps %d): labels %v + maybe %v, want %v", comment, nps, labels, maybe, want)
		}
		if nps >= 9 && (len(labels) == 0 || labels[0] != "praise" || maybe != nil) {
			t.Errorf("promoter's %q: labels %v, maybe %v; want praise first and nothing maybe", comment, labels, maybe)
		}
		if nps <= 6 && slices.Contains(labels, "praise") {
			t.Errorf("detractor's %q filed as praise", comment)
		}
		if comment != sentence(comment) || !strings.HasSuffix(strings.TrimRight(comment, "!"), ".") && !strings.HasSuffix(comment, "!") {
			t.Errorf("%q is not written as sentences", comment)
		}
	}
	if len(distinct) < 500 {
		t.Errorf("3,000 comments hold %d distinct texts; want variety (at least 500)", len(distinct))
	}
	if l, m := commentLabels("Nothing to add."); l != nil || m != nil {
		t.Errorf("a comment of no clause: labels %v, maybe %v", l, m)
	}
}

// wantLabels are the categories of the clauses of comment's kind of
// location that it contains, with "praise" when it holds no complaint or
// grumble: worked out from the clause lists directly, not by commentLabels.
func wantLabels(comment string, key siteKey, nps int) []string {
	c := commentClauses[key]
	var cats []string
	negative := false
	for _, group := range [][]clause{c.praise, c.grumbles, c.complaints} {
		for _, cl := range group {
			if strings.Contains(strings.ToLower(comment), strings.ToLower(cl.text)) && !slices.Contains(cats, cl.category) {
				cats = append(cats, cl.category)
				negative = negative || !slices.Contains(c.praise, cl)
			}
		}
	}
	if !negative && nps >= 9 {
		cats = append(cats, "praise")
	}
	return cats
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}
