package eventlog

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// ReadXES reads an XES log (IEEE 1849), plain or gzip-compressed (told by the content), as a
// stream: a small buffer of XML is held at a time. It keeps from each event concept:name,
// time:timestamp, org:resource, org:role and lifecycle:transition, and from each trace its
// concept:name (the case id) and its other attributes (as text); everything else — other
// extensions' keys, globals, classifiers, nested attributes, event attributes of other keys —
// is skipped. Limits bound the events, the element depth and the size of one tag.
func ReadXES(r io.Reader, lim Limits) (*Log, error) {
	src, err := newSource(r)
	if err != nil {
		err.(*Error).Format = FormatXES
		return nil, err
	}
	defer src.close()
	p := xesParser{
		sc:  xmlScanner{src: src, lim: lim.withDefaults(), buf: make([]byte, 0, 256<<10)},
		in:  interner{},
		log: &Log{},
	}
	if err := p.run(); err != nil {
		return nil, err
	}
	return p.log, nil
}

// xes element kinds, by where they stand.
const (
	kOther = iota
	kLog
	kTrace
	kEvent
)

type xesParser struct {
	sc    xmlScanner
	in    interner
	log   *Log
	stack []xesFrame
	trace *Trace
	event Event
	// slab holds the events of the traces read so far, back to back: a trace's Events is a
	// slice of it, so a million events take a few allocations, not one per trace and growth.
	slab       []Event
	traceStart int // index in slab of the current trace's first event
}

const slabEvents = 32 << 10

// addEvent appends the current event to the current trace's run in the slab.
func (p *xesParser) addEvent() {
	if len(p.slab) == cap(p.slab) {
		n := len(p.slab) - p.traceStart
		size := slabEvents
		if 2*n > size {
			size = 2 * n
		}
		ns := make([]Event, n, size)
		copy(ns, p.slab[p.traceStart:])
		p.slab, p.traceStart = ns, 0
	}
	p.slab = append(p.slab, p.event)
}

type xesFrame struct {
	name string
	kind int
}

// attrElements are the XES attribute types.
func isAttrElement(name string) bool {
	switch name {
	case "string", "date", "int", "float", "boolean", "id", "list", "container":
		return true
	}
	return false
}

func (p *xesParser) errorf(field, format string, a ...any) error {
	return p.sc.errorAt(p.sc.tagStart, field, fmt.Sprintf(format, a...), nil)
}

func (p *xesParser) run() error {
	sc := &p.sc
	for {
		tag, err := sc.next()
		if err == io.EOF {
			if len(p.stack) > 0 {
				return sc.errorAt(sc.tagStart, "", fmt.Sprintf("file ends inside <%s> (element not closed)", p.stack[len(p.stack)-1].name), io.ErrUnexpectedEOF)
			}
			if p.log.Traces == nil && !sc.sawRoot {
				return sc.errorAt(0, "", "no <log> element: not an XES file", nil)
			}
			return nil
		}
		if err != nil {
			return err
		}
		name := p.elementName(tag.name)
		if tag.end {
			if len(p.stack) == 0 || p.stack[len(p.stack)-1].name != name {
				return p.errorf("", "unexpected </%s>", name)
			}
			if err := p.endElement(); err != nil {
				return err
			}
			continue
		}
		if len(p.stack) >= sc.lim.MaxDepth {
			return sc.errorAt(sc.tagStart, "", fmt.Sprintf("elements nested deeper than %d: refused (limit MaxDepth)", sc.lim.MaxDepth), ErrLimit)
		}
		if err := p.startElement(name, tag); err != nil {
			return err
		}
		if tag.selfClosing {
			if err := p.endElement(); err != nil {
				return err
			}
		}
	}
}

// elementName is the element's local name, as a constant string for the names XES uses (no
// lookup, no allocation) and interned for others.
func (p *xesParser) elementName(b []byte) string {
	switch string(b) {
	case "event":
		return "event"
	case "string":
		return "string"
	case "date":
		return "date"
	case "trace":
		return "trace"
	case "int":
		return "int"
	case "float":
		return "float"
	case "boolean":
		return "boolean"
	case "id":
		return "id"
	case "log":
		return "log"
	}
	return p.in.bytes(localName(b))
}

