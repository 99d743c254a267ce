package kubelet

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestURLsMatchAsKubelet(t *testing.T) {
	for _, tc := range []struct {
		glob, target string
		want         bool
	}{
		{"registry.tapacme-e2e.test", "registry.tapacme-e2e.test/tap/cert-manager-acmesolver", true},
		{"registry.tapacme-e2e.test/tap", "registry.tapacme-e2e.test/tap/cert-manager-acmesolver", true},
		{"registry.tapacme-e2e.test/other", "registry.tapacme-e2e.test/tap/cert-manager-acmesolver", false},
		{"*.tapacme-e2e.test", "registry.tapacme-e2e.test/tap/x", true},
		{"*.test", "registry.tapacme-e2e.test/tap/x", false}, // a glob label matches one label, not several
		{"registry.tapacme-e2e.test:5000", "registry.tapacme-e2e.test/tap/x", false},
		{"registry.tapacme-e2e.test", "registry.tapacme-e2e.test:5000/tap/x", false},
		{"registry.tapacme-e2e.test:5000", "registry.tapacme-e2e.test:5000/tap/x", true},
		{"other.example.com", "registry.tapacme-e2e.test/tap/x", false},
		{"*.*.test", "registry.tapacme-e2e.test/tap/x", true},
	} {
		if got := URLsMatch(tc.glob, tc.target); got != tc.want {
			t.Errorf("URLsMatch(%q, %q) = %v, want %v", tc.glob, tc.target, got, tc.want)
		}
	}
}

func secret(name string, typ corev1.SecretType, key, data string) *corev1.Secret {
	return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name}, Type: typ, Data: map[string][]byte{key: []byte(data)}}
}

func TestSecretsKeyringReadsBothDockerFormatsAndSkipsOthers(t *testing.T) {
	auth := base64.StdEncoding.EncodeToString([]byte("from-auth:pa:ss"))
	k, errs := SecretsKeyring([]*corev1.Secret{
		secret("json", corev1.SecretTypeDockerConfigJson, corev1.DockerConfigJsonKey,
			`{"auths":{"https://registry.tapacme-e2e.test/":{"username":"u1","password":"p1"},"registry.tapacme-e2e.test/tap":{"auth":"`+auth+`","username":"ignored"}}}`),
		secret("cfg", corev1.SecretTypeDockercfg, corev1.DockerConfigKey, `{"*.tapacme-e2e.test":{"username":"u3","password":"p3"}}`),
		// Right key, wrong type: kubelet reads neither.
		secret("opaque", corev1.SecretTypeOpaque, corev1.DockerConfigJsonKey, `{"auths":{"registry.tapacme-e2e.test":{"username":"x","password":"y"}}}`),
		secret("broken", corev1.SecretTypeDockerConfigJson, corev1.DockerConfigJsonKey, `{`),
	})
	if len(errs) != 1 {
		t.Fatalf("want one error (the broken secret), got %v", errs)
	}
	got := k.Lookup("registry.tapacme-e2e.test/tap/cert-manager-acmesolver")
	want := []Credential{{"from-auth", "pa:ss"}, {"u1", "p1"}, {"u3", "p3"}}
	if len(got) != len(want) {
		t.Fatalf("Lookup = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("credential %d = %v, want %v (most specific location first)", i, got[i], want[i])
		}
	}
	if other := k.Lookup("quay.io/jetstack/cert-manager-acmesolver"); len(other) != 0 {
		t.Errorf("credentials for another registry: %v", other)
	}
}

func TestSecretsKeyringRejectsBadAuth(t *testing.T) {
	_, errs := SecretsKeyring([]*corev1.Secret{secret("bad", corev1.SecretTypeDockerConfigJson, corev1.DockerConfigJsonKey, `{"auths":{"r.test":{"auth":"not base64!"}}}`)})
	if len(errs) != 1 {
		t.Fatalf("want an error for undecodable auth, got %v", errs)
	}
}

func TestNodeCredentialsComeAfterThePodsOwn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(path, []byte(`{"auths":{"registry.tapacme-e2e.test":{"username":"node","password":"n"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	p := &Provider{NodeCredentials: path}
	pod, _ := SecretsKeyring([]*corev1.Secret{secret("s", corev1.SecretTypeDockerConfigJson, corev1.DockerConfigJsonKey,
		`{"auths":{"registry.tapacme-e2e.test":{"username":"pod","password":"wrong"}}}`)})
	got := pod.WithNode(p.nodeKeyring()).Lookup("registry.tapacme-e2e.test/tap/x")
	if len(got) != 2 || got[0].Username != "pod" || got[1].Username != "node" {
		t.Errorf("Lookup = %v, want the Pod's credential, then the node's", got)
	}
	// Without secrets the node's credentials alone; for another registry none.
	empty, _ := SecretsKeyring(nil)
	if got := empty.WithNode(p.nodeKeyring()).Lookup("registry.tapacme-e2e.test/tap/x"); len(got) != 1 {
		t.Errorf("node credentials only: %v", got)
	}
	if got := empty.WithNode(p.nodeKeyring()).Lookup("quay.io/jetstack/x"); len(got) != 0 {
		t.Errorf("node credentials for another registry: %v", got)
	}
	if (&Provider{}).nodeKeyring() != nil || (&Provider{NodeCredentials: path + ".missing"}).nodeKeyring() != nil {
		t.Error("a node without a credentials file (or with a missing one) has no node keyring")
	}
}
