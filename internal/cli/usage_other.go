//go:build !unix

package cli

import "time"

// processUsage is unknown here: fresco bench reports wall time only.
func processUsage() (time.Duration, float64) { return 0, 0 }
