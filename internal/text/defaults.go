package text

// DefaultTaxonomy returns the categories a new Fresco installation starts
// with. They cover what customers of hotels, restaurants, shops and software
// companies most often write about; staff are expected to rename, add and
// retire categories. Each call returns a fresh copy, so callers may edit it.
func DefaultTaxonomy() Taxonomy {
	return Taxonomy{
		{
			Slug:        "feature-request",
			Name:        "Suggestion for a new feature",
			Description: "The customer asks for something new: a product, option, service or feature that does not exist yet.",
			Keywords: []string{"would be great", "would be nice", "would love", "please add", "wish", "suggestion",
				"suggest", "feature", "option to", "could you add", "should add", "integration", "dark mode", "vegan option"},
		},
		{
			Slug:        "confusing-terms",
			Name:        "Confusion about terms",
			Description: "Wording, policies, terms and conditions or jargon the customer did not understand or found misleading.",
			Keywords: []string{"confusing", "confused", "unclear", "not clear", "misleading", "fine print", "small print",
				"terms and conditions", "terms", "jargon", "what does", "did not understand", "didnt understand", "ambiguous", "policy"},
		},
		{
			Slug:        "waiting-delivery",
			Name:        "Waiting and delivery",
			Description: "Queues, slow service, late or missing deliveries and response times.",
			Keywords: []string{"wait", "queue", "late", "delay", "slow", "took ages", "took forever", "delivery",
				"deliver", "dispatch", "shipping", "arrive", "on time", "still waiting", "minutes", "hours", "tracking", "courier"},
		},
		{
			Slug:        "staff-manner",
			Name:        "Staff manner",
			Description: "How staff behaved: friendliness or rudeness, helpfulness, attentiveness, professionalism.",
			Keywords: []string{"staff", "rude", "friendly", "unfriendly", "waiter", "waitress", "receptionist", "manager",
				"attitude", "polite", "impolite", "helpful", "unhelpful", "dismissive", "agent", "support team", "employee", "cashier"},
		},
		{
			Slug:        "price-billing",
			Name:        "Price and billing",
			Description: "Prices, value for money, invoices, charges, refunds and payment problems.",
			Keywords: []string{"price", "expensive", "overpriced", "cheap", "value for money", "bill", "billing", "invoice",
				"charge", "overcharged", "refund", "fee", "payment", "subscription", "cost", "receipt", "discount"},
		},
		{
			Slug:        "product-quality",
			Name:        "Product quality",
			Description: "Whether the food, room, goods or software itself was good: defects, bugs, freshness, durability.",
			Keywords: []string{"quality", "broken", "faulty", "defective", "bug", "crash", "cold food", "undercooked",
				"overcooked", "stale", "tasteless", "flimsy", "fell apart", "stopped working", "doesnt work", "does not work", "ripped"},
		},
		{
			Slug:        "praise",
			Name:        "Praise",
			Description: "Compliments and thanks: the customer was delighted and says so.",
			Keywords: []string{"thank you", "thanks", "amazing", "excellent", "wonderful", "fantastic", "brilliant", "love",
				"loved", "great experience", "highly recommend", "best", "outstanding", "perfect", "superb"},
		},
		{
			Slug:        "cleanliness-facilities",
			Name:        "Cleanliness and facilities",
			Description: "Dirt, hygiene, noise, temperature, toilets, parking, Wi-Fi and the state of the premises.",
			Keywords: []string{"dirty", "clean", "filthy", "stain", "smell", "toilet", "bathroom", "hygiene", "dusty",
				"mould", "noisy", "parking", "wifi", "air conditioning", "heating", "shower", "sticky"},
		},
		{
			Slug:        "booking-ordering",
			Name:        "Booking and ordering process",
			Description: "Making a reservation, placing or changing an order, checkout, sign-up and account access.",
			Keywords: []string{"booking", "book", "reservation", "reserve", "checkout", "check out", "order online",
				"place an order", "sign up", "log in", "login", "password", "account", "cart", "basket", "cancel", "confirmation email"},
		},
	}
}
