package prefs

import "github.com/fresco-cx/fresco/internal/fresco"

// Language is one the preference page offers, named in itself.
type Language struct {
	Tag  string // "" is the business's default
	Name string
}

// Languages are the languages a customer may choose to be written in.
var Languages = []Language{{"en", "English"}, {"de", "Deutsch"}, {"fr", "Français"}, {"es", "Español"}}

// Words are the customer-facing texts of the links, in one language.
type Words struct {
	Lang string // the html lang of the page

	// The e-mail footer line, followed by the preference page's URL.
	Footer string

	Title, Intro                                  string
	Surveys, Marketing, Personalisation, Referral string
	Language, BusinessLanguage                    string
	Save, Saved                                   string
	// The one-click opt-out from suggestions, beside the form.
	StopSuggestions, SuggestionsStopped string
	// Suggestions shown to the customer themselves (a survey's thank-you
	// page, an invitation): a heading, each one's reason (Because, with
	// the product bought for %s), the stop link's words, and the page
	// that link opens (a GET only asks: link scanners follow GETs).
	SuggestionsHeading, Because, StopThese, StopConfirm string

	ConfirmTitle, ConfirmText, Unsubscribe string
	DoneTitle, DoneSurveys, DoneAll        string
	ChangeMore                             string

	InvalidTitle, InvalidText string
	ErrorTitle, TryLater      string
}

