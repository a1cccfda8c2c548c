// undici's HTTP/1.1 parser built without wasm SIMD. undici takes it only where compiling the SIMD
// build fails (no CPU Lambda runs on: Graviton and x86-64 both have it) or UNDICI_NO_WASM_SIMD=1.
// Bundled, its 70 KB of base64 would be part of every cold start; instead writeLlhttpWithoutSimd
// (bundleOptions.mjs) writes the wasm beside the bundle's files, and this reads it only when undici asks.
const { readFileSync } = require('node:fs');

module.exports = readFileSync(require.resolve('./llhttp-without-simd.wasm'));
