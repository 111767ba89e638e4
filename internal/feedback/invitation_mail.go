package feedback

import (
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// The words of an invitation: the built-in e-mail, SMS and reminder texts
// in English, German, French and Spanish, a survey's own e-mail per
// language over them, and the choice of language — the customer's, else
// the business's, else English.

type builtIn struct {
	subject, body, sms, reminder, dateLayout string
}

var builtInLangs = []string{"en", "de", "fr", "es"}

var builtInTemplates = map[string]builtIn{
	"en": {
		subject:    "How was your experience with {business}?",
		body:       "Hello {customer_name},\n\nthank you for choosing {business}. Would you tell us how we did? It takes two minutes:\n\n{survey_link}\n\nThank you,\n{business}",
		sms:        "{business}: how did we do? Two minutes: {survey_link}",
		reminder:   "Reminder: ",
		dateLayout: "2 January 2006",
	},
	"de": {
		subject:    "Wie zufrieden waren Sie mit {business}?",
		body:       "Hallo {customer_name},\n\nvielen Dank, dass Sie sich für {business} entschieden haben. Würden Sie uns sagen, wie zufrieden Sie waren? Es dauert nur zwei Minuten:\n\n{survey_link}\n\nVielen Dank,\n{business}",
		sms:        "{business}: Wie zufrieden waren Sie? Zwei Minuten: {survey_link}",
		reminder:   "Erinnerung: ",
		dateLayout: "2.1.2006",
	},
	"fr": {
		subject:    "Comment s'est passée votre expérience avec {business} ?",
		body:       "Bonjour {customer_name},\n\nmerci d'avoir choisi {business}. Pourriez-vous nous dire comment cela s'est passé ? Cela prend deux minutes :\n\n{survey_link}\n\nMerci,\n{business}",
		sms:        "{business} : comment cela s'est-il passé ? Deux minutes : {survey_link}",
		reminder:   "Rappel : ",
		dateLayout: "02/01/2006",
	},
	"es": {
		subject:    "¿Qué tal su experiencia con {business}?",
		body:       "Hola {customer_name}:\n\ngracias por elegir {business}. ¿Nos cuenta qué tal lo hicimos? Solo son dos minutos:\n\n{survey_link}\n\nGracias,\n{business}",
		sms:        "{business}: ¿qué tal lo hicimos? Dos minutos: {survey_link}",
		reminder:   "Recordatorio: ",
		dateLayout: "2/1/2006",
	},
}

// pickLang is the language to write to a customer in: theirs when there is
// a text in it, else the business's default, else English.
func pickLang(customerLocale, businessLocale string, own map[string]*fresco.InvitationTemplate) string {
	return fresco.CustomerLanguage(customerLocale, businessLocale, func(l string) bool {
		_, mine := own[l]
		_, builtIn := builtInTemplates[l]
		return mine || builtIn
	})
}

// mailFacts fill the placeholders.
type mailFacts struct {
	CustomerName string
	Business     string
	Link         string
	PurchasedAt  *time.Time
	Zone         *time.Location
	Location     string
}

// invitationText is the message in lang: subject and body of the e-mail,
// or the SMS text (subject empty); a reminder's subject says it is one.
func invitationText(lang, channel string, reminder bool, own *fresco.InvitationTemplate, f mailFacts) (subject, body string) {
	d, ok := builtInTemplates[lang]
	if !ok {
		d = builtInTemplates["en"]
	}
	date := ""
	if f.PurchasedAt != nil {
		date = f.PurchasedAt.In(f.Zone).Format(d.dateLayout)
	}
	fill := strings.NewReplacer("{customer_name}", f.CustomerName, "{business}", f.Business, "{survey_link}", f.Link,
		"{purchase_date}", date, "{location}", f.Location)
	tidy := func(s string) string {
		if f.CustomerName == "" { // "Hello," rather than "Hello ,"
			s = strings.ReplaceAll(s, " {customer_name}", "")
		}
		return fill.Replace(s)
	}
	if channel == "sms" {
		return "", fill.Replace(d.sms)
	}
	subject, body = d.subject, d.body
	if own != nil {
		subject, body = own.Subject, own.Body
	}
	subject, body = tidy(subject), tidy(body)
	if reminder {
		subject = d.reminder + subject
	}
	return subject, body
}
