package kubelet

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
	authv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// Volumes are a Pod's volumes on this node: a folder each under <PodDir>/<uid>/volumes, filled
// as kubelet fills them. Projected, configMap, secret and downwardAPI volumes are written again
// at every refresh (atomically, as kubelet's AtomicWriter: files are links into ..data); the
// ServiceAccount tokens in them are requested again once 80% of their life has passed.
type Volumes struct {
	Client kubernetes.Interface
	Dir    string // <PodDir>/<uid>
	Pod    *corev1.Pod
	// RefreshAt says when a token issued at iat that expires at exp is requested again
	// (kubelet: after 80% of its life, or 24 hours); tests shorten it.
	RefreshAt func(iat, exp time.Time) time.Time

	mu     sync.Mutex
	tokens map[string]token // by volume/path
}

type token struct {
	value   string
	refresh time.Time
}

// file is one file of a projected volume.
type file struct {
	data []byte
	mode os.FileMode
	uid  int // -1: root's
}

// KubeletRefreshAt is kubelet's token manager rule.
func KubeletRefreshAt(iat, exp time.Time) time.Time {
	at := iat.Add(exp.Sub(iat) * 8 / 10)
	if day := iat.Add(24 * time.Hour); day.Before(at) {
		return day
	}
	return at
}

// Path is the folder of a volume.
func (v *Volumes) Path(name string) string { return filepath.Join(v.Dir, "volumes", name) }

// Setup creates every volume of the Pod, or fails with kubelet's MountVolume.SetUp message.
func (v *Volumes) Setup(ctx context.Context) error {
	for _, vol := range v.Pod.Spec.Volumes {
		dir := v.Path(vol.Name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		var err error
		switch {
		case vol.EmptyDir != nil:
			err = v.emptyDir(dir, vol.EmptyDir)
		case vol.Projected != nil, vol.ConfigMap != nil, vol.Secret != nil, vol.DownwardAPI != nil:
			err = v.write(ctx, vol)
		default:
			err = fmt.Errorf("this node supports emptyDir, projected, configMap, secret and downwardAPI volumes only")
		}
		if err != nil {
			return fmt.Errorf("MountVolume.SetUp failed for volume %q : %w", vol.Name, err)
		}
	}
	return nil
}

// Refresh writes the projected volumes again (new ConfigMap or Secret data, a new token when due).
func (v *Volumes) Refresh(ctx context.Context) error {
	for _, vol := range v.Pod.Spec.Volumes {
		if vol.Projected != nil || vol.ConfigMap != nil || vol.Secret != nil || vol.DownwardAPI != nil {
			if err := v.write(ctx, vol); err != nil {
				return fmt.Errorf("volume %q: %w", vol.Name, err)
			}
		}
	}
	return nil
}

// Teardown unmounts memory-backed emptyDirs and removes the Pod's folder. It removes nothing
// while a mount is left under it.
func (v *Volumes) Teardown() error {
	for _, vol := range v.Pod.Spec.Volumes {
		if vol.EmptyDir != nil && vol.EmptyDir.Medium == corev1.StorageMediumMemory {
			if err := unix.Unmount(v.Path(vol.Name), unix.MNT_DETACH); err != nil && err != unix.EINVAL && err != unix.ENOENT {
				return fmt.Errorf("unmount %s: %w", v.Path(vol.Name), err)
			}
		}
	}
	return os.RemoveAll(v.Dir)
}

// emptyDir: a world-writable folder (kubelet makes it 0777), tmpfs for medium Memory.
func (v *Volumes) emptyDir(dir string, e *corev1.EmptyDirVolumeSource) error {
	if e.Medium == corev1.StorageMediumMemory {
		opts := "mode=0777"
		if e.SizeLimit != nil && !e.SizeLimit.IsZero() {
			opts += fmt.Sprintf(",size=%d", e.SizeLimit.Value())
		}
		if err := unix.Mount("tmpfs", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, opts); err != nil {
			return fmt.Errorf("tmpfs: %w", err)
		}
	}
	return os.Chmod(dir, 0o777)
}

func mode(item, def *int32) os.FileMode {
	if item != nil {
		return os.FileMode(*item)
	}
	if def != nil {
		return os.FileMode(*def)
	}
	return 0o644
}

// write projects the volume's sources and swaps them in at once.
func (v *Volumes) write(ctx context.Context, vol corev1.Volume) error {
	files := map[string]file{}
	add := func(f map[string]file) {
		for k, x := range f {
			files[k] = x
		}
	}
	switch {
	case vol.ConfigMap != nil:
		f, err := v.configMap(ctx, vol.ConfigMap.Name, vol.ConfigMap.Items, vol.ConfigMap.Optional, vol.ConfigMap.DefaultMode)
		if err != nil {
			return err
		}
		add(f)
	case vol.Secret != nil:
		f, err := v.secret(ctx, vol.Secret.SecretName, vol.Secret.Items, vol.Secret.Optional, vol.Secret.DefaultMode)
		if err != nil {
			return err
		}
		add(f)
	case vol.DownwardAPI != nil:
		f, err := v.downward(vol.DownwardAPI.Items, vol.DownwardAPI.DefaultMode)
		if err != nil {
			return err
		}
		add(f)
	case vol.Projected != nil:
		def := vol.Projected.DefaultMode
		for _, s := range vol.Projected.Sources {
			var f map[string]file
			var err error
			switch {
			case s.ConfigMap != nil:
				f, err = v.configMap(ctx, s.ConfigMap.Name, s.ConfigMap.Items, s.ConfigMap.Optional, def)
			case s.Secret != nil:
				f, err = v.secret(ctx, s.Secret.Name, s.Secret.Items, s.Secret.Optional, def)
			case s.DownwardAPI != nil:
				f, err = v.downward(s.DownwardAPI.Items, def)
			case s.ServiceAccountToken != nil:
				f, err = v.token(ctx, vol.Name, s.ServiceAccountToken, def)
			default:
				err = fmt.Errorf("this node does not project that source (clusterTrustBundle, podCertificate)")
			}
			if err != nil {
				return err
			}
			add(f)
		}
	}
	return atomicWrite(v.Path(vol.Name), files)
}

func (v *Volumes) configMap(ctx context.Context, name string, items []corev1.KeyToPath, optional *bool, def *int32) (map[string]file, error) {
	cm, err := v.Client.CoreV1().ConfigMaps(v.Pod.Namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) && optional != nil && *optional {
		return nil, nil
	}
	if err != nil {
		if apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("configmap %q not found", name)
		}
		return nil, err
	}
	data := map[string][]byte{}
	for k, s := range cm.Data {
		data[k] = []byte(s)
	}
	for k, b := range cm.BinaryData {
		data[k] = b
	}
	return pick(data, items, def, "configmap", name, optional)
}

