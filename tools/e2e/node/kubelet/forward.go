package kubelet

import (
	"io"
	"net"
)

// forwardAPI gives the container the API server at APIHost:APIPort inside its own network
// namespace (there is no kube-proxy): a listener there, each connection spliced to APIAddr.
func (p *Provider) forwardAPI(proc *Process) error {
	l, err := ListenInNetns(proc.Pid(), net.JoinHostPort(p.APIHost, p.APIPort))
	if err != nil {
		return err
	}
	go func() { <-proc.Done(); l.Close() }()
	go func() {
		for {
			in, err := l.Accept()
			if err != nil {
				return
			}
			go splice(in, p.APIAddr)
		}
	}()
	return nil
}

func splice(in net.Conn, addr string) {
	defer in.Close()
	out, err := net.Dial("tcp", addr)
	if err != nil {
		return
	}
	defer out.Close()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(out, in); done <- struct{}{} }()
	go func() { _, _ = io.Copy(in, out); done <- struct{}{} }()
	<-done
}
