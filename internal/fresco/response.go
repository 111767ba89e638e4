// Responses, their answers and the comment categories staff assign
// (internal/feedback owns the rules; internal/store maps the rows).

package fresco

import "time"

// Response is one piece of feedback.
type Response struct {
	ID                int64
	ExternalID        string
	PostID            int64
	PostSlug          string
	SurveyID          *int64
	InvitationID      *int64
	CustomerID        *int64
	PurchaseID        *int64
	EmployeeID        *int64
	LocationID        *int64
	Segment           string
	Source            string // api, link, widget, import, call, ui
	Language          string // the language the form was answered in ("de"); "" not known
	RespondedAt       time.Time
	PurchasedAt       *time.Time
	NPS, CSAT, CES    *int
	AcquisitionSource string
	Comment           string
	Sentiment         *float64
	SentimentLabel    string
	Categories        []string
	CategorisedBy     string
	Suggested         []string
	CreatedBy         string
	Answers           []Answer
	CreatedAt         time.Time
}

// Answer is one answer of a response.
type Answer struct {
	Question string
	Type     string
	Item     string
	Score    *int
	Choices  []string
	Text     string
}

// FeedbackCategory is one entry of the editable comment taxonomy.
type FeedbackCategory struct {
	Slug        string
	Name        string
	Description string
	Keywords    []string
	Position    int
	Active      bool
}
