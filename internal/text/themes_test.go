package text

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// plantedTopics are comments about three topics, written in varied words
// but each sharing its topic's nouns, shuffled together.
var plantedTopics = map[string][]string{
	"parking": {
		"The car park was full and parking cost a fortune.",
		"Could not find parking anywhere near the car park entrance.",
		"Parking charges in the car park are far too high.",
		"The car park needs more disabled parking spaces.",
		"Spent twenty minutes looking for parking in the car park.",
		"Car park barriers broken again, parking was chaos.",
		"Free parking for blue badge holders in the car park please.",
		"Parking attendant in the car park was unhelpful.",
	},
	"food": {
		"The hospital food was cold and tasteless.",
		"Hospital food arrived cold every evening.",
		"Hot food would be nice, the hospital food was cold.",
		"Vegetarian hospital food options were poor and cold.",
		"The hospital food portions were tiny and cold.",
		"Cold hospital food again at lunch.",
		"Better hospital food please, it is always cold.",
		"Breakfast was fine but the hospital food at dinner was cold.",
	},
	"waiting": {
		"The waiting time in clinic was three hours.",
		"Long waiting time before the appointment started.",
		"Waiting time for a referral was six months.",
		"Reduce the waiting time in the clinic please.",
		"Our waiting time in the clinic was ridiculous.",
		"The waiting time to see a doctor was far too long.",
		"Clinic waiting time is getting worse every visit.",
		"Waiting time for results was two weeks.",
	},
}

func plantedCorpus() (comments []string, topic []string) {
	for i := range 8 {
		for _, name := range []string{"parking", "food", "waiting"} {
			comments = append(comments, plantedTopics[name][i])
			topic = append(topic, name)
		}
	}
	return comments, topic
}

func TestFindThemesRecoversPlantedTopics(t *testing.T) {
	t.Parallel()
	comments, topic := plantedCorpus()
	themes := FindThemes(comments, ThemeOptions{K: 3})
	if len(themes) != 3 {
		t.Fatalf("found %d themes: %+v", len(themes), themes)
	}
	found := map[string]bool{}
	for _, th := range themes {
		counts := map[string]int{}
		for _, m := range th.Members {
			counts[topic[m]]++
		}
		majority, best := "", 0
		for name, n := range counts {
			if n > best {
				majority, best = name, n
			}
		}
		if purity := float64(best) / float64(len(th.Members)); purity < 0.9 {
			t.Errorf("theme %q is %.0f%% %s: %v", th.Label, 100*purity, majority, counts)
		}
		found[majority] = true
		if !strings.Contains(th.Label+" "+strings.Join(th.Terms, " "), stem(majority)) {
			t.Errorf("theme of %s labelled %q (terms %v)", majority, th.Label, th.Terms)
		}
		if len(th.Examples) == 0 || !slices.Contains(th.Members, th.Examples[0]) {
			t.Errorf("theme %q examples %v not among its members", th.Label, th.Examples)
		}
	}
	if len(found) != 3 {
		t.Errorf("topics found %v, want all three", found)
	}
}

func TestFindThemesIsDeterministic(t *testing.T) {
	t.Parallel()
	comments, _ := plantedCorpus()
	a, b := FindThemes(comments, ThemeOptions{}), FindThemes(comments, ThemeOptions{})
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Error("two runs differ")
	}
	if FindThemes(nil, ThemeOptions{}) != nil || FindThemes([]string{"!!!"}, ThemeOptions{}) != nil {
		t.Error("themes from nothing")
	}
}

func TestThemeGrowth(t *testing.T) {
	t.Parallel()
	if _, sig := ThemeGrowth(5, 500, 40, 500); !sig {
		t.Error("5 → 40 of 500 comments not significant")
	}
	if _, sig := ThemeGrowth(20, 500, 24, 500); sig {
		t.Error("20 → 24 of 500 comments called significant")
	}
	if _, sig := ThemeGrowth(0, 100, 3, 100); sig {
		t.Error("three comments called a trend")
	}
	if z, sig := ThemeGrowth(1, 0, 3, 100); sig || z != 0 {
		t.Error("empty period gave a trend")
	}
}

