package suggestions

// Suggestions the customer sees themselves (issue 15): on a survey's
// thank-you page and in a survey invitation, only when the owner turned
// them on (settings' suggestions_to_customers), with every guard rail of
// the staff's view (For), a few at most, each with its reason in the
// customer's language and a link that stops them.

import (
	"context"
	"fmt"
	"strings"

	"github.com/fresco-cx/fresco/internal/prefs"
)

// CustomerCount is how many suggestions a customer is shown at most: a
// few, so that a thank-you stays a thank-you.
const CustomerCount = 3

// ForCustomer is what a customer is shown of their own suggestions.
type ForCustomer struct {
	Heading string
	Items   []CustomerItem
	// StopPath is the signed link (a path) that stops them: a GET asks,
	// a POST stops at once.
	StopPath, StopWords string
}

// CustomerItem is one suggestion with its reason in the customer's words.
type CustomerItem struct {
	Name, Reason string
}

// ToCustomer returns the suggestions customerID may be shown, in lang
// (a language tag; the business's when empty), or nil: nil whenever the
// owner has not turned suggestions to customers on, the customer may not
// be suggested anything (For's guard rails: consent, opt-out, an open
// complaint, erasure), or nothing passes them.
func (s *Service) ToCustomer(ctx context.Context, customerID int64, lang string) (*ForCustomer, error) {
	set := s.opts.Settings(ctx)
	if !set.SuggestionsToCustomers {
		return nil, nil
	}
	l, err := s.For(ctx, customerID, CustomerCount)
	if err != nil || l.Withheld != "" || len(l.Items) == 0 {
		return nil, err
	}
	token, err := prefs.New(s.db).Token(customerID, prefs.ScopeAll)
	if err != nil {
		return nil, err
	}
	w := prefs.WordsFor(lang, set.Locale)
	out := &ForCustomer{Heading: w.SuggestionsHeading, StopPath: StopPath(token), StopWords: w.StopThese}
	for _, it := range l.Items {
		out.Items = append(out.Items, CustomerItem{Name: it.Name, Reason: fmt.Sprintf(w.Because, it.BecauseName)})
	}
	return out, nil
}

// StopPath is the path of a customer link's one-click stop of suggestions.
func StopPath(token string) string { return prefs.PreferencesPath(token) + "/suggestions-off" }

// MailText is f as a block of plain text for an e-mail, the stop link
// made absolute with baseURL; "" when f is nil.
func (f *ForCustomer) MailText(baseURL string) string {
	if f == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n\n— " + f.Heading + " —\n")
	for _, it := range f.Items {
		fmt.Fprintf(&b, "\n• %s (%s)", it.Name, it.Reason)
	}
	fmt.Fprintf(&b, "\n\n%s:\n%s%s", f.StopWords, strings.TrimRight(baseURL, "/"), f.StopPath)
	return b.String()
}
