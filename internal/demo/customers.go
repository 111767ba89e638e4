package demo

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// The customer model; the package documentation explains it.

// lifeRule is how a behaviour class's purchases unfold in time.
type lifeRule uint8

const (
	// lifeBuyTillYouDie is BG/NBD: purchases arrive as a Poisson process of
	// rate λ and after each one the customer drops out with probability p.
	lifeBuyTillYouDie lifeRule = iota
	// lifeChurns buys like a regular, without dropping out, until a last
	// purchase on a churn date 3–9 months (for a two-year history) before the
	// end, then never again.
	lifeChurns
	// lifePromoOnly buys only with a promotion code: a first purchase with
	// the introductory offer, 0–2 more with deal codes within a few weeks, then
	// nothing for at least the last 180 days.
	lifePromoOnly
)

// occasion is the kind of visit a purchase comes from.
type occasion uint8

const (
	occCafe occasion = iota
	occDining
	occStay
	occSpa
	occShop
	occGiftCard
	numOccasions
)

// occasionBase is the mean value of a purchase of each occasion for a
// customer of spend level 1, in dollars.
var occasionBase = [numOccasions]float64{occCafe: 12, occDining: 110, occStay: 450, occSpa: 140, occShop: 60, occGiftCard: 80}

// class is a behaviour class: the distributions its customers' parameters
// are drawn from.
type class struct {
	name, description string
	share             float64 // of all customers
	life              lifeRule
	rate              gammaDist // λ, purchases per year
	dropout           betaDist  // p, the chance of dropping out after a purchase
	spend             gammaDist // ν, the spend level: mean purchase value ÷ occasion base
	// Acquisition window as fractions of the history; a negative acquiredTo
	// counts back from the end, in days.
	acquiredFrom, acquiredTo float64
	earlyBias                float64 // 0: acquisitions follow the growth of the business; towards 1: bunched at the start
	referredProb             float64 // the chance the customer came through a referral
	referWeight              float64 // how likely the customer is to refer a newcomer, relative to others
	stick                    float64 // the chance a repeat purchase is of the same occasion as the first
	occasions                [numOccasions]float64
}

// The behaviour classes. Shares add up to 1; occasional takes the rounding.
var (
	classApostle = &class{
		name: "apostle", description: "early, loyal, frequent, high-spending customers who refer several others",
		share: 0.03, life: lifeBuyTillYouDie,
		rate: gammaDist{4, 16}, dropout: betaDist{1, 400}, spend: gammaDist{6, 1.5},
		acquiredFrom: 0, acquiredTo: 0.35,
		referredProb: 0.3, referWeight: 15, stick: 0.25,
		occasions: [numOccasions]float64{0.30, 0.20, 0.25, 0.12, 0.08, 0.05},
	}
	classRegular = &class{
		name: "regular", description: "loyal regulars: long tenure, frequent, high value, buying across categories",
		share: 0.14, life: lifeBuyTillYouDie,
		rate: gammaDist{3, 12}, dropout: betaDist{1, 40}, spend: gammaDist{5, 1.3},
		acquiredFrom: 0, acquiredTo: 1, earlyBias: 0.5,
		referredProb: 0.3, referWeight: 1.5, stick: 0.3,
		occasions: [numOccasions]float64{0.35, 0.18, 0.25, 0.10, 0.08, 0.04},
	}
	classChurner = &class{
		name: "churner", description: "good customers from the first year who stopped buying 3 to 9 months ago",
		share: 0.07, life: lifeChurns,
		rate: gammaDist{3, 14}, spend: gammaDist{5, 1.3},
		acquiredFrom: 0, acquiredTo: 0.45,
		referredProb: 0.25, referWeight: 1, stick: 0.3,
		occasions: [numOccasions]float64{0.35, 0.18, 0.25, 0.10, 0.08, 0.04},
	}
	classMercenary = &class{
		name: "mercenary", description: "bargain hunters won with WELCOME50 who bought only at a discount, then lapsed",
		share: 0.16, life: lifePromoOnly,
		spend:        gammaDist{4, 0.8},
		acquiredFrom: 0, acquiredTo: -240,
		stick:     0.6,
		occasions: [numOccasions]float64{0.20, 0.05, 0.40, 0.15, 0.20, 0},
	}
	classOccasional = &class{
		name: "occasional", description: "occasional customers: a few purchases a year, many only one",
		share: 0.60, life: lifeBuyTillYouDie,
		rate: gammaDist{1.5, 2.5}, dropout: betaDist{2, 6}, spend: gammaDist{3, 0.9},
		acquiredFrom: 0, acquiredTo: 1,
		referredProb: 0.18, referWeight: 0.15, stick: 0.55,
		occasions: [numOccasions]float64{0.35, 0.10, 0.30, 0.07, 0.14, 0.04},
	}
	classes = []*class{classApostle, classRegular, classChurner, classMercenary, classOccasional}
)

