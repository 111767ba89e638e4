package text

import "slices"

// Aspect is the process-quality influence a complaint is about (seed 002's
// five influences, after SERVQUAL).
type Aspect string

// The five aspects.
const (
	// Dependability: doing what was promised, right the first time.
	Dependability Aspect = "dependability"
	// Responsiveness: speed and willingness to help; waiting, replies.
	Responsiveness Aspect = "responsiveness"
	// Authority: competence, knowledge and the trust they earn.
	Authority Aspect = "authority"
	// Empathy: courtesy, listening, individual attention.
	Empathy Aspect = "empathy"
	// TangibleEvidence: premises, food, equipment, cleanliness, documents.
	TangibleEvidence Aspect = "tangible-evidence"
)

// aspectCues are phrases that point at each aspect, matched as stems.
var aspectCues = []struct {
	aspect  Aspect
	phrases []string
}{
	{Dependability, []string{"cancel", "cancelled", "forgot", "forgotten", "lost", "mistake", "wrong", "error",
		"promised", "didnt turn up", "did not turn up", "never turned up", "missed", "not as promised", "inconsistent",
		"conflicting", "again and again", "kept changing", "rescheduled", "broken promise", "never arrived", "same nurse",
		"continuity", "different person each time"}},
	{Responsiveness, []string{"wait", "waiting", "waited", "delay", "slow", "queue", "took ages", "took forever",
		"no reply", "no response", "call back", "answer the phone", "answer phone", "hours", "weeks", "months",
		"sooner", "quicker", "faster", "late", "chase", "still waiting", "passed around", "pillar to post", "on hold"}},
	{Authority, []string{"knowledge", "knowledgeable", "competent", "incompetent", "didnt know", "did not know",
		"unprofessional", "professional", "qualified", "experience", "inexperienced", "confidence", "diagnosis",
		"misdiagnosed", "advice", "wrong information", "trained", "training", "expert", "unsafe", "not safe"}},
	{Empathy, []string{"rude", "listen", "listened", "not listened", "caring", "uncaring", "dismissive", "ignored",
		"compassion", "understanding", "respect", "disrespectful", "attitude", "kind", "unkind", "patronising",
		"condescending", "manner", "shouted", "judged", "dignity", "personal", "individual", "felt like a number"}},
	{TangibleEvidence, []string{"food", "meal", "cold food", "clean", "dirty", "noisy", "noise", "parking", "room",
		"ward", "equipment", "toilet", "bathroom", "chair", "bed", "building", "signage", "temperature", "hot", "cold",
		"smell", "facilities", "tv", "wifi", "leaflet", "letter", "paperwork"}},
}

type compiledAspect struct {
	aspect  Aspect
	phrases [][]string
}

var compiledAspects = func() []compiledAspect {
	out := make([]compiledAspect, len(aspectCues))
	for i, a := range aspectCues {
		out[i].aspect = a.aspect
		for _, p := range a.phrases {
			out[i].phrases = append(out[i].phrases, stems(p))
		}
	}
	return out
}()

// AspectScore is how strongly a comment points at one aspect: the number of
// its cue phrases the comment contains.
type AspectScore struct {
	Aspect Aspect `json:"aspect"`
	Hits   int    `json:"hits"`
}

// Aspects ranks the aspects a comment mentions, most cue hits first; ties
// keep the order dependability, responsiveness, authority, empathy,
// tangible evidence. Aspects with no hit are left out.
func Aspects(comment string) []AspectScore {
	text := stems(comment)
	var out []AspectScore
	for _, a := range compiledAspects {
		hits := 0
		for _, p := range a.phrases {
			if containsRun(text, p) {
				hits++
			}
		}
		if hits > 0 {
			out = append(out, AspectScore{Aspect: a.aspect, Hits: hits})
		}
	}
	slices.SortStableFunc(out, func(a, b AspectScore) int { return b.Hits - a.Hits })
	return out
}

// ComplaintAspect is the aspect a negative comment is about: the top of
// [Aspects] when the built-in sentiment reads the comment as negative, and
// false when it is not negative or no aspect fits. It feeds the drivers
// report and the fail points of process maps, which are about what went
// wrong.
func ComplaintAspect(comment string) (Aspect, bool) {
	if Sentiment(comment).Label != Negative {
		return "", false
	}
	if ranked := Aspects(comment); len(ranked) > 0 {
		return ranked[0].Aspect, true
	}
	return "", false
}
