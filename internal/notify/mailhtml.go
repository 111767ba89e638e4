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
	"github.com/fresco-cx/fresco/internal/prefs"
)

// The text colours of e-mails, on white; the accent is the business's
// brand colour (fresco.Settings.Accent), so that mail looks like the app.
const (
	mailText  = "#1f2328"
	mailMuted = "#59636e"
)

// outgoing is the outbox record m as a message: its text, and an HTML
// alternative with the business's name, logo and colours. Mail to a
// customer carries a signed link to unsubscribe in one click (the
// List-Unsubscribe header) and to the preference page (the footer).
func (n *Notifier) outgoing(ctx context.Context, m *fresco.EmailMessage) Mail {
	set := n.opts.Business(ctx)
	links := n.customerLinks(ctx, set, m)
	html := m.HTML
	if html == "" {
		html = n.mailHTML(set, m.Subject, m.Body, links)
	} else if links != nil {
		html = withFooter(html, links)
	}
	text := m.Body
	if links != nil {
		text = strings.TrimRight(text, "\n") + "\n\n" + links.Footer + "\n" + links.Preferences + "\n"
	}
	id := m.MessageID
	if id == "" {
		id = messageID(n.opts.SMTP.From, m)
	}
	out := Mail{To: m.To, Subject: m.Subject, Text: text, HTML: html, MessageID: id,
		InReplyTo: m.InReplyTo, References: m.References}
	if m.CustomerID != nil { // customers hear from the business, by its name
		out.FromName = set.BusinessName
	}
	if links != nil {
		out.Unsubscribe = links.Unsubscribe
	}
	return out
}

// mailLinks are a customer mail's signed links and its footer line, in
// the customer's language.
type mailLinks struct {
	Unsubscribe, Preferences string // absolute URLs
	Footer                   string // "Unsubscribe or change your e-mail preferences:"
}

// customerLinks are the links of mail to a customer, nil for staff mail.
// They need --base-url (links must be absolute) and the secret key (they
// are signed); without either the mail goes without them, and says so in
// the log, rather than not at all.
func (n *Notifier) customerLinks(ctx context.Context, set fresco.Settings, m *fresco.EmailMessage) *mailLinks {
	if m.CustomerID == nil {
		return nil
	}
	keys := n.db.SecretKeys()
	if n.opts.BaseURL == "" || keys == nil {
		n.log.WarnContext(ctx, "customer e-mail sent without unsubscribe link: set --base-url (and the secret key)",
			"email_id", m.ID, "customer_id", *m.CustomerID)
		return nil
	}
	locale := ""
	if c, err := n.db.Customer(ctx, *m.CustomerID); err == nil {
		locale = c.Locale
	}
	token := prefs.Token(keys, *m.CustomerID, prefs.ScopeOf(m.Purpose))
	base := strings.TrimRight(n.opts.BaseURL, "/")
	return &mailLinks{Unsubscribe: base + prefs.UnsubscribePath(token), Preferences: base + prefs.PreferencesPath(token),
		Footer: prefs.WordsFor(locale, set.Locale).Footer}
}

var footerTmpl = template.Must(template.New("footer").Parse(
	`<p style="margin:16px 0 0;font-size:13px;color:` + mailMuted + `">{{.Footer}} <a href="{{.Preferences}}" style="color:{{.Ink}}">{{.Preferences}}</a></p>`))

// footerHTML is the footer line of mail to a customer, in HTML.
func footerHTML(links *mailLinks, ink string) template.HTML {
	if links == nil {
		return ""
	}
	var b bytes.Buffer
	footerTmpl.Execute(&b, map[string]any{"Footer": links.Footer, "Preferences": links.Preferences, "Ink": template.CSS(ink)})
	return template.HTML(b.String())
}

// withFooter adds the footer line to HTML its sender wrote: before
// </body> when there is one, else at the end.
func withFooter(html string, links *mailLinks) string {
	foot := string(footerHTML(links, mailMuted))
	if i := strings.LastIndex(strings.ToLower(html), "</body>"); i >= 0 {
		return html[:i] + foot + html[i:]
	}
	return html + foot
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
{{if .Logo}}<img src="{{.Logo}}" alt="{{.Business}}" height="40" style="height:40px;vertical-align:middle;margin-right:12px">{{end}}<strong style="color:{{.Ink}};font-size:18px;vertical-align:middle">{{.Business}}</strong>
</td></tr>
<tr><td style="padding:20px 24px">{{range .Paragraphs}}<p style="margin:0 0 12px">{{.}}</p>{{end}}</td></tr>
<tr><td style="padding:12px 24px;border-top:1px solid #d0d7de;color:{{.Muted}};font-size:13px">{{.Business}}, via Fresco{{.Footer}}</td></tr>
</table></body></html>
`))

var urlPattern = regexp.MustCompile(`https?://[^\s<>"]+`)

// mailHTML renders body (the text version) as HTML: paragraphs kept, links
// made clickable, the signature replaced by the branded foot.
func (n *Notifier) mailHTML(set fresco.Settings, subject, body string, links *mailLinks) string {
	text, _, _ := strings.Cut(body, "\n-- \n")
	accent := set.Accent()
	var paras []template.HTML
	for _, p := range strings.Split(strings.TrimSpace(text), "\n\n") {
		paras = append(paras, linkify(p, accent.Ink))
	}
	logo := ""
	if set.LogoType != "" && n.opts.BaseURL != "" {
		logo = strings.TrimRight(n.opts.BaseURL, "/") + "/logo?v=" + strconv.FormatInt(set.Version, 10)
	}
	var b bytes.Buffer
	mailPage.Execute(&b, map[string]any{"Subject": subject, "Business": set.BusinessName, "Logo": logo,
		"Accent": template.CSS(accent.Fill), "Ink": template.CSS(accent.Ink), "Text": template.CSS(mailText), "Muted": template.CSS(mailMuted),
		"Paragraphs": paras, "Footer": footerHTML(links, accent.Ink)})
	return b.String()
}

// linkify escapes s and turns its http(s) URLs into links, in the colour
// ink, and its line breaks into <br>.
func linkify(s, ink string) template.HTML {
	var b strings.Builder
	last := 0
	for _, loc := range urlPattern.FindAllStringIndex(s, -1) {
		b.WriteString(template.HTMLEscapeString(s[last:loc[0]]))
		u := template.HTMLEscapeString(s[loc[0]:loc[1]])
		b.WriteString(`<a href="` + u + `" style="color:` + ink + `">` + u + `</a>`)
		last = loc[1]
	}
	b.WriteString(template.HTMLEscapeString(s[last:]))
	return template.HTML(strings.ReplaceAll(b.String(), "\n", "<br>"))
}
