import * as core from '@actions/core'
import { runPost } from '../post.js'
import { errorMessage } from '../util/errors.js'

// the post step only warns: it never fails a green job, and never prints a raw stack trace
await runPost().catch(err => core.warning(`bot-bottle post: ${errorMessage(err)}`))