func localName(b []byte) []byte {
	if i := bytes.LastIndexByte(b, ':'); i >= 0 {
		return b[i+1:]
	}
	return b
}

func (p *xesParser) startElement(name string, tag *xmlTag) error {
	parent := kOther
	if len(p.stack) == 0 {
		if p.sc.sawRoot {
			return p.errorf("", "a second root element <%s> after </log>", name)
		}
		if name != "log" {
			return p.errorf("", "the root element is <%s>, not <log>: not an XES file", name)
		}
		p.sc.sawRoot = true
		p.log.Attrs = map[string]string{}
		p.stack = append(p.stack, xesFrame{name, kLog})
		return nil
	}
	parent = p.stack[len(p.stack)-1].kind
	kind := kOther
	switch parent {
	case kLog:
		if name == "trace" {
			if len(p.log.Traces) >= p.sc.lim.MaxEvents {
				return p.sc.errorAt(p.sc.tagStart, "", fmt.Sprintf("more than %d traces: refused (limit MaxEvents)", p.sc.lim.MaxEvents), ErrLimit)
			}
			p.log.Traces = append(p.log.Traces, Trace{})
			p.trace = &p.log.Traces[len(p.log.Traces)-1]
			p.traceStart = len(p.slab)
			kind = kTrace
		} else if isAttrElement(name) && tag.key != nil {
			p.log.Attrs[p.in.bytes(tag.key)] = p.in.bytes(tag.value)
		}
	case kTrace:
		if name == "event" {
			p.event = Event{}
			kind = kEvent
		} else if isAttrElement(name) && tag.key != nil {
			if string(tag.key) == "concept:name" {
				p.trace.Case = string(tag.value)
			} else {
				if p.trace.Attrs == nil {
					p.trace.Attrs = map[string]string{}
				}
				p.trace.Attrs[p.in.bytes(tag.key)] = p.in.bytes(tag.value)
			}
		}
	case kEvent:
		if isAttrElement(name) && tag.key != nil {
			if err := p.eventAttr(tag.key, tag.value); err != nil {
				return err
			}
		}
	}
	p.stack = append(p.stack, xesFrame{name, kind})
	return nil
}

func (p *xesParser) eventAttr(key, value []byte) error {
	switch string(key) {
	case "concept:name":
		p.event.Activity = p.in.bytes(value)
	case "time:timestamp":
		t, err := parseTime(value)
		if err != nil {
			return p.errorf("time:timestamp", "%q is not an xs:dateTime (like 2024-03-01T10:15:00.000+01:00)", truncate(value))
		}
		p.event.Time = t
	case "org:resource":
		p.event.Resource = p.in.bytes(value)
	case "org:role":
		p.event.Role = p.in.bytes(value)
	case "lifecycle:transition":
		if len(value) == 0 {
			p.event.Lifecycle = "" // as if absent (as an empty CSV cell)
			return nil
		}
		if string(value) == "complete" {
			p.event.Lifecycle = "complete"
		} else if hasUpper(value) {
			p.event.Lifecycle = p.in.str(strings.ToLower(string(value)))
		} else {
			p.event.Lifecycle = p.in.bytes(value)
		}
		p.log.HasLifecycle = true
	}
	return nil
}

func hasUpper(b []byte) bool {
	for _, c := range b {
		if c >= 'A' && c <= 'Z' {
			return true
		}
	}
	return false
}

func truncate(b []byte) string {
	if len(b) > 64 {
		return string(b[:64]) + "…"
	}
	return string(b)
}

func (p *xesParser) endElement() error {
	top := p.stack[len(p.stack)-1]
	p.stack = p.stack[:len(p.stack)-1]
	switch top.kind {
	case kEvent:
		if p.log.Events >= p.sc.lim.MaxEvents {
			return p.sc.errorAt(p.sc.tagStart, "", fmt.Sprintf("more than %d events: refused (limit MaxEvents)", p.sc.lim.MaxEvents), ErrLimit)
		}
		p.addEvent()
		p.log.Events++
	case kTrace:
		if n := len(p.slab) - p.traceStart; n > 0 {
			p.trace.Events = p.slab[p.traceStart:len(p.slab):len(p.slab)]
		}
		p.trace = nil
	}
	return nil
}
