import type { Backend } from '../../backend/types.js'
import { providerEnvironment } from './provider-env.js'
import { GUEST_CLAUDE_CONFIG_DIR, GUEST_HOME, type Plan } from '../prepare/plan.js'

/**
 * What provisioning acts on: the plan, the backend and the bottle's name. Narrower than a
 * launched Bottle (no daemons, no network): a provisioner cannot reach what it does not need.
 */
export interface Guest {
  plan: Plan
  backend: Backend
  name: string
}

/** Where the run's extra CAs live in the guest, and the bundle every TLS client is pointed at. */
export const GUEST_CA_DIR = '/usr/local/share/ca-certificates'
export const GUEST_CA_FILE = `${GUEST_CA_DIR}/bot-bottle-extra.crt`
export const GUEST_CA_BUNDLE = '/etc/bot-bottle/ca-bundle.crt'

/** The variables that make node, OpenSSL, git, curl and python requests trust them. */
export function caEnvironment(): Record<string, string> {
  return {
    NODE_EXTRA_CA_CERTS: GUEST_CA_FILE,
    SSL_CERT_FILE: GUEST_CA_BUNDLE,
    GIT_SSL_CAINFO: GUEST_CA_BUNDLE,
    CURL_CA_BUNDLE: GUEST_CA_BUNDLE,
    REQUESTS_CA_BUNDLE: GUEST_CA_BUNDLE
  }
}

/** The guest's whole environment: built from scratch, never inherited from the runner. */
export function guestEnvironment(plan: Plan, proxyUrl: string, egressUrl?: string): Record<string, string> {
  // For convenience only: the guest's network has no other way out, with or without these.
  const noProxy = [new URL(proxyUrl).hostname, 'localhost', '127.0.0.1'].join(',')
  const proxyVars: Record<string, string> = egressUrl
    ? { HTTPS_PROXY: egressUrl, HTTP_PROXY: egressUrl, https_proxy: egressUrl, http_proxy: egressUrl, NO_PROXY: noProxy, no_proxy: noProxy }
    : {}
  return {
    ...plan.config.env,
    ...proxyVars,
    ...(plan.config.caCertificates.length ? caEnvironment() : {}),
    HOME: GUEST_HOME,
    USER: 'bottle',
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    CLAUDE_CONFIG_DIR: GUEST_CLAUDE_CONFIG_DIR,
    ...providerEnvironment(plan.config.credential, proxyUrl, plan.placeholder),
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    GIT_TERMINAL_PROMPT: '0', // git fails at once instead of waiting for a password nobody types
    GIT_HTTP_PROXY_AUTHMETHOD: 'basic', // send the egress proxy's per-run credentials at once, not after a 407
    DISABLE_AUTOUPDATER: '1'
  }
}
