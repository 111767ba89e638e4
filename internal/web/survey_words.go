package web

import (
	"strconv"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
)

// surveyWords are the survey form's own words — buttons, hints, errors,
// the pages a link may lead to — in one language. The survey's texts are
// the owner's (feedback.TextsIn); these are Fresco's, written here in every
// one of fresco.Languages so that no customer reads a form half in a
// language they did not ask for.
type surveyWords struct {
	Language, Required, Send, Comment             string
	ThanksTitle, ThanksMessage                    string
	ErrRequired, ErrNumber, ErrAnswerOne, ErrForm string
	UsedTitle, Used, ExpiredTitle, Expired        string
	NotFoundTitle, NotFound, ClosedTitle, Closed  string
	TooManyTitle, TooMany, WrongTitle, Wrong      string
	NPSHint, CSATHint, CESHint, AgreeHint         string
	Poor, Excellent                               string
	// Nominate asks, on a link that names who served the customer, whether
	// they would nominate them for an award (%s: their first name).
	Nominate string
}

var surveyWordsByLang = map[string]*surveyWords{
	"en": {
		Language: "Language", Required: "required", Send: "Send", Comment: "Anything else you would like to tell us?",
		ThanksTitle: "Thank you", ThanksMessage: "Your answers have been recorded. We read every one.",
		ErrRequired: "this question is required", ErrNumber: "choose one of the numbers",
		ErrAnswerOne: "please answer at least one question", ErrForm: "the form could not be read",
		UsedTitle: "Already answered", Used: "This survey link has already been used. Thank you — your answers were recorded.",
		ExpiredTitle: "This link has expired", Expired: "Survey links are valid for a limited time. Nothing was recorded.",
		NotFoundTitle: "Survey not found", NotFound: "This survey link is not valid. Please check that it was copied whole. Nothing was recorded.",
		ClosedTitle: "Survey closed", Closed: "This survey is no longer taking answers. Thank you for wanting to tell us; nothing was recorded.",
		TooManyTitle: "Too many attempts", TooMany: "Please wait a few minutes and try again.",
		WrongTitle: "Something went wrong", Wrong: "Please try again later. Nothing was recorded.",
		NPSHint: "0 = not at all likely, 10 = extremely likely", CSATHint: "1 = very dissatisfied, 5 = very satisfied",
		CESHint: "1 = very difficult, 7 = very easy", AgreeHint: "1 = strongly disagree, 5 = strongly agree",
		Poor: "poor", Excellent: "excellent",
		Nominate: "Would you like to nominate %s for an award? Tell us what they did (optional).",
	},
	"de": {
		Language: "Sprache", Required: "Pflichtfrage", Send: "Senden", Comment: "Möchten Sie uns noch etwas mitteilen?",
		ThanksTitle: "Vielen Dank", ThanksMessage: "Ihre Antworten wurden gespeichert. Wir lesen jede einzelne.",
		ErrRequired: "Bitte beantworten Sie diese Frage.", ErrNumber: "Bitte wählen Sie eine der Zahlen.",
		ErrAnswerOne: "Bitte beantworten Sie mindestens eine Frage.", ErrForm: "Das Formular konnte nicht gelesen werden.",
		UsedTitle: "Bereits beantwortet", Used: "Dieser Umfragelink wurde bereits verwendet. Vielen Dank – Ihre Antworten wurden gespeichert.",
		ExpiredTitle: "Dieser Link ist abgelaufen", Expired: "Umfragelinks sind nur begrenzt gültig. Es wurde nichts gespeichert.",
		NotFoundTitle: "Umfrage nicht gefunden", NotFound: "Dieser Umfragelink ist ungültig. Bitte prüfen Sie, ob er vollständig kopiert wurde. Es wurde nichts gespeichert.",
		ClosedTitle: "Umfrage geschlossen", Closed: "Diese Umfrage nimmt keine Antworten mehr an. Danke, dass Sie uns etwas mitteilen wollten; es wurde nichts gespeichert.",
		TooManyTitle: "Zu viele Versuche", TooMany: "Bitte warten Sie einige Minuten und versuchen Sie es erneut.",
		WrongTitle: "Etwas ist schiefgelaufen", Wrong: "Bitte versuchen Sie es später erneut. Es wurde nichts gespeichert.",
		NPSHint: "0 = überhaupt nicht wahrscheinlich, 10 = äußerst wahrscheinlich", CSATHint: "1 = sehr unzufrieden, 5 = sehr zufrieden",
		CESHint: "1 = sehr schwierig, 7 = sehr einfach", AgreeHint: "1 = stimme überhaupt nicht zu, 5 = stimme voll und ganz zu",
		Poor: "schlecht", Excellent: "ausgezeichnet",
		Nominate: "Möchten Sie %s für eine Auszeichnung vorschlagen? Erzählen Sie uns, was geschehen ist (freiwillig).",
	},
	"fr": {
		Language: "Langue", Required: "obligatoire", Send: "Envoyer", Comment: "Souhaitez-vous nous dire autre chose\u00a0?",
		ThanksTitle: "Merci", ThanksMessage: "Vos réponses ont été enregistrées. Nous les lisons toutes.",
		ErrRequired: "Veuillez répondre à cette question.", ErrNumber: "Veuillez choisir l’un des nombres.",
		ErrAnswerOne: "Veuillez répondre à au moins une question.", ErrForm: "Le formulaire n’a pas pu être lu.",
		UsedTitle: "Déjà répondu", Used: "Ce lien d’enquête a déjà été utilisé. Merci — vos réponses ont été enregistrées.",
		ExpiredTitle: "Ce lien a expiré", Expired: "Les liens d’enquête sont valables pour une durée limitée. Rien n’a été enregistré.",
		NotFoundTitle: "Enquête introuvable", NotFound: "Ce lien d’enquête n’est pas valide. Vérifiez qu’il a été copié en entier. Rien n’a été enregistré.",
		ClosedTitle: "Enquête close", Closed: "Cette enquête n’accepte plus de réponses. Merci d’avoir voulu nous répondre\u00a0; rien n’a été enregistré.",
		TooManyTitle: "Trop de tentatives", TooMany: "Veuillez patienter quelques minutes puis réessayer.",
		WrongTitle: "Une erreur s’est produite", Wrong: "Veuillez réessayer plus tard. Rien n’a été enregistré.",
		NPSHint: "0 = pas du tout probable, 10 = extrêmement probable", CSATHint: "1 = très insatisfait, 5 = très satisfait",
		CESHint: "1 = très difficile, 7 = très facile", AgreeHint: "1 = pas du tout d’accord, 5 = tout à fait d’accord",
		Poor: "mauvais", Excellent: "excellent",
		Nominate: "Souhaitez-vous proposer %s pour une distinction\u00a0? Dites-nous ce qui s’est passé (facultatif).",
	},
	"es": {
		Language: "Idioma", Required: "obligatoria", Send: "Enviar", Comment: "¿Hay algo más que quiera contarnos?",
		ThanksTitle: "Gracias", ThanksMessage: "Sus respuestas se han registrado. Leemos cada una de ellas.",
		ErrRequired: "Por favor, responda a esta pregunta.", ErrNumber: "Elija uno de los números.",
		ErrAnswerOne: "Responda al menos a una pregunta.", ErrForm: "No se pudo leer el formulario.",
		UsedTitle: "Ya respondida", Used: "Este enlace de encuesta ya se ha utilizado. Gracias: sus respuestas quedaron registradas.",
		ExpiredTitle: "Este enlace ha caducado", Expired: "Los enlaces de encuesta son válidos durante un tiempo limitado. No se ha registrado nada.",
		NotFoundTitle: "Encuesta no encontrada", NotFound: "Este enlace de encuesta no es válido. Compruebe que se copió completo. No se ha registrado nada.",
		ClosedTitle: "Encuesta cerrada", Closed: "Esta encuesta ya no admite respuestas. Gracias por querer contárnoslo; no se ha registrado nada.",
		TooManyTitle: "Demasiados intentos", TooMany: "Espere unos minutos y vuelva a intentarlo.",
		WrongTitle: "Algo ha salido mal", Wrong: "Inténtelo de nuevo más tarde. No se ha registrado nada.",
		NPSHint: "0 = nada probable, 10 = extremadamente probable", CSATHint: "1 = muy insatisfecho, 5 = muy satisfecho",
		CESHint: "1 = muy difícil, 7 = muy fácil", AgreeHint: "1 = totalmente en desacuerdo, 5 = totalmente de acuerdo",
		Poor: "malo", Excellent: "excelente",
		Nominate: "¿Le gustaría proponer a %s para un reconocimiento? Cuéntenos qué hizo (opcional).",
	},
}

// wordsIn returns the form's words in lang, English when Fresco has none.
func wordsIn(lang string) *surveyWords {
	if w, ok := surveyWordsByLang[lang]; ok {
		return w
	}
	return surveyWordsByLang[fresco.Languages[0]]
}

// hint explains the ends of a question's scale, "" for an unscored one.
func (w *surveyWords) hint(q fresco.Question) string {
	switch q.Type {
	case feedback.TypeNPS:
		return w.NPSHint
	case feedback.TypeCSAT:
		return w.CSATHint
	case feedback.TypeCES:
		return w.CESHint
	case feedback.TypeProcessQuality:
		return w.AgreeHint
	case feedback.TypeValue, feedback.TypeRating:
		if scale := scaleOf(q); len(scale) > 0 { // a rating may run 0..10
			return strconv.Itoa(scale[0]) + " = " + w.Poor + ", " + strconv.Itoa(scale[len(scale)-1]) + " = " + w.Excellent
		}
	}
	return ""
}
