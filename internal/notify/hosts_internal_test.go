package notify

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"sync/atomic"
	"testing"
)

type oneName struct {
	name string
	addr netip.Addr
}

func (r oneName) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if host == r.name {
		return []netip.Addr{r.addr}, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// CountingListener counts the connections made to a local port; the
// tests of package notify_test use it too.
type CountingListener struct {
	net.Listener
	Conns atomic.Int64
}

// ListenCounting listens on a free port of 127.0.0.1 until the test ends.
func ListenCounting(t *testing.T) *CountingListener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := &CountingListener{Listener: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			l.Conns.Add(1)
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return l
}

// A delivery through a proxy is checked before it is handed over: the proxy
// would connect to the internal host itself.
func TestProxiedDeliveriesAreChecked(t *testing.T) {
	t.Parallel()
	ln := ListenCounting(t)
	proxy := &url.URL{Scheme: "http", Host: ln.Addr().String()}
	d := newPublicOnlyDialer(oneName{"hooks.example.com", netip.MustParseAddr("93.184.216.34")})
	d.proxies[proxy.Host] = true
	transport := &http.Transport{Proxy: http.ProxyURL(proxy)}
	d.install(transport)
	client := &http.Client{Transport: transport}

	for _, tc := range []struct {
		target  string
		refused bool
	}{
		{"http://127.1/", true},
		{"http://[64:ff9b::7f00:1]/", true},
		{"http://internal.example/", false}, // unresolvable here, perhaps not for the proxy
		{"http://hooks.example.com/", false},
	} {
		_, err := client.Post(tc.target, "application/json", nil)
		if errors.Is(err, errPrivateHost) != tc.refused {
			t.Errorf("%s: %v, want refused = %v", tc.target, err, tc.refused)
		}
	}
	if n := ln.Conns.Load(); n != 2 {
		t.Errorf("the proxy got %d connections, want 2 (the targets that are not refused)", n)
	}
}

// inetAton reads numbers as inet_aton(3) does, and calls every name that
// ends in a number numeric.
func TestInetAton(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want string // want "" : numeric but invalid; "-": not numeric
	}{
		{"2130706433", "127.0.0.1"}, {"0x7f000001", "127.0.0.1"}, {"0177.0.0.1", "127.0.0.1"},
		{"127.1", "127.0.0.1"}, {"0x7f.1", "127.0.0.1"}, {"127.0.1", "127.0.0.1"}, {"1.2.3", "1.2.0.3"},
		{"1.256", "1.0.1.0"}, {"0", "0.0.0.0"}, {"0x", "0.0.0.0"}, {"4294967295", "255.255.255.255"},
		{"017700000001", "127.0.0.1"}, {"1.2.3.4", "1.2.3.4"},
		{"4294967296", ""}, {"256.1", ""}, {"1.2.3.256", ""}, {"08", ""}, {"0x1g", "-"}, {"1..1", ""},
		{"1.2.3.4.5", ""}, {"example.1", ""},
		{"example.com", "-"}, {"1e5", "-"}, {"1.2.3.x", "-"},
	} {
		a, numeric, err := inetAton(tc.in)
		got := "-"
		switch {
		case numeric && err != nil:
			got = ""
		case numeric:
			got = a.String()
		}
		if got != tc.want {
			t.Errorf("inetAton(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
