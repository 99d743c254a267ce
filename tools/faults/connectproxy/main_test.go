package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func start(t *testing.T) (string, *bytes.Buffer) {
	t.Helper()
	var out bytes.Buffer
	s := httptest.NewServer(&Tunnel{Out: &out})
	t.Cleanup(s.Close)
	return strings.TrimPrefix(s.URL, "http://"), &out
}

func TestTunnelsBytesBothWays(t *testing.T) {
	echo, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer echo.Close()
	go func() {
		c, err := echo.Accept()
		if err != nil {
			return
		}
		_, _ = io.Copy(c, c)
		c.Close()
	}()
	proxy, out := start(t)
	c, err := net.Dial("tcp", proxy)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\nhello", echo.Addr(), echo.Addr())
	r := bufio.NewReader(c)
	res, err := http.ReadResponse(r, &http.Request{Method: http.MethodConnect})
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("CONNECT: %v %v", err, res)
	}
	got := make([]byte, 5)
	if _, err := io.ReadFull(r, got); err != nil || string(got) != "hello" {
		t.Fatalf("echo: %q %v", got, err)
	}
	if out.String() != fmt.Sprintf("CONNECT %s\n", echo.Addr()) {
		t.Fatalf("log %q", out.String())
	}
}

func TestRefusesPlainRequests(t *testing.T) {
	proxy, out := start(t)
	res, err := http.Get("http://" + proxy + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed || out.Len() != 0 {
		t.Fatalf("status %d, log %q", res.StatusCode, out.String())
	}
}

func TestBadGatewayWhenTheTargetIsUnreachable(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	proxy, _ := start(t)
	c, err := net.Dial("tcp", proxy)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n", addr, addr)
	res, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: http.MethodConnect})
	if err != nil || res.StatusCode != http.StatusBadGateway {
		t.Fatalf("%v %v", err, res)
	}
}
