// Package process tests Fresco as operators run it: the fresco binary,
// built once per test run, serving as subprocesses on a real database, and
// killed with SIGKILL — no deferred function, no shutdown hook, exactly as
// after kill -9, an OOM kill or a lost container.
package process

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/secret"
)

var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// frescoBinary returns the path of the fresco binary, building it on first use.
func frescoBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "fresco-process-test")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "fresco")
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/fresco-cx/fresco/cmd/fresco").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// createToken makes an owner's API token with `fresco token create`, which
// also migrates the database.
func createToken(t *testing.T, bin, db string) string {
	t.Helper()
	cmd := exec.Command(bin, "token", "create", "--name", "process-test", "--role", "owner", "--db", db)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("fresco token create: %v\n%s", err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// secretKey seals the stored secrets of every database these tests create.
var secretKey = secret.NewKey()

// server is one `fresco serve` process.
type server struct {
	t    *testing.T
	name string
	cmd  *exec.Cmd
	URL  string
	logs *syncBuffer
	done chan struct{} // closed when the process has exited and been reaped
}

// startServer starts `fresco serve` on a free port of 127.0.0.1 and waits
// until it listens. It is killed when the test ends, if it is still alive.
func startServer(t *testing.T, bin, name, db string, flags ...string) *server {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--log-format", "json",
		"--webhook-private", "--log-level", "info"}, flags...)...)
	// Every replica and restart of one database must share its secret key.
	cmd.Env = append(os.Environ(), "FRESCO_SECRET_KEY="+secretKey)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, name: name, cmd: cmd, logs: &syncBuffer{}, done: make(chan struct{})}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Bytes()
			s.logs.Write(append(line, '\n'))
			var rec struct{ Msg, URL string }
			if json.Unmarshal(line, &rec) == nil && rec.Msg == "fresco is serving" {
				select {
				case ready <- rec.URL:
				default:
				}
			}
		}
		cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		s.kill()
		if t.Failed() {
			t.Logf("%s's log:\n%s", name, s.logs.String())
		}
	})
	select {
	case s.URL = <-ready:
	case <-s.done:
		t.Fatalf("%s exited before serving:\n%s", name, s.logs.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not start serving within 30s:\n%s", name, s.logs.String())
	}
	return s
}

// kill sends SIGKILL and waits until the process is gone.
func (s *server) kill() {
	s.cmd.Process.Kill()
	<-s.done
}

// call makes an API request with the token and decodes a JSON answer into
// out (when not nil). It returns the response with its body read.
func (s *server) call(token, method, path string, body any, header http.Header, out any) (*http.Response, []byte, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return nil, nil, err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		return nil, nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return res, nil, err
	}
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(data, out); err != nil {
			return res, data, fmt.Errorf("%s %s: %v: %s", method, path, err, data)
		}
	}
	return res, data, nil
}

// must is call for a request that has to succeed with status want.
func (s *server) must(token, method, path string, body any, want int, out any) {
	s.t.Helper()
	res, data, err := s.call(token, method, path, body, nil, out)
	if err != nil {
		s.t.Fatalf("%s: %s %s: %v", s.name, method, path, err)
	}
	if res.StatusCode != want {
		s.t.Fatalf("%s: %s %s: %d, want %d: %s", s.name, method, path, res.StatusCode, want, data)
	}
}

// post is must for a creation from a goroutine other than the test's: it
// reports an answer other than 201 with Errorf, and returns whether it was 201.
func (s *server) post(token, path string, body any) bool {
	res, data, err := s.call(token, "POST", path, body, nil, nil)
	if err != nil || res.StatusCode != http.StatusCreated {
		s.t.Errorf("%s: POST %s: %v %s, want 201", s.name, path, err, data)
		return false
	}
	return true
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s; still %s", timeout, what, state)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
