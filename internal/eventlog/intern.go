package eventlog

// interner hands out one string per distinct value, so that a million events naming the
// same ten activities hold ten strings. Looking a []byte up does not allocate.
type interner map[string]string

func (in interner) bytes(b []byte) string {
	if s, ok := in[string(b)]; ok {
		return s
	}
	s := string(b)
	in[s] = s
	return s
}

func (in interner) str(v string) string {
	if s, ok := in[v]; ok {
		return s
	}
	s := string(append([]byte(nil), v...)) // a copy: v may be part of a larger string (a CSV line)
	in[s] = s
	return s
}
