package e2e

import (
	"context"
	"fmt"
	"net/smtp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/notify/notifytest"
	"github.com/fresco-cx/fresco/internal/recovery"
)

// TestBrowserReplyFromTheCase: an agent opens a case, picks a reply
// template (which fills the form), edits it and sends it; the reply shows in
// the conversation with its send status, which turns to sent when the mail
// server has it, without a reload. Then the customer's answer, sent by
// e-mail to Fresco's SMTP listener as a reply to that message, appears on
// the open page by itself.
func TestBrowserReplyFromTheCase(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mail := notifytest.StartSMTP(t)
	cs := newCaseStage(t, ctx, func(c *app.Config) {
		c.SMTP = notify.SMTPConfig{Addr: mail.Addr, From: "care@shop.example"}
		c.Inbound.Listen = "127.0.0.1:0"
	})
	bctx, jsErrors, db, a, c, ts := cs.browser, cs.jsErrors, cs.db, cs.app, cs.c, cs.ts
	qctx, stopQueue := context.WithCancel(ctx)
	queueDone := make(chan error, 1)
	go func() { queueDone <- a.Queue.Run(qctx) }() // the outbox is sent while the page is open
	t.Cleanup(func() { stopQueue(); <-queueDone })
	tpl, err := a.Recovery.CreateReplyTemplate(ctx, recovery.System, recovery.ReplyTemplateInput{Name: "New lenses",
		Subject: "Your glasses (case #{case_number})", Body: "Dear {customer_name},\n\nyour new lenses are on order."})
	if err != nil {
		t.Fatal(err)
	}

	st := steps{t, bctx}
	do, load, text := st.do, st.load, st.text
	load("open the case", chromedp.Navigate(fmt.Sprintf("%s/cases/%d", ts.URL, c.ID)))
	st.login("sam@example.com")
	if empty := text("#case-thread"); !strings.Contains(empty, "No e-mail with the customer yet") {
		t.Errorf("thread before any mail = %q", empty)
	}
	do("pick the template", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(function () {
		var s = document.getElementById("reply-template"); s.value = "%d";
		s.dispatchEvent(new Event("change")); })()`, tpl.ID)))
	body := st.get("read the filled message", chromedp.Value(chromedp.ID("reply-body")))
	subject := st.get("read the filled subject", chromedp.Value(chromedp.ID("reply-subject")))
	if !strings.HasPrefix(body, "Dear Ada Lovelace,") || subject != fmt.Sprintf("Your glasses (case #%d)", c.ID) {
		t.Fatalf("template filled subject %q, message %q", subject, body)
	}
	do("edit the message", chromedp.SendKeys(chromedp.ID("reply-body"), " They will be ready on Friday."))
	load("send it", chromedp.Click(chromedp.ID("reply-send")))
	thread := text("#case-thread")
	for _, want := range []string{"To customer", "Sam", "your new lenses are on order. They will be ready on Friday.",
		fmt.Sprintf("Your glasses (case #%d)", c.ID)} {
		if !strings.Contains(thread, want) {
			t.Errorf("thread lacks %q:\n%s", want, thread)
		}
	}
	// The status shows at once (queued or already sent) and becomes "sent"
	// on the open page once the mail server has the message.
	do("see the reply sent", chromedp.WaitVisible(chromedp.CSS(`#case-thread [data-status="sent"]`)))
	if got := len(mail.Messages()); got != 1 {
		t.Errorf("the mail server got %d messages, want 1", got)
	} else if data := mail.Messages()[0].Data; !strings.Contains(data, "They will be ready on Friday.") ||
		!strings.Contains(data, "To: <ada@example.com>") {
		t.Errorf("sent message:\n%s", data)
	}
	sent, err := db.CaseMessages(ctx, c.ID)
	if err != nil || len(sent) != 1 {
		t.Fatalf("thread in the store: %d messages (%v)", len(sent), err)
	}

	// The customer answers by e-mail: their mail client's reply, threaded on
	// the Message-ID they received, reaches Fresco's SMTP listener.
	answerMail := strings.ReplaceAll(fmt.Sprintf(`From: Ada Lovelace <ada@example.com>
To: care@shop.example
Subject: Re: Your glasses
Message-ID: <ada-1@example.com>
In-Reply-To: <%[1]s>
References: <%[1]s>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

Thank you, Friday suits me.
--b1
Content-Type: text/plain; name="prescription.txt"
Content-Disposition: attachment; filename="prescription.txt"

R -1.25 L -1.50
--b1--
`, sent[0].MessageID), "\n", "\r\n")
	filed := time.Now()
	if err := smtp.SendMail(cs.inboundAddr, nil, "ada@example.com", []string{"care@shop.example"}, []byte(answerMail)); err != nil {
		t.Fatalf("the customer's reply was refused: %v", err)
	}
	do("see the customer's answer arrive", chromedp.WaitVisible(chromedp.CSS(`#case-thread li[data-direction="in"]`)))
	t.Logf("the customer's e-mail showed on the open page %s after it was sent", time.Since(filed).Round(time.Millisecond))
	answer := text(`#case-thread li[data-direction="in"]`)
	for _, want := range []string{"From customer", "ada@example.com", "Thank you, Friday suits me.", "prescription.txt", "15 B"} {
		if !strings.Contains(answer, want) {
			t.Errorf("the customer's message lacks %q:\n%s", want, answer)
		}
	}
	if order := text("#case-thread"); strings.Index(order, "Friday suits me") < strings.Index(order, "ready on Friday") {
		t.Errorf("thread not oldest first:\n%s", order)
	}
	if errs := jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}
