import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import type { Backend, BottleNetwork } from '../backend/types.js'
import { startModelProxy, type ModelProxy } from '../proxy/model-proxy.js'
import { GUEST_CLAUDE_CACHE, GUEST_CLAUDE_CONFIG_DIR, GUEST_HOME, type Plan } from './plan.js'

export interface Bottle {
  plan: Plan
  backend: Backend
  name: string
  network: BottleNetwork
  proxy: ModelProxy
  guestEnv: Record<string, string>
}

/** Records each resource as soon as it exists, so teardown (and the post step) can find it. */
export type OnResource = (kind: 'network' | 'bottle', name: string) => void

/** The guest's whole environment: built from scratch, never inherited from the runner. */
export function guestEnvironment(plan: Plan, proxyUrl: string): Record<string, string> {
  const credentialVar = plan.config.credential.kind === 'api-key' ? 'ANTHROPIC_API_KEY' : 'CLAUDE_CODE_OAUTH_TOKEN'
  return {
    ...plan.config.env,
    HOME: GUEST_HOME,
    USER: 'bottle',
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    CLAUDE_CONFIG_DIR: GUEST_CLAUDE_CONFIG_DIR,
    ANTHROPIC_BASE_URL: proxyUrl,
    [credentialVar]: plan.placeholder,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1'
  }
}

/** Starts the host-side daemons, then creates and starts the bottle wired to them. */
export async function launch(plan: Plan, backend: Backend, onResource: OnResource): Promise<Bottle> {
  const network = await backend.createNetwork(plan.networkName, plan.labels)
  onResource('network', network.name)
  const proxy = await startModelProxy({
    upstream: plan.config.anthropicBaseUrl,
    credential: plan.config.credential,
    placeholder: plan.placeholder,
    bindHost: network.bindHost
  })
  core.info(`Model proxy listening on ${network.bindHost}:${proxy.port} (upstream ${new URL(plan.config.anthropicBaseUrl).origin}; ${network.wiring} wiring)`)
  try {
    const [modelEndpoint] = await backend.exposeToGuest(network, [proxy.port], plan.labels)
    const guestEnv = guestEnvironment(plan, `http://${modelEndpoint!.host}:${modelEndpoint!.port}`)
    const envFile = path.join(plan.stateDir, 'guest.env')
    fs.writeFileSync(envFile, Object.entries(guestEnv).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 })
    onResource('bottle', plan.bottleName)
    await backend.create({
      name: plan.bottleName,
      labels: plan.labels,
      image: plan.config.image,
      user: plan.guestUser,
      home: GUEST_HOME,
      mounts: [
        { host: plan.config.workspace, guest: plan.config.workspace, readOnly: false },
        { host: plan.claudeConfigDir, guest: GUEST_CLAUDE_CONFIG_DIR, readOnly: false },
        { host: plan.claudeCacheDir, guest: GUEST_CLAUDE_CACHE, readOnly: true }
      ],
      envFile,
      stateDir: plan.stateDir,
      network: network.name,
      cpus: plan.config.cpus,
      memory: plan.config.memory,
      pidsLimit: 1024
    })
    fs.rmSync(envFile, { force: true }) // the engine has it now
    await backend.start(plan.bottleName)
    return { plan, backend, name: plan.bottleName, network, proxy, guestEnv }
  } catch (err) {
    await proxy.close()
    throw err
  }
}
