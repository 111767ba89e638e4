package referral

// Words are the texts of the referral link's page (/r/{code}) in one
// language. The newcomer is nobody's customer yet, so the page speaks the
// languages the customer's own pages speak (internal/prefs), chosen from
// the newcomer's browser, else the business's language.
type Words struct {
	Lang string // the html lang of the page

	// Thinks greets with the referrer's first name and the business's name;
	// FriendThinks, the business's name only, when the referrer has none.
	Thinks, FriendThinks string
	Leave                string // why the form asks for a name and e-mail
	Name, Email          string
	Surveys, Marketing   string // the two consents
	Join                 string

	// Welcome heads the page after joining; CameThrough thanks with the
	// referrer's first name and the business's name (CameThroughFriend,
	// the business's name only).
	Welcome, CameThrough, CameThroughFriend string

	InvalidTitle, InvalidText string
	ErrorTitle, TryLater      string

	// Fields say what is wrong with a rejected field, by field; a field
	// not here is told in the service's own (English) words.
	Fields map[string]string
}

// Languages are the page's languages, English first.
var Languages = []string{"en", "de", "fr", "es"}

var words = map[string]Words{
	"en": {Lang: "en",
		Thinks: "%s thinks you would like %s", FriendThinks: "A friend thinks you would like %s",
		Leave: "Leave your name and e-mail address, and we will know who sent you.",
		Name:  "Name", Email: "E-mail",
		Surveys: "You may ask me how you did after I buy", Marketing: "You may send me news and offers",
		Join:    "Join",
		Welcome: "Welcome", CameThrough: "Thank you. We know you came through %s, and look forward to seeing you at %s.",
		CameThroughFriend: "Thank you. We know you came through a friend, and look forward to seeing you at %s.",
		InvalidTitle:      "This link is not valid", InvalidText: "Check that it was copied whole, or ask the person who gave it to you for a new one.",
		ErrorTitle: "Something went wrong", TryLater: "Please try again in a few minutes."},
	"de": {Lang: "de",
		Thinks: "%s meint, %s könnte Ihnen gefallen", FriendThinks: "Jemand aus Ihrem Bekanntenkreis meint, %s könnte Ihnen gefallen",
		Leave: "Hinterlassen Sie Ihren Namen und Ihre E-Mail-Adresse, dann wissen wir, wer Sie geschickt hat.",
		Name:  "Name", Email: "E-Mail",
		Surveys: "Sie dürfen mich nach einem Einkauf fragen, wie es war", Marketing: "Sie dürfen mir Neuigkeiten und Angebote schicken",
		Join:    "Anmelden",
		Welcome: "Willkommen", CameThrough: "Vielen Dank. Wir wissen, dass Sie über %s kommen, und freuen uns auf Ihren Besuch bei %s.",
		CameThroughFriend: "Vielen Dank. Wir wissen, dass Sie auf Empfehlung kommen, und freuen uns auf Ihren Besuch bei %s.",
		InvalidTitle:      "Dieser Link ist nicht gültig", InvalidText: "Prüfen Sie, ob er vollständig kopiert wurde, oder bitten Sie die Person, die ihn Ihnen gegeben hat, um einen neuen.",
		ErrorTitle: "Etwas ist schiefgelaufen", TryLater: "Bitte versuchen Sie es in ein paar Minuten noch einmal.",
		Fields: map[string]string{"name": "Bitte geben Sie Ihren Namen an (höchstens 200 Zeichen).",
			"email": "Bitte geben Sie eine gültige E-Mail-Adresse an."}},
	"fr": {Lang: "fr",
		Thinks: "%s pense que %s vous plairait", FriendThinks: "Un proche pense que %s vous plairait",
		Leave: "Laissez votre nom et votre adresse e-mail, et nous saurons qui vous envoie.",
		Name:  "Nom", Email: "E-mail",
		Surveys: "Vous pouvez me demander mon avis après un achat", Marketing: "Vous pouvez m'envoyer des actualités et des offres",
		Join:    "S'inscrire",
		Welcome: "Bienvenue", CameThrough: "Merci. Nous savons que vous venez de la part de %s, et nous nous réjouissons de vous accueillir chez %s.",
		CameThroughFriend: "Merci. Nous savons que vous venez sur recommandation, et nous nous réjouissons de vous accueillir chez %s.",
		InvalidTitle:      "Ce lien n'est pas valide", InvalidText: "Vérifiez qu'il a été copié en entier, ou demandez-en un nouveau à la personne qui vous l'a donné.",
		ErrorTitle: "Une erreur s'est produite", TryLater: "Veuillez réessayer dans quelques minutes.",
		Fields: map[string]string{"name": "Indiquez votre nom (200 caractères au plus).",
			"email": "Indiquez une adresse e-mail valide."}},
	"es": {Lang: "es",
		Thinks: "%s cree que le gustaría %s", FriendThinks: "Alguien que le conoce cree que le gustaría %s",
		Leave: "Deje su nombre y su correo electrónico, y sabremos quién le envía.",
		Name:  "Nombre", Email: "Correo electrónico",
		Surveys: "Pueden preguntarme qué tal después de una compra", Marketing: "Pueden enviarme novedades y ofertas",
		Join:    "Registrarme",
		Welcome: "Bienvenido", CameThrough: "Gracias. Sabemos que viene de parte de %s, y esperamos verle pronto en %s.",
		CameThroughFriend: "Gracias. Sabemos que viene por recomendación, y esperamos verle pronto en %s.",
		InvalidTitle:      "Este enlace no es válido", InvalidText: "Compruebe que se copió entero, o pida uno nuevo a la persona que se lo dio.",
		ErrorTitle: "Algo ha fallado", TryLater: "Inténtelo de nuevo en unos minutos.",
		Fields: map[string]string{"name": "Indique su nombre (200 caracteres como máximo).",
			"email": "Indique un correo electrónico válido."}},
}

// WordsIn are the page's texts in lang, English when it is not offered.
func WordsIn(lang string) Words {
	if w, ok := words[lang]; ok {
		return w
	}
	return words["en"]
}
