package notify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// Webhook URLs are given by owners and managers, but the server posts to
// them from inside the business's network. With Options.RefusePrivateHosts
// a subscription may not point at loopback, private, link-local (cloud
// metadata) or otherwise internal addresses: the URL is checked when the
// subscription is made, and every address is checked again when a delivery
// dials, after DNS, so a name that later resolves inward is refused too.

// errPrivateHost is why a delivery to an internal address was not made.
var errPrivateHost = errors.New("refused: the address is loopback, private or link-local (start fresco with --webhook-private to allow receivers inside your network)")

// internalAddr reports whether a is not a public unicast address.
func internalAddr(a netip.Addr) bool {
	a = a.Unmap()
	return !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() ||
		a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast() || a.IsMulticast() ||
		a.IsUnspecified() || cgnat.Contains(a)
}

// cgnat is the shared address space of carrier-grade NAT (RFC 6598), which
// netip does not count as private.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// privateHostProblem says why a subscription URL's host is internal, or "".
// Names are resolved only at delivery; here only literal addresses and the
// names that always mean this machine are refused.
func privateHostProblem(u *url.URL) string {
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return "must not point at this machine (localhost)"
	}
	if a, err := netip.ParseAddr(host); err == nil && internalAddr(a) {
		return fmt.Sprintf("must not point at an internal address (%s); receivers inside your network need --webhook-private", a)
	}
	return ""
}

// publicOnlyDialer dials only public addresses, except the proxies the
// environment names (a proxy inside the network is the usual way out).
type publicOnlyDialer struct {
	dialer   net.Dialer
	resolver *net.Resolver
	proxies  map[string]bool // host:port of HTTP(S)_PROXY
}

func newPublicOnlyDialer() *publicOnlyDialer {
	d := &publicOnlyDialer{resolver: net.DefaultResolver, proxies: map[string]bool{}}
	for _, target := range []string{"http://example.com", "https://example.com"} {
		req, _ := http.NewRequest(http.MethodPost, target, nil)
		if p, err := http.ProxyFromEnvironment(req); err == nil && p != nil {
			d.proxies[canonicalHostPort(p)] = true
		}
	}
	return d
}

func canonicalHostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"https": "443", "socks5": "1080"}[u.Scheme]
		if port == "" {
			port = "80"
		}
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// DialContext resolves addr itself and dials the first public address it
// checked, so the answer that was checked is the one connected to.
func (d *publicOnlyDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if d.proxies[addr] {
		return d.dialer.DialContext(ctx, network, addr)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	addrs, err := d.resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, err
	}
	var lastErr error = errPrivateHost
	for _, a := range addrs {
		if internalAddr(a) {
			continue
		}
		conn, err := d.dialer.DialContext(ctx, network, net.JoinHostPort(a.Unmap().String(), port))
		if err == nil {
			return conn, nil
		}
		lastErr = err
	}
	return nil, fmt.Errorf("%s: %w", host, lastErr)
}
