package fresco

import "time"

// The employee pulse (internal/pulse): a short monthly staff survey whose
// answers are anonymous. These are its stored shapes; the rules live in
// package pulse.

// PulseQuestionKind is how a pulse question is answered.
type PulseQuestionKind string

const (
	PulseScale PulseQuestionKind = "scale" // 1–5, strongly disagree … strongly agree
	PulseENPS  PulseQuestionKind = "enps"  // 0–10, "how likely are you to recommend working here"
	PulseText  PulseQuestionKind = "text"  // free text, optional
)

// PulseQuestion is one question of a pulse, known by its key across
// versions of the question set.
type PulseQuestion struct {
	Key  string            `json:"key"`
	Kind PulseQuestionKind `json:"kind"`
	Text string            `json:"text"`
}

// PulseQuestionSet is one version of the questions. Editing the questions
// stores a new version; a pulse keeps the version it was opened with, so
// its results keep their wording.
type PulseQuestionSet struct {
	Version   int             `json:"version"`
	Questions []PulseQuestion `json:"questions"`
	CreatedBy string          `json:"created_by"`
	CreatedAt time.Time       `json:"created_at"`
}

// Pulse is one month's pulse. It is open from OpenedAt until ClosesAt (the
// start of the next month in the business's zone).
type Pulse struct {
	ID              int64
	Period          string // YYYY-MM, the month in the business's zone
	QuestionVersion int
	OpenedAt        time.Time
	ClosesAt        time.Time
	Invited         int // employees told about it
	Responses       int // answers received (staff and imported)
}

// Open reports whether the pulse takes answers at now.
func (p *Pulse) Open(now time.Time) bool { return now.Before(p.ClosesAt) }

// PulseAnswer is the answer to one question: a score for scale and eNPS
// questions, a text for text questions.
type PulseAnswer struct {
	Score *int
	Text  string
}

// PulseResponse is one anonymous answer to a pulse: the unit the answerer
// was in when they answered and their answers by question key. It holds no
// employee and no time.
type PulseResponse struct {
	PulseID    int64
	TeamID     *int64
	LocationID *int64
	Imported   bool
	Answers    map[string]PulseAnswer
}

// PulseAtom is what the store tells of the answers of one pulse from one
// team and location (the finest grouping there is): how many answered and,
// per question key, how many gave each score.
type PulseAtom struct {
	PulseID    int64
	TeamID     *int64
	LocationID *int64
	N          int
	Scores     map[string]map[int]int // question key → score → count
}

// PulseComment is one free-text answer with the atom it came from.
type PulseComment struct {
	PulseID    int64
	TeamID     *int64
	LocationID *int64
	Item       string
	Text       string
}
