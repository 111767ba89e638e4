package cli

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// themesCSV writes a CSV of comments about three planted topics, eight
// each in different words, and four one-off comments, with a column
// before the text naming the topic; it returns the file and each
// comment's topic.
func themesCSV(t *testing.T) (string, map[string]string) {
	t.Helper()
	topics := map[string][]string{
		"parking": {"The car park was full and parking cost a fortune.", "Could not find parking near the car park entrance.",
			"Parking charges in the car park are far too high.", "The car park needs more disabled parking.",
			"Spent twenty minutes looking for parking in the car park.", "Car park barriers broken, parking was chaos.",
			"Free parking in the car park please.", "Parking attendant in the car park was unhelpful."},
		"food": {"The hospital food was cold and tasteless.", "Hospital food arrived cold every evening.",
			"Hot food would be nice, the hospital food was cold.", "Vegetarian hospital food options were poor and cold.",
			"The hospital food portions were tiny and cold.", "Cold hospital food again at lunch.",
			"Better hospital food please, it is always cold.", "The hospital food at dinner was cold."},
		"waiting": {"The waiting time in clinic was three hours.", "Long waiting time before the appointment.",
			"Waiting time for a referral was six months.", "Reduce the waiting time in the clinic please.",
			"Our waiting time in the clinic was ridiculous.", "The waiting time to see a doctor was too long.",
			"Clinic waiting time is getting worse.", "Waiting time for results was two weeks."},
	}
	rows := [][]string{{"topic", "text"}}
	topicOf := map[string]string{}
	for i := range 8 {
		for _, name := range []string{"parking", "food", "waiting"} {
			rows = append(rows, []string{name, topics[name][i]})
			topicOf[topics[name][i]] = name
		}
	}
	for _, s := range []string{"My daughter loved the garden.", "The chaplain talked football with me.",
		"Thank you to the porter who found my glasses.", "The volunteer with the tea trolley was a delight."} {
		rows = append(rows, []string{"one-off", s})
		topicOf[s] = "one-off"
	}
	path := filepath.Join(t.TempDir(), "comments.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := csv.NewWriter(f).WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return path, topicOf
}

func TestTextThemesJSON(t *testing.T) {
	t.Parallel()
	path, topicOf := themesCSV(t)
	code, out, errOut := runTextCLI(t, "", "text", "themes", "--input", path, "--text-col", "text", "--k", "3", "--json")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	var rep themesReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("stdout %q is not JSON: %v", out, err)
	}
	if rep.Comments != 28 || rep.Unthemed != 4 || len(rep.Themes) != 3 {
		t.Fatalf("%d comments, %d unthemed, %d themes; want 28, the 4 one-offs, the 3 planted topics: %s", rep.Comments, rep.Unthemed, len(rep.Themes), out)
	}
	topics := map[string]bool{}
	for _, th := range rep.Themes {
		if th.Count != 8 || len(th.Examples) != 3 || len(th.Terms) == 0 || th.Label == "" {
			t.Errorf("theme %+v: want 8 comments, 3 examples, a label and its terms", th)
		}
		for _, e := range th.Examples {
			if topicOf[e] != topicOf[th.Examples[0]] || topicOf[e] == "one-off" {
				t.Errorf("theme %q mixes topics: %q", th.Label, th.Examples)
			}
		}
		topics[topicOf[th.Examples[0]]] = true
	}
	if len(topics) != 3 {
		t.Errorf("themes cover topics %v, want all three", topics)
	}
}

func TestTextThemesTable(t *testing.T) {
	t.Parallel()
	path, _ := themesCSV(t)
	code, out, errOut := runTextCLI(t, "", "text", "themes", "--input", path, "--k", "3")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	for _, want := range []string{"28 comments: 24 in 3 themes, 4 sharing too little", "THEME", "car park", "8"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestTextThemesBadInput(t *testing.T) {
	t.Parallel()
	path, _ := themesCSV(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--text-col", "text"}, "--input"},
		{[]string{"--input", path, "--text-col", "comment"}, `"comment"`},
		{[]string{"--input", path, "--k", "-1"}, "--k"},
		{[]string{"--input", filepath.Join(t.TempDir(), "missing.csv")}, "missing.csv"},
	} {
		code, _, errOut := runTextCLI(t, "", append([]string{"text", "themes"}, c.args...)...)
		if code == 0 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want a failure naming %s", c.args, code, errOut, c.want)
		}
	}
}
