package kubelet

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/virtual-kubelet/virtual-kubelet/errdefs"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/flowcontrol"
)

// Kubelet's image pull backoff (pkg/kubelet: backOffPeriod and MaxContainerBackOff); the crash
// backoff uses the same numbers.
const (
	backOffPeriod = 10 * time.Second
	maxBackOff    = 300 * time.Second
)

// Provider runs the Pods that virtual-kubelet hands it: pulls each container's image with the
// Pod's pull secrets and runs its entrypoint. virtual-kubelet does the node, the informers and
// the status updates; this reports what happened through NotifyPods.
type Provider struct {
	// GetSecret reads a Secret from the API server (as kubelet does, not from a cache).
	GetSecret func(ctx context.Context, namespace, name string) (*corev1.Secret, error)
	Recorder  record.EventRecorder
	Puller    *Puller
	LogDir    string
	// The API server as Pods see it, inside their own network namespace: the provider listens
	// there on APIHost:APIPort and forwards to APIAddr in its own.
	APIHost, APIPort, APIAddr string
	Backoff                   *flowcontrol.Backoff
	NodeCredentials           string // the node's own docker config.json, tried after the Pod's secrets; empty: none
	// Client reads ConfigMaps and Secrets for volumes and requests ServiceAccount tokens.
	Client kubernetes.Interface
	// PodDir holds each Pod's volumes (<uid>/volumes) and its containers' roots (rootfs/).
	PodDir string
	// RefreshEvery is how often projected volumes are written again (kubelet: its sync period).
	RefreshEvery time.Duration
	// TokenRefreshAt overrides kubelet's rule for when a token is requested again (tests).
	TokenRefreshAt func(iat, exp time.Time) time.Time

	mu     sync.Mutex
	pods   map[string]*podState
	notify func(*corev1.Pod)
}

type podState struct {
	pod    *corev1.Pod
	cancel context.CancelFunc
	done   chan struct{}
	procs  map[string]*Process
	vols   *Volumes
}

// NewProvider makes a Provider with kubelet's backoff.
func NewProvider(client kubernetes.Interface, rec record.EventRecorder, puller *Puller, logDir, podDir string) *Provider {
	get := func(ctx context.Context, ns, name string) (*corev1.Secret, error) {
		return client.CoreV1().Secrets(ns).Get(ctx, name, metav1.GetOptions{})
	}
	return &Provider{GetSecret: get, Recorder: rec, Puller: puller, LogDir: logDir, Client: client, PodDir: podDir, RefreshEvery: time.Minute,
		Backoff: flowcontrol.NewBackOff(backOffPeriod, maxBackOff), pods: map[string]*podState{}}
}

func key(ns, name string) string { return ns + "/" + name }

// NotifyPods registers virtual-kubelet's status callback.
func (p *Provider) NotifyPods(_ context.Context, f func(*corev1.Pod)) {
	p.mu.Lock()
	p.notify = f
	p.mu.Unlock()
}

// CreatePod starts the Pod's containers in the background and reports Pending until then.
func (p *Provider) CreatePod(_ context.Context, pod *corev1.Pod) error {
	pod = pod.DeepCopy()
	now := metav1.Now()
	pod.Status = corev1.PodStatus{Phase: corev1.PodPending, HostIP: "127.0.0.1", StartTime: &now,
		HostIPs: []corev1.HostIP{{IP: "127.0.0.1"}}, QOSClass: pod.Status.QOSClass,
		Conditions: []corev1.PodCondition{
			{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: now},
			{Type: corev1.PodInitialized, Status: corev1.ConditionTrue, LastTransitionTime: now},
			{Type: corev1.ContainersReady, Status: corev1.ConditionFalse, Reason: "ContainersNotReady", LastTransitionTime: now},
			{Type: corev1.PodReady, Status: corev1.ConditionFalse, Reason: "ContainersNotReady", LastTransitionTime: now},
		}}
	for _, c := range pod.Spec.Containers {
		pod.Status.ContainerStatuses = append(pod.Status.ContainerStatuses, corev1.ContainerStatus{Name: c.Name, Image: c.Image,
			State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}}})
	}
	ctx, cancel := context.WithCancel(context.Background())
	st := &podState{pod: pod, cancel: cancel, done: make(chan struct{}), procs: map[string]*Process{}}
	p.mu.Lock()
	if old, ok := p.pods[key(pod.Namespace, pod.Name)]; ok && old.pod.UID == pod.UID {
		p.mu.Unlock()
		cancel()
		return nil
	}
	p.pods[key(pod.Namespace, pod.Name)] = st
	p.mu.Unlock()
	p.publish(st)
	go func() {
		defer close(st.done)
		if !p.mountVolumes(ctx, st) {
			return
		}
		var wg sync.WaitGroup
		for i := range pod.Spec.Containers {
			wg.Add(1)
			go func() { defer wg.Done(); p.runContainer(ctx, st, i) }()
		}
		wg.Wait()
	}()
	return nil
}

