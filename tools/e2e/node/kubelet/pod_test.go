package kubelet

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/flowcontrol"

	"tapacme/tools/e2e/node/oci"
)

// selfImage pushes this test binary as an image (entrypoint /bin/solver, the given user) to
// a private registry, and returns a provider that pulls from it with a pull secret "reg".
func selfImage(t *testing.T, users ...string) (*Provider, *record.FakeRecorder, []string) {
	t.Helper()
	self := staticSelf(t)
	host, good := privateRegistry(t)
	var refs []string
	for _, u := range users {
		img, err := oci.Binary{File: self, Entrypoint: "/bin/solver", User: u}.Image()
		if err != nil {
			t.Fatal(err)
		}
		ref := host + "/test/self:user" + u
		r, _ := name.ParseReference(ref)
		if err := remote.Write(r, img, remote.WithAuth(authn.FromConfig(authn.AuthConfig{Username: good.Username, Password: good.Password}))); err != nil {
			t.Fatal(err)
		}
		refs = append(refs, ref)
	}
	cfg, _ := json.Marshal(map[string]any{"auths": map[string]any{host: map[string]string{"username": good.Username, "password": good.Password}}})
	secret := &corev1.Secret{Type: corev1.SecretTypeDockerConfigJson, Data: map[string][]byte{corev1.DockerConfigJsonKey: cfg}}
	rec := record.NewFakeRecorder(1000)
	p := &Provider{Recorder: rec, Puller: &Puller{Transport: http.DefaultTransport, Dir: t.TempDir()}, PodDir: t.TempDir(),
		Backoff: flowcontrol.NewBackOff(200*time.Millisecond, time.Second), pods: map[string]*podState{},
		GetSecret: func(_ context.Context, _, n string) (*corev1.Secret, error) {
			if n == "reg" {
				return secret, nil
			}
			return nil, apierrors.NewNotFound(schema.GroupResource{Resource: "secrets"}, n)
		}}
	return p, rec, refs
}

