// Package notifytest has test doubles for package notify: a tiny SMTP server
// on 127.0.0.1 that keeps what it receives.
package notifytest

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"testing"
)

// Message is one e-mail the server accepted.
type Message struct {
	From string
	To   []string
	Data string // headers and body as received, dot-unstuffed
}

// SMTPServer is a minimal SMTP receiver (EHLO/HELO, MAIL, RCPT, DATA, RSET,
// NOOP, QUIT; no TLS, no AUTH). FailNext makes the next n transactions fail
// at DATA with a 451 (a transient error the sender should retry).
type SMTPServer struct {
	Addr string

	ln       net.Listener
	mu       sync.Mutex
	messages []Message
	failNext int
	arrived  chan struct{}
	wg       sync.WaitGroup
}

// StartSMTP starts a server for the test's lifetime.
func StartSMTP(t testing.TB) *SMTPServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &SMTPServer{Addr: ln.Addr().String(), ln: ln, arrived: make(chan struct{}, 1000)}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(func() {
		ln.Close()
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
		go func() {
			defer s.wg.Done()
			defer conn.Close()
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
			reply("250 SIZE 10485760")
		case strings.HasPrefix(verb, "HELO"), strings.HasPrefix(verb, "NOOP"):
			reply("250 ok")
		case strings.HasPrefix(verb, "RSET"):
			msg = Message{}
			reply("250 ok")
		case strings.HasPrefix(verb, "MAIL FROM:"):
			msg = Message{From: address(line[len("MAIL FROM:"):])}
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

// address takes the <path> of MAIL FROM or RCPT TO, dropping parameters
// such as BODY=8BITMIME.
func address(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '>'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimPrefix(s, "<")
}
