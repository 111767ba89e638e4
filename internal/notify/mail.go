package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
)

// SMTPConfig says how to send e-mail. Without Addr and From, e-mails are
// recorded as skipped. ParseSMTPURL fills it from --smtp-url.
type SMTPConfig struct {
	Addr     string // host:port, e.g. smtp.example.com:587 (env FRESCO_SMTP_ADDR)
	From     string // sender address (env FRESCO_SMTP_FROM)
	User     string // AUTH user, optional (env FRESCO_SMTP_USER)
	Password string // (env FRESCO_SMTP_PASSWORD)
	// Auth is the AUTH mechanism: "" picks the strongest the server offers
	// (CRAM-MD5, then PLAIN or LOGIN over TLS); or "plain", "login", "cram-md5".
	Auth string
	// ImplicitTLS speaks TLS from the first byte (smtps://, port 465);
	// otherwise STARTTLS is used whenever the server offers it.
	ImplicitTLS bool
	// TLSConfig is used for TLS; nil verifies the server's certificate for
	// its host name.
	TLSConfig *tls.Config
	// RequireTLS refuses to send without STARTTLS (env
	// FRESCO_SMTP_REQUIRE_TLS=1); ParseSMTPURL sets it when there is a user,
	// so that credentials never travel in the clear.
	RequireTLS bool
}

// Configured reports whether e-mail can be sent.
func (c SMTPConfig) Configured() bool { return c.Addr != "" && c.From != "" }

// ParseSMTPURL reads smtp://[user:pass@]host[:port][?auth=plain|login|cram-md5]
// (STARTTLS, port 587, required when there is a user) or smtps://… (implicit
// TLS, port 465). It leaves From as it is.
func (c *SMTPConfig) ParseSMTPURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("--smtp-url: %v", err)
	}
	port := ""
	switch u.Scheme {
	case "smtp":
		port = "587"
	case "smtps":
		port, c.ImplicitTLS = "465", true
	default:
		return fmt.Errorf("--smtp-url %q: the scheme must be smtp:// (STARTTLS) or smtps:// (implicit TLS)", u.Redacted())
	}
	if u.Hostname() == "" {
		return fmt.Errorf("--smtp-url %q: no host", u.Redacted())
	}
	if u.Port() != "" {
		port = u.Port()
	}
	c.Addr = net.JoinHostPort(u.Hostname(), port)
	if u.User != nil {
		c.User = u.User.Username()
		c.Password, _ = u.User.Password()
		c.RequireTLS = true
	}
	for k := range u.Query() {
		if k != "auth" {
			return fmt.Errorf("--smtp-url: unknown parameter %q (only auth=plain|login|cram-md5)", k)
		}
	}
	c.Auth = strings.ToLower(u.Query().Get("auth"))
	if _, err := c.authType(); err != nil {
		return err
	}
	return nil
}

// authType is the go-mail mechanism of c.Auth.
func (c SMTPConfig) authType() (gomail.SMTPAuthType, error) {
	switch c.Auth {
	case "", "auto":
		return gomail.SMTPAuthAutoDiscover, nil
	case "plain":
		return gomail.SMTPAuthPlain, nil
	case "login":
		return gomail.SMTPAuthLogin, nil
	case "cram-md5":
		return gomail.SMTPAuthCramMD5, nil
	}
	return "", fmt.Errorf("--smtp-url: auth=%q: want plain, login or cram-md5", c.Auth)
}

type emailJob struct {
	EmailID int64 `json:"email_id"`
}

func (n *Notifier) handleEmail(ctx context.Context, job *jobs.Running) error {
	var p emailJob
	if err := job.Decode(&p); err != nil {
		return err
	}
	m, err := n.db.Email(ctx, p.EmailID)
	if err != nil {
		if fresco.ErrorCode(err) == fresco.ENOTFOUND {
			return jobs.Cancel(err)
		}
		return err
	}
	if m.Status != fresco.EmailQueued {
		return nil // sent, skipped or given up by an earlier run: never twice
	}
	if m.To == "" {
		// The customer was erased while their mail waited (portable.EraseCustomer
		// blanks the address): there is nobody to send it to.
		n.metrics.emails.WithLabelValues(fresco.EmailSkipped).Inc()
		return n.db.RecordEmailAttempt(ctx, m.ID, fresco.EmailSkipped, "no recipient: the address was erased")
	}
	if !n.opts.SMTP.Configured() {
		n.metrics.emails.WithLabelValues(fresco.EmailSkipped).Inc()
		return n.db.RecordEmailAttempt(ctx, m.ID, fresco.EmailSkipped, "SMTP is not configured (--smtp-url, --smtp-from)")
	}
	sendErr := SendMail(ctx, n.opts.SMTP, n.outgoing(ctx, m))
	if sendErr == nil {
		n.metrics.emails.WithLabelValues(fresco.EmailSent).Inc()
		return n.db.RecordEmailAttempt(ctx, m.ID, fresco.EmailSent, "")
	}
	status := fresco.EmailQueued
	if job.LastAttempt() || jobs.IsPermanent(sendErr) {
		status = fresco.EmailFailed
	}
	n.metrics.emails.WithLabelValues(emailOutcome(status, true)).Inc()
	if err := n.db.RecordEmailAttempt(context.WithoutCancel(ctx), m.ID, status, sendErr.Error()); err != nil {
		return errors.Join(sendErr, err)
	}
	return sendErr
}

