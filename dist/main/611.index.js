export const id = 611;
export const ids = [611];
export const modules = {

/***/ 64611:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CLOUD_PLATFORM_SCOPE: () => (/* binding */ CLOUD_PLATFORM_SCOPE),
/* harmony export */   vertexProvider: () => (/* binding */ vertexProvider)
/* harmony export */ });
/* harmony import */ var google_auth_library__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(492);
/* harmony import */ var _model_routes_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(57988);
/* harmony import */ var _usage_tap_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(10431);
/* harmony import */ var _placeholder_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(19416);
/* harmony import */ var _provider_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(22688);





/**
 * What claude's Vertex mode sends (claude 2.1.332, CLAUDE_CODE_USE_VERTEX=1 with
 * CLAUDE_CODE_SKIP_VERTEX_AUTH=1, recorded against a loopback server; see
 * shared/reference/claude-provider-modes.md):
 *   POST /v1/projects/<project>/locations/<region>/publishers/anthropic/models/<model>:streamRawPredict
 *   POST …/models/<model>:rawPredict                          (model probes, max_tokens 1)
 * Model ids as Vertex names them (`claude-opus-4-5@20251101`). The answers are the Messages API's
 * own (SSE for streamRawPredict, JSON for rawPredict), so the usage is read as from Anthropic.
 * Only the configured project and region are forwarded: the runner's Google credentials may
 * reach other projects, the bottle may not.
 */
const RUNTIME = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/anthropic\/models\/([A-Za-z0-9._@-]{1,128}):(rawPredict|streamRawPredict)$/;
/** Google's cloud-platform scope, which Vertex AI's predict calls require. */
const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
/**
 * The guest's headers without those Google's front end acts on: `x-goog-user-project` bills
 * another project the runner's identity may use, other `x-goog-*` steer the call, and the
 * method overrides turn the POST into another verb.
 */
function withoutGuestGoogleHeaders(headers) {
    return Object.fromEntries(Object.entries(headers).filter(([k]) => !/^x-goog-|^x-http-method|^x-method-override$/i.test(k)));
}
/**
 * Google Vertex AI: the guest runs claude in its Vertex mode without credentials; the proxy adds
 * an OAuth access token from the runner's application default credentials (the file
 * google-github-actions/auth writes, or workload identity). google-auth-library caches the token
 * and refreshes it before it expires.
 */
function vertexProvider(opts) {
    const upstream = new URL(opts.upstream);
    const basePath = upstream.pathname.replace(/\/+$/, '');
    // the project given up front: else the library looks it up (Cloud Resource Manager, gcloud) on the first token
    const auth = opts.auth ?? new google_auth_library__WEBPACK_IMPORTED_MODULE_0__.GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE], projectId: opts.project });
    return {
        name: 'vertex',
        upstream,
        judge: (method, target) => (0,_placeholder_js__WEBPACK_IMPORTED_MODULE_3__/* .behindPlaceholder */ .yp)(target, opts.placeholder, rest => {
            const split = (0,_model_routes_js__WEBPACK_IMPORTED_MODULE_1__/* .splitTarget */ .Gd)(rest);
            const path = (0,_model_routes_js__WEBPACK_IMPORTED_MODULE_1__/* .loggedPath */ .mq)(rest);
            const m = 'reason' in split || split.query ? undefined : RUNTIME.exec(split.path);
            const reason = 'reason' in split
                ? split.reason
                : !m || method !== 'POST'
                    ? `${method.slice(0, 20)} ${path} is not a Vertex AI request Claude Code makes`
                    : m[1] !== opts.project || m[2] !== opts.region
                        ? `project or region other than vertex-project '${opts.project}' / vertex-region '${opts.region}'`
                        : undefined;
            if (reason || !m)
                return (0,_provider_js__WEBPACK_IMPORTED_MODULE_4__/* .refusal */ .x)(403, path, reason ?? 'refused', `bot-bottle model proxy: refused ${method.slice(0, 20)} ${path}: ${reason}. ` +
                    'Only rawPredict and streamRawPredict of Anthropic models in the configured project and region are forwarded.');
            return { ok: true, path, upstreamPath: basePath + path, model: m[3] };
        }),
        async authorize({ headers }) {
            const token = (await auth.getAccessToken()) ?? '';
            if (!token)
                throw new Error('Google application default credentials gave no access token');
            return { ...withoutGuestGoogleHeaders(headers), authorization: `Bearer ${token}` };
        },
        usageTap: _usage_tap_js__WEBPACK_IMPORTED_MODULE_2__/* .usageTap */ .jD
    };
}


/***/ })

};
