package notify

import (
	"bytes"
	"context"
	"html/template"
	"net/mail"
	"regexp"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// The business's colours in e-mails: the UI's accent (settings keep no
// colours of their own yet), on white, so that mail looks like the app.
const (
	mailAccent = "#1a5a86"
	mailText   = "#1f2328"
	mailMuted  = "#59636e"
)

// outgoing is the outbox record m as a message: its text, and an HTML
// alternative with the business's name, logo and colours.
func (n *Notifier) outgoing(ctx context.Context, m *fresco.EmailMessage) Mail {
	set := n.opts.Business(ctx)
	html := m.HTML
	if html == "" {
		html = n.mailHTML(set, m.Subject, m.Body)
	}
	id := m.MessageID
	if id == "" {
		id = messageID(n.opts.SMTP.From, m)
	}
	out := Mail{To: m.To, Subject: m.Subject, Text: m.Body, HTML: html, MessageID: id,
		InReplyTo: m.InReplyTo, References: m.References}
	if m.CustomerID != nil { // customers hear from the business, by its name
		out.FromName = set.BusinessName
	}
	return out
}

// CustomerFrom is the From of mail to customers: the configured sender
// address with the business's name as its display name ("" without a
// configured sender).
func (n *Notifier) CustomerFrom(ctx context.Context) string {
	from, err := mail.ParseAddress(n.opts.SMTP.From)
	if err != nil {
		return ""
	}
	if name := n.opts.Business(ctx).BusinessName; name != "" {
		from.Name = name
	}
	return from.String()
}

var mailPage = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="margin:0;padding:24px;background:#f6f8fa;color:{{.Text}};font-family:system-ui,-apple-system,Segoe UI,sans-serif;font-size:15px;line-height:1.5">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;margin:0 auto;background:#ffffff;border-top:4px solid {{.Accent}}">
<tr><td style="padding:20px 24px;border-bottom:1px solid #d0d7de">
{{if .Logo}}<img src="{{.Logo}}" alt="{{.Business}}" height="40" style="height:40px;vertical-align:middle;margin-right:12px">{{end}}<strong style="color:{{.Accent}};font-size:18px;vertical-align:middle">{{.Business}}</strong>
</td></tr>
<tr><td style="padding:20px 24px">{{range .Paragraphs}}<p style="margin:0 0 12px">{{.}}</p>{{end}}</td></tr>
<tr><td style="padding:12px 24px;border-top:1px solid #d0d7de;color:{{.Muted}};font-size:13px">{{.Business}}, via Fresco</td></tr>
</table></body></html>
`))

var urlPattern = regexp.MustCompile(`https?://[^\s<>"]+`)

// mailHTML renders body (the text version) as HTML: paragraphs kept, links
// made clickable, the signature replaced by the branded foot.
func (n *Notifier) mailHTML(set fresco.Settings, subject, body string) string {
	text, _, _ := strings.Cut(body, "\n-- \n")
	var paras []template.HTML
	for _, p := range strings.Split(strings.TrimSpace(text), "\n\n") {
		paras = append(paras, linkify(p))
	}
	logo := ""
	if set.LogoType != "" && n.opts.BaseURL != "" {
		logo = strings.TrimRight(n.opts.BaseURL, "/") + "/logo?v=" + strconv.FormatInt(set.Version, 10)
	}
	var b bytes.Buffer
	mailPage.Execute(&b, map[string]any{"Subject": subject, "Business": set.BusinessName, "Logo": logo,
		"Accent": template.CSS(mailAccent), "Text": template.CSS(mailText), "Muted": template.CSS(mailMuted), "Paragraphs": paras})
	return b.String()
}

// linkify escapes s and turns its http(s) URLs into links and its line
// breaks into <br>.
func linkify(s string) template.HTML {
	var b strings.Builder
	last := 0
	for _, loc := range urlPattern.FindAllStringIndex(s, -1) {
		b.WriteString(template.HTMLEscapeString(s[last:loc[0]]))
		u := template.HTMLEscapeString(s[loc[0]:loc[1]])
		b.WriteString(`<a href="` + u + `" style="color:` + mailAccent + `">` + u + `</a>`)
		last = loc[1]
	}
	b.WriteString(template.HTMLEscapeString(s[last:]))
	return template.HTML(strings.ReplaceAll(b.String(), "\n", "<br>"))
}