// waitPod polls the provider's view of a Pod until ok holds.
func waitPod(t *testing.T, p *Provider, ns, n, what string, ok func(*corev1.Pod) bool) *corev1.Pod {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var last *corev1.Pod
	for time.Now().Before(deadline) {
		if pod, err := p.GetPod(context.Background(), ns, n); err == nil {
			last = pod
			if ok(pod) {
				return pod
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s: never happened; last status %+v", what, last.Status)
	return nil
}

// events collects the recorder's events as they come, for later assertions.
type events struct {
	rec *record.FakeRecorder
	all []string
}

func (e *events) has(sub string) bool {
	e.all = append(e.all, drain(e.rec)...)
	for _, x := range e.all {
		if strings.Contains(x, sub) {
			return true
		}
	}
	return false
}

func (e *events) wait(t *testing.T, sub string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !e.has(sub) {
		if time.Now().After(deadline) {
			t.Fatalf("no event %q in\n%s", sub, strings.Join(e.all, "\n"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func ready(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// A Pod as the watch's Deployment runs: non-root, read-only root with an emptyDir, readiness
// and liveness probes on a named port. Ready follows readiness; a failing liveness probe gets
// the container killed and restarted, with kubelet's events; deletion removes its volumes.
func TestPodProbesRestartAndVolumes(t *testing.T) {
	p, rec, refs := selfImage(t, "1000", "0")
	p.APIHost, p.APIPort = "127.0.0.1", "6443" // no APIAddr: nothing is forwarded in this test
	ev := &events{rec: rec}
	grace := int64(1)
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "watch", UID: "u-watch"},
		Spec: corev1.PodSpec{ImagePullSecrets: []corev1.LocalObjectReference{{Name: "reg"}}, RestartPolicy: corev1.RestartPolicyAlways,
			TerminationGracePeriodSeconds: &grace,
			SecurityContext:               &corev1.PodSecurityContext{RunAsNonRoot: bptr(true), RunAsUser: iptr(65532), RunAsGroup: iptr(65532)},
			Volumes:                       []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
			Containers: []corev1.Container{{Name: "c", Image: refs[0], Env: []corev1.EnvVar{{Name: "KUBELET_TEST_SERVE", Value: "127.0.0.1:18090"},
				// As virtual-kubelet adds them from the kubernetes Service.
				{Name: "KUBERNETES_SERVICE_HOST", Value: "10.96.0.1"}, {Name: "KUBERNETES_PORT_443_TCP_ADDR", Value: "10.96.0.1"}},
				Ports:           []corev1.ContainerPort{{Name: "health", ContainerPort: 18090}},
				SecurityContext: &corev1.SecurityContext{ReadOnlyRootFilesystem: bptr(true)},
				VolumeMounts:    []corev1.VolumeMount{{Name: "data", MountPath: "/data"}},
				ReadinessProbe:  &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/ready", Port: intstr.FromString("health")}}, PeriodSeconds: 1},
				LivenessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/live", Port: intstr.FromInt32(18090)}},
					PeriodSeconds: 1, FailureThreshold: 2}}}}}
	if err := p.CreatePod(context.Background(), pod); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(p.PodDir, "u-watch", "volumes", "data")
	running := waitPod(t, p, "ns", "watch", "running", func(p *corev1.Pod) bool { return p.Status.ContainerStatuses[0].State.Running != nil })
	if ready(running) || running.Status.ContainerStatuses[0].Ready {
		t.Error("ready before the readiness probe passed")
	}
	ev.wait(t, "Warning Unhealthy Readiness probe failed: HTTP probe failed with statuscode: 503")
	if st, err := os.Stat(data); err != nil || st.Mode().Perm() != 0o777 {
		t.Fatalf("emptyDir %v %v", st, err)
	}
	if err := os.WriteFile(filepath.Join(data, "ready"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	waitPod(t, p, "ns", "watch", "Ready after the readiness probe passed", ready)

	// The container runs as the Pod's user and writes only to its volume.
	pid := p.RunningPods("ns")[0].Pid
	if _, body := get(t, pid, "/"); !strings.HasPrefix(body, "uid=65532 gid=65532 ") {
		t.Errorf("container user: %q", body)
	}
	if _, body := get(t, pid, rw("write", "/tmp/x")); !strings.Contains(body, "read-only file system") {
		t.Errorf("write to the read-only root: %q", body)
	}
	if _, body := get(t, pid, rw("write", "/data/x")); body != "ok" {
		t.Errorf("write to the emptyDir: %q", body)
	}
	// The API server where this node forwards it, not the Service's unreachable cluster IP.
	for name, want := range map[string]string{"KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": "6443",
		"KUBERNETES_PORT_443_TCP_ADDR": "127.0.0.1", "KUBERNETES_PORT": "tcp://127.0.0.1:6443"} {
		if _, body := get(t, pid, "/env?name="+name); body != want {
			t.Errorf("%s=%q, want %q", name, body, want)
		}
	}

	if err := os.WriteFile(filepath.Join(data, "dead"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ev.wait(t, "Warning Unhealthy Liveness probe failed: HTTP probe failed with statuscode: 503")
	ev.wait(t, "Normal Killing Container c failed liveness probe, will be restarted")
	if err := os.Remove(filepath.Join(data, "dead")); err != nil {
		t.Fatal(err)
	}
	restarted := waitPod(t, p, "ns", "watch", "restarted and Ready", func(p *corev1.Pod) bool {
		cs := p.Status.ContainerStatuses[0]
		return cs.RestartCount == 1 && cs.State.Running != nil && ready(p)
	})
	if lt := restarted.Status.ContainerStatuses[0].LastTerminationState.Terminated; lt == nil || lt.ExitCode != 128+15 {
		t.Errorf("last termination %+v, want SIGTERM's 143", lt)
	}
	if b, err := os.ReadFile(filepath.Join(data, "x")); err != nil || string(b) != "written" {
		t.Errorf("the emptyDir did not survive the restart: %q %v", b, err)
	}

	// runAsNonRoot refuses an image that runs as root, as kubelet does.
	root := pod.DeepCopy()
	root.Name, root.UID, root.Spec.SecurityContext = "root", "u-root", &corev1.PodSecurityContext{RunAsNonRoot: bptr(true)}
	root.Spec.Containers[0].Image = refs[1]
	if err := p.CreatePod(context.Background(), root); err != nil {
		t.Fatal(err)
	}
	refused := waitPod(t, p, "ns", "root", "refused", func(p *corev1.Pod) bool {
		w := p.Status.ContainerStatuses[0].State.Waiting
		return w != nil && w.Reason == "CreateContainerConfigError"
	})
	if msg := refused.Status.ContainerStatuses[0].State.Waiting.Message; !strings.Contains(msg, "container has runAsNonRoot and image will run as root") {
		t.Errorf("refusal %q", msg)
	}

	for _, d := range []*corev1.Pod{pod, root} {
		del := d.DeepCopy()
		del.DeletionGracePeriodSeconds = &grace
		if err := p.DeletePod(context.Background(), del); err != nil {
			t.Fatal(err)
		}
	}
	for _, left := range []string{filepath.Join(p.PodDir, "u-watch"), filepath.Join(p.PodDir, "rootfs", "u-watch_c")} {
		if _, err := os.Stat(left); !os.IsNotExist(err) {
			t.Errorf("%s left after deletion: %v", left, err)
		}
	}
}
