package pulse

import (
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// The keys of the questions every version of the set keeps (their wording
// may change): the service-profit chain reads them.
const (
	KeySatisfaction = "satisfaction" // job satisfaction
	KeyCapability   = "capability"   // perceived capability
	KeyLatitude     = "latitude"     // latitude to decide
	KeyDecisions    = "decisions"    // the open question about latitude
	KeyENPS         = "enps"         // employee NPS
)

// Limits of a question set.
const (
	MaxQuestions    = 20
	MaxQuestionText = 300
	MaxAnswerText   = 2000
)

// DefaultQuestions is the question set a business starts with: the seed's
// capability, satisfaction and latitude, its open question, and eNPS.
var DefaultQuestions = []fresco.PulseQuestion{
	{Key: KeySatisfaction, Kind: fresco.PulseScale, Text: "All in all, I am satisfied with my job."},
	{Key: KeyCapability, Kind: fresco.PulseScale, Text: "I have the skills, tools and support to deliver what customers want."},
	{Key: KeyLatitude, Kind: fresco.PulseScale, Text: "I can make the decisions my customers need."},
	{Key: KeyDecisions, Kind: fresco.PulseText, Text: "What decisions could you make that you can't now?"},
	{Key: KeyENPS, Kind: fresco.PulseENPS, Text: "How likely are you to recommend working here to a friend?"},
}

// coreKinds are the questions a set must keep, with their kinds.
var coreKinds = map[string]fresco.PulseQuestionKind{
	KeySatisfaction: fresco.PulseScale, KeyCapability: fresco.PulseScale, KeyLatitude: fresco.PulseScale,
	KeyDecisions: fresco.PulseText, KeyENPS: fresco.PulseENPS,
}

var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// CheckQuestions validates a question set, naming every bad field: keys
// are unique slugs, kinds known, texts present, the core questions kept
// with their kinds, eNPS asked once.
func CheckQuestions(qs []fresco.PulseQuestion) error {
	var v fresco.Validation
	v.Check(len(qs) > 0 && len(qs) <= MaxQuestions, "questions", "must hold 1 to %d questions", MaxQuestions)
	seen := map[string]bool{}
	for i, q := range qs {
		field := "questions[" + strconv.Itoa(i) + "]"
		switch {
		case !keyPattern.MatchString(q.Key):
			v.Add(field+".key", "must be a lower-case slug (a-z, 0-9, _; up to 40 characters, starting with a letter)")
		case seen[q.Key]:
			v.Add(field+".key", "%q is used twice", q.Key)
		}
		seen[q.Key] = true
		switch q.Kind {
		case fresco.PulseScale, fresco.PulseText:
		case fresco.PulseENPS:
			v.Check(q.Key == KeyENPS, field+".kind", "only the %q question is an eNPS question", KeyENPS)
		default:
			v.Add(field+".kind", "must be scale, enps or text")
		}
		if want, core := coreKinds[q.Key]; core && q.Kind != want {
			v.Add(field+".kind", "the %q question must stay a %s question", q.Key, want)
		}
		v.Text(field+".text", q.Text, true, MaxQuestionText)
	}
	for _, key := range []string{KeySatisfaction, KeyCapability, KeyLatitude, KeyDecisions, KeyENPS} {
		v.Check(seen[key], "questions", "must keep the %q question (its wording may change)", key)
	}
	return v.Err()
}

// cleanQuestions trims the texts.
func cleanQuestions(qs []fresco.PulseQuestion) []fresco.PulseQuestion {
	out := make([]fresco.PulseQuestion, len(qs))
	for i, q := range qs {
		out[i] = fresco.PulseQuestion{Key: strings.TrimSpace(q.Key), Kind: q.Kind, Text: strings.TrimSpace(q.Text)}
	}
	return out
}

// CheckAnswers validates the answers to a pulse asked with questions:
// every scale and eNPS question answered on its scale, texts optional and
// bounded, no unknown key. Fields are named "answers.<key>".
func CheckAnswers(questions []fresco.PulseQuestion, answers map[string]fresco.PulseAnswer) error {
	var v fresco.Validation
	known := map[string]fresco.PulseQuestionKind{}
	for _, q := range questions {
		known[q.Key] = q.Kind
		a, ok := answers[q.Key]
		field := "answers." + q.Key
		switch q.Kind {
		case fresco.PulseText:
			v.Check(a.Score == nil, field, "is a text question: give text, not a score")
			v.Text(field, a.Text, false, MaxAnswerText)
		default:
			lo, hi := scaleOf(q.Kind)
			switch {
			case !ok || a.Score == nil:
				v.Add(field, "is required: a whole number from %d to %d", lo, hi)
			case *a.Score < lo || *a.Score > hi:
				v.Add(field, "must be from %d to %d (got %d)", lo, hi, *a.Score)
			}
			v.Check(a.Text == "", field, "takes a score, not text")
		}
	}
	for _, key := range slices.Sorted(maps.Keys(answers)) {
		if _, ok := known[key]; !ok {
			v.Add("answers."+key, "this pulse asks no such question")
		}
	}
	return v.Err()
}

// scaleOf is the range of a scored question's answers.
func scaleOf(k fresco.PulseQuestionKind) (lo, hi int) {
	if k == fresco.PulseENPS {
		return 0, 10
	}
	return 1, 5
}
