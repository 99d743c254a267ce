package kubelet

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// Process is a container's entrypoint running chrooted in its image's filesystem, in a
// network namespace of its own (only "lo"), as the user the Pod asks for.
type Process struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// ContainerUser decides the uid and gid the container runs as, as kubelet and the runtime do:
// the container's runAsUser, else the Pod's, else the image's USER (numeric only here); and it
// refuses root when runAsNonRoot is set, with kubelet's message.
func ContainerUser(pod *corev1.Pod, c *corev1.Container, imageUser string) (uid, gid int64, err error) {
	var runAsUser, runAsGroup *int64
	var nonRoot *bool
	if psc := pod.Spec.SecurityContext; psc != nil {
		runAsUser, runAsGroup, nonRoot = psc.RunAsUser, psc.RunAsGroup, psc.RunAsNonRoot
	}
	if sc := c.SecurityContext; sc != nil {
		if sc.RunAsUser != nil {
			runAsUser = sc.RunAsUser
		}
		if sc.RunAsGroup != nil {
			runAsGroup = sc.RunAsGroup
		}
		if sc.RunAsNonRoot != nil {
			nonRoot = sc.RunAsNonRoot
		}
	}
	if runAsUser != nil {
		uid = *runAsUser
	} else if imageUser != "" {
		u, g, hasGroup := strings.Cut(imageUser, ":")
		n, perr := strconv.ParseInt(u, 10, 64)
		if perr != nil {
			return 0, 0, fmt.Errorf("image user %q is not numeric; this node resolves numeric users only", imageUser)
		}
		uid = n
		if hasGroup && runAsGroup == nil {
			if gn, gerr := strconv.ParseInt(g, 10, 64); gerr == nil {
				gid = gn
			}
		}
	}
	if runAsGroup != nil {
		gid = *runAsGroup
	}
	if nonRoot != nil && *nonRoot && uid == 0 {
		if runAsUser != nil {
			return 0, 0, fmt.Errorf("container's runAsUser breaks non-root policy (pod: %q, container: %s)", pod.Namespace+"/"+pod.Name, c.Name)
		}
		return 0, 0, fmt.Errorf("container has runAsNonRoot and image will run as root (pod: %q, container: %s)", pod.Namespace+"/"+pod.Name, c.Name)
	}
	return uid, gid, nil
}

// Argv is the container's command line: command replaces the image's entrypoint and args its
// cmd, as in Kubernetes; $(VAR) references are expanded from the container's environment.
func Argv(c *corev1.Container, img *Image, env map[string]string) ([]string, error) {
	entry, cmd := img.Config.Entrypoint, img.Config.Cmd
	if len(c.Command) > 0 {
		entry, cmd = c.Command, nil
	}
	if len(c.Args) > 0 {
		cmd = c.Args
	}
	argv := append(append([]string{}, entry...), cmd...)
	for i, a := range argv {
		argv[i] = expand(a, env)
	}
	if len(argv) == 0 {
		return nil, fmt.Errorf("no command specified")
	}
	return argv, nil
}

// expand replaces $(NAME) with its value when NAME is set, leaves it otherwise, and turns $$ into $.
func expand(s string, env map[string]string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '$' && i+1 < len(s) {
			if s[i+1] == '$' {
				b.WriteByte('$')
				i++
				continue
			}
			if s[i+1] == '(' {
				if end := strings.IndexByte(s[i+2:], ')'); end >= 0 {
					name := s[i+2 : i+2+end]
					if v, ok := env[name]; ok {
						b.WriteString(v)
						i += 2 + end
						continue
					}
				}
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Start runs argv chrooted in rootfs as uid:gid in a new network namespace.
func Start(rootfs string, argv []string, env []string, workDir string, uid, gid int64, log io.Writer) (*Process, error) {
	if !filepath.IsAbs(argv[0]) {
		found := ""
		for _, dir := range []string{"/usr/local/bin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/sbin", "/sbin"} {
			if st, err := os.Stat(filepath.Join(rootfs, dir, argv[0])); err == nil && !st.IsDir() {
				found = filepath.Join(dir, argv[0])
				break
			}
		}
		if found == "" {
			return nil, fmt.Errorf("exec: %q: executable file not found in $PATH", argv[0])
		}
		argv = append([]string{found}, argv[1:]...)
	}
	if _, err := os.Stat(filepath.Join(rootfs, argv[0])); err != nil {
		return nil, fmt.Errorf("exec: %q: no such file or directory", argv[0])
	}
	if workDir == "" {
		workDir = "/"
	}
	cmd := &exec.Cmd{Path: argv[0], Args: argv, Env: env, Dir: workDir, Stdout: log, Stderr: log}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Chroot:     rootfs,
		Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}},
		Cloneflags: syscall.CLONE_NEWNET,
		Setpgid:    true,
		Pdeathsig:  syscall.SIGKILL,
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &Process{cmd: cmd, done: make(chan struct{})}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	if err := LoopbackUp(cmd.Process.Pid); err != nil {
		p.Stop(0)
		return nil, fmt.Errorf("network namespace: %w", err)
	}
	return p, nil
}

// Pid is the container's process id (its network namespace is /proc/<pid>/ns/net).
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Done is closed when the process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// ExitCode is the exit status once Done is closed (128+signal when killed).
func (p *Process) ExitCode() int {
	if ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return p.cmd.ProcessState.ExitCode()
}

// Stop sends SIGTERM to the process group, then SIGKILL after the grace period, as kubelet does.
func (p *Process) Stop(grace time.Duration) {
	pgid := -p.cmd.Process.Pid
	_ = syscall.Kill(pgid, syscall.SIGTERM)
	select {
	case <-p.done:
		return
	case <-time.After(grace):
	}
	_ = syscall.Kill(pgid, syscall.SIGKILL)
	<-p.done
}
