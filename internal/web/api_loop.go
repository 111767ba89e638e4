package web

import (
	"github.com/fresco-cx/fresco/internal/loop"
	"github.com/fresco-cx/fresco/internal/notify"
)

// closedLoop returns the notifier and the loop: from Deps, or made over the
// database when Deps has none (tests; enqueued work is then done by
// whichever process runs the job queue). Other capabilities' routes that
// notify people (service recovery) call it too.
func (s *Server) closedLoop() (*notify.Notifier, *loop.Loop) {
	if s.notifier == nil {
		s.notifier = notify.New(s.db, notify.Options{Logger: s.log, Now: s.now})
	}
	if s.loop == nil {
		s.loop = loop.New(s.db, s.notifier, loop.Options{Logger: s.log, Now: s.now})
	}
	return s.notifier, s.loop
}
