package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Event is a notification as live streams carry it.
type Event struct {
	ID         int64           `json:"id"`
	EmployeeID int64           `json:"employee_id"`
	Event      string          `json:"event"`
	Subject    string          `json:"subject"`
	Body       string          `json:"body"`
	Link       string          `json:"link"`
	Data       json.RawMessage `json:"data"`
	CreatedAt  time.Time       `json:"created_at"`
}

func eventOf(n *fresco.Notification) Event {
	e := Event{ID: n.ID, Event: n.Event, Subject: n.Subject, Body: n.Body, Link: n.Link, Data: n.Data, CreatedAt: n.CreatedAt}
	if n.EmployeeID != nil {
		e.EmployeeID = *n.EmployeeID
	}
	return e
}

// Hub fans notifications out to live subscribers by employee id.
//
// It reads them from the notifications table rather than from memory, so a
// notification made by any replica reaches browsers connected to any other:
// while somebody listens, the hub looks for new rows every poll interval and
// at once when poked (Notifier.Wake). Because PostgreSQL may commit ids out
// of order, it re-reads a window of recent ids and skips those it has sent.
type Hub struct {
	db        *store.DB
	poll      time.Duration
	heartbeat time.Duration
	log       *slog.Logger

	mu      sync.Mutex
	subs    map[*Subscription]struct{}
	running bool
	closed  bool
	done    chan struct{}
	poke    chan struct{}
}

// lookBack is how many ids below the highest seen are read again, for
// transactions that committed after a later id (PostgreSQL).
const lookBack = 256

func newHub(db *store.DB, poll, heartbeat time.Duration, log *slog.Logger) *Hub {
	return &Hub{db: db, poll: poll, heartbeat: heartbeat, log: log,
		subs: map[*Subscription]struct{}{}, done: make(chan struct{}), poke: make(chan struct{}, 1)}
}

// Subscription receives the events of one employee (or all, for id 0).
type Subscription struct {
	C          <-chan Event
	c          chan Event
	employeeID int64
	hub        *Hub
	once       sync.Once
}

// Subscribe starts receiving events for employeeID (0: every employee).
// Events are dropped for a subscriber that does not keep up (64 buffered);
// clients catch up with Last-Event-ID when they reconnect.
func (h *Hub) Subscribe(ctx context.Context, employeeID int64) (*Subscription, error) {
	c := make(chan Event, 64)
	s := &Subscription{C: c, c: c, employeeID: employeeID, hub: h}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, fmt.Errorf("notify: hub is closed")
	}
	h.subs[s] = struct{}{}
	if !h.running {
		last, err := h.db.LatestNotificationID(ctx)
		if err != nil {
			delete(h.subs, s)
			return nil, err
		}
		h.running = true
		go h.run(last)
	}
	return s, nil
}

// Close stops the subscription.
func (s *Subscription) Close() {
	s.once.Do(func() {
		s.hub.mu.Lock()
		delete(s.hub.subs, s)
		s.hub.mu.Unlock()
	})
}

// Poke makes the hub look for new notifications now.
func (h *Hub) Poke() {
	select {
	case h.poke <- struct{}{}:
	default:
	}
}

// Close ends every stream (call it when the server shuts down, so that
// open streams do not hold the shutdown up).
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		close(h.done)
	}
}

// Done is closed when the hub closes: other live streams end with it.
func (h *Hub) Done() <-chan struct{} { return h.done }

// Subscribers counts the open subscriptions.
func (h *Hub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

func (h *Hub) run(last int64) {
	start := last // everything up to here was committed before anyone listened
	sent := map[int64]bool{}
	ticker := time.NewTicker(h.poll)
	defer ticker.Stop()
	for {
		select {
		case <-h.done:
			h.mu.Lock()
			h.running = false
			h.mu.Unlock()
			return
		case <-ticker.C:
		case <-h.poke:
		}
		h.mu.Lock()
		if len(h.subs) == 0 {
			h.running = false
			h.mu.Unlock()
			return
		}
		h.mu.Unlock()

		floor := last
		if h.db.Dialect() == store.Postgres {
			floor = max(start, last-lookBack)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		list, err := h.db.NotificationsAfter(ctx, 0, floor, 1000)
		cancel()
		if err != nil {
			h.log.Warn("live notifications: poll", "err", err)
			continue
		}
		for _, n := range list {
			if sent[n.ID] {
				continue
			}
			sent[n.ID] = true
			last = max(last, n.ID)
			h.dispatch(eventOf(n))
		}
		for id := range sent {
			if id <= last-lookBack {
				delete(sent, id)
			}
		}
	}
}

func (h *Hub) dispatch(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		if s.employeeID != 0 && s.employeeID != e.EmployeeID {
			continue
		}
		select {
		case s.c <- e:
		default: // slow subscriber: it catches up on reconnect
		}
	}
}

// ServeStream streams employeeID's notifications (0: everybody's) as
// server-sent events until the client goes away or the hub closes. Each
// event is "event: notification" with the id of the notification and an
// Event as JSON data; lastEventID > 0 (the Last-Event-ID header) first
// replays what the client missed.
func (h *Hub) ServeStream(w http.ResponseWriter, r *http.Request, employeeID, lastEventID int64) {
	rc := http.NewResponseController(w)
	sub, err := h.Subscribe(r.Context(), employeeID)
	if err != nil {
		http.Error(w, "live notifications are unavailable", http.StatusServiceUnavailable)
		return
	}
	defer sub.Close()
	rc.SetWriteDeadline(time.Time{}) // a stream outlives any server write timeout
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprintf(w, "retry: 3000\n\n")
	if err := rc.Flush(); err != nil {
		return
	}
	replayed := map[int64]bool{} // live events may repeat what the replay sent
	write := func(e Event) error {
		if replayed[e.ID] {
			return nil
		}
		b, err := json.Marshal(e)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "id: %d\nevent: notification\ndata: %s\n\n", e.ID, b); err != nil {
			return err
		}
		return rc.Flush()
	}
	if lastEventID > 0 {
		missed, err := h.db.NotificationsAfter(r.Context(), employeeID, lastEventID, 100)
		if err != nil {
			return
		}
		for _, n := range missed {
			if write(eventOf(n)) != nil {
				return
			}
			replayed[n.ID] = true
		}
	}
	heartbeat := time.NewTicker(h.heartbeat)
	defer heartbeat.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-h.done:
			return
		case e := <-sub.C:
			if write(e) != nil {
				return
			}
		case <-heartbeat.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return
			}
			if rc.Flush() != nil {
				return
			}
		}
	}
}
