import * as core from '@actions/core'
import { run } from '../main.js'
import { errorMessage } from '../util/errors.js'

// whatever escapes the main step is still one ::error:: line, never a raw stack trace
await run().catch(err => core.setFailed(`bot-bottle: ${errorMessage(err)}`))
