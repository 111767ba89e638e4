package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
)

// E-mail conversations on the past cases: about two in five of those with a
// first response have a thread. The customer writes before the manager's
// call, in their own words about the problem, now and then with a photo or
// the receipt attached; the manager answers by e-mail after the call
// (Reply, sent); about half the customers answer back shortly before the
// case is resolved. The e-mails are filed and sent through the recovery
// service (ReceiveEmail, Reply), threaded by Message-ID, In-Reply-To and
// References as mail clients thread them; the replies are recorded in the
// outbox as sent (caseMailer). The threads draw from a stream of their own
// ("case threads"), so the cases draw as before.

const (
	threadShare  = 0.4  // of the past cases with a first response
	attachShare  = 0.25 // of the customers' first e-mails
	answerShare  = 0.5  // of the threads: the customer writes back
	businessMail = "care@example.com"
	businessName = "Fresco Hotels & Café"
)

// pastThread is the e-mail conversation of a past case, drawn before the
// case is played.
type pastThread struct {
	first    *fresco.CaseMessage // the customer's e-mail, at its CreatedAt
	reply    string              // the manager's answer
	replyIn  time.Duration       // after the first response
	answer   *fresco.CaseMessage // nil: the customer did not write back
	answerBy time.Duration       // before the case is resolved
}

// drawThread draws pc's conversation, reading the customer and the
// purchase the case is about. owner answers it.
func drawThread(ctx context.Context, w *world, r *rng, pc *pastCase, owner *fresco.Employee) (*pastThread, error) {
	cust, err := w.db.Customer(ctx, pc.resp.customerID)
	if err != nil || cust.Email == "" {
		return nil, err
	}
	pu, err := w.db.Purchase(ctx, pc.resp.purchaseID)
	if err != nil {
		return nil, err
	}
	s := w.siteOf(pc.resp.locationID)
	category := caseCategory(pc.resp.comment)
	firstName, _, _ := strings.Cut(cust.Name, " ")
	from := fresco.Mailbox(cust.Name, cust.Email)
	visit := pu.PurchasedAt.In(s.tz).Format("Monday 2 January")
	subjects, occasion, there := threadSubjects[category], "my visit to "+s.loc.Name, "at "+s.loc.Name
	if s.key == onlineShop {
		subjects, occasion, there = orderSubjects, "my order from "+s.loc.Name, "in an order from us"
	}
	subject := strings.ReplaceAll(oneOf(r, subjects), "{place}", s.loc.Name)
	subject = strings.ReplaceAll(subject, "{day}", visit)

	var attached []fresco.CaseAttachment
	detail := oneOf(r, threadDetails[category])
	if r.chance(attachShare) {
		a := receiptOrPhoto(r, category, pu, s)
		attached = append(attached, a)
		if a.ContentType == "text/plain" {
			detail += " I have attached the receipt."
		} else {
			detail += " I have attached a photo."
		}
	}
	gap := pc.responded.Sub(pc.opened)
	th := &pastThread{
		first: &fresco.CaseMessage{MessageID: customerMessageID(r, cust.Email), From: from, To: businessMail, Subject: subject,
			Text: fmt.Sprintf("Hello,\n\nI left a comment in your survey after %s on %s, but I want to explain properly.\n\n%s\n\n%s\n\n%s\n\n%s,\n%s",
				occasion, visit, pc.resp.comment, detail, threadAsks[pc.expectation], oneOf(r, closings), firstName),
			Attachments: attached, CreatedAt: pc.opened.Add(time.Duration(r.between(0.15, 0.7) * float64(gap))).Truncate(time.Second)},
		replyIn: time.Duration(r.between(15, 90)) * time.Minute,
	}
	letter := ""
	if pc.gesture {
		letter = " You will also have a letter from me in the post this week."
	}
	th.reply = fmt.Sprintf("Dear %s,\n\nThank you for your e-mail, and for taking my call. I am sorry about %s: it is not what anyone should find %s.\n\n%s%s\n\nIf anything else comes up, just reply to this e-mail and it will reach me.\n\nKind regards,\n%s\n%s",
		firstName, threadProblems[category], there, threadPromises[category], letter, owner.Name, s.loc.Name)
	if r.chance(answerShare) {
		ownerFirst, _, _ := strings.Cut(owner.Name, " ")
		th.answer = &fresco.CaseMessage{MessageID: customerMessageID(r, cust.Email), From: from, To: businessMail,
			Subject: "Re: " + subject, Text: fmt.Sprintf("Thank you, %s. I appreciate you getting back to me so quickly.\n\n%s\n\n%s",
				ownerFirst, oneOf(r, threadThanks), firstName)}
		th.answerBy = time.Duration(r.between(0.5, 3) * float64(time.Hour))
	}
	return th, nil
}