// Acquisition sources: the answers to "How did you hear about us?".
const (
	srcWalkIn    = "Walk-in"
	srcGoogle    = "Google search"
	srcInstagram = "Instagram"
	srcBooking   = "Booking site"
	srcNewspaper = "Newspaper"
	srcEvent     = "Event"
	srcReferral  = "Friend or family"
)

var sources = []string{srcWalkIn, srcGoogle, srcInstagram, srcBooking, srcNewspaper, srcEvent}

// sourceWeights is the mix of sources by the occasion of the first purchase,
// in the order of sources.
var sourceWeights = [numOccasions][]float64{
	occCafe:     {60, 10, 20, 0, 5, 5},
	occDining:   {35, 25, 15, 0, 10, 15},
	occStay:     {5, 35, 8, 37, 9, 6},
	occSpa:      {20, 30, 30, 0, 10, 10},
	occShop:     {0, 45, 45, 0, 5, 5},
	occGiftCard: {40, 30, 20, 0, 0, 10},
}

// promoSources are the paid digital channels that hand out WELCOME50.
var promoSources = map[string]bool{srcGoogle: true, srcInstagram: true, srcBooking: true}

// Customer profiles shape baskets and tags.
type profile uint8

const (
	profileNone profile = iota
	profileBusiness
	profileFamily
)

// visit is one planned purchase: when, where and what kind. Baskets are
// filled in by the purchases step.
type visit struct {
	at       time.Time
	occasion occasion
	site     siteKey
	channel  string
}

// person is a generated customer: the stored record and the hidden
// parameters of their behaviour. A million of them are held at once, so a
// person keeps a summary of their visits, not the visits: the purchases
// step plans them again, a batch of customers at a time (visitStreams).
type person struct {
	// c is the record while it is described and stored; then only the
	// tests (keepAll) keep it, and the steps read id and consentSurveys.
	c          *fresco.Customer
	id         int64
	class      *class
	referrer   *person
	acquired   time.Time
	churnAt    time.Time
	rate       float64 // λ, per year
	dropout    float64 // p
	spendLevel float64 // ν
	source     string  // acquisition source
	// The planned visits' summary.
	firstVisit, lastVisit time.Time
	visitCount            int32
	firstOccasion         occasion
	entry                 occasion
	homeHotel             siteKey
	profile               profile
	welcome               bool // first purchase with the introductory offer
	consentSurveys        bool
	// bond is 1 + the index in w.bonds of the leaver who was p's favourite
	// (0: none), and drifted whether p stopped buying after the exit.
	bond    uint8
	drifted bool
}

const (
	maxVisits       = 400
	referralLead    = 14 * day // a referrer was a customer at least this long before
	referralGrace   = 60 * day // and bought within this long before the referral
	mercenaryWindow = 60 * day // mercenaries buy within this long of their first purchase
	vipShare        = 0.04
)

// generateCustomers draws the customers and their lives, and stores them in
// order of acquisition, so a referrer's id is always smaller than the
// referee's.
func generateCustomers(ctx context.Context, w *world, r *rng) error {
	w.planBonds()
	w.people = drawPeople(w, r)
	for i, p := range w.people {
		if i%customerBatch == 0 {
			w.visitStreams = append(w.visitStreams, r.state())
		}
		p.summariseVisits(planVisits(w, r, p))
	}
	assignReferrals(r, w.people)
	for _, p := range w.people {
		assignSource(r, p)
	}
	vip := vips(w.people)
	for start := 0; start < len(w.people); start += customerBatch {
		batch := w.people[start:min(start+customerBatch, len(w.people))]
		for i, p := range batch {
			p.c = describeCustomer(w, r, p, start+i)
			p.c.Tags = tags(p, vip[p])
		}
		if err := storeCustomers(ctx, w, batch); err != nil {
			return err
		}
	}
	w.names = nil // every address is handed out
	w.summary.Customers = len(w.people)
	for _, cl := range classes {
		seg := Segment{Name: cl.name, Description: cl.description}
		for _, p := range w.people {
			if p.class == cl {
				seg.Customers++
			}
		}
		w.summary.Segments = append(w.summary.Segments, seg)
	}
	for _, p := range w.people {
		if p.referrer != nil {
			w.summary.Referred++
		}
	}
	return nil
}

