package fresco

import "testing"

func TestMailbox(t *testing.T) {
	for _, c := range []struct{ name, addr, want string }{
		{"", "a@example.com", "a@example.com"},
		{"João Patel", "joao@example.com", "João Patel <joao@example.com>"},
		{`Berg, Anna "AB"`, "anna@example.net", `"Berg, Anna \"AB\"" <anna@example.net>`},
	} {
		if got := Mailbox(c.name, c.addr); got != c.want {
			t.Errorf("Mailbox(%q, %q) = %q, want %q", c.name, c.addr, got, c.want)
		}
	}
}
