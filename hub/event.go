package hub

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/lookout-network/lookout"
)

// subscriberBuffer is how many events a subscriber may lag behind before it
// is dropped; it reconnects with Last-Event-ID and loses nothing.
const subscriberBuffer = 1024

// broker fans events out from the store to the connected subscribers. It
// reads each new event once, whatever the number of subscribers.
type broker struct {
	h      *Hub
	wake   chan struct{}
	mu     sync.Mutex
	subs   map[*Subscription]struct{}
	cursor int64 // last event fanned out
	ready  chan struct{}
}

// Subscription is one caller's live stream of events.
type Subscription struct {
	// C carries the caller's events in sequence order; it is closed when
	// the subscriber falls too far behind or unsubscribes.
	C chan *lookout.Event
	// Start is the last event sent before the subscription began: events
	// after it arrive on C.
	Start   int64
	agency  *lookout.Agency
	follows bool
	b       *broker
}

func newBroker(h *Hub) *broker {
	return &broker{h: h, wake: make(chan struct{}, 1), subs: map[*Subscription]struct{}{}, ready: make(chan struct{})}
}

// wakeEvents tells the broker and the webhooks that events were stored.
func (h *Hub) wakeEvents() {
	select {
	case h.broker.wake <- struct{}{}:
	default:
	}
	h.hooks.poke()
}

func (b *broker) run(ctx context.Context) {
	head, err := b.h.store.EventHead(ctx)
	if err != nil {
		b.h.log.Error("event head", "err", err)
	}
	b.mu.Lock()
	b.cursor = head
	b.mu.Unlock()
	close(b.ready)
	// The tick picks up events written by another process (a review run).
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			b.mu.Lock()
			for s := range b.subs {
				delete(b.subs, s)
				close(s.C)
			}
			b.mu.Unlock()
			return
		case <-b.wake:
		case <-t.C:
		}
		if err := b.fanOut(ctx); err != nil && ctx.Err() == nil {
			b.h.log.Error("fan out events", "err", err)
		}
	}
}

func (b *broker) fanOut(ctx context.Context) error {
	for {
		b.mu.Lock()
		after := b.cursor
		b.mu.Unlock()
		events, err := b.h.store.Events(ctx, lookout.EventFilter{After: after, Limit: 1000})
		if err != nil || len(events) == 0 {
			return err
		}
		b.mu.Lock()
		for _, e := range events {
			for s := range b.subs {
				if !e.For(s.agency, s.follows) {
					continue
				}
				select {
				case s.C <- e:
				default: // too slow: drop it rather than stall everyone
					delete(b.subs, s)
					close(s.C)
				}
			}
			b.cursor = e.Seq
		}
		b.mu.Unlock()
	}
}

// Subscribe starts the caller's live stream. Events after sub.Start come on
// sub.C; the caller replays older ones it missed with Events.
func (h *Hub) Subscribe(ctx context.Context) (*Subscription, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	b := h.broker
	select {
	case <-b.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	s := &Subscription{C: make(chan *lookout.Event, subscriberBuffer), agency: c.Agency, follows: c.Has(lookout.GrantHitsFollow), b: b}
	b.mu.Lock()
	s.Start = b.cursor
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	return s, nil
}

// Close ends the subscription.
func (s *Subscription) Close() {
	s.b.mu.Lock()
	if _, ok := s.b.subs[s]; ok {
		delete(s.b.subs, s)
		close(s.C)
	}
	s.b.mu.Unlock()
}

// Subscribers returns the number of live subscriptions.
func (h *Hub) Subscribers() int {
	h.broker.mu.Lock()
	defer h.broker.mu.Unlock()
	return len(h.broker.subs)
}

// Events returns the caller's events after seq, in order: those addressed
// to its agency and, if it follows hits, to its country.
func (h *Hub) Events(ctx context.Context, after int64, limit int) ([]*lookout.Event, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if after < 0 {
		return nil, lookout.FieldErrorf("Last-Event-ID", "event ID %d is negative", after)
	}
	f := lookout.EventFilter{After: after, AgencyID: c.Agency.ID, Limit: limit}
	if c.Has(lookout.GrantHitsFollow) {
		f.Country = c.Country()
	}
	return h.store.Events(ctx, f)
}

// webhooks delivers events to the registered endpoints, one worker per
// webhook, in order, retrying each event with exponential back-off until
// the endpoint answers 2xx.
type webhooks struct {
	h      *Hub
	wake   chan struct{}
	mu     sync.Mutex
	busy   map[int64]bool
	client *http.Client
	// Backoff is the first retry delay; it doubles up to MaxBackoff.
	Backoff, MaxBackoff time.Duration
}

func newWebhooks(h *Hub) *webhooks {
	return &webhooks{h: h, wake: make(chan struct{}, 1), busy: map[int64]bool{}, Backoff: time.Second, MaxBackoff: 10 * time.Minute,
		client: &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// SetWebhookBackoff sets the first retry delay of webhook deliveries and
// its ceiling.
func (h *Hub) SetWebhookBackoff(first, ceiling time.Duration) {
	h.hooks.mu.Lock()
	h.hooks.Backoff, h.hooks.MaxBackoff = first, ceiling
	h.hooks.mu.Unlock()
}

func (w *webhooks) poke() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *webhooks) run(ctx context.Context) {
	var workers sync.WaitGroup
	defer workers.Wait()
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-t.C:
		}
		hooks, err := w.h.store.Webhooks(ctx)
		if err != nil {
			if ctx.Err() == nil {
				w.h.log.Error("list webhooks", "err", err)
			}
			continue
		}
		for _, hook := range hooks {
			w.mu.Lock()
			if w.busy[hook.ID] {
				w.mu.Unlock()
				continue
			}
			w.busy[hook.ID] = true
			w.mu.Unlock()
			workers.Add(1)
			go func() {
				defer workers.Done()
				w.deliverAll(ctx, hook)
				w.mu.Lock()
				delete(w.busy, hook.ID)
				w.mu.Unlock()
			}()
		}
	}
}

