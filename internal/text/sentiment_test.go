package text

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// serviceComplaints read as negative out of the box: the ways customers
// say a service went wrong that a general-purpose lexicon misses.
var serviceComplaints = []string{
	"We waited 40 minutes for cold food.",
	"Waited over an hour to be seen.",
	"The food was cold when it arrived.",
	"Rude staff at the front desk.",
	"The receptionist was rude and dismissive.",
	"I was passed around from department to department.",
	"Passed from pillar to post, nobody took responsibility.",
	"Still waiting for a call back after three weeks.",
	"My appointment was cancelled twice.",
	"No one told us what was happening.",
	"The ward was noisy all night.",
	"Could be more organised.",
	"Shorter waiting times please.",
	"Staff need to listen more.",
	"Took ages to get a reply.",
	"Nothing was explained to me.",
	"The toilets were filthy.",
	"I was never called back.",
	"Never heard back from them.",
	"Staff were too busy to help.",
	"The food was lukewarm.",
	"The toilets were out of order.",
	"The card machine was not working.",
	"Kept on hold for an hour.",
	"Very little information given.",
	"Not a lot of staff on the ward at night.",
}

func TestServiceComplaintsReadNegative(t *testing.T) {
	t.Parallel()
	for _, c := range serviceComplaints {
		if s := Sentiment(c); s.Label != Negative {
			t.Errorf("Sentiment(%q) = %+v, want negative", c, s)
		}
	}
}

func TestSatisfiedFeedbackReadsPositive(t *testing.T) {
	t.Parallel()
	for _, c := range []string{
		"Nothing, the care was brilliant.",
		"Nothing to improve.",
		"Can't fault the staff.",
		"Could not fault the staff.",
		"Very helpful and friendly nurses, thank you.",
		// Answers to "what could we improve?" that mean "nothing".
		"Absolutely nothing.",
		"I can't think of anything.",
		"Nope",
		"Not much.",
		"I don't think so.",
	} {
		if s := Sentiment(c); s.Label != Positive {
			t.Errorf("Sentiment(%q) = %+v, want positive", c, s)
		}
	}
}

// TestNothingOnlyAsTheWholeAnswer: "not much", "very little" and "not a
// lot" mean "nothing to improve" only when they are the whole answer.
func TestNothingOnlyAsTheWholeAnswer(t *testing.T) {
	t.Parallel()
	for _, c := range []string{
		"Not much information was given.",
		"Very little help from reception.",
		"Not a lot of staff on the ward at night.",
		"Absolutely nothing was done about it.",
	} {
		if s := Sentiment(c); s.Label == Positive {
			t.Errorf("Sentiment(%q) = %+v, want not positive", c, s)
		}
	}
}

// plantedScores generates comments whose 0–10 score is set by invented
// words no lexicon knows: each "zorbly" adds 2, each "krandle" takes 3
// away, around a neutral 6, plus noise. Only learning from the scores can
// find them.
func plantedScores(n int, seed uint64) []ScoredComment {
	rng := rand.New(rand.NewPCG(seed, 1))
	filler := []string{"the", "visit", "was", "on", "tuesday", "ward", "appointment", "nurse", "room", "today"}
	out := make([]ScoredComment, n)
	for i := range out {
		good, bad := rng.IntN(3), rng.IntN(3)
		var w []string
		for range 6 {
			w = append(w, filler[rng.IntN(len(filler))])
		}
		for range good {
			w = append(w, "zorbly")
		}
		for range bad {
			w = append(w, "krandle")
		}
		rng.Shuffle(len(w), func(a, b int) { w[a], w[b] = w[b], w[a] })
		score := 6 + 2*float64(good) - 3*float64(bad) + rng.NormFloat64()*0.5
		out[i] = ScoredComment{Text: strings.Join(w, " "), Score: min(10, max(0, score))}
	}
	return out
}

func TestTrainSentimentLearnsFromScores(t *testing.T) {
	t.Parallel()
	m, err := TrainSentiment(plantedScores(600, 1))
	if err != nil {
		t.Fatal(err)
	}
	test := plantedScores(300, 2)
	var got, lexicon, want []float64
	for _, c := range test {
		got = append(got, m.Score(c.Text))
		lexicon = append(lexicon, Sentiment(c.Text).Compound)
		want = append(want, c.Score)
	}
	rho := Spearman(got, want)
	t.Logf("learned rho %.3f, lexicon alone %.3f", rho, Spearman(lexicon, want))
	if rho < 0.9 {
		t.Errorf("learned Spearman rho %.3f, want >= 0.9", rho)
	}
	if good, bad := m.Score("zorbly zorbly"), m.Score("krandle krandle"); !(good > 0.3 && bad < -0.3) {
		t.Errorf("Score(zorbly zorbly) = %.2f, Score(krandle krandle) = %.2f", good, bad)
	}
	for _, c := range test {
		if s := m.Score(c.Text); !(s > -1 && s < 1) {
			t.Fatalf("Score(%q) = %v outside (-1, 1)", c.Text, s)
		}
	}
}

func TestTrainSentimentNeedsVaryingScores(t *testing.T) {
	t.Parallel()
	if _, err := TrainSentiment([]ScoredComment{{"a", 3}, {"b", 3}}); err != ErrNoScores {
		t.Errorf("error = %v, want ErrNoScores", err)
	}
}

func TestSentimentModelJSONRoundTrip(t *testing.T) {
	t.Parallel()
	m, err := TrainSentiment(plantedScores(100, 3))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(m)
	var loaded SentimentModel
	if err := json.Unmarshal(data, &loaded); err != nil {
		t.Fatal(err)
	}
	if a, b := m.Score("zorbly ward"), loaded.Score("zorbly ward"); a != b {
		t.Errorf("after round trip %v, want %v", b, a)
	}
	if err := json.Unmarshal([]byte(`{"format":1,"terms":["a"],"idf":[1],"weights":[1]}`), new(SentimentModel)); err == nil {
		t.Error("accepted a model with too few weights")
	}
	var j map[string]any
	_ = json.Unmarshal(data, &j)
	j["steps"] = []float64{}
	broken, _ := json.Marshal(j)
	if err := json.Unmarshal(broken, new(SentimentModel)); err == nil {
		t.Error("accepted a model with fewer steps than cuts")
	}
}

func TestSpearman(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b []float64
		want float64
	}{
		{[]float64{1, 2, 3}, []float64{10, 20, 30}, 1},
		{[]float64{1, 2, 3}, []float64{3, 2, 1}, -1},
		{[]float64{1, 1, 2}, []float64{1, 2, 3}, 0.8660254037844387}, // ties share rank 1.5
		{[]float64{1, 1, 1}, []float64{1, 2, 3}, 0},
	}
	for _, tt := range tests {
		if got := Spearman(tt.a, tt.b); !near(got, tt.want) && fmt.Sprintf("%.9f", got) != fmt.Sprintf("%.9f", tt.want) {
			t.Errorf("Spearman(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
