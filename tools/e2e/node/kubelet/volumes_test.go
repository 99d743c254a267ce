package kubelet

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"math/rand"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	authv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/record"
)

// rigClient is a client of the rig's API server: tests that need one run inside the rig
// (`e2e.sh exec`, as scripts/test-e2e.sh runs them).
func rigClient(t *testing.T) kubernetes.Interface {
	t.Helper()
	if os.Getenv("TAPACME_E2E_API_SERVER") == "" {
		t.Skip("needs the rig's API server: run through `bash tools/e2e/e2e.sh exec -- go test ...`")
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", os.Getenv("KUBECONFIG"))
	if err != nil {
		t.Fatal(err)
	}
	return kubernetes.NewForConfigOrDie(cfg)
}

func TestKubeletTokenRefreshRule(t *testing.T) {
	iat := time.Unix(1_000_000, 0)
	if got := KubeletRefreshAt(iat, iat.Add(time.Hour)); !got.Equal(iat.Add(48 * time.Minute)) {
		t.Errorf("1h token refreshed at %v", got.Sub(iat))
	}
	if got := KubeletRefreshAt(iat, iat.Add(365*24*time.Hour)); !got.Equal(iat.Add(24 * time.Hour)) {
		t.Errorf("1y token refreshed at %v", got.Sub(iat))
	}
}

func claims(t *testing.T, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %d parts", len(parts))
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// What the ServiceAccount admission plugin adds to a Pod (kube-api-access-*: a bound token,
// kube-root-ca.crt's ca.crt, the namespace) is filled as kubelet fills it, with tokens from the
// TokenRequest API that the API server accepts for the Pod; a token of a given audience and
// expiry; configMap, secret and downwardAPI volumes; and all of it written again on refresh.
func TestVolumesFromTheAPIServer(t *testing.T) {
	client := rigClient(t)
	ctx := context.Background()
	ns := "go-test-" + strings.ToLower(strings.ReplaceAll(time.Now().Format("150405.000"), ".", "")) + string(rune('a'+rand.Intn(26)))
	if _, err := client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		zero := int64(0)
		_ = client.CoreV1().Pods(ns).DeleteCollection(ctx, metav1.DeleteOptions{GracePeriodSeconds: &zero}, metav1.ListOptions{})
		_ = client.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{})
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, saErr := client.CoreV1().ServiceAccounts(ns).Get(ctx, "default", metav1.GetOptions{})
		_, cmErr := client.CoreV1().ConfigMaps(ns).Get(ctx, "kube-root-ca.crt", metav1.GetOptions{})
		if saErr == nil && cmErr == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("kube-controller-manager made no default ServiceAccount or kube-root-ca.crt: %v %v", saErr, cmErr)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if _, err := client.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cfg"}, Data: map[string]string{"a": "1"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.CoreV1().Secrets(ns).Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "sec"}, Data: map[string][]byte{"s": []byte("x")}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	yes, ro, exp := true, int32(0o400), int64(600)
	pod, err := client.CoreV1().Pods(ns).Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Labels: map[string]string{"app": "t"}},
		Spec: corev1.PodSpec{NodeName: "tapacme-go-test", SecurityContext: &corev1.PodSecurityContext{RunAsUser: iptr(1000)},
			Containers: []corev1.Container{{Name: "c", Image: "x", VolumeMounts: []corev1.VolumeMount{{Name: "vault", MountPath: "/vault"}}}},
			Volumes: []corev1.Volume{
				{Name: "cfg", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}}}},
				{Name: "gone", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "gone"}, Optional: &yes}}},
				{Name: "sec", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "sec", Items: []corev1.KeyToPath{{Key: "s", Path: "deep/s", Mode: &ro}}}}},
				{Name: "info", VolumeSource: corev1.VolumeSource{DownwardAPI: &corev1.DownwardAPIVolumeSource{Items: []corev1.DownwardAPIVolumeFile{
					{Path: "labels", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.labels"}}, {Path: "name", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}}}}},
				{Name: "vault", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{
					{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Audience: "vault", ExpirationSeconds: &exp, Path: "token"}}}}}},
			}}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	access := ""
	for _, v := range pod.Spec.Volumes {
		if strings.HasPrefix(v.Name, "kube-api-access-") {
			access = v.Name
		}
	}
	if access == "" {
		t.Fatalf("admission added no kube-api-access volume: %+v", pod.Spec.Volumes)
	}
	v := &Volumes{Client: client, Dir: filepath.Join(t.TempDir(), string(pod.UID)), Pod: pod, RefreshAt: func(iat, _ time.Time) time.Time { return iat }}
	if err := v.Setup(ctx); err != nil {
		t.Fatal(err)
	}

	sa := v.Path(access)
	root, _ := client.CoreV1().ConfigMaps(ns).Get(ctx, "kube-root-ca.crt", metav1.GetOptions{})
	if got := read(t, filepath.Join(sa, "ca.crt")); got != root.Data["ca.crt"] || !strings.Contains(got, "BEGIN CERTIFICATE") {
		t.Errorf("ca.crt is not kube-root-ca.crt's: %q", got)
	}
	if got := read(t, filepath.Join(sa, "namespace")); got != ns {
		t.Errorf("namespace file %q", got)
	}
	tok := read(t, filepath.Join(sa, "token"))
	review := func(token string, aud ...string) *authv1.TokenReview {
		r, err := client.AuthenticationV1().TokenReviews().Create(ctx, &authv1.TokenReview{Spec: authv1.TokenReviewSpec{Token: token, Audiences: aud}}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := review(tok)
	if !r.Status.Authenticated || r.Status.User.Username != "system:serviceaccount:"+ns+":default" || strings.Join(r.Status.User.Extra["authentication.kubernetes.io/pod-name"], "") != "p" {
		t.Errorf("the API server says of the token: %+v", r.Status)
	}
	fi, _ := os.Stat(filepath.Join(sa, "token"))
	if fi.Mode().Perm() != 0o600 || fi.Sys().(*syscall.Stat_t).Uid != 1000 {
		t.Errorf("token file mode %v owner %d, want 0600 and the Pod's runAsUser", fi.Mode().Perm(), fi.Sys().(*syscall.Stat_t).Uid)
	}
	if fi, _ := os.Stat(filepath.Join(sa, "ca.crt")); fi.Mode().Perm() != 0o644 {
		t.Errorf("ca.crt mode %v", fi.Mode().Perm())
	}
	vault := read(t, filepath.Join(v.Path("vault"), "token"))
	if c := claims(t, vault); c["exp"].(float64)-c["iat"].(float64) != 600 {
		t.Errorf("vault token lives %v s, want 600", c["exp"].(float64)-c["iat"].(float64))
	}
	if !review(vault, "vault").Status.Authenticated || review(vault).Status.Authenticated {
		t.Error("the vault token is not for the vault audience only")
	}
	if got := read(t, filepath.Join(v.Path("cfg"), "a")); got != "1" {
		t.Errorf("configMap volume %q", got)
	}
	if entries, _ := os.ReadDir(v.Path("gone")); len(entries) != 2 { // ..data and its folder
		t.Errorf("an optional missing configMap gives files: %v", entries)
	}
	if fi, err := os.Stat(filepath.Join(v.Path("sec"), "deep/s")); err != nil || fi.Mode().Perm() != 0o400 || read(t, filepath.Join(v.Path("sec"), "deep/s")) != "x" {
		t.Errorf("secret item: %v %v", fi, err)
	}
	if got := read(t, filepath.Join(v.Path("info"), "labels")) + "|" + read(t, filepath.Join(v.Path("info"), "name")); got != `app="t"|p` {
		t.Errorf("downwardAPI volume %q", got)
	}

	// Refresh: a new token (the old file's link now leads to it) and the ConfigMap's new data.
	time.Sleep(1100 * time.Millisecond)
	if _, err := client.CoreV1().ConfigMaps(ns).Update(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cfg"}, Data: map[string]string{"a": "2"}}, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := v.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if tok2 := read(t, filepath.Join(sa, "token")); tok2 == tok || !review(tok2).Status.Authenticated {
		t.Error("no new valid token after the refresh")
	}
	if got := read(t, filepath.Join(v.Path("cfg"), "a")); got != "2" {
		t.Errorf("configMap after refresh %q", got)
	}
	if entries, _ := os.ReadDir(sa); len(entries) != 5 { // ..data, its folder, three links
		t.Errorf("old projections left: %d entries", len(entries))
	}

	// A required ConfigMap that does not exist fails as kubelet's MountVolume.SetUp does.
	bad := &Volumes{Client: client, Dir: t.TempDir(), Pod: &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "q"}, Spec: corev1.PodSpec{Volumes: []corev1.Volume{
		{Name: "missing", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "nope"}}}}}}}}
	if err := bad.Setup(ctx); err == nil || err.Error() != `MountVolume.SetUp failed for volume "missing" : configmap "nope" not found` {
		t.Errorf("missing configMap: %v", err)
	}
	if err := v.Teardown(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(v.Dir); !os.IsNotExist(err) {
		t.Errorf("volumes left after teardown: %v", err)
	}
}

