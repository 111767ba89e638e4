package demo

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Comments left with feedback responses, by kind of location and by how the
// customer scored: promoters (9–10) praise one or two things, passives
// (7–8) praise one and grumble about another, detractors (0–6) complain
// about waiting, staff manner, price, cleanliness or booking confusion.
// Each comment is put together from clauses, so that comments vary the way
// real ones do: a classifier tested on comments it has not seen meets new
// combinations rather than the same forty sentences again, and its
// cross-validated figures look like a real business's rather than 100%.
// No clause asks for a new feature, so that category of the default
// taxonomy shows what a category without examples looks like.

// clause is one thing a customer says, with the category (the default
// taxonomy's slug) a person would file it under.
type clause struct {
	text     string
	category string
}

// siteClauses are what customers of one kind of location say: praise,
// mild grumbles (a passive's "but …") and complaints.
type siteClauses struct {
	praise, grumbles, complaints []clause
}

var commentClauses = map[siteKey]siteClauses{
	cityHotel: hotelClauses, seasideHotel: hotelClauses, cafe: cafeClauses, onlineShop: shopClauses,
}

// clauseSets are the kinds of location's clauses, each once (the two
// hotels share theirs).
var clauseSets = []siteClauses{hotelClauses, cafeClauses, shopClauses}

var hotelClauses = siteClauses{
	praise: []clause{
		{"the front desk team were so welcoming", "staff-manner"},
		{"the staff remembered our names", "staff-manner"},
		{"the concierge helped us book dinner", "staff-manner"},
		{"check-in was quick", "waiting-delivery"},
		{"our room was ready early", "waiting-delivery"},
		{"the room was spotless", "cleanliness-facilities"},
		{"the bed was incredibly comfortable", "cleanliness-facilities"},
		{"the spa was very relaxing", "cleanliness-facilities"},
		{"breakfast was fantastic", "product-quality"},
		{"the restaurant food was delicious", "product-quality"},
		{"booking online was easy", "booking-ordering"},
		{"the rate was good value for the location", "price-billing"},
	},
	grumbles: []clause{
		{"breakfast was a bit crowded on Sunday morning", "cleanliness-facilities"},
		{"the wifi was slow in the evenings", "cleanliness-facilities"},
		{"check-in took longer than expected", "waiting-delivery"},
		{"it was a little noisy from the street at night", "cleanliness-facilities"},
		{"parking was expensive", "price-billing"},
		{"the room was smaller than the photos suggested", "product-quality"},
		{"the booking confirmation was a bit unclear", "confusing-terms"},
	},
	complaints: []clause{
		{"we waited over 40 minutes to check in", "waiting-delivery"},
		{"room service took an hour", "waiting-delivery"},
		{"nobody apologised", "staff-manner"},
		{"the receptionist was rude when I asked about a late checkout", "staff-manner"},
		{"the room was not clean when we arrived", "cleanliness-facilities"},
		{"there was hair in the bathroom", "cleanliness-facilities"},
		{"the towels were dirty", "cleanliness-facilities"},
		{"the noisy air conditioning kept us awake", "cleanliness-facilities"},
		{"we booked a double and got two singles", "booking-ordering"},
		{"it was far too expensive for what you get", "price-billing"},
		{"I was charged twice for the room", "price-billing"},
		{"the cancellation terms were impossible to understand", "confusing-terms"},
		{"the breakfast was cold", "product-quality"},
	},
}

var cafeClauses = siteClauses{
	praise: []clause{
		{"the coffee is the best in the neighbourhood", "product-quality"},
		{"the pastries are great", "product-quality"},
		{"lunch was delicious", "product-quality"},
		{"the baristas are always cheerful", "staff-manner"},
		{"the staff are very friendly", "staff-manner"},
		{"service is quick even at rush hour", "waiting-delivery"},
		{"the café is cosy and clean", "cleanliness-facilities"},
		{"prices are fair", "price-billing"},
		{"ordering ahead on the app is easy", "booking-ordering"},
	},
	grumbles: []clause{
		{"the queue at lunchtime is long", "waiting-delivery"},
		{"it is a bit pricey for a sandwich", "price-billing"},
		{"the tables were sticky", "cleanliness-facilities"},
		{"the music is too loud", "cleanliness-facilities"},
		{"they had run out of croissants", "product-quality"},
		{"the loyalty card rules are confusing", "confusing-terms"},
	},
	complaints: []clause{
		{"I waited 20 minutes for a latte", "waiting-delivery"},
		{"my coffee arrived cold", "product-quality"},
		{"the portions got smaller", "product-quality"},
		{"my order was wrong twice", "product-quality"},
		{"the staff member at the till was rude", "staff-manner"},
		{"nobody acknowledged me at the counter", "staff-manner"},
		{"the tables were dirty", "cleanliness-facilities"},
		{"the bins were overflowing", "cleanliness-facilities"},
		{"prices went up again", "price-billing"},
		{"the app took my payment but the order never came through", "booking-ordering"},
	},
}

