package notifytest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
)

// Read parses the message: its header, and its plain-text and HTML parts
// decoded (multipart/alternative or a single part, quoted-printable or
// base64), so tests read what a mail client shows.
func (m Message) Read() (header mail.Header, text, html string, err error) {
	msg, err := mail.ReadMessage(strings.NewReader(m.Data))
	if err != nil {
		return nil, "", "", err
	}
	parts := map[string]string{}
	if err := readPart(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, parts); err != nil {
		return nil, "", "", err
	}
	return msg.Header, parts["text/plain"], parts["text/html"], nil
}

func readPart(contentType, encoding string, body io.Reader, into map[string]string) error {
	media, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("content type %q: %w", contentType, err)
	}
	if strings.HasPrefix(media, "multipart/") {
		r := multipart.NewReader(body, params["boundary"])
		for {
			p, err := r.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := readPart(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, into); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	var b bytes.Buffer
	if _, err := io.Copy(&b, body); err != nil {
		return err
	}
	into[media] = strings.ReplaceAll(b.String(), "\r\n", "\n")
	return nil
}
