package recovery

import (
	"bytes"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// The letter's gesture reads as English: the right article, "of" or
// "worth" before an amount, and the amount in the business's currency.
func TestGestureTextGrammar(t *testing.T) {
	for _, c := range []struct {
		g    fresco.Gesture
		want string
	}{
		{fresco.Gesture{Kind: "refund", Amount: 4000}, "a refund of $40.00"},
		{fresco.Gesture{Kind: "service_credit", Amount: 1500}, "a service credit of $15.00"},
		{fresco.Gesture{Kind: "coupon", Amount: 1000}, "a coupon worth $10.00"},
		{fresco.Gesture{Kind: "upgrade"}, "an upgrade"},
		{fresco.Gesture{Kind: "free_item"}, "a free item"},
		{fresco.Gesture{Kind: "apology_letter"}, ""},
	} {
		money := fresco.NewFormatter(fresco.DefaultSettings()).Money // the business's currency
		if got := gestureText(&c.g, money); got != c.want {
			t.Errorf("%s %v: %q, want %q", c.g.Kind, c.g.Amount, got, c.want)
		}
	}
	var b bytes.Buffer
	err := template.Must(template.New("").Parse(DefaultLetter)).Execute(&b, LetterData{CustomerName: "Ada Lovelace",
		Summary: "Room not ready on arrival", OwnerName: "Max Manager", Gesture: "an upgrade"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Dear Ada Lovelace,", "what went wrong (Room not ready on arrival). I am sorry",
		"please accept an upgrade.", "Yours sincerely,\nMax Manager"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("letter lacks %q:\n%s", want, b.String())
		}
	}
}

func TestInWords(t *testing.T) {
	for d, want := range map[time.Duration]string{
		40 * time.Minute:         "1 hour",
		5 * time.Hour:            "5 hours",
		720 * time.Hour:          "30 days",
		16682 * time.Hour:        "23 months",
		3 * 365 * 24 * time.Hour: "3 years",
	} {
		if got := inWords(d); got != want {
			t.Errorf("inWords(%v) = %q, want %q", d, got, want)
		}
	}
}
