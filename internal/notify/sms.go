package notify

import (
	"context"
	"log/slog"
	"sync"
)

// SMSSender sends a text message. Fresco ships only LogSMS; a provider
// (Twilio, MessageBird, an SMPP gateway) plugs in by implementing Send and
// being passed as feedback.Options.SMS in package app — see
// docs/invitations.md. Send is called from a durable job, at least once per
// message: an error retries it with the queue's backoff, so a provider
// client should pass an idempotency key where its API takes one.
type SMSSender interface {
	Send(ctx context.Context, to, text string) error
}

// SMS is one text message LogSMS has sent.
type SMS struct {
	To, Text string
}

// LogSMS is the default SMSSender: it writes each message to the log and
// keeps it, for tests and for a business that has no SMS provider yet.
type LogSMS struct {
	Logger *slog.Logger // nil: the messages are only kept

	mu   sync.Mutex
	sent []SMS
}

// Send logs and keeps the message.
func (l *LogSMS) Send(ctx context.Context, to, text string) error {
	if l.Logger != nil {
		l.Logger.InfoContext(ctx, "sms (log only: no SMS provider configured)", "to", to, "text", text)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sent = append(l.sent, SMS{To: to, Text: text})
	return nil
}

// Sent returns the messages sent so far.
func (l *LogSMS) Sent() []SMS {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]SMS(nil), l.sent...)
}
