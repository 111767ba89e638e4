package text

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
	// Compound is the built-in service sentiment in (−1, 1): VADER's
	// valences with service-feedback cues (see lexiconScore).
	Compound float64 `json:"compound"`
	// Label is Compound read against the ±0.05 cut-off.
	Label Polarity `json:"label"`
}

// Sentiment scores a comment with the built-in model, which needs no
// training data. It is safe for concurrent use.
func Sentiment(comment string) SentimentScore {
	compound := lexiconScore(comment)
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
