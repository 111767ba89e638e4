package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
)

// SMTPConfig says how to send e-mail. Without Addr and From, e-mails are
// recorded as skipped.
type SMTPConfig struct {
	Addr     string // host:port, e.g. smtp.example.com:587 (env FRESCO_SMTP_ADDR)
	From     string // sender address (env FRESCO_SMTP_FROM)
	User     string // AUTH PLAIN user, optional (env FRESCO_SMTP_USER)
	Password string // (env FRESCO_SMTP_PASSWORD)
	// TLSConfig is used for STARTTLS, which is used whenever the server
	// offers it; nil verifies the server's certificate for its host name.
	TLSConfig *tls.Config
	// RequireTLS refuses to send (and to authenticate) without STARTTLS
	// (env FRESCO_SMTP_REQUIRE_TLS=1). Credentials are never sent in the
	// clear to a host other than localhost either way (net/smtp refuses).
	RequireTLS bool
}

// Configured reports whether e-mail can be sent.
func (c SMTPConfig) Configured() bool { return c.Addr != "" && c.From != "" }

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
		return nil
	}
	if !n.opts.SMTP.Configured() {
		n.metrics.emails.WithLabelValues(fresco.EmailSkipped).Inc()
		return n.db.RecordEmailAttempt(ctx, m.ID, fresco.EmailSkipped, "SMTP is not configured (--smtp-addr, --smtp-from)")
	}
	sendErr := SendMail(ctx, n.opts.SMTP, m.To, m.Subject, m.Body)
	if sendErr == nil {
		n.metrics.emails.WithLabelValues(fresco.EmailSent).Inc()
		return n.db.RecordEmailAttempt(ctx, m.ID, fresco.EmailSent, "")
	}
	status := fresco.EmailQueued
	if job.LastAttempt() {
		status = fresco.EmailFailed
	}
	n.metrics.emails.WithLabelValues(emailOutcome(status, true)).Inc()
	if err := n.db.RecordEmailAttempt(context.WithoutCancel(ctx), m.ID, status, sendErr.Error()); err != nil {
		return errors.Join(sendErr, err)
	}
	return sendErr
}

// SendMail sends one plain-text message over SMTP, upgrading to TLS with
// STARTTLS when the server offers it.
func SendMail(ctx context.Context, cfg SMTPConfig, to, subject, body string) error {
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return jobs.Cancel(fmt.Errorf("FRESCO_SMTP_FROM %q: %w", cfg.From, err))
	}
	rcpt, err := mail.ParseAddress(to)
	if err != nil {
		return jobs.Cancel(fmt.Errorf("recipient %q: %w", to, err))
	}
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return jobs.Cancel(fmt.Errorf("FRESCO_SMTP_ADDR %q: %w", cfg.Addr, err))
	}
	dialer := net.Dialer{Timeout: 10 * time.Second}
	conn, err := dialer.DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(60 * time.Second)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if err := c.Hello("fresco"); err != nil {
		return err
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		tc := cfg.TLSConfig
		if tc == nil {
			tc = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
		}
		if err := c.StartTLS(tc); err != nil {
			return fmt.Errorf("STARTTLS: %w", err)
		}
	} else if cfg.RequireTLS {
		return fmt.Errorf("SMTP server %s does not offer STARTTLS and FRESCO_SMTP_REQUIRE_TLS=1", cfg.Addr)
	}
	if cfg.User != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return fmt.Errorf("SMTP server %s does not offer AUTH but FRESCO_SMTP_USER is set", cfg.Addr)
		}
		if err := c.Auth(smtp.PlainAuth("", cfg.User, cfg.Password, host)); err != nil {
			return fmt.Errorf("SMTP AUTH: %w", err)
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return err
	}
	if err := c.Rcpt(rcpt.Address); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(composeMessage(from, rcpt, subject, body)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// composeMessage builds an RFC 5322 message with a quoted-printable UTF-8 body.
func composeMessage(from, to *mail.Address, subject, body string) []byte {
	clean := func(s string) string { return strings.NewReplacer("\r", " ", "\n", " ").Replace(s) }
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\n", from.String())
	fmt.Fprintf(&b, "To: %s\r\n", to.String())
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", clean(subject)))
	fmt.Fprintf(&b, "Date: %s\r\n", time.Now().UTC().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s@fresco>\r\n", randomHex(16))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n")))
	qp.Close()
	b.WriteString("\r\n")
	return b.Bytes()
}
