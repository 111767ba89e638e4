package feedback

// builtinTexts are Fresco's own question texts and choices — those a
// question gets when its text is left empty (defaultQuestionText) and the
// acquisition choices — in the other languages, keyed by the English. A
// survey made of the standard questions thus reads right in every language
// without anyone translating it, and these texts are not listed as
// missing; an owner's own translation still wins.
var builtinTexts = map[string]map[string]string{
	"How likely are you to recommend us to a friend or colleague?": {
		"de": "Wie wahrscheinlich ist es, dass Sie uns einem Freund oder Kollegen weiterempfehlen?",
		"fr": "Quelle est la probabilité que vous nous recommandiez à un ami ou à un collègue\u00a0?",
		"es": "¿Qué probabilidad hay de que nos recomiende a un amigo o colega?"},
	"How satisfied were you overall?": {
		"de": "Wie zufrieden waren Sie insgesamt?",
		"fr": "Dans l’ensemble, dans quelle mesure avez-vous été satisfait\u00a0?",
		"es": "En general, ¿cuál es su grado de satisfacción?"},
	"How easy was it to get what you needed?": {
		"de": "Wie einfach war es, das zu bekommen, was Sie brauchten?",
		"fr": "Dans quelle mesure a-t-il été facile d’obtenir ce dont vous aviez besoin\u00a0?",
		"es": "¿Le resultó fácil conseguir lo que necesitaba?"},
	"How did you hear about us?": {
		"de": "Wie haben Sie von uns erfahren?",
		"fr": "Comment avez-vous entendu parler de nous\u00a0?",
		"es": "¿Cómo nos conoció?"},
	"Is there anything we could have done better?": {
		"de": "Gibt es etwas, das wir hätten besser machen können?",
		"fr": "Y a-t-il quelque chose que nous aurions pu mieux faire\u00a0?",
		"es": "¿Hay algo que podríamos haber hecho mejor?"},
	"We did what we promised, when we promised it.": {
		"de": "Wir haben gehalten, was wir versprochen haben, und zwar pünktlich.",
		"fr": "Nous avons fait ce que nous avions promis, quand nous l’avions promis.",
		"es": "Hicimos lo que prometimos, cuando lo prometimos."},
	"We were quick and willing to help.": {
		"de": "Wir waren schnell und hilfsbereit.",
		"fr": "Nous avons été rapides et serviables.",
		"es": "Fuimos rápidos y estuvimos dispuestos a ayudar."},
	"Our staff knew what they were doing and inspired confidence.": {
		"de": "Unsere Mitarbeiter wussten, was sie tun, und haben Vertrauen geweckt.",
		"fr": "Notre personnel savait ce qu’il faisait et inspirait confiance.",
		"es": "Nuestro personal sabía lo que hacía e inspiraba confianza."},
	"We treated you as an individual and cared about your needs.": {
		"de": "Wir sind persönlich auf Sie und Ihre Bedürfnisse eingegangen.",
		"fr": "Nous vous avons traité de façon personnelle et avons pris soin de vos besoins.",
		"es": "Le tratamos de forma personal y nos preocupamos por sus necesidades."},
	"Our premises, equipment and materials looked right.": {
		"de": "Unsere Räume, Ausstattung und Unterlagen machten einen guten Eindruck.",
		"fr": "Nos locaux, nos équipements et nos documents donnaient une bonne impression.",
		"es": "Nuestras instalaciones, equipos y materiales tenían buen aspecto."},
	"How good were the results you got from us?": {
		"de": "Wie gut waren die Ergebnisse, die Sie bei uns erhalten haben?",
		"fr": "Quelle a été la qualité des résultats que vous avez obtenus avec nous\u00a0?",
		"es": "¿Cómo valora los resultados que obtuvo con nosotros?"},
	"How good was the way we served you?": {
		"de": "Wie gut war die Art, wie wir Sie bedient haben?",
		"fr": "Quelle a été la qualité de notre service\u00a0?",
		"es": "¿Cómo valora la forma en que le atendimos?"},
	"How fair was the price?": {
		"de": "Wie fair war der Preis?",
		"fr": "Le prix vous a-t-il semblé juste\u00a0?",
		"es": "¿Le pareció justo el precio?"},
	"How easy was it to reach and deal with us (time, travel, effort)?": {
		"de": "Wie einfach war es, uns zu erreichen und mit uns zu tun zu haben (Zeit, Weg, Aufwand)?",
		"fr": "Dans quelle mesure a-t-il été facile de nous joindre et de traiter avec nous (temps, déplacement, effort)\u00a0?",
		"es": "¿Le resultó fácil contactar y tratar con nosotros (tiempo, desplazamiento, esfuerzo)?"},
	// DefaultAcquisitionChoices.
	"Friend or family": {"de": "Freunde oder Familie", "fr": "Amis ou famille", "es": "Amigos o familia"},
	"Search engine":    {"de": "Suchmaschine", "fr": "Moteur de recherche", "es": "Buscador"},
	"Social media":     {"de": "Soziale Medien", "fr": "Réseaux sociaux", "es": "Redes sociales"},
	"Advertisement":    {"de": "Werbung", "fr": "Publicité", "es": "Publicidad"},
	"Walked past":      {"de": "Im Vorbeigehen", "fr": "En passant devant", "es": "Al pasar por delante"},
	"Press or review":  {"de": "Presse oder Bewertung", "fr": "Presse ou avis", "es": "Prensa o reseña"},
	"Other":            {"de": "Sonstiges", "fr": "Autre", "es": "Otro"},
}

// builtinText is Fresco's own translation of text into lang, "" when text
// is not one of Fresco's own or lang is English.
func builtinText(text, lang string) string { return builtinTexts[text][lang] }
