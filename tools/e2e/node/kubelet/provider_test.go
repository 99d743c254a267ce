package kubelet

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/flowcontrol"
)

// statuses records every container waiting reason the provider reports, in order.
type statuses struct {
	mu      sync.Mutex
	reasons []string
	last    *corev1.Pod
}

func (s *statuses) notify(p *corev1.Pod) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.last = p
	if w := p.Status.ContainerStatuses[0].State.Waiting; w != nil && (len(s.reasons) == 0 || s.reasons[len(s.reasons)-1] != w.Reason) {
		s.reasons = append(s.reasons, w.Reason)
	}
}

func (s *statuses) seen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string{}, s.reasons...)
}

func drain(rec *record.FakeRecorder) []string {
	var out []string
	for {
		select {
		case e := <-rec.Events:
			out = append(out, e)
		default:
			return out
		}
	}
}

// Without a pull secret for the registry: ErrImagePull, then ImagePullBackOff, again after the
// backoff, with kubelet's events; a missing pull Secret is reported and skipped.
func TestPodWithoutCredentialsBacksOffLikeKubelet(t *testing.T) {
	host, good := privateRegistry(t)
	ref := pushSolverImage(t, host, good)
	secrets := map[string]*corev1.Secret{}
	rec := record.NewFakeRecorder(100)
	p := &Provider{Recorder: rec, Puller: &Puller{Transport: http.DefaultTransport, Dir: t.TempDir()},
		Backoff: flowcontrol.NewBackOff(300*time.Millisecond, time.Second), pods: map[string]*podState{},
		GetSecret: func(_ context.Context, ns, name string) (*corev1.Secret, error) {
			if s, ok := secrets[ns+"/"+name]; ok {
				return s, nil
			}
			return nil, apierrors.NewNotFound(schema.GroupResource{Resource: "secrets"}, name)
		}}
	st := &statuses{}
	p.NotifyPods(context.Background(), st.notify)
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "solver", UID: "u1"},
		Spec: corev1.PodSpec{ImagePullSecrets: []corev1.LocalObjectReference{{Name: "gone"}},
			Containers: []corev1.Container{{Name: "acmesolver", Image: ref}}}}
	if err := p.CreatePod(context.Background(), pod); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && len(st.seen()) < 5 {
		time.Sleep(50 * time.Millisecond)
	}
	if got := strings.Join(st.seen(), ","); !strings.HasPrefix(got, "ContainerCreating,ErrImagePull,ImagePullBackOff,ErrImagePull,ImagePullBackOff") {
		t.Fatalf("waiting reasons %s", got)
	}
	events := strings.Join(drain(rec), "\n")
	for _, want := range []string{
		"Warning FailedToRetrieveImagePullSecret Unable to retrieve some image pull secrets (gone); attempting to pull the image may not succeed.",
		`Normal Pulling Pulling image "` + ref + `"`,
		`Warning Failed Failed to pull image "` + ref + `": failed to pull and unpack image "` + ref + `": failed to resolve reference: unexpected status from GET request to`,
		"Warning Failed Error: ErrImagePull",
		`Normal BackOff Back-off pulling image "` + ref + `"`,
		"Warning Failed Error: ImagePullBackOff",
	} {
		if !strings.Contains(events, want) {
			t.Errorf("missing event %q in\n%s", want, events)
		}
	}
	pulled, _ := p.GetPod(context.Background(), "ns", "solver")
	if w := pulled.Status.ContainerStatuses[0].State.Waiting; w == nil || !strings.Contains(w.Message, "401 Unauthorized") {
		t.Errorf("waiting state %+v", w)
	}

	// The pull secret appears (as after `fix`): the next attempt pulls. Running the image is
	// covered by TestStartRunsChrootedInItsOwnNetworkNamespace; this image's entrypoint is a script.
	cfg, _ := json.Marshal(map[string]any{"auths": map[string]any{host: map[string]string{"username": good.Username, "password": good.Password}}})
	secrets["ns/gone"] = &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "gone"}, Type: corev1.SecretTypeDockerConfigJson,
		Data: map[string][]byte{corev1.DockerConfigJsonKey: cfg}}
	deadline = time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && !strings.Contains(strings.Join(drain(rec), "\n"), "Normal Pulled Successfully pulled image") {
		time.Sleep(50 * time.Millisecond)
	}
	if time.Now().After(deadline) {
		t.Fatal("never pulled after the pull secret appeared")
	}
	del := pod.DeepCopy()
	del.DeletionGracePeriodSeconds = new(int64)
	if err := p.DeletePod(context.Background(), del); err != nil {
		t.Fatal(err)
	}
	if _, err := p.GetPod(context.Background(), "ns", "solver"); err == nil {
		t.Error("pod still known after DeletePod")
	}
}