// liveThread is the conversation of the i-th live case, if it has one:
// the one resolved since (i = 0) has the whole of it, the open one
// answered (2) the customer's e-mail and the reply, which leaves nobody
// waiting; the others none, nor a thread that would end after the history.
func liveThread(ctx context.Context, w *world, r *rng, lc *pastCase, i int, owner *fresco.Employee) (*pastThread, error) {
	if i != 0 && i != 2 {
		return nil, nil
	}
	th, err := drawThread(ctx, w, r, lc, owner)
	if err != nil || th == nil {
		return th, err
	}
	last := lc.responded.Add(th.replyIn)
	if i == 0 {
		last = lc.resolved
	} else {
		th.answer = nil
	}
	if !last.Before(w.end) {
		return nil, nil
	}
	return th, nil
}

// opening files the customer's first e-mail on case c.
func (th *pastThread) opening(ctx context.Context, svc *recovery.Service, c *fresco.Case, clock *time.Time) error {
	if th == nil {
		return nil
	}
	*clock = th.first.CreatedAt
	return receive(ctx, svc, c, th.first)
}

// answerCustomer has actor send the reply, replyIn after the first
// response (the clock moves on).
func (th *pastThread) answerCustomer(ctx context.Context, svc *recovery.Service, actor recovery.Actor, c *fresco.Case, responded time.Time, clock *time.Time) error {
	if th == nil {
		return nil
	}
	*clock = responded.Add(th.replyIn)
	sent, err := svc.Reply(ctx, actor, c.ID, recovery.ReplyInput{Body: th.reply})
	if err != nil || th.answer == nil {
		return err
	}
	th.answer.InReplyTo = sent.MessageID
	th.answer.References = "<" + th.first.MessageID + "> <" + sent.MessageID + ">"
	return nil
}

// writeBack files the customer's answer, answerBy before the case is
// resolved, when there is one and the case's story leaves room for it.
func (th *pastThread) writeBack(ctx context.Context, svc *recovery.Service, c *fresco.Case, resolved time.Time, clock *time.Time) error {
	if th == nil || th.answer == nil {
		return nil
	}
	at := resolved.Add(-th.answerBy).Truncate(time.Second)
	if !at.After(clock.Add(10 * time.Minute)) {
		return nil // the day was full: no answer before the resolution
	}
	*clock, th.answer.CreatedAt = at, at
	return receive(ctx, svc, c, th.answer)
}

// receive files the customer's e-mail m on case c, as the inbound mail
// code would.
func receive(ctx context.Context, svc *recovery.Service, c *fresco.Case, m *fresco.CaseMessage) error {
	got, opened, err := svc.ReceiveEmail(ctx, c.ID, m)
	if err == nil && (opened || got.ID != c.ID) {
		err = fmt.Errorf("the e-mail of case %d opened case %d", c.ID, got.ID)
	}
	return err
}

// customerMessageID is a Message-ID as the customer's mail provider makes
// them, drawn from r: the same seed gives the same threads.
func customerMessageID(r *rng, address string) string {
	_, domain, _ := strings.Cut(address, "@")
	return fmt.Sprintf("%016x.%08x@mail.%s", r.Uint64(), r.Uint32(), domain)
}

// siteOf is the site of a location.
func (w *world) siteOf(locationID int64) *site {
	for _, s := range w.sites {
		if s.loc.ID == locationID {
			return s
		}
	}
	return w.sites[0]
}

// receiptOrPhoto is what the customer attaches: the receipt when the
// problem is the bill or the price, else a small photo.
func receiptOrPhoto(r *rng, category string, pu *fresco.Purchase, s *site) fresco.CaseAttachment {
	if category == "booking and billing" || category == "price" {
		return fresco.CaseAttachment{Filename: "receipt.txt", ContentType: "text/plain", Data: receipt(pu, s)}
	}
	name := oneOf(r, []string{"photo.png", "room.png", "what-we-found.png"})
	if s.key == onlineShop {
		name = "parcel.png"
	}
	return fresco.CaseAttachment{Filename: name, ContentType: "image/png", Data: photo(r)}
}

// receipt is a purchase's receipt as plain text.
func receipt(pu *fresco.Purchase, s *site) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n%s\n\nReceipt %s\n%s\n\n", s.loc.Name, s.loc.Address, pu.ExternalID, pu.PurchasedAt.In(s.tz).Format("2006-01-02 15:04"))
	for _, l := range pu.Lines {
		fmt.Fprintf(&b, "%3d x %-32s %10s\n", l.Quantity, l.Description, "$"+(l.Total()).String())
	}
	fmt.Fprintf(&b, "\n%-38s %10s\nPaid by card\n", "Total", "$"+pu.Total().String())
	return []byte(b.String())
}

