//go:build unix

package cli

import (
	"runtime"
	"syscall"
	"time"
)

// processUsage is the process's CPU time so far (user + system) and its
// peak resident set in MB.
func processUsage() (time.Duration, float64) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0, 0
	}
	peak := float64(ru.Maxrss) / 1024 // KB on Linux
	if runtime.GOOS == "darwin" {
		peak /= 1024 // bytes there
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), peak
}
