package fresco

import "time"

// Invitation triggers: the recorded event after which a rule asks.
const (
	TriggerPurchase   = "purchase"    // a purchase by an identified customer
	TriggerCaseClosed = "case_closed" // a service-recovery case closed
	TriggerCallDone   = "call_done"   // a follow-up call task done
)

// InvitationRule says when a survey's invitation goes out by itself: after
// which event, how long after, by which channel, with an optional reminder,
// never inside the quiet hours (in the business's time zone).
type InvitationRule struct {
	ID       int64
	SurveyID int64
	Trigger  string // Trigger…
	// LocationID and PurchaseChannel narrow a purchase trigger to purchases
	// at that location / through that channel ("" any).
	LocationID      *int64
	PurchaseChannel string
	DelayHours      int    // after the event
	Channel         string // "email" or "sms"
	ReminderDays    int    // one reminder this many days after an unanswered send; 0 none
	// QuietStart and QuietEnd ("21:00", "08:00") bound the hours no
	// invitation goes out; a send that falls inside waits for QuietEnd.
	// Both empty: no quiet hours.
	QuietStart, QuietEnd string
	Active               bool
	CreatedBy            string
	CreatedAt, UpdatedAt time.Time
}

// Send statuses of an invitation the scheduler made.
const (
	SendPending = "pending"
	SendSent    = "sent"
	SendSkipped = "skipped"
)

// Skip reasons recorded on a skipped invitation.
const (
	SkipNoConsent      = "no_consent"
	SkipContacted      = "contacted" // the contact-frequency rule: asked recently (the detail names the day)
	SkipNoAddress      = "no_address"
	SkipAddressBounced = "address_bounced"
	SkipRuleInactive   = "rule_inactive"
	SkipSurveyArchived = "survey_archived"
)

// Reminder statuses of a sent invitation.
const (
	ReminderNone     = ""
	ReminderDue      = "due"
	ReminderSent     = "sent"
	ReminderAnswered = "answered" // answered before the reminder was due: none sent
	ReminderSkipped  = "skipped"  // consent withdrawn or address gone meanwhile
)

// InvitationSend is one (rule, trigger record): scheduled when the event is
// seen, sent or skipped at its due time, exactly once.
type InvitationSend struct {
	ID             int64
	RuleID         int64
	SurveyID       int64
	Trigger        string
	TriggerID      int64
	CustomerID     int64
	PurchaseID     *int64
	EventAt        time.Time
	DueAt          time.Time
	Status         string // Send…
	SkipReason     string // Skip…
	SkipDetail     string
	InvitationID   *int64
	SentAt         *time.Time
	RemindAt       *time.Time
	ReminderStatus string // Reminder…
	RemindedAt     *time.Time
	CreatedAt      time.Time
}

// InvitationTemplate is a survey's own invitation e-mail in one language
// (base language, e.g. "de"), overriding the built-in text.
type InvitationTemplate struct {
	SurveyID  int64
	Lang      string
	Subject   string
	Body      string
	UpdatedAt time.Time
}

// InvitationCounts is what the scheduler did for a survey or a listening post.
type InvitationCounts struct {
	Sent     int
	Skipped  map[string]int // by reason
	Opened   int            // of the sent, the survey form was viewed
	Answered int            // of the sent, answered
}