var shopClauses = siteClauses{
	praise: []clause{
		{"delivery was fast", "waiting-delivery"},
		{"the gift card arrived instantly", "waiting-delivery"},
		{"everything was beautifully packaged", "product-quality"},
		{"the products are great quality", "product-quality"},
		{"ordering online was easy", "booking-ordering"},
		{"customer service answered my e-mail within the hour", "staff-manner"},
		{"the prices are fair", "price-billing"},
	},
	grumbles: []clause{
		{"delivery took a few days longer than promised", "waiting-delivery"},
		{"the website is a bit confusing", "confusing-terms"},
		{"the size guide was unclear", "confusing-terms"},
		{"shipping is expensive", "price-billing"},
		{"one item was out of stock", "booking-ordering"},
	},
	complaints: []clause{
		{"my order arrived late", "waiting-delivery"},
		{"the parcel went missing", "waiting-delivery"},
		{"one item was damaged", "product-quality"},
		{"nobody answered my e-mails for a week", "staff-manner"},
		{"support was unhelpful", "staff-manner"},
		{"the booking page was confusing", "confusing-terms"},
		{"I ended up paying for the wrong dates", "booking-ordering"},
		{"the discount code did not work at checkout", "booking-ordering"},
		{"it is too expensive once shipping is added", "price-billing"},
		{"the refund still has not arrived", "price-billing"},
	},
}

// The Café's card machine has been down for the last days of the demo,
// and most customers who answer since say so: a new problem nobody has a
// category for, which the comments page shows as a growing theme (and
// tells the owner about). The Café is where most answers come from, so
// the theme is big enough to stand out in a week.
const (
	cardMachineDown      = 6 * day
	cardMachineMentioned = 0.9
)

var cardMachineClauses = []string{
	"the card machine was not working",
	"it was cash only because the card machine was down",
	"the card machine was broken again",
}

// cardMachineComment is a Café customer's comment on the broken card
// machine, in the tone of their score. The problem comes first and little
// else is said: it is what the customer has on their mind.
func cardMachineComment(r *rng, nps int) string {
	problem := oneOf(r, cardMachineClauses)
	switch {
	case nps >= 9:
		return sentence(problem + oneOf(r, []string{", but otherwise lovely as ever.", ", otherwise great."}))
	case nps >= 7:
		return sentence(problem + oneOf(r, []string{", which was annoying.", ", a nuisance."}))
	default:
		return compose(r, []clause{{text: problem}}, nil, angryEndings)
	}
}

// The words around the clauses: how two are joined, what a passive says
// before a grumble, and how a comment may end.
var (
	praiseJoins    = []string{" and ", ", and ", ". "}
	grumbleJoins   = []string{", but ", ", though ", ", although "}
	complaintJoins = []string{" and ", ". Also, ", ". "}
	passiveOpeners = []string{"good overall", "a pleasant visit", "fine on the whole"}
	praiseEndings  = []string{"Thank you!", "Highly recommended.", "Keep it up!", "Excellent.", "Will be back.", "Lovely.", "Five stars."}
	angryEndings   = []string{"Disappointing.", "Not acceptable.", "Will not come again.", "Very poor.", "Please sort this out."}
)

// drawComment puts together a comment that fits the location and the score.
func drawComment(r *rng, key siteKey, nps int) string {
	c := commentClauses[key]
	switch {
	case nps >= 9:
		return compose(r, twoOf(r, c.praise), praiseJoins, praiseEndings)
	case nps >= 7:
		opener := oneOf(r, passiveOpeners)
		if r.chance(0.85) {
			opener = oneOf(r, c.praise).text
		}
		return sentence(opener + oneOf(r, grumbleJoins) + oneOf(r, c.grumbles).text + ".")
	default:
		return compose(r, twoOf(r, c.complaints), complaintJoins, angryEndings)
	}
}

// twoOf picks one clause, or (two times in five) two different ones.
func twoOf(r *rng, from []clause) []clause {
	first := r.IntN(len(from))
	if !r.chance(0.4) {
		return from[first : first+1]
	}
	second := (first + 1 + r.IntN(len(from)-1)) % len(from)
	return []clause{from[first], from[second]}
}

// compose joins clauses into sentences and, some of the time, adds an
// ending.
func compose(r *rng, clauses []clause, joins, endings []string) string {
	text := clauses[0].text
	for _, c := range clauses[1:] {
		text += oneOf(r, joins) + c.text
	}
	text = sentence(text + ".")
	if r.chance(0.3) {
		text += " " + oneOf(r, endings)
	}
	return text
}

// sentence capitalises the first letter of text and of every sentence in it.
func sentence(text string) string {
	parts := strings.Split(text, ". ")
	for i, p := range parts {
		first, size := utf8.DecodeRuneInString(p)
		parts[i] = string(unicode.ToUpper(first)) + p[size:]
	}
	return strings.Join(parts, ". ")
}

// commentLabels are the categories a person files comment under, read back
// from the clauses it was put together from: the category of each
// complaint and grumble, and, when it only praises, "praise" and the
// categories of what it praises. The praise in a passive's comment is in
// maybe: some people file it too, some do not. A comment of no known
// clause has none.
func commentLabels(comment string) (labels, maybe []string) {
	lower := strings.ToLower(comment)
	found := func(cs []clause, into *[]string) {
		for _, c := range cs {
			if strings.Contains(lower, strings.ToLower(c.text)) && !slices.Contains(*into, c.category) {
				*into = append(*into, c.category)
			}
		}
	}
	var praised []string
	for _, c := range clauseSets {
		found(c.praise, &praised)
		found(c.complaints, &labels)
		found(c.grumbles, &labels)
	}
	switch {
	case len(labels) > 0:
		return labels, praised
	case len(praised) > 0:
		return append([]string{"praise"}, praised...), nil
	}
	return nil, nil
}
