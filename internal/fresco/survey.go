// Listening posts, surveys and their invitations (internal/feedback owns the
// rules; internal/store maps the rows).

package fresco

import "time"

// ListeningPost is a place where the business hears its customers.
type ListeningPost struct {
	ID          int64
	Slug        string // e.g. "survey", "follow_up_call"
	Name        string
	Description string
	UsedFor     string // how its feedback is used
	Solicited   bool   // the business asks (counts against the contact-frequency rule)
	Active      bool
	CreatedAt   time.Time
	Version     int64 // moves on every change; the API's ETag

	Purpose         string            // what the business wants to know here
	OwnerEmployeeID *int64            // who looks after the post
	Questions       []string          // the question(s) asked there
	Checklist       map[string]string // improvement steps ticked: step key -> note
	RetiredAt       *time.Time        // no new feedback answered after it; nil while in use
}

// FeedbackUse is one entry of a listening post's "used for" trail.
type FeedbackUse struct {
	ID         int64
	PostID     int64
	ResponseID *int64
	Note       string
	Actor      string
	At         time.Time
}

// Survey is a questionnaire tied to a listening post.
type Survey struct {
	ID        int64
	Slug      string
	Name      string
	PostID    int64
	PostSlug  string
	Intro     string
	Thanks    string // the thank-you after answering; "" the form's own words
	Questions []Question
	// Translations are the survey's texts in languages other than the
	// business's default, by language ("de"); the fields above are in the
	// default language, and a text a translation lacks falls back to them.
	Translations  map[string]SurveyTexts
	Active        bool
	WidgetEnabled bool
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Version       int64 // moves on every change; the API's ETag
}

// Question is one item of a survey, stored as JSON on the survey.
type Question struct {
	Key      string   `json:"key,omitempty"`
	Type     string   `json:"type"`
	Text     string   `json:"text,omitempty"`
	Item     string   `json:"item,omitempty"`
	Required bool     `json:"required,omitempty"`
	Choices  []string `json:"choices,omitempty"`
	Min      int      `json:"min,omitempty"`
	Max      int      `json:"max,omitempty"`
}

// SurveyTexts are a survey's texts in one language. An empty text is a
// missing translation: the form shows the default language's instead.
type SurveyTexts struct {
	Name   string `json:"name,omitempty"`
	Intro  string `json:"intro,omitempty"`
	Thanks string `json:"thanks,omitempty"`
	// Questions are by question key.
	Questions map[string]QuestionTexts `json:"questions,omitempty"`
}

// QuestionTexts are a question's texts in one language. Choices are keyed
// by the choice as the default language words it, which is also what an
// answer stores, so that answers in every language count together.
type QuestionTexts struct {
	Text    string            `json:"text,omitempty"`
	Choices map[string]string `json:"choices,omitempty"`
}

// Invitation is a signed, single-use, expiring survey link.
type Invitation struct {
	ID         int64
	SurveyID   int64
	CustomerID *int64
	PurchaseID *int64
	EmployeeID *int64
	LocationID *int64
	Channel    string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	UsedAt     *time.Time
	ResponseID *int64
	OpenedAt   *time.Time // the survey form was first viewed
}