func (v *Volumes) secret(ctx context.Context, name string, items []corev1.KeyToPath, optional *bool, def *int32) (map[string]file, error) {
	s, err := v.Client.CoreV1().Secrets(v.Pod.Namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) && optional != nil && *optional {
		return nil, nil
	}
	if err != nil {
		if apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("secret %q not found", name)
		}
		return nil, err
	}
	return pick(s.Data, items, def, "secret", name, optional)
}

// pick is every key as a file, or only the items (a missing key is an error unless optional).
func pick(data map[string][]byte, items []corev1.KeyToPath, def *int32, kind, name string, optional *bool) (map[string]file, error) {
	out := map[string]file{}
	if len(items) == 0 {
		for k, b := range data {
			out[k] = file{data: b, mode: mode(nil, def), uid: -1}
		}
		return out, nil
	}
	for _, it := range items {
		b, ok := data[it.Key]
		if !ok {
			if optional != nil && *optional {
				continue
			}
			return nil, fmt.Errorf("%s %q has no key %q", kind, name, it.Key)
		}
		out[it.Path] = file{data: b, mode: mode(it.Mode, def), uid: -1}
	}
	return out, nil
}

func (v *Volumes) downward(items []corev1.DownwardAPIVolumeFile, def *int32) (map[string]file, error) {
	out := map[string]file{}
	for _, it := range items {
		if it.FieldRef == nil {
			return nil, fmt.Errorf("downwardAPI %q: only fieldRef is supported on this node", it.Path)
		}
		s, err := podField(v.Pod, it.FieldRef.FieldPath)
		if err != nil {
			return nil, err
		}
		out[it.Path] = file{data: []byte(s), mode: mode(it.Mode, def), uid: -1}
	}
	return out, nil
}

