// Kubernetes name checks (apimachinery's IsDNS1123Label / IsDNS1123Subdomain), written once: the CLI's
// flags, the editor's settings (package.json patterns, held to these by a test) and the rules use them.

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';

/** The JSON-schema pattern of a DNS-1123 label (namespaces): lower-case letters, digits and '-'. */
export const DNS1123_LABEL_PATTERN = `^${LABEL}$`;
/** The JSON-schema pattern of a DNS-1123 subdomain (most object names): labels joined by '.'. */
export const DNS1123_SUBDOMAIN_PATTERN = `^${LABEL}(\\.${LABEL})*$`;

const label = new RegExp(DNS1123_LABEL_PATTERN);
const subdomain = new RegExp(DNS1123_SUBDOMAIN_PATTERN);

/** A namespace name, or a Service's: at most 63 characters. */
export function isDns1123Label(s: string): boolean {
  return s.length <= 63 && label.test(s);
}

/** A ServiceAccount, Secret, ClusterRole ... name: at most 253 characters. */
export function isDns1123Subdomain(s: string): boolean {
  return s.length <= 253 && subdomain.test(s);
}
