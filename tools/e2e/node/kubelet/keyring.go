// Package kubelet holds what the rig's node does the way kubelet does it: pull credentials from
// a Pod's image pull secrets, image pulls with kubelet's backoff and events, and containers run
// from the pulled image's own filesystem.
package kubelet

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Credential is one username and password for a registry.
type Credential struct {
	Username string
	Password string
}

// Keyring maps registry locations to credentials, as kubelet's BasicDockerKeyring does.
type Keyring struct {
	index []string
	creds map[string][]Credential
	// node: the node's own credentials, looked up after the Pod's (kubelet's UnionDockerKeyring
	// of the Pod's secrets and the node's config.json or credential provider).
	node *Keyring
}

// entry is one registry of a docker config: either username and password or "auth"
// (base64 of "username:password"), which wins, as in kubelet.
type entry struct {
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty"`
	Auth     string `json:"auth,omitempty"`
}

func (e entry) credential() (Credential, error) {
	if e.Auth == "" {
		return Credential{Username: e.Username, Password: e.Password}, nil
	}
	raw, err := base64.StdEncoding.DecodeString(e.Auth)
	if err != nil {
		return Credential{}, fmt.Errorf("auth is not base64: %w", err)
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok {
		return Credential{}, fmt.Errorf("auth is not username:password")
	}
	return Credential{Username: user, Password: pass}, nil
}

// SecretsKeyring builds the keyring of a Pod from its image pull Secrets, in order. Like
// kubelet it reads kubernetes.io/dockerconfigjson (.dockerconfigjson, {"auths": {...}}) and
// kubernetes.io/dockercfg (.dockercfg, the entries at the top level); Secrets of other types,
// without the key or with unreadable data are skipped, and the reasons returned.
func SecretsKeyring(secrets []*corev1.Secret) (*Keyring, []error) {
	k := &Keyring{creds: map[string][]Credential{}}
	var errs []error
	for _, s := range secrets {
		var entries map[string]entry
		switch {
		case s.Type == corev1.SecretTypeDockerConfigJson && len(s.Data[corev1.DockerConfigJsonKey]) > 0:
			var cfg struct {
				Auths map[string]entry `json:"auths"`
			}
			if err := json.Unmarshal(s.Data[corev1.DockerConfigJsonKey], &cfg); err != nil {
				errs = append(errs, fmt.Errorf("secret %s/%s: %w", s.Namespace, s.Name, err))
				continue
			}
			entries = cfg.Auths
		case s.Type == corev1.SecretTypeDockercfg && len(s.Data[corev1.DockerConfigKey]) > 0:
			if err := json.Unmarshal(s.Data[corev1.DockerConfigKey], &entries); err != nil {
				errs = append(errs, fmt.Errorf("secret %s/%s: %w", s.Namespace, s.Name, err))
				continue
			}
		default:
			continue
		}
		errs = append(errs, k.addEntries(entries, fmt.Sprintf("secret %s/%s", s.Namespace, s.Name))...)
	}
	k.sort()
	return k, errs
}

// NodeKeyring reads a docker config.json ({"auths": {...}}) as kubelet reads the node's
// /var/lib/kubelet/config.json: what integrated nodes (GKE, AKS, EKS) pull with when the Pod's
// own secrets give nothing that works. It is read again for each Pod, as the file may change.
func NodeKeyring(path string) (*Keyring, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var cfg struct {
		Auths map[string]entry `json:"auths"`
	}
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	k := &Keyring{creds: map[string][]Credential{}}
	if errs := k.addEntries(cfg.Auths, path); len(errs) > 0 {
		return nil, errs[0]
	}
	k.sort()
	return k, nil
}

// WithNode returns the keyring with the node's credentials tried after its own.
func (k *Keyring) WithNode(node *Keyring) *Keyring {
	k.node = node
	return k
}

func (k *Keyring) addEntries(entries map[string]entry, from string) []error {
	var errs []error
	for loc, e := range entries {
		c, err := e.credential()
		if err != nil {
			errs = append(errs, fmt.Errorf("%s, registry %q: %w", from, loc, err))
			continue
		}
		k.add(loc, c)
	}
	return errs
}

// Reverse order, as kubelet sorts its index: more specific locations come first.
func (k *Keyring) sort() { sort.Sort(sort.Reverse(sort.StringSlice(k.index))) }

func (k *Keyring) add(loc string, c Credential) {
	value := loc
	if !strings.HasPrefix(value, "https://") && !strings.HasPrefix(value, "http://") {
		value = "https://" + value
	}
	u, err := url.Parse(value)
	if err != nil {
		return
	}
	key := u.Host + strings.TrimSuffix(u.Path, "/")
	if _, seen := k.creds[key]; !seen {
		k.index = append(k.index, key)
	}
	k.creds[key] = append(k.creds[key], c)
}

// Lookup returns the credentials for an image repository ("host[:port]/path", no tag), most
// specific location first; none means an anonymous pull.
func (k *Keyring) Lookup(repo string) []Credential {
	var out []Credential
	for _, key := range k.index {
		if URLsMatch(key, repo) {
			out = append(out, k.creds[key]...)
		}
	}
	if k.node != nil {
		out = append(out, k.node.Lookup(repo)...)
	}
	return out
}

// URLsMatch reports whether the location glob of a credential matches an image repository,
// by kubelet's rules: same port (or none on both), the same number of host labels each
// matching as a glob ("*.example.com"), and the credential's path a prefix of the image's.
func URLsMatch(glob, target string) bool {
	g, err := url.Parse("https://" + glob)
	if err != nil {
		return false
	}
	t, err := url.Parse("https://" + target)
	if err != nil {
		return false
	}
	gParts, gPort := splitHost(g.Host)
	tParts, tPort := splitHost(t.Host)
	if gPort != tPort || len(gParts) != len(tParts) || !strings.HasPrefix(t.Path, g.Path) {
		return false
	}
	for i := range gParts {
		if ok, err := filepath.Match(gParts[i], tParts[i]); err != nil || !ok {
			return false
		}
	}
	return true
}

func splitHost(hostport string) ([]string, string) {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = hostport, ""
	}
	return strings.Split(host, "."), port
}

// nodeKeyring reads the node's credentials file for each Pod; nil when the node has none.
func (p *Provider) nodeKeyring() *Keyring {
	if p.NodeCredentials == "" {
		return nil
	}
	k, err := NodeKeyring(p.NodeCredentials)
	if err != nil {
		fmt.Fprintf(os.Stderr, "node credentials: %v\n", err)
		return nil
	}
	return k
}
