// connectproxy: an HTTP CONNECT proxy for tests of HTTPS_PROXY/NO_PROXY. It resolves the target
// itself (so a name in the test's /etc/hosts works), tunnels bytes both ways, and prints one line
// per tunnel, "CONNECT host:port", to stdout so a test can see which connections went through it.
//
//	connectproxy -listen 127.0.0.1:0     (prints {"proxy":"127.0.0.1:N"} first)
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on")
	flag.Parse()
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatalf("connectproxy: %v", err)
	}
	addr, _ := json.Marshal(map[string]string{"proxy": l.Addr().String()})
	fmt.Println(string(addr))
	log.Fatal(http.Serve(l, &Tunnel{Out: os.Stdout}))
}

// Tunnel answers CONNECT and nothing else.
type Tunnel struct {
	mu  sync.Mutex
	Out io.Writer
}

func (t *Tunnel) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodConnect {
		http.Error(w, "this proxy only tunnels (CONNECT)", http.StatusMethodNotAllowed)
		return
	}
	t.mu.Lock()
	fmt.Fprintf(t.Out, "CONNECT %s\n", req.Host)
	t.mu.Unlock()
	upstream, err := net.DialTimeout("tcp", req.Host, 10*time.Second)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		upstream.Close()
		http.Error(w, "cannot tunnel", http.StatusInternalServerError)
		return
	}
	client, buf, err := hj.Hijack()
	if err != nil {
		upstream.Close()
		return
	}
	_, _ = client.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
	go func() {
		// Bytes the client sent after the CONNECT line may already sit in the reader's buffer.
		_, _ = io.Copy(upstream, buf)
		if tcp, ok := upstream.(*net.TCPConn); ok {
			_ = tcp.CloseWrite()
		}
	}()
	_, _ = io.Copy(client, upstream)
	client.Close()
	upstream.Close()
}