func TestComplaintAspect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		comment string
		want    Aspect
	}{
		{"We waited three hours to be seen.", Responsiveness},
		{"My appointment was cancelled twice and nobody told me.", Dependability},
		{"The receptionist was rude and dismissive.", Empathy},
		{"The doctor seemed inexperienced and gave wrong information.", Authority},
		{"The ward was dirty and the toilets smelled.", TangibleEvidence},
	}
	for _, tt := range tests {
		if got, ok := ComplaintAspect(tt.comment); !ok || got != tt.want {
			t.Errorf("ComplaintAspect(%q) = %q, %v; want %q (aspects %v)", tt.comment, got, ok, tt.want, Aspects(tt.comment))
		}
	}
	for _, praise := range []string{"Lovely clean ward, thank you.", "The nurse was kind and listened."} {
		if got, ok := ComplaintAspect(praise); ok {
			t.Errorf("ComplaintAspect(%q) = %q for praise", praise, got)
		}
	}
	if got, ok := ComplaintAspect("Terrible, just terrible."); ok {
		t.Errorf("ComplaintAspect with no aspect = %q", got)
	}
}

// TestThemeExamplesAreDistinct repeats one comment of each planted topic
// five times, the way "Nothing" or a listening post's template repeats:
// each theme still shows three different comments, though the repeats
// score nearest its centre.
func TestThemeExamplesAreDistinct(t *testing.T) {
	t.Parallel()
	comments, _ := plantedCorpus()
	for range 5 {
		comments = append(comments, plantedTopics["parking"][2], plantedTopics["food"][5], plantedTopics["waiting"][0])
	}
	themes := FindThemes(comments, ThemeOptions{K: 3})
	if len(themes) != 3 {
		t.Fatalf("found %d themes: %+v", len(themes), themes)
	}
	for _, th := range themes {
		var seen []string
		for _, i := range th.Examples {
			if slices.Contains(seen, comments[i]) {
				t.Errorf("theme %q shows %q twice: examples %v", th.Label, comments[i], th.Examples)
			}
			seen = append(seen, comments[i])
		}
		if len(seen) != themeExamples {
			t.Errorf("theme %q shows %d examples, want %d", th.Label, len(seen), themeExamples)
		}
	}
}

// TestThemesMergeATopicSplitInTwo asks for twice as many themes as the
// corpus has topics: k-means splits topics, and the halves, whose centres
// share the topic's words, are joined again.
func TestThemesMergeATopicSplitInTwo(t *testing.T) {
	t.Parallel()
	comments, topic := plantedCorpus()
	themes := FindThemes(comments, ThemeOptions{K: 6})
	if len(themes) != 3 {
		t.Fatalf("found %d themes, want the 3 planted topics: %+v", len(themes), themes)
	}
	for _, th := range themes {
		if len(th.Members) != 8 || !pure(th.Members, topic) {
			t.Errorf("theme %q: members %v, want one topic's 8 comments", th.Label, th.Members)
		}
	}
}

// TestThemesLeaveOutStragglers adds comments that share a word or two
// with a planted topic by chance: they belong to no theme, and the
// planted themes keep only their own comments.
func TestThemesLeaveOutStragglers(t *testing.T) {
	t.Parallel()
	comments, topic := plantedCorpus()
	stragglers := []string{
		"My daughter loved the garden and the birds outside the window.",
		"The chaplain visited and we talked about football for an hour.",
		"Lovely view of the hills from the day room, and the park nearby.",
		"Thank you to the porter who found my glasses under the bed.",
		"The volunteer with the tea trolley was a delight.",
		"Interesting leaflets about diet in the clinic corridor.",
	}
	for _, s := range stragglers {
		comments = append(comments, s)
		topic = append(topic, "straggler")
	}
	themed := 0
	for _, th := range FindThemes(comments, ThemeOptions{K: 3}) {
		themed += len(th.Members)
		if !pure(th.Members, topic) || topic[th.Members[0]] == "straggler" {
			t.Errorf("theme %q mixes in stragglers: %v", th.Label, th.Members)
		}
	}
	if themed != 24 {
		t.Errorf("%d comments in themes, want the 24 planted ones", themed)
	}
}

func pure(members []int, topic []string) bool {
	for _, m := range members {
		if topic[m] != topic[members[0]] {
			return false
		}
	}
	return true
}
