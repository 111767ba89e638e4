package demo

// Comments left with feedback responses, by kind of location and by how the
// customer scored: promoters (9–10) praise, passives (7–8) are mixed,
// detractors (0–6) complain about waiting, staff manner, price, cleanliness
// or booking confusion.

var (
	hotelPraise = []string{
		"Lovely stay, the front desk team were so welcoming and remembered our names.",
		"Room was spotless and the bed incredibly comfortable. We will be back!",
		"Great location, friendly staff and a fantastic breakfast.",
		"Check-in was quick and the upgrade was a wonderful surprise. Thank you!",
		"The concierge helped us with dinner reservations, excellent service.",
		"Beautiful view from our room and the spa was very relaxing.",
		"Staff went out of their way to help when our flight was delayed. Excellent.",
	}
	hotelMixed = []string{
		"Nice room, but breakfast was a bit crowded on Sunday morning.",
		"Good stay overall. The wifi was slow in the evenings.",
		"Friendly staff, though check-in took longer than expected.",
		"Comfortable room, a little noisy from the street at night.",
		"Pleasant stay, but parking was expensive.",
	}
	hotelComplaint = []string{
		"We waited over 40 minutes to check in and nobody apologised.",
		"The room was not clean when we arrived: hair in the bathroom and dusty shelves.",
		"Our booking was confused: we booked a double and got two singles, and the desk was unhelpful.",
		"Receptionist was rude when I asked about a late checkout.",
		"Far too expensive for what you get. The room was tired and the minibar overpriced.",
		"Noisy air conditioning kept us awake and nobody came to fix it.",
		"I was charged twice for the room and it took three calls to sort out.",
		"Dirty towels and the room had not been serviced on the second day. Disappointing.",
	}
	cafePraise = []string{
		"Best coffee in the neighbourhood, and the baristas are always cheerful.",
		"Great pastries and friendly service, my favourite morning stop.",
		"Quick service even at rush hour. Love this place.",
		"Cosy café, delicious lunch and very friendly staff.",
	}
	cafeMixed = []string{
		"Good coffee, but the queue at lunchtime is long.",
		"Tasty food, a bit pricey for a sandwich.",
		"Nice place, though the tables were sticky.",
	}
	cafeComplaint = []string{
		"Waited 20 minutes for a latte and it arrived cold.",
		"The staff member at the till was rude and ignored me.",
		"Tables were dirty and the bins overflowing. Not acceptable.",
		"Prices went up again and the portions got smaller.",
		"My order was wrong twice and nobody seemed to care.",
	}
	shopPraise = []string{
		"Fast delivery and beautifully packaged. Thank you!",
		"Easy to order online and the gift card arrived instantly.",
		"Great products and helpful customer service by e-mail.",
	}
	shopMixed = []string{
		"Good products, but delivery took a few days longer than promised.",
		"The website is a bit confusing, but I found what I needed.",
		"Nice items, shipping is expensive.",
	}
	shopComplaint = []string{
		"The booking page was confusing and I ended up paying for the wrong dates.",
		"Order arrived late and one item was damaged.",
		"Nobody answered my e-mails for a week about a missing parcel.",
		"Too expensive once shipping is added. Will not order again.",
		"The discount code did not work at checkout and support was unhelpful.",
	}
)

// drawComment picks a comment that fits the location and the score.
func drawComment(r *rng, key siteKey, nps int) string {
	praise, mixed, complaint := hotelPraise, hotelMixed, hotelComplaint
	switch key {
	case cafe:
		praise, mixed, complaint = cafePraise, cafeMixed, cafeComplaint
	case onlineShop:
		praise, mixed, complaint = shopPraise, shopMixed, shopComplaint
	}
	switch {
	case nps >= 9:
		return oneOf(r, praise)
	case nps >= 7:
		return oneOf(r, mixed)
	default:
		return oneOf(r, complaint)
	}
}
