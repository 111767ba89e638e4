package text

import (
	"maps"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/jonreiter/govader"
)

// serviceCue is a phrase that says how a service experience went, with its
// valence: negative for a complaint or a wish for something different,
// positive for praise. VADER's lexicon was built from social-media posts
// and knows neither "waited 40 minutes" nor "could be more", which are the
// commonest ways customers say something went wrong.
type serviceCue struct {
	phrase  []string // stems
	valence float64
}

// serviceCueList is written from how customers describe services (waiting,
// cold food, rude staff, being passed around, asking for more or better),
// not learned from any labelled file.
var serviceCueList = []struct {
	phrase  string
	valence float64
}{
	// Waiting and delay.
	{"wait", -0.6}, {"waiting time", -0.3}, {"queue", -0.5}, {"delay", -0.7}, {"late", -0.5},
	{"hours", -0.3}, {"weeks", -0.3}, {"months", -0.4}, {"too long", -0.8}, {"took ages", -0.9},
	{"still waiting", -1.0}, {"cancelled", -0.7}, {"rescheduled", -0.4}, {"postponed", -0.5},
	{"chase", -0.6}, {"chasing", -0.6}, {"sooner", -0.5}, {"quicker", -0.5}, {"faster", -0.4},
	{"earlier", -0.3}, {"on time", -0.2},
	// Food and premises.
	{"cold food", -1.0}, {"food was cold", -1.0}, {"cold", -0.5}, {"noisy", -0.7}, {"noise", -0.6},
	{"dirty", -0.9}, {"filthy", -1.1}, {"unclean", -0.9}, {"smelly", -0.7}, {"smell", -0.5}, {"uncomfortable", -0.7}, {"parking", -0.3}, {"broken", -0.7},
	{"lukewarm", -0.8}, {"out of order", -0.8}, {"not working", -0.7}, {"on hold", -0.6},
	// Too little of what a service gives ("very little pain" is not one).
	{"very little information", -0.8}, {"very little help", -0.8}, {"very little support", -0.8},
	{"very little communication", -0.9}, {"not much information", -0.8}, {"not much help", -0.8},
	{"not much support", -0.8}, {"not a lot of staff", -0.8}, {"not a lot of information", -0.8}, {"not a lot of help", -0.8},
	// Staff manner and coordination.
	{"rude", -1.2}, {"ignored", -1.0}, {"dismissive", -1.0}, {"unhelpful", -1.0}, {"not listened", -1.0},
	{"didnt listen", -1.0}, {"no one", -0.7}, {"nobody", -0.7}, {"nothing was", -0.8}, {"nothing has been", -0.8}, {"passed around", -1.0},
	{"passed from", -0.8}, {"pushed from pillar to post", -1.2}, {"pillar to post", -1.2},
	{"lost", -0.5}, {"forgot", -0.7}, {"forgotten", -0.7}, {"mistake", -0.7}, {"wrong", -0.7},
	{"no communication", -1.0}, {"lack of", -0.8}, {"lack", -0.6}, {"not enough", -0.8},
	{"understaffed", -0.9}, {"short staffed", -0.9}, {"too busy", -0.8}, {"never called", -0.8},
	{"never heard back", -1.0}, {"no reply", -0.8}, {"no response", -0.8}, {"never", -0.5}, {"again and again", -0.5},
	{"had to", -0.4}, {"difficult", -0.5}, {"hard to", -0.5}, {"confusing", -0.6}, {"unclear", -0.6},
	{"complaint", -0.8}, {"complain", -0.8}, {"problem", -0.4}, {"issue", -0.4},
	// Asking for something different: in feedback it means it fell short.
	{"could be", -0.6}, {"could have been", -0.7}, {"could do with", -0.7}, {"would be nice", -0.5},
	{"would be better", -0.7}, {"would be good", -0.5}, {"would have", -0.4}, {"would like", -0.4},
	{"should", -0.6}, {"need", -0.5}, {"needs to", -0.7}, {"improve", -0.6}, {"improved", -0.4},
	{"improvement", -0.5}, {"more", -0.5}, {"less", -0.4}, {"better", -0.3}, {"maybe", -0.4},
	{"perhaps", -0.4}, {"wish", -0.5}, {"too", -0.3}, {"only", -0.2}, {"but", -0.4}, {"however", -0.5},
	{"although", -0.3}, {"sometimes", -0.3}, {"not always", -0.6},
	// Praise in the words services hear it.
	{"thank", 0.8}, {"thanks", 0.8}, {"excellent", 0.9}, {"fantastic", 0.9}, {"brilliant", 0.9},
	{"amazing", 0.9}, {"wonderful", 0.9}, {"great", 0.7}, {"good", 0.5}, {"kind", 0.6}, {"caring", 0.7},
	{"helpful", 0.6}, {"friendly", 0.6}, {"lovely", 0.7}, {"professional", 0.5}, {"happy", 0.6},
	{"listened", 0.5}, {"supportive", 0.6}, {"understanding", 0.4}, {"reassuring", 0.6},
	{"couldnt fault", 1.2}, {"could not fault", 1.2}, {"cant fault", 1.2}, {"cannot fault", 1.2},
	{"can not fault", 1.2}, {"no complaints", 1.0},
	{"nothing to improve", 1.4}, {"nothing could be improved", 1.4}, {"couldnt be better", 1.2},
	{"keep up the good work", 1.0}, {"made a difference", 0.8}, {"felt safe", 0.6},
}

