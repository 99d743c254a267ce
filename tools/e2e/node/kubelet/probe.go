package kubelet

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Prober runs a container's probes as kubelet's prober does: httpGet and tcpSocket connect to
// the container inside its network namespace, exec runs the command in its root as its user.
type Prober struct {
	Pid       int
	Root      string
	UID, GID  int64
	Container *corev1.Container
	Env       []string
}

// Probe runs one probe once: nil on success, else kubelet's failure output.
func (p *Prober) Probe(ctx context.Context, pr *corev1.Probe) error {
	timeout := time.Duration(pr.TimeoutSeconds) * time.Second
	if timeout <= 0 {
		timeout = time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	switch {
	case pr.HTTPGet != nil:
		return p.httpGet(ctx, pr.HTTPGet)
	case pr.TCPSocket != nil:
		port, err := p.port(pr.TCPSocket.Port)
		if err != nil {
			return err
		}
		c, err := DialInNetns(ctx, p.Pid, net.JoinHostPort(host(pr.TCPSocket.Host), strconv.Itoa(port)))
		if err != nil {
			return fmt.Errorf("dial tcp %s:%d: %w", host(pr.TCPSocket.Host), port, err)
		}
		return c.Close()
	case pr.Exec != nil:
		return p.exec(ctx, pr.Exec.Command)
	}
	return fmt.Errorf("this node runs httpGet, tcpSocket and exec probes only")
}

func host(h string) string {
	if h == "" {
		return "127.0.0.1" // the Pod's own address: here its namespace's loopback
	}
	return h
}

// port resolves a named port from the container's ports.
func (p *Prober) port(v intstr.IntOrString) (int, error) {
	if v.Type == intstr.Int {
		return v.IntValue(), nil
	}
	for _, cp := range p.Container.Ports {
		if cp.Name == v.StrVal {
			return int(cp.ContainerPort), nil
		}
	}
	return 0, fmt.Errorf("couldn't find port: %s in %s", v.StrVal, p.Container.Name)
}

func (p *Prober) httpGet(ctx context.Context, g *corev1.HTTPGetAction) error {
	port, err := p.port(g.Port)
	if err != nil {
		return err
	}
	scheme := "http"
	if g.Scheme == corev1.URISchemeHTTPS {
		scheme = "https"
	}
	u := fmt.Sprintf("%s://%s%s", scheme, net.JoinHostPort(host(g.Host), strconv.Itoa(port)), g.Path)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", "kube-probe/1.36")
	for _, h := range g.HTTPHeaders {
		req.Header.Set(h.Name, h.Value)
	}
	client := &http.Client{Transport: &http.Transport{
		DialContext:     func(ctx context.Context, _, addr string) (net.Conn, error) { return DialInNetns(ctx, p.Pid, addr) },
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // kubelet does not verify probe certificates
	}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("Get %q: %w", u, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 10<<10))
	if resp.StatusCode < 200 || resp.StatusCode >= 400 {
		return fmt.Errorf("HTTP probe failed with statuscode: %d", resp.StatusCode)
	}
	return nil
}

// exec runs the command chrooted in the container's root, as its user, in its network
// namespace (a child forked from a thread that joined it stays there).
func (p *Prober) exec(ctx context.Context, argv []string) error {
	if len(argv) == 0 {
		return fmt.Errorf("exec probe without a command")
	}
	var out strings.Builder
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Path = argv[0]
	cmd.Env, cmd.Dir, cmd.Stdout, cmd.Stderr = p.Env, "/", &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: p.Root, Credential: &syscall.Credential{Uid: uint32(p.UID), Gid: uint32(p.GID), Groups: []uint32{}}}
	if err := InNetns(p.Pid, cmd.Start); err != nil {
		return fmt.Errorf("exec probe %q: %w", argv[0], err)
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("command %q exited: %v: %s", strings.Join(argv, " "), err, strings.TrimSpace(out.String()))
	}
	return nil
}

// probeLoop runs one probe on its schedule and reports after each run the probe's state and the
// run's error: successThreshold successes in a row make it pass, failureThreshold failures make
// it fail; it starts at initial (readiness: failing, liveness: passing).
func probeLoop(ctx context.Context, pr *corev1.Probe, initial bool, run func(context.Context) error, report func(ok bool, err error)) {
	period := time.Duration(pr.PeriodSeconds) * time.Second
	if period <= 0 {
		period = 10 * time.Second
	}
	success, failure := int(pr.SuccessThreshold), int(pr.FailureThreshold)
	if success <= 0 {
		success = 1
	}
	if failure <= 0 {
		failure = 3
	}
	if !sleep(ctx, time.Duration(pr.InitialDelaySeconds)*time.Second) {
		return
	}
	state, oks, fails := initial, 0, 0
	for {
		err := run(ctx)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			oks, fails = oks+1, 0
			state = state || oks >= success
		} else {
			oks, fails = 0, fails+1
			state = state && fails < failure
		}
		report(state, err)
		if !sleep(ctx, period) {
			return
		}
	}
}
