package clv

import (
	"bytes"
	"errors"
	"math"
	"strconv"
)

// Byte-level field parsers for the CSV readers: no allocation, no time.Parse.

var errBadDate = errors.New("bad date (want YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD, optionally followed by a time)")

// parseDay parses the calendar date at the start of b into a day number. Any
// time of day after 'T' or ' ' is ignored: a purchase belongs to the calendar
// day written in the file.
func parseDay(b []byte) (int32, error) {
	var y, m, d int
	var ok bool
	switch {
	case len(b) >= 10 && (b[4] == '-' || b[4] == '/') && b[7] == b[4]:
		y, ok = digits(b[0:4])
		m, ok = digitsAnd(ok, b[5:7])
		d, ok = digitsAnd(ok, b[8:10])
		b = b[10:]
	case len(b) >= 8:
		y, ok = digits(b[0:4])
		m, ok = digitsAnd(ok, b[4:6])
		d, ok = digitsAnd(ok, b[6:8])
		b = b[8:]
	}
	if !ok || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m) {
		return 0, errBadDate
	}
	if len(b) > 0 && b[0] != 'T' && b[0] != ' ' {
		return 0, errBadDate
	}
	return dayNumber(y, m, d), nil
}

func digits(b []byte) (int, bool) {
	v := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

func digitsAnd(ok bool, b []byte) (int, bool) {
	if !ok {
		return 0, false
	}
	return digits(b)
}

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

var errBadNumber = errors.New("not a number")

// parseAmount parses a decimal such as -12.50. Plain decimals with up to 15
// significant digits take a fast exact path (an integer divided by a power of
// ten is correctly rounded); anything else goes through strconv.
func parseAmount(b []byte) (float64, error) {
	neg := false
	s := b
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	var mant uint64
	nd, frac, dot := 0, 0, false
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			mant = mant*10 + uint64(c-'0')
			nd++
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return slowFloat(b)
		}
	}
	if nd == 0 {
		return 0, errBadNumber
	}
	if nd > 15 {
		return slowFloat(b)
	}
	v := float64(mant) / pow10[frac]
	if neg {
		v = -v
	}
	return v, nil
}

func slowFloat(b []byte) (float64, error) {
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, errBadNumber
	}
	return v, nil
}

var errQuote = errors.New("unterminated quoted field")

// nextField returns the first field of line and the rest after its comma, or
// rest == nil when it was the last field.
func nextField(line []byte) (field, rest []byte, err error) {
	if len(line) == 0 || line[0] != '"' {
		if i := bytes.IndexByte(line, ','); i >= 0 {
			return trimSpace(line[:i]), line[i+1:], nil
		}
		return trimSpace(line), nil, nil
	}
	w := 0 // unquote in place
	for r := 1; r < len(line); r++ {
		c := line[r]
		if c != '"' {
			line[w] = c
			w++
			continue
		}
		if r+1 < len(line) && line[r+1] == '"' {
			line[w] = '"'
			w++
			r++
			continue
		}
		rest := line[r+1:]
		if i := bytes.IndexByte(rest, ','); i >= 0 {
			if len(trimSpace(rest[:i])) > 0 {
				return nil, nil, errQuote
			}
			return line[:w], rest[i+1:], nil
		}
		if len(trimSpace(rest)) > 0 {
			return nil, nil, errQuote
		}
		return line[:w], nil, nil
	}
	return nil, nil, errQuote
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}
