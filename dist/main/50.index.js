export const id = 50;
export const ids = [50];
export const modules = {

/***/ 19669:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  bedrockProvider: () => (/* binding */ bedrockProvider)
});

// EXTERNAL MODULE: ./node_modules/@aws-crypto/sha256-js/build/main/index.js
var main = __webpack_require__(23156);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/credential-provider-node/dist-cjs/index.js
var dist_cjs = __webpack_require__(5861);
// EXTERNAL MODULE: ./node_modules/@smithy/signature-v4/dist-cjs/index.js
var signature_v4_dist_cjs = __webpack_require__(75118);
// EXTERNAL MODULE: ./lib/proxy/model-routes.js
var model_routes = __webpack_require__(57988);
// EXTERNAL MODULE: ./lib/proxy/usage-tap.js
var usage_tap = __webpack_require__(10431);
;// CONCATENATED MODULE: ./lib/proxy/providers/event-stream.js
/**
 * A reader of the AWS event stream encoding (application/vnd.amazon.eventstream), as Bedrock's
 * InvokeModelWithResponseStream answers: each message is a 4-byte total length, a 4-byte headers
 * length, a prelude CRC32, the headers (name length, name, value type, value), the payload and a
 * message CRC32, all big-endian (AWS's "Event stream encoding" documentation, and
 * @smithy/eventstream-codec). Only read from a copy, for usage: CRCs are not checked here, the
 * client checks them on the bytes it gets.
 */
/** Fixed-size values by type id (0/1 bool: none; 2 byte; 3 short; 4 int; 5 long; 8 timestamp; 9 uuid). */
const FIXED = { 0: 0, 1: 0, 2: 1, 3: 2, 4: 4, 5: 8, 8: 8, 9: 16 };
const BYTES = 6;
const STRING = 7;
/** Decodes one message's headers; string values only (the others are skipped). */
function decodeHeaders(buf) {
    const headers = {};
    let i = 0;
    while (i < buf.length) {
        const nameLen = buf.readUInt8(i);
        const name = buf.toString('utf8', i + 1, i + 1 + nameLen);
        i += 1 + nameLen;
        const type = buf.readUInt8(i++);
        if (type === BYTES || type === STRING) {
            const len = buf.readUInt16BE(i);
            if (type === STRING)
                headers[name] = buf.toString('utf8', i + 2, i + 2 + len);
            i += 2 + len;
        }
        else if (type in FIXED)
            i += FIXED[type];
        else
            return undefined;
    }
    return i === buf.length ? headers : undefined;
}
/**
 * Splits a byte stream into event stream messages as chunks arrive. A message declaring more than
 * `maxMessage` bytes (Bedrock's are a few KiB) or a malformed one stops the reader: it then reads
 * nothing more.
 */
function eventStreamReader(onMessage, maxMessage = 1024 * 1024) {
    let pending = Buffer.alloc(0);
    let broken = false;
    return chunk => {
        if (broken)
            return;
        pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
        while (pending.length >= 12) {
            const total = pending.readUInt32BE(0);
            const headersLen = pending.readUInt32BE(4);
            if (total < 16 + headersLen || total > maxMessage) {
                broken = true;
                pending = Buffer.alloc(0);
                return;
            }
            if (pending.length < total)
                return;
            try {
                const headers = decodeHeaders(pending.subarray(12, 12 + headersLen));
                if (!headers)
                    throw new Error('bad headers');
                onMessage({ headers, payload: pending.subarray(12 + headersLen, total - 4) });
            }
            catch {
                broken = true;
                pending = Buffer.alloc(0);
                return;
            }
            pending = pending.subarray(total);
        }
    };
}

// EXTERNAL MODULE: ./lib/proxy/providers/placeholder.js
var placeholder = __webpack_require__(19416);
// EXTERNAL MODULE: ./lib/proxy/providers/provider.js
var provider = __webpack_require__(22688);
;// CONCATENATED MODULE: ./lib/proxy/providers/bedrock.js








/**
 * What claude's Bedrock mode sends (claude 2.1.332, CLAUDE_CODE_USE_BEDROCK=1 with
 * CLAUDE_CODE_SKIP_BEDROCK_AUTH=1, recorded against a loopback server; see
 * shared/reference/claude-provider-modes.md):
 *   GET  /inference-profiles?type=SYSTEM_DEFINED           (control plane: refused, claude goes on)
 *   POST /model/<model id>/invoke-with-response-stream     (the conversation, event stream answer)
 *   POST /model/<model id>/invoke                          (model probes, max_tokens 1, JSON answer)
 * The model id is sent raw (`us.anthropic.claude-sonnet-4-5-20250929-v1:0`); an ARN arrives
 * percent-encoded, so `%3A` and `%2F` are decoded in that segment only.
 */
const RUNTIME = /^\/model\/([A-Za-z0-9._:%-]{1,400})\/(invoke|invoke-with-response-stream)$/;
const MODEL_ID = /^[A-Za-z0-9._:/-]{1,256}$/;
/**
 * Anthropic's models as Bedrock names them: the foundation model id, or a system cross-region
 * inference profile (`us.`, `eu.`, `apac.`, `global.`, `us-gov.` …), as claude's Bedrock mode
 * sends them; other publishers' models (billed in other shapes the caps cannot read) are refused.
 */