// UpdatePod: a running Pod's spec cannot change in ways this node acts on.
func (p *Provider) UpdatePod(context.Context, *corev1.Pod) error { return nil }

// DeletePod stops the Pod's processes (SIGTERM, then SIGKILL after the grace period) and
// reports its containers terminated.
func (p *Provider) DeletePod(_ context.Context, pod *corev1.Pod) error {
	p.mu.Lock()
	st, ok := p.pods[key(pod.Namespace, pod.Name)]
	p.mu.Unlock()
	if !ok {
		return errdefs.NotFound("pod not found")
	}
	grace := 30 * time.Second
	if pod.DeletionGracePeriodSeconds != nil {
		grace = time.Duration(*pod.DeletionGracePeriodSeconds) * time.Second
	}
	p.stopPod(st, grace)
	<-st.done
	p.unmountVolumes(st)
	p.mu.Lock()
	delete(p.pods, key(pod.Namespace, pod.Name))
	final := st.pod.DeepCopy()
	p.mu.Unlock()
	now := metav1.Now()
	final.Status.Phase = corev1.PodSucceeded
	for i, cs := range final.Status.ContainerStatuses {
		t := &corev1.ContainerStateTerminated{Reason: "Completed", ExitCode: 0, FinishedAt: now}
		if cs.State.Running != nil {
			t.StartedAt = cs.State.Running.StartedAt
		}
		final.Status.ContainerStatuses[i].State = corev1.ContainerState{Terminated: t}
		final.Status.ContainerStatuses[i].Ready = false
	}
	final.DeletionTimestamp = pod.DeletionTimestamp
	p.mu.Lock()
	f := p.notify
	p.mu.Unlock()
	if f != nil {
		f(final)
	}
	// As kubelet's status manager does once the containers have stopped: remove the Pod object
	// now (virtual-kubelet alone would wait out the whole grace period, and namespaces with it).
	if p.Client != nil && pod.DeletionTimestamp != nil {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			err := p.Client.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, metav1.DeleteOptions{GracePeriodSeconds: new(int64), Preconditions: metav1.NewUIDPreconditions(string(pod.UID))})
			if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
				fmt.Fprintf(os.Stderr, "deleting pod %s/%s: %v\n", pod.Namespace, pod.Name, err)
			}
		}()
	}
	return nil
}

// GetPod returns the Pod as this node last reported it.
func (p *Provider) GetPod(_ context.Context, ns, name string) (*corev1.Pod, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	st, ok := p.pods[key(ns, name)]
	if !ok {
		return nil, errdefs.NotFoundf("pod %s/%s not found", ns, name)
	}
	return st.pod.DeepCopy(), nil
}

// GetPodStatus returns the Pod's status as this node last reported it.
func (p *Provider) GetPodStatus(ctx context.Context, ns, name string) (*corev1.PodStatus, error) {
	pod, err := p.GetPod(ctx, ns, name)
	if err != nil {
		return nil, err
	}
	return &pod.Status, nil
}

