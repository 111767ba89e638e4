// Package inbound turns e-mail customers send the business into cases and
// case replies. Mail arrives by the inbound SMTP listener (fresco serve
// --smtp-listen) or by a provider's webhook (POST /api/v1/inbound/email);
// both hand the raw RFC 5322 message to Service.Receive, the one filing
// path. Parsing (this file) and the decisions (decide.go) are pure: they
// read bytes and return values, and know nothing of SMTP, HTTP or SQL.
package inbound

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"mime"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // ISO-8859-*, Windows-125x, KOI8, Shift-JIS, GB18030 … into UTF-8
	"github.com/emersion/go-message/mail"
)

// Message is an inbound e-mail as Fresco reads it: the thread headers, the
// people, the text (derived from the HTML when the sender wrote only HTML),
// the attachments, the headers the screening needs, and a delivery report
// when the message is a bounce.
type Message struct {
	MessageID  string   // without angle brackets
	InReplyTo  []string // Message-IDs, without angle brackets
	References []string // Message-IDs, without angle brackets, oldest first
	FromName   string
	From       string // the address, lower-cased
	To         []string
	Subject    string
	Date       time.Time
	Text       string
	HTML       string
	// Attachments are the parts that are not the message's text: files,
	// inline images, a bounced message.
	Attachments []Attachment
	// Header is the top-level header, for the screening (Auto-Submitted,
	// Precedence, Received …).
	Header mail.Header
	// Report is the delivery-status report of a DSN
	// (multipart/report; report-type=delivery-status), nil otherwise.
	Report *DeliveryReport
}

// Attachment is a part of a message that is a file.
type Attachment struct {
	Filename    string
	ContentType string // media type, lower-case, without parameters
	Data        []byte
}

// DeliveryReport is what a DSN (RFC 3464) says about each recipient.
type DeliveryReport struct {
	Recipients []RecipientStatus
}

// RecipientStatus is one recipient's block of a DSN.
type RecipientStatus struct {
	Address string // from Final-Recipient (or Original-Recipient), lower-cased
	Action  string // failed, delayed, delivered, relayed, expanded
	Status  string // e.g. 5.1.1
}

// Permanent reports whether the delivery failed for good: action failed
// with a 5.x.x status.
func (r RecipientStatus) Permanent() bool {
	return r.Action == "failed" && strings.HasPrefix(r.Status, "5.")
}

// Parse reads a raw RFC 5322 message. Text parts in any charset the
// charset package knows are decoded to UTF-8, quoted-printable and base64
// are undone and the subject's encoded words (RFC 2047) decoded. A message
// without a From address is refused: nobody could be told anything.
func Parse(raw []byte) (*Message, error) {
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
		return nil, fmt.Errorf("message header: %w", err)
	}
	h := mail.Header{Header: e.Header}
	m := &Message{Header: h}
	if err := m.readHeader(h); err != nil {
		return nil, err
	}
	err = e.Walk(func(path []int, part *message.Entity, err error) error {
		if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
			return err
		}
		return m.readPart(part)
	})
	if err != nil && m.Text == "" && m.HTML == "" && len(m.Attachments) == 0 && m.Report == nil {
		// A broken MIME structure (a boundary that never comes) should not
		// lose what the customer wrote: the body is read as it stands.
		if _, body, ok := bytes.Cut(raw, []byte("\r\n\r\n")); ok {
			m.Text = clean(string(body))
		} else if _, body, ok := bytes.Cut(raw, []byte("\n\n")); ok {
			m.Text = clean(string(body))
		}
	}
	if m.Text == "" && m.HTML != "" {
		m.Text = HTMLText(m.HTML)
	}
	m.Text = strings.TrimSpace(m.Text)
	return m, nil
}

// readHeader reads the addresses, thread headers, subject and date.
func (m *Message) readHeader(h mail.Header) error {
	from, err := h.AddressList("From")
	if err != nil || len(from) == 0 {
		// A lenient fallback: "Name <addr>" with odd characters that
		// net/mail refuses still names the sender.
		addr := looseAddress(h.Get("From"))
		if addr == "" {
			return fmt.Errorf("From: no sender address in %q", h.Get("From"))
		}
		from = []*mail.Address{{Address: addr}}
	}
	m.FromName, m.From = strings.TrimSpace(from[0].Name), strings.ToLower(from[0].Address)
	for _, key := range []string{"To", "Cc", "Delivered-To", "X-Original-To"} {
		list, _ := h.AddressList(key)
		for _, a := range list {
			m.To = append(m.To, strings.ToLower(a.Address))
		}
	}
	if m.Subject, err = h.Subject(); err != nil {
		m.Subject = h.Get("Subject") // an undecodable word stays as it came
	}
	m.Subject = clean(m.Subject)
	m.MessageID, _ = h.MessageID()
	m.InReplyTo = msgIDs(h, "In-Reply-To")
	m.References = msgIDs(h, "References")
	m.Date, _ = h.Date()
	return nil
}

