package kubelet

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// container is one started container: its process, its root and what its probes need.
type container struct {
	proc   *Process
	root   *Rootfs
	prober *Prober
}

// mountVolumes sets the Pod's volumes up, retrying (with kubelet's FailedMount event) until it
// works or the Pod is deleted, then keeps the projected ones fresh.
func (p *Provider) mountVolumes(ctx context.Context, st *podState) bool {
	pod := st.pod.DeepCopy()
	v := &Volumes{Client: p.Client, Dir: filepath.Join(p.PodDir, string(pod.UID)), Pod: pod, RefreshAt: p.TokenRefreshAt}
	p.mu.Lock()
	st.vols = v
	p.mu.Unlock()
	for {
		err := v.Setup(ctx)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return false
		}
		p.Recorder.Event(pod, corev1.EventTypeWarning, "FailedMount", err.Error())
		if !sleep(ctx, 2*time.Second) {
			return false
		}
	}
	if p.RefreshEvery > 0 {
		go func() {
			for sleep(ctx, p.RefreshEvery) {
				if err := v.Refresh(ctx); err != nil && ctx.Err() == nil {
					fmt.Fprintf(os.Stderr, "volumes of %s/%s: %v\n", pod.Namespace, pod.Name, err)
				}
			}
		}()
	}
	return true
}

func (p *Provider) unmountVolumes(st *podState) {
	p.mu.Lock()
	v := st.vols
	p.mu.Unlock()
	if v == nil {
		return
	}
	if err := v.Teardown(); err != nil {
		fmt.Fprintf(os.Stderr, "volumes of %s/%s: %v\n", st.pod.Namespace, st.pod.Name, err)
	}
}

// runContainer pulls the container's image and runs it, until the Pod is deleted.
func (p *Provider) runContainer(ctx context.Context, st *podState, i int) {
	pod := st.pod.DeepCopy()
	c := pod.Spec.Containers[i]
	backoffKey := fmt.Sprintf("%s_%s", pod.UID, c.Image)
	var img *Image
	for img == nil {
		var err error
		img, err = p.ensureImage(ctx, st, i, pod, &c, backoffKey)
		if ctx.Err() != nil {
			return
		}
		// Kubelet syncs the Pod again right away: the backoff check then reports ImagePullBackOff.
		if err != nil && !sleep(ctx, 100*time.Millisecond) {
			return
		}
	}
	restarts := int32(0)
	crashKey := fmt.Sprintf("%s_%s_crash", pod.UID, c.Name)
	grace := 30 * time.Second
	if pod.Spec.TerminationGracePeriodSeconds != nil {
		grace = time.Duration(*pod.Spec.TerminationGracePeriodSeconds) * time.Second
	}
	for {
		ct, err := p.start(st, pod, &c, img)
		if err != nil {
			p.event(pod, c.Name, corev1.EventTypeWarning, "Failed", "Error: "+err.Error())
			p.setContainer(st, i, func(cs *corev1.ContainerStatus) {
				cs.State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CreateContainerConfigError", Message: err.Error()}}
			})
			if !sleep(ctx, backOffPeriod) {
				return
			}
			continue
		}
		proc := ct.proc
		started := metav1.Now()
		p.event(pod, c.Name, corev1.EventTypeNormal, "Started", fmt.Sprintf("Started container %s", c.Name))
		p.mu.Lock()
		st.procs[c.Name] = proc
		p.mu.Unlock()
		// Without a readiness probe a running container is ready; with one, once it passes.
		p.setContainer(st, i, func(cs *corev1.ContainerStatus) {
			cs.State = corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: started}}
			cs.Ready, cs.Started, cs.RestartCount = c.ReadinessProbe == nil, ptr(true), restarts
			cs.ImageID, cs.ContainerID = img.Digest, fmt.Sprintf("tapacme-e2e://%d", proc.Pid())
		})
		pctx, stopProbes := context.WithCancel(ctx)
		p.probe(pctx, st, i, pod, &c, ct, grace)
		select {
		case <-ctx.Done():
		case <-proc.Done():
		}
		stopProbes()
		if ctx.Err() != nil {
			// stopPod stops the processes it knows; this one may have started just after it looked.
			proc.Stop(grace)
			p.unmountRoot(ct.root)
			return
		}
		p.unmountRoot(ct.root)
		code := int32(proc.ExitCode())
		p.mu.Lock()
		delete(st.procs, c.Name)
		p.mu.Unlock()
		term := &corev1.ContainerStateTerminated{ExitCode: code, StartedAt: started, FinishedAt: metav1.Now(), Reason: "Completed"}
		if code != 0 {
			term.Reason = "Error"
		}
		policy := pod.Spec.RestartPolicy
		if policy == corev1.RestartPolicyNever || (policy == corev1.RestartPolicyOnFailure && code == 0) {
			p.setContainer(st, i, func(cs *corev1.ContainerStatus) { cs.State, cs.Ready = corev1.ContainerState{Terminated: term}, false })
			p.mu.Lock()
			st.pod.Status.Phase = corev1.PodSucceeded
			if code != 0 {
				st.pod.Status.Phase = corev1.PodFailed
			}
			p.mu.Unlock()
			p.publish(st)
			return
		}
		p.Backoff.Next(crashKey, time.Now())
		wait := p.Backoff.Get(crashKey)
		restarts++
		p.event(pod, c.Name, corev1.EventTypeWarning, "BackOff", fmt.Sprintf("Back-off restarting failed container %s in pod %s_%s(%s)", c.Name, pod.Name, pod.Namespace, pod.UID))
		p.setContainer(st, i, func(cs *corev1.ContainerStatus) {
			cs.State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff",
				Message: fmt.Sprintf("back-off %s restarting failed container=%s pod=%s_%s(%s)", wait, c.Name, pod.Name, pod.Namespace, pod.UID)}}
			cs.LastTerminationState, cs.Ready, cs.RestartCount = corev1.ContainerState{Terminated: term}, false, restarts
		})
		if !sleep(ctx, wait) {
			return
		}
	}
}

