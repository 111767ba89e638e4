package fresco

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
)

// DefaultBrandColour is the accent of pages and e-mails while the business
// has not set a brand colour of its own.
const DefaultBrandColour = "#1a5a86"

var brandColour = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// ValidBrandColour says whether s is a colour as settings keep it:
// #RRGGBB, or "" for the default.
func ValidBrandColour(s string) bool { return s == "" || brandColour.MatchString(s) }

// Palette is the accent colours derived from one brand colour so that
// whatever the business picks stays readable: text on the colour is white
// or dark, whichever contrasts more, and the colour as text on white is
// darkened until it reaches WCAG AA contrast (4.5:1).
type Palette struct {
	Fill   string // the brand colour: buttons, the header rule
	OnFill string // text on Fill: #ffffff or a dark ink
	Ink    string // the accent as text and borders on white (links)
	Hover  string // Ink, darker: buttons and links under the pointer
	Weak   string // a pale tint of Fill: badges, selected rows
}

// DarkInk is the dark text colour of pages and e-mails.
const DarkInk = "#1c2430"

// Accent is the settings' brand colour, or DefaultBrandColour.
func (s Settings) Accent() Palette {
	if s.BrandColour == "" || !brandColour.MatchString(s.BrandColour) {
		return PaletteOf(DefaultBrandColour)
	}
	return PaletteOf(s.BrandColour)
}

// PaletteOf derives the palette of a #RRGGBB colour.
func PaletteOf(hex string) Palette {
	fill := parseRGB(hex)
	white, dark := rgb{255, 255, 255}, parseRGB(DarkInk)
	p := Palette{Fill: fill.String(), OnFill: "#ffffff"}
	if contrast(fill, dark) > contrast(fill, white) {
		p.OnFill = DarkInk
	}
	ink := fill
	for i := 1; contrast(ink, white) < 4.5 && i <= 10; i++ {
		ink = fill.mix(rgb{}, float64(i)/10)
	}
	p.Ink = ink.String()
	p.Hover = ink.mix(rgb{}, .3).String()
	p.Weak = fill.mix(white, .9).String()
	return p
}

type rgb [3]float64

func parseRGB(hex string) rgb {
	var c rgb
	for i := range c {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c[i] = float64(v)
	}
	return c
}

func (c rgb) String() string {
	return fmt.Sprintf("#%02x%02x%02x", int(math.Round(c[0])), int(math.Round(c[1])), int(math.Round(c[2])))
}

// mix moves c toward o by t (0: c, 1: o).
func (c rgb) mix(o rgb, t float64) rgb {
	for i := range c {
		c[i] += (o[i] - c[i]) * t
	}
	return c
}

// luminance is the WCAG 2 relative luminance.
func (c rgb) luminance() float64 {
	var l [3]float64
	for i, v := range c {
		v /= 255
		if v <= 0.04045 {
			l[i] = v / 12.92
		} else {
			l[i] = math.Pow((v+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2]
}

// contrast is the WCAG 2 contrast ratio of two colours, 1 to 21.
func contrast(a, b rgb) float64 {
	la, lb := a.luminance(), b.luminance()
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// ContrastOf is the WCAG 2 contrast ratio (1 to 21) of two #RRGGBB colours.
func ContrastOf(a, b string) float64 { return contrast(parseRGB(a), parseRGB(b)) }
