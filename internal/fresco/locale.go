package fresco

import (
	"strconv"
	"strings"
	"time"
)

// Locale is how numbers and dates are written for a business. Fresco's
// pages are in English, so month names stay English; what a locale changes
// is the order of day and month, the clock, and the separators — what a
// reader trips over when they are wrong. Five locales cover Fresco's users;
// a table this small needs no CLDR library (docs/decisions.md).
type Locale struct {
	Tag      string
	Decimal  string // decimal separator
	Group    string // thousands separator
	DayMonth string // time layout of a day without the year: "2 Jan"
	Date     string // time layout of a full date: "2 Jan 2006"
	Clock    string // time layout of a time of day: "15:04"
	// SymbolAfter writes amounts as "12,50 €" rather than "€12.50".
	SymbolAfter bool
}

const nbsp = "\u00a0"

var locales = []Locale{
	{Tag: "en-GB", Decimal: ".", Group: ",", DayMonth: "2 Jan", Date: "2 Jan 2006", Clock: "15:04"},
	{Tag: "en-US", Decimal: ".", Group: ",", DayMonth: "Jan 2", Date: "Jan 2, 2006", Clock: "3:04 PM"},
	{Tag: "de-DE", Decimal: ",", Group: ".", DayMonth: "2.1.", Date: "2.1.2006", Clock: "15:04", SymbolAfter: true},
	{Tag: "fr-FR", Decimal: ",", Group: "\u202f", DayMonth: "02/01", Date: "02/01/2006", Clock: "15:04", SymbolAfter: true},
	{Tag: "es-ES", Decimal: ",", Group: ".", DayMonth: "2/1", Date: "2/1/2006", Clock: "15:04", SymbolAfter: true},
}

// LocaleTags are the locales a business may choose.
func LocaleTags() []string {
	out := make([]string, len(locales))
	for i, l := range locales {
		out[i] = l.Tag
	}
	return out
}

// LocaleOf returns the locale with the tag, British English when unknown.
func LocaleOf(tag string) Locale {
	for _, l := range locales {
		if l.Tag == tag {
			return l
		}
	}
	return locales[0]
}

// Formatter writes times, numbers and amounts the business's way. The zero
// value is not usable: build one with NewFormatter.
type Formatter struct {
	Zone     *time.Location
	Locale   Locale
	Currency Currency
}

