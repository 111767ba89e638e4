package feedback

// The home page's headlines kept in memory. At a million customers
// working them out reads a few thousand rows of the score rollups, about
// 20 ms of CPU, on every view of the home page of an owner, a manager or
// an analyst (and of /login, which sends a signed-in person there). They
// are the same for every viewer and change only when an answer does, so
// the last ones worked out are kept with the scores mark (migration
// 00074) read before: the mark moves with every write to the answers the
// rollups count and with every rebuild of a rollup, so kept headlines are
// never older than the database. Concurrent views of changed headlines
// wait for one working out rather than each doing it.

import "time"

// headlinesKey is what kept headlines were worked out from, beside the
// scores mark: the two periods. They are kept in a keptByMark.
type headlinesKey struct {
	now, before [2]time.Time
}