func (p *Provider) unmountRoot(r *Rootfs) {
	if err := r.Unmount(); err != nil {
		fmt.Fprintf(os.Stderr, "container root: %v\n", err)
	}
}

// probe starts the container's readiness and liveness probes: readiness sets Ready, a failed
// liveness probe stops the container (the restart policy then restarts it), with kubelet's events.
func (p *Provider) probe(ctx context.Context, st *podState, i int, pod *corev1.Pod, c *corev1.Container, ct *container, grace time.Duration) {
	if pr := c.ReadinessProbe; pr != nil {
		go probeLoop(ctx, pr, false, func(ctx context.Context) error { return ct.prober.Probe(ctx, pr) }, func(ok bool, err error) {
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				p.event(pod, c.Name, corev1.EventTypeWarning, "Unhealthy", "Readiness probe failed: "+err.Error())
			}
			p.setContainer(st, i, func(cs *corev1.ContainerStatus) {
				if cs.State.Running != nil {
					cs.Ready = ok
				}
			})
		})
	}
	if pr := c.LivenessProbe; pr != nil {
		lctx, stop := context.WithCancel(ctx)
		go probeLoop(lctx, pr, true, func(ctx context.Context) error { return ct.prober.Probe(ctx, pr) }, func(ok bool, err error) {
			if lctx.Err() != nil {
				return
			}
			if err != nil {
				p.event(pod, c.Name, corev1.EventTypeWarning, "Unhealthy", "Liveness probe failed: "+err.Error())
			}
			if !ok {
				stop()
				p.event(pod, c.Name, corev1.EventTypeNormal, "Killing", fmt.Sprintf("Container %s failed liveness probe, will be restarted", c.Name))
				go ct.proc.Stop(grace)
			}
		})
	}
}

