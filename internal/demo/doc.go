// Package demo fills an empty database with a generated business, so that
// `fresco demo` starts with data worth looking at: Fresco Hotels & Café, a
// small hospitality and retail group.
//
// Generate is deterministic for (Options.Seed, Options.End): the same pair
// gives the same locations, staff, customers, purchases and spend, down to
// the cent and the second (database ids and created_at aside).
//
// # The business
//
//   - Locations: Fresco City Hotel (Boston, America/New_York), Fresco Seaside
//     Hotel (Santa Cruz, America/Los_Angeles), Fresco Café (Chicago,
//     America/Chicago) and Fresco Online Shop ("web", America/New_York).
//   - A team per location plus "Head office"; 24 employees: the owner, a
//     manager per location, 17 agents and 2 analysts. Known logins, all with
//     Options.PasswordHash: owner@example.com (Olivia Owner),
//     manager@example.com (City Hotel manager), agent@example.com (City Hotel
//     agent) and analyst@example.com.
//   - A catalogue of 40 products in five categories (Rooms, Food & drink,
//     Spa, Retail, Gift cards), each with list price and unit cost. Prices
//     were 3.5% a year lower in the past; room rates are seasonal.
//
// # The customer model
//
// Every customer belongs to one behaviour class. Within a class, customers
// differ: each draws their own parameters, as in the BG/NBD and Gamma-Gamma
// models that the lifetime-value pages fit back to this data:
//
//   - purchase rate λ ~ Gamma (purchases per year while active);
//   - dropout probability p ~ Beta: after each purchase, the first included,
//     the customer leaves for good with probability p ("buy till you die");
//   - spend level ν ~ Gamma (Gamma-Gamma's per-customer mean): a purchase is
//     worth about ν × the occasion's base value × Gamma(shape 5, mean 1).
//
// A purchase comes from an occasion — café visit ($12 at ν = 1), dinner
// ($110), hotel stay ($450), spa ($140), online shop order ($60), gift card
// ($80) — which fixes its location, channel (store, web, phone), local time
// of day and the products that fill its basket up to the drawn value. The
// first purchase's occasion is the customer's entry occasion; a repeat
// purchase repeats it with the class's "stick" chance and otherwise draws
// from the class's occasion mix, so frequent buyers spread over categories
// (related sales) while one-off buyers stay in one.
//
// The classes, with their parameters (Gamma given as shape/mean):
//
//	class       share  λ/year     p             ν         acquired          refers
//	apostle       3%   4/16       Beta(1,400)   6/1.5     first 35%         weight 15
//	regular      14%   3/12       Beta(1,40)    5/1.3     any, early bias   weight 1.5
//	churner       7%   3/14 (≥4)  0 till churn  5/1.3     first 45%         weight 1
//	mercenary    16%   promo only               4/0.8     ≥ 240 days ago    never
//	occasional   60%   1.5/2.5    Beta(2,6)     3/0.9     any               weight 0.15
//
// In words:
//
//   - Apostles are early, loyal, frequent and high-spending, and refer
//     several newcomers each (about 4 on average; ~90% refer two or more).
//   - Regulars are loyal and valuable; they arrive throughout, more at the
//     start.
//   - Churners were good customers from the first year who bought steadily
//     until a last purchase on a churn date 12–37% of the history before the
//     end (3–9 months of two years): a recent loss the P(alive) pages should
//     flag.
//   - Mercenaries are bargain hunters won by paid marketing (Google,
//     Instagram, a booking site, an event) with WELCOME50, half off their first
//     purchase. They buy 0–2 more times within two months, always with a
//     deal code (FLASH30, COMEBACK40), and never again: every mercenary was
//     acquired at least 240 days before the end, so all have lapsed (no
//     purchase in the last 180 days). They never buy gift cards (which are
//     not discounted) and never get refunds.
//   - Occasional customers buy a few times a year at most; many only once.
//
// New customers arrive more often as the business grows (0.6× to 1.4× the
// average rate over the history) and in summer (±25%). About one in six
// came through a referral: going through customers in order of acquisition,
// a customer is referred (with the class's chance: apostles and regulars
// 30%, churners 25%, occasional 18%, mercenaries never) by an earlier
// customer, drawn by referral weight among those who became customers at
// least two weeks earlier and bought in the last 60 days. Referrers are
// always earlier customers, so chains (depth 2–4 occur) cannot loop. Up to
// five of the busiest referrers whose last recommend answer was 9 or 10 agreed
// to a personal referral link (consent_referral), dated the day before their
// first referral came, so the customers they referred came through it.
// Referred customers answer "Friend or family" to "How did you hear about
// us?"; the others "Walk-in", "Google search", "Instagram", "Booking site",
// "Newspaper" or "Event", in a mix that depends on their first occasion
// (booking sites sell stays, walk-ins buy coffee). One in eight customers won
// through Google, Instagram or a booking site started with WELCOME50 but, not
// being mercenaries, may go on to pay full price.
//
// With the defaults this gives about 31,000 purchases (70,000 lines), of
// which about 5,900 are anonymous walk-ins at the café and the hotel bars and
// under 1% are refunds (a later purchase with a negative line at the net
// price paid). Regulars are worth over twice, and apostles about six times,
// the average customer's revenue; mercenaries a fifth of it, at half price.
// The top 20% of customers make about 77% of revenue and 79% of gross
// profit.
//
// Customers otherwise get names from an international mix, e-mail addresses
// at example.com/.org/.net, phone numbers in the fictional 555-01XX range,
// consents (surveys 85%; marketing 40–85% by class; personalisation mostly
// with marketing) and tags: "vip" for the top 4% by purchases × spend level,
// "business" (City Hotel, short single stays) and "family" (Seaside Hotel,
// longer stays, kids' menus) by profile, and "local" for café regulars.
//
// # Marketing spend
//
// One record per paid channel and calendar month — Google, Instagram,
// Booking site, Newspaper, Events, paying for the sources Google search,
// Instagram, Booking site, Newspaper and Event (see ChannelSources) — sized
// by the customers the channel brought that month (at $22–$40 each, ±20%)
// plus a fixed monthly part. Acquisition cost per channel comes out at about
// $25–$60, and about $21 over all new customers.
//
// # Feedback
//
// About 4,000 responses, recorded in bulk as the feedback service would
// record them (attribution, segment, sentiment and suggested categories
// computed as for real ones; a test compares the rows with the service's,
// response by response): for 18–30% of the purchases of customers who consent to
// surveys (by class, apostles most), at most one per customer in 30 days, a
// few hours to ten days after the purchase. Most are on "survey"; hotel
// guests also fill in satisfaction cards and get follow-up calls, online
// customers use the web form, and some detractors file a "complaint". Every
// response has an NPS answer; 70% a CSAT, 25% a CES and 15% process-quality
// items (responsiveness and empathy follow the score most closely); about a
// third a comment fitting the location and the score (praise; waiting,
// staff manner, price, cleanliness, booking confusion). Each location's
// manager has categorised up to 450 of the comments older than three weeks
// (labels.go: the categories a person would give, now and then one
// fewer), and the comment classifier is trained on them, so the comments
// page shows its figures per category, the queue of comments it is least
// sure about and a model version; "Suggestion for a new feature" stays
// unused, as a category still waiting for examples.
//
// Scores follow the behaviour class (NPS about +65 for apostles, +45
// regulars, +15 occasional, −35 churners, worse in their last months, and
// −50 mercenaries), the location (café best, online shop worst) and the
// serving employee: a City Hotel agent and a barista stand out for the
// better, a Seaside Hotel agent and another City Hotel agent for the worse.
// Every location and most serving staff reach the rankings' minimum of 30
// responses. Only the last 14 days' responses leave their
// feedback.response_recorded job queued; older ones are marked done, so
// that starting the server does not raise alerts about history.
//
// # Service recovery
//
// A default SLA policy (first response 4 hours, resolution 3 days, around
// the clock, warning at 75%) and about a dozen cases opened by the
// location's manager from complaint and detractor responses (purchase,
// customer and serving employee from the response): eight from the past
// months answered, resolved and closed with root causes (some with an
// apology letter), and four from the last two weeks — one resolved awaiting
// follow-through, one waiting on the customer with a coupon pending
// approval, one answered and open, and one opened 3¼ hours before the end
// and not answered yet, in its SLA warning window. Recovery jobs due more
// than 7 days before the end are marked done.
//
// About two in five of the past cases with a first response, and the live
// ones resolved since and answered, have an e-mail conversation
// (threads.go): the customer writes before the manager's call, in their own
// words about the problem (their survey comment, what went wrong, what they
// expect), one in four attaching a small photo or the receipt; the manager
// answers after the call (sent, in the outbox); about half the customers
// write back shortly before the case is resolved. They are filed and sent
// through the recovery service (ReceiveEmail, Reply), inside the case's
// open interval, threaded by Message-ID, In-Reply-To and References.
//
// # People and the customers who follow them
//
// Two years of trainings, exits and rehires (people.go): the Seaside Hotel's
// guest services falls into a cycle of mediocrity in the second year, with
// regretted exits in a burst; the other teams stay healthy. One hotel guest
// in five who came twice or more in the year before a regretted exit had
// the leaver as their favourite, who served them at every visit in that year
// (bonds.go); after the exit, 35% of them stop buying altogether. The
// favourites are the well-liked leavers: not the curt agent of the
// employee rankings. So the turnover cost's customer value at risk finds
// the leaver's customers lapsing beyond those of colleagues who stayed.
//
// # Adding generators
//
// Generation is a list of steps (see steps in demo.go): organisation,
// catalogue, customers, marketing spend, purchases (with the feedback on
// them), recovery cases. A step generates one part of the business, stores
// it and leaves what later steps need in the world — w.people holds each
// customer's id, class, parameters and a summary of their visits,
// w.complaints what a case may be opened from. Purchases and feedback go a
// batch of customers at a time, so that memory does not grow with the
// history: the generator never holds every purchase, nor every customer's
// visits — the customers step saves its random stream's state at each
// batch (w.visitStreams) and the purchases step plans the batch's visits
// again from it, the same visits. Each step has its own random stream
// seeded by the seed and the step's name (feedback too), so a new step
// appended to the list does not change what the others generate.
package demo
