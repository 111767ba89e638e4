package mining

import (
	"fmt"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/sla"
)

// WeekdayHours is a Calendar open Monday to Friday during hours ("09:00-17:00") in the time
// zone tz (an IANA name; "" is UTC): what `fresco process dfg --business-hours` and the
// mining API's business_hours= measure with.
func WeekdayHours(hours, tz string) (Calendar, error) {
	a, b, ok := strings.Cut(hours, "-")
	if !ok {
		return nil, fmt.Errorf("%q: want HH:MM-HH:MM", hours)
	}
	start, err1 := sla.ParseTimeOfDay(strings.TrimSpace(a))
	end, err2 := sla.ParseTimeOfDay(strings.TrimSpace(b))
	if err1 != nil || err2 != nil || end <= start {
		return nil, fmt.Errorf("%q: want HH:MM-HH:MM, start before end", hours)
	}
	if tz == "" {
		tz = "UTC"
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %v", tz, err)
	}
	return BusinessHours(sla.Weekdays(loc, sla.Interval{Start: start, End: end}))
}
