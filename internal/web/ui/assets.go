package ui

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// Static files are embedded and served under /static/. Templates link them
// through the asset function, which adds the first hex digits of the file's
// SHA-256 as ?v=…; a request carrying the current version is cacheable for a
// year (immutable), any other request must revalidate by ETag. A new build
// therefore changes every URL whose file changed and nothing else.

// StaticPrefix is where the static files are served.
const StaticPrefix = "/static/"

type asset struct {
	body    []byte
	gzipped []byte // body gzip-compressed, for text files; nil otherwise
	version string // first 12 hex digits of the SHA-256
	ctype   string
}

type assets struct {
	files   map[string]*asset // by path under static/, e.g. "app.css"
	modTime time.Time
}

// embeddedAssets indexes (and compresses) the embedded files once per
// process: they cannot change while it runs.
var embeddedAssets = sync.OnceValues(func() (*assets, error) {
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	return newAssets(static)
})

func newAssets(static fs.FS) (*assets, error) {
	a := &assets{files: map[string]*asset{}, modTime: time.Now()}
	err := fs.WalkDir(static, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(static, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ctype := mime.TypeByExtension(path.Ext(p))
		switch path.Ext(p) {
		case ".md", ".txt":
			ctype = "text/plain; charset=utf-8"
		case ".js":
			ctype = "text/javascript; charset=utf-8"
		case ".css":
			ctype = "text/css; charset=utf-8"
		}
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		f := &asset{body: body, version: hex.EncodeToString(sum[:])[:12], ctype: ctype}
		if strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "svg") {
			// Compressed once at start-up: ECharts goes from about 1.1 MB
			// to about 0.37 MB on the wire.
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			zw.Write(body)
			zw.Close()
			if buf.Len() < len(body) {
				f.gzipped = buf.Bytes()
			}
		}
		a.files[p] = f
		return nil
	})
	return a, err
}

// url returns the versioned URL of a static file. An unknown name is a
// programming error in a template; it panics at parse-time tests.
func (a *assets) url(name string) string {
	f, ok := a.files[name]
	if !ok {
		panic("ui: unknown static file " + name)
	}
	return StaticPrefix + name + "?v=" + f.version
}

// Static serves the embedded static files under /static/.
func (u *UI) Static(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, StaticPrefix)
	f, ok := u.assets.files[name]
	if !ok || name == "" {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	body, etag := f.body, `"`+f.version+`"`
	if f.gzipped != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			body, etag = f.gzipped, `"`+f.version+`-gz"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	h.Set("Content-Type", f.ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	if r.URL.Query().Get("v") == f.version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, "", u.assets.modTime, bytes.NewReader(body))
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") && strings.ReplaceAll(params, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// StaticURL returns the versioned URL of an embedded static file, for pages
// rendered outside this package (the API reference, internal/web/docs.go).
func StaticURL(name string) (string, error) {
	a, err := embeddedAssets()
	if err != nil {
		return "", err
	}
	if _, ok := a.files[name]; !ok {
		return "", fmt.Errorf("ui: unknown static file %s", name)
	}
	return a.url(name), nil
}