// start runs one container of a pulled image in a root of its own with the Pod's volumes.
func (p *Provider) start(st *podState, pod *corev1.Pod, c *corev1.Container, img *Image) (*container, error) {
	if p.PodDir == "" {
		return nil, fmt.Errorf("the node has no folder for Pods")
	}
	uid, gid, err := ContainerUser(pod, c, img.Config.User)
	if err != nil {
		return nil, err
	}
	env := map[string]string{}
	var order []string
	set := func(k, v string) {
		if _, ok := env[k]; !ok {
			order = append(order, k)
		}
		env[k] = v
	}
	for _, kv := range img.Config.Env {
		k, v, _ := strings.Cut(kv, "=")
		set(k, v)
	}
	set("HOSTNAME", pod.Name)
	// virtual-kubelet has resolved valueFrom (downward API, Secrets, ConfigMaps) into value, and
	// added the Services' variables, the kubernetes Service's among them.
	for _, e := range c.Env {
		set(e.Name, expand(e.Value, env))
	}
	// Without kube-proxy the kubernetes Service's cluster IP leads nowhere: its variables name
	// the loopback address where this node forwards to the API server instead.
	if p.APIHost != "" {
		tcp := "tcp://" + p.APIHost + ":" + p.APIPort
		// The first three always; the others where virtual-kubelet set them.
		for i, kv := range [][2]string{{"KUBERNETES_SERVICE_HOST", p.APIHost}, {"KUBERNETES_SERVICE_PORT", p.APIPort}, {"KUBERNETES_PORT", tcp},
			{"KUBERNETES_SERVICE_PORT_HTTPS", p.APIPort}, {"KUBERNETES_PORT_443_TCP", tcp}, {"KUBERNETES_PORT_443_TCP_ADDR", p.APIHost},
			{"KUBERNETES_PORT_443_TCP_PORT", p.APIPort}, {"KUBERNETES_PORT_443_TCP_PROTO", "tcp"}} {
			if _, ok := env[kv[0]]; ok || i < 3 {
				set(kv[0], kv[1])
			}
		}
	}
	argv, err := Argv(c, img, env)
	if err != nil {
		return nil, err
	}
	list := make([]string, 0, len(order))
	for _, k := range order {
		list = append(list, k+"="+env[k])
	}
	workDir := c.WorkingDir
	if workDir == "" {
		workDir = img.Config.WorkingDir
	}
	p.mu.Lock()
	vols := st.vols
	p.mu.Unlock()
	volumePath := func(name string) string {
		for _, v := range pod.Spec.Volumes {
			if v.Name == name && vols != nil {
				return vols.Path(name)
			}
		}
		return ""
	}
	root, err := MountRootfs(img.Rootfs, filepath.Join(p.PodDir, "rootfs", fmt.Sprintf("%s_%s", pod.UID, c.Name)), c, volumePath)
	if err != nil {
		return nil, err
	}
	p.event(pod, c.Name, corev1.EventTypeNormal, "Created", fmt.Sprintf("Created container: %s", c.Name))
	var log io.Writer = io.Discard
	if p.LogDir != "" {
		f, err := os.OpenFile(filepath.Join(p.LogDir, fmt.Sprintf("%s_%s_%s.log", pod.Namespace, pod.Name, c.Name)), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err == nil {
			defer f.Close()
			log = f
		}
	}
	proc, err := Start(root.Path, argv, list, workDir, uid, gid, log)
	if err != nil {
		p.unmountRoot(root)
		return nil, err
	}
	if p.APIAddr != "" {
		if err := p.forwardAPI(proc); err != nil {
			proc.Stop(0)
			p.unmountRoot(root)
			return nil, err
		}
	}
	return &container{proc: proc, root: root, prober: &Prober{Pid: proc.Pid(), Root: root.Path, UID: uid, GID: gid, Container: c, Env: list}}, nil
}