var serviceCues = compileCues()

func compileCues() []serviceCue {
	out := make([]serviceCue, 0, len(serviceCueList))
	for _, c := range serviceCueList {
		out = append(out, serviceCue{phrase: stems(c.phrase), valence: c.valence})
	}
	return out
}

// negators turn the cue right after them round, "not rude" being faint
// praise and "not good" a complaint.
var negators = []string{"not", "no", "never", "dont", "didnt", "wasnt", "werent", "isnt", "arent", "cant", "couldnt", "wont", "without"}

// negationDamping is how much of a cue's valence survives, reversed, after a
// negator: "not rude" is not as good as "kind".
const negationDamping = 0.5

// negationWindow is how many words back a negator reaches: "could not do
// anything better" negates "better".
const negationWindow = 3

// cueValence sums the valences of every cue occurrence in the stemmed
// words, a cue shortly after a negator counting reversed and damped, into
// praise (positive) and complaint (negative, as a negative number). Longer
// cues are matched first, and the words they cover are not matched again,
// so "nothing to improve" does not also count as "improve".
func cueValence(text []string) (praise, complaint float64) {
	used := make([]bool, len(text))
	for _, c := range cuesLongestFirst {
		for i := 0; i+len(c.phrase) <= len(text); i++ {
			if !slices.Equal(text[i:i+len(c.phrase)], c.phrase) || slices.Contains(used[i:i+len(c.phrase)], true) {
				continue
			}
			for k := range c.phrase {
				used[i+k] = true
			}
			v := c.valence
			if negatedAt(text, i) {
				v *= -negationDamping
			}
			if v > 0 {
				praise += v
			} else {
				complaint += v
			}
		}
	}
	return praise, complaint
}

var cuesLongestFirst = func() []serviceCue {
	out := slices.Clone(serviceCues)
	slices.SortStableFunc(out, func(a, b serviceCue) int { return len(b.phrase) - len(a.phrase) })
	return out
}()

func negatedAt(text []string, i int) bool {
	for k := max(0, i-negationWindow); k < i; k++ {
		if slices.Contains(negators, text[k]) {
			return true
		}
	}
	return false
}

// nothingOpeners answer "what could we improve?" with "nothing": on a
// feedback form that is praise, though VADER reads "no" and "nothing" as
// negative.
var nothingOpeners = [][]string{
	{"nothing"}, {"no"}, {"none"}, {"nil"}, {"na"}, {"n", "a"}, {"not", "really"}, {"not", "a", "thing"},
	{"cant", "think"}, {"cannot", "think"}, {"no", "improvement"}, {"no", "improvements"},
	{"absolutely", "nothing"}, {"nope"}, {"i", "cant", "think"}, {"i", "cannot", "think"}, {"i", "can", "not", "think"},
}