var words = map[string]Words{
	"en": {Lang: "en",
		SuggestionsHeading: "You might also like", Because: "Because you bought the %s", StopThese: "Stop these suggestions",
		StopConfirm:     "Press the button and we will suggest nothing more, and leave your purchases out of everyone's suggestions. Nothing changes until you do.",
		StopSuggestions: "Stop all suggestions, and leave my purchases out of them", SuggestionsStopped: "You will get no suggestions, and your purchases are left out of everyone's.",
		Footer: "Unsubscribe or change your e-mail preferences:",
		Title:  "Your e-mail preferences", Intro: "Choose what we may send you. Changes apply at once.",
		Surveys: "Invitations to tell us how we did (surveys)", Marketing: "News and offers",
		Personalisation: "Suggestions based on what you bought",
		Referral:        "A personal link to recommend us to friends",
		Language:        "Language of our e-mails", BusinessLanguage: "Our usual language",
		Save: "Save my preferences", Saved: "Your preferences have been saved.",
		ConfirmTitle: "Unsubscribe?", Unsubscribe: "Unsubscribe",
		ConfirmText: "Press the button to stop these e-mails. Nothing changes until you do.",
		DoneTitle:   "You are unsubscribed", DoneSurveys: "We will not invite you to surveys any more.",
		DoneAll:      "We will not send you surveys, news or offers any more.",
		ChangeMore:   "Change all your e-mail preferences",
		InvalidTitle: "Link not found", InvalidText: "This link is not valid. Please check that it was copied whole, or use the link in a more recent e-mail. Nothing was changed.",
		ErrorTitle: "Something went wrong", TryLater: "Please try again later; nothing was changed."},
	"de": {Lang: "de",
		SuggestionsHeading: "Das könnte Ihnen auch gefallen", Because: "Weil Sie %s gekauft haben", StopThese: "Keine solchen Vorschläge mehr",
		StopConfirm:     "Drücken Sie die Schaltfläche: Wir schlagen Ihnen nichts mehr vor und verwenden Ihre Einkäufe für niemandes Vorschläge. Vorher ändert sich nichts.",
		StopSuggestions: "Keine Vorschläge mehr, und meine Einkäufe nicht dafür verwenden", SuggestionsStopped: "Sie erhalten keine Vorschläge, und Ihre Einkäufe werden für niemandes Vorschläge verwendet.",
		Footer: "Abmelden oder E-Mail-Einstellungen ändern:",
		Title:  "Ihre E-Mail-Einstellungen", Intro: "Wählen Sie, was wir Ihnen schicken dürfen. Änderungen gelten sofort.",
		Surveys: "Einladungen zu Umfragen", Marketing: "Neuigkeiten und Angebote",
		Personalisation: "Vorschläge auf Grundlage Ihrer Einkäufe",
		Referral:        "Ein persönlicher Link, um uns Freunden zu empfehlen",
		Language:        "Sprache unserer E-Mails", BusinessLanguage: "Unsere übliche Sprache",
		Save: "Einstellungen speichern", Saved: "Ihre Einstellungen wurden gespeichert.",
		ConfirmTitle: "Abmelden?", Unsubscribe: "Abmelden",
		ConfirmText: "Drücken Sie die Schaltfläche, um diese E-Mails abzubestellen. Vorher ändert sich nichts.",
		DoneTitle:   "Sie sind abgemeldet", DoneSurveys: "Wir laden Sie nicht mehr zu Umfragen ein.",
		DoneAll:      "Wir schicken Ihnen keine Umfragen, Neuigkeiten oder Angebote mehr.",
		ChangeMore:   "Alle E-Mail-Einstellungen ändern",
		InvalidTitle: "Link nicht gefunden", InvalidText: "Dieser Link ist nicht gültig. Bitte prüfen Sie, ob er vollständig kopiert wurde, oder nutzen Sie den Link aus einer neueren E-Mail. Es wurde nichts geändert.",
		ErrorTitle: "Etwas ist schiefgelaufen", TryLater: "Bitte versuchen Sie es später noch einmal; es wurde nichts geändert."},
	"fr": {Lang: "fr",
		SuggestionsHeading: "Vous aimerez peut-être aussi", Because: "Parce que vous avez acheté %s", StopThese: "Arrêter ces suggestions",
		StopConfirm:     "Appuyez sur le bouton : nous ne vous suggérerons plus rien et vos achats ne serviront plus aux suggestions de personne. Rien ne change avant.",
		StopSuggestions: "Arrêter toutes les suggestions, et ne pas y utiliser mes achats", SuggestionsStopped: "Vous ne recevrez plus de suggestions, et vos achats ne servent plus à celles des autres.",
		Footer: "Se désabonner ou modifier vos préférences d'e-mail :",
		Title:  "Vos préférences d'e-mail", Intro: "Choisissez ce que nous pouvons vous envoyer. Les changements s'appliquent immédiatement.",
		Surveys: "Invitations à nos enquêtes", Marketing: "Actualités et offres",
		Personalisation: "Suggestions selon vos achats",
		Referral:        "Un lien personnel pour nous recommander à vos amis",
		Language:        "Langue de nos e-mails", BusinessLanguage: "Notre langue habituelle",
		Save: "Enregistrer mes préférences", Saved: "Vos préférences ont été enregistrées.",
		ConfirmTitle: "Se désabonner ?", Unsubscribe: "Se désabonner",
		ConfirmText: "Appuyez sur le bouton pour ne plus recevoir ces e-mails. Rien ne change avant.",
		DoneTitle:   "Vous êtes désabonné", DoneSurveys: "Nous ne vous inviterons plus à nos enquêtes.",
		DoneAll:      "Nous ne vous enverrons plus d'enquêtes, d'actualités ni d'offres.",
		ChangeMore:   "Modifier toutes vos préférences d'e-mail",
		InvalidTitle: "Lien introuvable", InvalidText: "Ce lien n'est pas valide. Vérifiez qu'il a été copié en entier, ou utilisez le lien d'un e-mail plus récent. Rien n'a été modifié.",
		ErrorTitle: "Une erreur s'est produite", TryLater: "Veuillez réessayer plus tard ; rien n'a été modifié."},
	"es": {Lang: "es",
		SuggestionsHeading: "También le puede gustar", Because: "Porque compró %s", StopThese: "No quiero estas sugerencias",
		StopConfirm:     "Pulse el botón: no le sugeriremos nada más y sus compras no se usarán para las sugerencias de nadie. Nada cambia hasta entonces.",
		StopSuggestions: "Dejar de recibir sugerencias, y no usar mis compras para ellas", SuggestionsStopped: "No recibirá sugerencias, y sus compras no se usan para las de nadie.",
		Footer: "Darse de baja o cambiar sus preferencias de correo:",
		Title:  "Sus preferencias de correo", Intro: "Elija qué podemos enviarle. Los cambios se aplican al momento.",
		Surveys: "Invitaciones a encuestas", Marketing: "Novedades y ofertas",
		Personalisation: "Sugerencias según sus compras",
		Referral:        "Un enlace personal para recomendarnos a sus amigos",
		Language:        "Idioma de nuestros correos", BusinessLanguage: "Nuestro idioma habitual",
		Save: "Guardar mis preferencias", Saved: "Sus preferencias se han guardado.",
		ConfirmTitle: "¿Darse de baja?", Unsubscribe: "Darse de baja",
		ConfirmText: "Pulse el botón para dejar de recibir estos correos. Nada cambia hasta entonces.",
		DoneTitle:   "Se ha dado de baja", DoneSurveys: "No le invitaremos más a encuestas.",
		DoneAll:      "No le enviaremos más encuestas, novedades ni ofertas.",
		ChangeMore:   "Cambiar todas sus preferencias de correo",
		InvalidTitle: "Enlace no encontrado", InvalidText: "Este enlace no es válido. Compruebe que se copió entero o use el enlace de un correo más reciente. No se ha cambiado nada.",
		ErrorTitle: "Algo ha fallado", TryLater: "Inténtelo más tarde; no se ha cambiado nada."},
}

// WordsFor are the texts in the customer's language: their locale's
// language when offered, else the business's (its locale setting, e.g.
// "de-DE"), else English.
func WordsFor(customerLocale, businessLocale string) Words {
	return words[fresco.CustomerLanguage(customerLocale, businessLocale, func(l string) bool { _, ok := words[l]; return ok })]
}