// storeCustomers stores the people's records in one transaction, in
// bulk or, for the tests' reference, one by one through CreateCustomer.
// Then it keeps only what the later steps read of them: a million names,
// addresses and tags are a few hundred MB.
func storeCustomers(ctx context.Context, w *world, people []*person) error {
	cs := make([]*fresco.Customer, len(people))
	for i, p := range people {
		switch ref := p.referrer; {
		case ref == nil:
		case ref.c != nil: // in this batch: its id is set when it is stored, before p
			p.c.ReferredBy = &ref.c.ID
		default:
			p.c.ReferredBy = &ref.id
		}
		cs[i] = p.c
	}
	err := w.db.InTx(ctx, func(tx *store.Tx) error {
		if !w.viaService {
			return tx.InsertCustomers(ctx, cs)
		}
		for _, c := range cs {
			if err := tx.CreateCustomer(ctx, c); err != nil {
				return fmt.Errorf("customer %s: %w", c.ExternalID, err)
			}
		}
		return nil
	})
	for _, p := range people {
		p.id, p.consentSurveys = p.c.ID, p.c.ConsentSurveys
		if !w.keepAll {
			p.c = nil
		}
	}
	return err
}

// drawPeople draws each customer's class and parameters, and returns them in
// order of acquisition. Class sizes are exact shares of opts.Customers.
func drawPeople(w *world, r *rng) []*person {
	n := w.opts.Customers
	var people []*person
	for _, cl := range classes {
		count := int(math.Round(cl.share * float64(n)))
		if cl == classOccasional {
			count = n - len(people)
		}
		for range min(count, n-len(people)) {
			people = append(people, drawPerson(w, r, cl))
		}
	}
	slices.SortStableFunc(people, func(a, b *person) int { return a.acquired.Compare(b.acquired) })
	return people
}

func drawPerson(w *world, r *rng, cl *class) *person {
	p := &person{class: cl, spendLevel: cl.spend.draw(r)}
	switch cl.life {
	case lifeBuyTillYouDie:
		p.rate, p.dropout = max(cl.rate.draw(r), 0.05), cl.dropout.draw(r)
	case lifeChurns:
		p.rate = max(cl.rate.draw(r), 4)
	}
	p.acquired = drawAcquisition(w, r, cl)
	if cl.life == lifeChurns {
		p.churnAt = w.at(r.between(0.63, 0.88))
		if earliest := p.acquired.Add(120 * day); p.churnAt.Before(earliest) {
			p.churnAt = earliest
		}
	}
	p.entry = occasion(r.pick(cl.occasions[:]))
	p.profile = profileNone
	if cl != classMercenary {
		p.profile = profile(r.pick([]float64{0.73, 0.12, 0.15}))
	}
	switch {
	case p.profile == profileBusiness:
		p.homeHotel = cityHotel
	case p.profile == profileFamily:
		p.homeHotel = seasideHotel
	case r.chance(0.55):
		p.homeHotel = cityHotel
	default:
		p.homeHotel = seasideHotel
	}
	return p
}

// drawAcquisition draws the time of a first purchase within the class's
// window. New customers arrive more often as the business grows (from 0.6×
// to 1.4× the average rate over the history) and in summer (±25%); classes
// with an early bias arrive more at the start.
func drawAcquisition(w *world, r *rng, cl *class) time.Time {
	from, to := cl.acquiredFrom, cl.acquiredTo
	if to < 0 {
		to = max(from+0.01, 1-float64(days(-to))/float64(w.horizon()))
	}
	const maxDensity = 1.4 * 1.25
	for {
		x := r.between(from, to)
		t := w.at(x)
		density := (0.6 + 0.8*x) * seasonality(t) * (1 - cl.earlyBias*x)
		if r.Float64()*maxDensity < density {
			return t
		}
	}
}

// seasonality peaks in mid-July at 1.25 and bottoms out in mid-January at 0.75.
func seasonality(t time.Time) float64 {
	return 1 + 0.25*math.Cos(2*math.Pi*float64(t.YearDay()-196)/365.25)
}

// planVisits draws when a customer buys, and for each purchase the
// occasion, location, channel and local time of day; a guest who drifts
// away after a favourite's exit loses the visits after it (bondVisits).
func planVisits(w *world, r *rng, p *person) []visit {
	times := visitTimes(w, r, p)
	visits := make([]visit, 0, len(times))
	for k, t := range times {
		occ := p.entry
		if k > 0 && !r.chance(p.class.stick) {
			occ = occasion(r.pick(p.class.occasions[:]))
		}
		v := visit{occasion: occ, site: visitSite(r, p, occ)}
		v.channel = visitChannel(r, occ, v.site)
		v.at = localTime(w, r, t, w.sites[v.site].tz, openingHours(occ, v.channel))
		visits = append(visits, v)
	}
	slices.SortStableFunc(visits, func(a, b visit) int { return a.at.Compare(b.at) })
	return w.bondVisits(p, visits)
}