// A Pod deleted with a grace period is removed from the API server once its containers have
// stopped, as kubelet removes it, not when the grace period ends.
func TestDeletedPodIsRemovedOnceStopped(t *testing.T) {
	client := rigClient(t)
	ctx := context.Background()
	ns := "default"
	grace := int64(300)
	pod, err := client.CoreV1().Pods(ns).Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{GenerateName: "go-test-delete-"},
		Spec: corev1.PodSpec{NodeName: "tapacme-go-test", TerminationGracePeriodSeconds: &grace, AutomountServiceAccountToken: new(bool),
			Containers: []corev1.Container{{Name: "c", Image: "127.0.0.1:1/none:v1"}}}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = client.CoreV1().Pods(ns).Delete(ctx, pod.Name, metav1.DeleteOptions{GracePeriodSeconds: new(int64)})
	})
	p := NewProvider(client, record.NewFakeRecorder(100), &Puller{Transport: http.DefaultTransport, Dir: t.TempDir()}, "", t.TempDir())
	if err := p.CreatePod(ctx, pod); err != nil {
		t.Fatal(err)
	}
	if err := client.CoreV1().Pods(ns).Delete(ctx, pod.Name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	deleting, err := client.CoreV1().Pods(ns).Get(ctx, pod.Name, metav1.GetOptions{})
	if err != nil || deleting.DeletionTimestamp == nil {
		t.Fatalf("the API server did not keep the Pod for its grace period: %v", err)
	}
	if err := p.DeletePod(ctx, deleting); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := client.CoreV1().Pods(ns).Get(ctx, pod.Name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the Pod is still there 10 s after its containers stopped (grace %d s): %v", grace, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
