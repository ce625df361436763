import * as core from '@actions/core'

/**
 * The run's cancellation. The runner sends SIGINT, then SIGTERM 7.5 s later: the first signal stops
 * claude, so the normal path tears down; the second tears down directly and exits.
 */
export class Cancellation {
  private signals = 0

  /** a signal came */
  get requested(): boolean {
    return this.signals > 0
  }

  /** Between the stages before claude: a cancelled run goes no further. */
  throwIfCancelled(): void {
    if (this.requested) throw new Error('the run was cancelled before claude started')
  }

  /** Listens for SIGINT and SIGTERM until the returned function is called. */
  watch(stopClaude: () => void, tearDownAndExit: () => void): () => void {
    const onSignal = (signal: NodeJS.Signals) => {
      this.signals++
      core.warning(`Received ${signal}: stopping claude and tearing the bottle down`)
      stopClaude()
      if (this.signals > 1) tearDownAndExit()
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    return () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }
}
