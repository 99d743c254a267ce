// e2e-node registers a Node with virtual-kubelet and runs the Pods bound to it the way kubelet
// does: images pulled with the Pod's pull secrets, entrypoints run chrooted in the image's
// filesystem. It also serves the rig's ingress address (see docs/e2e.md).
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/virtual-kubelet/virtual-kubelet/node"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/record"

	"tapacme/tools/e2e/node/kubelet"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e-node: %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	kubeconfig := flag.String("kubeconfig", os.Getenv("KUBECONFIG"), "kubeconfig of the node's identity")
	name := flag.String("name", "tapacme-e2e-node", "Node name")
	dir := flag.String("dir", "", "state folder: unpacked images and container logs")
	caFile := flag.String("registry-ca", "", "PEM file of CAs that registries' TLS certificates chain to")
	ingress := flag.String("ingress-addr", "", "serve the cluster's Ingresses on this address (host:port), empty for none")
	version := flag.String("kubelet-version", "v0.0.0", "the version the Node reports")
	nodeCreds := flag.String("node-credentials", "", "docker config.json of the node's own registry credentials (as an integrated GKE, AKS or EKS node has), tried after the Pod's pull secrets")
	flag.Parse()
	if *dir == "" {
		return fmt.Errorf("-dir is required")
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		return err
	}
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	apiURL, err := url.Parse(cfg.Host)
	if err != nil {
		return err
	}
	apiHost, apiPort, err := net.SplitHostPort(apiURL.Host)
	if err != nil {
		return fmt.Errorf("API server %q: %w", cfg.Host, err)
	}

	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if *caFile != "" {
		pem, err := os.ReadFile(*caFile)
		if err != nil {
			return err
		}
		pool.AppendCertsFromPEM(pem)
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	logDir := *dir + "/containers"
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return err
	}

	// Events as kubelet records them: source component "kubelet", host the node.
	eb := record.NewBroadcaster()
	rec := eb.NewRecorder(scheme.Scheme, corev1.EventSource{Component: "kubelet", Host: *name})
	provider := kubelet.NewProvider(client, rec, &kubelet.Puller{Transport: transport, Dir: *dir + "/images"}, logDir, *dir+"/pods")
	provider.APIHost, provider.APIPort, provider.APIAddr = apiHost, apiPort, apiURL.Host
	provider.NodeCredentials = *nodeCreds

	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer cancel()
	eb.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: client.CoreV1().Events("")})
	defer eb.Shutdown()

	if *ingress != "" {
		f := informers.NewSharedInformerFactory(client, 30*time.Second)
		router := &kubelet.Router{Ingresses: f.Networking().V1().Ingresses().Lister(), Services: f.Core().V1().Services().Lister(), Pods: provider.RunningPods}
		f.Start(ctx.Done())
		f.WaitForCacheSync(ctx.Done())
		l, err := net.Listen("tcp", *ingress)
		if err != nil {
			return err
		}
		srv := &http.Server{Handler: router, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = srv.Serve(l) }()
		defer srv.Close()
	}
	defer provider.StopAll(5 * time.Second)
	return runNode(ctx, client, rec, provider, *name, *version)
}

// runNode wires virtual-kubelet's pod and node controllers as its nodeutil package does,
// without the kubelet HTTP API (and the apiserver libraries it links): Pods bound to the node
// (field selector), Secrets, ConfigMaps and Services for env resolution, a lease, Ready.
func runNode(ctx context.Context, client kubernetes.Interface, rec record.EventRecorder, provider *kubelet.Provider, name, version string) error {
	pods := informers.NewSharedInformerFactoryWithOptions(client, 30*time.Second, informers.WithTweakListOptions(func(o *metav1.ListOptions) {
		o.FieldSelector = fields.OneTermEqualSelector("spec.nodeName", name).String()
	}))
	others := informers.NewSharedInformerFactory(client, 30*time.Second)
	pc, err := node.NewPodController(node.PodControllerConfig{
		PodClient: client.CoreV1(), EventRecorder: rec, Provider: provider,
		PodInformer: pods.Core().V1().Pods(), SecretInformer: others.Core().V1().Secrets(),
		ConfigMapInformer: others.Core().V1().ConfigMaps(), ServiceInformer: others.Core().V1().Services(),
	})
	if err != nil {
		return err
	}
	spec := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"type": "virtual-kubelet", "kubernetes.io/role": "agent", "kubernetes.io/hostname": name}}}
	describeNode(spec, name, version)
	np := node.NewNaiveNodeProvider()
	nc, err := node.NewNodeController(np, spec, client.CoreV1().Nodes(),
		node.WithNodeEnableLeaseV1(client.CoordinationV1().Leases(corev1.NamespaceNodeLease), node.DefaultLeaseDuration))
	if err != nil {
		return err
	}
	pods.Start(ctx.Done())
	others.Start(ctx.Done())
	go func() { _ = pc.Run(ctx, 4) }()
	select {
	case <-pc.Ready():
	case <-pc.Done():
		return pc.Err()
	case <-ctx.Done():
		return nil
	}
	go func() { _ = nc.Run(ctx) }()
	select {
	case <-nc.Ready():
	case <-nc.Done():
		return nc.Err()
	case <-ctx.Done():
		return nil
	}
	now := metav1.Now()
	for i, c := range spec.Status.Conditions {
		if c.Type == corev1.NodeReady {
			spec.Status.Conditions[i] = corev1.NodeCondition{Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady",
				Message: "kubelet is posting ready status", LastHeartbeatTime: now, LastTransitionTime: now}
		}
	}
	if err := np.UpdateStatus(ctx, spec); err != nil {
		return fmt.Errorf("marking the node Ready: %w", err)
	}
	fmt.Fprintf(os.Stderr, "e2e-node: node %s ready\n", name)
	<-ctx.Done()
	return nil
}

// describeNode gives the Node what the scheduler and cert-manager's solver Pods look at:
// linux/amd64 labels, capacity, a loopback address. No taint: Pods land here as on any node.
func describeNode(n *corev1.Node, name, version string) {
	n.Labels["kubernetes.io/os"] = "linux"
	n.Labels["kubernetes.io/arch"] = "amd64"
	n.Labels["node.tapacme.dev/e2e"] = "true"
	res := corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse("8"),
		corev1.ResourceMemory: resource.MustParse("16Gi"),
		corev1.ResourcePods:   resource.MustParse("110"),
	}
	n.Status.Capacity, n.Status.Allocatable = res, res
	n.Status.Phase = corev1.NodeRunning
	n.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionFalse, Reason: "KubeletNotReady"},
		{Type: corev1.NodeMemoryPressure, Status: corev1.ConditionFalse}, {Type: corev1.NodeDiskPressure, Status: corev1.ConditionFalse},
		{Type: corev1.NodePIDPressure, Status: corev1.ConditionFalse}, {Type: corev1.NodeNetworkUnavailable, Status: corev1.ConditionFalse}}
	n.Status.Addresses = []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "127.0.0.1"}, {Type: corev1.NodeHostName, Address: name}}
	n.Status.NodeInfo = corev1.NodeSystemInfo{OperatingSystem: "linux", Architecture: "amd64", KubeletVersion: version,
		ContainerRuntimeVersion: "tapacme-e2e://chroot"}
}
