package importer

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// timeLayouts are the date formats found in real exports, tried in order.
// Times without a zone are read as UTC.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02T15:04:05",
	"2006-01-02",
	"20060102",
	"1/2/2006 15:04",
	"1/2/2006 15:04:05",
	"1/2/2006",
}

// parseTime reads a date or time in UTC. Years outside 0001–9999 (in UTC:
// 9999-12-31T23:00:00-02:00 is in 10000) are refused: RFC 3339, and so the
// API's JSON, cannot write them.
func parseTime(s string) (time.Time, error) {
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			if t = t.UTC(); t.Year() < 1 || t.Year() > 9999 {
				return time.Time{}, fmt.Errorf("%q is not a date in the years 0001 to 9999", s)
			}
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date (use YYYY-MM-DD or RFC 3339)", s)
}

func parseQuantity(s string) (int64, error) {
	q, err := strconv.ParseInt(strings.TrimSuffix(s, ".0"), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a whole number", s)
	}
	return q, nil
}

func parseMoneyField(s string) (fresco.Money, error) {
	if s == "" {
		return 0, nil
	}
	return fresco.ParseMoney(s)
}

// externalID tidies an id column. Spreadsheets turn numeric ids into floats
// ("17850.0"); the trailing ".0" is not part of the id.
func externalID(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, ".0") {
		if _, err := strconv.ParseInt(s[:len(s)-2], 10, 64); err == nil {
			return s[:len(s)-2]
		}
	}
	return s
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "", "0", "false", "no", "n", "f":
		return false, nil
	case "1", "true", "yes", "y", "t":
		return true, nil
	}
	return false, fmt.Errorf("%q is not yes/no", s)
}
