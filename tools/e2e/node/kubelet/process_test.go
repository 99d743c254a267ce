package kubelet

import (
	"context"
	"debug/elf"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The test binary doubles as a container entrypoint: with KUBELET_TEST_SERVE set it answers
// HTTP on that address with what it sees (uid, an env var, its args).
func TestMain(m *testing.M) {
	if addr := os.Getenv("KUBELET_TEST_SERVE"); addr != "" {
		_ = http.ListenAndServe(addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, root := os.Stat("/proc/1")
			fmt.Fprintf(w, "uid=%d gid=%d env=%s args=%s hostproc=%v", os.Getuid(), os.Getgid(), os.Getenv("SOLVER_DOMAIN"), strings.Join(os.Args[1:], ","), root == nil)
		}))
		os.Exit(2)
	}
	os.Exit(m.Run())
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

// Start runs the entrypoint chrooted, as the given user, in a network namespace of its own
// that only DialInNetns reaches. Needs root (chroot, setuid, namespaces).
func TestStartRunsChrootedInItsOwnNetworkNamespace(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if f, err := elf.Open(self); err == nil {
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				f.Close()
				t.Skip("the test binary is dynamically linked; run with CGO_ENABLED=0")
			}
		}
		f.Close()
	}
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
