package notify_test

import (
	"context"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// fakeDNS answers lookups from a map, so names can resolve to loopback
// without real DNS; other names do not exist.
type fakeDNS map[string][]string

func (f fakeDNS) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	answers, ok := f[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	var addrs []netip.Addr
	for _, a := range answers {
		addrs = append(addrs, netip.MustParseAddr(a))
	}
	return addrs, nil
}

var testDNS = fakeDNS{
	"hooks.example.com": {"93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"},
	"loopback.test":     {"127.0.0.1"},
	"mixed.test":        {"93.184.216.34", "10.0.0.7"}, // every address counts
	"mapped.test":       {"::ffff:169.254.169.254"},
	"nat64.test":        {"64:ff9b::7f00:1"},
	"compat.test":       {"::7f00:1"},
}

// internalHosts are the hosts of every form that reaches inside: as host
// or [IPv6] in a URL, with the port added for the dial test.
var internalHosts = []string{
	// The plain forms.
	"127.0.0.1", "localhost", "LOCALHOST.", "api.localhost", "[::1]", "10.1.2.3", "192.168.0.10",
	"169.254.169.254", "100.64.0.1", "0.0.0.0",
	// What inet_aton and getaddrinfo read as 127.0.0.1 or 0.0.0.0.
	"2130706433", "0x7f000001", "0X7F000001", "0177.0.0.1", "127.1", "127.0.1", "0x7f.1", "0",
	// IPv6 forms embedding an inward IPv4 address.
	"[::ffff:127.0.0.1]", "[::127.0.0.1]", "[::7f00:1]", "[64:ff9b::7f00:1]", "[64:ff9b::a9fe:a9fe]",
	"[64:ff9b:1::5db8:d822]", "[2002:7f00:1::1]", "[2001:0:5db8:d822::80ff:fffe]", "[2001:0:a00:1::a2b4:27dd]",
	// Full-width digits and full stops, normalised by UTS-46.
	"１２７．０．０．１", "１２７.0.0.1", "127。0。0。1",
	// Reserved ranges.
	"0.1.2.3", "192.0.0.8", "198.18.0.1", "198.19.255.1", "240.0.0.1", "255.255.255.255", "192.0.2.1",
	"198.51.100.1", "203.0.113.1", "224.0.0.1", "[2001:db8::1]", "[fec0::1]", "[100::1]", "[fe80::1%25eth0]",
	"[fd00::1]", "[ff02::1]", "[3fff::1]",
	// A number that is no address, and names resolving inward.
	"127.0.0.1.5", "loopback.test", "mixed.test", "mapped.test", "nat64.test", "compat.test",
}

func TestRefusePrivateHostsAtSubscription(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		strict := notify.New(db, notify.Options{RefusePrivateHosts: true, Resolver: testDNS})
		for _, host := range internalHosts {
			u := "http://" + host + "/hook"
			_, err := strict.CreateWebhook(ctx, notify.WebhookInput{URL: u, Events: []string{"*"}})
			fields := fresco.ErrorFields(err)
			if fresco.ErrorCode(err) != fresco.EINVALID || len(fields) != 1 || fields[0].Field != "url" ||
				!strings.Contains(fields[0].Message, "--webhook-private") {
				t.Errorf("%s: %v, want a url error", u, err)
			}
		}
		for _, u := range []string{
			"https://hooks.example.com/fresco", "http://93.184.216.34/hook", "http://1572395042/hook",
			"http://[2606:2800:220:1:248:1893:25c8:1946]/hook", "http://[64:ff9b::5db8:d822]/hook",
			"http://[2002:5db8:d822::1]/hook",
			// A name that does not resolve yet: the dial checks it again.
			"https://not-yet.example.org/hook",
		} {
			if _, err := strict.CreateWebhook(ctx, notify.WebhookInput{URL: u, Events: []string{"*"}}); err != nil {
				t.Errorf("%s refused: %v", u, err)
			}
		}
		// The zero value allows receivers inside the network.
		open := notify.New(db, notify.Options{})
		if _, err := open.CreateWebhook(ctx, notify.WebhookInput{URL: "http://127.0.0.1:8080/hook", Events: []string{"*"}}); err != nil {
			t.Errorf("without RefusePrivateHosts: %v", err)
		}
	})
}

// Subscriptions made while private hosts were allowed (or to a public name
// that now resolves inward) are refused when the delivery dials, whatever
// form the host takes, without retries, and nothing connects to the local
// listener their addresses lead to.
func TestRefusePrivateHostsAtDelivery(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ln := notify.ListenCounting(t)
		port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
		var hooks []*fresco.Webhook
		for _, host := range internalHosts {
			h, err := notify.New(db, notify.Options{}).CreateWebhook(ctx, notify.WebhookInput{
				URL: "http://" + host + ":" + port + "/hook", Events: []string{"*"}})
			if err != nil {
				t.Fatal(err)
			}
			hooks = append(hooks, h)
		}
		strict := notify.New(db, notify.Options{RefusePrivateHosts: true, WebhookAttempts: 5, Resolver: testDNS})
		startQueue(t, db, strict)
		if _, err := strict.Send(ctx, notify.Notification{Event: notify.EventComplaint}); err != nil {
			t.Fatal(err)
		}
		for _, h := range hooks {
			waitFor(t, "delivery to "+h.URL+" failed", func() bool {
				l, err := db.ListDeliveries(ctx, h.ID, 0, 10)
				return err == nil && len(l) == 1 && l[0].Status == fresco.DeliveryFailed
			})
			l, _ := db.ListDeliveries(ctx, h.ID, 0, 10)
			if l[0].Attempts != 1 || !strings.Contains(l[0].AttemptLog[0].Error, "--webhook-private") {
				t.Errorf("%s: %d attempts, log %+v; want one refused attempt", h.URL, l[0].Attempts, l[0].AttemptLog)
			}
		}
		if n := ln.Conns.Load(); n != 0 {
			t.Errorf("the local listener got %d connections", n)
		}
	})
}