// photo is a tiny PNG: a blurred snapshot of a room, a few hundred bytes.
func photo(r *rng) []byte {
	const w, h = 24, 18
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	base := [3]float64{r.between(120, 220), r.between(100, 200), r.between(80, 180)}
	for y := range h {
		for x := range w {
			shade := 1 - 0.4*float64(y)/h + r.between(-0.05, 0.05)
			img.Set(x, y, color.NRGBA{uint8(base[0] * shade), uint8(base[1] * shade), uint8(base[2] * shade), 255})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img) // writing to memory cannot fail
	return buf.Bytes()
}

// caseMailer records the replies sent from the demo's cases in the outbox
// as sent a few seconds after they were written: the history's mail, which
// nobody sends again. Message-IDs are drawn from its own stream.
type caseMailer struct {
	r     *rng
	clock *time.Time
}

func (m *caseMailer) QueueCustomerMail(ctx context.Context, tx *store.Tx, e *fresco.EmailMessage) error {
	c, err := tx.Customer(ctx, *e.CustomerID)
	if err != nil {
		return err
	}
	sent := m.clock.Add(time.Duration(2+m.r.IntN(40)) * time.Second)
	e.To, e.Status, e.Attempts, e.CreatedAt, e.SentAt = c.Email, fresco.EmailSent, 1, *m.clock, &sent
	e.MessageID = fmt.Sprintf("fresco.%016x%016x@example.com", m.r.Uint64(), m.r.Uint64())
	return tx.RecordEmail(ctx, e)
}

func (m *caseMailer) CustomerFrom(context.Context) string {
	return fresco.Mailbox(businessName, businessMail)
}

// What customers and managers write, by the case's category.
var (
	threadSubjects = map[string][]string{
		"waiting time":            {"The wait at {place}", "Waiting far too long on {day}"},
		"staff manner":            {"How I was treated at {place}", "Disappointed with the service on {day}"},
		"cleanliness":             {"Room not clean on arrival", "Cleanliness at {place}"},
		"booking and billing":     {"Problem with my bill", "Charged wrongly for my booking"},
		"price":                   {"Question about what I paid", "Feeling overcharged at {place}"},
		"product or room quality": {"Not what we expected at {place}", "My visit on {day}"},
	}
	threadDetails = map[string][]string{
		"waiting time":            {"Nobody told us how long it would be, and when I asked, the answer was just \"soon\".", "We had somewhere to be afterwards and ended up rushing."},
		"staff manner":            {"I have been coming for a while and have never been spoken to like that.", "I did not expect to feel like a nuisance for asking a simple question."},
		"cleanliness":             {"The sheets looked slept in and there was dust on every surface.", "The bathroom had clearly not been cleaned since the last guest."},
		"booking and billing":     {"The amount on my card statement does not match what I was told when I booked.", "I was charged for something I never ordered."},
		"price":                   {"For that money I expected a great deal more.", "I checked afterwards and the same thing is cheaper online."},
		"product or room quality": {"It spoiled what should have been a nice occasion.", "The room was not what the pictures showed."},
	}
	threadAsks = map[string]string{
		"An apology":                   "I would appreciate an apology.",
		"A call back from the manager": "Could the manager call me, please?",
		"A partial refund":             "I think a partial refund would be fair.",
		"Wants the problem fixed":      "Please make sure this is put right before my next visit.",
	}
	orderSubjects  = []string{"My order from {day}", "Problem with my online order"}
	closings       = []string{"Kind regards", "Best wishes", "Thanks", "Regards"}
	threadProblems = map[string]string{
		"waiting time": "the long wait", "staff manner": "the way you were treated", "cleanliness": "the state of your room",
		"booking and billing": "the mistake with your bill", "price": "feeling that you did not get value for money",
		"product or room quality": "what went wrong during your visit",
	}
	threadPromises = map[string]string{
		"waiting time":            "From this week we have an extra person on at our busiest times.",
		"staff manner":            "I have spoken with the colleague involved, and we will go over it together at our next team meeting.",
		"cleanliness":             "Housekeeping are going through their checklist with me this week, room by room.",
		"booking and billing":     "I have corrected the booking, and the difference will be back on your card within a few days.",
		"price":                   "I have added a loyalty discount to your account for your next visit.",
		"product or room quality": "We have looked into what went wrong and put it right.",
	}
	threadThanks = []string{"That is all I wanted to hear. We will be back.", "I will give you another try next time I am in town.",
		"Good to know it has been taken seriously.", "Thanks for sorting it out so quickly."}
)
