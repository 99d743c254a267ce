package kubelet

import (
	"context"
	"debug/elf"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The test binary doubles as a container entrypoint: with KUBELET_TEST_SERVE set it answers
// HTTP on that address with what it sees (uid, an env var, its args), reads and writes files
// for /read and /write, and answers /ready and /live by files in /data. As "probe FILE" it is an
// exec probe that passes while FILE exists. As root the tests run in a mount namespace of their
// own, so nothing they mount outlives them.
func TestMain(m *testing.M) {
	if len(os.Args) == 3 && os.Args[1] == "probe" {
		if _, err := os.Stat(os.Args[2]); err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if addr := os.Getenv("KUBELET_TEST_SERVE"); addr != "" {
		_ = http.ListenAndServe(addr, http.HandlerFunc(serveTest))
		os.Exit(2)
	}
	if os.Getuid() == 0 && os.Getenv("KUBELET_TEST_MOUNTNS") == "" {
		cmd := exec.Command("/proc/self/exe", os.Args[1:]...)
		cmd.Env = append(os.Environ(), "KUBELET_TEST_MOUNTNS=1")
		cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
		cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS} // and "/" made private
		if err := cmd.Run(); err != nil {
			if ee, ok := err.(*exec.ExitError); ok {
				os.Exit(ee.ExitCode())
			}
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func serveTest(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("path")
	switch r.URL.Path {
	case "/write":
		if err := os.WriteFile(q, []byte("written"), 0o644); err != nil {
			fmt.Fprint(w, err)
			return
		}
		fmt.Fprint(w, "ok")
	case "/read":
		b, err := os.ReadFile(q)
		if err != nil {
			fmt.Fprint(w, err)
			return
		}
		w.Write(b) //nolint:errcheck
	case "/env":
		fmt.Fprint(w, os.Getenv(r.URL.Query().Get("name")))
	case "/ready", "/live":
		_, ready := os.Stat("/data/ready")
		_, dead := os.Stat("/data/dead")
		if (r.URL.Path == "/ready" && ready != nil) || (r.URL.Path == "/live" && dead == nil) {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	default:
		_, root := os.Stat("/proc/1")
		fmt.Fprintf(w, "uid=%d gid=%d env=%s args=%s hostproc=%v", os.Getuid(), os.Getgid(), os.Getenv("SOLVER_DOMAIN"), strings.Join(os.Args[1:], ","), root == nil)
	}
}

func bptr(b bool) *bool   { return &b }
func iptr(i int64) *int64 { return &i }

func TestContainerUserAsKubelet(t *testing.T) {
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "p"}}
	c := &corev1.Container{Name: "c"}
	if uid, gid, err := ContainerUser(pod, c, "1000"); err != nil || uid != 1000 || gid != 0 {
		t.Errorf("image user: %d %d %v", uid, gid, err)
	}
	pod.Spec.SecurityContext = &corev1.PodSecurityContext{RunAsNonRoot: bptr(true)}
	if _, _, err := ContainerUser(pod, c, ""); err == nil || !strings.Contains(err.Error(), "container has runAsNonRoot and image will run as root") {
		t.Errorf("runAsNonRoot with a root image: %v", err)
	}
	c.SecurityContext = &corev1.SecurityContext{RunAsUser: iptr(0)}
	if _, _, err := ContainerUser(pod, c, "1000"); err == nil || !strings.Contains(err.Error(), "runAsUser breaks non-root policy") {
		t.Errorf("runAsUser 0 with runAsNonRoot: %v", err)
	}
	c.SecurityContext = &corev1.SecurityContext{RunAsUser: iptr(65532), RunAsGroup: iptr(65533)}
	if uid, gid, err := ContainerUser(pod, c, "1000:1000"); err != nil || uid != 65532 || gid != 65533 {
		t.Errorf("container runAsUser wins: %d %d %v", uid, gid, err)
	}
	if _, _, err := ContainerUser(&corev1.Pod{}, &corev1.Container{}, "nonroot"); err == nil {
		t.Error("a user name was accepted")
	}
}

func TestArgvAsKubernetes(t *testing.T) {
	img := &Image{Config: v1.Config{Entrypoint: []string{"/solver"}, Cmd: []string{"--default"}}}
	env := map[string]string{"PORT": "8089"}
	for _, tc := range []struct {
		c    corev1.Container
		want string
	}{
		{corev1.Container{}, "/solver --default"},
		{corev1.Container{Args: []string{"--listen-port=$(PORT)", "$$(PORT)", "$(UNSET)"}}, "/solver --listen-port=8089 $(PORT) $(UNSET)"},
		{corev1.Container{Command: []string{"/other"}}, "/other"},
		{corev1.Container{Command: []string{"/other"}, Args: []string{"a"}}, "/other a"},
	} {
		got, err := Argv(&tc.c, img, env)
		if err != nil || strings.Join(got, " ") != tc.want {
			t.Errorf("Argv(%+v) = %q %v, want %q", tc.c, got, err, tc.want)
		}
	}
}

// staticSelf is this test binary, which must be static to run chrooted; it needs root too.
func staticSelf(t *testing.T) string {
	t.Helper()
	if os.Getuid() != 0 {
		t.Skip("needs root (chroot, setuid, namespaces, mounts)")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if f, err := elf.Open(self); err == nil {
		defer f.Close()
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				t.Skip("the test binary is dynamically linked; run with CGO_ENABLED=0")
			}
		}
	}
	return self
}

// selfRoot is a root filesystem holding this test binary as /bin/solver.
func selfRoot(t *testing.T) string {
	t.Helper()
	self := staticSelf(t)
	root := t.TempDir()
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "bin/solver"), data, 0o755); err != nil {
		t.Fatal(err)
	}
	return root
}

// Start runs the entrypoint chrooted, as the given user, in a network namespace of its own
// that only DialInNetns reaches. Needs root (chroot, setuid, namespaces).
func TestStartRunsChrootedInItsOwnNetworkNamespace(t *testing.T) {
	root := selfRoot(t)
	addr := "127.0.0.1:18089"
	proc, err := Start(root, []string{"/bin/solver", "--domain=x.test"}, []string{"KUBELET_TEST_SERVE=" + addr, "SOLVER_DOMAIN=x.test"}, "/", 1000, 1001, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer proc.Stop(time.Second)

	// Not on this namespace's loopback.
	if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
		c.Close()
		t.Fatal("the container's port is reachable outside its network namespace")
	}
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, a string) (net.Conn, error) {
		return DialInNetns(ctx, proc.Pid(), a)
	}}}
	var body string
	for i := 0; i < 50; i++ {
		resp, err := client.Get("http://" + addr + "/")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body = string(b)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if want := "uid=1000 gid=1001 env=x.test args=--domain=x.test hostproc=false"; body != want {
		t.Fatalf("container saw %q, want %q", body, want)
	}
	proc.Stop(2 * time.Second)
	select {
	case <-proc.Done():
	default:
		t.Fatal("still running after Stop")
	}
}