// NewFormatter returns the formatter of the settings, falling back to UTC
// when the zone cannot be loaded (settings are validated when stored, so
// that only happens to a zone a newer tzdata removed).
func NewFormatter(s Settings) Formatter {
	loc, err := LoadZone(s.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	return Formatter{Zone: loc, Locale: LocaleOf(s.Locale), Currency: s.Currency}
}

// Date writes the day of t in the business's zone: "3 Dec 2026".
func (f Formatter) Date(t time.Time) string { return t.In(f.Zone).Format(f.Locale.Date) }

// DateTime writes t in full: "3 Dec 2026 14:05".
func (f Formatter) DateTime(t time.Time) string {
	t = t.In(f.Zone)
	return t.Format(f.Locale.Date) + " " + t.Format(f.Locale.Clock)
}

// Stamp writes t for a message read later, e-mail or notification, with
// the weekday and the zone: "Thu 3 Dec 2026 14:05 CET".
func (f Formatter) Stamp(t time.Time) string {
	t = t.In(f.Zone)
	return t.Format("Mon ") + f.DateTime(t) + t.Format(" MST")
}

// Relative writes t as people read a timeline, relative to now, in the
// business's zone: "today 14:05", "yesterday 09:12", "tomorrow 09:00",
// "3 Dec 09:12" this year, "3 Dec 2025 09:12" before or after it.
func (f Formatter) Relative(t, now time.Time) string {
	t, now = t.In(f.Zone), now.In(f.Zone)
	clock := t.Format(f.Locale.Clock)
	switch days := civilDays(t) - civilDays(now); {
	case days == 0:
		return "today " + clock
	case days == -1:
		return "yesterday " + clock
	case days == 1:
		return "tomorrow " + clock
	case t.Year() == now.Year():
		return t.Format(f.Locale.DayMonth) + " " + clock
	default:
		return f.DateTime(t)
	}
}

// civilDays numbers t's calendar day in its own zone, so that days differ
// by one across midnight whatever the daylight-saving change in between.
func civilDays(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// ISO writes t in the business's zone with its offset, unambiguous for a
// spreadsheet or a program: "2026-12-03T14:05:00+01:00".
func (f Formatter) ISO(t time.Time) string { return t.In(f.Zone).Format(time.RFC3339) }

// Integer writes n with the locale's thousands separator: "1,234", "1.234".
func (f Formatter) Integer(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = group(strings.TrimPrefix(s, "-"), f.Locale.Group)
	if neg {
		return "−" + s // a true minus sign reads better than a hyphen
	}
	return s
}

// Amount writes an amount without the currency: "1,234.50", "1.234,50",
// rounded half away from zero to the currency's decimals.
func (f Formatter) Amount(m Money) string {
	neg := m < 0
	if neg {
		m = -m
	}
	decimals := min(max(f.Currency.Decimals, 0), 2)
	scale := Money(1)
	for range 2 - decimals {
		scale *= 10
	}
	units := (m + scale/2) / scale // in the shown decimals
	s := strconv.FormatInt(int64(units), 10)
	for len(s) <= decimals {
		s = "0" + s
	}
	whole, frac := s[:len(s)-decimals], s[len(s)-decimals:]
	out := group(whole, f.Locale.Group)
	if decimals > 0 {
		out += f.Locale.Decimal + frac
	}
	if neg && units != 0 {
		return "−" + out
	}
	return out
}

// Money writes an amount with the currency symbol where the locale puts
// it: "£1,234.50", "1.234,50 €".
func (f Formatter) Money(m Money) string {
	return f.withSymbol(f.Amount(m))
}

// WholeMoney writes an amount rounded to whole units with the currency
// symbol, for totals where cents would only be noise: "£5,297,857".
func (f Formatter) WholeMoney(units int64) string {
	return f.withSymbol(f.Integer(units))
}

// withSymbol puts the currency symbol where the locale puts it.
func (f Formatter) withSymbol(amount string) string {
	if f.Locale.SymbolAfter {
		return amount + nbsp + f.Currency.Symbol
	}
	if rest, neg := strings.CutPrefix(amount, "−"); neg {
		return "−" + f.Currency.Symbol + rest
	}
	return f.Currency.Symbol + amount
}

func group(digits, sep string) string {
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Languages are the languages a survey form speaks: its built-in words are
// written in each, and a survey's texts may be translated into each. The
// first is the fallback of last resort.
var Languages = []string{"en", "de", "fr", "es"}

// Language is the language of the locale: "de" for "de-DE".
func (l Locale) Language() string { return BaseLanguage(l.Tag) }

// BaseLanguage is the language of a BCP 47 tag, in lower case: "de" for
// "de-CH" (or "de_CH", as some systems write it).
func BaseLanguage(tag string) string {
	base, _, _ := strings.Cut(strings.TrimSpace(tag), "-")
	base, _, _ = strings.Cut(base, "_")
	return strings.ToLower(base)
}

// CustomerLanguage is the language to write to a customer in: their
// locale's when has says there are words in it, else the business's
// locale's, else English. E-mails and the pages behind their links go by it.
func CustomerLanguage(customerLocale, businessLocale string, has func(lang string) bool) string {
	for _, tag := range []string{customerLocale, businessLocale} {
		if l := BaseLanguage(tag); l != "" && has(l) {
			return l
		}
	}
	return "en"
}

// LanguageOf is the business's default language: its locale's, "en" when
// the locale is unknown.
func LanguageOf(s Settings) string { return LocaleOf(s.Locale).Language() }

// LanguageNames are the languages by their own names, for a switcher a
// customer reads in whatever language the page is in.
var LanguageNames = map[string]string{"en": "English", "de": "Deutsch", "fr": "Français", "es": "Español"}
