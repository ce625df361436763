/** Thrown when the queue is full. */
export class QueueFullError extends Error {}

/**
 * Runs tasks one after another, with at most `maxWaiting` queued behind the running one.
 * Waiting costs the host a socket, not memory: a waiting push has not been read yet.
 */
export class OneAtATime {
  private tail: Promise<unknown> = Promise.resolve()
  private waiting = 0

  constructor(private readonly maxWaiting: number) {}

  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.waiting >= this.maxWaiting) return Promise.reject(new QueueFullError(`${this.waiting} pushes already wait for the one being judged`))
    this.waiting++
    const turn = this.tail.then(() => {
      this.waiting--
      return task()
    })
    this.tail = turn.catch(() => undefined)
    return turn
  }
}