// summariseVisits keeps what the customers and marketing spend steps read
// of the planned visits.
func (p *person) summariseVisits(visits []visit) {
	p.firstVisit, p.lastVisit = visits[0].at, visits[len(visits)-1].at
	p.firstOccasion, p.visitCount = visits[0].occasion, int32(len(visits))
}

// replanVisits plans the visits of a batch of customers — w.people[start:]
// up to customerBatch of them — again, drawing the same numbers as the
// customers step did from the state it saved (visitStreams).
func replanVisits(w *world, start int, people []*person) [][]visit {
	r := replay(w.visitStreams[start/customerBatch])
	visits := make([][]visit, len(people))
	for i, p := range people {
		visits[i] = planVisits(w, r, p)
	}
	return visits
}

// visitTimes draws the purchase times by the class's life rule; the first
// is the acquisition.
func visitTimes(w *world, r *rng, p *person) []time.Time {
	t := p.acquired
	times := []time.Time{t}
	if p.class.life == lifePromoOnly {
		for range r.pick([]float64{0.45, 0.35, 0.20}) {
			t = t.Add(days(r.between(4, float64(mercenaryWindow/day)/2)))
			times = append(times, t)
		}
		return times
	}
	if p.class.life == lifeChurns {
		// Poisson purchases until the churn date, which is the last one.
		for len(times) < maxVisits {
			t = t.Add(years(r.ExpFloat64() / p.rate))
			if !t.Before(p.churnAt) {
				break
			}
			times = append(times, t)
		}
		return append(times, p.churnAt)
	}
	for len(times) < maxVisits {
		if r.chance(p.dropout) {
			break
		}
		t = t.Add(years(r.ExpFloat64() / p.rate))
		if !t.Before(w.end) {
			break
		}
		times = append(times, t)
	}
	return times
}

// visitSite is where a purchase of occasion occ happens: hotel visits mostly
// at the customer's home hotel, shop orders online, gift cards online or at
// the café.
func visitSite(r *rng, p *person, occ occasion) siteKey {
	switch occ {
	case occCafe:
		return cafe
	case occShop:
		return onlineShop
	case occGiftCard:
		if r.chance(0.6) {
			return onlineShop
		}
		return cafe
	}
	switch {
	case r.chance(0.85):
		return p.homeHotel
	case p.homeHotel == cityHotel:
		return seasideHotel
	default:
		return cityHotel
	}
}

func visitChannel(r *rng, occ occasion, s siteKey) string {
	switch {
	case s == onlineShop:
		return "web"
	case occ == occStay:
		return []string{"web", "phone", "store"}[r.pick([]float64{0.55, 0.25, 0.20})]
	case occ == occSpa:
		return []string{"store", "phone", "web"}[r.pick([]float64{0.6, 0.25, 0.15})]
	default:
		return "store"
	}
}

// openingHours is when, in local time, a purchase of occ on channel is made.
func openingHours(occ occasion, channel string) [2]int {
	switch {
	case channel == "web":
		return [2]int{6, 24}
	case channel == "phone":
		return [2]int{9, 19}
	case occ == occCafe, occ == occGiftCard:
		return [2]int{7, 18}
	case occ == occDining:
		return [2]int{18, 23}
	case occ == occStay:
		return [2]int{14, 22}
	default:
		return [2]int{9, 20}
	}
}

// atLocalHours puts t at a random time within hours on its local date in tz.
func atLocalHours(r *rng, t time.Time, tz *time.Location, hours [2]int) time.Time {
	y, m, d := t.In(tz).Date()
	minute := hours[0]*60 + r.IntN((hours[1]-hours[0])*60)
	return time.Date(y, m, d, 0, minute, r.IntN(60), 0, tz).UTC()
}

// localTime is atLocalHours kept within the history: a visit planned for the
// last day cannot happen after its end.
func localTime(w *world, r *rng, t time.Time, tz *time.Location, hours [2]int) time.Time {
	at := atLocalHours(r, t, tz, hours)
	if at.After(w.end) {
		at = w.end.Add(-time.Duration(1+r.IntN(120)) * time.Minute)
	}
	if at.Before(w.start) {
		at = w.start.Add(time.Duration(1+r.IntN(120)) * time.Minute)
	}
	return at
}

