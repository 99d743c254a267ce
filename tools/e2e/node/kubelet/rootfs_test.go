package kubelet

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// get asks the test server in a container's network namespace, retrying until it listens.
func get(t *testing.T, pid int, path string) (int, string) {
	t.Helper()
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true,
		DialContext: func(ctx context.Context, _, a string) (net.Conn, error) { return DialInNetns(ctx, pid, a) }}}
	var last error
	for i := 0; i < 50; i++ {
		resp, err := client.Get("http://127.0.0.1:18090" + path)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return resp.StatusCode, string(b)
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("GET %s: %v", path, last)
	return 0, ""
}

func rw(op, p string) string { return "/" + op + "?path=" + url.QueryEscape(p) }

// readOnlyRootFilesystem: the root refuses writes, a volume mounted in it takes them, a
// readOnly volumeMount refuses them; an image's absolute link (/var/run -> /run) leads a
// mount inside the root, never onto the node's own /run; /dev has the usual devices.
func TestRootfsReadOnlyWithWritableVolumes(t *testing.T) {
	image := selfRoot(t)
	if err := os.MkdirAll(filepath.Join(image, "run"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(image, "tmp"), 0o777); err != nil || os.Chmod(filepath.Join(image, "tmp"), 0o1777) != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(image, "var"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/run", filepath.Join(image, "var/run")); err != nil {
		t.Fatal(err)
	}
	vols := t.TempDir()
	for _, d := range []string{"data", "secrets"} {
		if err := os.MkdirAll(filepath.Join(vols, d), 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(filepath.Join(vols, d), 0o777); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(vols, "secrets/namespace"), []byte("ns1"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := &corev1.Container{Name: "c", SecurityContext: &corev1.SecurityContext{ReadOnlyRootFilesystem: bptr(true)},
		VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/data"},
			{Name: "secrets", MountPath: "/var/run/secrets/kubernetes.io/serviceaccount", ReadOnly: true}}}
	root, err := MountRootfs(image, filepath.Join(t.TempDir(), "rootfs"), c, func(n string) string { return filepath.Join(vols, n) })
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := root.Unmount(); err != nil {
			t.Error(err)
		}
		if _, err := os.Stat(root.Path); !os.IsNotExist(err) {
			t.Errorf("root %s left behind: %v", root.Path, err)
		}
	}()
	proc, err := Start(root.Path, []string{"/bin/solver"}, []string{"KUBELET_TEST_SERVE=127.0.0.1:18090"}, "/", 1000, 1000, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer proc.Stop(time.Second)
	pid := proc.Pid()
	if _, body := get(t, pid, rw("write", "/tmp/x")); !strings.Contains(body, "read-only file system") {
		t.Errorf("write to the read-only root: %q", body)
	}
	if _, body := get(t, pid, rw("write", "/data/x")); body != "ok" {
		t.Errorf("write to the emptyDir: %q", body)
	}
	if b, err := os.ReadFile(filepath.Join(vols, "data/x")); err != nil || string(b) != "written" {
		t.Errorf("the volume on the node holds %q %v", b, err)
	}
	if _, body := get(t, pid, rw("read", "/var/run/secrets/kubernetes.io/serviceaccount/namespace")); body != "ns1" {
		t.Errorf("read through the image's /var/run link: %q", body)
	}
	if _, body := get(t, pid, rw("write", "/var/run/secrets/kubernetes.io/serviceaccount/x")); !strings.Contains(body, "read-only file system") {
		t.Errorf("write to a readOnly volumeMount: %q", body)
	}
	if _, err := os.Stat(filepath.Join(image, "run/secrets/kubernetes.io/serviceaccount")); err != nil {
		t.Errorf("the mount point is not inside the image's root: %v", err)
	}
	if _, body := get(t, pid, rw("write", "/dev/null")); body != "ok" {
		t.Errorf("write to /dev/null: %q", body)
	}

	// tcpSocket and exec probes reach the container's namespace and root.
	pr := &Prober{Pid: pid, Root: root.Path, UID: 1000, GID: 1000, Container: c}
	probe := func(h corev1.ProbeHandler) error {
		return pr.Probe(context.Background(), &corev1.Probe{ProbeHandler: h})
	}
	if err := probe(corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(18090)}}); err != nil {
		t.Errorf("tcpSocket probe on the listening port: %v", err)
	}
	if err := probe(corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(18091)}}); err == nil {
		t.Error("tcpSocket probe passed on a closed port")
	}
	if err := probe(corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"/bin/solver", "probe", "/data/x"}}}); err != nil {
		t.Errorf("exec probe on a file in the container's volume: %v", err)
	}
	if err := probe(corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"/bin/solver", "probe", "/var/run/x"}}}); err == nil || !strings.Contains(err.Error(), "exit status 1") {
		t.Errorf("exec probe on a missing file: %v", err)
	}
}
