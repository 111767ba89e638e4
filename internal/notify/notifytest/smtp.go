// Package notifytest has test doubles for package notify: a tiny SMTP server
// on 127.0.0.1, optionally with TLS and AUTH, that keeps what it receives.
package notifytest

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// Message is one e-mail the server accepted.
type Message struct {
	From string
	To   []string
	Data string // headers and body as received, dot-unstuffed
	TLS  bool   // the session was encrypted
	Auth string // the AUTH mechanism the sender used, "" without AUTH
}

// SMTPServer is a minimal SMTP receiver (EHLO/HELO, STARTTLS, AUTH PLAIN,
// LOGIN and CRAM-MD5, MAIL, RCPT, DATA, RSET, NOOP, QUIT). FailNext makes
// the next n transactions fail at DATA with a 451 (a transient error the
// sender should retry).
type SMTPServer struct {
	Addr string
	// Certs trusts the server's self-signed certificate (TLS servers only).
	Certs *x509.CertPool

	opts TLSOptions
	cert *tls.Config

	ln       net.Listener
	mu       sync.Mutex
	messages []Message
	failNext int
	conns    map[net.Conn]bool
	arrived  chan struct{}
	wg       sync.WaitGroup
}

// StartSMTP starts a plain server (no TLS, no AUTH) for the test's lifetime.
func StartSMTP(t testing.TB) *SMTPServer { return start(t, TLSOptions{}, nil) }

// TLSOptions describe a server with TLS and AUTH.
type TLSOptions struct {
	Implicit bool // TLS from the first byte (port 465 style); otherwise STARTTLS
	// User and Password are required before MAIL; AUTH is offered only
	// over TLS, as real servers do.
	User, Password string
}

// StartSMTPTLS starts a server with a certificate for 127.0.0.1, made for
// the test, and AUTH.
func StartSMTPTLS(t testing.TB, opts TLSOptions) *SMTPServer {
	t.Helper()
	cfg, pool := selfSigned(t)
	s := start(t, opts, cfg)
	s.Certs = pool
	return s
}

func start(t testing.TB, opts TLSOptions, cfg *tls.Config) *SMTPServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if opts.Implicit {
		ln = tls.NewListener(ln, cfg)
	}
	s := &SMTPServer{Addr: ln.Addr().String(), ln: ln, arrived: make(chan struct{}, 1000), opts: opts, cert: cfg}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(func() {
		ln.Close()
		s.mu.Lock()
		for c := range s.conns { // a client that gave up without QUIT
			c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

// FailNext makes the next n messages fail with 451.
func (s *SMTPServer) FailNext(n int) {
	s.mu.Lock()
	s.failNext = n
	s.mu.Unlock()
}

// Messages returns what has arrived so far.
func (s *SMTPServer) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Arrived receives a value for every accepted message.
func (s *SMTPServer) Arrived() <-chan struct{} { return s.arrived }

func (s *SMTPServer) serve() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		s.mu.Lock()
		if s.conns == nil {
			s.conns = map[net.Conn]bool{}
		}
		s.conns[conn] = true
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			defer func() {
				s.mu.Lock()
				delete(s.conns, conn)
				s.mu.Unlock()
				conn.Close()
			}()
			s.session(conn)
		}()
	}
}

