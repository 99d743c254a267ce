package kubelet

import (
	"context"
	"net"
	"net/http"
	"net/http/httputil"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/labels"
	corev1listers "k8s.io/client-go/listers/core/v1"
	networkinglisters "k8s.io/client-go/listers/networking/v1"
)

// Router serves the rig's ingress address: it routes each request by the Ingress rules in the
// cluster (host, then the longest matching path) to the backend Service, and from the
// Service's selector and targetPort to a running Pod on this node, inside the Pod's own
// network namespace. It plays the ingress controller for every ingress class.
type Router struct {
	Ingresses networkinglisters.IngressLister
	Services  corev1listers.ServiceLister
	Pods      func(namespace string) []Running
}

type backend struct {
	pid  int
	port int32
}

func (r *Router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, ok := r.route(req)
	if !ok {
		http.Error(w, "no running backend for "+req.Host+req.URL.Path, http.StatusServiceUnavailable)
		return
	}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Scheme = "http"
			pr.Out.URL.Host = net.JoinHostPort("127.0.0.1", strconv.Itoa(int(b.port)))
			pr.Out.Host = pr.In.Host
		},
		Transport: &http.Transport{
			DisableKeepAlives: true,
			DialContext: func(ctx context.Context, _, addr string) (net.Conn, error) {
				return DialInNetns(ctx, b.pid, addr)
			},
		},
	}
	proxy.ServeHTTP(w, req)
}

func (r *Router) route(req *http.Request) (backend, bool) {
	host := strings.ToLower(req.Host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	ings, err := r.Ingresses.List(labels.Everything())
	if err != nil {
		return backend{}, false
	}
	var best *networkingv1.IngressBackend
	var bestNS string
	bestLen := -1
	for _, ing := range ings {
		for _, rule := range ing.Spec.Rules {
			if !hostMatches(rule.Host, host) || rule.HTTP == nil {
				continue
			}
			for _, path := range rule.HTTP.Paths {
				if pathMatches(path, req.URL.Path) && len(path.Path) > bestLen {
					b := path.Backend
					best, bestNS, bestLen = &b, ing.Namespace, len(path.Path)
				}
			}
		}
	}
	if best == nil || best.Service == nil {
		return backend{}, false
	}
	svc, err := r.Services.Services(bestNS).Get(best.Service.Name)
	if err != nil {
		return backend{}, false
	}
	var sp *corev1.ServicePort
	for i := range svc.Spec.Ports {
		p := &svc.Spec.Ports[i]
		if (best.Service.Port.Name != "" && p.Name == best.Service.Port.Name) || (best.Service.Port.Number != 0 && p.Port == best.Service.Port.Number) {
			sp = p
		}
	}
	if sp == nil || len(svc.Spec.Selector) == 0 {
		return backend{}, false
	}
	sel := labels.SelectorFromSet(svc.Spec.Selector)
	for _, run := range r.Pods(bestNS) {
		if !sel.Matches(labels.Set(run.Pod.Labels)) {
			continue
		}
		if port, ok := targetPort(run.Pod, sp); ok {
			return backend{pid: run.Pid, port: port}, true
		}
	}
	return backend{}, false
}

func hostMatches(rule, host string) bool {
	if rule == "" || rule == host {
		return true
	}
	if strings.HasPrefix(rule, "*.") {
		_, rest, ok := strings.Cut(host, ".")
		return ok && rest == rule[2:]
	}
	return false
}

// pathMatches: Exact is equality, Prefix is by path element, and ImplementationSpecific (what
// cert-manager writes) is a plain string prefix, as ingress-nginx treats it.
func pathMatches(p networkingv1.HTTPIngressPath, path string) bool {
	want := p.Path
	if want == "" {
		want = "/"
	}
	switch {
	case p.PathType != nil && *p.PathType == networkingv1.PathTypeExact:
		return path == want
	case p.PathType != nil && *p.PathType == networkingv1.PathTypePrefix:
		want = strings.TrimSuffix(want, "/")
		return want == "" || path == want || strings.HasPrefix(path, want+"/")
	default:
		return strings.HasPrefix(path, want)
	}
}

// targetPort resolves a Service port's targetPort against the Pod's container ports.
func targetPort(pod *corev1.Pod, sp *corev1.ServicePort) (int32, bool) {
	tp := sp.TargetPort
	if tp.StrVal == "" {
		if tp.IntVal == 0 {
			return sp.Port, true
		}
		return tp.IntVal, true
	}
	for _, c := range pod.Spec.Containers {
		for _, cp := range c.Ports {
			if cp.Name == tp.StrVal {
				return cp.ContainerPort, true
			}
		}
	}
	return 0, false
}
