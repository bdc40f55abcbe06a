// Next.js with the `headers()` of one row of options.json (CORS_OPTIONS, JSON:
// {"headers": [what headers() returns]}), for tests/servers/record.py.
const options = JSON.parse(process.env.CORS_OPTIONS || '{"headers": []}');

module.exports = {
  async headers() {
    return options.headers;
  },
};
