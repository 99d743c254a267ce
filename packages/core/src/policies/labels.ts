/** Marks objects that provide durable coverage, so `scan` can find them again (values: kyverno, namespace-provisioner, watch). */
export const COVERAGE_LABEL = 'tapacme.dev/durable-coverage';
/** Comma-separated issuer keys ("ClusterIssuer/x", "Issuer/ns/x") the object covers; an annotation, since keys hold '/'. */
export const ISSUERS_ANNOTATION = 'tapacme.dev/issuers';
/** The solver ServiceAccount names the object keeps present. */
export const SERVICE_ACCOUNTS_ANNOTATION = 'tapacme.dev/service-accounts';

/** secretgen-controller fills a Secret with this annotation from the SecretExports that match it. */
export const SECRETGEN_PLACEHOLDER_ANNOTATION = 'secretgen.carvel.dev/image-pull-secret';
/** An empty docker config: the API server requires the key on a dockerconfigjson Secret; secretgen replaces it. */
export const EMPTY_DOCKERCONFIGJSON = 'e30K';

/** The label TAP's Namespace Provisioner controller selects developer namespaces by. */
export const TAP_NS_LABEL = 'apps.tanzu.vmware.com/tap-ns';
