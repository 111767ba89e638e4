package text

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
)

// Category is one entry of the taxonomy staff file comments under.
type Category struct {
	// Slug is the stable label stored against comments and learned by the
	// classifier, e.g. "price-billing". Lower-case letters, digits and hyphens.
	Slug string `json:"slug"`
	// Name is the human title shown in the interface.
	Name string `json:"name"`
	// Description tells staff what belongs here.
	Description string `json:"description"`
	// Keywords are words or phrases that suggest the category before any
	// model has been trained. Matching is whole-word, case-insensitive and
	// stemmed, so "wait" also matches "waiting" and "waited".
	Keywords []string `json:"keywords"`
}

// Taxonomy is an ordered, editable list of categories. Order matters only for
// display and for breaking ties between equally scored suggestions.
type Taxonomy []Category

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Validate reports the first problem that would make the taxonomy ambiguous:
// a malformed or duplicate slug, or a category without a name.
func (t Taxonomy) Validate() error {
	seen := make(map[string]bool, len(t))
	for i, c := range t {
		switch {
		case !slugPattern.MatchString(c.Slug):
			return fmt.Errorf("category %d: slug %q must be lower-case words joined by hyphens", i+1, c.Slug)
		case seen[c.Slug]:
			return fmt.Errorf("category %d: duplicate slug %q", i+1, c.Slug)
		case strings.TrimSpace(c.Name) == "":
			return fmt.Errorf("category %q: name is empty", c.Slug)
		}
		seen[c.Slug] = true
	}
	return nil
}

// Lookup returns the category with the given slug.
func (t Taxonomy) Lookup(slug string) (Category, bool) {
	i := slices.IndexFunc(t, func(c Category) bool { return c.Slug == slug })
	if i < 0 {
		return Category{}, false
	}
	return t[i], true
}

// Suggest offers categories whose keywords occur in the comment, best first.
// A category's score is 1 − 2^−k for k distinct matching keywords, so one
// match scores 0.5 and more matches approach 1; ties keep taxonomy order.
// It is the cold-start suggester, used until a [Model] has been trained.
func (t Taxonomy) Suggest(comment string) []Suggestion {
	text := stems(comment)
	var out []Suggestion
	for _, rule := range compileKeywords(t) {
		if hits := rule.hits(text); hits > 0 {
			out = append(out, Suggestion{Label: rule.slug, Score: keywordStrength(hits)})
		}
	}
	// Stable sort keeps taxonomy order among equal scores.
	slices.SortStableFunc(out, func(a, b Suggestion) int { return compareScoreDesc(a.Score, b.Score) })
	return out
}

// Predict returns the slugs of every category with a keyword in the comment,
// in the order of [Taxonomy.Suggest]. It lets keyword rules be evaluated like
// a trained model.
func (t Taxonomy) Predict(comment string) []string {
	return labelsOf(t.Suggest(comment))
}

// keywordStrength maps a count of matching keywords into [0.5, 1).
func keywordStrength(hits int) float64 { return 1 - math.Pow(0.5, float64(hits)) }

// keywordRule is a category's keywords, stemmed once.
type keywordRule struct {
	slug    string
	phrases [][]string
}

func compileKeywords(t Taxonomy) []keywordRule {
	rules := make([]keywordRule, len(t))
	for i, c := range t {
		rules[i].slug = c.Slug
		for _, k := range c.Keywords {
			if phrase := stems(k); len(phrase) > 0 {
				rules[i].phrases = append(rules[i].phrases, phrase)
			}
		}
	}
	return rules
}

// hits counts the rule's phrases that occur in the stemmed text.
func (r keywordRule) hits(text []string) int {
	n := 0
	for _, p := range r.phrases {
		if containsRun(text, p) {
			n++
		}
	}
	return n
}

// containsRun reports whether phrase occurs as consecutive tokens of text.
func containsRun(text, phrase []string) bool {
	for i := 0; i+len(phrase) <= len(text); i++ {
		if slices.Equal(text[i:i+len(phrase)], phrase) {
			return true
		}
	}
	return false
}

func compareScoreDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

func labelsOf(s []Suggestion) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = x.Label
	}
	return out
}
