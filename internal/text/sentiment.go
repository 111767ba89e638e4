package text

import (
	"sync"

	"github.com/jonreiter/govader"
)

// Polarity is the coarse reading of a compound sentiment score.
type Polarity string

// The three polarities a comment can have.
const (
	Negative Polarity = "negative"
	Neutral  Polarity = "neutral"
	Positive Polarity = "positive"
)

// polarityCutoff is the compound score beyond which a comment counts as
// positive or negative. ±0.05 is the cut-off the VADER authors recommend.
const polarityCutoff = 0.05

// SentimentScore is the sentiment of one comment.
type SentimentScore struct {
	// Compound is VADER's normalised sum of word valences, in [-1, 1].
	Compound float64 `json:"compound"`
	// Label is Compound read against the ±0.05 cut-off.
	Label Polarity `json:"label"`
}

// analyzer loads the VADER lexicon once, on first use: building it parses
// about 7,500 lexicon lines, far too slow to repeat per comment. After
// construction govader only reads its maps and compiled regexps, so one
// analyzer is safe for concurrent use.
var analyzer = sync.OnceValue(govader.NewSentimentIntensityAnalyzer)

// Sentiment scores a comment. It is safe for concurrent use.
func Sentiment(comment string) SentimentScore {
	compound := analyzer().PolarityScores(comment).Compound
	return SentimentScore{Compound: compound, Label: polarityOf(compound)}
}

func polarityOf(compound float64) Polarity {
	switch {
	case compound >= polarityCutoff:
		return Positive
	case compound <= -polarityCutoff:
		return Negative
	default:
		return Neutral
	}
}
