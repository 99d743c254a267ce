// Asks the solver image's registry whether one credential may pull the image, as containerd does
// for kubelet: GET /v2/ for the challenge, then the manifest with Basic auth or with a Bearer token
// for scope repository:<repo>:pull. Only the image's registry (and the token realm it names, over
// HTTPS) is contacted; no redirect is followed; the credential is never printed, nor are bodies.
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { HttpsProxyAgent } from 'hpagent';
import { MANIFEST_ACCEPT, manifestUrl, parseWwwAuthenticate, pingUrl, registryErrorCodes, tokenUrl, verdictOfStatus } from '@tapacme/core/live';
import type { AuthChallenge, ImageRef, PullSecretCheck, RegistryCredential } from '@tapacme/core/live';
import { proxyForUrl } from '../cluster/proxy-env.js';

const USER_AGENT = 'kubectl-tapacme';
const MAX_BODY = 64 * 1024;

export interface RegistryOptions {
  /** PEM text of extra CAs (--registry-ca-file), added to Node's own (and NODE_EXTRA_CA_CERTS). */
  ca?: string;
  /** For each request. */
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

interface Answer {
  status: number;
  challenge: string;
  body: string;
}

export type CredentialVerdict = Pick<PullSecretCheck, 'verdict' | 'detail'>;

/** One registry, one image: its challenge is read once, then each credential is checked. */
export class RegistryClient {
  private readonly agents = new Map<string, http.Agent>();
  private challenge: Promise<AuthChallenge | null | Error> | undefined;

  constructor(readonly image: ImageRef, private readonly options: RegistryOptions) {}

  async check(credential: RegistryCredential): Promise<CredentialVerdict> {
    const challenge = await (this.challenge ??= this.ping());
    if (challenge instanceof Error) return { verdict: 'error', detail: challenge.message };
    const basic = `Basic ${Buffer.from(`${credential.username}:${credential.password}`, 'utf8').toString('base64')}`;
    let authorization = basic;
    if (challenge?.scheme === 'bearer') {
      const t = tokenUrl(challenge, this.image);
      if ('error' in t) return { verdict: 'error', detail: t.error };
      let answer: Answer;
      try {
        answer = await this.send('GET', t.url, { Authorization: basic, Accept: 'application/json' });
      } catch (e) {
        return { verdict: 'error', detail: `token request to ${new URL(t.url).host}: ${(e as Error).message}` };
      }
      if (answer.status !== 200) return { verdict: verdictOfStatus(answer.status), detail: `token request: ${describe(answer)}` };
      const token = bearerToken(answer.body);
      if (!token) return { verdict: 'error', detail: 'token request: the answer holds no token' };
      authorization = `Bearer ${token}`;
    }
    try {
      const answer = await this.send('HEAD', manifestUrl(this.image), { Authorization: authorization, Accept: MANIFEST_ACCEPT });
      return { verdict: verdictOfStatus(answer.status), detail: `manifest ${this.image.tag ?? this.image.digest ?? 'latest'}: ${describe(answer)}` };
    } catch (e) {
      return { verdict: 'error', detail: `manifest request: ${(e as Error).message}` };
    }
  }

  close(): void {
    for (const a of this.agents.values()) a.destroy();
  }

  /** The registry's challenge: Bearer wins over Basic; null when /v2/ needs no authentication. */
  private async ping(): Promise<AuthChallenge | null | Error> {
    let answer: Answer;
    try {
      answer = await this.send('GET', pingUrl(this.image), { Accept: 'application/json' });
    } catch (e) {
      return new Error(`cannot reach ${pingUrl(this.image)}: ${(e as Error).message}`);
    }
    if (answer.status !== 401) return answer.status < 400 ? null : new Error(`${pingUrl(this.image)} answered ${describe(answer)}`);
    const challenges = parseWwwAuthenticate(answer.challenge);
    return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic')
      ?? new Error(`${pingUrl(this.image)} answered 401 without a Basic or Bearer challenge`);
  }

  private agentFor(url: URL): http.Agent {
    const proxy = proxyForUrl(url.origin, this.options.env ?? process.env);
    const key = proxy?.href ?? '';
    let agent = this.agents.get(key);
    if (!agent) {
      const opts: https.AgentOptions = { keepAlive: true, ...(this.options.ca ? { ca: [...tls.rootCertificates, this.options.ca] } : {}) };
      agent = proxy ? new HttpsProxyAgent({ ...opts, proxy }) : new https.Agent(opts);
      this.agents.set(key, agent);
    }
    return agent;
  }

  private send(method: 'GET' | 'HEAD', target: string, headers: Record<string, string>): Promise<Answer> {
    const url = new URL(target);
    if (url.protocol !== 'https:') return Promise.reject(new Error(`${url.origin} is not HTTPS`));
    return new Promise((resolve, reject) => {
      const req = https.request(url, { method, agent: this.agentFor(url), headers: { 'User-Agent': USER_AGENT, ...headers }, timeout: this.options.timeoutMs }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (body.length < MAX_BODY) body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, challenge: headerText(res.headers['www-authenticate']), body }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.options.timeoutMs / 1000} s`)));
      req.on('error', reject);
      req.end();
    });
  }
}

function headerText(v: string | string[] | undefined): string {
  return Array.isArray(v) ? v.join(', ') : (v ?? '');
}

function describe(a: Answer): string {
  const codes = registryErrorCodes(a.body);
  return `${a.status} ${http.STATUS_CODES[a.status] ?? ''}`.trim() + (codes.length > 0 ? ` (${codes.join(', ')})` : '');
}

function bearerToken(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const t = parsed['token'] ?? parsed['access_token'];
    return typeof t === 'string' && t !== '' ? t : undefined;
  } catch {
    return undefined;
  }
}
