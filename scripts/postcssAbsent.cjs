// sanitize-html requires postcss on load but calls it only to parse style attributes, which
// Tributary never allows and tells it not to parse (parseStyleAttributes: false). The bundle
// gets this stand-in instead of postcss and source-map-js (about 87 KB); should a future option
// reach it, the run fails loudly rather than sanitizing differently.
module.exports.parse = () => {
  throw new Error('postcss is not in the bundle: style attributes are neither allowed nor parsed');
};
