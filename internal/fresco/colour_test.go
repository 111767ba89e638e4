package fresco

import "testing"

// Whatever colour a business picks, text on it and the colour as text on
// white stay readable.
func TestPaletteStaysReadable(t *testing.T) {
	for _, c := range []struct{ colour, onFill string }{
		{DefaultBrandColour, "#ffffff"}, {"#ffd700", DarkInk}, {"#ffffff", DarkInk}, {"#000000", "#ffffff"},
		{"#e63946", "#ffffff"}, {"#a8dadc", DarkInk},
	} {
		p := PaletteOf(c.colour)
		if p.Fill != c.colour || p.OnFill != c.onFill {
			t.Errorf("%s: fill %s, text on it %s; want %s", c.colour, p.Fill, p.OnFill, c.onFill)
		}
		if ContrastOf(p.Ink, "#ffffff") < 4.5 || ContrastOf(p.Hover, "#ffffff") < 4.5 {
			t.Errorf("%s: ink %s (%.2f) or hover %s does not read on white", c.colour, p.Ink, ContrastOf(p.Ink, "#ffffff"), p.Hover)
		}
		if ContrastOf(p.Fill, p.OnFill) < 3 {
			t.Errorf("%s: text on it %s has contrast %.2f", c.colour, p.OnFill, ContrastOf(p.Fill, p.OnFill))
		}
	}
	// A colour that reads on white is kept as it is.
	if p := PaletteOf(DefaultBrandColour); p.Ink != DefaultBrandColour {
		t.Errorf("the default accent became %s", p.Ink)
	}
	for _, bad := range []string{"red", "#12345", "#1234567", "1a5a86", "#gggggg", " #1a5a86"} {
		if ValidBrandColour(bad) {
			t.Errorf("%q accepted as a colour", bad)
		}
	}
	s := DefaultSettings()
	s.BrandColour = "#12345"
	if fields := ErrorFields(s.Validate()); len(fields) != 1 || fields[0].Field != "brand_colour" {
		t.Errorf("a bad brand colour: %v", fields)
	}
}