// nothingAnswers say "nothing" too, but only as the whole answer: "Not
// much." is praise on a form asking what to improve, "Not much
// information was given" a complaint.
var nothingAnswers = [][]string{
	{"not", "much"}, {"not", "a", "lot"}, {"very", "little"}, {"zero"}, {"i", "dont", "think", "so"}, {"dont", "think", "so"},
}

// nothingOpenerValence is the praise an opening "nothing" carries.
const nothingOpenerValence = 1.5

// opensWithNothing reports whether the comment's first words are one of the
// nothingOpeners, and if so how many words that is. "No one called" and
// "Nothing was explained" open a complaint instead, which the word after
// the opener gives away.
func opensWithNothing(w []string) int {
	for _, a := range nothingAnswers {
		if slices.Equal(w, a) {
			return len(a)
		}
	}
	for _, o := range nothingOpeners {
		if len(w) >= len(o) && slices.Equal(w[:len(o)], o) {
			if len(w) > len(o) && complaintAfterNothing[w[len(o)]] {
				return 0
			}
			return len(o)
		}
	}
	return 0
}

var complaintAfterNothing = setOf(`one body was were is has had happened happens done seems seemed ever
help support information response reply contact communication explained seen followed`)

// imperativeOpeners are verbs that, opening a comment, make it an
// instruction to do better ("Listen to patients.", "Give more notice.").
var imperativeOpeners = setOf(`listen give let ensure make provide offer advertise keep stop treat allow
try be do dont get put send tell explain answer call check reduce increase employ hire improve change
consider use update introduce bring include speak communicate inform contact follow respond arrange
clean open switch turn show stay ask read return look remember`)

const imperativeValence = -0.8

// lexiconScore is the built-in sentiment of a comment in (−1, 1). Praise
// (VADER's compound score when positive, praise cues, an opening
// "nothing") and complaint (VADER's when negative, complaint cues, an
// opening imperative) are summed with complaint weighing double: in
// feedback a comment that praises the staff and then reports a four-hour
// wait is a complaint with manners.
func lexiconScore(comment string) float64 {
	praise, complaint := lexiconParts(comment)
	return math.Tanh(praiseWeight*praise + complaintWeight*complaint)
}

// lexiconParts is lexiconScore's praise (≥ 0) and complaint (≤ 0) before
// they are weighed and squashed.
func lexiconParts(comment string) (praise, complaint float64) {
	w := words(comment)
	// The cues read the whole comment, so that "Nothing to improve" is the
	// praise cue it is, not an opener and then "improve"; VADER reads what
	// follows the opener, since it counts "nothing" and "no" as complaints.
	cues := stems(comment)
	if n := opensWithNothing(w); n > 0 {
		praise += nothingOpenerValence
		comment = strings.Join(w[n:], " ")
	} else if len(w) > 0 && imperativeOpeners[w[0]] {
		complaint += imperativeValence
	}
	if v := serviceAnalyzer().PolarityScores(comment).Compound; v > 0 {
		praise += v
	} else {
		complaint += v
	}
	p, c := cueValence(cues)
	return praise + p, complaint + c
}

// praiseWeight and complaintWeight set how praise and complaint add up.
const praiseWeight, complaintWeight = 0.5, 1.0

func setOf(list string) map[string]bool {
	set := make(map[string]bool)
	for _, w := range strings.Fields(list) {
		set[w] = true
	}
	return set
}

// serviceAnalyzer is VADER, loaded once on first use (building it parses
// about 7,500 lexicon lines; afterwards govader only reads its maps, so one
// analyzer is safe for concurrent use), with words that are neutral in
// service feedback taken out of its lexicon: "care", "help" and "support" name what a
// service provides, and "better", "improve" and "wish" introduce what it
// should do differently, yet VADER scores them all as praise.
var serviceAnalyzer = sync.OnceValue(func() *govader.SentimentIntensityAnalyzer {
	a := govader.NewSentimentIntensityAnalyzer()
	lexicon := maps.Clone(a.Lexicon)
	for w := range strings.FieldsSeq(serviceNeutralWords) {
		delete(lexicon, w)
	}
	a.Lexicon = lexicon
	return a
})

const serviceNeutralWords = `care cares cared help helps helped support supports supported like please hope hoped
hopes want wants wish wishes improve improved improves improvement improvements better fresh free
ensure share agree yes interest interested clear clearer`