// GetPods lists the Pods on this node.
func (p *Provider) GetPods(context.Context) ([]*corev1.Pod, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]*corev1.Pod, 0, len(p.pods))
	for _, st := range p.pods {
		out = append(out, st.pod.DeepCopy())
	}
	return out, nil
}

// Running is a Pod with a running container process, for the router.
type Running struct {
	Pod *corev1.Pod
	Pid int
}

// RunningPods lists Pods of a namespace whose containers all run.
func (p *Provider) RunningPods(ns string) []Running {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Running
	for _, st := range p.pods {
		if st.pod.Namespace != ns || st.pod.Status.Phase != corev1.PodRunning || len(st.procs) == 0 {
			continue
		}
		for _, pr := range st.procs {
			out = append(out, Running{Pod: st.pod.DeepCopy(), Pid: pr.Pid()})
			break
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Pod.Name < out[j].Pod.Name })
	return out
}

// publish hands the current status to virtual-kubelet.
func (p *Provider) publish(st *podState) {
	p.mu.Lock()
	pod := st.pod.DeepCopy()
	f := p.notify
	p.mu.Unlock()
	if f != nil {
		f(pod)
	}
}

// setContainer changes one container's status and the Pod's phase and conditions with it.
func (p *Provider) setContainer(st *podState, i int, mut func(*corev1.ContainerStatus)) {
	p.mu.Lock()
	mut(&st.pod.Status.ContainerStatuses[i])
	allReady, anyRunning := true, false
	for _, cs := range st.pod.Status.ContainerStatuses {
		allReady = allReady && cs.Ready
		anyRunning = anyRunning || cs.State.Running != nil
	}
	if anyRunning {
		st.pod.Status.Phase = corev1.PodRunning
	}
	now := metav1.Now()
	for j, c := range st.pod.Status.Conditions {
		if c.Type != corev1.PodReady && c.Type != corev1.ContainersReady {
			continue
		}
		want, reason := corev1.ConditionFalse, "ContainersNotReady"
		if allReady {
			want, reason = corev1.ConditionTrue, ""
		}
		if c.Status != want {
			st.pod.Status.Conditions[j] = corev1.PodCondition{Type: c.Type, Status: want, Reason: reason, LastTransitionTime: now}
		}
	}
	p.mu.Unlock()
	p.publish(st)
}

func (p *Provider) event(pod *corev1.Pod, container, typ, reason, msg string) {
	ref := &corev1.ObjectReference{Kind: "Pod", APIVersion: "v1", Namespace: pod.Namespace, Name: pod.Name, UID: pod.UID,
		ResourceVersion: pod.ResourceVersion, FieldPath: fmt.Sprintf("spec.containers{%s}", container)}
	p.Recorder.Event(ref, typ, reason, msg)
}

// sleep waits for d or until the Pod is deleted (false).
func sleep(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}

func ptr[T any](v T) *T { return &v }

