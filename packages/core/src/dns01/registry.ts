import type { Dns01Provider } from './provider.js';
import { acmeDNS } from './providers/acme-dns.js';
import { akamai } from './providers/akamai.js';
import { azureDNS } from './providers/azure-dns.js';
import { cloudDNS } from './providers/cloud-dns.js';
import { cloudflare } from './providers/cloudflare.js';
import { digitalocean } from './providers/digitalocean.js';
import { rfc2136 } from './providers/rfc2136.js';
import { route53 } from './providers/route53.js';
import { webhook } from './providers/webhook.js';

/** Every DNS01 provider cert-manager has built in, in the order users see them. */
export const dns01Providers: readonly Dns01Provider[] = [route53, cloudDNS, azureDNS, cloudflare, digitalocean, acmeDNS, rfc2136, akamai, webhook];

export function dns01Provider(key: string): Dns01Provider | undefined {
  return dns01Providers.find((p) => p.key === key);
}
