package inbound

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
)

// SMTPServer is the inbound SMTP listener a mail relay or MX delivers to.
// It advertises and enforces the size limit (SIZE, 552 5.3.4), refuses
// recipients outside the configured domains (550 5.1.1) and hands each
// message to Receive; a message Fresco could not file for a fault of its
// own gets 451, so that the relay tries again.
type SMTPServer struct {
	srv *smtp.Server
	svc *Service
}

// NewSMTPServer returns the listener for svc; hostname is the name it greets
// with (the MX's name).
func NewSMTPServer(svc *Service, hostname string) *SMTPServer {
	s := &SMTPServer{svc: svc}
	srv := smtp.NewServer(backend{svc})
	if hostname == "" {
		hostname = "localhost"
	}
	srv.Domain = hostname
	srv.MaxMessageBytes = svc.maxBytes
	srv.MaxRecipients = 50
	srv.ReadTimeout = 2 * time.Minute
	srv.WriteTimeout = time.Minute
	srv.ErrorLog = discardLog{}
	s.srv = srv
	return s
}

// Serve accepts connections on l until Close or Shutdown.
func (s *SMTPServer) Serve(l net.Listener) error {
	err := s.srv.Serve(l)
	if errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting and waits for the sessions under way to end.
func (s *SMTPServer) Shutdown(ctx context.Context) error { return s.srv.Shutdown(ctx) }

// Close stops at once.
func (s *SMTPServer) Close() error { return s.srv.Close() }

type backend struct{ svc *Service }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{svc: b.svc}, nil }

// session is one SMTP conversation: the envelope of the message under way.
type session struct {
	svc *Service
	env Envelope
}

func (s *session) Reset()        { s.env = Envelope{} }
func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, opts *smtp.MailOptions) error {
	if opts != nil && opts.Size > s.svc.maxBytes {
		s.svc.Count(OutcomeRejected)
		s.svc.log.Info("inbound: dropped", "outcome", OutcomeRejected, "mail_from", from,
			"reason", "declared size over the limit", "bytes", opts.Size)
		return tooLarge
	}
	s.env = Envelope{MailFrom: strings.ToLower(from), NullSender: from == ""}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if !RecipientAllowed(to, s.svc.domains) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
			Message: "No such mailbox here: " + to}
	}
	s.env.Recipients = append(s.env.Recipients, strings.ToLower(to))
	return nil
}

var tooLarge = &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 3, 4}, Message: "Message too large"}

func (s *session) Data(r io.Reader) error {
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, r); err != nil {
		if errors.Is(err, smtp.ErrDataTooLarge) {
			s.svc.Count(OutcomeRejected)
			s.svc.log.Info("inbound: dropped", "outcome", OutcomeRejected, "mail_from", s.env.MailFrom,
				"reason", "larger than the size limit")
			return tooLarge
		}
		return err
	}
	// The relay waits for the answer; a stuck database should not hold it
	// past its own timeout (RFC 5321 gives the final dot 10 minutes).
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	res, err := s.svc.Receive(ctx, s.env, buf.Bytes())
	switch {
	case err == nil:
		return nil
	case res.Outcome == OutcomeRejected:
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: oneLine(res.Reason)}
	}
	return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Could not file the message now; try again later"}
}

// oneLine keeps an SMTP reply on one short line.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 400 {
		s = s[:400]
	}
	return s
}

// discardLog silences go-smtp's own log of broken connections; outcomes
// are logged by Receive.
type discardLog struct{}

func (discardLog) Printf(string, ...any) {}
func (discardLog) Println(...any)        {}