// ensureImage is kubelet's EnsureImageExists: while in backoff it reports ImagePullBackOff;
// otherwise it pulls with the Pod's pull secrets and reports ErrImagePull on failure.
func (p *Provider) ensureImage(ctx context.Context, st *podState, i int, pod *corev1.Pod, c *corev1.Container, backoffKey string) (*Image, error) {
	if p.Backoff.IsInBackOffSinceUpdate(backoffKey, time.Now()) {
		msg := fmt.Sprintf("Back-off pulling image %q", c.Image)
		p.event(pod, c.Name, corev1.EventTypeNormal, "BackOff", msg)
		p.event(pod, c.Name, corev1.EventTypeWarning, "Failed", "Error: ImagePullBackOff")
		p.mu.Lock()
		last := ""
		if w := st.pod.Status.ContainerStatuses[i].State.Waiting; w != nil && w.Reason == "ErrImagePull" {
			last = ": ErrImagePull: " + w.Message
		} else if w != nil && w.Reason == "ImagePullBackOff" {
			last = strings.TrimPrefix(w.Message, msg)
		}
		p.mu.Unlock()
		p.setContainer(st, i, func(cs *corev1.ContainerStatus) {
			cs.State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ImagePullBackOff", Message: msg + last}}
		})
		// Sleep out the backoff, then pull again.
		for p.Backoff.IsInBackOffSinceUpdate(backoffKey, time.Now()) {
			if !sleep(ctx, 500*time.Millisecond) {
				return nil, ctx.Err()
			}
		}
		return nil, fmt.Errorf("backoff")
	}
	keyring, err := p.keyring(ctx, pod)
	if err != nil {
		return nil, err
	}
	repo, err := Repository(c.Image)
	if err != nil {
		p.event(pod, c.Name, corev1.EventTypeWarning, "InspectFailed", fmt.Sprintf("Failed to apply default image tag %q: %v", c.Image, err))
		p.setContainer(st, i, func(cs *corev1.ContainerStatus) {
			cs.State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "InvalidImageName", Message: err.Error()}}
		})
		return nil, err
	}
	p.event(pod, c.Name, corev1.EventTypeNormal, "Pulling", fmt.Sprintf("Pulling image %q", c.Image))
	t0 := time.Now()
	img, err := p.Puller.Pull(ctx, c.Image, keyring.Lookup(repo))
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		p.Backoff.Next(backoffKey, time.Now())
		p.event(pod, c.Name, corev1.EventTypeWarning, "Failed", fmt.Sprintf("Failed to pull image %q: %v", c.Image, err))
		p.event(pod, c.Name, corev1.EventTypeWarning, "Failed", "Error: ErrImagePull")
		p.setContainer(st, i, func(cs *corev1.ContainerStatus) {
			cs.State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ErrImagePull", Message: err.Error()}}
		})
		return nil, err
	}
	d := time.Since(t0).Round(time.Millisecond)
	p.event(pod, c.Name, corev1.EventTypeNormal, "Pulled",
		fmt.Sprintf("Successfully pulled image %q in %s (%s including waiting). Image size: %d bytes.", c.Image, d, d, img.Size))
	return img, nil
}

// keyring reads the Pod's imagePullSecrets (which admission filled from its ServiceAccount)
// from the API server; missing ones are reported as kubelet reports them, and skipped.
func (p *Provider) keyring(ctx context.Context, pod *corev1.Pod) (*Keyring, error) {
	var secrets []*corev1.Secret
	var missing []string
	for _, ref := range pod.Spec.ImagePullSecrets {
		s, err := p.GetSecret(ctx, pod.Namespace, ref.Name)
		if apierrors.IsNotFound(err) {
			missing = append(missing, ref.Name)
			continue
		}
		if err != nil {
			return nil, err
		}
		secrets = append(secrets, s)
	}
	if len(missing) > 0 {
		p.Recorder.Eventf(pod, corev1.EventTypeWarning, "FailedToRetrieveImagePullSecret",
			"Unable to retrieve some image pull secrets (%s); attempting to pull the image may not succeed.", strings.Join(missing, ", "))
	}
	k, errs := SecretsKeyring(secrets)
	for _, e := range errs {
		fmt.Fprintf(os.Stderr, "pull secrets of %s/%s: %v\n", pod.Namespace, pod.Name, e)
	}
	return k.WithNode(p.nodeKeyring()), nil
}

// StopAll stops every Pod's processes, for the node's shutdown.
func (p *Provider) StopAll(grace time.Duration) {
	p.mu.Lock()
	var all []*podState
	for _, st := range p.pods {
		all = append(all, st)
	}
	p.mu.Unlock()
	for _, st := range all {
		p.stopPod(st, grace)
		<-st.done
		p.unmountVolumes(st)
	}
}

// stopPod cancels a Pod's work and stops its processes, each within the grace period.
func (p *Provider) stopPod(st *podState, grace time.Duration) {
	st.cancel()
	p.mu.Lock()
	procs := make([]*Process, 0, len(st.procs))
	for _, pr := range st.procs {
		procs = append(procs, pr)
	}
	p.mu.Unlock()
	for _, pr := range procs {
		pr.Stop(grace)
	}
}
