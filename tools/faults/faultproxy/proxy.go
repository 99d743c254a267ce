package main

import (
	"bufio"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Rule says which requests get which fault. Empty matchers match everything.
type Rule struct {
	Method string `json:"method,omitempty"`
	// Path and Query are regular expressions on the URL path and the raw query.
	Path  string `json:"path,omitempty"`
	Query string `json:"query,omitempty"`
	// Action: "status" (answer Status with a Kubernetes Status body, not forwarded),
	// "reset-before" (reset the connection, not forwarded), "reset-after" (forward, read the whole
	// answer, then reset: the request took effect but the client cannot know), "cut-body" (forward,
	// send the headers and half the body, then reset).
	Action     string `json:"action"`
	Status     int    `json:"status,omitempty"`
	RetryAfter string `json:"retryAfter,omitempty"`
	// Skip lets the first Skip matching requests pass; Times is how often the fault fires (0: always).
	Skip  int `json:"skip,omitempty"`
	Times int `json:"times,omitempty"`

	path, query *regexp.Regexp
	seen, fired int
}

// Entry is one request as the proxy handled it.
type Entry struct {
	At     int64  `json:"at"` // unix milliseconds
	Method string `json:"method"`
	Path   string `json:"path"`
	Query  string `json:"query"`
	Action string `json:"action"` // "pass" or the rule's action
	Status int    `json:"status,omitempty"`
}

// Proxy forwards to the API server unless a rule picks the request.
type Proxy struct {
	target    *url.URL
	transport http.RoundTripper
	forward   *httputil.ReverseProxy

	mu    sync.Mutex
	rules []*Rule
	log   []Entry
}

func NewProxy(target *url.URL, transport http.RoundTripper) *Proxy {
	return &Proxy{target: target, transport: transport, forward: newReverseProxy(target, transport)}
}

var actions = map[string]bool{"status": true, "reset-before": true, "reset-after": true, "cut-body": true}

// SetRules replaces the rules; they are checked in order and the first that fires wins.
func (p *Proxy) SetRules(rules []*Rule) error {
	for i, r := range rules {
		if !actions[r.Action] {
			return fmt.Errorf("rule %d: unknown action %q", i, r.Action)
		}
		if r.Action == "status" && (r.Status < 400 || r.Status > 599) {
			return fmt.Errorf("rule %d: status must be 400-599, got %d", i, r.Status)
		}
		var err error
		if r.path, err = regexp.Compile(r.Path); err != nil {
			return fmt.Errorf("rule %d: path: %v", i, err)
		}
		if r.query, err = regexp.Compile(r.Query); err != nil {
			return fmt.Errorf("rule %d: query: %v", i, err)
		}
	}
	p.mu.Lock()
	p.rules = rules
	p.mu.Unlock()
	return nil
}

func (p *Proxy) pick(req *http.Request) *Rule {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range p.rules {
		if (r.Method != "" && !strings.EqualFold(r.Method, req.Method)) || !r.path.MatchString(req.URL.Path) || !r.query.MatchString(req.URL.RawQuery) {
			continue
		}
		r.seen++
		if r.seen <= r.Skip || (r.Times > 0 && r.fired >= r.Times) {
			continue
		}
		r.fired++
		return r
	}
	return nil
}

func (p *Proxy) record(req *http.Request, action string, status int) {
	p.mu.Lock()
	p.log = append(p.log, Entry{At: time.Now().UnixMilli(), Method: req.Method, Path: req.URL.Path, Query: req.URL.RawQuery, Action: action, Status: status})
	p.mu.Unlock()
}

var reasons = map[int]string{429: "TooManyRequests", 500: "InternalError", 502: "BadGateway", 503: "ServiceUnavailable", 504: "Timeout"}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r := p.pick(req)
	if r == nil {
		p.record(req, "pass", 0)
		p.forward.ServeHTTP(w, req)
		return
	}
	p.record(req, r.Action, r.Status)
	switch r.Action {
	case "status":
		reason := reasons[r.Status]
		if reason == "" {
			reason = "Unknown"
		}
		if r.RetryAfter != "" {
			w.Header().Set("Retry-After", r.RetryAfter)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(r.Status)
		body, _ := json.Marshal(map[string]any{
			"kind": "Status", "apiVersion": "v1", "metadata": map[string]any{}, "status": "Failure",
			"message": fmt.Sprintf("injected fault: %d %s", r.Status, reason), "reason": reason, "code": r.Status,
		})
		_, _ = w.Write(body)
	case "reset-before":
		_, _ = io.Copy(io.Discard, req.Body)
		reset(w)
	case "reset-after":
		res, err := p.roundTrip(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
		reset(w)
	case "cut-body":
		res, err := p.roundTrip(req)
		if err != nil {
			reset(w)
			return
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		conn, buf := hijack(w)
		if conn == nil {
			return
		}
		fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", res.StatusCode, http.StatusText(res.StatusCode), res.Header.Get("Content-Type"), len(body))
		_, _ = buf.Write(body[:len(body)/2])
		_ = buf.Flush()
		abort(conn)
	}
}

// roundTrip sends the request to the API server as it came.
func (p *Proxy) roundTrip(req *http.Request) (*http.Response, error) {
	out := req.Clone(req.Context())
	out.RequestURI = ""
	out.URL.Scheme = p.target.Scheme
	out.URL.Host = p.target.Host
	out.Host = p.target.Host
	out.Header.Del("Connection")
	return p.transport.RoundTrip(out)
}

func hijack(w http.ResponseWriter) (net.Conn, *bufio.ReadWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return nil, nil
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return nil, nil
	}
	return conn, buf
}

func reset(w http.ResponseWriter) {
	if conn, _ := hijack(w); conn != nil {
		abort(conn)
	}
}

// abort closes the TCP connection under TLS with SO_LINGER 0: the peer gets a RST, no close_notify.
func abort(conn net.Conn) {
	if tc, ok := conn.(*tls.Conn); ok {
		conn = tc.NetConn()
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// Control: PUT /rules (a JSON list) replaces the rules, DELETE /rules clears them, GET /log lists the
// requests handled since the last DELETE /log.
func (p *Proxy) Control() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /rules", func(w http.ResponseWriter, req *http.Request) {
		var rules []*Rule
		if err := json.NewDecoder(req.Body).Decode(&rules); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if err := p.SetRules(rules); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("DELETE /rules", func(w http.ResponseWriter, _ *http.Request) {
		_ = p.SetRules(nil)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /log", func(w http.ResponseWriter, _ *http.Request) {
		p.mu.Lock()
		entries := append([]Entry{}, p.log...)
		p.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(entries)
	})
	mux.HandleFunc("DELETE /log", func(w http.ResponseWriter, _ *http.Request) {
		p.mu.Lock()
		p.log = nil
		p.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}
