package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/processlog"
)

// Process event logs (package processlog): imported XES and CSV logs,
// stored whole.

// maxEventLogBytes is the largest file POST /event-logs takes; a bigger
// log is mined from its file with the CLI.
const maxEventLogBytes = 64 << 20

// EventLog is a stored event log.
type EventLog struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Source     string     `json:"source" doc:"The file name it was read from."`
	Format     string     `json:"format" enum:"xes,csv"`
	Cases      int        `json:"cases"`
	Events     int        `json:"events"`
	Activities int        `json:"activities" doc:"Distinct activity names."`
	Start      *time.Time `json:"start" doc:"The earliest event time; null when no event had one."`
	End        *time.Time `json:"end" doc:"The latest event time."`
	ImportedBy string     `json:"imported_by" doc:"Who imported it: employee:12, token:3 or cli."`
	ImportedAt time.Time  `json:"imported_at"`
}

func eventLogOut(l *fresco.EventLog) EventLog {
	return EventLog{ID: l.ID, Name: l.Name, Source: l.Source, Format: l.Format, Cases: l.Cases, Events: l.Events,
		Activities: l.Activities, Start: l.StartsAt, End: l.EndsAt, ImportedBy: l.ImportedBy, ImportedAt: l.ImportedAt}
}

type eventLogImportInput struct {
	Name        string `query:"name" doc:"The log's name (unique); omitted: the uploaded file's name."`
	Format      string `query:"format" doc:"xes or csv; omitted: what the uploaded file's name says (.xes, .xes.gz, .csv)."`
	Case        string `query:"case" doc:"CSV: the column holding the case id."`
	Activity    string `query:"activity" doc:"CSV: the column holding the activity."`
	Time        string `query:"time" doc:"CSV: the column holding the timestamp."`
	Resource    string `query:"resource" doc:"CSV: the column holding who did it."`
	Role        string `query:"role" doc:"CSV: the column holding their role."`
	Lifecycle   string `query:"lifecycle" doc:"CSV: the column holding the lifecycle transition (start, complete)."`
	ContentType string `header:"Content-Type"`
	RawBody     []byte `contentType:"application/xml"`
}

func (s *Server) importEventLog(ctx context.Context, in *eventLogImportInput) (*Created[EventLog], error) {
	body, source, err := uploadedFile(in.ContentType, in.RawBody)
	if err != nil {
		return nil, err
	}
	l, err := s.processlog.Import(ctx, staffActor(ctx), processlog.ImportInput{Name: in.Name, Source: source, Format: in.Format,
		Columns: processlog.Columns{Case: in.Case, Activity: in.Activity, Time: in.Time, Resource: in.Resource, Role: in.Role,
			Lifecycle: in.Lifecycle},
		Body: body})
	if err != nil {
		return nil, err
	}
	return &Created[EventLog]{Location: fmt.Sprintf("%s/event-logs/%d", apiPrefix, l.ID), Body: eventLogOut(l)}, nil
}

// uploadedFile is the file in a multipart/form-data body (its first part
// with a file name, or the part named "file"), or the raw body itself.
func uploadedFile(contentType string, body []byte) (io.Reader, string, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" {
		return bytes.NewReader(body), "", nil
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return nil, "", invalidField("body", "%s", `the form holds no file: send it as the part "file"`)
		}
		if err != nil {
			return nil, "", invalidField("body", "the form is unreadable: %v", err)
		}
		if p.FileName() != "" || p.FormName() == "file" {
			return p, strings.TrimSpace(p.FileName()), nil
		}
	}
}

func (s *Server) listEventLogs(ctx context.Context, _ *struct{}) (*itemsBody[EventLog], error) {
	list, err := s.processlog.List(ctx, staffActor(ctx))
	if err != nil {
		return nil, err
	}
	return items(list, func(l fresco.EventLog) EventLog { return eventLogOut(&l) }), nil
}

func (s *Server) getEventLog(ctx context.Context, in *IDParam) (*One[EventLog], error) {
	l, err := s.processlog.Get(ctx, staffActor(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &One[EventLog]{Body: eventLogOut(l)}, nil
}

func (s *Server) deleteEventLog(ctx context.Context, in *IDParam) (*struct{}, error) {
	return nil, s.processlog.Delete(ctx, staffActor(ctx), in.ID)
}
