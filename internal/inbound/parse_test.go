package inbound_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/inbound"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func parse(t *testing.T, name string) *inbound.Message {
	t.Helper()
	m, err := inbound.Parse(fixture(t, name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

func TestParseRealMessages(t *testing.T) {
	t.Run("plain", func(t *testing.T) {
		m := parse(t, "plain.eml")
		if m.From != "anna.berg@example.net" || m.FromName != "Anna Berg" || m.Subject != "Question about opening hours" ||
			m.MessageID != "plain-0001@example.net" || !slices.Contains(m.To, "support@shop.example") {
			t.Errorf("headers: %+v", m)
		}
		if !strings.HasPrefix(m.Text, "Hello,") || !strings.Contains(m.Text, "Sunday before Christmas") || m.HTML != "" {
			t.Errorf("text %q html %q", m.Text, m.HTML)
		}
	})
	t.Run("HTML only: the text is derived from the HTML", func(t *testing.T) {
		m := parse(t, "html_only.eml")
		if !strings.Contains(m.HTML, "<b>gift card</b>") {
			t.Errorf("html %q", m.HTML)
		}
		want := "Hi there,\n\nHow do I check the balance of my gift card?\nThe number is 1234.\n\nBest, Ben"
		if m.Text != want {
			t.Errorf("text %q, want %q", m.Text, want)
		}
	})
	t.Run("multipart/mixed with alternative and attachments", func(t *testing.T) {
		m := parse(t, "multipart_pdf.eml")
		if m.Text != "Here is the receipt you asked for, for the refund of the kettle." || !strings.Contains(m.HTML, "<i>kettle</i>") {
			t.Errorf("text %q html %q", m.Text, m.HTML)
		}
		if len(m.Attachments) != 2 {
			t.Fatalf("attachments: %+v", m.Attachments)
		}
		pdf := m.Attachments[0]
		if pdf.Filename != "receipt.pdf" || pdf.ContentType != "application/pdf" || !strings.HasPrefix(string(pdf.Data), "%PDF-1.4") {
			t.Errorf("pdf: %s %s %q", pdf.Filename, pdf.ContentType, pdf.Data[:8])
		}
		if m.Attachments[1].Filename != "setup.exe" || string(m.Attachments[1].Data[:2]) != "MZ" {
			t.Errorf("exe: %+v", m.Attachments[1].Filename)
		}
	})
	t.Run("ISO-8859-1, quoted-printable, RFC 2047 subject and name", func(t *testing.T) {
		m := parse(t, "latin1_qp.eml")
		if m.Subject != "Grüße aus Köln" || m.FromName != "Jürgen Müller" {
			t.Errorf("subject %q from %q", m.Subject, m.FromName)
		}
		if m.Text != "Grüße aus Köln! Der Kaffee war ausgezeichnet, danke schön für den freundlichen Service.\nÀ bientôt, Jürgen" {
			t.Errorf("text %q", m.Text)
		}
	})
	t.Run("Windows-1252, base64", func(t *testing.T) {
		m := parse(t, "windows1252_base64.eml")
		if m.Subject != "Broken – again" {
			t.Errorf("subject %q", m.Subject)
		}
		if m.Text != "Your “express” delivery cost me 12 € and arrived broken – terrible." {
			t.Errorf("text %q", m.Text)
		}
	})
	t.Run("DSN", func(t *testing.T) {
		m := parse(t, "dsn_bounce.eml")
		if m.Report == nil || len(m.Report.Recipients) != 2 {
			t.Fatalf("report: %+v", m.Report)
		}
		r := m.Report.Recipients
		if r[0].Address != "gone@example.net" || !r[0].Permanent() || r[1].Address != "later@example.net" || r[1].Permanent() {
			t.Errorf("recipients: %+v", r)
		}
	})
	t.Run("a reply's thread headers", func(t *testing.T) {
		m := parse(t, "reply.eml")
		want := []string{"fresco.thread-target@shop.example", "fresco.thread-start@shop.example"}
		if got := inbound.ThreadIDs(m); !slices.Equal(got, want) {
			t.Errorf("thread ids %q, want %q", got, want)
		}
	})
}

func TestParseRefusesWhatIsNotAMessage(t *testing.T) {
	for name, raw := range map[string]string{
		"no sender":     "To: support@shop.example\r\nSubject: hi\r\n\r\nbody\r\n",
		"not a header":  "\x00\x01\x02 binary junk",
		"empty":         "",
		"sender no at":  "From: nobody\r\n\r\nbody\r\n",
		"header no end": "From: a@b.example\r\nSubject: " + strings.Repeat("x", 2<<20),
	} {
		if _, err := inbound.Parse([]byte(raw)); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
}

func TestScreen(t *testing.T) {
	policy := inbound.Policy{OwnDomains: []string{"shop.example"}}
	for _, tc := range []struct {
		file    string
		env     inbound.Envelope
		outcome string // "" for a message to file
	}{
		{"plain.eml", inbound.Envelope{MailFrom: "anna.berg@example.net"}, ""},
		{"html_only.eml", inbound.Envelope{}, ""},
		{"multipart_pdf.eml", inbound.Envelope{}, ""},
		{"latin1_qp.eml", inbound.Envelope{}, ""},
		{"reply.eml", inbound.Envelope{}, ""},
		{"complaint.eml", inbound.Envelope{}, ""},
		{"dsn_bounce.eml", inbound.Envelope{NullSender: true}, inbound.OutcomeBounce},
		{"plain.eml", inbound.Envelope{NullSender: true}, inbound.OutcomeBounce},
		{"auto_reply.eml", inbound.Envelope{MailFrom: "emil@example.net"}, inbound.OutcomeAutoReply},
		{"loop.eml", inbound.Envelope{MailFrom: "support@shop.example"}, inbound.OutcomeLoop},
	} {
		v := inbound.Screen(parse(t, tc.file), tc.env, policy)
		switch {
		case tc.outcome == "" && v != nil:
			t.Errorf("%s: dropped as %s (%s)", tc.file, v.Outcome, v.Reason)
		case tc.outcome != "" && (v == nil || v.Outcome != tc.outcome):
			t.Errorf("%s: verdict %+v, want %s", tc.file, v, tc.outcome)
		}
	}
	v := inbound.Screen(parse(t, "dsn_bounce.eml"), inbound.Envelope{}, policy)
	if v == nil || !slices.Equal(v.Undeliverable, []string{"gone@example.net"}) {
		t.Errorf("DSN verdict %+v: want gone@example.net undeliverable (the delayed one not)", v)
	}
}

func TestScreenHeaders(t *testing.T) {
	base := "From: a@example.net\r\nTo: support@shop.example\r\n"
	for _, tc := range []struct {
		header  string
		outcome string
	}{
		{"Auto-Submitted: no\r\n", ""},
		{"Auto-Submitted: auto-generated\r\n", inbound.OutcomeAutoReply},
		{"X-Autorespond: yes\r\n", inbound.OutcomeAutoReply},
		{"X-Auto-Response-Suppress: All\r\n", inbound.OutcomeAutoReply},
		{"Precedence: bulk\r\n", inbound.OutcomeAutoReply},
		{"Precedence: junk\r\n", inbound.OutcomeAutoReply},
		{"Precedence: auto_reply\r\n", inbound.OutcomeAutoReply},
		{"X-Loop: fresco@shop.example\r\n", inbound.OutcomeLoop},
		{"Message-ID: <fresco.email.7.123@shop.example>\r\n", inbound.OutcomeLoop},
		{"Message-ID: <CAF12345@shop.example>\r\n", ""}, // staff writing from the business's own domain
		{strings.Repeat("Received: from a by b; Sat, 05 Dec 2026 09:00:00 +0000\r\n", 31), inbound.OutcomeLoop},
		{strings.Repeat("Received: from a by b; Sat, 05 Dec 2026 09:00:00 +0000\r\n", 12), ""},
		{"Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n", inbound.OutcomeBounce},
	} {
		m, err := inbound.Parse([]byte(base + tc.header + "\r\nbody\r\n"))
		if err != nil {
			t.Fatal(err)
		}
		v := inbound.Screen(m, inbound.Envelope{}, inbound.Policy{LoopMarker: "fresco@shop.example", OwnDomains: []string{"shop.example"}})
		got := ""
		if v != nil {
			got = v.Outcome
		}
		if got != tc.outcome {
			t.Errorf("%.60q: %q, want %q", tc.header, got, tc.outcome)
		}
	}
}

func TestCaseToken(t *testing.T) {
	for addrs, want := range map[string]int64{
		"support+c123@shop.example":                    123,
		"support@shop.example support+C7@shop.example": 7,
		"support+x123@shop.example":                    0,
		"support+c@shop.example":                       0,
		"support+c12a@shop.example":                    0,
		"support@shop.example":                         0,
		"support+c-4@shop.example":                     0,
	} {
		if got := inbound.CaseToken(strings.Fields(addrs)); got != want {
			t.Errorf("%s: %d, want %d", addrs, got, want)
		}
	}
}

func TestSortAttachments(t *testing.T) {
	p := inbound.Policy{MaxAttachmentBytes: 100, MaxAttachmentTotal: 130}
	kept, refused := inbound.SortAttachments([]inbound.Attachment{
		{Filename: "receipt.pdf", ContentType: "application/pdf", Data: make([]byte, 80)},
		{Filename: "photo.jpg", ContentType: "application/octet-stream", Data: make([]byte, 60)}, // image/jpeg by name, but past the total
		{Filename: "big.png", ContentType: "image/png", Data: make([]byte, 101)},
		{Filename: "setup.exe", ContentType: "application/x-msdownload", Data: make([]byte, 10)},
		{Filename: "note.txt", ContentType: "text/plain", Data: make([]byte, 10)},
	}, p)
	var names []string
	for _, a := range kept {
		names = append(names, a.Filename)
	}
	if !slices.Equal(names, []string{"receipt.pdf", "note.txt"}) || len(refused) != 3 {
		t.Fatalf("kept %v refused %q", names, refused)
	}
	for i, want := range []string{"photo.jpg (60 bytes): the message's files would pass 130 bytes", "big.png (101 bytes): larger than 100 bytes",
		"setup.exe (application/x-msdownload, 10 bytes): this type of file is not accepted"} {
		if refused[i] != want {
			t.Errorf("refused[%d] = %q, want %q", i, refused[i], want)
		}
	}
}

func TestRecipientAllowed(t *testing.T) {
	domains := []string{"shop.example"}
	if !inbound.RecipientAllowed("Support@Shop.Example", domains) || inbound.RecipientAllowed("x@other.example", domains) ||
		!inbound.RecipientAllowed("x@other.example", nil) || inbound.RecipientAllowed("nodomain", domains) {
		t.Error("recipient domains misjudged")
	}
}