// canRefer reports whether p could have referred somebody who arrived at t:
// a customer for a while, and not lapsed.
func (p *person) canRefer(t time.Time) bool {
	return !p.acquired.After(t.Add(-referralLead)) && !p.lastVisit.Before(t.Add(-referralGrace))
}

// assignReferrals decides who came through a referral and by whom. Going
// through customers in order of acquisition, a customer of a class with
// referredProb > 0 is referred with that chance by an earlier customer drawn
// by referWeight among those who could refer then. Referrers are always
// acquired earlier, so chains cannot loop; referred customers refer in turn,
// which makes chains of depth two and three.
func assignReferrals(r *rng, people []*person) {
	cum := make([]float64, len(people))
	var total float64
	for i, p := range people {
		total += p.class.referWeight
		cum[i] = total
	}
	for i, p := range people {
		if !r.chance(p.class.referredProb) {
			continue
		}
		cutoff := p.acquired.Add(-referralLead)
		k := sort.Search(i, func(j int) bool { return people[j].acquired.After(cutoff) })
		if k == 0 || cum[k-1] == 0 {
			continue
		}
		for range 30 {
			x := r.Float64() * cum[k-1]
			j := sort.Search(k, func(j int) bool { return cum[j] > x })
			if ref := people[j]; ref.canRefer(p.acquired) {
				p.referrer = ref
				// The visits were planned at the home hotel drawn with the
				// person, and the purchases step plans them again there:
				// this draw stays only to keep the stream (and the data).
				r.chance(0.7)
				break
			}
		}
	}
}

// assignSource sets the answer to "How did you hear about us?" and whether
// the first purchase used the introductory offer: always for mercenaries,
// sometimes for others who came through a paid digital channel.
func assignSource(r *rng, p *person) {
	switch {
	case p.referrer != nil:
		p.source = srcReferral
	case p.class == classMercenary:
		weights := slices.Clone(sourceWeights[p.firstOccasion])
		weights[0], weights[4] = 0, 0 // bargain hunters come from the online ads and events
		if weights[1]+weights[2]+weights[3]+weights[5] == 0 {
			weights[1] = 1
		}
		p.source = sources[r.pick(weights)]
	default:
		p.source = sources[r.pick(sourceWeights[p.firstOccasion])]
	}
	p.welcome = p.class == classMercenary || (promoSources[p.source] && r.chance(0.12))
}

// describeCustomer makes the stored record of a person: name, contact
// details, consents, source and tags.
func describeCustomer(w *world, r *rng, p *person, i int) *fresco.Customer {
	first, last := w.names.person(r)
	c := &fresco.Customer{
		ExternalID: fmt.Sprintf("CUS-%05d", i+1),
		Name:       first + " " + last,
		Email:      w.names.email(r, first, last, oneOf(r, emailDomains)),
		FirstSeen:  p.firstVisit,
	}
	if r.chance(0.8) {
		c.Phone = phone(r)
	}
	if r.chance(0.6) {
		c.Address = address(r)
	}
	c.AcquisitionSource = p.source
	c.ConsentSurveys = r.chance(0.85)
	switch p.class {
	case classMercenary:
		c.ConsentMarketing = r.chance(0.85) // signed up for the offers
	case classApostle, classRegular:
		c.ConsentMarketing = r.chance(0.6)
	default:
		c.ConsentMarketing = r.chance(0.4)
	}
	if c.ConsentMarketing {
		c.ConsentPersonalisation = r.chance(0.6)
	} else {
		c.ConsentPersonalisation = r.chance(0.12)
	}
	return c
}

// vips are the top 4% of customers by expected value (purchases × spend
// level).
func vips(people []*person) map[*person]bool {
	ranked := slices.Clone(people)
	value := func(p *person) float64 { return float64(p.visitCount) * p.spendLevel }
	slices.SortStableFunc(ranked, func(a, b *person) int {
		switch va, vb := value(a), value(b); {
		case va > vb:
			return -1
		case va < vb:
			return 1
		}
		return 0
	})
	vip := map[*person]bool{}
	for _, p := range ranked[:int(math.Ceil(vipShare*float64(len(ranked))))] {
		vip[p] = true
	}
	return vip
}

// tags are a customer's tags: "vip", "business" and "family" by profile,
// and "local" for café regulars.
func tags(p *person, vip bool) []string {
	var tags []string
	if vip {
		tags = append(tags, "vip")
	}
	switch p.profile {
	case profileBusiness:
		tags = append(tags, "business")
	case profileFamily:
		tags = append(tags, "family")
	}
	if p.entry == occCafe && p.visitCount >= 10 {
		tags = append(tags, "local")
	}
	return tags
}
