package eventlog

import (
	"errors"
	"fmt"
)

// Error is bad input in a log file: where it is and what is wrong. Line is 1-based (0 when
// unknown); Offset is the byte offset in the uncompressed file; Field names the XES key or
// CSV column concerned, when there is one.
type Error struct {
	Format Format
	Line   int
	Offset int64
	Field  string
	Msg    string
	Err    error // the underlying error, if any (e.g. io.ErrUnexpectedEOF for a truncated gzip)
}

func (e *Error) Error() string {
	s := string(e.Format)
	if e.Line > 0 {
		s += fmt.Sprintf(": line %d", e.Line)
	}
	if e.Field != "" {
		s += fmt.Sprintf(": %s", e.Field)
	}
	return s + ": " + e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// ErrLimit is wrapped by every *Error that reports a Limits bound being passed.
var ErrLimit = errors.New("limit exceeded")

// IsInputError reports whether err is bad input (an *Error) rather than an I/O failure.
func IsInputError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}