// msgIDs reads a list of Message-IDs, leniently: a malformed list keeps the
// IDs that can be read.
func msgIDs(h mail.Header, key string) []string {
	ids, err := h.MsgIDList(key)
	if err == nil {
		return ids
	}
	var out []string
	for _, f := range strings.Fields(h.Get(key)) {
		if id := strings.Trim(f, "<>,"); strings.Contains(id, "@") {
			out = append(out, id)
		}
	}
	return out
}

// readPart takes the first plain and the first HTML text that are not
// attachments as the message's text, a delivery status as the report, and
// every other leaf part as an attachment.
func (m *Message) readPart(p *message.Entity) error {
	mediaType, params, _ := p.Header.ContentType()
	if mediaType == "" {
		mediaType = "text/plain"
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		return nil // Walk goes into its parts
	}
	disposition, dparams, _ := p.Header.ContentDisposition()
	filename := (&mail.AttachmentHeader{Header: p.Header}).Filename
	name, _ := filename()
	if name == "" {
		name = dparams["filename"]
	}
	if name == "" {
		name = params["name"]
	}
	body, err := io.ReadAll(p.Body)
	if err != nil {
		return err
	}
	isFile := disposition == "attachment" || name != ""
	switch {
	case mediaType == "text/plain" && !isFile && m.Text == "":
		m.Text = clean(string(body))
		return nil
	case mediaType == "text/html" && !isFile && m.HTML == "":
		m.HTML = clean(string(body))
		return nil
	case mediaType == "message/delivery-status" || mediaType == "message/global-delivery-status":
		m.Report = parseDeliveryStatus(body)
		return nil
	}
	if name == "" {
		exts, _ := mime.ExtensionsByType(mediaType)
		name = "attachment"
		if len(exts) > 0 {
			name += exts[0]
		}
	}
	m.Attachments = append(m.Attachments, Attachment{Filename: clean(name), ContentType: mediaType, Data: body})
	return nil
}

// parseDeliveryStatus reads the per-recipient blocks of a DSN: header-like
// fields, blocks separated by blank lines, the first block the message's.
func parseDeliveryStatus(body []byte) *DeliveryReport {
	r := &DeliveryReport{}
	var cur RecipientStatus
	var recipient bool
	flush := func() {
		if recipient && cur.Address != "" {
			r.Recipients = append(r.Recipients, cur)
		}
		cur, recipient = RecipientStatus{}, false
	}
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		switch strings.ToLower(strings.TrimSpace(key)) {
		case "final-recipient":
			recipient, cur.Address = true, dsnAddress(value)
		case "original-recipient":
			recipient = true
			if cur.Address == "" {
				cur.Address = dsnAddress(value)
			}
		case "action":
			cur.Action = strings.ToLower(value)
		case "status":
			cur.Status, _, _ = strings.Cut(value, " ")
		}
	}
	flush()
	return r
}

// dsnAddress reads "rfc822; someone@example.com".
func dsnAddress(v string) string {
	if _, addr, ok := strings.Cut(v, ";"); ok {
		v = addr
	}
	return strings.ToLower(strings.Trim(strings.TrimSpace(v), "<>"))
}

// looseAddress finds the address in a From that net/mail cannot parse.
func looseAddress(v string) string {
	if i, j := strings.LastIndex(v, "<"), strings.LastIndex(v, ">"); i >= 0 && j > i {
		v = v[i+1 : j]
	}
	v = strings.TrimSpace(v)
	if at := strings.LastIndex(v, "@"); at <= 0 || at == len(v)-1 || strings.ContainsAny(v, " \t\"") {
		return ""
	}
	return strings.ToLower(v)
}

// clean makes text safe to store: valid UTF-8 without NUL bytes, lines
// ending in \n.
func clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\x00", ""), "\r\n", "\n")
}