const ANTHROPIC_MODEL = /^(?:[a-z]{2,6}(?:-[a-z]{2,4})?\.)?anthropic\.claude-[a-z0-9.:-]{1,200}$/;
/** An ARN of one of those, in the configured region (application inference profiles can point at any model). */
const MODEL_ARN = /^arn:aws(?:-[a-z]+)*:bedrock:([a-z0-9-]+):(?:\d{12})?:(?:foundation-model|inference-profile)\/(.+)$/;
/** Why the guest may not invoke `id` with the runner's credentials, or undefined when it may. */
function notAnthropicHere(id, region) {
    const arn = MODEL_ARN.exec(id);
    if (arn && arn[1] !== region)
        return `model ARN in region ${arn[1]}, not aws-region '${region}'`;
    if (!ANTHROPIC_MODEL.test(arn ? arn[2] : id))
        return `model '${id.slice(0, 120)}' is not an Anthropic model id or inference profile (only those are forwarded: the caps read their answers)`;
    return undefined;
}
function modelId(segment) {
    if (/%(?!3A|2F)/i.test(segment))
        return undefined;
    const id = segment.replace(/%3A/gi, ':').replace(/%2F/gi, '/');
    return MODEL_ID.test(id) && !id.split('/').includes('..') ? id : undefined;
}
/** The event stream's chunk events carry base64 Messages streaming events: count their usage. */
function eventStreamUsageTap(contentEncoding) {
    const counted = {};
    const read = eventStreamReader(({ headers, payload }) => {
        if (headers[':message-type'] !== 'event' || headers[':event-type'] !== 'chunk')
            return;
        const bytes = JSON.parse(payload.toString('utf8')).bytes;
        if (typeof bytes === 'string')
            (0,usage_tap/* foldUsageEvent */.J$)(counted, JSON.parse(Buffer.from(bytes, 'base64').toString('utf8')));
    });
    const decoder = (0,usage_tap/* decoderFor */.oe)(contentEncoding);
    decoder.on('data', read);
    const done = new Promise(resolve => decoder.on('end', resolve).on('error', () => resolve()));
    return {
        write: chunk => void decoder.write(chunk),
        result: async () => {
            decoder.end();
            await done;
            return counted;
        }
    };
}
/**
 * Amazon Bedrock: the guest runs claude in its Bedrock mode, unsigned, against the proxy; the
 * proxy signs each forwarded request with SigV4 (service `bedrock`, the configured region) using
 * the runner's AWS credentials, which never enter the bottle.
 */
function bedrockProvider(opts) {
    const upstream = new URL(opts.upstream);
    const basePath = upstream.pathname.replace(/\/+$/, '');
    const signer = new signature_v4_dist_cjs.SignatureV4({ service: 'bedrock', region: opts.region, credentials: opts.credentials ?? (0,dist_cjs/* defaultProvider */.v6)(), sha256: main.Sha256 });
    return {
        name: 'bedrock',
        upstream,
        judge: (method, target) => (0,placeholder/* behindPlaceholder */.yp)(target, opts.placeholder, rest => {
            const path = (0,model_routes/* loggedPath */.mq)(rest);
            const m = RUNTIME.exec(rest);
            const id = m ? modelId(m[1]) : undefined;
            const notHere = id === undefined ? undefined : notAnthropicHere(id, opts.region);
            if (!m || !id || method !== 'POST' || notHere) {
                const reason = notHere ??
                    (rest.startsWith('/inference-profiles')
                        ? 'the Bedrock control plane is not forwarded'
                        : `${method.slice(0, 20)} ${path} is not a Bedrock runtime request Claude Code makes`);
                return (0,provider/* refusal */.x)(403, path, reason, `bot-bottle model proxy: refused ${method.slice(0, 20)} ${path}: ${reason}. ` +
                    'Only InvokeModel and InvokeModelWithResponseStream of Anthropic models are forwarded.');
            }
            return { ok: true, path: `/model/${id}/${m[2]}`, upstreamPath: `${basePath}/model/${encodeURIComponent(id)}/${m[2]}`, model: id };
        }),
        async authorize({ method, path, headers, body }) {
            const strings = {};
            // none of the guest's AWS headers: x-amz-content-sha256 would leave the body unsigned, others pick a dearer tier or a guardrail
            for (const [k, v] of Object.entries(headers))
                if (v !== undefined && !/^x-amzn?-/i.test(k))
                    strings[k] = Array.isArray(v) ? v.join(', ') : String(v);
            const signed = await signer.sign({
                method,
                protocol: upstream.protocol,
                hostname: upstream.hostname,
                port: upstream.port ? Number(upstream.port) : undefined,
                path,
                query: {},
                headers: strings,
                body
            });
            return signed.headers;
        },
        usageTap: (contentType, contentEncoding) => /vnd\.amazon\.eventstream/i.test(contentType) ? eventStreamUsageTap(contentEncoding) : (0,usage_tap/* usageTap */.jD)(contentType, contentEncoding)
    };
}


/***/ })

};
