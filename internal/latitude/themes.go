package latitude

import (
	"slices"

	"github.com/fresco-cx/fresco/internal/text"
)

// What staff ask for, in their own words, sorted into themes by the
// keyword matcher of internal/text (whole words, stemmed: "refunding"
// matches "refund"). Unsupervised clustering (text.FindThemes) needs far
// more comments than a month of one business's staff writes, and its
// themes change name from month to month; a fixed list that names the
// gesture a theme is about lets the page put the asks beside the limits.

// Theme is one kind of decision staff ask to make.
type Theme struct {
	text.Category
	// Gesture is the gesture kind the theme is about (recovery.GestureKinds),
	// "" when it is about no gesture.
	Gesture string
}

// Other is the slug of answers no theme's keywords match.
const Other = "other"

// Themes are the decisions staff most often say they cannot make, in the
// order the page lists ties.
var Themes = []Theme{
	{text.Category{Slug: "refunds", Name: "Refunds", Description: "Giving money back without asking.",
		Keywords: []string{"refund", "money back", "reimburse", "pay back", "repay", "chargeback"}}, "refund"},
	{text.Category{Slug: "discounts", Name: "Discounts and coupons", Description: "Taking money off, now or next time.",
		Keywords: []string{"discount", "coupon", "voucher", "price match", "percent off", "% off", "money off", "promo code"}}, "coupon"},
	{text.Category{Slug: "replacements", Name: "Free items and replacements", Description: "Replacing, or giving something on the house.",
		Keywords: []string{"free", "replace", "replacement", "on the house", "comp", "complimentary", "exchange", "dessert", "drink"}}, "free_item"},
	{text.Category{Slug: "credits", Name: "Account credit", Description: "Credit on the customer's account.",
		Keywords: []string{"credit", "goodwill", "store credit", "account credit", "gift card"}}, "service_credit"},
	{text.Category{Slug: "upgrades", Name: "Upgrades", Description: "A better room, seat, plan or delivery.",
		Keywords: []string{"upgrade", "better room", "suite", "express delivery", "next day delivery", "priority"}}, "upgrade"},
	{text.Category{Slug: "policy", Name: "Exceptions to policy", Description: "Bending a rule for one customer: returns, fees, deadlines.",
		Keywords: []string{"exception", "policy", "waive", "fee", "return", "late checkout", "deadline", "extend", "rule", "without receipt"}}, ""},
	{text.Category{Slug: "scheduling", Name: "Shifts and scheduling", Description: "Staffing, rotas, breaks and overtime.",
		Keywords: []string{"shift", "rota", "schedule", "overtime", "break", "cover", "staffing", "time off", "hours"}}, ""},
	{text.Category{Slug: "ordering", Name: "Stock and ordering", Description: "Ordering, suppliers and stock.",
		Keywords: []string{"order", "stock", "supplier", "inventory", "reorder", "supplies"}}, ""},
}

// taxonomy is Themes as internal/text reads them.
var taxonomy = func() text.Taxonomy {
	t := make(text.Taxonomy, len(Themes))
	for i, th := range Themes {
		t[i] = th.Category
	}
	if err := t.Validate(); err != nil {
		panic(err) // a programming error in the list above
	}
	return t
}()

// ThemeOf is the slug of the theme an answer is about: the best match of
// the keywords (ties in list order), or Other.
func ThemeOf(answer string) string {
	if s := taxonomy.Suggest(answer); len(s) > 0 {
		return s[0].Label
	}
	return Other
}

// ThemeCount is how many answers were about one theme, with quotes only
// when the answers they are drawn from number at least MinN.
type ThemeCount struct {
	Slug    string   `json:"slug"`
	Name    string   `json:"name"`
	Gesture string   `json:"gesture,omitempty" doc:"The gesture kind the theme is about, when it is about one."`
	Count   int      `json:"count"`
	Percent float64  `json:"percent" doc:"Of the answers counted."`
	Quotes  []string `json:"quotes,omitempty" doc:"Up to three answers, in alphabetical order, unattributed and undated; only when at least 5 answers are counted."`
}

// MaxQuotes is how many answers a theme quotes.
const MaxQuotes = 3

// CountThemes sorts answers into themes, largest first (ties in list
// order, Other last); quotes only when len(answers) ≥ minN.
func CountThemes(answers []string, minN int) []ThemeCount {
	byTheme := map[string][]string{}
	for _, a := range answers {
		slug := ThemeOf(a)
		byTheme[slug] = append(byTheme[slug], a)
	}
	var out []ThemeCount
	add := func(slug, name, gesture string) {
		as := byTheme[slug]
		if len(as) == 0 {
			return
		}
		tc := ThemeCount{Slug: slug, Name: name, Gesture: gesture, Count: len(as), Percent: 100 * float64(len(as)) / float64(len(answers))}
		if len(answers) >= minN {
			quotes := slices.Clone(as)
			slices.Sort(quotes)
			quotes = slices.Compact(quotes)
			tc.Quotes = quotes[:min(MaxQuotes, len(quotes))]
		}
		out = append(out, tc)
	}
	for _, th := range Themes {
		add(th.Slug, th.Name, th.Gesture)
	}
	slices.SortStableFunc(out, func(a, b ThemeCount) int { return b.Count - a.Count })
	add(Other, "Other", "")
	return out
}
