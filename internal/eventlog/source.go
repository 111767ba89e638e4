package eventlog

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
)

// countingReader counts the bytes read through it (the compressed position of a gzip file).
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// source is the uncompressed bytes of a log file, gzip or not (told by its first two bytes,
// not by its name). A gzip stream is inflated on a goroutine of its own, a chunk ahead of the
// parser, so that reading a .gz log uses two cores.
type source struct {
	r       io.Reader
	gz      bool
	counter *countingReader
	async   *asyncReader
}

func newSource(r io.Reader) (*source, error) {
	counter := &countingReader{r: r}
	br := bufio.NewReaderSize(counter, 64<<10)
	magic, _ := br.Peek(2)
	if len(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		return &source{r: br, counter: counter}, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, &Error{Msg: fmt.Sprintf("gzip header unreadable: %v", err), Err: err}
	}
	a := newAsyncReader(zr, 256<<10, 4)
	return &source{r: a, gz: true, counter: counter, async: a}, nil
}

func (s *source) close() {
	if s.async != nil {
		s.async.close()
	}
}

// readErr turns an error met reading the stream into an *Error when the file is at fault
// (a truncated or corrupt gzip stream), naming where it broke; other errors pass unchanged.
func (s *source) readErr(f Format, line int, offset int64, err error) error {
	if !s.gz {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return &Error{Format: f, Line: line, Offset: offset, Msg: fmt.Sprintf("file ends unexpectedly at byte %d", offset), Err: err}
		}
		return err
	}
	var corrupt flate.CorruptInputError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &Error{Format: f, Line: line, Offset: offset, Err: err,
			Msg: fmt.Sprintf("gzip stream truncated: it ends after %d compressed bytes, at uncompressed byte %d", s.counter.n.Load(), offset)}
	case errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader), errors.As(err, &corrupt):
		return &Error{Format: f, Line: line, Offset: offset, Err: err,
			Msg: fmt.Sprintf("gzip data corrupt near compressed byte %d (uncompressed byte %d): %v", s.counter.n.Load(), offset, err)}
	}
	return err
}

// asyncReader reads its source on a goroutine into a few buffers, so the reading (here:
// inflating) overlaps with the caller's work on the previous buffer.
type asyncReader struct {
	full chan asyncChunk
	free chan []byte
	done chan struct{}
	cur  []byte // unread part of buf
	buf  []byte
	err  error
}

type asyncChunk struct {
	b   []byte
	err error
}

func newAsyncReader(r io.Reader, size, count int) *asyncReader {
	a := &asyncReader{full: make(chan asyncChunk, count), free: make(chan []byte, count), done: make(chan struct{})}
	for i := 0; i < count; i++ {
		a.free <- make([]byte, size)
	}
	go a.run(r)
	return a
}

func (a *asyncReader) run(r io.Reader) {
	for {
		var buf []byte
		select {
		case buf = <-a.free:
		case <-a.done:
			return
		}
		n := 0
		var err error
		for n < len(buf) && err == nil {
			var m int
			m, err = r.Read(buf[n:])
			n += m
		}
		select {
		case a.full <- asyncChunk{buf[:n], err}:
		case <-a.done:
			return
		}
		if err != nil {
			return
		}
	}
}

func (a *asyncReader) Read(p []byte) (int, error) {
	for len(a.cur) == 0 {
		if a.err != nil {
			return 0, a.err
		}
		if a.buf != nil {
			a.free <- a.buf[:cap(a.buf)]
			a.buf = nil
		}
		c := <-a.full
		a.buf, a.cur, a.err = c.b, c.b, c.err
	}
	n := copy(p, a.cur)
	a.cur = a.cur[n:]
	return n, nil
}

func (a *asyncReader) close() {
	select {
	case <-a.done:
	default:
		close(a.done)
	}
}
