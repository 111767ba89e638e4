package eventlog

import (
	"errors"
	"time"
)

var errBadTime = errors.New("not a date-time")

// parseTime reads an xs:dateTime (what XES time:timestamp holds) and the ISO-like forms CSV
// exports use: "2024-03-01T10:15:00.123+01:00", "…Z", "2024-03-01 10:15:00", no zone (taken as
// UTC), "2024/03/01 10:15", or a bare date. The result is in UTC.
func parseTime(b []byte) (time.Time, error) {
	if t, ok := parseISO(b); ok {
		return t, nil
	}
	return time.Time{}, errBadTime
}

func digits(b []byte, n int) (int, bool) {
	if len(b) < n {
		return 0, false
	}
	v := 0
	for i := 0; i < n; i++ {
		c := b[i] - '0'
		if c > 9 {
			return 0, false
		}
		v = v*10 + int(c)
	}
	return v, true
}

// parseISO is a fast parser of YYYY-MM-DD[(T| )hh:mm[:ss[.fffffffff]]][Z|±hh[:]mm]; the date
// separator may also be '/'.
func parseISO(b []byte) (time.Time, bool) {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	year, ok := digits(b, 4)
	if !ok || len(b) < 10 || (b[4] != '-' && b[4] != '/') || b[7] != b[4] {
		return time.Time{}, false
	}
	month, ok1 := digits(b[5:], 2)
	day, ok2 := digits(b[8:], 2)
	if !ok1 || !ok2 || month < 1 || month > 12 || day < 1 || day > 31 {
		return time.Time{}, false
	}
	b = b[10:]
	var hour, minute, sec, nsec int
	if len(b) > 0 && (b[0] == 'T' || b[0] == ' ') {
		if len(b) < 6 || b[3] != ':' {
			return time.Time{}, false
		}
		hour, ok1 = digits(b[1:], 2)
		minute, ok2 = digits(b[4:], 2)
		if !ok1 || !ok2 || hour > 24 || minute > 59 {
			return time.Time{}, false
		}
		b = b[6:]
		if len(b) > 0 && b[0] == ':' {
			if sec, ok = digits(b[1:], 2); !ok || sec > 60 {
				return time.Time{}, false
			}
			b = b[3:]
			if len(b) > 0 && (b[0] == '.' || b[0] == ',') {
				b = b[1:]
				n, scale := 0, 1_000_000_000
				for n < len(b) && b[n] >= '0' && b[n] <= '9' {
					if scale > 1 {
						scale /= 10
						nsec += int(b[n]-'0') * scale
					}
					n++
				}
				if n == 0 {
					return time.Time{}, false
				}
				b = b[n:]
			}
		}
	}
	offset := 0
	switch {
	case len(b) == 0:
	case len(b) == 1 && (b[0] == 'Z' || b[0] == 'z'):
	case b[0] == '+' || b[0] == '-':
		oh, ok := digits(b[1:], 2)
		if !ok {
			return time.Time{}, false
		}
		rest := b[3:]
		if len(rest) > 0 && rest[0] == ':' {
			rest = rest[1:]
		}
		om := 0
		if len(rest) > 0 {
			if om, ok = digits(rest, 2); !ok || len(rest) != 2 {
				return time.Time{}, false
			}
		}
		if oh > 23 || om > 59 {
			return time.Time{}, false
		}
		offset = oh*3600 + om*60
		if b[0] == '-' {
			offset = -offset
		}
	default:
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Day() != day && hour != 24 && sec != 60 {
		return time.Time{}, false // 31 February and the like
	}
	if offset != 0 {
		t = t.Add(-time.Duration(offset) * time.Second)
	}
	return t, true
}

// parseTimeLayout parses with a Go layout given by the user (CSV --time-format); a layout
// without a zone reads as UTC.
func parseTimeLayout(layout, v string) (time.Time, error) {
	t, err := time.Parse(layout, v)
	if err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}