// deliverAll sends every event after the webhook's cursor, in order.
func (w *webhooks) deliverAll(ctx context.Context, hook *lookout.Webhook) {
	// The agency as it is now: a disabled one receives nothing (its events
	// wait), one that lost hits:follow no longer receives its country's.
	c, err := w.h.AuthenticateAgency(ctx, hook.AgencyID)
	if err != nil {
		return
	}
	secret, err := w.h.openSecret(hook.Secret)
	if err != nil {
		w.h.log.Error("webhook secret", "webhook", hook.ID, "err", err)
		return
	}
	f := lookout.EventFilter{After: hook.Cursor, AgencyID: hook.AgencyID, Limit: 100}
	if c.Has(lookout.GrantHitsFollow) {
		f.Country = hook.Country
	}
	for ctx.Err() == nil {
		events, err := w.h.store.Events(ctx, f)
		if err != nil || len(events) == 0 {
			return
		}
		for _, e := range events {
			if !w.deliver(ctx, hook, secret, e) {
				return
			}
			f.After = e.Seq
		}
	}
}

// deliver retries one event until it is acknowledged or ctx ends.
func (w *webhooks) deliver(ctx context.Context, hook *lookout.Webhook, secret []byte, e *lookout.Event) bool {
	body, _ := json.Marshal(e)
	w.mu.Lock()
	delay, ceiling := w.Backoff, w.MaxBackoff
	w.mu.Unlock()
	for attempt := 1; ; attempt++ {
		status, err := w.post(ctx, hook.URL, secret, e, body)
		d := &lookout.Delivery{WebhookID: hook.ID, EventSeq: e.Seq, Attempt: attempt, Status: status}
		ok := err == nil && status >= 200 && status < 300
		if err != nil {
			d.Error = err.Error()
		} else if !ok {
			d.Error = fmt.Sprintf("endpoint answered %d", status)
		}
		if ctx.Err() != nil {
			return false
		}
		if rerr := w.h.store.RecordDelivery(ctx, d, ok); isCode(rerr, lookout.ENOTFOUND) {
			return false // deleted meanwhile
		} else if rerr != nil {
			w.h.log.Error("record webhook delivery", "webhook", hook.ID, "err", rerr)
			return false
		}
		if ok {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(delay):
		}
		delay = min(delay*2, ceiling)
	}
}

// SignatureHeader carries t=UNIX-SECONDS,v1=HEX where HEX is the
// HMAC-SHA256, under the webhook's secret, of "t.BODY".
const SignatureHeader = "X-Lookout-Signature"

// Sign returns the signature header value of body at time t.
func Sign(secret []byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts + "."))
	m.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

