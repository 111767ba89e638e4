package staff

import (
	"crypto/rand"
	"strings"
)

// GeneratePassword returns a password of four groups of four characters
// from an alphabet without look-alikes (0/O, 1/l/I): about 80 bits of
// entropy, easy to read out over the phone.
func GeneratePassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	var b strings.Builder
	for i := range 16 {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(alphabet[randIndex(len(alphabet))])
	}
	return b.String()
}

func randIndex(n int) int {
	// Rejection sampling keeps every character equally likely.
	var buf [1]byte
	limit := 256 - 256%n
	for {
		rand.Read(buf[:])
		if int(buf[0]) < limit {
			return int(buf[0]) % n
		}
	}
}
