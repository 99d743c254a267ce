package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// setup starts an upstream that counts what reaches it and the proxy in front of it, over TLS both.
func setup(t *testing.T) (*Proxy, *http.Client, string, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	up := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"kind":"List","items":[` + strings.Repeat(`{"a":1},`, 200) + `{"a":1}]}`))
	}))
	t.Cleanup(up.Close)
	target, _ := url.Parse(up.URL)
	p := NewProxy(target, up.Client().Transport)
	front := httptest.NewUnstartedServer(p)
	front.StartTLS()
	t.Cleanup(front.Close)
	client := front.Client()
	// A fresh connection per request: a reset must not poison the next request's connection.
	client.Transport.(*http.Transport).DisableKeepAlives = true
	return p, client, front.URL, &hits
}

func rules(t *testing.T, p *Proxy, rs ...*Rule) {
	t.Helper()
	if err := p.SetRules(rs); err != nil {
		t.Fatal(err)
	}
}

func TestPassesRequestsThrough(t *testing.T) {
	p, c, base, hits := setup(t)
	res, err := c.Get(base + "/api/v1/namespaces")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(string(body), `{"kind":"List"`) || hits.Load() != 1 {
		t.Fatalf("status %d, %d hits, body %.40s", res.StatusCode, hits.Load(), body)
	}
	if len(p.log) != 1 || p.log[0].Action != "pass" || p.log[0].Path != "/api/v1/namespaces" {
		t.Fatalf("log %+v", p.log)
	}
}

func TestStatusWithRetryAfterFiresTheGivenNumberOfTimes(t *testing.T) {
	p, c, base, hits := setup(t)
	rules(t, p, &Rule{Method: "GET", Path: "^/api/v1/secrets$", Action: "status", Status: 429, RetryAfter: "2", Times: 1})
	res, err := c.Get(base + "/api/v1/secrets?limit=500")
	if err != nil {
		t.Fatal(err)
	}
	var status map[string]any
	_ = json.NewDecoder(res.Body).Decode(&status)
	res.Body.Close()
	if res.StatusCode != 429 || res.Header.Get("Retry-After") != "2" || status["reason"] != "TooManyRequests" || status["kind"] != "Status" || hits.Load() != 0 {
		t.Fatalf("status %d, Retry-After %q, body %v, %d hits", res.StatusCode, res.Header.Get("Retry-After"), status, hits.Load())
	}
	res, err = c.Get(base + "/api/v1/secrets")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("second request: %v %v", err, res)
	}
	res.Body.Close()
	res, _ = c.Get(base + "/api/v1/pods")
	res.Body.Close()
	if hits.Load() != 2 {
		t.Fatalf("%d hits, want 2", hits.Load())
	}
}

func TestSkipLetsTheFirstRequestsPass(t *testing.T) {
	p, c, base, _ := setup(t)
	rules(t, p, &Rule{Path: "/x", Action: "status", Status: 503, Skip: 2, Times: 1})
	var codes []int
	for range 4 {
		res, err := c.Get(base + "/x")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		codes = append(codes, res.StatusCode)
	}
	if codes[0] != 200 || codes[1] != 200 || codes[2] != 503 || codes[3] != 200 {
		t.Fatalf("codes %v", codes)
	}
}

func TestResetBeforeDoesNotForward(t *testing.T) {
	p, c, base, hits := setup(t)
	rules(t, p, &Rule{Method: "PATCH", Action: "reset-before"})
	req, _ := http.NewRequest("PATCH", base+"/api/v1/namespaces/a/serviceaccounts/b", strings.NewReader(`{}`))
	if res, err := c.Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("got an answer (%d), want a reset", res.StatusCode)
	}
	if hits.Load() != 0 {
		t.Fatalf("%d hits: the request was forwarded", hits.Load())
	}
}

func TestResetAfterForwardsThenResets(t *testing.T) {
	p, c, base, hits := setup(t)
	rules(t, p, &Rule{Method: "PATCH", Action: "reset-after"})
	req, _ := http.NewRequest("PATCH", base+"/api/v1/namespaces/a/serviceaccounts/b", strings.NewReader(`{}`))
	res, err := c.Do(req)
	if err == nil {
		res.Body.Close()
		t.Fatalf("got an answer (%d), want a reset", res.StatusCode)
	}
	if !strings.Contains(err.Error(), "reset") && !strings.Contains(err.Error(), "EOF") {
		t.Fatalf("error %v", err)
	}
	if hits.Load() != 1 {
		t.Fatalf("%d hits, want the request forwarded once", hits.Load())
	}
}

func TestCutBodySendsHalfAndResets(t *testing.T) {
	p, c, base, _ := setup(t)
	rules(t, p, &Rule{Method: "GET", Action: "cut-body", Times: 1})
	res, err := c.Get(base + "/api/v1/secrets")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err == nil || res.StatusCode != 200 || len(body) == 0 || int64(len(body)) >= res.ContentLength {
		t.Fatalf("status %d, read %d of %d bytes, err %v", res.StatusCode, len(body), res.ContentLength, err)
	}
}

func TestRejectsBadRules(t *testing.T) {
	p, _, _, _ := setup(t)
	for _, r := range []*Rule{{Action: "explode"}, {Action: "status", Status: 200}, {Action: "status", Status: 500, Path: "("}} {
		if err := p.SetRules([]*Rule{r}); err == nil {
			t.Fatalf("rule %+v accepted", r)
		}
	}
}

func TestControlAPI(t *testing.T) {
	p, c, base, _ := setup(t)
	ctl := httptest.NewServer(p.Control())
	defer ctl.Close()
	req, _ := http.NewRequest("PUT", ctl.URL+"/rules", strings.NewReader(`[{"path":"^/y$","action":"status","status":500}]`))
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 204 {
		t.Fatalf("PUT /rules: %v %v", err, res)
	}
	res, _ := c.Get(base + "/y")
	res.Body.Close()
	if res.StatusCode != 500 {
		t.Fatalf("status %d", res.StatusCode)
	}
	res, _ = http.Get(ctl.URL + "/log")
	var entries []Entry
	_ = json.NewDecoder(res.Body).Decode(&entries)
	res.Body.Close()
	if len(entries) != 1 || entries[0].Action != "status" || entries[0].Status != 500 {
		t.Fatalf("log %+v", entries)
	}
	req, _ = http.NewRequest("PUT", ctl.URL+"/rules", strings.NewReader(`[{"action":"nope"}]`))
	if res, _ := http.DefaultClient.Do(req); res.StatusCode != 400 {
		t.Fatalf("bad rule: status %d", res.StatusCode)
	}
}