// Mail is one message ready to send.
type Mail struct {
	To      string
	Subject string
	Text    string
	HTML    string // the alternative to Text; "" sends plain text only
	// MessageID is the Message-ID without angle brackets. It is derived
	// from the outbox record, so that a message sent again after a crash
	// between the server's 250 and the record's update carries the same
	// ID and receivers can tell it is the same message.
	MessageID string
	// FromName is the sender's display name; "" keeps the configured one.
	FromName string
	// InReplyTo (without angle brackets) and References (as the header
	// reads) thread a reply with the message it answers.
	InReplyTo  string
	References string
	// Unsubscribe is an https URL that unsubscribes the recipient with one
	// POST (RFC 8058); "" leaves List-Unsubscribe out (staff mail).
	Unsubscribe string
}

// SendMail sends m over SMTP as cfg says.
func SendMail(ctx context.Context, cfg SMTPConfig, m Mail) error {
	msg, err := compose(cfg, m)
	if err != nil {
		return jobs.Cancel(err)
	}
	// go-mail leaves the connection open when STARTTLS or AUTH fails, so
	// the dialer keeps it and it is closed here in any case.
	var conn net.Conn
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		d := &net.Dialer{Timeout: 10 * time.Second}
		var c net.Conn
		var err error
		if cfg.ImplicitTLS { // a dialer of our own replaces go-mail's TLS dialer
			c, err = (&tls.Dialer{NetDialer: d, Config: tlsConfig(cfg)}).DialContext(ctx, network, addr)
		} else {
			c, err = d.DialContext(ctx, network, addr)
		}
		conn = c
		return c, err
	}
	client, err := newClient(cfg, gomail.WithDialContextFunc(dial))
	if err != nil {
		return jobs.Cancel(err)
	}
	err = client.DialAndSendWithContext(ctx, msg)
	if conn != nil {
		conn.Close()
	}
	return err
}

// newClient is a go-mail client for cfg.
func newClient(cfg SMTPConfig, extra ...gomail.Option) (*gomail.Client, error) {
	host, portText, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("FRESCO_SMTP_ADDR %q: %w", cfg.Addr, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return nil, fmt.Errorf("FRESCO_SMTP_ADDR %q: port %q is not a number", cfg.Addr, portText)
	}
	opts := []gomail.Option{gomail.WithPort(port), gomail.WithTimeout(60 * time.Second), gomail.WithTLSConfig(tlsConfig(cfg)),
		gomail.WithHELO("fresco"), gomail.WithoutNoop()}
	switch {
	case cfg.ImplicitTLS:
		opts = append(opts, gomail.WithSSL())
	case cfg.RequireTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if cfg.User != "" {
		auth, err := cfg.authType()
		if err != nil {
			return nil, err
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(cfg.User), gomail.WithPassword(cfg.Password))
	}
	return gomail.NewClient(host, append(opts, extra...)...)
}

// tlsConfig is cfg.TLSConfig, or one that verifies the server's certificate
// for its host name.
func tlsConfig(cfg SMTPConfig) *tls.Config {
	if cfg.TLSConfig != nil {
		return cfg.TLSConfig
	}
	host, _, _ := net.SplitHostPort(cfg.Addr)
	return &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
}

// compose builds the message: plain text with an HTML alternative, a
// Message-ID and, for customers, List-Unsubscribe with one-click.
func compose(cfg SMTPConfig, m Mail) (*gomail.Msg, error) {
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("FRESCO_SMTP_FROM %q: %w", cfg.From, err)
	}
	rcpt, err := mail.ParseAddress(m.To)
	if err != nil {
		return nil, fmt.Errorf("recipient %q: %w", m.To, err)
	}
	if m.FromName != "" {
		from.Name = m.FromName
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(from.String()); err != nil {
		return nil, fmt.Errorf("FRESCO_SMTP_FROM %q: %w", cfg.From, err)
	}
	if err := msg.To(rcpt.String()); err != nil {
		return nil, fmt.Errorf("recipient %q: %w", m.To, err)
	}
	msg.Subject(strings.NewReplacer("\r", " ", "\n", " ").Replace(m.Subject))
	msg.SetDate()
	if m.MessageID != "" {
		msg.SetMessageIDWithValue(m.MessageID)
	} else {
		msg.SetMessageID()
	}
	if m.InReplyTo != "" {
		msg.SetGenHeaderPreformatted(gomail.HeaderInReplyTo, "<"+m.InReplyTo+">")
	}
	if m.References != "" {
		msg.SetGenHeaderPreformatted(gomail.HeaderReferences, m.References)
	}
	if m.Unsubscribe != "" {
		msg.SetGenHeaderPreformatted(gomail.HeaderListUnsubscribe, "<"+m.Unsubscribe+">")
		msg.SetGenHeader(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	msg.SetBodyString(gomail.TypeTextPlain, crlf(m.Text))
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

func crlf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}

// NewMessageID is a Message-ID (without angle brackets) on the sender's
// domain for a message about to be queued: random, so that it is known
// before the record is written and never repeats across databases.
func NewMessageID(from string) string {
	return "fresco." + randomHex(16) + "@" + senderDomain(from)
}

// senderDomain is the domain of the From address, or "fresco.invalid".
func senderDomain(from string) string {
	if a, err := mail.ParseAddress(from); err == nil {
		if _, d, ok := strings.Cut(a.Address, "@"); ok && d != "" {
			return d
		}
	}
	return "fresco.invalid"
}

// messageID is the stable Message-ID of an outbox record, on the sender's
// domain: the record's id and creation time, so two databases never clash.
func messageID(from string, m *fresco.EmailMessage) string {
	return fmt.Sprintf("fresco.email.%d.%d@%s", m.ID, m.CreatedAt.UnixNano(), senderDomain(from))
}
