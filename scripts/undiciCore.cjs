// What the function bundle takes of undici: the Agent (pools, keep-alive, the HTTP/1.1 parser) and
// the request API on every dispatcher. undici's own index also loads fetch, WebSocket, EventSource,
// caches, mocks and proxy agents, which a run never uses; skipping them takes about 230 KB out
// of the bundle and out of every cold start. The assignment is the one undici's index makes.
const Dispatcher = require('undici/lib/dispatcher/dispatcher');
const api = require('undici/lib/api');

Object.assign(Dispatcher.prototype, api);

module.exports.Agent = require('undici/lib/dispatcher/agent');
module.exports.Dispatcher = Dispatcher;
