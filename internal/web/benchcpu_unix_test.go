//go:build unix

package web_test

import (
	"syscall"
	"time"
)

// processCPU is the process's CPU time so far (user + system), as fresco
// bench pages reports it: a figure the machine's load barely changes.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