func (w *webhooks) post(ctx context.Context, u string, secret []byte, e *lookout.Event, body []byte) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "POST", u, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "lookout-webhook/1")
	req.Header.Set("X-Lookout-Event", e.Type)
	req.Header.Set("X-Lookout-Delivery", strconv.FormatInt(e.Seq, 10))
	req.Header.Set(SignatureHeader, Sign(secret, time.Now(), body))
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// CreateWebhook registers an endpoint for the caller's agency.
func (h *Hub) CreateWebhook(ctx context.Context, rawURL, secret string) (*lookout.Webhook, string, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, "", err
	}
	if !c.Has(lookout.GrantHitsFollow) && !c.Has(lookout.GrantMessagesSend) {
		return nil, "", lookout.Errorf(lookout.EFORBIDDEN, "agency %q holds neither hits:follow nor messages:send: it has no events to receive", c.Agency.ID)
	}
	u, err := url.Parse(rawURL)
	switch {
	case err != nil || u.Host == "" || len(rawURL) > 2000:
		return nil, "", lookout.FieldErrorf("url", "url %q is not an absolute URL", rawURL)
	case u.User != nil:
		return nil, "", lookout.FieldErrorf("url", "url must not carry credentials: the signature authenticates the hub")
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopbackHost(u.Hostname()):
	default:
		return nil, "", lookout.FieldErrorf("url", "url must be https (plain http only on a loopback address), not %q", u.Scheme)
	}
	if secret == "" {
		var b [32]byte
		rand.Read(b[:])
		secret = base64.RawURLEncoding.EncodeToString(b[:])
	} else if len(secret) < 16 || len(secret) > 256 {
		return nil, "", lookout.FieldErrorf("secret", "secret must be 16 to 256 characters")
	}
	sealed, err := h.sealSecret([]byte(secret))
	if err != nil {
		return nil, "", err
	}
	w := &lookout.Webhook{AgencyID: c.Agency.ID, Country: c.Country(), URL: u.String(), Secret: sealed, FollowsHits: c.Has(lookout.GrantHitsFollow)}
	audit := entry(c, "webhooks.create", "", c.Agency.ID)
	audit.Outcome, audit.Detail = "ok", "url="+u.Redacted()
	if err := h.store.CreateWebhook(ctx, w, audit); err != nil {
		return nil, "", err
	}
	w.Secret = nil
	h.hooks.poke()
	return w, secret, nil
}

// Deliveries lists the delivery log of one of the caller's webhooks.
func (h *Hub) Deliveries(ctx context.Context, id, after int64) ([]*lookout.Delivery, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	w, err := h.store.Webhook(ctx, id)
	if err != nil {
		return nil, err
	}
	if w.AgencyID != c.Agency.ID {
		return nil, lookout.Errorf(lookout.ENOTFOUND, "webhook %d not found", id)
	}
	return h.store.Deliveries(ctx, id, after, 100)
}

// DeleteWebhook removes one of the caller's webhooks and its log.
func (h *Hub) DeleteWebhook(ctx context.Context, id int64) error {
	c, err := caller(ctx)
	if err != nil {
		return err
	}
	w, err := h.store.Webhook(ctx, id)
	if err != nil {
		return err
	}
	if w.AgencyID != c.Agency.ID {
		return lookout.Errorf(lookout.ENOTFOUND, "webhook %d not found", id)
	}
	audit := entry(c, "webhooks.delete", "", strconv.FormatInt(id, 10))
	audit.Outcome, audit.Detail = "ok", "url="+w.URL
	return h.store.DeleteWebhook(ctx, id, audit)
}

func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// SetNotifyOnSearch turns "your record was searched" events on or off for
// an agency: the agency itself or the agency that manages it.
func (h *Hub) SetNotifyOnSearch(ctx context.Context, id string, on bool) (*lookout.Agency, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	a, err := h.store.Agency(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.ID != c.Agency.ID && !manages(c, a) {
		return nil, lookout.Errorf(lookout.EFORBIDDEN, "agency %s neither is nor manages agency %s", c.Agency.ID, id)
	}
	audit := entry(c, "agency.notify", "", id)
	audit.Outcome, audit.Detail = "ok", fmt.Sprintf("notify_on_search=%t", on)
	if err := h.store.SetNotifyOnSearch(ctx, id, on, audit); err != nil {
		return nil, err
	}
	return h.store.Agency(ctx, id)
}

// CloseSubscriptions ends every live stream, so that a server shutting down
// does not wait for clients that never hang up; they reconnect elsewhere
// with Last-Event-ID.
func (h *Hub) CloseSubscriptions() {
	b := h.broker
	b.mu.Lock()
	for s := range b.subs {
		delete(b.subs, s)
		close(s.C)
	}
	b.mu.Unlock()
}