func (s *SMTPServer) session(conn net.Conn) {
	r := bufio.NewReader(conn)
	w := bufio.NewWriter(conn)
	reply := func(line string) bool {
		w.WriteString(line + "\r\n")
		return w.Flush() == nil
	}
	if !reply("220 notifytest ESMTP") {
		return
	}
	encrypted := s.opts.Implicit
	authed := ""
	var msg Message
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(line)
		switch {
		case strings.HasPrefix(verb, "EHLO"):
			w.WriteString("250-notifytest\r\n250-8BITMIME\r\n")
			if s.cert != nil && !encrypted {
				w.WriteString("250-STARTTLS\r\n")
			}
			if s.opts.User != "" && encrypted {
				w.WriteString("250-AUTH CRAM-MD5 PLAIN LOGIN\r\n")
			}
			reply("250 SIZE 10485760")
		case verb == "STARTTLS" && s.cert != nil && !encrypted:
			reply("220 go ahead")
			tc := tls.Server(conn, s.cert)
			if tc.Handshake() != nil {
				return
			}
			conn, encrypted = tc, true
			r, w = bufio.NewReader(conn), bufio.NewWriter(conn)
		case strings.HasPrefix(verb, "AUTH ") && s.opts.User != "" && encrypted:
			mech, ok := s.auth(r, reply, line[len("AUTH "):])
			if !ok {
				reply("535 authentication failed")
				continue
			}
			authed = mech
			reply("235 authenticated")
		case strings.HasPrefix(verb, "HELO"), strings.HasPrefix(verb, "NOOP"):
			reply("250 ok")
		case strings.HasPrefix(verb, "RSET"):
			msg = Message{}
			reply("250 ok")
		case strings.HasPrefix(verb, "MAIL FROM:"):
			if s.opts.User != "" && authed == "" {
				reply("530 authentication required")
				continue
			}
			msg = Message{From: address(line[len("MAIL FROM:"):]), TLS: encrypted, Auth: authed}
			reply("250 ok")
		case strings.HasPrefix(verb, "RCPT TO:"):
			msg.To = append(msg.To, address(line[len("RCPT TO:"):]))
			reply("250 ok")
		case verb == "DATA":
			reply("354 go ahead")
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" || l == ".\n" {
					break
				}
				data.WriteString(strings.TrimPrefix(l, "."))
			}
			msg.Data = data.String()
			s.mu.Lock()
			fail := s.failNext > 0
			if fail {
				s.failNext--
			} else {
				s.messages = append(s.messages, msg)
			}
			s.mu.Unlock()
			if fail {
				reply("451 try again later")
				continue
			}
			select {
			case s.arrived <- struct{}{}:
			default:
			}
			reply("250 queued")
		case verb == "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 not implemented")
		}
	}
}

// auth runs one AUTH exchange (args is what follows "AUTH ") and reports
// the mechanism and whether the credentials were right.
func (s *SMTPServer) auth(r *bufio.Reader, reply func(string) bool, args string) (string, bool) {
	mech, initial, _ := strings.Cut(args, " ")
	mech = strings.ToUpper(mech)
	ask := func(prompt string) string {
		reply("334 " + prompt)
		l, _ := r.ReadString('\n')
		b, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(l))
		return string(b)
	}
	switch mech {
	case "PLAIN":
		var resp string
		if initial != "" {
			b, _ := base64.StdEncoding.DecodeString(initial)
			resp = string(b)
		} else {
			resp = ask("")
		}
		parts := strings.Split(resp, "\x00")
		return mech, len(parts) == 3 && parts[1] == s.opts.User && parts[2] == s.opts.Password
	case "LOGIN":
		user := ask(base64.StdEncoding.EncodeToString([]byte("Username:")))
		pass := ask(base64.StdEncoding.EncodeToString([]byte("Password:")))
		return mech, user == s.opts.User && pass == s.opts.Password
	case "CRAM-MD5":
		challenge := fmt.Sprintf("<%d.%d@notifytest>", time.Now().UnixNano(), os.Getpid())
		user, digest, _ := strings.Cut(ask(base64.StdEncoding.EncodeToString([]byte(challenge))), " ")
		h := hmac.New(md5.New, []byte(s.opts.Password))
		h.Write([]byte(challenge))
		return mech, user == s.opts.User && hmac.Equal([]byte(digest), []byte(hex.EncodeToString(h.Sum(nil))))
	}
	return mech, false
}

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t testing.TB) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "notifytest"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}

// address takes the <path> of MAIL FROM or RCPT TO, dropping parameters
// such as BODY=8BITMIME.
func address(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '>'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimPrefix(s, "<")
}
