package inbound

import (
	"fmt"
	"mime"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Outcomes of a received message: the label of fresco_inbound_messages_total.
const (
	OutcomeReply     = "reply"      // filed on the case it answers
	OutcomeNewCase   = "new_case"   // opened a case
	OutcomeAutoReply = "auto_reply" // dropped: an out-of-office or other automatic answer
	OutcomeBounce    = "bounce"     // dropped: a delivery failure report (a permanent one marks the address)
	OutcomeLoop      = "loop"       // dropped: our own mail come back, or too many hops
	OutcomeDuplicate = "duplicate"  // dropped: the same Message-ID was filed before
	OutcomeRejected  = "rejected"   // refused: unreadable, too large, or for a recipient not ours
	OutcomeFailed    = "failed"     // not filed for a fault of ours; the sender retries
)

// Outcomes lists every outcome, so that the metric starts at zero for each.
var Outcomes = []string{OutcomeReply, OutcomeNewCase, OutcomeAutoReply, OutcomeBounce, OutcomeLoop,
	OutcomeDuplicate, OutcomeRejected, OutcomeFailed}

// Envelope is what the sending server said in the SMTP transaction; a
// provider's webhook has none (NullSender false, no recipients).
type Envelope struct {
	MailFrom   string   // MAIL FROM, "" for the null sender <>
	NullSender bool     // MAIL FROM:<>: a bounce or another automatic notice
	Recipients []string // RCPT TO
}

// Policy is what the screening needs to know of this installation.
type Policy struct {
	// OwnDomains are the domains of Fresco's own Message-IDs (the domain of
	// --smtp-from): a message whose own Message-ID is one of Fresco's
	// ("fresco.…") on one of them is our mail come back.
	OwnDomains []string
	// LoopMarker is the X-Loop value Fresco's mail would carry (its sender
	// address): an X-Loop header that names it means our mail came back.
	// (Not Received: those name our address as the recipient of every
	// message.)
	LoopMarker string
	// MaxHops is the most Received headers a message may carry (default 30,
	// as Postfix's hopcount_limit is 50 and a real path has under 15).
	MaxHops int
	// Attachments are checked against these.
	MaxAttachmentBytes int64    // one file (default 5 MB)
	MaxAttachmentTotal int64    // all files of a message (default 10 MB)
	AllowedTypes       []string // media types kept; "image/*" allows a family (default DefaultAllowedTypes)
}

// DefaultAllowedTypes are the attachment types kept: documents, images and
// plain data a customer sends with a complaint (a receipt, a photo of the
// damage), none of them executable.
var DefaultAllowedTypes = []string{
	"application/pdf", "image/*", "text/plain", "text/csv", "message/rfc822",
	"application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
	"audio/mpeg", "audio/mp4", "video/mp4", "video/quicktime",
}

// WithDefaults fills in the zero fields.
func (p Policy) WithDefaults() Policy {
	if p.MaxHops <= 0 {
		p.MaxHops = 30
	}
	if p.MaxAttachmentBytes <= 0 {
		p.MaxAttachmentBytes = 5 << 20
	}
	if p.MaxAttachmentTotal <= 0 {
		p.MaxAttachmentTotal = 10 << 20
	}
	if len(p.AllowedTypes) == 0 {
		p.AllowedTypes = DefaultAllowedTypes
	}
	return p
}

// Verdict is what screening decided about a message that is not to be
// filed: its outcome and why, in words for the log.
type Verdict struct {
	Outcome string
	Reason  string
	// Undeliverable are the addresses a permanent bounce reported, to be
	// marked so that nothing more is sent to them.
	Undeliverable []string
}

// Screen decides whether m may be filed. It returns nil for a message from
// a person, else why it must not open or join a case: a bounce (a
// delivery-status report or the null sender), our own mail come back or a
// message that went round too many servers (a loop), or an automatic
// answer (RFC 3834 Auto-Submitted and the headers mail programs use
// instead). Bounces come first, as many carry Auto-Submitted too and only
// the bounce marks the address.
func Screen(m *Message, env Envelope, p Policy) *Verdict {
	p = p.WithDefaults()
	if m.Report != nil || isReport(m) {
		v := &Verdict{Outcome: OutcomeBounce, Reason: "delivery-status report"}
		if m.Report != nil {
			for _, r := range m.Report.Recipients {
				if r.Permanent() {
					v.Undeliverable = append(v.Undeliverable, r.Address)
				}
			}
		}
		if len(v.Undeliverable) > 0 {
			v.Reason += ": permanent failure for " + strings.Join(v.Undeliverable, ", ")
		}
		return v
	}
	if env.NullSender {
		return &Verdict{Outcome: OutcomeBounce, Reason: "null sender (MAIL FROM:<>)"}
	}
	if why := loop(m, p); why != "" {
		return &Verdict{Outcome: OutcomeLoop, Reason: why}
	}
	if why := autoReply(m); why != "" {
		return &Verdict{Outcome: OutcomeAutoReply, Reason: why}
	}
	return nil
}

// isReport reports a multipart/report of delivery status whose status part
// could not be read.
func isReport(m *Message) bool {
	mt, params, _ := m.Header.ContentType()
	return mt == "multipart/report" && strings.EqualFold(params["report-type"], "delivery-status")
}

// loop says why m is our own mail come back, or went round too long.
func loop(m *Message, p Policy) string {
	// Fresco's Message-IDs are "fresco.…@<sender domain>" (notify's
	// NewMessageID and the outbox's); the domain alone would also match
	// mail staff send from their own mailboxes there.
	if local, domain, ok := strings.Cut(m.MessageID, "@"); ok && strings.HasPrefix(local, "fresco.") && containsFold(p.OwnDomains, domain) {
		return "own Message-ID " + m.MessageID
	}
	if p.LoopMarker != "" {
		for _, v := range m.Header.Values("X-Loop") {
			if strings.Contains(strings.ToLower(v), strings.ToLower(p.LoopMarker)) {
				return "X-Loop header names " + p.LoopMarker
			}
		}
	}
	if hops := len(m.Header.Values("Received")); hops > p.MaxHops {
		return fmt.Sprintf("%d Received hops (more than %d)", hops, p.MaxHops)
	}
	return ""
}

// autoReply says which header marks m as an automatic answer.
func autoReply(m *Message) string {
	h := m.Header
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && !strings.HasPrefix(v, "no") {
		return "Auto-Submitted: " + v
	}
	for _, key := range []string{"X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"} {
		if h.Has(key) {
			return key + " header"
		}
	}
	switch v := strings.ToLower(strings.TrimSpace(h.Get("Precedence"))); v {
	case "bulk", "junk", "auto_reply":
		return "Precedence: " + v
	}
	return ""
}

// CaseToken reads the case number from a recipient such as
// support+c123@example.com (a reply address Fresco may give out); 0 when
// none of the addresses carries one.
func CaseToken(addresses []string) int64 {
	for _, a := range addresses {
		local, _, _ := strings.Cut(a, "@")
		_, tag, ok := strings.Cut(local, "+")
		if !ok || len(tag) < 2 || (tag[0] != 'c' && tag[0] != 'C') {
			continue
		}
		if id, err := strconv.ParseInt(tag[1:], 10, 64); err == nil && id > 0 {
			return id
		}
	}
	return 0
}

// ThreadIDs are the Message-IDs a reply names, most recent first: its
// In-Reply-To, then its References from the newest.
func ThreadIDs(m *Message) []string {
	ids := slices.Clone(m.InReplyTo)
	for i := len(m.References) - 1; i >= 0; i-- {
		if !slices.Contains(ids, m.References[i]) {
			ids = append(ids, m.References[i])
		}
	}
	return ids
}

// RecipientAllowed reports whether addr is in one of the domains (any
// address when there are none).
func RecipientAllowed(addr string, domains []string) bool {
	if len(domains) == 0 {
		return true
	}
	_, d, ok := strings.Cut(strings.Trim(addr, "<> "), "@")
	return ok && containsFold(domains, d)
}

// SortAttachments keeps the attachments that pass the policy and says, one
// line each, why the others were refused: a type not on the allow-list, a
// file over the per-file limit, or one that would take the message past the
// total. Refused files are named on the message, never silently dropped.
func SortAttachments(atts []Attachment, p Policy) (kept []Attachment, refused []string) {
	p = p.WithDefaults()
	var total int64
	for _, a := range atts {
		a.ContentType = mediaType(a)
		size := int64(len(a.Data))
		switch {
		case !typeAllowed(a.ContentType, p.AllowedTypes):
			refused = append(refused, fmt.Sprintf("%s (%s, %s): this type of file is not accepted", a.Filename, a.ContentType, byteSize(size)))
		case size > p.MaxAttachmentBytes:
			refused = append(refused, fmt.Sprintf("%s (%s): larger than %s", a.Filename, byteSize(size), byteSize(p.MaxAttachmentBytes)))
		case total+size > p.MaxAttachmentTotal:
			refused = append(refused, fmt.Sprintf("%s (%s): the message's files would pass %s", a.Filename, byteSize(size), byteSize(p.MaxAttachmentTotal)))
		default:
			total += size
			kept = append(kept, a)
		}
	}
	return kept, refused
}

// mediaType is the attachment's declared type, or, for the catch-all
// application/octet-stream, the type its file name says.
func mediaType(a Attachment) string {
	t := strings.ToLower(a.ContentType)
	if t == "" || t == "application/octet-stream" {
		if byName, _, err := mime.ParseMediaType(mime.TypeByExtension(strings.ToLower(path.Ext(a.Filename)))); err == nil {
			return byName
		}
		return "application/octet-stream"
	}
	return t
}

func typeAllowed(t string, allowed []string) bool {
	for _, a := range allowed {
		if a == t || (strings.HasSuffix(a, "/*") && strings.HasPrefix(t, strings.TrimSuffix(a, "*"))) {
			return true
		}
	}
	return false
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