// podField is the downward API's value of a Pod field (volumes: labels and annotations as k="v" lines).
func podField(pod *corev1.Pod, path string) (string, error) {
	lines := func(m map[string]string) string {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		for i, k := range keys {
			if i > 0 {
				b.WriteByte('\n')
			}
			fmt.Fprintf(&b, "%s=%q", k, m[k])
		}
		return b.String()
	}
	switch path {
	case "metadata.name":
		return pod.Name, nil
	case "metadata.namespace":
		return pod.Namespace, nil
	case "metadata.uid":
		return string(pod.UID), nil
	case "metadata.labels":
		return lines(pod.Labels), nil
	case "metadata.annotations":
		return lines(pod.Annotations), nil
	case "spec.nodeName":
		return pod.Spec.NodeName, nil
	case "spec.serviceAccountName":
		return pod.Spec.ServiceAccountName, nil
	}
	return "", fmt.Errorf("fieldPath %q is not supported on this node", path)
}

// token is a ServiceAccount token for the Pod from the TokenRequest API, bound to the Pod. As
// kubelet does, the file is 0600 and owned by the Pod's user when every container runs as
// the same runAsUser and there is no fsGroup.
func (v *Volumes) token(ctx context.Context, volume string, s *corev1.ServiceAccountTokenProjection, def *int32) (map[string]file, error) {
	key := volume + "/" + s.Path
	v.mu.Lock()
	if v.tokens == nil {
		v.tokens = map[string]token{}
	}
	t, ok := v.tokens[key]
	v.mu.Unlock()
	if !ok || !time.Now().Before(t.refresh) {
		exp := int64(3600)
		if s.ExpirationSeconds != nil {
			exp = *s.ExpirationSeconds
		}
		tr := &authv1.TokenRequest{Spec: authv1.TokenRequestSpec{ExpirationSeconds: &exp,
			BoundObjectRef: &authv1.BoundObjectReference{Kind: "Pod", APIVersion: "v1", Name: v.Pod.Name, UID: v.Pod.UID}}}
		if s.Audience != "" {
			tr.Spec.Audiences = []string{s.Audience}
		}
		iat := time.Now()
		res, err := v.Client.CoreV1().ServiceAccounts(v.Pod.Namespace).CreateToken(ctx, v.Pod.Spec.ServiceAccountName, tr, metav1.CreateOptions{})
		if err != nil {
			return nil, fmt.Errorf("failed to fetch token: %w", err)
		}
		at := KubeletRefreshAt
		if v.RefreshAt != nil {
			at = v.RefreshAt
		}
		t = token{value: res.Status.Token, refresh: at(iat, res.Status.ExpirationTimestamp.Time)}
		v.mu.Lock()
		v.tokens[key] = t
		v.mu.Unlock()
	}
	f := file{data: []byte(t.value), mode: mode(nil, def), uid: -1}
	if uid, ok := sharedUser(v.Pod); ok && (v.Pod.Spec.SecurityContext == nil || v.Pod.Spec.SecurityContext.FSGroup == nil) {
		f.mode, f.uid = 0o600, int(uid)
	}
	return map[string]file{s.Path: f}, nil
}

// sharedUser is the runAsUser every container has, when they all have the same one.
func sharedUser(pod *corev1.Pod) (int64, bool) {
	var uid *int64
	for _, c := range pod.Spec.Containers {
		u := (*int64)(nil)
		if pod.Spec.SecurityContext != nil {
			u = pod.Spec.SecurityContext.RunAsUser
		}
		if c.SecurityContext != nil && c.SecurityContext.RunAsUser != nil {
			u = c.SecurityContext.RunAsUser
		}
		if u == nil || (uid != nil && *uid != *u) {
			return 0, false
		}
		uid = u
	}
	if uid == nil {
		return 0, false
	}
	return *uid, true
}
