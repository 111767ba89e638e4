package demo

import (
	"fmt"
	"strings"
)

// Names, e-mail addresses, phone numbers and addresses of generated people.
// Every e-mail domain is reserved for documentation (RFC 2606) and every phone
// number is in the fictional 555-01XX range, so the demo can never reach a
// real person.

var firstNames = []string{
	// English-speaking
	"Olivia", "James", "Emma", "Liam", "Sophie", "Noah", "Grace", "Oliver", "Chloe", "Jack",
	"Ava", "Henry", "Isla", "Thomas", "Ruby", "Daniel", "Hannah", "Samuel", "Megan", "Ethan",
	// Spanish, Portuguese, Italian, French
	"Lucía", "Mateo", "Sofía", "Diego", "Valentina", "João", "Beatriz", "Rafael", "Giulia", "Marco",
	"Chiara", "Luca", "Camille", "Louis", "Léa", "Antoine", "Inès", "Hugo",
	// German, Dutch, Nordic, Polish
	"Lena", "Felix", "Anna", "Jonas", "Sanne", "Daan", "Freja", "Erik", "Ingrid", "Magnus",
	"Zofia", "Jakub", "Katarzyna", "Piotr",
	// Indian, East Asian
	"Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Meera", "Wei", "Mei", "Jun", "Yuki",
	"Haruto", "Sakura", "Min-jun", "Ji-woo",
	// African, Middle Eastern, Turkish
	"Chidi", "Amara", "Kwame", "Ngozi", "Thabo", "Zanele", "Omar", "Layla", "Youssef", "Fatima",
	"Emre", "Elif", "Noor", "Karim",
}

var lastNames = []string{
	"Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davies", "Clarke", "Walker", "Wright", "Thompson",
	"O'Brien", "Murphy", "Kelly", "MacDonald", "Campbell",
	"García", "Martínez", "Rodríguez", "López", "Fernández", "Silva", "Santos", "Oliveira", "Costa",
	"Rossi", "Russo", "Bianchi", "Romano", "Dubois", "Moreau", "Laurent", "Lefèvre",
	"Müller", "Schmidt", "Schneider", "Fischer", "de Vries", "Jansen", "Bakker", "Nielsen", "Hansen",
	"Johansson", "Lindqvist", "Kowalski", "Nowak", "Wiśniewska",
	"Patel", "Sharma", "Singh", "Gupta", "Iyer", "Reddy", "Chen", "Wang", "Li", "Zhang", "Liu",
	"Tanaka", "Suzuki", "Sato", "Kim", "Park", "Nguyen", "Tran",
	"Okafor", "Adeyemi", "Mensah", "Dlamini", "Nkosi", "Haddad", "Khalil", "Hassan", "Yilmaz", "Demir",
	"Cohen", "Levi", "Novak", "Horvat",
}

var (
	emailDomains = []string{"example.com", "example.org", "example.net"}
	// areaCodes are real North American area codes; the 555-01XX numbers in
	// them are reserved for fiction.
	areaCodes = []string{"212", "312", "415", "617", "831", "202", "305", "512", "206", "303",
		"404", "503", "602", "702", "718", "773", "818", "919"}
	streets = []string{"Maple Avenue", "Harbor Street", "Elm Street", "Ocean Drive", "Cedar Lane",
		"Park Road", "Station Road", "Mill Lane", "Willow Way", "Hillside Terrace", "King Street",
		"Church Street", "Orchard Close", "Bridge Road", "Lake View"}
	cities = []string{"Boston, MA", "Chicago, IL", "San Francisco, CA", "Santa Cruz, CA", "New York, NY",
		"Austin, TX", "Seattle, WA", "Denver, CO", "Portland, OR", "Toronto, ON", "Vancouver, BC",
		"London, UK", "Dublin, IE", "Lisbon, PT", "Madrid, ES", "Paris, FR", "Berlin, DE",
		"Amsterdam, NL", "Stockholm, SE", "Tokyo, JP", "Sydney, AU", "Mumbai, IN", "Lagos, NG"}
)

// namer hands out unique e-mail addresses. It counts the addresses given
// out per name and domain rather than keeping them: there are a few
// thousand of those, and a million customers' addresses were 100 MB.
// Numbered addresses cannot meet: only numbered ones end in digits.
type namer struct {
	given    map[string]int  // addresses handed out, by their unnumbered form
	reserved map[string]bool // fixed addresses, taken out of the sequence
}

func newNamer() *namer { return &namer{given: map[string]int{}, reserved: map[string]bool{}} }

// person draws a full name.
func (n *namer) person(r *rng) (first, last string) {
	return oneOf(r, firstNames), oneOf(r, lastNames)
}

// email builds an address from a name, unique among those this namer gave
// out: "lucia.garcia@example.org", then "lucia.garcia2@example.org".
func (n *namer) email(r *rng, first, last, domain string) string {
	local := asciiLocalPart(first) + "." + asciiLocalPart(last)
	if r.chance(0.15) {
		local = asciiLocalPart(first)[:1] + asciiLocalPart(last)
	}
	base := local + "@" + domain
	for {
		n.given[base]++
		addr := base
		if i := n.given[base]; i > 1 {
			addr = fmt.Sprintf("%s%d@%s", local, i, domain)
		}
		if !n.reserved[addr] {
			return addr
		}
	}
}

// reserve marks a fixed address (a known login) as taken.
func (n *namer) reserve(addr string) { n.reserved[addr] = true }

var foldAccents = strings.NewReplacer(
	"á", "a", "à", "a", "ã", "a", "â", "a", "ä", "a", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"í", "i", "ï", "i", "ó", "o", "ô", "o", "õ", "o", "ö", "o", "ú", "u", "ü", "u", "ç", "c",
	"ñ", "n", "ś", "s", "ł", "l", "ß", "ss",
	"'", "", " ", "", "-", "",
)

// asciiLocalPart turns a name into the lower-case ASCII of an e-mail local part.
func asciiLocalPart(name string) string {
	return foldAccents.Replace(strings.ToLower(name))
}

// phone draws a number in the fictional 555-0100…555-0199 range.
func phone(r *rng) string {
	return fmt.Sprintf("+1 %s 555 01%02d", oneOf(r, areaCodes), r.IntN(100))
}

// address draws a plausible postal address.
func address(r *rng) string {
	return fmt.Sprintf("%d %s, %s", 1+r.IntN(240), oneOf(r, streets), oneOf(r, cities))
}
