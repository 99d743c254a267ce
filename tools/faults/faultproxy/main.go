// faultproxy: a TLS-terminating HTTP/1.1 reverse proxy in front of kube-apiserver that injects the
// faults a TCP proxy cannot aim at one request: a Kubernetes Status answer (500, 503, 429 with
// Retry-After), a connection reset before or after the request reached the API server, and a
// response cut in the middle of its body. Rules are set over a plain-HTTP control listener.
//
//	faultproxy -cert C -key K -upstream https://127.0.0.1:6443 -upstream-ca CA \
//	           -upstream-cert CERT -upstream-key KEY
//
// It prints one JSON line with its addresses: {"proxy":"127.0.0.1:N","control":"127.0.0.1:M"}.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address for the proxied API")
	control := flag.String("control", "127.0.0.1:0", "address for the control API (plain HTTP)")
	certFile := flag.String("cert", "", "serving certificate (PEM)")
	keyFile := flag.String("key", "", "serving key (PEM)")
	upstream := flag.String("upstream", "", "the API server's URL")
	upstreamCA := flag.String("upstream-ca", "", "CA that signed the API server's certificate")
	upstreamCert := flag.String("upstream-cert", "", "client certificate presented to the API server")
	upstreamKey := flag.String("upstream-key", "", "client key presented to the API server")
	flag.Parse()
	if *certFile == "" || *keyFile == "" || *upstream == "" {
		log.Fatal("faultproxy: -cert, -key and -upstream are required")
	}
	target, err := url.Parse(*upstream)
	if err != nil {
		log.Fatalf("faultproxy: -upstream: %v", err)
	}
	clientTLS := &tls.Config{}
	if *upstreamCA != "" {
		pem, err := os.ReadFile(*upstreamCA)
		if err != nil {
			log.Fatalf("faultproxy: %v", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			log.Fatalf("faultproxy: no certificate in %s", *upstreamCA)
		}
		clientTLS.RootCAs = pool
	}
	if *upstreamCert != "" {
		pair, err := tls.LoadX509KeyPair(*upstreamCert, *upstreamKey)
		if err != nil {
			log.Fatalf("faultproxy: %v", err)
		}
		clientTLS.Certificates = []tls.Certificate{pair}
	}
	serving, err := tls.LoadX509KeyPair(*certFile, *keyFile)
	if err != nil {
		log.Fatalf("faultproxy: %v", err)
	}

	p := NewProxy(target, &http.Transport{TLSClientConfig: clientTLS, ForceAttemptHTTP2: false})
	pl, err := tls.Listen("tcp", *listen, &tls.Config{Certificates: []tls.Certificate{serving}, NextProtos: []string{"http/1.1"}})
	if err != nil {
		log.Fatalf("faultproxy: %v", err)
	}
	cl, err := net.Listen("tcp", *control)
	if err != nil {
		log.Fatalf("faultproxy: %v", err)
	}
	addrs, _ := json.Marshal(map[string]string{"proxy": pl.Addr().String(), "control": cl.Addr().String()})
	fmt.Println(string(addrs))
	go func() { log.Fatal(http.Serve(cl, p.Control())) }()
	// HTTP/1.1 only (an empty TLSNextProto): a connection must be hijackable to be reset.
	srv := &http.Server{Handler: p, TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){}}
	log.Fatal(srv.Serve(pl))
}

// newReverseProxy forwards to target, flushing at once so that watch streams pass event by event.
func newReverseProxy(target *url.URL, transport http.RoundTripper) *httputil.ReverseProxy {
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.Transport = transport
	rp.FlushInterval = -1
	return rp
}
