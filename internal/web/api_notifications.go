package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/fresco-cx/fresco/internal/auth"
)

// Notification is a message to the caller.
type Notification struct {
	ID        int64      `json:"id"`
	Event     string     `json:"event"`
	Subject   string     `json:"subject"`
	Body      string     `json:"body"`
	Link      string     `json:"link"`
	Data      any        `json:"data"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at"`
}

// NotificationList is the caller's latest notifications.
type NotificationList struct {
	Items  []Notification `json:"items"`
	Unread int            `json:"unread"`
}

func (s *Server) listNotifications(ctx context.Context, in *struct {
	Limit int `query:"limit" minimum:"0" maximum:"200" default:"50"`
}) (*One[NotificationList], error) {
	p := principal(ctx)
	if p.Employee == nil {
		return nil, invalidField("", "notifications belong to employees: log in rather than use an API token")
	}
	list, err := s.db.RecentNotifications(ctx, p.Employee.ID, in.Limit)
	if err != nil {
		return nil, err
	}
	unread, err := s.db.UnreadNotifications(ctx, p.Employee.ID)
	if err != nil {
		return nil, err
	}
	out := NotificationList{Items: make([]Notification, len(list)), Unread: unread}
	for i, n := range list {
		out.Items[i] = Notification{ID: n.ID, Event: n.Event, Subject: n.Subject, Body: n.Body, Link: n.Link,
			Data: n.Data, CreatedAt: n.CreatedAt, ReadAt: n.ReadAt}
	}
	return &One[NotificationList]{Body: out}, nil
}

func (s *Server) readNotifications(ctx context.Context, in *struct {
	Body struct {
		UpToID int64 `json:"up_to_id,omitempty" minimum:"0" doc:"Mark up to and including this id; 0 or absent: all."`
	}
}) (*struct{}, error) {
	p := principal(ctx)
	if p.Employee == nil {
		return nil, invalidField("", "notifications belong to employees: log in rather than use an API token")
	}
	return nil, s.db.MarkNotificationsRead(ctx, p.Employee.ID, in.Body.UpToID)
}

// handleEventStream is GET /api/v1/events/stream: the caller's notifications
// as server-sent events. An employee (session or not) gets their own; an API
// token of an owner or manager gets everybody's.
func (s *Server) handleEventStream(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.PrincipalFrom(r.Context())
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="fresco"`)
		writeProblem(w, r, http.StatusUnauthorized, "authentication required: send Authorization: Bearer <token>, or log in", nil)
		return
	}
	var employeeID int64
	switch {
	case p.Employee != nil:
		employeeID = p.Employee.ID
	case p.Can(auth.ManageEmployees):
		employeeID = 0
	default:
		writeProblem(w, r, http.StatusForbidden, "the event stream carries employees' notifications: log in, or use an owner or manager token", nil)
		return
	}
	var last int64
	if h := r.Header.Get("Last-Event-ID"); h != "" {
		last, _ = strconv.ParseInt(h, 10, 64)
	}
	s.notifier.Hub().ServeStream(w, r, employeeID, last)
}
