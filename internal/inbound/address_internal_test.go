package inbound

import "testing"

func TestDisplayAddress(t *testing.T) {
	for _, c := range []struct{ name, addr, want string }{
		{"", "a@example.com", "a@example.com"},
		{"João Patel", "joao@example.com", "João Patel <joao@example.com>"},
		{`Berg, Anna "AB"`, "anna@example.net", `"Berg, Anna \"AB\"" <anna@example.net>`},
	} {
		if got := displayAddress(c.name, c.addr); got != c.want {
			t.Errorf("displayAddress(%q, %q) = %q, want %q", c.name, c.addr, got, c.want)
		}
	}
}
